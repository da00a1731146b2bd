package reconcile

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeboat/sync/fhirtest"
	"lifeboat/sync/synthetic"
)

// Issue 11, part 5: right after an outage the EHR is slow and busy, which
// is normal. A run against such a server adapts (smaller Bundles, longer
// timeouts, quiet periods after a Bundle that got no answer), finishes,
// and pushes every entry exactly once. These tests assert outcomes and
// log durations; they assert none.

// paceLog keeps what a run's progress said about the server's pace.
type paceLog struct {
	mu       sync.Mutex
	lines    int
	slowest  time.Duration // the highest measured time per request
	smallest int           // the smallest batch size
	waits    int           // waits after a Bundle that got no answer
	waited   time.Duration
}

func (l *paceLog) progress(p Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines++
	l.slowest = max(l.slowest, p.PerRequest)
	if l.smallest == 0 || p.Batch < l.smallest {
		l.smallest = p.Batch
	}
	if p.Wait > 0 && strings.Contains(p.WaitWhy, "no answer") {
		l.waits++
		l.waited += p.Wait
	}
}

func (l *paceLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return "slowest " + l.slowest.Round(time.Millisecond).String() + " per request, batch size down to " +
		itoa(l.smallest) + ", " + itoa(l.waits) + " quiet periods (" + l.waited.Round(time.Millisecond).String() + ")"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

const (
	slowEveryRequest = 1500 * time.Millisecond // the proxy holds every request this long
	slowPerCreate    = 600 * time.Millisecond  // and a Bundle this much more per conditional create
	slowBase         = 2500 * time.Millisecond // the client's timeout: shorter than any Bundle takes
)

// TestASlowServerBehindADelayingProxyGetsEveryEntryOnce pushes through a
// proxy that holds every request 1.5 s, and a Bundle 0.6 s more per
// conditional create (a server some 5 s into each transaction, and
// working on after its client gave up), with a client timeout of 2.5 s
// that not even the first Bundle of one entry fits in. The run must
// finish (no error), push each entry once, and never have the server
// work on two transactions at once.
func TestASlowServerBehindADelayingProxyGetsEveryEntryOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("the slow server test takes about 45 s")
	}
	start := time.Now()
	seed := faultSeed(t)
	rng := rand.New(rand.NewPCG(seed, 5))
	srv := fhirtest.Start(t, fhirtest.Options{NoRollback: true}, faultWard)
	proxy := newFaultProxy(t, srv.URL, rng.Uint64(), 0)
	proxy.slowly(func(bundle bool, creates int) time.Duration {
		return slowEveryRequest + time.Duration(creates)*slowPerCreate
	})
	s := newVitalsScenario(t, srv, rng, []string{"f1", "f2", "f3", "f4"}, 6)
	j := s.open(t)
	var log paceLog
	r := &Reconciler{Client: faultClient(t, proxy.URL, slowBase), Journal: j, Wait: 100 * time.Millisecond, Progress: log.progress}
	res, err := r.Run(context.Background())
	took := time.Since(start)
	if err != nil {
		t.Fatalf("the run against a slow server did not finish: %v", err)
	}
	s.check(t, srv, j, "slow server")
	bundles, atOnce, creates := proxy.transactions()
	if atOnce > 1 {
		t.Errorf("the server worked on %d transactions at once: one was sent while an earlier may still have been running", atOnce)
	}
	if log.waits == 0 {
		t.Errorf("no Bundle got a quiet period after its timeout, but none can be answered within %v", slowBase)
	}
	t.Logf("%d entries in %v (%d rounds, created %d, already there %d): %d Bundles, %d conditional creates, at most %d at once; %s",
		len(s.entries), took.Round(time.Millisecond), res.Rounds, res.Created, res.Found, bundles, creates, atOnce, log.String())
}

// TestABusyEngineWith7000ObservationsGetsEveryEntryOnce pushes 40 entries
// with the default batch size into the engine loaded with a synthetic
// ward of more than 7,000 Observations (each conditional create of an
// Observation searches them all), through the proxy (no delay: it only
// counts what the server works on at once), with a client timeout far
// shorter than the first Bundle of the default size would take.
func TestABusyEngineWith7000ObservationsGetsEveryEntryOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("the busy server test takes about 30 s")
	}
	start := time.Now()
	seed := faultSeed(t)
	rng := rand.New(rand.NewPCG(seed, 6))
	ndjson := filepath.Join(t.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(ndjson, synthetic.Options{Patients: 70, Seed: 7, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	srv := fhirtest.Start(t, fhirtest.Options{}, ndjson)
	st := srv.Stats()
	if n := st.Resources["Observation"]; n < 7000 {
		t.Fatalf("the engine holds %d Observations, want 7,000 or more", n)
	}
	proxy := newFaultProxy(t, srv.URL, rng.Uint64(), 0)
	s := newVitalsScenario(t, srv, rng, ndjsonIDs(t, filepath.Join(ndjson, "Patient.ndjson"))[:20], 40)
	j := s.open(t)
	var log paceLog
	r := &Reconciler{Client: faultClient(t, proxy.URL, 2*time.Second), Journal: j, Wait: 100 * time.Millisecond, Progress: log.progress}
	res, err := r.Run(context.Background())
	took := time.Since(start)
	if err != nil {
		t.Fatalf("the run against a busy engine did not finish: %v", err)
	}
	s.check(t, srv, j, "busy engine")
	bundles, atOnce, creates := proxy.transactions()
	if atOnce > 1 {
		t.Errorf("the server worked on %d transactions at once", atOnce)
	}
	t.Logf("%d Observations loaded in %d ms; %d entries in %v (%d rounds, created %d, already there %d): %d Bundles, %d conditional creates; %s",
		st.Resources["Observation"], st.LoadMs, len(s.entries), took.Round(time.Millisecond), res.Rounds, res.Created, res.Found,
		bundles, creates, log.String())
}

// ndjsonIDs reads the ids of an NDJSON file's resources, in order.
func ndjsonIDs(t testing.TB, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}
