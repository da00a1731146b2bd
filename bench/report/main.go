// Command report regenerates BENCHMARKS.md's tables from a result file of
// bench/run.sh: each table between <!-- bench:NAME --> and
// <!-- /bench:NAME --> whose benchmarks the file holds is written anew,
// with the medians of the file's runs and the commit, date, CPU and load
// average it was measured with; the other tables are left as they are.
//
//	go run ./bench/report [-doc BENCHMARKS.md] bench/2026-12-06T101500Z-abc1234.txt
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// result is a result file: its header ("# key: value") and each
// benchmark's metrics by unit, one value per run.
type result struct {
	file    string
	header  map[string]string
	metrics map[string]map[string][]float64 // benchmark → unit → values
}

var procs = regexp.MustCompile(`-\d+$`)

func read(path string) (*result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &result{file: path, header: map[string]string{}, metrics: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			r.header[k] = v
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue
		}
		name := procs.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
		if r.metrics[name] == nil {
			r.metrics[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			r.metrics[name][fields[i+1]] = append(r.metrics[name][fields[i+1]], v)
		}
	}
	return r, sc.Err()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// ms says a time in milliseconds as BENCHMARKS.md does.
func ms(v float64) string {
	switch {
	case v >= 100000:
		return fmt.Sprintf("%.0f s", v/1000)
	case v >= 1000:
		return fmt.Sprintf("%.2f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

// µs says a time in microseconds.
func µs(v float64) string {
	if v >= 1000 {
		return ms(v / 1000)
	}
	return fmt.Sprintf("%.0f µs", v)
}

// spread is "1.23 (1.10–1.40)": the median and the range of the runs.
func spread(xs []float64) string {
	if len(xs) < 2 {
		return fmt.Sprintf("%.2f", median(xs))
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", median(xs), slices.Min(xs), slices.Max(xs))
}

// loads is the range of the load averages the runs reported.
func loads(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	lo, hi := fmt.Sprintf("%.1f", slices.Min(xs)), fmt.Sprintf("%.1f", slices.Max(xs))
	if lo == hi {
		return lo
	}
	return lo + "–" + hi
}

// thousands writes a whole number with a comma between thousands.
func thousands(n string) string {
	for i := len(n) - 3; i > 0; i -= 3 {
		n = n[:i] + "," + n[i:]
	}
	return n
}

// nsAsMS is a benchmark's median time per operation, or "–".
func nsAsMS(m map[string][]float64) string {
	if len(m["ns/op"]) == 0 {
		return "–"
	}
	return ms(median(m["ns/op"]) / 1e6)
}

// mb is a benchmark's median peak memory, or "–".
func mb(m map[string][]float64) string {
	if len(m["peak-MB"]) == 0 {
		return "–"
	}
	if v := median(m["peak-MB"]); v < 10 {
		return fmt.Sprintf("%.1f MB", v)
	}
	return fmt.Sprintf("%.0f MB", median(m["peak-MB"]))
}

// table is one generated table: the benchmarks it needs and how it is
// written. A name that ends in "=" stands for that sub-benchmark at any
// size ("Hub/data-age/kiosks=").
type table struct {
	name  string
	needs []string
	write func(r *result, b *strings.Builder)
}

// first is the benchmark the table needs first, as the result names it,
// or "" when the result does not hold it (the first size in name order
// for a name ending in "=").
func (t table) first(r *result) string {
	want := t.needs[0]
	if !strings.HasSuffix(want, "=") {
		if r.metrics[want] != nil {
			return want
		}
		return ""
	}
	for _, n := range slices.Sorted(maps.Keys(r.metrics)) {
		if strings.HasPrefix(n, want) {
			return n
		}
	}
	return ""
}

// named are the benchmarks whose names start with prefix, fewest of the
// metric by first (a sub-benchmark's size).
func named(r *result, prefix, by string) []string {
	var out []string
	for n := range r.metrics {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(median(r.metrics[a][by]), median(r.metrics[b][by])), strings.Compare(a, b))
	})
	return out
}

// whole says a count, with a comma between thousands.
func whole(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return thousands(fmt.Sprintf("%.0f", v))
}

// seconds says a time in seconds, to a tenth.
func seconds(v float64) string { return fmt.Sprintf("%.1f s", v) }

// met says whether a figure is under its target.
func met(v, target float64) string {
	if v < target {
		return "met"
	}
	return "**not met**"
}

var tables = []table{
	{"store", []string{"Open/patients=1000"}, func(r *result, b *strings.Builder) {
		b.WriteString("| patients | open | floor (bare age decrypt) | open ÷ floor | build | seal | sealed size | peak open | peak build | peak seal | load average |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, n := range []string{"40", "1000", "5000"} {
			open, build, seal := r.metrics["Open/patients="+n], r.metrics["BuildWard/patients="+n], r.metrics["Seal/patients="+n]
			if open == nil {
				continue
			}
			fmt.Fprintf(b, "| %s | %s | %s | **%s** | %s | %s | %.1f MB | %s | %s | %s | %s |\n", thousands(n),
				ms(median(open["open-ms"])), ms(median(open["floor-ms"])), spread(open["ratio"]),
				nsAsMS(build), nsAsMS(seal), median(open["sealed-MB"]),
				mb(open), mb(build), mb(seal), loads(slices.Concat(open["load1"], build["load1"], seal["load1"])))
		}
	}},
	{"pull", []string{"Pull/full/1000"}, func(r *result, b *strings.Builder) {
		b.WriteString("| operation | Lifeboat | floor (replayed GETs) | ratio | written | load average |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|\n")
		if m := r.metrics["Pull/full/1000"]; m != nil {
			fmt.Fprintf(b, "| full pull, 1,000 patients (%.0f GETs) | %s | %s | **%s** | the full generation | %s |\n", median(m["requests"]),
				ms(1000*median(m["pull-s"])), ms(1000*median(m["floor-s"])), spread(m["ratio"]), loads(m["load1"]))
		}
		if m := r.metrics["Pull/refresh-1pct/1000"]; m != nil {
			fmt.Fprintf(b, "| refresh after 1%% changed | %s | %s | **%s** | %.0f kB: **%.2f%%** of the full generation | %s |\n",
				ms(1000*median(m["pull-s"])), ms(1000*median(m["floor-s"])), spread(m["ratio"]),
				median(m["bytes/refresh"])/1000, median(m["%-of-full"]), loads(m["load1"]))
		}
	}},
	{"pack", []string{"WardPack40"}, func(r *result, b *strings.Builder) {
		m := r.metrics["WardPack40"]
		b.WriteString("| pack | time | floor (same fonts) | floor (core font) | time ÷ same-fonts floor | load average |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| 40 patients, %.0f pages | **%s** | %s | %s | %s | %s |\n", median(m["pages"]),
			ms(median(m["pack-ms"])), ms(median(m["floor-fonts-ms"])), ms(median(m["floor-core-ms"])), spread(m["ratio"]), loads(m["load1"]))
	}},
	{"reconcile", []string{"Reconcile/entries=500"}, func(r *result, b *strings.Builder) {
		b.WriteString("| entries | Lifeboat | floor (same Bundles) | ratio | load average |\n")
		b.WriteString("|---:|---:|---:|---:|---:|\n")
		for _, n := range []string{"500", "2000", "10000"} {
			if m := r.metrics["Reconcile/entries="+n]; m != nil {
				fmt.Fprintf(b, "| %s | %s | %s | **%s** | %s |\n", thousands(n),
					ms(1000*median(m["s/run"])), ms(1000*median(m["s/floor"])), spread(m["ratio"]), loads(m["load1"]))
			}
		}
	}},
	{"reconcile-hub", []string{"ReconcileHub/entries="}, func(r *result, b *strings.Builder) {
		b.WriteString("| entries | kiosks | Lifeboat (of which opening the journals) | floor (same Bundles) | ratio | load average |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
		for _, n := range hubCounts(r) {
			m := r.metrics["ReconcileHub/entries="+n]
			fmt.Fprintf(b, "| %s | %.0f | %s (%s) | %s | **%s** | %s |\n", thousands(n), median(m["kiosks"]),
				ms(1000*median(m["s/run"])), ms(1000*median(m["s/open"])), ms(1000*median(m["s/floor"])), spread(m["ratio"]), loads(m["load1"]))
		}
	}},
	{"reconcile-slow", []string{"ReconcileSlowServer"}, func(r *result, b *strings.Builder) {
		m := r.metrics["ReconcileSlowServer"]
		b.WriteString("| entries | Bundles | Lifeboat | floor (same Bundles) | ratio | load average |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| %s | %.0f | %s | %s | **%s** | %s |\n", thousands(fmt.Sprint(median(m["entries"]))), median(m["bundles/run"]),
			ms(1000*median(m["s/run"])), ms(1000*median(m["s/floor"])), spread(m["ratio"]), loads(m["load1"]))
	}},
	{"kiosk-unlock", []string{"UIUnlockToCensus5000/scrypt=18"}, func(r *result, b *strings.Builder) {
		b.WriteString("| vault | unlock → census | floor: `store.Unlock` | floor: `store.Open` | floor: census query | unlock → census ÷ floors | doses filled, after the census shows | load average |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, v := range []struct{ name, label string }{
			{"scrypt=18", "scrypt 2^18 (the product's)"},
			{"scrypt=10", "scrypt 2^10"},
			{"scrypt=18/charts", "scrypt 2^18, doses read from every chart (a snapshot without dose facts)"},
		} {
			m := r.metrics["UIUnlockToCensus5000/"+v.name]
			if m == nil {
				continue
			}
			meds := "–"
			if xs := m["meds-ms"]; len(xs) > 0 {
				meds = ms(median(xs))
			}
			fmt.Fprintf(b, "| %s | **%s** | %s | %s | %s | **%s** | %s | %s |\n", v.label, ms(median(m["census-ms"])),
				ms(median(m["floor-unlock-ms"])), ms(median(m["floor-open-ms"])), ms(median(m["floor-query-ms"])),
				spread(m["ratio"]), meds, loads(m["load1"]))
		}
	}},
	{"kiosk-search", []string{"UISearchKeystroke5000"}, func(r *result, b *strings.Builder) {
		m := r.metrics["UISearchKeystroke5000"]
		b.WriteString("| keystroke p50 | p95 | max | floor: plain match p50 | p95 | p95 ÷ floor's p95 | load average |\n")
		b.WriteString("|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| %s | **%s** | %s | %s | %s | %s | %s |\n", ms(median(m["p50-ms"])), ms(median(m["p95-ms"])),
			ms(median(m["max-ms"])), ms(median(m["floor-p50-ms"])), ms(median(m["floor-p95-ms"])),
			spread(m["p95-ratio"]), loads(m["load1"]))
	}},
	{"journal", []string{"JournalRecord/fresh"}, func(r *result, b *strings.Builder) {
		b.WriteString("| journal | record p50 | floor p50 | p50 ratio | record p99 | floor p99 | p99 ratio | load average |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, v := range []struct{ name, label string }{{"fresh", "fresh"}, {"in-use", "in use"}} {
			m := r.metrics["JournalRecord/"+v.name]
			if m == nil {
				continue
			}
			fmt.Fprintf(b, "| %s | %s | %s | **%s** | %s | %s | **%s** | %s |\n", v.label,
				µs(median(m["record-p50-µs"])), µs(median(m["floor-p50-µs"])), spread(m["p50-ratio"]),
				µs(median(m["record-p99-µs"])), µs(median(m["floor-p99-µs"])), spread(m["p99-ratio"]), loads(m["load1"]))
		}
	}},
	{"hub-requests", []string{"Hub/ehr-requests/kiosks="}, hubRequests},
	{"hub-latency", []string{"Hub/index-latency/kiosks="}, hubLatency},
	{"hub-age", []string{"Hub/data-age/kiosks="}, hubAge},
}

// hubRequests is the table of the hub's EHR requests beside today's one
// pull per kiosk, and how today's figure is had.
func hubRequests(r *result, b *strings.Builder) {
	b.WriteString("| kiosks | the hub: EHR requests a minute | requests a pull | the two pulls took | today, a pull per kiosk: EHR requests a minute | today ÷ hub | the hub's listener: requests a minute | load average |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var last map[string][]float64
	var perPull []string
	grew := false
	runs := named(r, "Hub/ehr-requests/kiosks=", "kiosks")
	for _, n := range runs {
		m := r.metrics[n]
		last = m
		perPull = append(perPull, fmt.Sprintf("%s with %s", whole(median(m["req/pull"])), whole(median(m["kiosks"]))))
		// Retries of a request count too: a few more is not growth.
		grew = grew || median(m["req/pull"]) > 1.05*median(r.metrics[runs[0]]["req/pull"])
		fmt.Fprintf(b, "| %s | **%s** | %s | %s | %s | %.1f | %s | %s |\n", whole(median(m["kiosks"])), whole(median(m["ehr-req/min"])),
			whole(median(m["req/pull"])), seconds(median(m["pull1-s"]))+", "+seconds(median(m["pull2-s"])), whole(median(m["peer-req/min"])),
			median(m["peer-req/min"])/median(m["ehr-req/min"]), whole(median(m["hub-served/min"])), loads(m["load1"]))
	}
	every := median(last["every-s"])
	fmt.Fprintf(b, "\nThe hub's column is counted over two whole pulls (`--every %.0fs`) with that many kiosks enrolled and subscribed. "+
		"Today's is computed: %s requests a refresh, measured on %s kiosks' own pulls of their wards (two refreshes each, after a first full pull of %s requests), "+
		"a refresh taking %s alone, times the kiosks, each refreshing %.0f s after its last refresh ended (kiosks × %s × 60 ÷ %.1f). "+
		"The hub's full pull, at its start and then hourly: %s requests.\n",
		every, whole(median(last["peer-req/refresh"])), whole(median(last["peer-kiosks"])), whole(median(last["peer-full-req"])),
		seconds(median(last["peer-refresh-s"])), every, whole(median(last["peer-req/refresh"])), every+median(last["peer-refresh-s"]),
		whole(median(last["full-req"])))
	verdict := "met"
	if grew {
		verdict = "**not met**"
	}
	fmt.Fprintf(b, "\nThe issue's target, the hub's count not growing with the kiosks: %s (requests a pull: %s kiosks).\n", verdict, strings.Join(perPull, ", "))
}

// hubLatency is the table of the index's latency at the hub, nginx and
// net/http's FileServer.
func hubLatency(r *result, b *strings.Builder) {
	b.WriteString("| kiosks, polling every | index requests timed | the hub p50 | p99 | max | nginx p50 | p99 | max | floor: net/http FileServer p50 | p99 | max | heartbeat p99 | answered 304 | load average |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var p99 float64
	for _, n := range named(r, "Hub/index-latency/kiosks=", "kiosks") {
		m := r.metrics[n]
		p99 = median(m["p99-ms"])
		opt := func(unit string) string {
			if len(m[unit]) == 0 {
				return "–"
			}
			return ms(median(m[unit]))
		}
		fmt.Fprintf(b, "| %s, %.0f s | %s | %s | **%s** | %s | %s | %s | %s | %s | %s | %s | %s | %.0f%% | %s |\n",
			whole(median(m["kiosks"])), median(m["every-s"]), whole(median(m["requests"])),
			ms(median(m["p50-ms"])), ms(p99), ms(median(m["max-ms"])),
			opt("nginx-p50-ms"), opt("nginx-p99-ms"), opt("nginx-max-ms"),
			opt("floor-p50-ms"), opt("floor-p99-ms"), opt("floor-max-ms"), opt("beat-p99-ms"), median(m["304-%"]), loads(m["load1"]))
	}
	fmt.Fprintf(b, "\nThe issue's target, p99 under 50 ms: %s (%s).\n", met(p99, 50), ms(p99))
}

// hubAge is the table of the kiosks' data age when the EHR is killed.
func hubAge(r *result, b *strings.Builder) {
	b.WriteString("| kiosks (wards) | the hub, the kiosks every | at the kill: p50 | p99 | max | every second before it: p99 | max | the worst second's p99 | the hub's pull (median) | load average |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var at, sampled, secs float64
	for _, n := range named(r, "Hub/data-age/kiosks=", "kiosks") {
		m := r.metrics[n]
		at, sampled, secs = median(m["p99-s"]), median(m["sampled-p99-s"]), median(m["samples"])
		hubEvery := median(m["hub-every-s"])
		if hubEvery == 0 { // runs before the kiosks' interval was their own
			hubEvery = median(m["every-s"])
		}
		fmt.Fprintf(b, "| %s (%s) | %.0f s, %.0f s | %s | **%s** | %s | **%s** | %s | %s | %s | %s |\n", whole(median(m["kiosks"])), whole(median(m["wards"])),
			hubEvery, median(m["every-s"]),
			seconds(median(m["p50-s"])), seconds(at), seconds(median(m["max-s"])),
			seconds(sampled), seconds(median(m["sampled-max-s"])), seconds(median(m["worst-p99-s"])),
			seconds(median(m["pull-s"])), loads(m["load1"]))
	}
	fmt.Fprintf(b, "\nThe issue's target, p99 under 60 s: %s at the kill (%s); over the %s seconds read before it, %s (%s).\n",
		met(at, 60), seconds(at), whole(secs), met(sampled, 60), seconds(sampled))
}

// regenerate writes anew every table of text whose benchmarks r holds;
// it says which it wrote, and which of them text has no markers for.
func regenerate(r *result, text string) (out string, done, missing []string) {
	for _, t := range tables {
		first := t.first(r)
		if first == "" {
			continue
		}
		begin, end := "<!-- bench:"+t.name+" -->\n", "<!-- /bench:"+t.name+" -->"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			missing = append(missing, t.name)
			continue
		}
		var b strings.Builder
		t.write(r, &b)
		what := fmt.Sprintf("Medians of %d runs", runs(r, first))
		if runs(r, first) == 1 {
			what = "One run"
		}
		fmt.Fprintf(&b, "\n%s, measured on commit `%s` on %s: %s, %s cores, %s; load average %s before, %s after (`%s`).\n",
			what, r.header["commit"], r.header["date"], r.header["cpu"], r.header["cores"], r.header["go"],
			r.header["load-before"], r.header["load-after"], filepath.ToSlash(r.file))
		text = text[:i+len(begin)] + b.String() + text[j:]
		done = append(done, t.name)
	}
	return text, done, missing
}

// hubCounts is the entry counts of BenchmarkReconcileHub the file holds,
// the smallest first.
func hubCounts(r *result) []string {
	var ns []int
	for name := range r.metrics {
		if s, ok := strings.CutPrefix(name, "ReconcileHub/entries="); ok {
			if n, err := strconv.Atoi(s); err == nil {
				ns = append(ns, n)
			}
		}
	}
	slices.Sort(ns)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// runs is how many runs a benchmark's first metric has.
func runs(r *result, name string) int {
	n := 0
	for _, xs := range r.metrics[name] {
		n = max(n, len(xs))
	}
	return n
}

func main() {
	doc := flag.String("doc", "BENCHMARKS.md", "the document whose tables are regenerated")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: report [-doc BENCHMARKS.md] bench/<result>.txt")
		os.Exit(2)
	}
	r, err := read(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	body, err := os.ReadFile(*doc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	text, done, missing := regenerate(r, string(body))
	for _, name := range done {
		fmt.Printf("report: table %s regenerated from %s\n", name, r.file)
	}
	for _, name := range missing {
		fmt.Fprintf(os.Stderr, "report: %s has no table %s\n", *doc, name)
	}
	if err := os.WriteFile(*doc, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}
