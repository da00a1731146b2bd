package kiosk

// Benchmarks of the kiosk at hospital scale (issue 4, "Speed at hospital
// scale"): a sealed 5,000-patient synthetic ward, opened through the real
// unlock screen on Fyne's test driver (-tags ci), beside floors measured in
// the same run.
//
//	LANG=C.UTF-8 go test -tags ci -run '^$' -bench UIUnlock -benchtime 5x -count 5 -timeout 60m ./app/kiosk/
//	LANG=C.UTF-8 go test -tags ci -run '^$' -bench UISearch -benchtime 520x -count 5 -timeout 60m ./app/kiosk/
//
// One op of the search benchmark is one keystroke (520 is 20 passes of its
// 26-keystroke script); p50-ms and p95-ms are over the op's keystrokes.
//
// Unlock-to-census is measured twice. scrypt=18 is the vault as the product
// makes it (store.DefaultWorkFactor, 2^18): the passphrase's scrypt is a
// deliberate cost of its own, paid before anything is decrypted. scrypt=10
// is the same snapshot in a vault whose keyring is sealed with a work
// factor of 2^10, which leaves the passphrase step at about a millisecond:
// that is the figure "including decryption" without the key stretching.
// The floors are store.Unlock alone at both work factors, store.Open alone
// (verify, decrypt, deserialize) and the census query on an open snapshot.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/ui/uitest"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

const (
	benchPatients = 5000
)

// benchAsOf is when the synthetic snapshot was taken; the kiosk's clock
// reads 2 h 17 min later, as in the brief's example banner.
var benchAsOf = time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)

// uiVaults are two vaults holding the same sealed 5,000-patient generation:
// strong has its keyring sealed with the product's scrypt work factor, weak
// with 2^10. Built once per process; TestMain removes them.
var uiVaults struct {
	once         sync.Once
	err          error
	root         string
	strong, weak string
}

func benchVaults(b *testing.B) (strong, weak string) {
	b.Helper()
	uiVaults.once.Do(func() { uiVaults.err = buildBenchVaults() })
	if uiVaults.err != nil {
		b.Fatal(uiVaults.err)
	}
	return uiVaults.strong, uiVaults.weak
}

func buildBenchVaults() error {
	root, err := os.MkdirTemp("", "lifeboat-kiosk-bench-")
	if err != nil {
		return err
	}
	uiVaults.root = root
	input := filepath.Join(root, "input")
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: benchPatients, Seed: 1, AsOf: benchAsOf}); err != nil {
		return err
	}
	im, err := fhir.Read(input)
	if err != nil {
		return err
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(input); err != nil {
		return err
	}
	if len(charts) != benchPatients {
		return fmt.Errorf("synthetic ward has %d patients, not %d", len(charts), benchPatients)
	}
	ctx := context.Background()
	ward, err := store.BuildWard(ctx, charts)
	if err != nil {
		return err
	}
	defer ward.Close()
	seal := func(name string, workFactor int) (string, error) {
		v, err := storetest.InitVault(filepath.Join(root, name), workFactor)
		if err != nil {
			return "", err
		}
		_, err = store.Seal(ctx, v.Dir, v.Keys, ward, store.SealRequest{AsOf: benchAsOf, Source: "files",
			Census: store.Census{Mode: "all"}})
		return v.Dir, err
	}
	if uiVaults.strong, err = seal("vault-scrypt18", store.DefaultWorkFactor); err != nil {
		return err
	}
	uiVaults.weak, err = seal("vault-scrypt10", 10)
	return err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if uiVaults.root != "" {
		os.RemoveAll(uiVaults.root)
	}
	os.Exit(code)
}

// benchKiosk is a kiosk window on dir with a fixed clock.
func benchKiosk(b *testing.B, dir string) *Kiosk {
	b.Helper()
	now := benchAsOf.Add(137 * time.Minute)
	k := New(test.NewTempApp(b), Options{Dir: dir, Now: func() time.Time { return now }, IdleLock: -1})
	b.Cleanup(k.Lock)
	return k
}

