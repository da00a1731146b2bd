package rest_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lifeboat/sync/rest"
	"lifeboat/sync/rest/resttest"
)

func keys(t *testing.T) map[string]crypto.Signer {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"RS384": rk, "ES384": ek}
}

func TestSMARTBackendServicesTokensAreFetchedCachedAndRenewed(t *testing.T) {
	for alg, key := range keys(t) {
		t.Run(alg, func(t *testing.T) {
			// A PEM round trip, as the key comes from a file.
			der, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := rest.ParseSigningKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
			if err != nil {
				t.Fatal(err)
			}
			ts := resttest.NewTokenServer("lifeboat-ward-7", key.Public())
			defer ts.Close()
			var refusedOnce atomic.Bool
			fhir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				if !ts.Valid(tok) || (r.URL.Query().Get("revoke") == "1" && refusedOnce.CompareAndSwap(false, true)) {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				fmt.Fprint(w, `{"resourceType":"Bundle","entry":[]}`)
			}))
			defer fhir.Close()
			ts.Lifetime = 4 * time.Second // renewed after half its life, as it is shorter than the slack
			auth := &rest.SMART{TokenURL: ts.TokenURL(), ClientID: "lifeboat-ward-7", Scope: "system/*.rs", Key: signer}
			c, err := rest.New(fhir.URL, rest.Options{Auth: auth, MinBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			search := func(q url.Values) error {
				return c.Search(context.Background(), "Patient", q, func(json.RawMessage) error { return nil })
			}
			for range 3 {
				if err := search(nil); err != nil {
					t.Fatal(err, ts.Last)
				}
			}
			if ts.Issued != 1 {
				t.Fatalf("%d tokens for three searches within the token's life", ts.Issued)
			}
			time.Sleep(2100 * time.Millisecond)
			if err := search(nil); err != nil || ts.Issued != 2 {
				t.Fatalf("after expiry: %d tokens, %v", ts.Issued, err)
			}
			// A token the server stops taking is replaced once.
			if err := search(url.Values{"revoke": {"1"}}); err != nil || ts.Issued != 3 {
				t.Fatalf("after a 401: %d tokens, %v", ts.Issued, err)
			}
		})
	}
}

func TestARefusingTokenEndpointIsOneSentence(t *testing.T) {
	k := keys(t)
	ts := resttest.NewTokenServer("lifeboat-ward-7", k["ES384"].Public())
	defer ts.Close()
	// Signed with a key the endpoint does not know.
	auth := &rest.SMART{TokenURL: ts.TokenURL(), ClientID: "lifeboat-ward-7", Scope: "system/*.rs", Key: k["RS384"]}
	c, _ := rest.New(ts.URL, rest.Options{Auth: auth})
	err := c.Metadata(context.Background())
	if !errors.Is(err, rest.ErrAuth) || err.Error() != "authorisation failed: the SMART token endpoint refused the client (400, invalid_client)" {
		t.Fatalf("err = %v", err)
	}
}

func TestSigningKeysThatSMARTDoesNotAllowAreRefused(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, key := range map[string]any{"RSA 1024": small, "EC P-256": p256} {
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		if _, err := rest.ParseSigningKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := rest.ParseSigningKey([]byte("not a key")); err == nil {
		t.Error("accepted text that is not PEM")
	}
}
