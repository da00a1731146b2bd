package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lifeboat/clinical"

	"github.com/google/uuid"
)

// The crash test re-runs this test binary as a child that records entries
// in a loop and prints each entry's UUID only once Record has returned,
// exactly as the kiosk says "saved". The parent kills it with SIGKILL at a
// random moment, 200 times, and after each kill opens the journal and reads
// every UUID the child printed.

const crashChildEnv = "LIFEBOAT_JOURNAL_CRASH_CHILD"

// TestJournalCrashChild is the child; on its own it does nothing.
func TestJournalCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child of TestEveryAcknowledgedEntrySurvivesSIGKILL")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	keys, err := Unlock(dir, testPassphrase)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	j, err := OpenJournal(ctx, dir, keys)
	if err != nil {
		fail(err)
	}
	os.Stdout.WriteString("ready\n")
	for i := 0; ; i++ {
		// Batches of one to three entries, each batch one transaction.
		batch := make([]clinical.Entry, 1+i%3)
		for k := range batch {
			batch[k] = vitalsEntry("p1", float64(40+(i+k)%100))
			if err := j.Stamp(&batch[k], nurse, time.Now()); err != nil {
				fail(err)
			}
		}
		if err := j.Record(ctx, batch...); err != nil {
			fail(err)
		}
		var line strings.Builder
		for _, e := range batch {
			line.WriteString(e.ID + "\n")
		}
		os.Stdout.WriteString(line.String())
	}
}

func TestEveryAcknowledgedEntrySurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes a minute")
	}
	dir, keys := testVault(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 26))
	var all []string
	var withEntries int
	start := time.Now()
	const kills = 200
	for round := range kills {
		acked, stderr := runAndKill(t, dir, rng, round)
		// The journal opens every time, and every acknowledged entry is
		// there and decrypts.
		j, err := OpenJournal(context.Background(), dir, keys)
		if err != nil {
			t.Fatalf("round %d: the journal does not open after a kill: %v (child said %q)", round, err, stderr)
		}
		for _, id := range acked {
			e, err := j.Entry(context.Background(), id)
			if err != nil || e.ID != id || e.Vitals == nil {
				t.Fatalf("round %d: acknowledged entry %s: %v", round, id, err)
			}
		}
		// A crash is not tampering: whatever moment it hit (between the
		// commit and the head, during the head's replacement), the
		// journal still verifies.
		if c, err := j.Check(context.Background()); err != nil || !c.OK() {
			t.Fatalf("round %d: after a kill, verification says %v %v", round, c.Err(), err)
		}
		j.Close()
		if len(acked) > 0 {
			withEntries++
		}
		all = append(all, acked...)
	}
	j := openJournal(t, dir, keys)
	listed := list(t, j)
	present := map[string]bool{}
	for i, e := range listed {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has sequence %d", i+1, e.Seq)
		}
		present[e.ID] = true
	}
	for _, id := range all {
		if !present[id] {
			t.Fatalf("acknowledged entry %s is missing", id)
		}
	}
	t.Logf("%d kills in %v: %d entries acknowledged (%d rounds had some), %d in the journal (the rest were durable but not yet acknowledged)",
		kills, time.Since(start).Round(time.Millisecond), len(all), withEntries, len(listed))
	if withEntries < kills/2 {
		t.Fatalf("only %d of %d rounds recorded anything before the kill: the test tests too little", withEntries, kills)
	}
}

// runAndKill starts a child, kills it at a random moment and returns the
// UUIDs it acknowledged (whole lines only) and what it said on stderr.
func runAndKill(t *testing.T, dir string, rng *rand.Rand, round int) ([]string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournalCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	var mu sync.Mutex
	var acked []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if err != io.EOF {
					t.Error(err)
				}
				return // a line cut short was not acknowledged
			}
			line = strings.TrimSuffix(line, "\n")
			if line == "ready" {
				close(ready)
			} else if _, err := uuid.Parse(line); err == nil {
				mu.Lock()
				acked = append(acked, line)
				mu.Unlock()
			}
		}
	}()
	if round%8 == 0 {
		// Now and then, kill it while it starts, opens or creates the journal.
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
	} else {
		select {
		case <-ready:
		case <-done:
		case <-time.After(time.Minute): // a hang guard: a loaded machine takes seconds
			t.Fatalf("round %d: the child never got ready", round)
		}
		// Up to 90 ms: several signed, fsync'd records.
		time.Sleep(time.Duration(rng.IntN(90_000)) * time.Microsecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		t.Fatalf("round %d: the child ended by itself (%v): %s", round, err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return acked, stderr.String()
}
