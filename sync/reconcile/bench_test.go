package reconcile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"lifeboat/clinical"
	"lifeboat/internal/benchenv"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/rest"
	"lifeboat/sync/synthetic"
)

// bundleRecorder keeps the body of every transaction a run posts.
type bundleRecorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (r *bundleRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// postAll is the floor: the same transaction Bundles posted one after the
// other by a bare HTTP loop, answers read and thrown away.
func postAll(b *testing.B, base string, bodies [][]byte) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	for _, body := range bodies {
		resp, err := hc.Post(base, "application/fhir+json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("the floor's transaction answered %d: %.300s", resp.StatusCode, answer)
		}
	}
}

// benchOrder is an order of the synthetic ward a dose can be given on.
type benchOrder struct{ id, patient, version, name string }

func benchOrders(b *testing.B, dir string) []benchOrder {
	f, err := os.Open(filepath.Join(dir, "MedicationRequest.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []benchOrder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var mr struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Meta   struct {
				VersionID string `json:"versionId"`
			} `json:"meta"`
			Subject struct {
				Reference string `json:"reference"`
			} `json:"subject"`
			Med struct {
				Text string `json:"text"`
			} `json:"medicationCodeableConcept"`
		}
		if err := json.Unmarshal(sc.Bytes(), &mr); err != nil {
			b.Fatal(err)
		}
		if mr.Status == "active" {
			out = append(out, benchOrder{mr.ID, mr.Subject.Reference[len("Patient/"):], mr.Meta.VersionID, mr.Med.Text})
		}
	}
	return out
}

// BenchmarkReconcile reconciles a journal of downtime entries (40% doses,
// 30% vital signs, 30% notes) from a 40-patient ward into a fresh local
// Medplum server, then posts the very same transaction Bundles by a bare
// HTTP loop into another fresh server: the floor. It runs journals of 500,
// 2,000 and 10,000 entries (the last some 35 minutes, and its floor as
// long); LIFEBOAT_BENCH_ENTRIES=500,2000 runs those counts instead. The
// metrics are both times, their ratio and the load average.
func BenchmarkReconcile(b *testing.B) {
	for _, n := range benchCounts(b, "LIFEBOAT_BENCH_ENTRIES", 500, 2000, 10000) {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { reconcileBench(b, n) })
	}
}

// benchCounts is the entry counts a benchmark runs: those of the
// environment variable env (a comma list), or else counts.
func benchCounts(b *testing.B, env string, counts ...int) []int {
	s := os.Getenv(env)
	if s == "" {
		return counts
	}
	counts = nil
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("%s=%q is not a list of entry counts", env, s)
		}
		counts = append(counts, n)
	}
	return counts
}

func reconcileBench(b *testing.B, n int) {
	ctx := context.Background()
	bj := newBenchJournal(b, n)
	var run, floor time.Duration
	for i := range b.N {
		// A fresh journal (every entry pending) and a fresh server each time.
		jj := bj.fresh(b, i)
		srv := fhirtest.Start(b, fhirtest.Options{}, bj.ndjson)
		rec := &bundleRecorder{}
		client, err := rest.New(srv.URL, rest.Options{Transport: rec, Timeout: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		run += timedRun(ctx, b, &Reconciler{Client: client, Journal: jj, Batch: 8}, n)
		jj.Close()
		srv.Stop()

		srv2 := fhirtest.Start(b, fhirtest.Options{}, bj.ndjson)
		start := time.Now()
		postAll(b, srv2.URL, rec.bodies)
		floor += time.Since(start)
		srv2.Stop()
	}
	b.ReportMetric(run.Seconds()/float64(b.N), "s/run")
	b.ReportMetric(floor.Seconds()/float64(b.N), "s/floor")
	b.ReportMetric(float64(run)/float64(floor), "ratio")
	benchenv.ReportLoad(b)
}

// hubKiosks is how many kiosks' journals BenchmarkReconcileHub reconciles.
const hubKiosks = 40

// BenchmarkReconcileHub is BenchmarkReconcile for the hospital: the same
// entries, spread over the journals of 40 kiosks (each order's doses on
// one kiosk, so that none is the same dose recorded on two), each handed
// in to its mirror at the hub (store.Mirror), then reconciled as one into
// a fresh local Medplum server: the 40 mirrors and the hub's journal of
// decisions opened with IT's recovery key and read as store.Journals, as
// hub.OpenHospital opens them for reconcile --hub. The run's time
// includes opening the 41 journals. The floor posts the very same
// transaction Bundles by a bare HTTP loop into another fresh server. It
// runs 10,000 entries (over an hour with its floor);
// LIFEBOAT_BENCH_HUB_ENTRIES=500,2000 runs those counts instead.
func BenchmarkReconcileHub(b *testing.B) {
	for _, n := range benchCounts(b, "LIFEBOAT_BENCH_HUB_ENTRIES", 10000) {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) { reconcileHubBench(b, n) })
	}
}

