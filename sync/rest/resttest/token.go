// Package resttest is a SMART Backend Services token endpoint for tests:
// it checks a client's signed assertion as an EHR's authorisation server
// would, and mints bearer tokens that a test FHIR server can be told to
// accept.
package resttest

import (
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenServer is an OAuth 2.0 token endpoint for one registered client.
type TokenServer struct {
	*httptest.Server
	ClientID   string
	Public     crypto.PublicKey
	Lifetime   time.Duration // of the tokens it mints
	TokensFile string        // when set, every minted token is appended here

	mu     sync.Mutex
	jtis   map[string]bool
	tokens []string
	Issued int    // tokens minted
	Last   string // the last refusal, for tests
}

// NewTokenServer starts a token endpoint on 127.0.0.1.
func NewTokenServer(clientID string, public crypto.PublicKey) *TokenServer {
	ts := &TokenServer{ClientID: clientID, Public: public, Lifetime: 5 * time.Minute, jtis: map[string]bool{}}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serve))
	return ts
}

// URL of the endpoint, the assertion's audience.
func (ts *TokenServer) TokenURL() string { return ts.Server.URL + "/token" }

// Valid tells whether a bearer token was minted here.
func (ts *TokenServer) Valid(token string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, t := range ts.tokens {
		if t == token {
			return true
		}
	}
	return false
}

func (ts *TokenServer) refuse(w http.ResponseWriter, code, why string) {
	ts.mu.Lock()
	ts.Last = why
	ts.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

func (ts *TokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/token" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		ts.refuse(w, "invalid_request", "form")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		ts.refuse(w, "unsupported_grant_type", "grant_type")
		return
	}
	if r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		ts.refuse(w, "invalid_client", "client_assertion_type")
		return
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(r.PostForm.Get("client_assertion"), &claims,
		func(*jwt.Token) (any, error) { return ts.Public, nil },
		jwt.WithValidMethods([]string{"RS384", "ES384"}), jwt.WithAudience(ts.TokenURL()),
		jwt.WithIssuer(ts.ClientID), jwt.WithSubject(ts.ClientID), jwt.WithExpirationRequired())
	if err != nil {
		ts.refuse(w, "invalid_client", err.Error())
		return
	}
	if time.Until(claims.ExpiresAt.Time) > 5*time.Minute+30*time.Second {
		ts.refuse(w, "invalid_client", "exp more than five minutes ahead")
		return
	}
	ts.mu.Lock()
	replay := claims.ID == "" || ts.jtis[claims.ID]
	ts.jtis[claims.ID] = true
	ts.mu.Unlock()
	if replay {
		ts.refuse(w, "invalid_client", "jti missing or replayed")
		return
	}
	if !strings.HasPrefix(r.PostForm.Get("scope"), "system/") {
		ts.refuse(w, "invalid_scope", "scope")
		return
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	ts.mu.Lock()
	ts.tokens = append(ts.tokens, tok)
	ts.Issued++
	ts.mu.Unlock()
	if ts.TokensFile != "" {
		f, err := os.OpenFile(ts.TokensFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			f.WriteString(tok + "\n")
			f.Close()
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer",
		"expires_in": int(ts.Lifetime / time.Second), "scope": r.PostForm.Get("scope")})
}
