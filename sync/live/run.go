package live

import (
	"context"
	"errors"
	"time"

	"lifeboat/store"
)

// Run steps p at once and then every interval until ctx ends, recording
// each attempt in the vault's sync state. report is called after each
// step with its result or error. A step under way when ctx ends stops its
// network work; a seal already begun is finished (sealing never leaves a
// partial file either way). With interval 0 Run steps once and returns
// that step's error.
func Run(ctx context.Context, p *Puller, interval time.Duration, report func(*Result, error)) error {
	st, _, _ := store.ReadSyncState(p.Dir)
	for {
		res, err := p.Step(ctx)
		if ctx.Err() != nil && err != nil {
			return nil // stopped by a signal: not a failure of the server
		}
		now := p.now()
		st.Source, st.LastAttempt = p.Client.Base(), now
		if err != nil {
			st.LastError, st.LastErrorAt = sentenceOf(err), now
			st.Failures++
		} else {
			st.LastSuccess, st.LastError, st.Failures = now, "", 0
			st.LastGeneration = res.Manifest.Generation
		}
		if werr := store.WriteSyncState(p.Dir, st); werr != nil && err == nil {
			err = werr
		}
		if report != nil {
			report(res, err)
		}
		if interval <= 0 {
			return err
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// sentenceOf is an error's text, for the state file.
func sentenceOf(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the FHIR server did not answer in time"
	}
	return err.Error()
}
