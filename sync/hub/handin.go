package hub

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"lifeboat/internal/diskfree"
	"lifeboat/internal/durable"
	"lifeboat/store"
)

// Handing in. When a kiosk reaches its hub again it hands in its journal
// and audit trail as they are (store.HandIn: sealed entries, signatures,
// chain values, the signed heads, the trail's lines), batch by batch from
// where the hub's last receipt left off. The hub checks each batch and
// keeps it in a mirror of the kiosk's folder (store.Mirror), never
// decrypting anything; IT's reconciliation opens the mirrors with the
// recovery key. Handing in is idempotent: an entry handed in twice (over
// the network and again from a USB copy) is kept once.
//
// A batch over the network is signed with the kiosk's key as a whole (so
// that no one else can put even a recovery-role entry, which only the
// recovery key can check, in its name); the hub answers with a receipt
// signed with its key, which the kiosk keeps (handin.json) to say how far
// it got and to resume from. A journal of a kiosk the hub never enrolled,
// or revoked, or whose keys are not those enrolled, is kept apart
// (handin/apart/), listed for a person and never reconciled as it is.

const (
	// HandInPath is where the hub's listener takes hand-ins.
	HandInPath          = "/handin"
	handInContext       = store.HubSignContext + "hand-in v1\n"
	handInReceiptCtx    = store.HubSignContext + "hand-in receipt v1\n"
	maxHandInRequest    = 8 << 20 // a batch (4 MB of entries and lines) in base64
	handInReceiptFile   = "handin.json"
	maxHandInConcurrent = 2 // batches checked and written at once; more wait their turn (429)
)

// Receipt is the hub's answer to a batch, signed with its key.
type Receipt struct {
	Hub   string `json:"hub"`
	Kiosk string `json:"kiosk"`
	// KeptApart is true when the kiosk is not one the hub enrolled
	// (unknown, revoked, other keys): its journal is kept apart for a
	// person.
	KeptApart bool      `json:"keptApart,omitempty"`
	Time      time.Time `json:"time"`
	store.HandInReceipt
}

// ErrNotHubFolder is a folder handed in to that is not a hub's.
var ErrNotHubFolder = errors.New("that folder is not a hub's data folder (lifeboat hub init makes one)")

// ErrHandInRefused is a batch the hub would not take at all.
var ErrHandInRefused = errors.New("the hub refused the hand-in")

// mirrorFor is where the hub keeps the journal of the kiosk whose
// configuration is cfg: its own folder when the hub enrolled it with
// these keys and has not revoked it, else a folder apart. known says the
// keys are those of a kiosk the hub enrolled, revoked since or not.
func (h *Hub) mirrorFor(cfg *store.Config) (dir string, apart, known bool, err error) {
	if !kioskID.MatchString(cfg.KioskID) {
		return "", false, false, errors.New("the hand-in's kiosk id is not one a kiosk has")
	}
	k, kerr := h.kiosk(cfg.KioskID)
	rs, _, err := h.Revocations()
	if err != nil {
		return "", false, false, err
	}
	this := Kiosk{ID: cfg.KioskID, Signer: cfg.Signer, Recipient: cfg.Recipient}
	enrolled := kerr == nil && k.ID == cfg.KioskID && k.Hub == h.ID() && k.Signer == cfg.Signer && k.Recipient == cfg.Recipient
	revoked := rs.of(this)
	if enrolled && revoked == nil {
		return filepath.Join(h.Dir, "handin", "kiosks", cfg.KioskID), false, true, nil
	}
	sum := sha256.Sum256([]byte(cfg.Signer))
	known = enrolled || revoked != nil && revoked.Signer == cfg.Signer
	return filepath.Join(h.Dir, "handin", "apart", cfg.KioskID+"-"+hex.EncodeToString(sum[:4])), true, known, nil
}

// ErrNotEnrolledHere is a hand-in over the network from keys the hub
// never enrolled: whoever can reach the listener could otherwise fill
// the hub's disk. A kiosk that never enrolled is handed in from a copy
// of its folder at the hub (HandInToFolder), where it is kept apart.
var ErrNotEnrolledHere = errors.New("the hub never enrolled this kiosk: hand its folder in at the hub itself (lifeboat handin --to HUBDIR)")

