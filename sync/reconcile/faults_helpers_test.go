package reconcile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/rest"
)

// Helpers of the exactly-once tests (faults_test.go, slow_test.go): a
// downtime scenario on the ward of testdata/faults (or vitals and notes on
// any ward), what each entry must become on the server, the checks, and a
// proxy that cuts connections or answers slowly.

const (
	faultWard    = "testdata/faults/ward.ndjson"
	faultBatch   = 4 // requests a Bundle carries at most: one or two entries, so that a run makes many Bundles
	faultSeedEnv = "LIFEBOAT_FAULT_SEED"
)

// faultSeed is the seed of a test's randomness: LIFEBOAT_FAULT_SEED when
// set (to replay a failure), else the clock. It is logged.
func faultSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(faultSeedEnv); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", faultSeedEnv, s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with %s=%d)", seed, faultSeedEnv, seed)
	return seed
}

// expected is what one entry must be once every run is over: the number
// of resources of each type on the server that carry its identifier (or,
// a Provenance, its tag), and the outcome the plan leaves it in when it
// waits for a person ("" when it must be in a final state).
type expected struct {
	entry   clinical.Entry
	counts  map[string]int
	waits   Outcome
	changes string // the Encounter a transfer changes (Type/id)
}

// faultScenario is one vault and journal with the entries of one
// downtime on the fault ward.
type faultScenario struct {
	dir     string
	keys    *store.Keys
	entries []expected
	before  map[string]int // the server's resource counts before the push
}

// clock hands out clinical times that only ever go forward, so that each
// transfer starts after the encounter's current location (set by the
// previous scenario's transfer) began.
type clock struct {
	mu   sync.Mutex
	next time.Time
}

func newClock() *clock { return &clock{next: time.Now().Add(-time.Hour).Truncate(time.Second)} }

func (c *clock) tick() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next = c.next.Add(time.Second)
	return c.next
}

// newFaultScenario makes a vault in a new temporary folder and records
// some 40 entries in its journal, in a random order: doses on active
// orders, vitals, notes, an allergy per patient to a substance no one
// recorded (one word, which no other allergy's names), two transfers (each making one Bundle entry a PUT with
// If-Match), plus a dose on an order stopped in the EHR (a conflict) and a
// downtime registration (to link). The journal is closed on return.
func newFaultScenario(t *testing.T, srv *fhirtest.Server, rng *rand.Rand, clk *clock, n int) *faultScenario {
	t.Helper()
	at := time.Now().Add(-50 * time.Minute).Truncate(time.Second)
	var todo []expected
	add := func(e clinical.Entry, counts map[string]int, waits Outcome) {
		todo = append(todo, expected{entry: e, counts: counts, waits: waits})
	}
	one := func(typ string) map[string]int { return map[string]int{typ: 1, "Provenance": 1} }
	for p := 1; p <= 4; p++ {
		pid := fmt.Sprintf("f%d", p)
		for _, o := range []struct {
			suffix, name string
			dose         clinical.Quantity
		}{{"a", "Paracetamol 1 g", clinical.Quantity{Value: 1, Unit: "g"}}, {"b", "Pantoprazole 40 mg", clinical.Quantity{Value: 40, Unit: "mg"}}} {
			order := fmt.Sprintf("fmr%d%s", p, o.suffix)
			for range 2 {
				q := o.dose
				add(clinical.Entry{Kind: clinical.KindMedication, Patient: pid, ClinicalTime: at,
					BasedOn:    []clinical.Version{v1("Patient", pid), v1("MedicationRequest", order)},
					Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: o.name, OrderID: order, Dose: &q, Route: "oral"}},
					one("MedicationAdministration"), "")
			}
		}
		add(clinical.Entry{Kind: clinical.KindVitals, Patient: pid, ClinicalTime: at, Vitals: &clinical.VitalSigns{HeartRate: f(float64(60 + rng.IntN(40)))}},
			one("Observation"), "")
		add(clinical.Entry{Kind: clinical.KindVitals, Patient: pid, ClinicalTime: at,
			Vitals: &clinical.VitalSigns{HeartRate: f(float64(60 + rng.IntN(40))), SpO2: f(float64(92 + rng.IntN(8)))}},
			map[string]int{"Observation": 2, "Provenance": 1}, "")
		for k := range 2 {
			add(clinical.Entry{Kind: clinical.KindNote, Patient: pid, ClinicalTime: at,
				Note: &clinical.NursingNote{Text: fmt.Sprintf("Synthetic note %d of scenario %d.", k+1, n)}}, one("DocumentReference"), "")
		}
		add(clinical.Entry{Kind: clinical.KindAllergy, Patient: pid, ClinicalTime: at,
			Allergy: &clinical.NewAllergy{Substance: fmt.Sprintf("Synthazol%dx%dx%d", n, p, rng.IntN(1_000_000)), Reaction: "rash", Severity: "mild"}},
			one("AllergyIntolerance"), "")
	}
	// Two transfers, of two patients that change with the scenario.
	for k := range 2 {
		pid := fmt.Sprintf("f%d", 1+(n*2+k)%4)
		add(clinical.Entry{Kind: clinical.KindTransfer, Patient: pid, ClinicalTime: clk.tick(),
			BasedOn: []clinical.Version{v1("Patient", pid)}, Transfer: &clinical.Transfer{Ward: "6A", Room: strconv.Itoa(600 + n), Bed: strconv.Itoa(k + 1)}},
			one("Encounter"), "")
		todo[len(todo)-1].changes = "Encounter/fe" + pid[1:]
	}
	add(clinical.Entry{Kind: clinical.KindMedication, Patient: "f1", ClinicalTime: at,
		BasedOn: []clinical.Version{v1("Patient", "f1"), v1("MedicationRequest", "fmr-stopped")},
		Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Ceftriaxone 2 g", OrderID: "fmr-stopped",
			Dose: &clinical.Quantity{Value: 2, Unit: "g"}, Route: "intravenous"}},
		map[string]int{"MedicationAdministration": 0, "Provenance": 0}, Conflict)
	add(clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at,
		Registration: &clinical.Registration{Family: "Synthetic", Given: fmt.Sprintf("Case%d", n), Sex: "female", BirthDate: "1980", BirthDateEstimated: true, Ward: "5C", Bed: "9"}},
		map[string]int{"Patient": 0, "Provenance": 0}, NeedsLink)

	return recordScenario(t, srv, rng, todo)
}