func reconcileHubBench(b *testing.B, n int) {
	b.StopTimer() // only the runs are timed
	ctx := context.Background()
	hb := newHubBench(b, n)
	var run, floor, opening time.Duration
	for i := range b.N {
		// A fresh copy of the hub's folder (every entry pending) and a
		// fresh server each time.
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		copyTree(b, hb.dir, dir)
		srv := fhirtest.Start(b, fhirtest.Options{}, hb.ndjson)
		rec := &bundleRecorder{}
		client, err := rest.New(srv.URL, rest.Options{Transport: rec, Timeout: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		js := hb.open(ctx, b, dir)
		opened := time.Since(start)
		res, err := (&Reconciler{Client: client, Journal: js, Batch: 8}).Run(ctx)
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != n {
			b.Fatalf("created %d of %d entries (%v)", res.Created, n, res.Plan.Count)
		}
		run += took
		opening += opened
		js.Close()
		srv.Stop()

		srv2 := fhirtest.Start(b, fhirtest.Options{}, hb.ndjson)
		start = time.Now()
		postAll(b, srv2.URL, rec.bodies)
		floor += time.Since(start)
		srv2.Stop()
	}
	b.ReportMetric(run.Seconds()/float64(b.N), "s/run")
	b.ReportMetric(opening.Seconds()/float64(b.N), "s/open")
	b.ReportMetric(floor.Seconds()/float64(b.N), "s/floor")
	b.ReportMetric(float64(run)/float64(floor), "ratio")
	b.ReportMetric(hubKiosks, "kiosks")
	benchenv.ReportLoad(b)
}

// hubBench is a hub's folder as BenchmarkReconcileHub starts from: the
// mirrors of 40 kiosks' journals under kiosks/, handed in whole, and the
// hub's own folder (hub/), whose journal takes decisions.
type hubBench struct {
	ndjson   string // the ward, a folder of NDJSON
	dir      string
	identity string // IT's recovery identity
}

func newHubBench(b *testing.B, n int) *hubBench {
	ctx := context.Background()
	ndjson := filepath.Join(b.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(ndjson, synthetic.Options{Patients: 40, Seed: 11, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		b.Fatal(err)
	}
	orders := benchOrders(b, ndjson)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		b.Fatal(err)
	}
	recovery := id.Recipient().String()
	kiosks := make([]*store.Journal, hubKiosks)
	dirs := make([]string, hubKiosks)
	for k := range kiosks {
		dirs[k] = b.TempDir()
		if _, err := store.Init(dirs[k], storetest.Passphrase, store.InitOptions{Recovery: recovery, WorkFactor: 10}); err != nil {
			b.Fatal(err)
		}
		keys, err := store.Unlock(dirs[k], storetest.Passphrase)
		if err != nil {
			b.Fatal(err)
		}
		if kiosks[k], err = store.OpenJournal(ctx, dirs[k], keys); err != nil {
			b.Fatal(err)
		}
	}
	at := time.Now().Add(-time.Hour)
	batches := make([][]clinical.Entry, hubKiosks)
	record := func(k int) {
		if err := kiosks[k].Record(ctx, batches[k]...); err != nil {
			b.Fatal(err)
		}
		batches[k] = batches[k][:0]
	}
	for i := range n {
		// An order's doses are all on one kiosk.
		k := i % len(orders) % hubKiosks
		e := benchEntry(i, orders[i%len(orders)], at)
		if err := kiosks[k].Stamp(&e, "RN Bench", time.Now()); err != nil {
			b.Fatal(err)
		}
		if batches[k] = append(batches[k], e); len(batches[k]) == 100 {
			record(k)
		}
	}
	hb := &hubBench{ndjson: ndjson, dir: filepath.Join(b.TempDir(), "hub"), identity: id.String()}
	for k, j := range kiosks {
		if len(batches[k]) > 0 {
			record(k)
		}
		if err := j.Close(); err != nil {
			b.Fatal(err)
		}
		handInWhole(b, dirs[k], filepath.Join(hb.dir, "kiosks"))
	}
	if _, err := store.Init(filepath.Join(hb.dir, "hub"), "hub passphrase 9Z", store.InitOptions{Recovery: recovery, WorkFactor: 10}); err != nil {
		b.Fatal(err)
	}
	return hb
}

// handInWhole hands the kiosk folder dir in to its mirror under mirrors,
// batch by batch, as the hub keeps it.
func handInWhole(b *testing.B, dir, mirrors string) {
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		b.Fatal(err)
	}
	h, err := store.ReadHandIn(ctx, dir, store.Position{})
	if err != nil {
		b.Fatal(err)
	}
	_, cfg, err := h.Signer()
	if err != nil {
		b.Fatal(err)
	}
	m, err := store.OpenMirror(filepath.Join(mirrors, cfg.KioskID), raw)
	if err != nil {
		b.Fatal(err)
	}
	for {
		r, err := m.Put(ctx, h)
		if err != nil {
			b.Fatal(err)
		}
		if h.Last() {
			return
		}
		if h, err = store.ReadHandIn(ctx, dir, r.Position); err != nil {
			b.Fatal(err)
		}
	}
}

// open opens the hub's folder at dir as reconcile --hub does: every
// kiosk's mirror and the hub's journal with IT's recovery key, as one.
func (hb *hubBench) open(ctx context.Context, b *testing.B, dir string) *store.Journals {
	mirrors, err := os.ReadDir(filepath.Join(dir, "kiosks"))
	if err != nil {
		b.Fatal(err)
	}
	openOne := func(dir string) *store.Journal {
		keys, err := store.UnlockRecovery(dir, hb.identity)
		if err != nil {
			b.Fatal(err)
		}
		j, err := store.OpenJournal(ctx, dir, keys)
		if err != nil {
			b.Fatal(err)
		}
		return j
	}
	var js []*store.Journal
	for _, m := range mirrors {
		js = append(js, openOne(filepath.Join(dir, "kiosks", m.Name())))
	}
	return store.NewJournals(openOne(filepath.Join(dir, "hub")), js...)
}

// copyTree copies the regular files under from to to.
func copyTree(b *testing.B, from, to string) {
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o600)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// slowCreate is how long the slow server of BenchmarkReconcileSlowServer
// takes per conditional create.
const slowCreate = 2 * time.Second

// BenchmarkReconcileSlowServer reconciles a journal of 100 entries (as
// BenchmarkReconcile's) with the default settings (--batch 50, a 60 s
// timeout) through a proxy on 127.0.0.1 that holds each transaction 2 s
// per conditional create it carries before forwarding it to a fresh local
// Medplum server: the slow server after an outage, which takes
// some 5 s per conditional create. The floor posts the very same Bundles
// one at a time by a bare HTTP loop through the same kind of proxy into
// another fresh server. The metrics are both times, their ratio, and how
// many Bundles the run sent. LIFEBOAT_BENCH_SLOW_ENTRIES changes the count
// (the issue asks for 500: over an hour for run and floor).
func BenchmarkReconcileSlowServer(b *testing.B) {
	n := 100
	if s := os.Getenv("LIFEBOAT_BENCH_SLOW_ENTRIES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	bj := newBenchJournal(b, n)
	slow := func(bundle bool, creates int) time.Duration { return time.Duration(creates) * slowCreate }
	var run, floor time.Duration
	bundles := 0
	for i := range b.N {
		jj := bj.fresh(b, i)
		srv := fhirtest.Start(b, fhirtest.Options{}, bj.ndjson)
		proxy := newFaultProxy(b, srv.URL, uint64(i), 0)
		proxy.slowly(slow)
		rec := &bundleRecorder{}
		client, err := rest.New(proxy.URL, rest.Options{Transport: rec})
		if err != nil {
			b.Fatal(err)
		}
		run += timedRun(ctx, b, &Reconciler{Client: client, Journal: jj, Wait: 2 * time.Second}, n)
		bundles += len(rec.bodies)
		jj.Close()
		proxy.close()
		srv.Stop()

		srv2 := fhirtest.Start(b, fhirtest.Options{}, bj.ndjson)
		proxy2 := newFaultProxy(b, srv2.URL, uint64(i), 0)
		proxy2.slowly(slow)
		start := time.Now()
		postAll(b, proxy2.URL, rec.bodies)
		floor += time.Since(start)
		proxy2.close()
		srv2.Stop()
	}
	b.ReportMetric(run.Seconds()/float64(b.N), "s/run")
	b.ReportMetric(floor.Seconds()/float64(b.N), "s/floor")
	b.ReportMetric(float64(run)/float64(floor), "ratio")
	b.ReportMetric(float64(bundles)/float64(b.N), "bundles/run")
	b.ReportMetric(float64(n), "entries")
	benchenv.ReportLoad(b)
}

// benchJournal is a journal of n downtime entries (40% doses, 30% vital
// signs, 30% notes) on a synthetic 40-patient ward, kept as its files so
// that each iteration starts from a copy with every entry pending.
type benchJournal struct {
	ndjson  string // the ward, a folder of NDJSON
	dir     string // the vault the journal was made in
	journal []byte // its journal.db
	keys    *store.Keys
}

func newBenchJournal(b *testing.B, n int) *benchJournal {
	ctx := context.Background()
	ndjson := filepath.Join(b.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(ndjson, synthetic.Options{Patients: 40, Seed: 11, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		b.Fatal(err)
	}
	orders := benchOrders(b, ndjson)
	dir, _, j := testJournal(b)
	at := time.Now().Add(-time.Hour)
	var batch []clinical.Entry
	for i := range n {
		e := benchEntry(i, orders[i%len(orders)], at)
		if err := j.Stamp(&e, "RN Bench", time.Now()); err != nil {
			b.Fatal(err)
		}
		if batch = append(batch, e); len(batch) == 500 || i == n-1 {
			if err := j.Record(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	j.Close()
	journal, err := os.ReadFile(filepath.Join(dir, "journal.db"))
	if err != nil {
		b.Fatal(err)
	}
	keys, err := store.Unlock(dir, storetest.Passphrase)
	if err != nil {
		b.Fatal(err)
	}
	return &benchJournal{ndjson: ndjson, dir: dir, journal: journal, keys: keys}
}

// benchEntry is the benchmarks' entry i on order o: a dose (40%), vital
// signs (30%) or a note (30%), one second before the previous one.
func benchEntry(i int, o benchOrder, at time.Time) clinical.Entry {
	e := clinical.Entry{Patient: o.patient, ClinicalTime: at.Add(-time.Duration(i) * time.Second)}
	switch i % 10 {
	case 0, 1, 2, 3:
		e.Kind, e.BasedOn = clinical.KindMedication, []clinical.Version{{Type: "MedicationRequest", ID: o.id, VersionID: o.version}}
		e.Medication = &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: o.name, OrderID: o.id,
			Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Route: "oral"}
	case 4, 5, 6:
		e.Kind, e.Vitals = clinical.KindVitals, &clinical.VitalSigns{HeartRate: f(float64(60 + i%40)), SpO2: f(97)}
	default:
		e.Kind, e.Note = clinical.KindNote, &clinical.NursingNote{Text: fmt.Sprintf("Round %d: comfortable, no complaints.", i)}
	}
	return e
}

// fresh opens a copy of the journal, every entry pending, in a new vault
// folder; the caller closes it.
func (bj *benchJournal) fresh(b *testing.B, i int) *store.Journal {
	d := filepath.Join(b.TempDir(), strconv.Itoa(i))
	os.MkdirAll(d, 0o700)
	for _, name := range []string{"config.json", "keyring.age"} {
		data, _ := os.ReadFile(filepath.Join(bj.dir, name))
		os.WriteFile(filepath.Join(d, name), data, 0o600)
	}
	os.WriteFile(filepath.Join(d, "journal.db"), bj.journal, 0o600)
	jj, err := store.OpenJournal(context.Background(), d, bj.keys)
	if err != nil {
		b.Fatal(err)
	}
	return jj
}

// timedRun runs r with the benchmark's timer on, requires that it created
// all n entries, and returns how long it took.
func timedRun(ctx context.Context, b *testing.B, r *Reconciler, n int) time.Duration {
	b.Helper()
	b.StartTimer()
	start := time.Now()
	res, err := r.Run(ctx)
	took := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Created != n {
		b.Fatalf("created %d of %d entries (%v)", res.Created, n, res.Plan.Count)
	}
	return took
}
