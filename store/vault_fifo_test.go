//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lifeboat/clinical"
)

// returnsPromptly runs fn and fails the test if it hangs: a FIFO opened
// for reading without a writer blocks forever.
func returnsPromptly(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s hung on a FIFO", what)
		return nil
	}
}

func plantFIFO(t *testing.T, path string) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestAFIFOInPlaceOfAnyVaultFileIsRefusedWithoutHanging(t *testing.T) {
	steps := map[string]func(dir string, keys *Keys) error{
		configFile: func(dir string, _ *Keys) error { _, err := LoadConfig(dir); return err },
		keyringFile: func(dir string, _ *Keys) error {
			_, err := Unlock(dir, testPassphrase)
			return err
		},
		auditHeadFile: func(dir string, keys *Keys) error {
			_, _, err := ReadAudit(dir, keys)
			return err
		},
		auditLogFile: func(dir string, keys *Keys) error {
			a, err := OpenAudit(dir, keys)
			if err == nil {
				err = a.Append(AuditRecord{Action: "view", Actor: "RN Test"})
			}
			return err
		},
		auditPendingFile: func(dir string, _ *Keys) error {
			return AuditWhileLocked(dir, AuditRecord{Action: "unlock-failed", Actor: "someone"})
		},
		syncStateFile: func(dir string, _ *Keys) error { _, _, err := ReadSyncState(dir); return err },
	}
	for name, step := range steps {
		t.Run(name, func(t *testing.T) {
			dir, keys := testVault(t)
			sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
			a := openTestAudit(t, dir, keys)
			appendRecords(t, a, 2)
			plantFIFO(t, filepath.Join(dir, name))
			err := returnsPromptly(t, name, func() error { return step(dir, keys) })
			if !errors.Is(err, ErrNotRegular) {
				t.Fatalf("got %v, want ErrNotRegular", err)
			}
			if want := "the data folder's " + name + " is not a regular file"; err.Error() != want {
				t.Errorf("sentence %q, want %q", err, want)
			}
		})
	}
}

// The rollback floor defends against rollback; it is not a gate. A FIFO
// or a huge file in its place is a damaged floor: the newest good snapshot
// opens with the damaged-floor warning, and the next seal replaces it
// without opening it.
func TestAFIFOOrHugeFileInPlaceOfTheFloorIsADamagedFloor(t *testing.T) {
	plant := map[string]func(t *testing.T, path string){
		"fifo": plantFIFO,
		"huge": func(t *testing.T, path string) {
			if err := os.WriteFile(path, make([]byte, maxSmallFile+1), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, plantAt := range plant {
		t.Run(name, func(t *testing.T) {
			dir, keys := testVault(t)
			sealN(t, dir, keys, 2)
			path := filepath.Join(dir, floorFile)
			plantAt(t, path)
			rb, err := returnsPromptlyRollback(t, dir)
			if err != nil || rb.Problem != errFloorDamaged.Error() {
				t.Fatalf("CheckRollback: %+v, %v; want the damaged-floor warning", rb, err)
			}
			var s *Snapshot
			err = returnsPromptly(t, "Open", func() (err error) {
				s, err = Open(context.Background(), dir, keys)
				return err
			})
			if err != nil {
				t.Fatalf("Open: %v; want the newest good snapshot", err)
			}
			if s.Manifest.Generation != 2 || s.Rollback != errFloorDamaged.Error() {
				t.Errorf("opened generation %d with warning %q", s.Manifest.Generation, s.Rollback)
			}
			s.Close()

			var m *Manifest
			err = returnsPromptly(t, "Seal", func() error {
				ctx := context.Background()
				w, err := BuildWard(ctx, []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001")})
				if err != nil {
					return err
				}
				defer w.Close()
				m, err = Seal(ctx, dir, keys, w, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}})
				return err
			})
			if err != nil || m.Generation != 3 {
				t.Fatalf("sealing over the damaged floor: %v, %v; want generation 3", m, err)
			}
			fi, err := os.Lstat(path)
			if err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("floor after sealing: %v, %v; want a regular file", fi, err)
			}
			if rb := rollbackOf(t, dir); rb.Problem != "" || rb.Floor != 3 {
				t.Errorf("after sealing: %+v", rb)
			}
		})
	}
}

func returnsPromptlyRollback(t *testing.T, dir string) (rb Rollback, err error) {
	t.Helper()
	err = returnsPromptly(t, "CheckRollback", func() error {
		cfg, gens, err := Inspect(dir)
		if err == nil {
			rb, err = CheckRollback(dir, cfg, gens)
		}
		return err
	})
	return rb, err
}

func TestAFIFOInPlaceOfAGenerationItBuildsOnIsRefusedWithoutHanging(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	path := filepath.Join(dir, snapshotDir, generationName(2))
	plantFIFO(t, path)
	err := returnsPromptly(t, "opening generation 2", func() error {
		_, err := openSealed(Generation{Generation: 2, Path: path}, keys.trust())
		return err
	})
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("got %v, want ErrNotRegular", err)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil || s.Manifest.Generation != 1 {
		t.Fatalf("opened %v, %v; want generation 1", s, err)
	}
	s.Close()
}

func TestAFIFOInPlaceOfTheSnapshotsFolderIsRefusedWithoutHanging(t *testing.T) {
	dir, keys := testVault(t)
	plantFIFO(t, filepath.Join(dir, snapshotDir))
	plantFIFO(t, filepath.Join(dir, reportDir))
	err := returnsPromptly(t, "Inspect", func() error { _, _, err := Inspect(dir); return err })
	if !errors.Is(err, ErrNotRegular) || err.Error() != "the data folder's snapshots/ is not a folder" {
		t.Fatalf("Inspect: %v", err)
	}
	err = returnsPromptly(t, "Open", func() error { _, err := Open(context.Background(), dir, keys); return err })
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Open: %v", err)
	}
	err = returnsPromptly(t, "Reports", func() error { _, err := Reports(dir, "plan"); return err })
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Reports: %v", err)
	}
}

func TestAFIFOAtATemporaryNameDoesNotHangWriting(t *testing.T) {
	dir, keys := testVault(t)
	plantFIFO(t, filepath.Join(dir, syncStateFile+".tmp"))
	plantFIFO(t, filepath.Join(dir, "audit.head.tmp")) // the fixed temporary name of earlier versions
	if err := returnsPromptly(t, "WriteSyncState", func() error { return WriteSyncState(dir, SyncState{}) }); err != nil {
		t.Fatal(err)
	}
	a := openTestAudit(t, dir, keys)
	if err := returnsPromptly(t, "Append", func() error {
		return a.Append(AuditRecord{Action: "view", Actor: "RN Test"})
	}); err != nil {
		t.Fatal(err)
	}
}

// A FIFO in place of mypatients.age is not waited on, and the next choice
// renames a new file over it.
func TestAFIFOInPlaceOfMyPatientsIsReplaced(t *testing.T) {
	myPatientsFileIsReplaced(t, func(t *testing.T, dir string) {
		path := filepath.Join(dir, myPatientsFile)
		os.Remove(path)
		plantFIFO(t, path)
	})
}
