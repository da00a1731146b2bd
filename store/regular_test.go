//go:build unix

package store_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lifeboat/store"
)

func TestReadRegularRefusesAFIFOWithoutWaitingForAWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := store.ReadRegular(path, "config.json", 1<<20); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrNotRegular) {
			t.Fatalf("got %v, want ErrNotRegular", err)
		}
		if err.Error() != "config.json is not a regular file" {
			t.Errorf("sentence %q", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO hung")
	}
}

func TestReadRegularRefusesAFileOverItsLimitAndADirectory(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ReadRegular(big, "input file 1", 1024); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if b, err := store.ReadRegular(big, "input file 1", 2048); err != nil || len(b) != 2048 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	if _, err := store.ReadRegular(dir, "input file 2", 0); !errors.Is(err, store.ErrNotRegular) {
		t.Errorf("a folder: %v", err)
	}
	if _, err := store.ReadRegular(filepath.Join(dir, "gone"), "audit.head", 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}
