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
	"flag"
	"fmt"
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

// table is one generated table: the benchmarks it needs (the first
// decides whether the file has it; a name ending in "/" is any of its
// sub-benchmarks) and how it is written.
type table struct {
	name  string
	needs []string
	write func(r *result, b *strings.Builder)
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
	{"reconcile-hub", []string{"ReconcileHub/"}, func(r *result, b *strings.Builder) {
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

// named is the benchmark the file holds under name, or the first of its
// sub-benchmarks when name ends in "/"; "" when there is none.
func named(r *result, name string) string {
	if !strings.HasSuffix(name, "/") {
		if r.metrics[name] == nil {
			return ""
		}
		return name
	}
	var subs []string
	for k := range r.metrics {
		if strings.HasPrefix(k, name) {
			subs = append(subs, k)
		}
	}
	if len(subs) == 0 {
		return ""
	}
	return slices.Min(subs)
}

// runs is how many runs a benchmark's first metric has.
func runs(r *result, name string) int {
	n := 0
	for _, xs := range r.metrics[named(r, name)] {
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
	text := string(body)
	for _, t := range tables {
		if named(r, t.needs[0]) == "" {
			continue
		}
		begin, end := "<!-- bench:"+t.name+" -->\n", "<!-- /bench:"+t.name+" -->"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			fmt.Fprintf(os.Stderr, "report: %s has no table %s\n", *doc, t.name)
			continue
		}
		var b strings.Builder
		t.write(r, &b)
		what := fmt.Sprintf("Medians of %d runs", runs(r, t.needs[0]))
		if runs(r, t.needs[0]) == 1 {
			what = "One run"
		}
		fmt.Fprintf(&b, "\n%s, measured on commit `%s` on %s: %s, %s cores, %s; load average %s before, %s after (`%s`).\n",
			what, r.header["commit"], r.header["date"], r.header["cpu"], r.header["cores"], r.header["go"],
			r.header["load-before"], r.header["load-after"], filepath.ToSlash(r.file))
		text = text[:i+len(begin)] + b.String() + text[j:]
		fmt.Printf("report: table %s regenerated from %s\n", t.name, r.file)
	}
	if err := os.WriteFile(*doc, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}
