package hub

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"lifeboat/store"
)

// Enrolment. IT makes a one-time code at the hub for a ward (NewCode);
// it carries the fingerprint of the hub's signing key and a secret whose
// hash alone the hub keeps. The kiosk asks the hub's listener who it is
// (GET /enrol: its keys, signed), checks the key against the code's
// fingerprint, and sends the secret and its own public keys encrypted to
// the hub's age recipient and signed with its own key (POST /enrol): a
// network in between can neither read the secret nor put other keys in
// its place. The hub spends the code, records the kiosk, signed, and
// answers, signed; the kiosk then pins the hub's key (store.PinHub).

const (
	enrolRequestContext = store.HubSignContext + "enrolment request v1\n"
	enrolReplyContext   = store.HubSignContext + "enrolment v1\n"
	maxEnrolPlain       = 16 << 10
	maxHubAnswer        = 64 << 10
)

type enrolRequest struct {
	Secret    string `json:"secret"` // the code's secret, base32
	Kiosk     string `json:"kiosk"`
	Recipient string `json:"recipient"`
	Signer    string `json:"signer"`
	// Ward is set by a kiosk enrolling again with the hub it is pinned to
	// (the hub's folder restored from a back-up older than its
	// enrolment): a code for another ward is refused, and not spent.
	Ward string `json:"ward,omitempty"`
	Sig  []byte `json:"sig"` // by the kiosk's key, over the rest
}

func (q enrolRequest) message() []byte {
	q.Sig = nil
	b, _ := json.Marshal(q)
	return append([]byte(enrolRequestContext), b...)
}

type enrolReply struct {
	Hub       string `json:"hub"`
	Ward      string `json:"ward"`
	Name      string `json:"name,omitempty"`
	Kiosk     string `json:"kiosk"`
	Recipient string `json:"recipient"`
}

type signedAnswer struct {
	Payload json.RawMessage `json:"payload"`
	Sig     []byte          `json:"sig"`
}

// enroller is the hub's side of enrolment.
type enroller struct {
	hub *Hub
	now func() time.Time
	mu  sync.Mutex // one enrolment at a time
}

func (e *enroller) signed(w http.ResponseWriter, ctx string, v any) {
	p, err := json.Marshal(v)
	if err == nil {
		var sig []byte
		if sig, err = e.hub.Keys.Sign(append([]byte(ctx), p...)); err == nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(signedAnswer{Payload: p, Sig: sig})
			return
		}
	}
	answerError(w, http.StatusInternalServerError, "the hub could not sign its answer")
}

func answerError(w http.ResponseWriter, status int, sentence string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": sentence})
}

func (e *enroller) identity(w http.ResponseWriter, r *http.Request) {
	e.signed(w, identityContext, identity{Hub: e.hub.ID(), Signer: e.hub.Keys.Config.Signer, Recipient: e.hub.Keys.Config.Recipient})
}

