//go:build unix

package fleet

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO planted where the board is kept is a damaged board, never waited
// on: the hub starts, and its next write replaces it.
func TestAFIFOInPlaceOfTheBoardIsDamageNotAGate(t *testing.T) {
	a := newKiosk(t, "kiosk-a", "5C")
	path := filepath.Join(t.TempDir(), "fleet.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	b, problems, err := Load(path, registry{a.Enrolled})
	if err != nil || problems != 1 {
		t.Fatalf("a FIFO: %d problems, %v", problems, err)
	}
	b.Accept(a.signed(t, a.beat(1)), t0)
	if err := b.Save(t0.Add(time.Minute)); err != nil {
		t.Fatalf("the FIFO was not replaced: %v", err)
	}
	if again, problems, err := Load(path, registry{a.Enrolled}); err != nil || problems != 0 || len(again.Latest()) != 1 {
		t.Fatalf("read back: %d problems, %v", problems, err)
	}
}
