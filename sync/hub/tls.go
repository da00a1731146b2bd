package hub

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"lifeboat/store"
)

// TLS on the hub's listener (hub run --tls-cert, --tls-key) and the
// kiosk's client for it (--hub-ca). The publication's contents are
// encrypted to each ward's kiosks and signed, and enrolment is sealed
// and signed end to end, with or without TLS: what TLS adds is the
// confidentiality of what is said in the clear (which wards exist, when
// they change and how large their files are, the EHR's state in the
// index, the kiosks' heartbeats, the readiness board) and that a kiosk
// talks to the hub's address and no other.

// maxPEMFile bounds a certificate, key or CA bundle file, read whole.
const maxPEMFile = 1 << 20

// ServerTLS reads the listener's certificate (PEM: the server's
// certificate first, then any intermediates) and its private key (PEM),
// and returns the listener's TLS: version 1.2 at least, HTTP/1.1 only,
// so that the listener's timeouts and limits (NewServer's) hold as they
// do without TLS. Serve with tls.NewListener. A file that cannot be
// read, holds no PEM block of its kind, or a key that is not the
// certificate's is one sentence; a FIFO or a huge file in their place
// wraps store.ErrNotRegular or store.ErrTooLarge.
func ServerTLS(certFile, keyFile string) (*tls.Config, error) {
	certPEM, err := readPEM(certFile, "The hub's TLS certificate file (--tls-cert)")
	if err != nil {
		return nil, err
	}
	keyPEM, err := readPEM(keyFile, "The hub's TLS key file (--tls-key)")
	if err != nil {
		return nil, err
	}
	if !hasBlock(certPEM, func(t string) bool { return t == "CERTIFICATE" }) {
		return nil, errors.New("the hub's TLS certificate file (--tls-cert) holds no PEM certificate")
	}
	if !hasBlock(keyPEM, func(t string) bool { return strings.HasSuffix(t, "PRIVATE KEY") }) {
		return nil, errors.New("the hub's TLS key file (--tls-key) holds no PEM private key")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	switch {
	case err != nil && strings.Contains(err.Error(), "does not match"):
		return nil, errors.New("the hub's TLS key (--tls-key) is not the key of its certificate (--tls-cert)")
	case err != nil:
		return nil, fmt.Errorf("the hub's TLS certificate or key cannot be used (%s)", strings.TrimPrefix(err.Error(), "tls: "))
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}, nil
}

// CertificateExpiry is when the listener's certificate stops being valid
// (zero when it cannot be told).
func CertificateExpiry(cfg *tls.Config) time.Time {
	if cfg == nil || len(cfg.Certificates) == 0 || cfg.Certificates[0].Leaf == nil {
		return time.Time{}
	}
	return cfg.Certificates[0].Leaf.NotAfter
}

// readPEM reads a PEM file named on the command line, refusing FIFOs and
// huge files as every input is refused; label begins the sentences.
func readPEM(path, label string) ([]byte, error) {
	b, err := store.ReadRegular(path, label, maxPEMFile)
	if errors.Is(err, store.ErrNotRegular) || errors.Is(err, store.ErrTooLarge) {
		return nil, err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%s cannot be read: %w", strings.ToLower(label[:1])+label[1:], pe.Err)
	}
	return b, err
}

func hasBlock(b []byte, kind func(string) bool) bool {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return false
		}
		if kind(block.Type) {
			return true
		}
	}
}

// NewClient is a kiosk's HTTP client for its hub (enrolment, the
// publication, heartbeats): each request within timeout, TLS 1.2 at
// least, trusting the system's certificate authorities and, when caFile
// is given, those of that PEM bundle (a hospital's internal CA). An
// unreadable bundle, or one that holds no certificate, is one sentence.
func NewClient(caFile string, timeout time.Duration) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		b, err := readPEM(caFile, "The hub's CA bundle (--hub-ca)")
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, errors.New("the hub's CA bundle (--hub-ca) holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}

// Errors of reaching the hub. ErrUntrusted wraps ErrRefused too: the
// kiosk refuses a hub whose certificate it does not trust, takes nothing
// from it and sends it nothing (the last good snapshot stays).
var (
	ErrUnreachable = errors.New("the hub could not be reached")
	ErrUntrusted   = errors.New("the hub's TLS certificate is not trusted")
	ErrHTTPSOnly   = errors.New("the hub serves HTTPS only: use its https:// address")
)

// unreachable is why a request to the hub got no answer, in one
// sentence: a certificate the kiosk does not trust is said as such,
// never as Go's x509 text.
func unreachable(err error) error {
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		return refusal{fmt.Errorf("%w: it is not signed by an authority this kiosk trusts (give the hospital's CA with --hub-ca)", ErrUntrusted)}
	case errors.As(err, &hostname):
		return refusal{fmt.Errorf("%w: it is not made out to %s, the address this kiosk was given", ErrUntrusted, hostname.Host)}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return refusal{fmt.Errorf("%w: it has expired or is not valid yet (check it, and the clocks of the hub and the kiosk)", ErrUntrusted)}
	case errors.As(err, &invalid), errors.As(err, &verify):
		return refusal{fmt.Errorf("%w: it cannot be verified as a server's certificate", ErrUntrusted)}
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("%w: it answers in plain HTTP at that https:// address", ErrUnreachable)
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, unwrapURL(err))
}

// httpsOnly is Go's answer to a plain HTTP request sent to a listener
// that serves HTTPS only (its body is read, so only on an error status).
func httpsOnly(resp *http.Response) bool {
	if resp.StatusCode != http.StatusBadRequest || resp.Request == nil || resp.Request.URL.Scheme != "http" {
		return false
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	return strings.HasPrefix(string(b), "Client sent an HTTP request to an HTTPS server")
}