// unlockToCensus times one unlock of k: from the tap on Unlock to the
// census showing every patient. Typing the passphrase and name, locking
// afterwards and collecting the previous session's garbage are not timed.
func unlockToCensus(b *testing.B, k *Kiosk) {
	b.StopTimer()
	if k.Unlocked() {
		k.Lock() // stops the census's background reading
	}
	k.work.Wait()
	uitest.Drain()
	runtime.GC()
	test.Type(k.unlock.passphrase, passphrase)
	test.Type(k.unlock.user, "RN Peeters")
	b.StartTimer()
	test.Tap(k.unlock.Button)
	// The census is shown when the unlock has handed the ward screen over
	// and the list is laid out; the census's background reading of next
	// doses goes on after that and is waited for untimed.
	deadline := time.Now().Add(time.Minute)
	// (Read while the unlock's goroutine builds the screen: a benchmark
	// runs without the race detector, and every read is checked for nil.)
	shown := func() bool {
		c := k.census
		return c != nil && c.list != nil && len(c.shown) == benchPatients && c.list.Size().Height > 0
	}
	for !shown() {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	k.work.Wait() // the census's background reading, untimed
	uitest.Drain()
	if !k.Unlocked() || k.census == nil || len(k.census.shown) != benchPatients {
		n := -1
		if k.census != nil {
			n = len(k.census.shown)
		}
		b.Fatalf("unlocked=%v shown=%d message=%q", k.Unlocked(), n, k.unlock.Message.Text)
	}
	checkRowOnScreen(b, k)
	b.StartTimer()
}

// checkRowOnScreen fails unless the first row shown is on screen: its name
// line is the text of a label laid out in the window (the list builds the
// widgets of its visible rows only).
func checkRowOnScreen(b *testing.B, k *Kiosk) {
	b.Helper()
	if len(k.census.shown) == 0 || k.census.list.Size().Height <= 0 {
		b.Fatalf("list of %d rows, %v high", len(k.census.shown), k.census.list.Size().Height)
	}
	want := censusLine(k.census.shown[0], k.opt.Now)
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		switch o := o.(type) {
		case *widget.Label:
			if o.Text == want {
				return true
			}
		case *fyne.Container:
			return slices.ContainsFunc(o.Objects, walk)
		}
		if w, ok := o.(fyne.Widget); ok {
			return slices.ContainsFunc(test.WidgetRenderer(w).Objects(), walk)
		}
		return false
	}
	if !walk(k.win.Canvas().Content()) {
		b.Fatalf("no row %q on screen", want)
	}
}