// newVitalsScenario records n entries, vital signs and notes, on the
// patients given (ids on the server), for the tests of a slow or busy
// server: their plan reads few resource types.
func newVitalsScenario(t testing.TB, srv *fhirtest.Server, rng *rand.Rand, patients []string, n int) *faultScenario {
	t.Helper()
	at := time.Now().Add(-50 * time.Minute).Truncate(time.Second)
	var todo []expected
	for i := range n {
		pid := patients[i%len(patients)]
		var x expected
		switch i % 3 {
		case 0:
			x = expected{entry: clinical.Entry{Kind: clinical.KindVitals, Patient: pid, ClinicalTime: at,
				Vitals: &clinical.VitalSigns{HeartRate: f(float64(60 + rng.IntN(40)))}},
				counts: map[string]int{"Observation": 1, "Provenance": 1}}
		case 1:
			x = expected{entry: clinical.Entry{Kind: clinical.KindVitals, Patient: pid, ClinicalTime: at,
				Vitals: &clinical.VitalSigns{HeartRate: f(float64(60 + rng.IntN(40))), SpO2: f(float64(92 + rng.IntN(8)))}},
				counts: map[string]int{"Observation": 2, "Provenance": 1}}
		default:
			x = expected{entry: clinical.Entry{Kind: clinical.KindNote, Patient: pid, ClinicalTime: at,
				Note: &clinical.NursingNote{Text: fmt.Sprintf("Synthetic note %d, %d.", i, rng.IntN(1_000_000))}},
				counts: map[string]int{"DocumentReference": 1, "Provenance": 1}}
		}
		todo = append(todo, x)
	}
	return recordScenario(t, srv, rng, todo)
}

