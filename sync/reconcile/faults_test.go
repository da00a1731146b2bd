package reconcile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
)

// The "exactly once under faults": the push is interrupted at
// random points, by a proxy that drops, stalls and cuts requests and
// answers (and makes the server fail a Bundle part-way), and separately by
// SIGKILL of the process that pushes. After each scenario, run to the end,
// the server holds each entry's resources exactly once and the journal has
// every entry reconciled, or waiting for a person where it should.
//
// Each test logs its seed; LIFEBOAT_FAULT_SEED=N replays one.

const (
	faultTimeout   = 1500 * time.Millisecond // the client's timeout through the proxy
	faultStall     = faultTimeout + 300*time.Millisecond
	faultTarget    = 50                // Bundles faulted by the proxy, per server mode (100 in all)
	faultRunsMax   = 6                 // runs through the proxy per scenario before the clean one
	faultTimeLimit = 300 * time.Second // a safety net: each test takes about a minute, more on a busy machine
)

// TestExactlyOnceUnderProxyFaults pushes fresh scenarios through a proxy
// that fails a third of the transaction Bundles (and some reads) in one of
// six ways, against a server that rolls back a failed transaction and one
// that does not, until 50 Bundles have been faulted for each; then a clean
// run finishes each scenario and exactly once is checked.
func TestExactlyOnceUnderProxyFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault test takes about a minute")
	}
	seed := faultSeed(t)
	for i, noRollback := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoRollback=%v", noRollback), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			srv := fhirtest.Start(t, fhirtest.Options{NoRollback: noRollback}, faultWard)
			proxy := newFaultProxy(t, srv.URL, rng.Uint64(), faultStall)
			clk := newClock()
			ctx := context.Background()
			scenarios, runs, failedRuns, entries := 0, 0, 0, 0
			states := map[string]int{}
			for proxy.bundleFaults() < faultTarget || scenarios < 2 {
				if time.Since(start) > faultTimeLimit {
					t.Fatalf("only %d Bundles faulted in %v: %s", proxy.bundleFaults(), faultTimeLimit, proxy.summary())
				}
				label := fmt.Sprintf("scenario %d", scenarios)
				s := newFaultScenario(t, srv, rng, clk, scenarios)
				entries = len(s.entries)
				j := s.open(t)
				r := &Reconciler{Client: faultClient(t, proxy.URL, faultTimeout), Journal: j, Batch: faultBatch, Wait: 10 * time.Millisecond}
				proxy.arm(0.35, 0.08)
				for range faultRunsMax {
					runs++
					_, err := r.Run(ctx)
					if err == nil {
						break
					}
					failedRuns++
					if !retryableFault(err) {
						t.Errorf("%s: a run through the proxy failed with an error no fault should give: %v", label, err)
					}
				}
				proxy.arm(0, 0)
				s.finish(t, j, srv.URL)
				for st, n := range s.check(t, srv, j, label) {
					states[st] += n
				}
				if t.Failed() {
					t.Fatalf("%s failed (seed %d): %s", label, seed, proxy.summary())
				}
				scenarios++
			}
			t.Logf("%d scenarios of %d entries, %d runs through the proxy (%d ended in an error), in %v: %s; entries by state: %v",
				scenarios, entries, runs, failedRuns, time.Since(start).Round(time.Millisecond), proxy.summary(), states)
		})
	}
}

// retryableFault says whether a run's error is one that a cut or stalled
// connection gives: the server unreachable, an answer cut short or not
// FHIR, a 5xx (a Bundle failed part-way), or a version changed under it.
func retryableFault(err error) bool {
	return retryable(err)
}

const (
	killDirEnv = "LIFEBOAT_RECONCILE_KILL_DIR"
	killURLEnv = "LIFEBOAT_RECONCILE_KILL_URL"
	killTarget = 100
)

