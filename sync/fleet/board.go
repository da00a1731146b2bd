package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"lifeboat/internal/durable"
	"lifeboat/store"
)

// Received is the latest heartbeat of a kiosk as the hub took it.
type Received struct {
	Heartbeat
	At  time.Time `json:"at"` // the hub's clock when it came
	Raw []byte    `json:"raw"`
}

// ClockOffset is how far the kiosk's clock was ahead of the hub's when
// the heartbeat came (negative: behind), the time on the way included.
func (r Received) ClockOffset() time.Duration { return r.Sent.Sub(r.At) }

// Board keeps the latest heartbeat of every enrolled kiosk and counts the
// heartbeats refused, by reason. It is safe for concurrent use.
type Board struct {
	reg  Registry
	path string // where the latest heartbeats are kept ("" for nowhere)
	// Log, when set, is told when the board's file cannot be written
	// (once for each new reason).
	Log func(string)

	mu      sync.Mutex
	latest  map[string]Received
	refused map[string]uint64
	taken   uint64    // heartbeats taken, to tell what a write held
	written uint64    // taken as of the file last written
	savedAt time.Time // when a write last started
	saveErr error
	writes  sync.Mutex     // one write of the file at a time, outside mu
	pending sync.WaitGroup // writes started beside an answer (for tests)
}

// How often the board's file is written, at most (Save writes it at
// once), and how often one kiosk may send a heartbeat: a few hundred
// kiosks, or one hostile kiosk, cannot keep the hub's disk busy.
const (
	SaveEvery = 10 * time.Second
	MinBeat   = 5 * time.Second
)

// boardFile is the file the board is kept in, as signed heartbeats: read
// back, each is verified again against the kiosks enrolled then, so that
// the file cannot make a kiosk look ready that is not.
type boardFile struct {
	Heartbeats []Received `json:"heartbeats"`
}

// maxSkew is the most a kiosk's time read back from the board's file is
// taken to lag the hub's.
const maxSkew = 5 * time.Minute

// maxBoardFile bounds the board's file: a few hundred kiosks' heartbeats.
const maxBoardFile = 64 << 20

// Load opens the board kept at path (none yet is an empty board). A
// heartbeat there that no longer verifies (a kiosk revoked, the file
// altered) is left out and counted in problems.
func Load(path string, reg Registry) (b *Board, problems int, err error) {
	b = &Board{reg: reg, path: path, latest: map[string]Received{}, refused: map[string]uint64{}}
	if path == "" {
		return b, 0, nil
	}
	data, err := store.ReadRegular(path, "the fleet's heartbeats", maxBoardFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return b, 0, nil
	case errors.Is(err, store.ErrNotRegular), errors.Is(err, store.ErrTooLarge):
		// A FIFO, a folder or a huge file planted in its place is a
		// damaged board, not a gate: the hub starts with every kiosk not
		// heard from, and its next write replaces it.
		return b, 1, nil
	case err != nil:
		return nil, 0, err
	}
	var f boardFile
	if err := json.Unmarshal(data, &f); err != nil {
		return b, 1, nil // unreadable: every kiosk shows as not heard from
	}
	for _, r := range f.Heartbeats {
		h, err := verify(r.Raw, reg)
		if err != nil {
			problems++
			continue
		}
		// When it came is the hub's word, not signed: read back, it is
		// taken as no later than the kiosk's own time plus maxSkew, so
		// that an altered file makes a kiosk look fresher by maxSkew at
		// most, never by more.
		at := r.At
		if limit := h.Sent.Add(maxSkew); at.After(limit) {
			at = limit
		}
		if old, ok := b.latest[h.Kiosk]; !ok || old.Seq < h.Seq {
			b.latest[h.Kiosk] = Received{Heartbeat: h, At: at, Raw: r.Raw}
		}
	}
	return b, problems, nil
}