// recordScenario makes a vault in a new temporary folder and records the
// entries in its journal, in a random order, by random authors. The
// journal is closed on return.
func recordScenario(t testing.TB, srv *fhirtest.Server, rng *rand.Rand, todo []expected) *faultScenario {
	t.Helper()
	dir, keys, j := testJournal(t)
	defer j.Close()
	ctx := context.Background()
	authors := []string{"RN Aerts", "RN Dubois", "RN Peeters"}
	rng.Shuffle(len(todo), func(a, b int) { todo[a], todo[b] = todo[b], todo[a] })
	s := &faultScenario{dir: dir, keys: keys}
	for _, x := range todo {
		e := x.entry
		if err := j.Stamp(&e, authors[rng.IntN(len(authors))], time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := e.Validate(time.Now()); err != nil {
			t.Fatalf("a %s entry of the scenario is invalid: %v", e.Kind, err)
		}
		if err := j.Record(ctx, e); err != nil {
			t.Fatalf("recording a %s entry: %v", e.Kind, err)
		}
		x.entry = e
		s.entries = append(s.entries, x)
	}
	s.before = srv.Stats().Resources
	return s
}

// open opens the scenario's journal; the test closes it at its end.
func (s *faultScenario) open(t testing.TB) *store.Journal {
	t.Helper()
	j, err := store.OpenJournal(context.Background(), s.dir, s.keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// faultClient is a client with a short timeout and quick retries, for
// runs through the proxy and runs straight to the server alike.
func faultClient(t testing.TB, base string, timeout time.Duration) *rest.Client {
	t.Helper()
	c, err := rest.New(base, rest.Options{Timeout: timeout, Retries: 2, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// finish runs the reconciler straight against the server until it
// succeeds, as a person would run it again after the network came back.
func (s *faultScenario) finish(t *testing.T, j *store.Journal, base string) *Result {
	t.Helper()
	r := &Reconciler{Client: faultClient(t, base, 20*time.Second), Journal: j, Batch: faultBatch, Wait: 10 * time.Millisecond}
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("the clean run after the faults failed: %v", err)
	}
	return res
}

// check asserts exactly once: every entry's resources are on the server
// once (never twice, none missing, the changed Encounter carrying the
// entry's identifier once), the journal records exactly those resources,
// every entry is in a final state but those that wait for a person, which
// the plan shows as such, and the server holds no other new resource. It
// returns the count of the journal's entries by state.
func (s *faultScenario) check(t testing.TB, srv *fhirtest.Server, j *store.Journal, label string) map[string]int {
	t.Helper()
	ctx := context.Background()
	c := faultClient(t, srv.URL, 20*time.Second)
	list, err := j.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state, states := map[string]string{}, map[string]int{}
	for _, e := range list {
		state[e.ID] = e.State
		states[e.State]++
	}
	recorded, err := j.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := (&Reconciler{Client: c, Journal: j, Batch: faultBatch}).Plan(ctx)
	if err != nil {
		t.Fatalf("%s: planning after the runs: %v", label, err)
	}
	planned := outcomes(plan)
	grew := map[string]int{}
	for _, x := range s.entries {
		e := x.entry
		var found []string
		for typ, want := range x.counts {
			var got []string
			err := c.Search(ctx, typ, EntryResourcesQuery(typ, e.ID, Config{}), func(raw json.RawMessage) error {
				var r resource
				if err := json.Unmarshal(raw, &r); err != nil {
					return err
				}
				got = append(got, r.ResourceType+"/"+r.ID)
				if typ == "Encounter" {
					if n := strings.Count(string(raw), `"value":"`+e.ID+`"`); n != 1 {
						t.Errorf("%s: the %s changed by the transfer entry %s carries its identifier %d times", label, r.ID, e.ID, n)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: searching the %s of entry %s: %v", label, typ, e.ID, err)
			}
			if len(got) != want {
				t.Errorf("%s: the %s entry %s has %d %s on the server, want %d: %v", label, e.Kind, e.ID, len(got), typ, want, got)
			}
			if typ != "Encounter" {
				grew[typ] += want
			}
			if x.changes != "" && typ == "Encounter" && len(got) == 1 && got[0] != x.changes {
				t.Errorf("%s: the transfer entry %s changed %s, want %s", label, e.ID, got[0], x.changes)
			}
			found = append(found, got...)
		}
		var journaled []string
		for _, ref := range recorded[e.ID] {
			journaled = append(journaled, ref.Reference())
		}
		slices.Sort(found)
		slices.Sort(journaled)
		journaled = slices.Compact(journaled)
		if !slices.Equal(found, journaled) {
			t.Errorf("%s: the journal records %v for the %s entry %s, the server holds %v", label, journaled, e.Kind, e.ID, found)
		}
		switch st := state[e.ID]; {
		case x.waits == "" && (st != store.StateCreated && st != store.StateAlreadyThere):
			t.Errorf("%s: the %s entry %s is %s in the journal, want created or already there (the plan: %s %s %s)",
				label, e.Kind, e.ID, st, planned[e.ID].Outcome, planned[e.ID].Conflict, planned[e.ID].Reason)
		case x.waits != "" && st != store.StatePending:
			t.Errorf("%s: the %s entry %s is %s in the journal, want it pending, waiting for a person", label, e.Kind, e.ID, st)
		case x.waits != "" && planned[e.ID].Outcome != x.waits:
			t.Errorf("%s: the plan has the %s entry %s as %s (%s), want %s", label, e.Kind, e.ID, planned[e.ID].Outcome, planned[e.ID].Reason, x.waits)
		}
	}
	if n := plan.Count[Create] + plan.Count[Failed] + plan.Count[AlreadyThere]; n != 0 {
		t.Errorf("%s: after a complete run the plan still has %d entries to push or failed: %+v", label, n, plan.Count)
	}
	after := srv.Stats().Resources
	for typ, n := range after {
		if want := s.before[typ] + grew[typ]; n != want {
			t.Errorf("%s: the server holds %d %s, want %d (%d before the push)", label, n, typ, want, s.before[typ])
		}
	}
	return states
}

// Faults the proxy injects.
const (
	faultDropRequest  = "drop-request"  // the connection closes before the request is forwarded
	faultDropResponse = "drop-response" // forwarded and answered, but the answer is not passed on
	faultStallBefore  = "stall-request" // held past the client's timeout, then forwarded all the same
	faultStallAfter   = "stall-answer"  // forwarded, the answer held past the client's timeout, then dropped
	faultTruncate     = "truncate"      // half the answer's body, then the connection closes
	faultPartWay      = "fail-part-way" // a Bundle the server fails at a random write (fhirtest.FailEntryHeader)
)

var faultKinds = []string{faultDropRequest, faultDropResponse, faultStallBefore, faultStallAfter, faultTruncate, faultPartWay}

// faultProxy is an HTTP proxy on 127.0.0.1 in front of the FHIR server
// that, while armed, fails requests at random: a transaction Bundle with
// probability pPost, any other request with pOther. With a delay (see
// slowly) it is also a slow server: it holds each request before
// forwarding it, and forwards it whether or not its client still waits.
type faultProxy struct {
	URL      string // the FHIR base through the proxy
	ln       net.Listener
	target   string // the server's host:port
	basePath string // /fhir/R4
	stall    time.Duration
	out      *http.Client
	done     chan struct{}
	wg       sync.WaitGroup

	mu        sync.Mutex
	rng       *rand.Rand
	armed     bool
	pPost     float64
	pOther    float64
	conns     map[net.Conn]bool
	requests  int
	bundles   int
	faults    map[string]int // of Bundles, by kind
	getFaults int            // of other requests
	partWay   int            // Bundles the server failed after at least one write

	delay       func(bundle bool, creates int) time.Duration
	inFlight    int // transaction Bundles on the "server": from the delay's start to the server's answer
	maxInFlight int // the most at once
	sentCreates int // conditional creates in the Bundles forwarded
}

func newFaultProxy(t testing.TB, base string, seed uint64, stall time.Duration) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(base, "http://")
	host, path, _ := strings.Cut(rest, "/")
	if !ok {
		t.Fatalf("the server's base %q is not http", base)
	}
	p := &faultProxy{URL: "http://" + ln.Addr().String() + "/" + path, ln: ln, target: host, basePath: "/" + path, stall: stall,
		out:  &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8}, Timeout: time.Minute},
		done: make(chan struct{}), rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		conns: map[net.Conn]bool{}, faults: map[string]int{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) close() {
	select {
	case <-p.done:
		return
	default:
	}
	close(p.done)
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// slowly makes the proxy hold each request for delay(bundle, creates)
// before forwarding it: bundle says whether it is a transaction Bundle,
// creates how many conditional creates it carries.
func (p *faultProxy) slowly(delay func(bundle bool, creates int) time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = delay
}

// transactions says how many transaction Bundles the server got and
// worked on at once at most, counting the proxy's delay as the server's
// time (a client that gave up does not stop it), and how many
// conditional creates they carried.
func (p *faultProxy) transactions() (bundles, maxAtOnce, creates int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bundles, p.maxInFlight, p.sentCreates
}

// arm starts (or, with both at 0, stops) the faults.
func (p *faultProxy) arm(pPost, pOther float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.pPost, p.pOther = pPost > 0 || pOther > 0, pPost, pOther
}

// bundleFaults is how many Bundles have been faulted so far.
func (p *faultProxy) bundleFaults() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, v := range p.faults {
		n += v
	}
	return n
}

func (p *faultProxy) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var kinds []string
	for _, k := range faultKinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, p.faults[k]))
	}
	return fmt.Sprintf("%d requests (%d Bundles); Bundles faulted: %s (%d of them failed after a write); other requests faulted: %d",
		p.requests, p.bundles, strings.Join(kinds, ", "), p.partWay, p.getFaults)
}

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = true
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
			c.Close()
			p.mu.Lock()
			delete(p.conns, c)
			p.mu.Unlock()
		}()
	}
}