// mirrorQuota is how much of one kiosk's journal the hub takes over the
// network: a kiosk's disk in an attacker's hands (enrolled, or revoked and
// kept apart) cannot fill the hub's disk and stop every ward's sync. A
// two-week outage at a busy kiosk hands in some tens of MB. What is beyond
// it stays on the kiosk, said waiting, until IT hands its folder in at the
// hub (lifeboat handin --to HUBDIR), which has no quota.
var mirrorQuota int64 = 256 << 20

// minHubFree is the room the hub keeps on its disk for its own work
// (sealing and publishing the wards, the heartbeats): no hand-in over the
// network is taken below it.
var minHubFree uint64 = 1 << 30

// ErrHubFull is a hand-in over the network the hub has no room for (the
// kiosk's mirror at its quota, or the hub's disk nearly full): nothing of
// it is kept, and a batch of what the hub holds already is still answered.
var ErrHubFull = errors.New("the hub has no room for more of this kiosk's journal")

// put keeps one batch in its kiosk's mirror; over the network (remote)
// only from keys the hub enrolled, and only while it has room (full).
func (h *Hub) put(ctx context.Context, batch *store.HandIn, now time.Time, remote bool) (*Receipt, error) {
	_, cfg, err := batch.Signer()
	if err != nil {
		return nil, err
	}
	dir, apart, known, err := h.mirrorFor(cfg)
	if err != nil {
		return nil, err
	}
	if remote && !known {
		return nil, ErrNotEnrolledHere
	}
	m, err := store.OpenMirror(dir, batch.Config)
	if err != nil {
		return nil, err
	}
	var why string
	if remote {
		why = h.full(dir)
		m.Full = why != ""
	}
	r, err := m.Put(ctx, batch)
	if errors.Is(err, store.ErrMirrorFull) {
		// Said in the hub's log once until the kiosk's hand-ins are taken
		// again; the kiosk says it at every step.
		if _, said := h.refused.LoadOrStore(cfg.KioskID, true); !said && h.Log != nil {
			h.Log(fmt.Sprintf("Hand-ins from kiosk %s are refused: %s.", cfg.KioskID, why))
		}
		return nil, fmt.Errorf("%w: %s", ErrHubFull, why)
	}
	if err != nil {
		return nil, err
	}
	if len(r.Stored) > 0 || r.Lines > 0 {
		h.refused.Delete(cfg.KioskID) // taken again: a next refusal is said again
	}
	return &Receipt{Hub: h.ID(), Kiosk: cfg.KioskID, KeptApart: apart, Time: now.UTC(), HandInReceipt: *r}, nil
}

// full says why the hub takes no more over the network into the mirror
// at dir ("" when it does): the mirror holds mirrorQuota, or the hub's
// disk has less than minHubFree free.
func (h *Hub) full(dir string) string {
	var held int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				held += fi.Size()
			}
		}
		return nil
	})
	if held >= mirrorQuota {
		return fmt.Sprintf("it holds %d MB of this kiosk's journal, as much as it takes over the network: IT hands the rest in at the hub from a copy of the kiosk's folder (lifeboat handin --to)", held>>20)
	}
	if free, err := diskfree.Free(h.Dir); err == nil && free < minHubFree {
		return fmt.Sprintf("its disk has %d MB free, less than the %d MB it keeps for its own work", free>>20, minHubFree>>20)
	}
	return ""
}

