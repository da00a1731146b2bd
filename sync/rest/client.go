// Package rest is a FHIR R4 REST client made for pulling a ward's records
// while the EHR is up: capability check, searches that follow paging (next
// links, or _count/_offset when a server gives none), bounded concurrency,
// timeouts, retries with backoff on 429, 5xx and network errors (honouring
// Retry-After), and cancellation through context. Errors are one sentence
// and never hold a URL's query, which can carry patient ids.
package rest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lifeboat/store"
	"lifeboat/sync/fhirjson"
)

// Options configure a Client. Zero values take the defaults below.
type Options struct {
	Auth        Auth          // how requests are authorised; nil for none
	CAFile      string        // extra PEM certificates to trust besides the system's
	Timeout     time.Duration // per request, including reading the body
	Concurrency int           // requests in flight at once
	Retries     int           // further attempts after a failed one
	PageSize    int           // _count asked of searches
	MinBackoff  time.Duration // first wait before a retry
	MaxBackoff  time.Duration // longest wait, also for Retry-After
	MaxBody     int64         // largest answer read, in bytes
	UserAgent   string
	// Transport, when set, carries the requests instead of a clone of
	// http.DefaultTransport (tests and benchmarks record with it); CAFile
	// does not apply to it.
	Transport http.RoundTripper
}

// Defaults.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultConcurrency = 4
	DefaultRetries     = 4
	DefaultPageSize    = 1000
	DefaultMinBackoff  = 500 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
	DefaultMaxBody     = 512 << 20
	maxPages           = 100_000
)

// Client talks to one FHIR server. It is safe for concurrent use.
type Client struct {
	base *url.URL
	http *http.Client
	long *http.Client // the same transport with no timeout of its own: TransactionWithin sets one per call
	opt  Options
	sem  chan struct{}
}

// Errors, for callers that tell them apart (all are wrapped with a sentence).
var (
	ErrUnreachable = errors.New("the FHIR server could not be reached")
	ErrRefused     = errors.New("the FHIR server refused the request")
	ErrNotFHIR     = errors.New("the FHIR server's answer is not FHIR")
	ErrAuth        = errors.New("authorisation failed")
	// ErrServerFailed is a refusal that was the server failing or busy
	// (5xx, 429) rather than refusing what was sent (4xx); every one is
	// also ErrRefused.
	ErrServerFailed = errors.New("the FHIR server failed")
	// ErrChanged is a write refused because the resource changed on the
	// server since it was read (409, 412).
	ErrChanged = errors.New("the FHIR server has a newer version")
	// ErrTimedOut is a request that got no whole answer within its
	// timeout; every one is also ErrUnreachable. The server may still be
	// working on it.
	ErrTimedOut = errors.New("the FHIR server did not answer in time")
)

// New makes a client for the FHIR base URL (e.g. https://ehr.example/fhir/R4).
func New(base string, opt Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(base), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("the FHIR base must be an http or https URL")
	}
	u.RawQuery, u.Fragment = "", ""
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&opt.Concurrency, DefaultConcurrency)
	def(&opt.PageSize, DefaultPageSize)
	if opt.Retries < 0 {
		opt.Retries = 0
	} else if opt.Retries == 0 {
		opt.Retries = DefaultRetries
	}
	defd(&opt.Timeout, DefaultTimeout)
	defd(&opt.MinBackoff, DefaultMinBackoff)
	defd(&opt.MaxBackoff, DefaultMaxBackoff)
	if opt.MaxBody <= 0 {
		opt.MaxBody = DefaultMaxBody
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "lifeboat"
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = opt.Concurrency
	if opt.CAFile != "" {
		pool, err := TrustedPool(opt.CAFile)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	var rt http.RoundTripper = tr
	if opt.Transport != nil {
		rt = opt.Transport
	}
	return &Client{base: u, http: &http.Client{Transport: rt, Timeout: opt.Timeout, CheckRedirect: sameOrigin(u)},
		long: &http.Client{Transport: rt, CheckRedirect: sameOrigin(u)},
		opt:  opt, sem: make(chan struct{}, opt.Concurrency)}, nil
}

// TrustedPool is the system's certificates plus those in a PEM file.
func TrustedPool(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pem, err := store.ReadRegular(caFile, "The CA bundle", 16<<20)
	if errors.Is(err, store.ErrNotRegular) || errors.Is(err, store.ErrTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("the CA bundle could not be read: %w", errors.Unwrap(errors.Unwrap(err)))
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("the CA bundle holds no PEM certificate")
	}
	return pool, nil
}

// sameOrigin stops redirects to another scheme or host: they would take
// the authorisation header with them.
func sameOrigin(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != base.Scheme || req.URL.Host != base.Host {
			return errors.New("redirected to another server")
		}
		return nil
	}
}

// Base is the server's base URL, for manifests and messages.
func (c *Client) Base() string { return c.base.String() }

// Timeout is the client's timeout per request (Options.Timeout).
func (c *Client) Timeout() time.Duration { return c.opt.Timeout }