// decide picks the fault of one request, "" for none, and for a
// part-way failure the write that fails.
func (p *faultProxy) decide(bundle bool, requests int) (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if bundle {
		p.bundles++
	}
	prob := p.pOther
	if bundle {
		prob = p.pPost
	}
	if !p.armed || p.rng.Float64() >= prob {
		return "", 0
	}
	kinds := faultKinds
	if !bundle {
		kinds = kinds[:len(kinds)-1]
	}
	k := kinds[p.rng.IntN(len(kinds))]
	if bundle {
		p.faults[k]++
	} else {
		p.getFaults++
	}
	return k, 1 + p.rng.IntN(max(requests, 1))
}

// sleep waits d, or less when the proxy closes; it says whether it slept.
func (p *faultProxy) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.done:
		return false
	}
}

// handle serves the requests of one client connection until a fault
// closes it or the client does.
func (p *faultProxy) handle(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return
		}
		bundle := req.Method == http.MethodPost && strings.Trim(strings.TrimPrefix(req.URL.Path, p.basePath), "/") == ""
		fault, failAt := p.decide(bundle, bytes.Count(body, []byte(`"request":`)))
		switch fault {
		case faultDropRequest:
			return
		case faultStallBefore:
			c.Close()
			if p.sleep(p.stall) {
				if resp, err := p.forward(req, body, 0); err == nil {
					resp.Body.Close()
				}
			}
			return
		}
		if fault != faultPartWay {
			failAt = 0
		}
		resp, err := p.forward(req, body, failAt)
		if err != nil {
			return
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return
		}
		if failAt > 1 && resp.StatusCode == http.StatusInternalServerError {
			p.mu.Lock()
			p.partWay++
			p.mu.Unlock()
		}
		switch fault {
		case faultDropResponse:
			return
		case faultStallAfter:
			p.sleep(p.stall)
			return
		}
		var head bytes.Buffer
		fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
		for k, vs := range resp.Header {
			if k == "Content-Length" || k == "Transfer-Encoding" || k == "Connection" || k == "Keep-Alive" {
				continue
			}
			for _, v := range vs {
				fmt.Fprintf(&head, "%s: %s\r\n", k, v)
			}
		}
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", len(answer))
		if fault == faultTruncate {
			c.Write(append(head.Bytes(), answer[:len(answer)/2]...))
			return
		}
		if _, err := c.Write(append(head.Bytes(), answer...)); err != nil {
			return
		}
	}
}

