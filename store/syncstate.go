package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
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
}

const syncStateFile = "sync.json"

// WriteSyncState replaces the vault's sync state (write, fsync, rename).
func WriteSyncState(dir string, s SyncState) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, syncStateFile)
	tmp := path + ".tmp"
	// Whatever is at the temporary name goes first: opening a FIFO
	// planted there for writing would wait for a reader forever.
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing the sync state: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
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
