package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeboat/internal/benchenv"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	readiness "lifeboat/sync/fleet"
	"lifeboat/sync/hub"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
	"lifeboat/sync/synthetic"
)

// hubBench is the size of BenchmarkHub: the issue's, or a small one for
// trying the benchmark out (LIFEBOAT_BENCH_HUB_SMALL=1).
type hubBench struct {
	patients, wards int
	kiosks          []int         // the kiosk counts of the EHR-request runs, growing; the last is the fleet of the other two
	every           time.Duration // hub run --every (and the kiosks' interval while EHR requests are counted)
	poll            time.Duration // the kiosks' snapshot --every, as the install guide sets it (index latency, data age)
	latencyFor      time.Duration // how long index requests are timed
	steadyFor       time.Duration // how long the kiosks run before the EHR is killed (and a random part of a cycle more)
	peers           int           // kiosks pulling their ward on their own, as today, to count their requests
	changed         int           // patients given a new observation every interval, as an EHR changes
}

func hubBenchSize() hubBench {
	if os.Getenv("LIFEBOAT_BENCH_HUB_SMALL") != "" {
		return hubBench{patients: 200, wards: 8, kiosks: []int{1, 10, 40}, every: 10 * time.Second, poll: 5 * time.Second,
			latencyFor: 20 * time.Second, steadyFor: 30 * time.Second, peers: 2, changed: 2}
	}
	return hubBench{patients: 1000, wards: 40, kiosks: []int{1, 50, 300}, every: 30 * time.Second, poll: 15 * time.Second,
		latencyFor: 75 * time.Second, steadyFor: 2 * time.Minute, peers: 3, changed: 10}
}

// BenchmarkHub measures the three figures of the hub's issue on one
// hospital made up by sync/synthetic (1,000 patients over 40 wards of 25
// beds) in a real FHIR server (sync/fhirtest, Medplum's engine) on
// 127.0.0.1, with the hub's real Runner, Publisher and listener and
// kiosks simulated as goroutines, each with its own data folder, keys,
// HTTP connections and subscription loop (hub.Subscriber and hub.Beater,
// as lifeboat snapshot --hub runs them). The EHR changes as it would: every
// interval some patients get a new observation, written through its API.
//
//   - ehr-requests/kiosks=N: the EHR requests of the hub's pulls (--every
//     30s) counted over two whole pull cycles with N kiosks enrolled and
//     subscribed (1, then 49 more, then 250 more), per minute; beside it,
//     today's one pull per kiosk: the requests of a kiosk's own refresh of
//     its ward, measured on a few kiosks pulling for real before the hub
//     starts, times N kiosks at the same interval.
//   - index-latency/kiosks=300: every kiosk polls every 15 s with a random
//     phase (conditional GET of the index, the files it lacks, its signed
//     heartbeat) while the hub pulls and publishes every 30 s; each index
//     request is timed at the kiosk until its body is read. The peer: the
//     same conditional GET, right after, from nginx serving the same
//     publication folder; the floor: from net/http's FileServer in the
//     hub's process.
//   - data-age/kiosks=300: the hub at --every 30s, the kiosks at 15 s (as
//     the install guide sets them) with random phases; after some minutes
//     the EHR is killed and every kiosk's data
//     age (that moment minus the data time of the newest generation it
//     holds) is read. The same reading, taken every second before the
//     kill, is reported beside it.
//
// Run it alone with -benchtime 1x (some 10 minutes): bench/run.sh hub.
func BenchmarkHub(b *testing.B) {
	size := hubBenchSize()
	e := newHubEnv(b, size)

	// Today: each kiosk pulls its ward itself. Measured before the hub
	// starts, on the same server, so that neither sees the other's load.
	peer := e.measurePeers(b)

	e.start(b)
	for _, n := range size.kiosks {
		b.Run(fmt.Sprintf("ehr-requests/kiosks=%d", n), func(b *testing.B) { e.requests(b, n, peer) })
	}
	last := size.kiosks[len(size.kiosks)-1]
	b.Run(fmt.Sprintf("index-latency/kiosks=%d", last), func(b *testing.B) { e.latency(b, last) })
	b.Run(fmt.Sprintf("data-age/kiosks=%d", last), func(b *testing.B) { e.dataAge(b, last) })
}