// Accept takes a signed heartbeat that came at now: verified, newer than
// the kiosk's last, and kept. A refusal is counted and returned.
func (b *Board) Accept(raw []byte, now time.Time) (Heartbeat, error) {
	h, err := verify(raw, b.reg)
	if err == nil {
		err = checkSane(h)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if last, ok := b.latest[h.Kiosk]; err == nil && ok {
		switch {
		case h.Seq <= last.Seq:
			err = ErrReplayed
		case now.Sub(last.At) < MinBeat && !now.Before(last.At):
			err = ErrTooFrequent
		}
	}
	if err != nil {
		b.refused[Reason(err)]++
		return Heartbeat{}, err
	}
	b.latest[h.Kiosk] = Received{Heartbeat: h, At: now, Raw: slices.Clone(raw)}
	b.taken++
	if now.Sub(b.savedAt) >= SaveEvery || now.Before(b.savedAt) {
		// Written beside the answer, not before it: a heartbeat is not
		// kept waiting on the disk (the file is a restart's memory).
		b.savedAt = now
		b.pending.Go(b.write)
	}
	return h, nil
}

// Save writes the board's file now if a heartbeat came since it was
// last written (the hub saves when it stops), and returns why it could
// not be written.
func (b *Board) Save(now time.Time) error {
	b.mu.Lock()
	b.savedAt = now
	b.mu.Unlock()
	b.write()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.saveErr
}

// write writes the latest heartbeats when some came since the file was
// last written; one write at a time.
func (b *Board) write() {
	b.writes.Lock()
	defer b.writes.Unlock()
	b.mu.Lock()
	taken := b.taken
	if b.path == "" || taken == b.written {
		b.mu.Unlock()
		return
	}
	data, err := json.Marshal(boardFile{Heartbeats: slices.SortedFunc(maps.Values(b.latest), func(a, c Received) int {
		return strings.Compare(a.Kiosk, c.Kiosk)
	})})
	b.mu.Unlock()
	if err == nil {
		err = durable.Replace(b.path, 0o600, data)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	prev := b.saveErr
	b.saveErr = err
	switch {
	case err == nil:
		b.written = taken
	case b.Log != nil && (prev == nil || prev.Error() != err.Error()):
		b.Log(fmt.Sprintf("The kiosks' heartbeats could not be kept on disk: %v.", err))
	}
}

// Latest returns the latest heartbeat of each kiosk that sent one.
func (b *Board) Latest() map[string]Received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.latest)
}

// Refused returns the heartbeats refused since the hub started, by
// reason.
func (b *Board) Refused() map[string]uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.refused)
}

// SaveError says why the board could not be kept on disk when it was
// last written (nil when it was).
func (b *Board) SaveError() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.saveErr
}

// Handler takes heartbeats: POST, at most MaxHeartbeat bytes. It answers
// 204 when the heartbeat is kept, else a status code for the refusal and
// its sentence.
func (b *Board) Handler(now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "heartbeats are POSTed", http.StatusMethodNotAllowed)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, MaxHeartbeat+1))
		if err != nil {
			http.Error(w, "the heartbeat could not be read", http.StatusBadRequest)
			return
		}
		if _, err := b.Accept(raw, now()); err != nil {
			http.Error(w, err.Error(), statusOf(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrOversized):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrUnsigned), errors.Is(err, ErrBadSignature):
		return http.StatusUnauthorized
	case errors.Is(err, ErrUnknownKiosk), errors.Is(err, ErrWrongWard):
		return http.StatusForbidden
	case errors.Is(err, ErrReplayed):
		return http.StatusConflict
	case errors.Is(err, ErrTooFrequent):
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

// ErrNoHeartbeats is a server that takes no heartbeats at all: a web
// server carrying the hub's publication, not the hub's own listener.
var ErrNoHeartbeats = errors.New("the server carrying the hub's publication takes no heartbeats (it is not the hub's own listener), so the readiness board does not show this kiosk")

// Post sends a heartbeat's request (its body the signed heartbeat) to a
// hub; an answer other than 204 is an error with the hub's sentence, or
// ErrNoHeartbeats when there is no such endpoint (404, 405).
func Post(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent:
		return nil
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return ErrNoHeartbeats
	}
	// The hub's refusal is one sentence in plain text; anything else (a
	// proxy's HTML page) is not repeated.
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		return fmt.Errorf("the hub refused the heartbeat (HTTP %d)", resp.StatusCode)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	return fmt.Errorf("the hub refused the heartbeat (HTTP %d): %s", resp.StatusCode, strings.TrimSpace(string(msg)))
}
