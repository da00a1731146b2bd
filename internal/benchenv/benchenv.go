// Package benchenv says how busy the machine was while a benchmark ran:
// the benchmarks report the load average beside their figures (bench/run.sh
// heads its result file with the CPU model and the load before and after).
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
