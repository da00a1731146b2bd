package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"lifeboat/store"
)

// Subscriber keeps a kiosk's vault fed from its hub's publication: at a
// URL (the hub's listener, or any web server carrying the folder) or a
// folder (a share). It needs the ward passphrase (to check the pin and
// to sign what it has seen), never EHR credentials.
type Subscriber struct {
	Dir    string
	Keys   *store.Keys
	Source string // http(s)://… or a folder
	Client *http.Client
	Now    func() time.Time // the clock; nil means time.Now
	// The last index taken: when it was published and how often the hub
	// said it publishes.
	lastTime  time.Time
	lastEvery time.Duration
	etag      string // of the last index taken whole, for a conditional GET
}

// Update says what a step received.
type Update struct {
	Unchanged  bool // the index was the one already seen
	Sequence   uint64
	Ward       string
	Generation uint64    // the ward's newest, now in the vault
	AsOf       time.Time // its data's time
	Received   []uint64  // the generations fetched this step
	HubTime    time.Time
	EHR        EHRState
}

// EHRDown says what the index read by a step announces of the EHR: down
// since when (ok true), or not announced down (zero, ok true); ok is
// false when the step read no index (nothing to say, keep what was said).
func (u *Update) EHRDown() (since time.Time, ok bool) {
	if u == nil || u.HubTime.IsZero() {
		return time.Time{}, false
	}
	if u.EHR.Unreachable {
		return u.EHR.FailingSince, true
	}
	return time.Time{}, true
}

// ErrGenerationAltered is a published file whose content is not what the
// signed index says.
var ErrGenerationAltered = errors.New("is not the file the hub's signed index names (altered or cut short)")

// ErrStale is a hub that says how often it publishes and has published
// nothing for much longer: stopped, or its last index served on by a
// web server or a share. The data taken stays; the kiosk says the hub is
// lost, never that all is well.
var ErrStale = errors.New("the hub has published nothing since")

// staleAfter is how long past its last index a hub that publishes every
// interval is taken to have stopped: three intervals missed, and two
// minutes for the clocks of the hub and the kiosk.
func staleAfter(every time.Duration) time.Duration { return 3*every + 2*time.Minute }

// stale says when the last index taken is overdue.
func (s *Subscriber) stale() error {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	if s.lastEvery <= 0 || now.Sub(s.lastTime) <= staleAfter(s.lastEvery) {
		return nil
	}
	return fmt.Errorf("%w %s, though it publishes every %s", ErrStale, s.lastTime.Local().Format("02/01/2006 15:04"), s.lastEvery)
}

// ErrNotSealedHere is a generation of the kiosk's ward, signed by its
// hub, that the kiosk cannot decrypt: the hub no longer seals to it.
var ErrNotSealedHere = errors.New("is not sealed to this kiosk: the hub may have revoked it (ask IT); the last good generation stays")

// ErrNotSealedYet is the same for a kiosk that has taken nothing from the
// hub yet: enrolled after the hub's last pull, which the next one seals
// to it.
var ErrNotSealedYet = errors.New("is not sealed to this kiosk yet: it was enrolled after the hub's last pull, and the next pull seals the ward to it")

// ErrNoWard is an index that publishes nothing for the kiosk's ward yet.
var ErrNoWard = errors.New("the hub publishes no generation for this kiosk's ward yet")

// Remote says whether the publication is read from a URL (a hub or a web
// server), not a folder.
func (s *Subscriber) Remote() bool {
	return strings.HasPrefix(s.Source, "http://") || strings.HasPrefix(s.Source, "https://")
}

