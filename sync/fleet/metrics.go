package fleet

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the fleet in Prometheus's text format (/metrics): each
// kiosk's data age, last heartbeat, readiness and the rest of its
// heartbeat, read from the board at each scrape; the heartbeats refused;
// and the hub's pulls from the EHR, as the hub records them.
type Metrics struct {
	reg      *prometheus.Registry
	pulls    prometheus.Histogram
	failures prometheus.Counter
	lastPull prometheus.Gauge
}

// NewMetrics describes the board's kiosks (enrolled tells which there
// are) at each scrape, with the thresholds t and the clock now.
func NewMetrics(b *Board, enrolled func() []Enrolled, t Thresholds, now func() time.Time) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(),
		pulls: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lifeboat_hub_pull_duration_seconds",
			Help:    "How long the hub's pulls from the EHR took (census, searches, sealing every ward).",
			Buckets: []float64{1, 2, 5, 10, 20, 30, 60, 120, 300}}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Name: "lifeboat_hub_ehr_errors_total",
			Help: "Pulls from the EHR that failed."}),
		lastPull: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lifeboat_hub_last_successful_pull_timestamp_seconds",
			Help: "When the hub's last successful pull started (Unix time)."}),
	}
	m.reg.MustRegister(m.pulls, m.failures, m.lastPull, &collector{b: b, enrolled: enrolled, t: t, now: now})
	return m
}

// ObservePull records one pull of the hub: how long it took, and
// whether it failed.
func (m *Metrics) ObservePull(started time.Time, took time.Duration, err error) {
	m.pulls.Observe(took.Seconds())
	if err != nil {
		m.failures.Inc()
		return
	}
	m.lastPull.Set(float64(started.UnixNano()) / 1e9)
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

var (
	kioskLabels = []string{"ward", "kiosk"}
	descDataAge = prometheus.NewDesc("lifeboat_kiosk_data_age_seconds",
		"Age of the newest data a kiosk holds, now (absent while it holds none).", kioskLabels, nil)
	descHeartbeat = prometheus.NewDesc("lifeboat_kiosk_last_heartbeat_timestamp_seconds",
		"When the hub last heard from a kiosk (Unix time; absent if never).", kioskLabels, nil)
	descReady = prometheus.NewDesc("lifeboat_kiosk_readiness",
		"How ready a kiosk is: 0 green, 1 amber, 2 red.", kioskLabels, nil)
	descGeneration = prometheus.NewDesc("lifeboat_kiosk_generation",
		"The newest generation a kiosk holds.", kioskLabels, nil)
	descUnreconciled = prometheus.NewDesc("lifeboat_kiosk_unreconciled_entries",
		"Downtime entries a kiosk holds that are not reconciled yet (-1: it cannot tell).", kioskLabels, nil)
	descFreeDisk = prometheus.NewDesc("lifeboat_kiosk_free_disk_bytes",
		"Bytes free where a kiosk keeps its data.", kioskLabels, nil)
	descClock = prometheus.NewDesc("lifeboat_kiosk_clock_offset_seconds",
		"How far a kiosk's clock is ahead of the hub's (negative: behind).", kioskLabels, nil)
	descSelfCheck = prometheus.NewDesc("lifeboat_kiosk_self_check_ok",
		"1 when a kiosk's last self-check passed, 0 when it failed.", kioskLabels, nil)
	descRefused = prometheus.NewDesc("lifeboat_heartbeats_refused_total",
		"Heartbeats refused since the hub started, by reason.", []string{"reason"}, nil)
)

// collector reads the board at each scrape.
type collector struct {
	b        *Board
	enrolled func() []Enrolled
	t        Thresholds
	now      func() time.Time
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDataAge, descHeartbeat, descReady, descGeneration, descUnreconciled, descFreeDisk,
		descClock, descSelfCheck, descRefused} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, r := range Assess(c.enrolled(), c.b.Latest(), c.now(), c.t) {
		gauge(descReady, float64(r.Level), r.Ward, r.Kiosk)
		h := r.Latest
		if h == nil {
			continue
		}
		gauge(descHeartbeat, float64(h.At.UnixNano())/1e9, r.Ward, r.Kiosk)
		if h.Generation > 0 && !h.DataAsOf.IsZero() {
			gauge(descDataAge, r.DataAge.Seconds(), r.Ward, r.Kiosk)
		}
		gauge(descGeneration, float64(h.Generation), r.Ward, r.Kiosk)
		gauge(descUnreconciled, float64(h.Unreconciled), r.Ward, r.Kiosk)
		if h.FreeDisk != nil {
			gauge(descFreeDisk, float64(*h.FreeDisk), r.Ward, r.Kiosk)
		}
		gauge(descClock, h.ClockOffset().Seconds(), r.Ward, r.Kiosk)
		ok := 0.0
		if h.SelfCheck == "" && !h.SelfCheckAt.IsZero() {
			ok = 1
		}
		gauge(descSelfCheck, ok, r.Ward, r.Kiosk)
	}
	for reason, n := range c.b.Refused() {
		ch <- prometheus.MustNewConstMetric(descRefused, prometheus.CounterValue, float64(n), reason)
	}
}
