package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// pages serves n Patients in pages of the asked _count, with or without
// next links.
func pages(n int, links bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		count, _ := strconv.Atoi(r.URL.Query().Get("_count"))
		off, _ := strconv.Atoi(r.URL.Query().Get("_offset"))
		var entries []string
		for i := off; i < min(off+count, n); i++ {
			entries = append(entries, fmt.Sprintf(`{"resource":{"resourceType":"Patient","id":"p%d"}}`, i))
		}
		link := ""
		if links && off+count < n {
			q := r.URL.Query()
			q.Set("_offset", strconv.Itoa(off+count))
			link = fmt.Sprintf(`"link":[{"relation":"next","url":"http://%s%s?%s"}],`, r.Host, r.URL.Path, q.Encode())
		}
		fmt.Fprintf(w, `{"resourceType":"Bundle","type":"searchset",%s"entry":[%s]}`, link, strings.Join(entries, ","))
	}
}

func fastClient(t *testing.T, base string, opt Options) *Client {
	t.Helper()
	if opt.MinBackoff == 0 {
		opt.MinBackoff = time.Millisecond
	}
	if opt.MaxBackoff == 0 {
		opt.MaxBackoff = 20 * time.Millisecond
	}
	c, err := New(base, opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ids(t *testing.T, c *Client, typ string) ([]string, error) {
	t.Helper()
	var out []string
	err := c.Search(context.Background(), typ, url.Values{}, func(raw json.RawMessage) error {
		var r struct{ ID string }
		json.Unmarshal(raw, &r)
		out = append(out, r.ID)
		return nil
	})
	return out, err
}

func TestSearchFollowsNextLinksAndPagesWithoutThem(t *testing.T) {
	for _, links := range []bool{true, false} {
		for _, n := range []int{0, 7, 10, 23} {
			srv := httptest.NewServer(pages(n, links))
			c := fastClient(t, srv.URL+"/fhir", Options{PageSize: 5})
			got, err := ids(t, c, "Patient")
			srv.Close()
			if err != nil || len(got) != n || (n > 0 && got[n-1] != fmt.Sprintf("p%d", n-1)) {
				t.Errorf("links=%v n=%d: got %d (%v)", links, n, len(got), err)
			}
		}
	}
}

func TestRetriesHonourRetryAfterAndGiveUpWithASentence(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 3:
			fmt.Fprint(w, `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Pat`) // cut short
		case 4:
			fmt.Fprint(w, `<html>proxy error</html>`)
		default:
			pages(3, true)(w, r)
		}
	}))
	defer srv.Close()
	c := fastClient(t, srv.URL, Options{})
	got, err := ids(t, c, "Patient")
	if err != nil || len(got) != 3 || calls.Load() != 5 {
		t.Fatalf("got %v after %d calls: %v", got, calls.Load(), err)
	}

	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer always.Close()
	c = fastClient(t, always.URL, Options{Retries: 2})
	_, err = ids(t, c, "Observation")
	if !errors.Is(err, ErrRefused) || err.Error() != "the FHIR server refused the request: it answered 500 to a search of Observation" {
		t.Fatalf("err = %v", err)
	}
}

func TestARefusedSearchIsNotRetriedAndSaysWhy(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"Unknown search parameter: MRN0001"}]}`)
	}))
	defer srv.Close()
	_, err := ids(t, fastClient(t, srv.URL, Options{}), "Patient")
	if calls.Load() != 1 || err == nil || err.Error() != "the FHIR server refused the request: it answered 400 to a search of Patient" {
		t.Fatalf("%d calls: %v", calls.Load(), err)
	}
}

func TestAnUnreachableServerIsOneSentenceWithoutTheQuery(t *testing.T) {
	srv := httptest.NewServer(pages(1, true))
	base := srv.URL
	srv.Close()
	c := fastClient(t, base, Options{Retries: 1})
	err := c.Search(context.Background(), "Observation", url.Values{"subject": {"Patient/secret-id"}}, func(json.RawMessage) error { return nil })
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancellationStopsWaitingForRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := fastClient(t, srv.URL, Options{MaxBackoff: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Search(ctx, "Patient", nil, func(json.RawMessage) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestNextLinksAndRedirectsToAnotherServerAreRefused(t *testing.T) {
	other := httptest.NewServer(pages(3, true))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect/Patient" {
			http.Redirect(w, r, other.URL+"/Patient", http.StatusFound)
			return
		}
		fmt.Fprintf(w, `{"resourceType":"Bundle","link":[{"relation":"next","url":"%s/Patient"}],"entry":[{"resource":{"resourceType":"Patient","id":"a"}}]}`, other.URL)
	}))
	defer srv.Close()
	if _, err := ids(t, fastClient(t, srv.URL, Options{Auth: Bearer("t")}), "Patient"); !errors.Is(err, ErrRefused) {
		t.Fatalf("followed a next link to another server: %v", err)
	}
	if _, err := ids(t, fastClient(t, srv.URL+"/redirect", Options{Auth: Bearer("t"), Retries: -1}), "Patient"); err == nil {
		t.Fatal("followed a redirect to another server")
	}
}

func TestMetadataChecksTheFHIRVersion(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1"}`: true,
		`{"resourceType":"CapabilityStatement","fhirVersion":"5.0.0"}`: false,
		`{"resourceType":"Patient"}`:                                   false,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		err := fastClient(t, srv.URL, Options{}).Metadata(context.Background())
		srv.Close()
		if (err == nil) != ok {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// TestTransactionWithin: a transaction's own timeout replaces the
// client's, longer or shorter, and running out of it is ErrTimedOut (and
// ErrUnreachable), sent once; cancelling the context is not a timeout.
func TestTransactionWithin(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		d, _ := time.ParseDuration(r.Header.Get("User-Agent"))
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `{"resourceType":"Bundle","type":"transaction-response","entry":[]}`)
	}))
	defer srv.Close()
	slow := func(d time.Duration) *Client {
		return fastClient(t, srv.URL, Options{Timeout: 100 * time.Millisecond, UserAgent: d.String()})
	}
	ctx := context.Background()
	body := []byte(`{"resourceType":"Bundle","type":"transaction","entry":[]}`)

	if _, err := slow(300*time.Millisecond).TransactionWithin(ctx, body, 5*time.Second); err != nil {
		t.Errorf("a longer timeout than the client's: %v", err)
	}
	posts.Store(0)
	_, err := slow(2*time.Second).TransactionWithin(ctx, body, 200*time.Millisecond)
	if !errors.Is(err, ErrTimedOut) || !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrRefused) {
		t.Errorf("a transaction past its own timeout: %v, want ErrTimedOut and ErrUnreachable", err)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("the timed-out transaction was posted %d times, want once", n)
	}
	_, err = slow(2*time.Second).Transaction(ctx, body)
	if !errors.Is(err, ErrTimedOut) {
		t.Errorf("a transaction past the client's timeout: %v, want ErrTimedOut", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = slow(2*time.Second).TransactionWithin(cctx, body, 5*time.Second)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimedOut) {
		t.Errorf("a transaction whose context ended: %v, want the context's error", err)
	}
}
