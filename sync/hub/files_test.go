package hub_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lifeboat/sync/hub"
)

func readIndexRaw(t *testing.T, pub string) hub.Index {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pub, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ Index hub.Index }
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s.Index
}

// readIndex is each ward's newest file in the publication's index.
func readIndex(t *testing.T, pub string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, w := range readIndexRaw(t, pub).Wards {
		out[w.Ward] = w.Chain[len(w.Chain)-1].Path
	}
	return out
}

// readIndexFiles is every file the index names.
func readIndexFiles(t *testing.T, pub string) []string {
	t.Helper()
	var out []string
	for _, w := range readIndexRaw(t, pub).Wards {
		for _, f := range w.Chain {
			out = append(out, f.Path)
		}
	}
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

// copyDir copies a folder over another, as a share is refreshed or a
// back-up taken and restored.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A published file altered (its time changes with it) is put right at
// the next publication, although unchanged files are not hashed again.
func TestAnAlteredPublishedFileIsPutRight(t *testing.T) {
	f := newFleet(t)
	f.step()
	path := filepath.Join(f.pub, filepath.FromSlash(readIndex(t, f.pub)["ward-1"]))
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0xff
	later := time.Now().Add(time.Minute)
	for range 2 { // published once more unchanged, then altered
		if _, err := f.runner.Publisher.Publish(hub.EHRState{}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, later, later)
		if _, err := f.runner.Publisher.Publish(hub.EHRState{}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, good) {
			t.Fatal("the altered published file was not put right")
		}
		later = later.Add(time.Minute)
	}
}

// What a publication killed mid-copy left (a temporary file, never named
// by an index) goes at a later publication once it is old; one being
// written now stays.
func TestTemporaryFilesAKillLeftAreRemoved(t *testing.T) {
	f := newFleet(t)
	f.step()
	old, fresh := filepath.Join(f.pub, "wards", "ward-1", ".tmp-123"), filepath.Join(f.pub, ".tmp-456")
	for _, p := range []string{old, fresh} {
		writeFile(t, p, "half a generation")
	}
	hour := time.Now().Add(-time.Hour)
	os.Chtimes(old, hour, hour)
	if _, err := f.runner.Publisher.Publish(hub.EHRState{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an old temporary file: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a temporary file being written: %v", err)
	}
}