// Metadata reads [base]/metadata and checks that the server speaks FHIR R4.
func (c *Client) Metadata(ctx context.Context) error {
	var cs struct {
		ResourceType string `json:"resourceType"`
		FHIRVersion  string `json:"fhirVersion"`
	}
	_, err := c.get(ctx, c.base.JoinPath("metadata"), "a read of the capability statement", func(body []byte) bool {
		return json.Unmarshal(body, &cs) == nil
	})
	if err != nil {
		return err
	}
	if cs.ResourceType != "CapabilityStatement" {
		return fmt.Errorf("%w: [base]/metadata is not a CapabilityStatement", ErrNotFHIR)
	}
	if cs.FHIRVersion != "" && !strings.HasPrefix(cs.FHIRVersion, "4.0") {
		return fmt.Errorf("%w: the server speaks FHIR %s, Lifeboat reads R4 (4.0.x)", ErrNotFHIR, cs.FHIRVersion)
	}
	return nil
}

// Read fetches one resource by type and id.
func (c *Client) Read(ctx context.Context, typ, id string) (json.RawMessage, error) {
	return c.get(ctx, c.base.JoinPath(typ, id), "a read of "+typ, json.Valid)
}

// Search runs a search of typ with params and calls fn with every resource
// of every page (matches and includes alike), in order. It follows the
// server's next links; a server that gives none is paged with _count and
// _offset until a short or empty page, or total.
func (c *Client) Search(ctx context.Context, typ string, params url.Values, fn func(json.RawMessage) error) error {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	if q.Get("_count") == "" {
		q.Set("_count", strconv.Itoa(c.opt.PageSize))
	}
	count, _ := strconv.Atoi(q.Get("_count"))
	offset, _ := strconv.Atoi(q.Get("_offset"))
	what := "a search of " + typ
	u := c.base.JoinPath(typ)
	u.RawQuery = q.Encode()
	seen := 0
	linked := false // a server that gave a next link ends with a page without one
	for range maxPages {
		// The page is walked, not decoded: the resources are decoded
		// once, by whoever keeps them. A page that cannot be walked (cut
		// short, an HTML error page) is retried like a failed request.
		var page fhirjson.Page
		var entries [][]byte
		_, err := c.get(ctx, u, what, func(body []byte) bool {
			var ok bool
			entries = entries[:0]
			page, ok = fhirjson.SearchPage(body, func(r []byte) { entries = append(entries, r) })
			return ok
		})
		if err != nil {
			return err
		}
		for _, r := range entries {
			if err := fn(r); err != nil {
				return err
			}
		}
		seen += len(entries)
		next := page.Next
		switch {
		case next != "":
			nu, err := c.base.Parse(next)
			if err != nil || nu.Scheme != c.base.Scheme || nu.Host != c.base.Host {
				return fmt.Errorf("%w: the next page of %s is on another server", ErrRefused, what)
			}
			u, linked = nu, true
		case linked, len(entries) == 0 || len(entries) < count || (page.Total >= 0 && seen >= page.Total):
			return nil
		default:
			offset += len(entries)
			q.Set("_offset", strconv.Itoa(offset))
			u.RawQuery = q.Encode()
		}
	}
	return fmt.Errorf("%w: %s gave more than %d pages", ErrRefused, what, maxPages)
}

