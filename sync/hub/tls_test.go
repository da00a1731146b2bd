package hub_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/internal/tlstest"
	"lifeboat/store"
	"lifeboat/store/storetest"
	readiness "lifeboat/sync/fleet"
	"lifeboat/sync/hub"
)

// pemFiles writes PEM files into a new folder: name, content, ….
func pemFiles(t *testing.T, pairs ...any) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < len(pairs); i += 2 {
		if err := os.WriteFile(filepath.Join(dir, pairs[i].(string)), pairs[i+1].([]byte), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// listenTLS serves the fleet's hub (publication, enrolment, heartbeats)
// over HTTPS on 127.0.0.1 as hub run --tls-cert does: hub.ServerTLS's
// configuration on hub.NewServer's listener. It returns the https URL.
func (f *fleet) listenTLS(certPEM, keyPEM []byte) string {
	f.t.Helper()
	dir := pemFiles(f.t, "hub.pem", certPEM, "hub-key.pem", keyPEM)
	cfg, err := hub.ServerTLS(filepath.Join(dir, "hub.pem"), filepath.Join(dir, "hub-key.pem"))
	if err != nil {
		f.t.Fatal(err)
	}
	mux := hub.Handler(f.hub, f.pub, time.Now)
	mux.Handle("POST "+hub.HeartbeatPath, f.beats.Handler(time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	srv := hub.NewServer("", mux)
	go func() { _ = srv.Serve(tls.NewListener(ln, cfg)) }()
	f.t.Cleanup(func() { srv.Close() })
	return "https://" + ln.Addr().String()
}

func hubClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	c, err := hub.NewClient(caFile, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// untrusted requires err to be the one sentence of a certificate the
// kiosk does not trust, not Go's x509 text.
func untrusted(t *testing.T, err error, what, want string) {
	t.Helper()
	if !errors.Is(err, hub.ErrUntrusted) || !errors.Is(err, hub.ErrRefused) || !strings.Contains(err.Error(), want) ||
		strings.Contains(err.Error(), "x509") || strings.Contains(err.Error(), "tls:") {
		t.Fatalf("%s: %v", what, err)
	}
}

// A kiosk enrols with a hub serving HTTPS with a certificate of the
// hospital's own CA, given with --hub-ca, subscribes and sends its
// heartbeats over the same client; a kiosk without the CA refuses the
// hub, before the code's secret is sent and without losing the last good
// generation.
func TestAKioskEnrolsAndSubscribesOverHTTPSTrustingTheHospitalsCA(t *testing.T) {
	f := newFleet(t)
	ca, err := tlstest.NewCA("Hospital internal CA")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.Issue(time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), tlstest.Localhost)
	if err != nil {
		t.Fatal(err)
	}
	url := f.listenTLS(certPEM, keyPEM)
	caFile := filepath.Join(pemFiles(t, "ca.pem", ca.PEM), "ca.pem")
	trusting, system := hubClient(t, caFile), hubClient(t, "")

	// Without the hospital's CA the hub is refused before the code's
	// secret leaves: the same code then works with it.
	code, err := f.hub.NewCode("ward-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v := storetest.NewVault(t)
	_, err = hub.Enrol(context.Background(), v.Dir, v.Keys, url, code, system, time.Now())
	untrusted(t, err, "enrolment without the CA", "not signed by an authority this kiosk trusts (give the hospital's CA with --hub-ca)")
	if _, err := v.Keys.Hub(v.Dir); !errors.Is(err, store.ErrNotEnrolled) {
		t.Fatalf("a refused enrolment pinned the hub: %v", err)
	}
	// Plain HTTP at the HTTPS listener is said as such.
	_, err = hub.Enrol(context.Background(), v.Dir, v.Keys, "http"+strings.TrimPrefix(url, "https"), code, trusting, time.Now())
	if !errors.Is(err, hub.ErrHTTPSOnly) {
		t.Fatalf("plain HTTP to the HTTPS listener: %v", err)
	}
	pin, err := hub.Enrol(context.Background(), v.Dir, v.Keys, url, code, trusting, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.Unlock(v.Dir, storetest.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	k := &hub.Subscriber{Dir: v.Dir, Keys: keys, Source: url, Client: trusting}

	f.step()
	up := subscribe(t, k)
	if len(up.Received) != 1 || up.Ward != "ward-1" {
		t.Fatalf("over HTTPS the kiosk received %+v", up)
	}
	if up := subscribe(t, k); !up.Unchanged {
		t.Fatalf("an unchanged index over HTTPS gave %+v", up)
	}
	b := &hub.Beater{Dir: k.Dir, Keys: k.Keys, Version: "test"}
	b.Received(up)
	if err := b.Send(context.Background(), trusting, url, b.Heartbeat(context.Background(), pin)); err != nil {
		t.Fatal(err)
	}
	if got := f.beats.Latest(); len(got) != 1 {
		t.Fatalf("the board holds %d heartbeats", len(got))
	}
	rows := readiness.Assess(f.reg.Enrolled(), f.beats.Latest(), time.Now(), readiness.Thresholds{})
	if len(rows) != 1 || rows[0].Latest == nil || rows[0].Latest.Generation != up.Generation {
		t.Fatalf("the board: %+v", rows)
	}

	// The same kiosk, its client without the CA (the bundle lost): the
	// step refuses the hub, nothing is taken, the last good stays; its
	// heartbeat is refused the same way.
	f.step()
	k.Client = system
	_, err = k.Step(context.Background())
	untrusted(t, err, "a step without the CA", "give the hospital's CA with --hub-ca")
	if m := open(t, k).Manifest; m.Generation != up.Generation {
		t.Fatalf("after the refused hub the kiosk opens generation %d, not %d", m.Generation, up.Generation)
	}
	err = b.Send(context.Background(), system, url, b.Heartbeat(context.Background(), pin))
	untrusted(t, err, "a heartbeat without the CA", "not signed by an authority")
	k.Client = trusting
	if up2 := subscribe(t, k); up2.Generation <= up.Generation {
		t.Fatalf("with the CA again the kiosk got %+v", up2)
	}
}

// The certificate's other faults are each one sentence: made out to
// another address, expired; and the listener speaks TLS 1.2 at least.
func TestAHubsCertificateFaultsAreSaidInOneSentence(t *testing.T) {
	ca, err := tlstest.NewCA("Hospital internal CA")
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(pemFiles(t, "ca.pem", ca.PEM), "ca.pem")
	client := hubClient(t, caFile)
	h := newHub(t)
	serve := func(notBefore, notAfter time.Time, ips ...net.IP) string {
		certPEM, keyPEM, err := ca.Issue(notBefore, notAfter, ips...)
		if err != nil {
			t.Fatal(err)
		}
		dir := pemFiles(t, "c.pem", certPEM, "k.pem", keyPEM)
		cfg, err := hub.ServerTLS(filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"))
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := hub.NewServer("", hub.Handler(h, t.TempDir(), time.Now))
		go func() { _ = srv.Serve(tls.NewListener(ln, cfg)) }()
		t.Cleanup(func() { srv.Close() })
		return "https://" + ln.Addr().String()
	}
	now := time.Now()
	code, err := h.NewCode("ward-1", now)
	if err != nil {
		t.Fatal(err)
	}
	v := storetest.NewVault(t)
	enrol := func(url string) error {
		_, err := hub.Enrol(context.Background(), v.Dir, v.Keys, url, code, client, now)
		return err
	}
	other := serve(now.Add(-time.Hour), now.Add(time.Hour), net.IPv4(127, 0, 0, 2))
	untrusted(t, enrol(other), "a certificate for another address", "it is not made out to 127.0.0.1, the address this kiosk was given")
	expired := serve(now.Add(-48*time.Hour), now.Add(-24*time.Hour), tlstest.Localhost)
	untrusted(t, enrol(expired), "an expired certificate", "it has expired or is not valid yet")

	good := serve(now.Add(-time.Hour), now.Add(time.Hour), tlstest.Localhost)
	old := hubClient(t, caFile)
	old.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS10
	old.Transport.(*http.Transport).TLSClientConfig.MaxVersion = tls.VersionTLS11
	if _, err := hub.Enrol(context.Background(), v.Dir, v.Keys, good, code, old, now); !errors.Is(err, hub.ErrUnreachable) ||
		!strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("TLS 1.1: %v", err)
	}
	if err := enrol(good); err != nil {
		t.Fatal(err)
	}
}

// newHub is a hub with one ward, no EHR.
func newHub(t *testing.T) *hub.Hub {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hub")
	if _, err := hub.Init(dir, hubPassphrase, "", 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(dir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddWard("ward-1", "5C", time.Now()); err != nil {
		t.Fatal(err)
	}
	return h
}

// ServerTLS and NewClient refuse what cannot be used, in one sentence.
func TestTLSFilesThatCannotBeUsedAreRefused(t *testing.T) {
	ca, err := tlstest.NewCA("Hospital internal CA")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cert, key, err := ca.Issue(now, now.Add(time.Hour), tlstest.Localhost)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, err := ca.Issue(now, now.Add(time.Hour), tlstest.Localhost)
	if err != nil {
		t.Fatal(err)
	}
	dir := pemFiles(t, "cert.pem", cert, "key.pem", key, "other-key.pem", otherKey, "empty.pem", []byte{}, "ca.pem", ca.PEM)
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, c := range []struct{ cert, key, want string }{
		{"cert.pem", "other-key.pem", "the hub's TLS key (--tls-key) is not the key of its certificate (--tls-cert)"},
		{"missing.pem", "key.pem", "the hub's TLS certificate file (--tls-cert) cannot be read: no such file or directory"},
		{"cert.pem", "missing.pem", "the hub's TLS key file (--tls-key) cannot be read: no such file or directory"},
		{"empty.pem", "key.pem", "the hub's TLS certificate file (--tls-cert) holds no PEM certificate"},
		{"key.pem", "cert.pem", "the hub's TLS certificate file (--tls-cert) holds no PEM certificate"},
		{"cert.pem", "cert.pem", "the hub's TLS key file (--tls-key) holds no PEM private key"},
	} {
		if _, err := hub.ServerTLS(p(c.cert), p(c.key)); err == nil || err.Error() != c.want {
			t.Errorf("%s and %s: %v", c.cert, c.key, err)
		}
	}
	cfg, err := hub.ServerTLS(p("cert.pem"), p("key.pem"))
	if err != nil || cfg.MinVersion != tls.VersionTLS12 || !hub.CertificateExpiry(cfg).Equal(now.Add(time.Hour).Truncate(time.Second).UTC()) {
		t.Fatalf("a good pair: %+v, %v", cfg, err)
	}
	for name, want := range map[string]string{
		"missing.pem": "the hub's CA bundle (--hub-ca) cannot be read: no such file or directory",
		"empty.pem":   "the hub's CA bundle (--hub-ca) holds no PEM certificate",
		"key.pem":     "the hub's CA bundle (--hub-ca) holds no PEM certificate",
	} {
		if _, err := hub.NewClient(p(name), time.Second); err == nil || err.Error() != want {
			t.Errorf("CA bundle %s: %v", name, err)
		}
	}
	if _, err := hub.NewClient(p("ca.pem"), time.Second); err != nil {
		t.Fatal(err)
	}
}
