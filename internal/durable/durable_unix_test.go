//go:build unix

package durable

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO planted at the name would block a writer that opened it; Replace
// renames over it instead.
func TestReplaceNeverOpensWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "head")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := Replace(path, 0o600, []byte("three")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(path); !fi.Mode().IsRegular() {
		t.Fatalf("still %v", fi.Mode())
	}
	if names := only(t, dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}
