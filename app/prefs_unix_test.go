//go:build unix

package app

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO or a huge file in place of the preferences is not waited on nor
// read: the window opens with the defaults, and the next change replaces
// it with a regular file.
func TestPreferencesInPlaceOfAFIFOOrAHugeFileAreTheDefaults(t *testing.T) {
	for name, plant := range map[string]func(path string) error{
		"fifo": func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"huge": func(path string) error { return os.WriteFile(path, make([]byte, maxPrefs+1), 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path, seed := filepath.Join(dir, "preferences.json"), filepath.Join(dir, "seed.json")
			os.WriteFile(seed, []byte(`{"language":"nl"}`), 0o600)
			if err := plant(path); err != nil {
				t.Fatal(err)
			}
			done := make(chan *filePrefs, 1)
			go func() { done <- openPrefs(path, seed) }()
			var p *filePrefs
			select {
			case p = <-done:
			case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
				t.Fatal("opening the preferences hangs")
			}
			if p.String("language") != "" {
				t.Errorf("read %q from %s", p.String("language"), name)
			}
			p.SetString("language", "fr")
			if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("not replaced: %v %v", fi, err)
			}
			if q := openPrefs(path, seed); q.String("language") != "fr" {
				t.Errorf("after the change: %q", q.String("language"))
			}
		})
	}
}