// forward sends the request on to the server, after the delay when the
// proxy is slow; failAt > 0 asks it to fail the Bundle at that write.
func (p *faultProxy) forward(in *http.Request, body []byte, failAt int) (*http.Response, error) {
	bundle := in.Method == http.MethodPost && strings.Trim(strings.TrimPrefix(in.URL.Path, p.basePath), "/") == ""
	creates := bytes.Count(body, []byte(`"ifNoneExist":`))
	p.mu.Lock()
	delay := p.delay
	if bundle {
		p.inFlight++
		p.maxInFlight = max(p.maxInFlight, p.inFlight)
		p.sentCreates += creates
	}
	p.mu.Unlock()
	if bundle {
		defer func() {
			p.mu.Lock()
			p.inFlight--
			p.mu.Unlock()
		}()
	}
	if delay != nil {
		if !p.sleep(delay(bundle, creates)) {
			return nil, errors.New("the proxy closed")
		}
	}
	out, err := http.NewRequest(in.Method, "http://"+p.target+in.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range in.Header {
		if k == "Connection" || k == "Keep-Alive" {
			continue
		}
		out.Header[k] = vs
	}
	if failAt > 0 {
		out.Header.Set(fhirtest.FailEntryHeader, strconv.Itoa(failAt))
	}
	return p.out.Do(out)
}
