package store_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"lifeboat/clinical"
	"lifeboat/internal/benchenv"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

// Benchmarks of building, sealing and opening synthetic wards of 40, 1,000
// and 5,000 patients; opening beside its floor, a bare age decryption of
// the same file's ciphertext into memory, in the same loop. Each reports
// the peak resident memory the operation added and the load average.

var sizes = []int{40, 1000, 5000}

type benchVault struct {
	dir    string
	keys   *store.Keys
	charts []clinical.Chart
	ward   *store.Ward
}

var (
	vaultsMu sync.Mutex
	vaults   = map[int]*benchVault{}
)

// vault returns a vault holding one sealed generation of an n-patient
// synthetic ward, built once per benchmark process.
func vault(b *testing.B, n int) *benchVault {
	vaultsMu.Lock()
	defer vaultsMu.Unlock()
	if v := vaults[n]; v != nil {
		return v
	}
	root, err := os.MkdirTemp("", "lifeboat-bench-")
	if err != nil {
		b.Fatal(err)
	}
	input := filepath.Join(root, "input")
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: n, Seed: 1, AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	im, err := fhir.Read(input)
	if err != nil {
		b.Fatal(err)
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(input)
	ctx := context.Background()
	ward, err := store.BuildWard(ctx, charts)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(root, "vault")
	if _, err := store.Init(dir, "benchmark passphrase", store.InitOptions{WorkFactor: 10, Keep: 2}); err != nil {
		b.Fatal(err)
	}
	keys, err := store.Unlock(dir, "benchmark passphrase")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.Seal(ctx, dir, keys, ward, store.SealRequest{AsOf: asOf, Source: "files"}); err != nil {
		b.Fatal(err)
	}
	v := &benchVault{dir: dir, keys: keys, charts: charts, ward: ward}
	vaults[n] = v
	return v
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, v := range vaults {
		v.ward.Close()
		os.RemoveAll(filepath.Dir(v.dir))
	}
	os.Exit(code)
}

// peakMB measures the resident memory one run of op adds at its peak,
// using Linux's resettable high-water mark; it reports nothing where that
// is not available. It runs after the timed loop so that the garbage of
// earlier iterations does not count.
func peakMB(b *testing.B, op func()) {
	runtime.GC()
	debug.FreeOSMemory()
	if os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		return
	}
	base := procStatus("VmRSS")
	op()
	b.ReportMetric(float64(procStatus("VmHWM")-base)/(1<<20), "peak-MB")
}

func procStatus(field string) int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func sealedSize(b *testing.B, dir string) float64 {
	entries, _ := os.ReadDir(filepath.Join(dir, "snapshots"))
	info, err := entries[len(entries)-1].Info()
	if err != nil {
		b.Fatal(err)
	}
	return float64(info.Size()) / (1 << 20)
}

// BenchmarkBuildWard is the step before sealing: charts into the
// in-memory database, with its compression and indexes.
func BenchmarkBuildWard(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("patients=%d", n), func(b *testing.B) {
			v := vault(b, n)
			build := func() {
				w, err := store.BuildWard(context.Background(), v.charts)
				if err != nil {
					b.Fatal(err)
				}
				w.Close()
			}
			for b.Loop() {
				build()
			}
			benchenv.ReportLoad(b)
			peakMB(b, build)
		})
	}
}

func BenchmarkSeal(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("patients=%d", n), func(b *testing.B) {
			v := vault(b, n)
			seal := func() {
				_, err := store.Seal(context.Background(), v.dir, v.keys, v.ward, store.SealRequest{AsOf: time.Now(), Source: "files"})
				if err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				seal()
			}
			benchenv.ReportLoad(b)
			peakMB(b, seal)
			b.ReportMetric(sealedSize(b, v.dir), "sealed-MB")
		})
	}
}

// BenchmarkOpen times store.Open of the newest generation and, in the
// same loop, its floor: a bare age decryption of the same file's
// ciphertext into a buffer, with no signature, hash or SQLite. The two
// alternate so that both meet the same load; the metrics are each one's
// time per operation, their ratio, the sealed size, the peak memory of
// one open and the load average.
func BenchmarkOpen(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("patients=%d", n), func(b *testing.B) {
			v := vault(b, n)
			open := func() {
				s, err := store.Open(context.Background(), v.dir, v.keys)
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
			decrypt := func() {
				cipher, size, closeFn, err := store.NewestCiphertext(v.dir, v.keys)
				if err != nil {
					b.Fatal(err)
				}
				r, err := age.Decrypt(cipher, v.keys.Identity())
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, size)
				if _, err := io.ReadFull(r, buf); err != nil {
					b.Fatal(err)
				}
				closeFn()
			}
			var opened, floor time.Duration
			iters := 0
			for ; b.Loop(); iters++ {
				start := time.Now()
				open()
				opened += time.Since(start)
				start = time.Now()
				decrypt()
				floor += time.Since(start)
			}
			b.ReportMetric(opened.Seconds()*1000/float64(iters), "open-ms")
			b.ReportMetric(floor.Seconds()*1000/float64(iters), "floor-ms")
			b.ReportMetric(float64(opened)/float64(floor), "ratio")
			benchenv.ReportLoad(b)
			peakMB(b, open)
			b.ReportMetric(sealedSize(b, v.dir), "sealed-MB")
		})
	}
}