func (e *enroller) enrol(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, maxEnrolRequest)
	plain, err := e.hub.Keys.Unseal(body, maxEnrolPlain)
	if err != nil {
		answerError(w, http.StatusBadRequest, "the enrolment request is not sealed to this hub")
		return
	}
	var q enrolRequest
	if json.Unmarshal(plain, &q) != nil {
		answerError(w, http.StatusBadRequest, "the enrolment request is damaged")
		return
	}
	secret, err := codeText.DecodeString(q.Secret)
	key, kerr := base64.StdEncoding.DecodeString(q.Signer)
	_, rerr := age.ParseRecipients(strings.NewReader(q.Recipient))
	if err != nil || len(secret) != 20 || kerr != nil || len(key) != ed25519.PublicKeySize || rerr != nil ||
		strings.Contains(q.Recipient, "\n") || !kioskID.MatchString(q.Kiosk) || !ed25519.Verify(key, q.message(), q.Sig) {
		answerError(w, http.StatusBadRequest, "the enrolment request is damaged or not signed by the kiosk's key")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Kiosk ids are no secret (the board shows them): a code never
	// replaces the keys of a kiosk enrolled under the same id, which
	// would take its data and its heartbeats. The same kiosk enrolling
	// again (its answer lost) sends the same keys.
	if old, err := e.hub.kiosk(q.Kiosk); q.Kiosk == e.hub.ID() ||
		err == nil && (old.Signer != q.Signer || old.Recipient != q.Recipient) {
		answerError(w, http.StatusForbidden, ErrKioskIDTaken.Error())
		return
	}
	// A revoked kiosk stays out: neither its id nor its keys enrol again,
	// and the code is not spent on it.
	if rs, _, err := e.hub.Revocations(); err != nil {
		answerError(w, http.StatusInternalServerError, "the hub could not read its revocations")
		return
	} else if rs.of(Kiosk{ID: q.Kiosk, Signer: q.Signer, Recipient: q.Recipient}) != nil {
		answerError(w, http.StatusForbidden, ErrRevoked.Error())
		return
	}
	now := e.now()
	c, err := e.hub.useCode(secret, q.Ward, now)
	switch {
	case errors.Is(err, ErrOtherWard):
		answerError(w, http.StatusForbidden, ErrOtherWard.Error())
		return
	case errors.Is(err, ErrCodeUnknown):
		answerError(w, http.StatusNotFound, ErrCodeUnknown.Error())
		return
	case errors.Is(err, ErrCodeUsed):
		answerError(w, http.StatusConflict, ErrCodeUsed.Error())
		return
	case errors.Is(err, ErrCodeExpired):
		answerError(w, http.StatusGone, ErrCodeExpired.Error())
		return
	case err != nil:
		answerError(w, http.StatusInternalServerError, "the hub could not read its enrolment codes")
		return
	}
	ward, err := e.hub.Ward(c.Ward)
	if err != nil {
		answerError(w, http.StatusGone, "the code's ward is no longer published by the hub")
		return
	}
	k := Kiosk{ID: q.Kiosk, Hub: e.hub.ID(), Ward: ward.ID, Recipient: q.Recipient, Signer: q.Signer, Enrolled: now.UTC().Truncate(time.Second)}
	if err := e.hub.writeKiosk(k); err != nil {
		answerError(w, http.StatusInternalServerError, "the hub could not record the kiosk")
		return
	}
	e.signed(w, enrolReplyContext, enrolReply{Hub: e.hub.ID(), Ward: ward.ID, Name: ward.Name, Kiosk: k.ID, Recipient: k.Recipient})
}

// ErrHubAnswer is a hub that answered what a hub does not.
var ErrHubAnswer = errors.New("the hub's answer is damaged or not signed by its key")