// counter counts the requests that pass through it.
type counter struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// pullRecord is one of the hub's pulls, and the counts when it ended.
type pullRecord struct {
	start  time.Time
	took   time.Duration
	err    error
	ehr    int64 // EHR requests made so far
	served int64 // requests the hub's listener answered so far
}

// hubEnv is the hospital: the EHR, the hub and its kiosks.
type hubEnv struct {
	size   hubBench
	srv    *fhirtest.Server
	ehr    *counter // the hub's requests to the EHR
	hub    *hub.Hub
	pub    string
	url    string // the hub's listener
	runner *hub.Runner
	beats  *readiness.Board
	served atomic.Int64 // requests the hub's listener answered
	wards  []string
	vaults []storetest.Vault // made ahead; kiosks[i] is enrolled from vaults[i]
	kiosks []*simKiosk

	mu    sync.Mutex
	pulls []pullRecord
	pulse chan struct{} // a pull ended

	stopHub    context.CancelFunc
	hubDone    chan struct{}
	stopWrites context.CancelFunc
	writesDone chan struct{}
	writeErrs  atomic.Int64
	loops      *kioskLoops
}

func newHubEnv(b *testing.B, size hubBench) *hubEnv {
	b.Helper()
	files := filepath.Join(b.TempDir(), "ndjson")
	sum, err := synthetic.WriteNDJSON(files, synthetic.Options{Patients: size.patients, Seed: 11,
		BedsPerWard: size.patients / size.wards, AsOf: time.Now().Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	if len(sum.Wards) != size.wards {
		b.Fatalf("the synthetic hospital has %d wards, want %d", len(sum.Wards), size.wards)
	}
	srv := fhirtest.Start(b, fhirtest.Options{}, files)
	dir := filepath.Join(b.TempDir(), "hub")
	if _, err := hub.Init(dir, hubPassphrase, "", 10); err != nil {
		b.Fatal(err)
	}
	h, err := hub.Open(dir, hubPassphrase)
	if err != nil {
		b.Fatal(err)
	}
	for i, w := range sum.Wards {
		if err := h.AddWard(w, fmt.Sprintf("W%d", i+1), time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	e := &hubEnv{size: size, srv: srv, hub: h, pub: filepath.Join(b.TempDir(), "publish"), wards: sum.Wards,
		ehr: &counter{base: http.DefaultTransport.(*http.Transport).Clone()}, pulse: make(chan struct{}, 1)}
	if err := os.MkdirAll(e.pub, 0o755); err != nil {
		b.Fatal(err)
	}

	// The hub's listener, as hub run wires it: the publication, enrolment
	// and the heartbeats (the board and /metrics, which nobody polls
	// here, are left out).
	reg := &hub.Registry{Hub: h}
	e.beats, _, err = readiness.Load(filepath.Join(dir, "fleet.json"), reg)
	if err != nil {
		b.Fatal(err)
	}
	mux := hub.Handler(h, e.pub, time.Now)
	mux.Handle("POST "+hub.HeartbeatPath, e.beats.Handler(time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := hub.NewServer(ln.Addr().String(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.served.Add(1)
		mux.ServeHTTP(w, r)
	}))
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { hs.Close() })
	e.url = "http://" + ln.Addr().String()

	client, err := rest.New(srv.URL, rest.Options{Transport: e.ehr})
	if err != nil {
		b.Fatal(err)
	}
	p := &live.Puller{Client: client}
	b.Cleanup(p.Close)
	e.runner = &hub.Runner{Hub: h, Publisher: &hub.Publisher{Hub: h, Dir: e.pub}, Puller: p, Every: size.every,
		Pulled: e.pulled}

	// The kiosks' data folders and keys (scrypt 2^10), made ahead.
	last := size.kiosks[len(size.kiosks)-1]
	e.vaults = make([]storetest.Vault, last)
	parallel(b, last, 2, func(i int) error {
		v, err := storetest.InitVault(filepath.Join(b.TempDir(), "kiosk"), 10)
		e.vaults[i] = v
		return err
	})
	return e
}

// parallel runs fn(0..n-1) on workers goroutines and fails b at the
// first error.
func parallel(b *testing.B, n, workers int, fn func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && errs[w] == nil; i = int(next.Add(1) - 1) {
				errs[w] = fn(i)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
}

func (e *hubEnv) pulled(start time.Time, took time.Duration, err error) {
	e.mu.Lock()
	e.pulls = append(e.pulls, pullRecord{start: start, took: took, err: err, ehr: e.ehr.n.Load(), served: e.served.Load()})
	e.mu.Unlock()
	select {
	case e.pulse <- struct{}{}:
	default:
	}
}

func (e *hubEnv) pullsSoFar() []pullRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.pulls)
}

// waitPulls waits until n pulls have ended and returns them; a pull that
// failed fails b.
func (e *hubEnv) waitPulls(b *testing.B, n int) []pullRecord {
	b.Helper()
	deadline := time.After(time.Duration(n+2)*(e.size.every+2*time.Minute) + 5*time.Minute)
	for {
		ps := e.pullsSoFar()
		for _, p := range ps {
			if p.err != nil {
				b.Fatalf("the hub's pull of %s failed: %v", p.start.Format(time.TimeOnly), p.err)
			}
		}
		if len(ps) >= n {
			return ps
		}
		select {
		case <-e.pulse:
		case <-deadline:
			b.Fatalf("the hub made %d pulls, waiting for %d", len(ps), n)
		}
	}
}

// start starts the EHR's own activity and the hub (hub run --every),
// and waits for the hub's first pull (a full one).
func (e *hubEnv) start(b *testing.B) {
	b.Helper()
	e.loops = newKioskLoops(e)
	var ctx context.Context
	ctx, e.stopWrites = context.WithCancel(context.Background())
	e.writesDone = make(chan struct{})
	go e.writeEHR(ctx)
	ctx, e.stopHub = context.WithCancel(context.Background())
	e.hubDone = make(chan struct{})
	go func() {
		defer close(e.hubDone)
		_ = e.runner.Run(ctx)
	}()
	b.Cleanup(e.stop)
	e.waitPulls(b, 1)
}

// stop stops the kiosks, the EHR's writes and the hub.
func (e *hubEnv) stop() {
	if e.loops != nil {
		e.loops.stop()
	}
	if e.stopWrites != nil {
		e.stopWrites()
		<-e.writesDone
		e.stopWrites = nil
	}
	if e.stopHub != nil {
		e.stopHub()
		<-e.hubDone
		e.stopHub = nil
	}
}

// writeEHR is the EHR's own activity: every interval, some patients get
// a new heart rate, written through the FHIR API by a client of its own
// (not counted as the hub's requests).
func (e *hubEnv) writeEHR(ctx context.Context) {
	defer close(e.writesDone)
	client := &http.Client{Timeout: time.Minute}
	t := time.NewTicker(e.size.every)
	defer t.Stop()
	for round := 0; ; round++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for k := range e.size.changed {
			if err := putHeartRate(ctx, client, e.srv.URL, fmt.Sprintf("hub-bench-%d-%d", round, k), 1+rand.IntN(e.size.patients)); err != nil && ctx.Err() == nil {
				e.writeErrs.Add(1)
			}
		}
	}
}

// putHeartRate writes a new heart rate of patient n as the EHR would.
func putHeartRate(ctx context.Context, client *http.Client, base, id string, n int) error {
	obs, err := json.Marshal(map[string]any{"resourceType": "Observation", "id": id, "status": "final",
		"code": map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": "8867-4"}}},
		"category": []any{map[string]any{"coding": []any{map[string]any{
			"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}}}},
		"subject":           map[string]any{"reference": fmt.Sprintf("Patient/pat-%06d", n)},
		"effectiveDateTime": time.Now().UTC().Format(time.RFC3339),
		"valueQuantity":     map[string]any{"value": 60 + rand.IntN(40), "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/Observation/"+id, strings.NewReader(string(obs)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("writing an observation: HTTP %d", resp.StatusCode)
	}
	return nil
}

// peerFigures is what a kiosk pulling its own ward from the EHR asks,
// measured on a few kiosks.
type peerFigures struct {
	kiosks      int
	fullReq     float64       // requests of a kiosk's first (full) pull, mean
	refreshReq  float64       // requests of a refresh, mean
	refreshTook time.Duration // the median
	said        string        // every pull's count and every refresh's time
}

// perMinute is what n kiosks refreshing every interval ask of the EHR in
// a minute: a refresh every interval after the last one ended, as the
// live sync's loop waits.
func (p peerFigures) perMinute(n int, every time.Duration) float64 {
	return float64(n) * p.refreshReq * float64(time.Minute) / float64(every+p.refreshTook)
}

// measurePeers pulls a few wards as today's kiosks do, each with its own
// live.Puller against the EHR: a full pull, then, after the EHR changed,
// two refreshes, counting every request.
func (e *hubEnv) measurePeers(b *testing.B) peerFigures {
	b.Helper()
	ctx := context.Background()
	c := &counter{base: http.DefaultTransport.(*http.Transport).Clone()}
	client, err := rest.New(e.srv.URL, rest.Options{Transport: c})
	if err != nil {
		b.Fatal(err)
	}
	writer := &http.Client{Timeout: time.Minute}
	var full, refresh []int64
	var took []time.Duration
	for i := range e.size.peers {
		ward := e.wards[i*(len(e.wards)-1)/max(1, e.size.peers-1)]
		v := storetest.NewVault(b)
		p := &live.Puller{Client: client, Census: live.Census{Ward: ward}, Dir: v.Dir, Keys: v.Keys}
		before := c.n.Load()
		if _, err := p.Step(ctx); err != nil {
			b.Fatalf("a kiosk's own pull of %s: %v", ward, err)
		}
		full = append(full, c.n.Load()-before)
		for r := range 2 {
			for k := range e.size.changed {
				if err := putHeartRate(ctx, writer, e.srv.URL, fmt.Sprintf("peer-bench-%d-%d-%d", i, r, k), 1+rand.IntN(e.size.patients)); err != nil {
					b.Fatal(err)
				}
			}
			before, start := c.n.Load(), time.Now()
			res, err := p.Step(ctx)
			if err != nil {
				b.Fatalf("a kiosk's own refresh of %s: %v", ward, err)
			}
			if res.Full {
				b.Fatalf("a kiosk's second pull of %s was a full one", ward)
			}
			took = append(took, time.Since(start))
			refresh = append(refresh, c.n.Load()-before)
		}
		p.Close()
	}
	mean := func(xs []int64) float64 {
		s := int64(0)
		for _, x := range xs {
			s += x
		}
		return float64(s) / float64(len(xs))
	}
	slices.Sort(took)
	return peerFigures{kiosks: e.size.peers, fullReq: mean(full), refreshReq: mean(refresh), refreshTook: took[len(took)/2],
		said: fmt.Sprintf("today's peer, kiosks' own pulls of their wards: full %v requests, refreshes %v requests taking %v", full, refresh, took)}
}

// enrolTo enrols kiosks until n are, spread over the wards in turn, and
// starts their subscription loops.
func (e *hubEnv) enrolTo(b *testing.B, n int) {
	b.Helper()
	from := len(e.kiosks)
	if n <= from {
		return
	}
	added := make([]*simKiosk, n-from)
	parallel(b, n-from, 4, func(i int) error {
		v := e.vaults[from+i]
		ward := e.wards[(from+i)%len(e.wards)]
		code, err := e.hub.NewCode(ward, time.Now())
		if err != nil {
			return err
		}
		k := newSimKiosk(v, e.url)
		pin, err := hub.Enrol(context.Background(), v.Dir, v.Keys, e.url, code, k.client, time.Now())
		if err != nil {
			return fmt.Errorf("enrolling kiosk %d: %w", from+i, err)
		}
		k.pin = pin
		added[i] = k
		return nil
	})
	e.mu.Lock()
	e.kiosks = append(e.kiosks, added...)
	e.mu.Unlock()
	e.loops.add(added)
}

// requests counts the hub's EHR requests over two whole pull cycles
// with n kiosks enrolled and subscribed: the first two pulls that start
// after they are, over the two intervals they take.
func (e *hubEnv) requests(b *testing.B, n int, peer peerFigures) {
	e.loops.setEvery(e.size.every)
	e.enrolTo(b, n)
	enrolled := time.Now()
	e.loops.resetStats()
	j := 0
	for {
		ps := e.waitPulls(b, len(e.pullsSoFar())+1)
		j = slices.IndexFunc(ps, func(p pullRecord) bool { return !p.start.Before(enrolled) })
		if j > 0 && len(ps) >= j+2 {
			break
		}
	}
	ps := e.pullsSoFar()
	from, to := ps[j-1], ps[j+1]
	// The requests of pulls j and j+1 (counted from the end of the one
	// before to the end of the second) over the two intervals they take:
	// from the start of the one before to the start of the second.
	minutes := to.start.Sub(from.start).Minutes()
	b.ReportMetric(float64(to.ehr-from.ehr)/minutes, "ehr-req/min")
	b.ReportMetric(float64(to.ehr-from.ehr)/2, "req/pull")
	b.ReportMetric(ps[j].took.Seconds(), "pull1-s") // wards whose kiosks changed are sealed whole
	b.ReportMetric(ps[j+1].took.Seconds(), "pull2-s")
	b.ReportMetric(float64(to.served-from.served)/minutes, "hub-served/min")
	b.ReportMetric(float64(ps[0].ehr), "full-req")
	b.ReportMetric(peer.perMinute(n, e.size.every), "peer-req/min")
	b.ReportMetric(peer.refreshReq, "peer-req/refresh")
	b.ReportMetric(peer.refreshTook.Seconds(), "peer-refresh-s")
	b.ReportMetric(peer.fullReq, "peer-full-req")
	b.ReportMetric(float64(peer.kiosks), "peer-kiosks")
	b.Log(peer.said)
	b.ReportMetric(float64(n), "kiosks")
	b.ReportMetric(e.size.every.Seconds(), "every-s")
	benchenv.ReportLoad(b)
	e.loops.report(b)
}

// latency times every index request of n kiosks polling every poll
// interval for latencyFor, and the same request to nginx and to a plain
// net/http file server serving the same folder.
func (e *hubEnv) latency(b *testing.B, n int) {
	e.enrolTo(b, n)
	peers := map[string]string{"floor": fileServer(b, e.pub)}
	if nginxBin() != "" {
		peers["nginx"] = nginx(b, e.pub)
	} else {
		b.Log("nginx is not installed: no peer column (make test-deps installs it)")
	}
	e.loops.setPeers(peers)
	e.loops.setEvery(e.size.poll)
	// The kiosks' new phases are all taken before the clock starts.
	time.Sleep(e.size.poll + 2*time.Second)
	e.loops.resetStats()
	e.loops.record(true)
	time.Sleep(e.size.latencyFor)
	e.loops.record(false)
	e.loops.setPeers(nil)
	lat := e.loops.latencies()
	hubs := lat["hub"]
	if len(hubs) == 0 {
		b.Fatal("no index request was timed")
	}
	b.ReportMetric(float64(len(hubs)), "requests")
	b.ReportMetric(pct(hubs, 50), "p50-ms")
	b.ReportMetric(pct(hubs, 99), "p99-ms")
	b.ReportMetric(pct(hubs, 100), "max-ms")
	if xs := lat["nginx"]; len(xs) > 0 {
		b.ReportMetric(pct(xs, 50), "nginx-p50-ms")
		b.ReportMetric(pct(xs, 99), "nginx-p99-ms")
		b.ReportMetric(pct(xs, 100), "nginx-max-ms")
	}
	if xs := lat["floor"]; len(xs) > 0 {
		b.ReportMetric(pct(xs, 50), "floor-p50-ms")
		b.ReportMetric(pct(xs, 99), "floor-p99-ms")
		b.ReportMetric(pct(xs, 100), "floor-max-ms")
	}
	if xs := lat["beat"]; len(xs) > 0 {
		b.ReportMetric(pct(xs, 99), "beat-p99-ms")
	}
	b.ReportMetric(100*float64(e.loops.notModified.Load())/float64(len(hubs)), "304-%")
	b.ReportMetric(float64(n), "kiosks")
	b.ReportMetric(e.size.poll.Seconds(), "every-s")
	b.ReportMetric(e.size.latencyFor.Seconds(), "for-s")
	benchenv.ReportLoad(b)
	e.loops.report(b)
}

// dataAge runs the hub and the kiosks at their intervals for steadyFor
// and a random part of the hub's cycle, kills the EHR, and reads every
// kiosk's data age at that moment; it also reads them every second before.
func (e *hubEnv) dataAge(b *testing.B, n int) {
	e.enrolTo(b, n)
	e.loops.setEvery(e.size.poll)
	e.loops.resetStats()
	kill := time.Now().Add(e.size.steadyFor + rand.N(e.size.every))
	// Sampling starts once every kiosk has stepped at its new phase.
	sampleFrom := time.Now().Add(e.size.poll + 5*time.Second)
	var sampled []float64
	worst := 0.0
	t := time.NewTicker(time.Second)
	for now := range t.C {
		if !now.Before(kill) {
			break
		}
		if now.Before(sampleFrom) {
			continue
		}
		ages := e.loops.ages(now)
		sampled = append(sampled, ages...)
		worst = max(worst, pct(ages, 99))
	}
	t.Stop()
	// The EHR dies; what each kiosk holds at that moment is its data age.
	killedAt := time.Now()
	e.stopWrites()
	<-e.writesDone
	e.stopWrites = nil
	e.srv.Kill()
	ages := e.loops.ages(killedAt)
	held := e.loops.held()
	e.loops.stop()
	if len(ages) != n {
		b.Fatalf("%d of %d kiosks held data when the EHR was killed", len(ages), n)
	}
	// What the kiosks recorded is what their vaults hold: the newest good
	// generation there is at least as new.
	parallel(b, len(e.kiosks), 2, func(i int) error {
		k := e.kiosks[i]
		_, gens, err := store.Inspect(k.dir)
		if err != nil {
			return err
		}
		var newest time.Time
		for _, g := range gens {
			if g.Good && g.Manifest.AsOf.After(newest) {
				newest = g.Manifest.AsOf
			}
		}
		if newest.Before(held[k]) {
			return fmt.Errorf("kiosk %d holds data of %v, not %v as it said", i, newest, held[k])
		}
		return nil
	})
	var took []float64
	for _, p := range e.pullsSoFar()[1:] {
		if p.err == nil {
			took = append(took, p.took.Seconds()*1000)
		}
	}
	b.ReportMetric(pct(ages, 50)/1000, "p50-s")
	b.ReportMetric(pct(ages, 99)/1000, "p99-s")
	b.ReportMetric(pct(ages, 100)/1000, "max-s")
	b.ReportMetric(pct(sampled, 99)/1000, "sampled-p99-s")
	b.ReportMetric(pct(sampled, 100)/1000, "sampled-max-s")
	b.ReportMetric(worst/1000, "worst-p99-s")
	b.ReportMetric(float64(len(sampled)/max(1, n)), "samples")
	b.ReportMetric(pct(took, 50)/1000, "pull-s")
	b.ReportMetric(float64(n), "kiosks")
	b.ReportMetric(float64(len(e.wards)), "wards")
	b.ReportMetric(e.size.poll.Seconds(), "every-s")
	b.ReportMetric(e.size.every.Seconds(), "hub-every-s")
	benchenv.ReportLoad(b)
	e.loops.report(b)
}

// pct is the p-th percentile of xs (nearest rank), in the unit of xs.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// fileServer is the floor of the index latency: net/http's FileServer
// over the publication, with an ETag as the hub gives, on 127.0.0.1.
func fileServer(b *testing.B, folder string) string {
	b.Helper()
	fs := http.FileServer(http.Dir(folder))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st, err := os.Stat(filepath.Join(folder, filepath.FromSlash(r.URL.Path))); err == nil {
			w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, st.Size(), st.ModTime().UnixNano()))
		}
		fs.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// simKiosk is a kiosk subscribed to the hub, as lifeboat snapshot --hub
// runs one: its own data folder, keys and connections.
type simKiosk struct {
	dir    string
	keys   *store.Keys
	client *http.Client
	timing *timing
	sub    *hub.Subscriber
	beat   *hub.Beater
	pin    *store.HubPin

	lastBeat time.Time
	etags    map[string]string // the peers' ETags of the index
}

func newSimKiosk(v storetest.Vault, url string) *simKiosk {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tm := &timing{base: tr}
	k := &simKiosk{dir: v.Dir, keys: v.Keys, timing: tm, client: &http.Client{Transport: tm, Timeout: time.Minute},
		etags: map[string]string{}}
	k.sub = &hub.Subscriber{Dir: v.Dir, Keys: v.Keys, Source: url, Client: k.client}
	k.beat = &hub.Beater{Dir: v.Dir, Keys: v.Keys, Version: "bench"}
	return k
}

// timing is a kiosk's transport: while its loops record, it times each
// request to the index (until its body is read) and each heartbeat.
type timing struct {
	base  http.RoundTripper
	loops atomic.Pointer[kioskLoops]
}

func (t *timing) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	l := t.loops.Load()
	if err != nil || l == nil || !l.recording.Load() {
		return resp, err
	}
	kind := ""
	switch {
	case strings.HasSuffix(req.URL.Path, "/index.json"):
		kind = "hub"
		if resp.StatusCode == http.StatusNotModified {
			l.notModified.Add(1)
		}
	case strings.HasSuffix(req.URL.Path, hub.HeartbeatPath):
		kind = "beat"
	default:
		return resp, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func() { l.timed(kind, time.Since(start)) }}
	return resp, err
}

// timedBody tells when the body is read to its end or closed, once.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (t *timedBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if err != nil {
		t.once.Do(t.done)
	}
	return n, err
}

func (t *timedBody) Close() error {
	t.once.Do(t.done)
	return t.ReadCloser.Close()
}

// kioskLoops runs the kiosks' subscription loops: each steps and sends
// its heartbeat every interval, as the CLI does; a new interval restarts
// every loop at a random phase.
type kioskLoops struct {
	e           *hubEnv
	recording   atomic.Bool
	notModified atomic.Int64 // index requests answered 304 while recording

	mu     sync.Mutex
	every  time.Duration
	peers  map[string]string // name → URL of a server the index is also asked of
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	asOf   map[*simKiosk]time.Time // the data time of the newest generation each kiosk holds
	lat    map[string][]float64    // milliseconds, by server
	errs   map[string]int
	steps  int
}

func newKioskLoops(e *hubEnv) *kioskLoops {
	l := &kioskLoops{e: e, every: e.size.every, asOf: map[*simKiosk]time.Time{}, lat: map[string][]float64{}, errs: map[string]int{}}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l
}

// add starts the loops of kiosks just enrolled.
func (l *kioskLoops) add(ks []*simKiosk) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range ks {
		k.timing.loops.Store(l)
		l.wg.Go(func() { l.run(l.ctx, k, l.every) })
	}
}

// setEvery changes the kiosks' interval: every loop starts again at a
// random phase of the new one.
func (l *kioskLoops) setEvery(d time.Duration) {
	l.mu.Lock()
	if l.every == d {
		l.mu.Unlock()
		return
	}
	l.cancel()
	l.mu.Unlock()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.every = d
	l.ctx, l.cancel = context.WithCancel(context.Background())
	for _, k := range l.e.kiosks {
		l.wg.Go(func() { l.run(l.ctx, k, d) })
	}
}

func (l *kioskLoops) setPeers(p map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.peers = p
}

func (l *kioskLoops) stop() {
	l.mu.Lock()
	l.cancel()
	l.mu.Unlock()
	l.wg.Wait()
}

func (l *kioskLoops) record(on bool) { l.recording.Store(on) }

// timed keeps one request's time, while recording.
func (l *kioskLoops) timed(server string, d time.Duration) {
	if !l.recording.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lat[server] = append(l.lat[server], float64(d)/float64(time.Millisecond))
}

func (l *kioskLoops) resetStats() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lat, l.errs, l.steps = map[string][]float64{}, map[string]int{}, 0
	l.notModified.Store(0)
}

func (l *kioskLoops) latencies() map[string][]float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lat
}

// ages is every kiosk's data age at now, in milliseconds: now minus the
// data time of the newest generation it holds.
func (l *kioskLoops) ages(now time.Time) []float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]float64, 0, len(l.asOf))
	for _, at := range l.asOf {
		out = append(out, float64(now.Sub(at))/float64(time.Millisecond))
	}
	return out
}

