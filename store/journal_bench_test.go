package store

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/internal/benchenv"
)

// BenchmarkJournalRecord times recording one entry durably (validate,
// encrypt to both recipients, insert, commit with fsync) beside its floor:
// appending the same number of bytes as the sealed entry to a file in the
// same folder and fsyncing it, alternately in the same loop so that both
// meet the same disk. It reports the 50th and 99th percentiles of each, in
// microseconds, and their ratio.
//
// "fresh" starts from a new journal, whose write-ahead log grows with every
// commit; "in-use" first records 250 entries, as on a kiosk some hours into
// an outage, so that the log has been checkpointed and is rewritten in
// place.
func BenchmarkJournalRecord(b *testing.B) {
	b.Run("fresh", func(b *testing.B) { benchmarkRecord(b, 0) })
	b.Run("in-use", func(b *testing.B) { benchmarkRecord(b, 250) })
}

func benchmarkRecord(b *testing.B, before int) {
	dir := b.TempDir()
	if _, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10}); err != nil {
		b.Fatal(err)
	}
	keys, err := Unlock(dir, testPassphrase)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	j, err := OpenJournal(ctx, dir, keys)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	entry := func() clinical.Entry {
		e := vitalsEntry("pat-000031", 72)
		if err := j.Stamp(&e, nurse, time.Now()); err != nil {
			b.Fatal(err)
		}
		return e
	}
	// The first entry creates the file; creating is not what is measured.
	for range 1 + before {
		if err := j.Record(ctx, entry()); err != nil {
			b.Fatal(err)
		}
	}
	first := entry()
	sealed, err := j.seal(&first)
	if err != nil {
		b.Fatal(err)
	}
	floorBytes := make([]byte, len(sealed))
	rand.Read(floorBytes)
	f, err := os.OpenFile(filepath.Join(dir, "floor.bin"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()

	var record, floor []time.Duration
	for b.Loop() {
		e := entry()
		t0 := time.Now()
		if err := j.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := f.Write(floorBytes); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		record, floor = append(record, t1.Sub(t0)), append(floor, t2.Sub(t1))
	}
	rp50, rp99 := percentiles(record)
	fp50, fp99 := percentiles(floor)
	b.ReportMetric(rp50, "record-p50-µs")
	b.ReportMetric(rp99, "record-p99-µs")
	b.ReportMetric(fp50, "floor-p50-µs")
	b.ReportMetric(fp99, "floor-p99-µs")
	b.ReportMetric(rp50/fp50, "p50-ratio")
	b.ReportMetric(rp99/fp99, "p99-ratio")
	b.ReportMetric(float64(len(sealed)), "entry-bytes")
	benchenv.ReportLoad(b)
}

// percentiles are the 50th and 99th percentiles of ds, in microseconds.
func percentiles(ds []time.Duration) (p50, p99 float64) {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return float64(s[max(i, 0)]) / float64(time.Microsecond)
	}
	return at(0.50), at(0.99)
}
