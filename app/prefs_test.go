package app

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestPreferencesAreKeptAndSeededFromFynesFile(t *testing.T) {
	dir := t.TempDir()
	path, seed := filepath.Join(dir, "window", "preferences.json"), filepath.Join(dir, "preferences.json")
	if err := os.WriteFile(seed, []byte(`{"language":"nl","largeText":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := openPrefs(path, seed)
	if p.String("language") != "nl" || !p.Bool("largeText") {
		t.Fatalf("the preferences Fyne kept were not read: %q %v", p.String("language"), p.Bool("largeText"))
	}
	changed := 0
	p.AddChangeListener(func() { changed++ })
	p.SetString("language", "fr")
	p.SetIntList("sizes", []int{1, 2})
	p.RemoveValue("largeText")
	if changed != 2 {
		t.Errorf("%d changes heard, want 2", changed)
	}
	q := openPrefs(path, seed)
	if q.String("language") != "fr" || q.Bool("largeText") || len(q.IntList("sizes")) != 2 || q.IntWithFallback("none", 7) != 7 {
		t.Errorf("read back: language %q, large text %v, sizes %v", q.String("language"), q.Bool("largeText"), q.IntList("sizes"))
	}
	// An empty or damaged file is the defaults, said nowhere.
	for _, damaged := range []string{"", "{", "[]"} {
		if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
			t.Fatal(err)
		}
		if r := openPrefs(path, seed); r.String("language") != "" {
			t.Errorf("preferences %q read as language %q", damaged, r.String("language"))
		}
	}
}

// A reader never finds the file empty or half written while preferences
// are saved (Fyne's own truncated it first: "Preferences load error: EOF").
func TestPreferencesFileIsNeverSeenHalfWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	p := openPrefs(path, "")
	p.SetString("language", "en")
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			b, err := os.ReadFile(path)
			var v map[string]any
			if err != nil || json.Unmarshal(b, &v) != nil {
				t.Errorf("the preferences read %q (%v) while being saved", b, err)
				return
			}
		}
	}()
	for i := range 200 {
		p.SetString("language", []string{"nl", "fr"}[i%2])
	}
	close(done)
	wg.Wait()
}

// Saving preferences from the window's application logs nothing.
func TestSavingAPreferenceLogsNothing(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	a := newWindowApp()
	for i := range 6 {
		a.Preferences().SetString("language", []string{"nl", "fr"}[i%2])
		a.Preferences().SetBool("largeText", i%2 == 0)
		time.Sleep(20 * time.Millisecond) // let a watcher of the folder, if any, react
	}
	if got := openPrefs(filepath.Join(a.Storage().RootURI().Path(), "window", "preferences.json"), ""); got.String("language") != "fr" {
		t.Errorf("language kept as %q, want fr", got.String("language"))
	}
	if logged.Len() > 0 {
		t.Errorf("saving preferences logged:\n%s", logged.String())
	}
}