// Enrol enrols the kiosk in dir with the hub at hubURL, with a code made
// there, and pins the hub's key. It returns the pin.
func Enrol(ctx context.Context, dir string, keys *store.Keys, hubURL, code string, client *http.Client, now time.Time) (*store.HubPin, error) {
	fp, secret, err := parseCode(code)
	if err != nil {
		return nil, err
	}
	// A kiosk pinned to a hub enrols again with it only: for the same
	// ward, with the same keys, its pin unchanged. The hub's folder
	// restored from a back-up older than the kiosk's enrolment does not
	// know it (its hand-ins and heartbeats are refused, its ward's
	// generations not sealed to it) until it does.
	again, err := keys.Hub(dir)
	switch {
	case errors.Is(err, store.ErrNotEnrolled):
		if err := store.CheckEnrollable(dir, keys); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	base := strings.TrimSuffix(hubURL, "/")
	var id identity
	var idKey ed25519.PublicKey
	if err := getSigned(ctx, client, base+"/enrol", identityContext, func(p []byte) (ed25519.PublicKey, error) {
		if json.Unmarshal(p, &id) != nil {
			return nil, ErrHubAnswer
		}
		k, err := id.key()
		if err != nil {
			return nil, ErrHubAnswer
		}
		if Fingerprint(k) != fp {
			return nil, codeErr(ErrCodeMismatch)
		}
		if again != nil && (id.Hub != again.HubID || !k.Equal(again.Key())) {
			return nil, store.ErrEnrolled // another hub
		}
		idKey = k
		return k, nil
	}); err != nil {
		return nil, err
	}
	hr, err := age.ParseRecipients(strings.NewReader(id.Recipient))
	if err != nil || len(hr) != 1 {
		return nil, ErrHubAnswer
	}
	q := enrolRequest{Secret: codeText.EncodeToString(secret), Kiosk: keys.Config.KioskID, Recipient: keys.Config.Recipient, Signer: keys.Config.Signer}
	if again != nil {
		q.Ward = again.Ward
	}
	if q.Sig, err = keys.Sign(q.message()); err != nil {
		return nil, err
	}
	plain, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	var sealed bytes.Buffer
	aw, err := age.Encrypt(&sealed, hr...)
	if err == nil {
		_, err = aw.Write(plain)
	}
	if err == nil {
		err = aw.Close()
	}
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/enrol", &sealed)
	if err != nil {
		return nil, fmt.Errorf("the hub's address is not a URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		return nil, unreachable(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHubAnswer))
	if err != nil {
		return nil, fmt.Errorf("the hub's answer was cut short: %w", err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, codeErr(ErrCodeUnknown)
	case http.StatusConflict:
		return nil, codeErr(ErrCodeUsed)
	case http.StatusForbidden:
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil {
			for _, known := range []error{ErrKioskIDTaken, ErrRevoked, ErrOtherWard} {
				if e.Error == known.Error() {
					return nil, known
				}
			}
		}
		return nil, fmt.Errorf("the hub refused the enrolment (HTTP %d)", resp.StatusCode)
	case http.StatusGone:
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error == ErrCodeExpired.Error() {
			return nil, codeErr(ErrCodeExpired)
		}
		return nil, codeErr(errors.New("the code's ward is no longer published by the hub"))
	default:
		return nil, fmt.Errorf("the hub refused the enrolment (HTTP %d)", resp.StatusCode)
	}
	var a signedAnswer
	var rep enrolReply
	if json.Unmarshal(body, &a) != nil || !ed25519.Verify(idKey, append([]byte(enrolReplyContext), a.Payload...), a.Sig) ||
		json.Unmarshal(a.Payload, &rep) != nil || rep.Hub != id.Hub || rep.Kiosk != q.Kiosk || rep.Recipient != q.Recipient ||
		CheckWardID(rep.Ward) != nil || again != nil && rep.Ward != again.Ward {
		return nil, ErrHubAnswer
	}
	if again != nil {
		return again, nil
	}
	return store.PinHub(dir, keys, id.Hub, idKey, rep.Ward, now)
}

// getSigned fetches a signed answer and checks it with the key check
// returns for its payload.
func getSigned(ctx context.Context, client *http.Client, url, sigContext string, check func([]byte) (ed25519.PublicKey, error)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("the hub's address is not a URL: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return unreachable(err)
	}
	defer resp.Body.Close()
	if httpsOnly(resp) {
		return ErrHTTPSOnly
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the hub answered HTTP %d where it says who it is: is this a Lifeboat hub's address?", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHubAnswer))
	if err != nil {
		return fmt.Errorf("the hub's answer was cut short: %w", err)
	}
	var a signedAnswer
	if json.Unmarshal(body, &a) != nil {
		return ErrHubAnswer
	}
	key, err := check(a.Payload)
	if err != nil {
		return err
	}
	if !ed25519.Verify(key, append([]byte(sigContext), a.Payload...), a.Sig) {
		return ErrHubAnswer
	}
	return nil
}

// unwrapURL drops the URL from a client error: the sentence says which
// server already.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
