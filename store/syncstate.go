package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lifeboat/internal/durable"
)

// SyncState is what the live sync last did, for status and monitoring. It
// holds no patient data: times, the server's base URL, a generation number
// and an error sentence. It is not signed: the data age that status reports
// comes from the newest good generation's signed manifest, never from here.
type SyncState struct {
	Source         string    `json:"source"`
	LastAttempt    time.Time `json:"lastAttempt"`
	LastSuccess    time.Time `json:"lastSuccess,omitzero"`
	LastError      string    `json:"lastError,omitempty"`
	LastErrorAt    time.Time `json:"lastErrorAt,omitzero"`
	LastGeneration uint64    `json:"lastGeneration,omitempty"`
	Failures       int       `json:"consecutiveFailures"` // attempts failed since the last success
	// FromHub says the source is the hospital's hub, not the EHR; then
	// EHRUnreachableSince is when the EHR went down, as the hub's signed
	// index last announced it (zero: not announced).
	FromHub             bool      `json:"fromHub,omitempty"`
	EHRUnreachableSince time.Time `json:"ehrUnreachableSince,omitzero"`
	// The last index taken from the hub, as it said: its sequence, when
	// the hub published it (the hub's clock), when this kiosk took it,
	// and the EHR's state it announced. Unsigned here; the sequence the
	// rollback check holds is hub.seen's, signed (HubFacts).
	HubIndexSequence uint64    `json:"hubIndexSequence,omitempty"`
	HubIndexTime     time.Time `json:"hubIndexTime,omitzero"`
	HubIndexTaken    time.Time `json:"hubIndexTaken,omitzero"`
	HubEHR           *HubEHR   `json:"hubEhr,omitempty"`
	// The journal handed in to the hub, as of HandInAt: the entries the
	// hub holds of it (its last receipt) and those still to hand in.
	HandedIn      int64     `json:"handedIn,omitempty"`
	HandInWaiting int64     `json:"handInWaiting,omitempty"`
	HandInAt      time.Time `json:"handInAt,omitzero"`
}

// HubEHR is how the hub's pulls from the EHR fare, as its index said
// (sync/hub's EHRState).
type HubEHR struct {
	LastAttempt  time.Time `json:"lastAttempt,omitzero"`
	LastSuccess  time.Time `json:"lastSuccess,omitzero"`
	FailingSince time.Time `json:"failingSince,omitzero"`
	Failures     int       `json:"failures"`
	Unreachable  bool      `json:"unreachable,omitempty"`
}

const syncStateFile = "sync.json"

// WriteSyncState replaces the vault's sync state (durable.Replace).
func WriteSyncState(dir string, s SyncState) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := durable.Replace(filepath.Join(dir, syncStateFile), 0o600, append(b, '\n')); err != nil {
		return fmt.Errorf("writing the sync state: %w", err)
	}
	return nil
}

// ReadSyncState reads the vault's sync state; ok is false when no live
// sync has run.
func ReadSyncState(dir string) (s SyncState, ok bool, err error) {
	b, err := ReadRegular(filepath.Join(dir, syncStateFile), vaultLabel(syncStateFile), maxSmallFile)
	if errors.Is(err, os.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, readErr("the sync state", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, false, errors.New("the sync state file is not readable")
	}
	return s, true, nil
}
