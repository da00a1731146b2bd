//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

func TestSpecialFilesBesideTheJournalNeitherHangNorStopRecording(t *testing.T) {
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		for kind, place := range map[string]func(path string) error{
			"FIFO":    func(path string) error { return syscall.Mkfifo(path, 0o600) },
			"folder":  func(path string) error { return os.Mkdir(path, 0o700) },
			"symlink": func(path string) error { return os.Symlink(filepath.Join(filepath.Dir(path), "elsewhere"), path) },
		} {
			for _, journal := range []string{"recorded", "not yet created"} {
				t.Run(journalFile+suffix+" "+kind+" "+journal, func(t *testing.T) {
					var dir string
					var keys *Keys
					if journal == "recorded" {
						dir, keys, _ = recordedJournal(t)
					} else {
						dir, keys = testVault(t)
					}
					for _, s := range []string{"-wal", "-shm"} {
						os.Remove(filepath.Join(dir, journalFile+s))
					}
					if err := place(filepath.Join(dir, journalFile+suffix)); err != nil {
						t.Skip("cannot make one here:", err)
					}
					done := make(chan error, 1)
					try := func() error {
						j, err := OpenJournal(context.Background(), dir, keys)
						if err != nil {
							return err
						}
						defer j.Close() // before the folder is removed
						c, err := j.Check(context.Background())
						switch {
						case err != nil:
							return err
						case c.OK():
							return errors.New("it went unnoticed")
						case !strings.Contains(c.Err().Error(), journalFile+suffix+" is not a regular file"):
							return c.Err()
						}
						return j.Record(context.Background(), draft(t, j, vitalsEntry("p1", 88)))
					}
					go func() { done <- try() }()
					select {
					case err := <-done:
						if err != nil {
							t.Fatal(err)
						}
					case <-time.After(10 * time.Second):
						t.Fatalf("a %s as %s hung the journal", kind, journalFile+suffix)
					}
				})
			}
		}
	}
}
