//go:build unix

package store

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestFIFOsInPlaceOfTheJournalOrItsHeadNeitherHangNorStopRecording(t *testing.T) {
	for _, name := range []string{journalFile, journalHeadFile} {
		t.Run(name, func(t *testing.T) {
			dir, keys, _ := recordedJournal(t)
			path := filepath.Join(dir, name)
			os.Remove(path)
			os.Remove(filepath.Join(dir, journalFile+"-wal"))
			os.Remove(filepath.Join(dir, journalFile+"-shm"))
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				j := openJournal(t, dir, keys)
				if c := check(t, j); c.OK() {
					t.Errorf("a FIFO as %s went unnoticed", name)
				}
				record(t, j, draft(t, j, vitalsEntry("p1", 88)))
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatalf("a FIFO as %s hung the journal", name)
			}
		})
	}
}