func (l *kioskLoops) held() map[*simKiosk]time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.asOf)
}

// report says the kiosks' steps and failures since resetStats.
func (l *kioskLoops) report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	failed := 0
	for msg, n := range l.errs {
		b.Logf("%d× %s", n, msg)
		failed += n
	}
	b.ReportMetric(float64(l.steps), "kiosk-steps")
	b.ReportMetric(float64(failed), "kiosk-errors")
}

// run is one kiosk's loop.
func (l *kioskLoops) run(ctx context.Context, k *simKiosk, every time.Duration) {
	// A random phase, and never a heartbeat within MinBeat of its last
	// (the hub would refuse it: a kiosk's loop restarted is not one).
	wait := rand.N(every)
	if since := time.Since(k.lastBeat); since < readiness.MinBeat+time.Second {
		wait = max(wait, readiness.MinBeat+time.Second-since)
	}
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		started := time.Now()
		l.step(ctx, k)
		wait = max(every-time.Since(started), 0) // steps start every interval, as the CLI's do
	}
}

// step is one subscription step of a kiosk, as lifeboat snapshot --hub
// makes it, then the peers' index request when they are measured.
func (l *kioskLoops) step(ctx context.Context, k *simKiosk) {
	up, err := k.sub.Step(ctx)
	if ctx.Err() != nil {
		return
	}
	k.beat.Received(up)
	herr := k.beat.Send(ctx, k.client, k.sub.Source, k.beat.Heartbeat(ctx, k.pin))
	k.lastBeat = time.Now()
	l.mu.Lock()
	l.steps++
	if err != nil {
		l.errs[sentenceOf(err)]++
	}
	if herr != nil && ctx.Err() == nil {
		l.errs["heartbeat: "+sentenceOf(herr)]++
	}
	if err == nil && up.Generation > 0 {
		l.asOf[k] = up.AsOf
	}
	peers := l.peers
	l.mu.Unlock()
	names := make([]string, 0, len(peers))
	for name, url := range peers {
		if url != "" {
			names = append(names, name)
		}
	}
	rand.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, name := range names {
		start := time.Now()
		err := k.getIndex(ctx, name, peers[name])
		if ctx.Err() != nil {
			return
		}
		if took := time.Since(start); err != nil {
			l.mu.Lock()
			l.errs[name+": "+err.Error()]++
			l.mu.Unlock()
		} else {
			l.timed(name, took)
		}
	}
}

// getIndex is the kiosk's conditional GET of the index from a peer
// serving the same folder, its body read to the end.
func (k *simKiosk) getIndex(ctx context.Context, name, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/index.json", nil)
	if err != nil {
		return err
	}
	if tag := k.etags[name]; tag != "" {
		req.Header.Set("If-None-Match", tag)
	}
	resp, err := k.timing.base.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		k.etags[name] = resp.Header.Get("ETag")
	case http.StatusNotModified:
	default:
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

func sentenceOf(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 && len(s) > 120 {
		s = s[:i]
	}
	return s
}