// handInHandler takes the kiosks' batches at HandInPath.
func handInHandler(h *Hub, now func() time.Time) http.HandlerFunc {
	busy := make(chan struct{}, maxHandInConcurrent)
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case busy <- struct{}{}:
			defer func() { <-busy }()
		default:
			w.Header().Set("Retry-After", "10")
			answerError(w, http.StatusTooManyRequests, "the hub is taking other hand-ins: try again shortly")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHandInRequest))
		if err != nil {
			answerError(w, http.StatusRequestEntityTooLarge, "the hand-in is larger than a batch may be")
			return
		}
		var env signedAnswer
		var batch store.HandIn
		if json.Unmarshal(body, &env) != nil || json.Unmarshal(env.Payload, &batch) != nil {
			answerError(w, http.StatusBadRequest, "the hand-in is damaged")
			return
		}
		key, _, err := batch.Signer()
		if err != nil || !ed25519.Verify(key, append([]byte(handInContext), env.Payload...), env.Sig) {
			answerError(w, http.StatusUnauthorized, "the hand-in is not signed by the kiosk whose keys it carries")
			return
		}
		rec, err := h.put(r.Context(), &batch, now(), true)
		if errors.Is(err, ErrNotEnrolledHere) {
			answerError(w, http.StatusForbidden, err.Error())
			return
		}
		if errors.Is(err, ErrHubFull) {
			answerError(w, http.StatusInsufficientStorage, err.Error())
			return
		}
		if err != nil {
			answerError(w, http.StatusBadRequest, "the hand-in was refused: "+err.Error())
			return
		}
		p, err := json.Marshal(rec)
		if err == nil {
			var sig []byte
			if sig, err = h.Keys.Sign(append([]byte(handInReceiptCtx), p...)); err == nil {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(signedAnswer{Payload: p, Sig: sig})
				return
			}
		}
		answerError(w, http.StatusInternalServerError, "the hub could not sign its receipt")
	}
}

// HandInSummary is what a hand-in did, all batches together.
type HandInSummary struct {
	Stored, Had, Apart, Lines int
	Problems                  []string
	Held                      int64 // entries the hub holds of the journal file
	Waiting                   int64 // entries still to hand in
	KeptApart                 bool  // the hub keeps this kiosk's journal apart
	Hub                       string
}

func (s *HandInSummary) add(r *Receipt) {
	s.Stored += len(r.Stored)
	s.Had += len(r.Had)
	s.Apart += len(r.Apart)
	s.Lines += r.Lines
	s.Problems = append(s.Problems, r.Problems...)
	s.Held, s.KeptApart, s.Hub = r.Held, r.KeptApart, r.Hub
}

// HandInRecheck is how old a kiosk's last receipt may grow before the
// kiosk, with nothing new to hand in, asks its hub again (see HandInTo).
const HandInRecheck = 10 * time.Minute

// HandInTo hands in the journal and trail of the kiosk at dir to its hub
// at hubURL, from where the last receipt left off, until nothing waits.
//
// A hub whose folder was restored from a back-up lacks what it took
// since: it keeps nothing of a batch that begins beyond what it holds,
// and its receipt goes back to there, from where the hand-in goes on at
// once. So that this is found even when nothing new was recorded, the
// hub is asked with nothing new too, unless the last receipt is younger
// than recheck (0: it is always asked).
func HandInTo(ctx context.Context, dir string, keys *store.Keys, pin *store.HubPin, client *http.Client, hubURL string, recheck time.Duration) (*HandInSummary, error) {
	sum := &HandInSummary{Hub: pin.HubID}
	last, _ := ReadReceipt(dir, pin)
	var pos store.Position
	if last != nil {
		pos = last.Position
		sum.Held = last.Held
	}
	// Nothing recorded since a recent receipt, as the kiosk's signed heads
	// say: the journal and the trail are not read.
	if last != nil && recent(last, recheck) && store.NothingBeyond(dir, pos) {
		sum.KeptApart = last.KeptApart
		return sum, nil
	}
	wentBack := false
	for {
		batch, err := store.ReadHandIn(ctx, dir, pos)
		if err != nil {
			return sum, err
		}
		// What still waits is what the batch read counted beyond the
		// receipt, less what the hub takes of it.
		sum.Waiting = batch.WaitingEntries
		if len(batch.Entries) == 0 && len(batch.Audit) == 0 && last != nil && recent(last, recheck) {
			sum.Held, sum.KeptApart = last.Held, last.KeptApart
			return sum, nil // nothing new since the last receipt
		}
		rec, raw, err := postBatch(ctx, client, hubURL, keys, pin, batch)
		if err != nil {
			return sum, err
		}
		sum.Waiting -= int64(len(rec.Stored) + len(rec.Had) + len(rec.Apart))
		if err := durable.Replace(filepath.Join(dir, handInReceiptFile), 0o600, raw); err != nil {
			return sum, err
		}
		sum.add(rec)
		pos, last = rec.Position, rec
		// A receipt behind where the batch began: the hub lacks what came
		// before it, and took none of it. Once from there (a hub that
		// keeps going back is asked again at the next hand-in).
		back := rec.Position.Entry < batch.From.Entry || rec.Position.Audit < batch.From.Audit
		if back && !wentBack {
			wentBack = true
			continue
		}
		if batch.Last() || back {
			return sum, nil
		}
	}
}

