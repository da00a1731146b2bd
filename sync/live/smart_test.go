package live_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"lifeboat/store"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
	"lifeboat/sync/rest/resttest"
)

// testSMART pulls through SMART Backend Services: the token endpoint of
// the harness checks the ES384 assertion and mints tokens the FHIR server
// is told to accept.
func testSMART(t *testing.T, files string) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(t.TempDir(), "tokens")
	ts := resttest.NewTokenServer("lifeboat-ward-1", key.Public())
	ts.TokensFile = tokens
	defer ts.Close()
	srv := fhirtest.Start(t, fhirtest.Options{TokensFile: tokens}, files)
	dir, keys := vault(t)

	other, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	refused := &rest.SMART{TokenURL: ts.TokenURL(), ClientID: "lifeboat-ward-1", Scope: "system/*.rs", Key: other}
	_, err = puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Auth: refused}).Step(context.Background())
	if !errors.Is(err, rest.ErrAuth) || !strings.Contains(err.Error(), "token endpoint refused the client") {
		t.Fatalf("a refusing token endpoint: %v", err)
	}
	if _, gens, _ := store.Inspect(dir); len(gens) != 0 {
		t.Fatal("a refused pull wrote a generation")
	}

	auth := &rest.SMART{TokenURL: ts.TokenURL(), ClientID: "lifeboat-ward-1", Scope: "system/*.rs", Key: key}
	p := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Auth: auth})
	step(t, p)
	step(t, p)
	if ts.Issued != 1 {
		t.Fatalf("%d tokens for two pulls within the token's life", ts.Issued)
	}
}