// BenchmarkUIUnlockToCensus5000: tapping Unlock to the census list showing
// 5,000 rows (unlock the keys, open and decrypt the newest snapshot, open
// the journal and audit trail, build the ward screen), beside its floors.
func BenchmarkUIUnlockToCensus5000(b *testing.B) {
	strong, weak := benchVaults(b)
	for _, v := range []struct {
		name string
		dir  string
	}{{"scrypt=18", strong}, {"scrypt=10", weak}} {
		b.Run(v.name, func(b *testing.B) {
			k := benchKiosk(b, v.dir)
			for i := 0; i < b.N; i++ {
				unlockToCensus(b, k)
			}
		})
	}
	for _, v := range []struct {
		name string
		dir  string
	}{{"floor=unlock-scrypt18", strong}, {"floor=unlock-scrypt10", weak}} {
		b.Run(v.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				if _, err := store.Unlock(v.dir, passphrase); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	keys, err := store.Unlock(weak, passphrase)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("floor=open", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
			s, err := store.Open(context.Background(), weak, keys)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("floor=census-query", func(b *testing.B) {
		s, err := store.Open(context.Background(), weak, keys)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rows, err := s.Census(context.Background())
			if err != nil || len(rows) != benchPatients {
				b.Fatalf("%d rows, %v", len(rows), err)
			}
		}
	})
}

// searchKey is one key in the search field: a character, or Backspace
// when r is 0.
type searchKey struct {
	r rune
}

// searchScript is what a nurse types into the census search: a surname
// prefix, a bed ("312", which also matches MRNs containing 312) and the
// digits of an MRN, one key at a time, each erased with Backspace
// afterwards (the empty field shows the whole ward again). The surname and
// MRN are taken from the ward so that the queries find someone.
func searchScript(rows []store.CensusRow) (keys []searchKey, queries []string) {
	surname, _, _ := strings.Cut(rows[1234].Name, ",")
	surname = strings.TrimSpace(surname)
	if r := []rune(surname); len(r) > 5 {
		surname = string(r[:5])
	}
	mrn := strings.TrimLeft(rows[4321].MRN, "MRN0")
	if len(mrn) > 5 {
		mrn = mrn[:5]
	}
	queries = []string{surname, "312", mrn}
	for _, q := range queries {
		for _, r := range q {
			keys = append(keys, searchKey{r})
		}
		for range []rune(q) {
			keys = append(keys, searchKey{0})
		}
	}
	return keys, queries
}

// pressSearchKey sends one searchKey to the search field as the window would send
// it to the focused widget.
func pressSearchKey(e *searchEntry, s searchKey) {
	if s.r == 0 {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		return
	}
	e.TypedRune(s.r)
}

// reportPercentiles reports the 50th and 95th percentiles and the maximum
// of per-searchKey durations, in milliseconds.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(p float64) float64 {
		i := int(p*float64(len(d))+0.5) - 1
		return float64(d[min(max(i, 0), len(d)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(float64(d[len(d)-1])/float64(time.Millisecond), "max-ms")
}

// plainMatch is the floor's matcher: the same fields as the census search
// (name anywhere, bed from its start, MRN anywhere, case-insensitive),
// over the rows as they come from the snapshot.
func plainMatch(rows []store.CensusRow, q string, out []store.CensusRow) []store.CensusRow {
	lq := strings.ToLower(strings.TrimSpace(q))
	out = out[:0]
	for _, r := range rows {
		if lq == "" || strings.Contains(strings.ToLower(r.Name), lq) || strings.HasPrefix(strings.ToLower(r.Bed), lq) ||
			strings.Contains(strings.ToLower(r.MRN), lq) || r.ID == q {
			out = append(out, r)
		}
	}
	return out
}

// BenchmarkUISearchKeystroke5000: with the census of 5,000 patients shown,
// one op is one searchKey in the search field, timed to k.census.shown
// updated (the entry, the filter, the count, the list refreshed). The
// floor runs the plain Go match loop over the same rows for the same
// sequence of texts.
func BenchmarkUISearchKeystroke5000(b *testing.B) {
	_, weak := benchVaults(b)
	b.Run("kiosk", func(b *testing.B) {
		k := benchKiosk(b, weak)
		unlockWith(k, passphrase, "RN Peeters")
		if !k.Unlocked() || len(k.census.shown) != benchPatients {
			b.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.Message.Text)
		}
		v := k.census
		script, queries := searchScript(v.snapRows)
		b.Logf("queries %q, %d keystrokes per pass", queries, len(script))
		if k.win.Canvas().Focused() != v.search {
			b.Fatal("the search field does not have the focus")
		}
		times := make([]time.Duration, 0, b.N)
		var want []store.CensusRow
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := script[i%len(script)]
			start := time.Now()
			pressSearchKey(v.search, s)
			times = append(times, time.Since(start))
			b.StopTimer()
			want = plainMatch(v.snapRows, v.search.Text, want)
			if len(v.shown) != len(want) {
				b.Fatalf("%q: %d rows shown, %d match", v.search.Text, len(v.shown), len(want))
			}
			b.StartTimer()
		}
		b.StopTimer()
		checkRowOnScreen(b, k)
		reportPercentiles(b, times)
	})
	b.Run("floor=contains", func(b *testing.B) {
		keys, err := store.Unlock(weak, passphrase)
		if err != nil {
			b.Fatal(err)
		}
		s, err := store.Open(context.Background(), weak, keys)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		rows, err := s.Census(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		script, _ := searchScript(rows)
		// The text in the field after each searchKey of the script.
		texts := make([]string, len(script))
		var typed []rune
		for i, k := range script {
			if k.r == 0 {
				typed = typed[:len(typed)-1]
			} else {
				typed = append(typed, k.r)
			}
			texts[i] = string(typed)
		}
		times := make([]time.Duration, 0, b.N)
		var shown []store.CensusRow
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			shown = plainMatch(rows, texts[i%len(texts)], shown)
			times = append(times, time.Since(start))
		}
		b.StopTimer()
		reportPercentiles(b, times)
	})
}