// recent says whether the receipt is younger than recheck, by this
// kiosk's clock (a receipt from the hub's future is not).
func recent(r *Receipt, recheck time.Duration) bool {
	age := time.Since(r.Time)
	return age >= 0 && age < recheck
}

func postBatch(ctx context.Context, client *http.Client, hubURL string, keys *store.Keys, pin *store.HubPin, batch *store.HandIn) (*Receipt, []byte, error) {
	p, err := json.Marshal(batch)
	if err != nil {
		return nil, nil, err
	}
	sig, err := keys.Sign(append([]byte(handInContext), p...))
	if err != nil {
		return nil, nil, err
	}
	body, err := json.Marshal(signedAnswer{Payload: p, Sig: sig})
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(hubURL, "/")+HandInPath, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("the hub's address is not a URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("the hub could not be reached: %w", unwrapURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxHubAnswer))
	if err != nil {
		return nil, nil, fmt.Errorf("the hub's answer was cut short: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return nil, nil, fmt.Errorf("%w (HTTP %d): %s", ErrHandInRefused, resp.StatusCode, e.Error)
		}
		return nil, nil, fmt.Errorf("%w (HTTP %d)", ErrHandInRefused, resp.StatusCode)
	}
	rec, err := parseReceipt(raw, pin)
	if err != nil {
		return nil, nil, err
	}
	return rec, raw, nil
}

func parseReceipt(raw []byte, pin *store.HubPin) (*Receipt, error) {
	var a signedAnswer
	var rec Receipt
	if json.Unmarshal(raw, &a) != nil || !ed25519.Verify(pin.Key(), append([]byte(handInReceiptCtx), a.Payload...), a.Sig) ||
		json.Unmarshal(a.Payload, &rec) != nil || rec.Hub != pin.HubID {
		return nil, ErrHubAnswer
	}
	return &rec, nil
}

// ReadReceipt is the hub's last receipt kept by the kiosk at dir, checked
// against the pinned key (a receipt planted or altered on the kiosk's
// disk is no receipt: the next hand-in starts from the beginning, and
// the hub keeps what it holds once).
func ReadReceipt(dir string, pin *store.HubPin) (*Receipt, error) {
	raw, err := store.ReadRegular(filepath.Join(dir, handInReceiptFile), "the hub's last hand-in receipt", maxHubAnswer)
	if err != nil {
		return nil, err
	}
	return parseReceipt(raw, pin)
}

// HandInToFolder hands in the kiosk folder dir (a USB copy of a kiosk
// that never comes back) straight into the hub's folder hubDir, at the
// hub, with no passphrase: each entry is checked against the keys the hub
// enrolled, whose records are checked against the hub's public key.
func HandInToFolder(ctx context.Context, dir, hubDir string, now time.Time) (*HandInSummary, error) {
	if fi, err := os.Stat(filepath.Join(hubDir, "kiosks")); err != nil || !fi.IsDir() {
		return nil, ErrNotHubFolder
	}
	cfg, err := store.LoadConfig(hubDir)
	if err != nil {
		return nil, fmt.Errorf("reading the hub's folder: %w", err)
	}
	h := &Hub{Dir: hubDir, Keys: &store.Keys{Config: *cfg}}
	sum := &HandInSummary{Hub: h.ID()}
	var pos store.Position
	for {
		batch, err := store.ReadHandIn(ctx, dir, pos)
		if err != nil {
			return sum, err
		}
		rec, err := h.put(ctx, batch, now, false)
		if err != nil {
			return sum, err
		}
		sum.add(rec)
		pos = rec.Position
		if batch.Last() {
			return sum, nil
		}
	}
}
