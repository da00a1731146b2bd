package rest

import (
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnExtraCABundleIsTrustedAndNothingElse(t *testing.T) {
	srv := httptest.NewTLSServer(pages(3, true))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ids(t, fastClient(t, srv.URL, Options{CAFile: ca}), "Patient"); err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
	_, err := ids(t, fastClient(t, srv.URL, Options{Retries: -1}), "Patient")
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "TLS certificate is not trusted") {
		t.Fatalf("without it: %v", err)
	}
	if _, err := New(srv.URL, Options{CAFile: filepath.Join(t.TempDir(), "missing.pem")}); err == nil {
		t.Fatal("a missing CA bundle was accepted")
	}
}
