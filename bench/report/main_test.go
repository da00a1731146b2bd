package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A result file of bench/run.sh hub, cut to what the report reads.
const hubResult = `# commit: abc1234
# date: 2026-12-07T10:00:00Z
# cpu: AMD EPYC
# cores: 2
# go: go1.26.8
# load-before: 0.50 0.40 0.30
# part: hub
BenchmarkHub
    bench_test.go:91: a kiosk's own pulls of its ward: full [29 29 29] requests
BenchmarkHub/ehr-requests/kiosks=1
BenchmarkHub/ehr-requests/kiosks=1-2   	       1	73001023480 ns/op	        95.23 ehr-req/min	        30.00 every-s	       355.0 full-req	         8.209 hub-served/min	         1.000 kiosks	         2.910 load1	        29.00 peer-full-req	         3.000 peer-kiosks	         3.272 peer-refresh-s	        52.30 peer-req/min	        29.00 peer-req/refresh	         6.871 pull1-s	         5.613 pull2-s	        58.00 req/pull
BenchmarkHub/ehr-requests/kiosks=50-2  	       1	93426238679 ns/op	        74.45 ehr-req/min	        30.00 every-s	       355.0 full-req	       357.5 hub-served/min	        50.00 kiosks	         2.740 load1	        29.00 peer-full-req	         3.000 peer-kiosks	         3.272 peer-refresh-s	      2615 peer-req/min	        29.00 peer-req/refresh	        24.11 pull1-s	         8.750 pull2-s	        58.00 req/pull
BenchmarkHub/ehr-requests/kiosks=300-2 	       1	98653116203 ns/op	        70.51 ehr-req/min	        30.00 every-s	       355.0 full-req	      2003 hub-served/min	       300.0 kiosks	         4.540 load1	        29.00 peer-full-req	         3.000 peer-kiosks	         3.272 peer-refresh-s	     15689 peer-req/min	        29.00 peer-req/refresh	        29.52 pull1-s	         8.100 pull2-s	        58.00 req/pull
BenchmarkHub/index-latency/kiosks=300-2	       1	92056209674 ns/op	        60.00 304-%	        48.61 beat-p99-ms	        15.00 every-s	        26.04 floor-max-ms	         0.2224 floor-p50-ms	         2.824 floor-p99-ms	       300.0 kiosks	         2.600 load1	        34.69 max-ms	         0.3869 p50-ms	         8.540 p99-ms	      1500 requests
BenchmarkHub/data-age/kiosks=300-2     	       1	137260125381 ns/op	        15.00 every-s	        30.00 hub-every-s	       300.0 kiosks	         2.590 load1	        53.87 max-s	        53.87 p50-s	        53.87 p99-s	         7.263 pull-s	        73.93 sampled-max-s	        68.93 sampled-p99-s	       101.0 samples	        40.00 wards	        72.93 worst-p99-s
PASS
# load-after: 2.10 1.90 1.50
`

const hubDoc = `# Benchmarks

<!-- bench:pack -->
kept as it is
<!-- /bench:pack -->

<!-- bench:hub-requests -->
old
<!-- /bench:hub-requests -->

<!-- bench:hub-latency -->
<!-- /bench:hub-latency -->
`

func TestTheHubsTablesAreWrittenFromItsRunAndTheOthersKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.txt")
	if err := os.WriteFile(path, []byte(hubResult), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := read(path)
	if err != nil {
		t.Fatal(err)
	}
	text, done, missing := regenerate(r, hubDoc)
	if strings.Join(done, " ") != "hub-requests hub-latency" || strings.Join(missing, " ") != "hub-age" {
		t.Fatalf("regenerated %v, missing %v", done, missing)
	}
	for _, want := range []string{
		"<!-- bench:pack -->\nkept as it is\n<!-- /bench:pack -->",
		"| 1 | **95** | 58 | 6.9 s, 5.6 s | 52 | 0.5 | 8 | 2.9 |\n| 50 | **74** | 58 | 24.1 s, 8.8 s | 2,615 | 35.1 | 358 | 2.7 |\n| 300 | **71** | 58 | 29.5 s, 8.1 s | 15,689 | 222.5 | 2,003 | 4.5 |\n",
		"kiosks × 29 × 60 ÷ 33.3",
		"The hub's full pull, at its start and then hourly: 355 requests.",
		"not growing with the kiosks: met (requests a pull: 58 with 1, 58 with 50, 58 with 300 kiosks)",
		// No nginx in this run: its columns are dashes.
		"| 300, 15 s | 1,500 | 0.39 ms | **8.54 ms** | 34.7 ms | – | – | – | 0.22 ms | 2.82 ms | 26.0 ms | 48.6 ms | 60% | 2.6 |",
		"p99 under 50 ms: met (8.54 ms)",
		"One run, measured on commit `abc1234` on 2026-12-07T10:00:00Z: AMD EPYC, 2 cores, go1.26.8; load average 0.50 0.40 0.30 before, 2.10 1.90 1.50 after",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the document lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\nold\n") {
		t.Error("the old table stayed")
	}

	// The data age, and a small run (other kiosk counts) found as well.
	small := strings.ReplaceAll(hubResult, "kiosks=300", "kiosks=40")
	if err := os.WriteFile(path, []byte(small), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err = read(path); err != nil {
		t.Fatal(err)
	}
	text, done, _ = regenerate(r, "<!-- bench:hub-age -->\n<!-- /bench:hub-age -->\n")
	if len(done) != 1 || !strings.Contains(text, "| 300 (40) | 30 s, 15 s | 53.9 s | **53.9 s** | 53.9 s | **68.9 s** | 73.9 s | 72.9 s | 7.3 s | 2.6 |") ||
		!strings.Contains(text, "p99 under 60 s: met at the kill (53.9 s); over the 101 seconds read before it, **not met** (68.9 s)") {
		t.Errorf("the data age's table:\n%s", text)
	}
}