// Step fetches the index and the generation files the vault lacks,
// checks each and keeps them. On any refusal nothing is kept of this
// step and the last good generation stays; errors wrap ErrRefused when
// something was forged, foreign, rolled back or altered.
func (s *Subscriber) Step(ctx context.Context) (*Update, error) {
	pin, err := s.Keys.Hub(s.Dir)
	if err != nil {
		return nil, err
	}
	raw, etag, unchanged, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	seen, seenErr := store.HubSeen(s.Dir, s.Keys, pin.HubID)
	if unchanged && seenErr == nil && seen > 0 {
		return &Update{Unchanged: true, Sequence: seen}, s.stale()
	}
	ix, err := parseIndex(raw, pin)
	if err != nil {
		return nil, err
	}
	if ix.Sequence < seen {
		return nil, refusal{ErrIndexRollback}
	}
	s.lastTime, s.lastEvery = ix.Time, time.Duration(ix.EverySeconds)*time.Second
	up := &Update{Sequence: ix.Sequence, Ward: pin.Ward, HubTime: ix.Time, EHR: ix.EHR}
	var entry *WardEntry
	for i := range ix.Wards {
		if ix.Wards[i].Ward == pin.Ward {
			entry = &ix.Wards[i]
		}
	}
	if entry == nil || len(entry.Chain) == 0 {
		return up, ErrNoWard
	}
	for _, f := range entry.Chain {
		if f.Path != generationFile(pin.Ward, f.Generation) || f.Size <= 0 || f.Size > maxFile {
			return nil, refusal{ErrIndexDamaged}
		}
		if store.HasGeneration(s.Dir, f.Generation) {
			continue
		}
		if err := s.receive(ctx, pin, f, seen == 0); err != nil {
			return nil, err
		}
		up.Received = append(up.Received, f.Generation)
	}
	up.Generation, up.AsOf = entry.Generation, entry.AsOf
	if ix.Sequence > seen || seenErr != nil {
		if err := store.RecordHubSeen(s.Dir, s.Keys, pin.HubID, ix.Sequence); err != nil {
			return nil, err
		}
	}
	up.Unchanged = unchanged && len(up.Received) == 0
	// Only an index taken whole is asked for again conditionally: one
	// refused, or whose files did not all come, is fetched and checked
	// again next time, never passed as unchanged on the server's 304.
	if !unchanged {
		s.etag = etag
	}
	return up, s.stale()
}

// index reads index.json and its ETag; unchanged when the server says
// it is the one last taken whole (304).
func (s *Subscriber) index(ctx context.Context) (b []byte, etag string, unchanged bool, err error) {
	if !s.Remote() {
		b, err := store.ReadRegular(filepath.Join(s.Source, indexFile), "the hub's index", maxIndex)
		if err != nil {
			return nil, "", false, fmt.Errorf("reading the hub's publication: %w", err)
		}
		return b, "", false, nil
	}
	body, resp, err := s.get(ctx, indexFile, s.etag)
	if err != nil {
		return nil, "", false, err
	}
	defer body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, "", true, nil
	}
	b, err = io.ReadAll(io.LimitReader(body, maxIndex+1))
	if err != nil {
		return nil, "", false, fmt.Errorf("the hub's index was cut short: %w", err)
	}
	if len(b) > maxIndex {
		return nil, "", false, refusal{ErrIndexDamaged}
	}
	return b, resp.Header.Get("ETag"), false, nil
}

func (s *Subscriber) get(ctx context.Context, rel, etag string) (io.ReadCloser, *http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(s.Source, "/")+"/"+rel, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("the hub's address is not a URL: %w", err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, nil, unreachable(err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		defer resp.Body.Close()
		if httpsOnly(resp) {
			return nil, nil, ErrHTTPSOnly
		}
		return nil, nil, fmt.Errorf("the hub answered HTTP %d for %s", resp.StatusCode, rel)
	}
	return resp.Body, resp, nil
}

// receive fetches one generation file into the vault: at most the size
// the index signs, with the hash it signs, then checked as Open checks it.
func (s *Subscriber) receive(ctx context.Context, pin *store.HubPin, f File, first bool) error {
	var src io.ReadCloser
	if s.Remote() {
		body, _, err := s.get(ctx, f.Path, "")
		if err != nil {
			return err
		}
		src = body
	} else {
		file, err := store.OpenRegular(filepath.Join(s.Source, filepath.FromSlash(f.Path)), fmt.Sprintf("generation %d's published file", f.Generation), f.Size)
		if err != nil {
			if errors.Is(err, store.ErrTooLarge) {
				return refusal{fmt.Errorf("generation %d %w", f.Generation, ErrGenerationAltered)}
			}
			return fmt.Errorf("reading the hub's publication: %w", err)
		}
		src = file
	}
	defer src.Close()
	in, err := store.Receive(s.Dir, f.Generation)
	if err != nil {
		return err
	}
	defer in.Abort()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(in, h), io.LimitReader(src, f.Size+1))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("generation %d could not be fetched whole: %w", f.Generation, unwrapURL(err))
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return refusal{fmt.Errorf("generation %d %w", f.Generation, ErrGenerationAltered)}
	}
	m, err := in.Accept(s.Keys, pin.Ward)
	var fe *store.FileError
	if errors.Is(err, store.ErrForeign) {
		if first {
			// Enrolled since the hub's last pull: not a refusal.
			return fmt.Errorf("generation %d %w", f.Generation, ErrNotSealedYet)
		}
		return refusal{fmt.Errorf("generation %d %w", f.Generation, ErrNotSealedHere)}
	}
	if err != nil && m == nil && !errors.As(err, &fe) {
		return refusal{err}
	}
	return err // nil, or the kiosk's own disk (the generation kept, or not)
}
