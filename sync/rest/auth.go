package rest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Auth authorises requests with a bearer token.
type Auth interface {
	// Token is the bearer token to send ("" for none).
	Token(ctx context.Context) (string, error)
	// Invalidate drops a cached token the server refused.
	Invalidate()
}

// Bearer is a static token, read from a file or the environment by the
// caller (never from the command line, where other users can see it).
type Bearer string

func (b Bearer) Token(context.Context) (string, error) { return string(b), nil }
func (b Bearer) Invalidate()                           {}

// SMART is SMART Backend Services: OAuth 2.0 client credentials with a
// private_key_jwt client assertion signed RS384 (RSA key) or ES384 (P-384
// key). The access token is cached until shortly before it expires.
type SMART struct {
	TokenURL string
	ClientID string
	Scope    string // e.g. "system/*.rs" or "system/*.read"
	KeyID    string // kid of the key in the client's registered JWKS, if any
	Key      crypto.Signer
	HTTP     *http.Client // nil: a client with a 30 s timeout

	mu      sync.Mutex
	token   string
	expires time.Time
}

// ParseSigningKey reads a PEM private key (PKCS#8, PKCS#1 RSA or SEC 1 EC)
// fit for SMART: RSA of 2048 bits or more, or EC P-384.
func ParseSigningKey(pemBytes []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("the SMART private key is not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, errors.New("the SMART private key could not be read")
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, errors.New("the SMART RSA key is shorter than 2048 bits")
		}
		return k, nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P384() {
			return nil, errors.New("the SMART EC key must be on P-384 (ES384)")
		}
		return k, nil
	}
	return nil, errors.New("the SMART private key must be RSA (RS384) or EC P-384 (ES384)")
}

// expirySlack is how long before its stated expiry a token is renewed.
const expirySlack = 60 * time.Second

func (s *SMART) Invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

func (s *SMART) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && time.Now().Before(s.expires) {
		return s.token, nil
	}
	tok, life, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	s.token, s.expires = tok, time.Now().Add(max(life-expirySlack, life/2))
	return tok, nil
}

// Assertion is the signed client assertion JWT for one token request.
func (s *SMART) Assertion() (string, error) {
	var method jwt.SigningMethod
	switch s.Key.(type) {
	case *rsa.PrivateKey:
		method = jwt.SigningMethodRS384
	case *ecdsa.PrivateKey:
		method = jwt.SigningMethodES384
	default:
		return "", errors.New("the SMART private key must be RSA or EC P-384")
	}
	now := time.Now()
	t := jwt.NewWithClaims(method, jwt.RegisteredClaims{
		Issuer: s.ClientID, Subject: s.ClientID, Audience: jwt.ClaimStrings{s.TokenURL},
		ExpiresAt: jwt.NewNumericDate(now.Add(5 * time.Minute)), IssuedAt: jwt.NewNumericDate(now),
		ID: uuid.NewString(),
	})
	if s.KeyID != "" {
		t.Header["kid"] = s.KeyID
	}
	return t.SignedString(s.Key)
}

func (s *SMART) fetch(ctx context.Context) (string, time.Duration, error) {
	fail := func(why string) (string, time.Duration, error) {
		return "", 0, fmt.Errorf("%w: the SMART token endpoint %s", ErrAuth, why)
	}
	assertion, err := s.Assertion()
	if err != nil {
		return "", 0, err
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {s.Scope},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fail("URL is not usable")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return fail("could not be reached")
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
	}
	_ = json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK {
		if tr.Error != "" {
			return fail(fmt.Sprintf("refused the client (%d, %s)", resp.StatusCode, oauthError(tr.Error)))
		}
		return fail(fmt.Sprintf("refused the client (%d)", resp.StatusCode))
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "bearer") {
		return fail("gave no bearer token")
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life <= 0 {
		life = 5 * time.Minute // RFC 6749 leaves it optional; SMART says expires_in is required
	}
	return tr.AccessToken, life, nil
}

// oauthError keeps an OAuth error code only if it is one (letters and _),
// since the text comes from the network.
func oauthError(code string) string {
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return "an unknown error"
		}
	}
	return code
}
