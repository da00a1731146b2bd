package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"lifeboat/assets"
	"lifeboat/internal/durable"
	"lifeboat/store"
)

// newWindowApp is the Fyne application of the windows, with preferences
// kept by filePrefs.
func newWindowApp() fyne.App {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	root := a.Storage().RootURI().Path()
	return prefsApp{App: a, prefs: openPrefs(filepath.Join(root, "window", "preferences.json"), filepath.Join(root, "preferences.json"))}
}

// prefsApp is a Fyne application whose preferences are a filePrefs.
type prefsApp struct {
	fyne.App
	prefs *filePrefs
}

func (a prefsApp) Preferences() fyne.Preferences { return a.prefs }

// filePrefs are the windows' preferences (language, large text,
// contrast: nothing secret), in a JSON file written whole under another
// name and renamed over the old one.
//
// Fyne's own preferences truncate their file and write it again, while
// a watcher of the folder reads it back on every change: a read between
// the two found the file empty and logged "Preferences load error: EOF"
// when a preference was saved. Here a reader finds the old file or the
// new one, and nothing watches the file: one window at a time uses it.
type filePrefs struct {
	mu        sync.Mutex
	path      string
	values    map[string]json.RawMessage
	listeners []func()
}

// maxPrefs bounds the preferences file: a few settings.
const maxPrefs = 64 << 10

// openPrefs reads the preferences at path, or, when there are none yet,
// those at seed (where Fyne kept them before). They are read as every
// file of the kiosk is (store.ReadRegular): a FIFO or a device in their
// place is not waited on, and a huge file is not read; either is the
// defaults, replaced at the next change.
func openPrefs(path, seed string) *filePrefs {
	p := &filePrefs{path: path, values: map[string]json.RawMessage{}}
	b, err := store.ReadRegular(path, "the window's preferences", maxPrefs)
	if errors.Is(err, os.ErrNotExist) {
		b, _ = store.ReadRegular(seed, "the window's preferences", maxPrefs)
	}
	if json.Unmarshal(b, &p.values) != nil || p.values == nil {
		p.values = map[string]json.RawMessage{} // unreadable preferences are the defaults
	}
	return p
}

// save replaces the file with the values (durable.Replace). Called with
// p.mu held. Preferences are a convenience: a failure to keep them loses
// nothing but the choice.
func (p *filePrefs) save() {
	b, err := json.Marshal(p.values)
	if err != nil || os.MkdirAll(filepath.Dir(p.path), 0o700) != nil {
		return
	}
	_ = durable.Replace(p.path, 0o600, b)
}

func get[T any](p *filePrefs, key string, fallback T) T {
	p.mu.Lock()
	raw, ok := p.values[key]
	p.mu.Unlock()
	var v T
	if !ok || json.Unmarshal(raw, &v) != nil {
		return fallback
	}
	return v
}

func set[T any](p *filePrefs, key string, v T) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.values[key] = b
	p.save()
	listeners := append([]func(){}, p.listeners...)
	p.mu.Unlock()
	for _, l := range listeners {
		l()
	}
}

func (p *filePrefs) Bool(key string) bool                     { return get(p, key, false) }
func (p *filePrefs) BoolWithFallback(key string, f bool) bool { return get(p, key, f) }
func (p *filePrefs) SetBool(key string, v bool)               { set(p, key, v) }
func (p *filePrefs) BoolList(key string) []bool               { return get[[]bool](p, key, nil) }
func (p *filePrefs) BoolListWithFallback(key string, f []bool) []bool {
	return get(p, key, f)
}
func (p *filePrefs) SetBoolList(key string, v []bool)                { set(p, key, v) }
func (p *filePrefs) Float(key string) float64                        { return get(p, key, 0.0) }
func (p *filePrefs) FloatWithFallback(key string, f float64) float64 { return get(p, key, f) }
func (p *filePrefs) SetFloat(key string, v float64)                  { set(p, key, v) }
func (p *filePrefs) FloatList(key string) []float64                  { return get[[]float64](p, key, nil) }
func (p *filePrefs) FloatListWithFallback(key string, f []float64) []float64 {
	return get(p, key, f)
}
func (p *filePrefs) SetFloatList(key string, v []float64)          { set(p, key, v) }
func (p *filePrefs) Int(key string) int                            { return get(p, key, 0) }
func (p *filePrefs) IntWithFallback(key string, f int) int         { return get(p, key, f) }
func (p *filePrefs) SetInt(key string, v int)                      { set(p, key, v) }
func (p *filePrefs) IntList(key string) []int                      { return get[[]int](p, key, nil) }
func (p *filePrefs) IntListWithFallback(key string, f []int) []int { return get(p, key, f) }
func (p *filePrefs) SetIntList(key string, v []int)                { set(p, key, v) }
func (p *filePrefs) String(key string) string                      { return get(p, key, "") }
func (p *filePrefs) StringWithFallback(key, f string) string       { return get(p, key, f) }
func (p *filePrefs) SetString(key string, v string)                { set(p, key, v) }
func (p *filePrefs) StringList(key string) []string                { return get[[]string](p, key, nil) }
func (p *filePrefs) StringListWithFallback(key string, f []string) []string {
	return get(p, key, f)
}
func (p *filePrefs) SetStringList(key string, v []string) { set(p, key, v) }

func (p *filePrefs) RemoveValue(key string) {
	p.mu.Lock()
	delete(p.values, key)
	p.save()
	p.mu.Unlock()
}

func (p *filePrefs) AddChangeListener(l func()) {
	p.mu.Lock()
	p.listeners = append(p.listeners, l)
	p.mu.Unlock()
}

func (p *filePrefs) ChangeListeners() []func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]func(){}, p.listeners...)
}