// get fetches u with retries and returns the body of a 2xx answer that
// valid accepts (one that it refuses, cut short or not FHIR, is retried).
func (c *Client) get(ctx context.Context, u *url.URL, what string, valid func([]byte) bool) (json.RawMessage, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	var last error
	authRetried := false
	for attempt := 0; ; attempt++ {
		body, wait, err := c.once(ctx, u, what, valid)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
		var re *retryable
		if errors.As(err, &re) && re.auth && c.opt.Auth != nil && !authRetried {
			// A token the server no longer takes: get a new one once.
			c.opt.Auth.Invalidate()
			authRetried = true
			attempt--
			continue
		}
		if !errors.As(err, &re) || re.auth || attempt >= c.opt.Retries {
			return nil, unwrapRetryable(last)
		}
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		t := time.NewTimer(min(wait, c.opt.MaxBackoff))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}

// Transaction posts a transaction (or batch) Bundle to the base and
// returns the server's response Bundle. It is sent once (a token the
// server no longer takes is renewed once): after a failure, whether any of
// it was applied is for the caller to find out by reading, because a
// server that does not roll back may have applied part of it.
func (c *Client) Transaction(ctx context.Context, bundle []byte) (json.RawMessage, error) {
	return c.TransactionWithin(ctx, bundle, 0)
}

// TransactionWithin is Transaction with a timeout of its own instead of
// the client's (when d > 0), for a caller that sizes it to the Bundle. A
// Bundle not wholly answered in time fails with ErrTimedOut (also
// ErrUnreachable): the server may still be working on it.
func (c *Client) TransactionWithin(ctx context.Context, bundle []byte, d time.Duration) (json.RawMessage, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	valid := func(b []byte) bool { t, _ := fhirjson.TopString(b, "resourceType"); return t == "Bundle" }
	hc, timeout := c.http, c.opt.Timeout
	if d > 0 {
		hc, timeout = c.long, d
	}
	for renewed := false; ; renewed = true {
		rctx, cancel := context.WithTimeout(ctx, timeout)
		body, _, err := c.do(rctx, hc, http.MethodPost, c.base, bundle, "a transaction", valid)
		expired := rctx.Err() != nil
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil && expired {
			return nil, timedOut("a transaction", timeout)
		}
		var re *retryable
		if err != nil && errors.As(err, &re) && re.auth && c.opt.Auth != nil && !renewed {
			c.opt.Auth.Invalidate()
			continue
		}
		return body, unwrapRetryable(err)
	}
}

// timeoutError is ErrTimedOut and ErrUnreachable.
type timeoutError struct{ msg string }

func (e *timeoutError) Error() string { return e.msg }

func (e *timeoutError) Is(target error) bool {
	return target == ErrTimedOut || target == ErrUnreachable
}

func timedOut(what string, d time.Duration) error {
	msg := fmt.Sprintf("%v during %s: it did not answer in time", ErrUnreachable, what)
	if d > 0 {
		msg += " (" + d.Round(100*time.Millisecond).String() + ")"
	}
	return &timeoutError{msg}
}

// backoff is the wait before retry attempt+1: exponential with jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opt.MinBackoff << min(attempt, 16)
	d = min(d, c.opt.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// retryable marks an error worth another attempt (auth: worth one with a
// new token).
type retryable struct {
	err  error
	auth bool
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func unwrapRetryable(err error) error {
	var re *retryable
	if errors.As(err, &re) {
		return re.err
	}
	return err
}

// once makes one attempt; wait is the server's Retry-After, if any.
func (c *Client) once(ctx context.Context, u *url.URL, what string, valid func([]byte) bool) (json.RawMessage, time.Duration, error) {
	return c.send(ctx, http.MethodGet, u, nil, what, valid)
}

// send makes one request; a body is sent as FHIR JSON.
func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte, what string, valid func([]byte) bool) (json.RawMessage, time.Duration, error) {
	return c.do(ctx, c.http, method, u, body, what, valid)
}

// do makes one request with hc.
func (c *Client) do(ctx context.Context, hc *http.Client, method string, u *url.URL, body []byte, what string, valid func([]byte) bool) (json.RawMessage, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	req.Header.Set("Accept", "application/fhir+json")
	req.Header.Set("User-Agent", c.opt.UserAgent)
	if c.opt.Auth != nil {
		tok, err := c.opt.Auth.Token(ctx)
		if err != nil {
			return nil, 0, err
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		why := "the connection failed"
		var ne net.Error
		var unknown x509.UnknownAuthorityError
		var invalid x509.CertificateInvalidError
		var hostname x509.HostnameError
		switch {
		case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &hostname):
			// Not worth retrying: the certificate will not change.
			return nil, 0, fmt.Errorf("%w during %s: its TLS certificate is not trusted (give its CA with --ca-file)", ErrUnreachable, what)
		case errors.As(err, &ne) && ne.Timeout():
			return nil, 0, &retryable{err: timedOut(what, 0)}
		}
		return nil, 0, &retryable{err: fmt.Errorf("%w during %s: %s", ErrUnreachable, what, why)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, c.opt.MaxBody+1))
	if err != nil {
		return nil, 0, &retryable{err: fmt.Errorf("%w: the answer to %s was cut short", ErrNotFHIR, what)}
	}
	if int64(len(answer)) > c.opt.MaxBody {
		return nil, 0, fmt.Errorf("%w: the answer to %s is larger than %d MB", ErrRefused, what, c.opt.MaxBody>>20)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		if !valid(answer) {
			// Cut short on the way, or an HTML page from a proxy.
			return nil, 0, &retryable{err: fmt.Errorf("%w: the answer to %s is not FHIR JSON", ErrNotFHIR, what)}
		}
		return answer, 0, nil
	case code == http.StatusConflict || code == http.StatusPreconditionFailed:
		return nil, 0, fmt.Errorf("%w: it answered %d to %s", ErrChanged, code, what)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, 0, &retryable{err: fmt.Errorf("%w: the FHIR server answered %d to %s", ErrAuth, code, what), auth: true}
	case code == http.StatusTooManyRequests || code >= 500:
		return nil, retryAfter(resp.Header.Get("Retry-After")), &retryable{
			err: &statusError{code, fmt.Sprintf("%v: it answered %d to %s", ErrRefused, code, what)}}
	default:
		// The server's diagnostics are not quoted: they can echo a
		// query's values, such as an MRN.
		return nil, 0, &statusError{code, fmt.Sprintf("%v: it answered %d to %s", ErrRefused, code, what)}
	}
}

// statusError is an answer with an error status: ErrRefused, and
// ErrServerFailed too when the server failed (5xx) or was busy (429).
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func (e *statusError) Is(target error) bool {
	return target == ErrRefused || (target == ErrServerFailed && (e.code >= 500 || e.code == http.StatusTooManyRequests))
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