// TestFaultsKillChild is the child of TestExactlyOnceUnderSIGKILL: it
// opens the scenario's journal and runs the reconciler against the server.
// On its own it does nothing.
func TestFaultsKillChild(t *testing.T) {
	dir, base := os.Getenv(killDirEnv), os.Getenv(killURLEnv)
	if dir == "" || base == "" {
		t.Skip("the child of TestExactlyOnceUnderSIGKILL")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	keys, err := store.Unlock(dir, storetest.Passphrase)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	j, err := store.OpenJournal(ctx, dir, keys)
	if err != nil {
		fail(err)
	}
	os.Stdout.WriteString("ready\n")
	r := &Reconciler{Client: faultClient(t, base, 20*time.Second), Journal: j, Batch: faultBatch, Wait: 10 * time.Millisecond}
	res, err := r.Run(ctx)
	if err != nil {
		fail(err)
	}
	j.Close()
	fmt.Fprintf(os.Stdout, "done created %d already-there %d rounds %d\n", res.Created, res.Found, res.Rounds)
}

// TestExactlyOnceUnderSIGKILL runs the reconciler in a child process and
// kills it with SIGKILL at a random moment of its push, again and again
// on the same scenario until a child gets to the end by itself, then
// finishes in-process and checks exactly once; 100 kills during the push
// in all (and a few more while the child starts and opens the journal), over
// fresh scenarios, against a server that does not roll back.
func TestExactlyOnceUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill test takes about a minute")
	}
	seed := faultSeed(t)
	rng := rand.New(rand.NewPCG(seed, 9))
	srv := fhirtest.Start(t, fhirtest.Options{NoRollback: true}, faultWard)
	clk := newClock()
	start := time.Now()

	// A run to the end in a child: how long a whole push takes.
	s := newFaultScenario(t, srv, rng, clk, 0)
	never := make(chan struct{})
	defer close(never)
	k := runChild(t, s.dir, srv.URL, func(ready <-chan struct{}) { <-ready; <-never })
	if k.killed || k.took <= 0 {
		t.Fatalf("the first child did not run to the end: %+v", k)
	}
	full := k.took
	s.check(t, srv, s.open(t), "scenario 0 (no kill)")
	t.Logf("a whole push in a child takes %v", full.Round(time.Millisecond))

	kills, scenarios, early := 0, 1, 0
	states := map[string]int{}
	for kills < killTarget {
		if time.Since(start) > faultTimeLimit {
			t.Fatalf("only %d kills in %v", kills, faultTimeLimit)
		}
		label := fmt.Sprintf("scenario %d", scenarios)
		s := newFaultScenario(t, srv, rng, clk, scenarios)
		for attempt := 0; ; attempt++ {
			var delay time.Duration
			beforeReady := rng.IntN(16) == 0
			if beforeReady {
				delay = time.Duration(rng.IntN(30)) * time.Millisecond // while it starts and opens the journal
			} else {
				delay = time.Duration(rng.Int64N(int64(full)))
			}
			wait := func(ready <-chan struct{}) {
				if !beforeReady {
					<-ready
				}
				time.Sleep(delay)
			}
			k := runChild(t, s.dir, srv.URL, wait)
			if !k.killed {
				break
			}
			if beforeReady {
				early++
			} else {
				kills++
			}
			if attempt > 50 {
				t.Fatalf("%s: 50 children were killed and none got to the end", label)
			}
		}
		j := s.open(t)
		res := s.finish(t, j, srv.URL)
		if res.Created != 0 {
			t.Errorf("%s: the run after a child finished created %d entries", label, res.Created)
		}
		for st, n := range s.check(t, srv, j, label) {
			states[st] += n
		}
		if t.Failed() {
			t.Fatalf("%s failed (seed %d) after %d kills", label, seed, kills)
		}
		scenarios++
	}
	t.Logf("%d kills during the push (and %d more while the child started) over %d scenarios in %v; entries by state: %v",
		kills, early, scenarios, time.Since(start).Round(time.Millisecond), states)
}

// child is how one child ended.
type child struct {
	killed bool          // killed by the parent before it finished (false: it ran to the end)
	took   time.Duration // from ready to done, when it ran to the end
}

// runChild starts a child on the scenario in dir, calls wait (which gets a
// channel closed when the child is ready to push, and returns when the
// child is to be killed), and kills it unless it ended first.
func runChild(t *testing.T, dir, base string, wait func(ready <-chan struct{})) child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFaultsKillChild$", "-test.count=1")
	// The race detector sleeps a second at exit unless told not to.
	cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killURLEnv+"="+base,
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var stderr strings.Builder
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return stderr.Write(p) })
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	var readyAt, doneAt time.Time
	var done bool
	lines := make(chan struct{})
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			switch line := sc.Text(); {
			case line == "ready":
				readyAt = time.Now()
				close(ready)
			case strings.HasPrefix(line, "done "):
				done, doneAt = true, time.Now()
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-lines
		exited <- cmd.Wait()
	}()
	waited := make(chan struct{})
	go func() { wait(ready); close(waited) }()
	var werr error
	killed := false
	select {
	case werr = <-exited:
	case <-waited:
		select {
		case werr = <-exited:
		default:
			cmd.Process.Signal(syscall.SIGKILL)
			werr = <-exited
			var ee *exec.ExitError
			killed = errors.As(werr, &ee) && ee.ExitCode() == -1
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if killed && !done {
		return child{killed: true}
	}
	if !done {
		t.Fatalf("a child ended by itself without finishing (%v): %s", werr, stderr.String())
	}
	return child{took: doneAt.Sub(readyAt)}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
