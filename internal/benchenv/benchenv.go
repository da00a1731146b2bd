// Package benchenv says on what machine, and how busy, a benchmark ran:
// the benchmarks report the load average beside their figures, and
// bench/run.sh heads its result file with the CPU model.
package benchenv

import (
	"os"
	"strconv"
	"strings"
)

// Load1 is the one-minute load average (/proc/loadavg), or -1 when it
// cannot be read.
func Load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// CPUModel is the model name of the first CPU (/proc/cpuinfo), or "".
func CPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Reporter is what reports a benchmark's metrics (*testing.B).
type Reporter interface {
	ReportMetric(n float64, unit string)
}

// ReportLoad reports the load average as the metric "load1".
func ReportLoad(b Reporter) {
	if l := Load1(); l >= 0 {
		b.ReportMetric(l, "load1")
	}
}
