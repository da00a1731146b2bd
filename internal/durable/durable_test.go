package durable

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// only lists the names in dir, so that a test can say no temporary file
// was left behind.
func only(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(path, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "second"); return err })
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatal("the file was replaced")
	}
	if names := only(t, dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}

func TestWriteNewWritesWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	boom := errors.New("boom")
	err := WriteNew(path, 0o600, func(w io.Writer) error { io.WriteString(w, "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the writer's", err)
	}
	if names := only(t, dir); len(names) != 0 {
		t.Fatalf("a failed write left %v", names)
	}
	if err := WriteNew(path, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(b) != "whole" || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640) {
		t.Fatalf("read %q with mode %v", b, fi.Mode().Perm())
	}
	if names := only(t, dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}

func TestReplaceReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "head")
	if err := Replace(path, 0o600, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Replace(path, 0o600, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("read %q", b)
	}
}

func TestAFileAbortedOrFinishedTwiceLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "a"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	f.Abort()
	f.Abort()
	if names := only(t, dir); len(names) != 0 {
		t.Fatalf("left behind: %v", names)
	}
	g, err := Create(filepath.Join(dir, "b"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Link(); err != nil {
		t.Fatal(err)
	}
	if err := g.Replace(); err == nil {
		t.Fatal("a file put in place twice")
	}
	g.Abort()
	if names := only(t, dir); len(names) != 1 || names[0] != "b" {
		t.Fatalf("in the folder: %v", names)
	}
}

func TestErrorsNameTheFileNotItsPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no such folder", "pack.pdf")
	err := WriteNew(path, 0o600, func(io.Writer) error { return nil })
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	if got := err.Error(); got != "writing pack.pdf: no such file or directory" && runtime.GOOS != "windows" {
		t.Fatalf("said %q", got)
	}
}

// A new file linked in place whose folder then cannot be synced is taken
// back: a write that failed leaves nothing behind.
func TestAWriteWhoseFolderSyncFailsLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	failed := errors.New("the folder could not be synced")
	syncFolder = func(string) error { return failed }
	t.Cleanup(func() { syncFolder = SyncFolder })
	path := filepath.Join(dir, "summary.json")
	err := WriteNew(path, 0o600, func(w io.Writer) error { _, err := w.Write([]byte("{}")); return err })
	if !errors.Is(err, failed) {
		t.Fatalf("WriteNew: %v", err)
	}
	if left := only(t, dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
