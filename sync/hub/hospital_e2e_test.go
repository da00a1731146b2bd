//go:build unix

package hub_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/hub"
	"lifeboat/sync/reconcile"
	"lifeboat/sync/rest"
	"lifeboat/sync/synthetic"
)

// The hospital's recovery, end to end (issue 14): a hub and three kiosks
// on two wards, kiosks A and B on ward 3B (ward-1), C on 4A (ward-2), all
// set up with IT's recovery recipient and enrolled through the hub's
// listener on 127.0.0.1. The EHR (a local Medplum engine, sync/fhirtest,
// loaded with a synthetic hospital of two wards) goes down; nurses record
// on all three kiosks: doses, vital signs and notes on their own wards'
// patients, a patient transferred from 3B to 4A (the same dose of his
// charted on both sides of the move), the same man registered during the
// downtime on A and again on C after he moved, a woman registered on B
// whom the EHR had all along. The EHR returns. The kiosks hand in: A and
// B over the network to the hub's listener, B also from a USB copy, C
// only from a copy (it never comes back), each copy straight into the
// hub's folder. Then one reconciliation of the hospital (reconcile --hub:
// hub.OpenHospital and Reconciler.Run), the people's decisions taken
// against the hospital's journal between runs.
//
// Every process that writes is a child (this test binary run again): the
// hub's listener, which writes the mirrors; each kiosk's hand-in over the
// network; each hand-in of a copy at the hub's folder; the reconciliation.
// A hundred SIGKILLs land in them: half during the hand-ins (the hub's
// listener killed while a kiosk uploads to it, a kiosk killed mid-upload,
// a hand-in from a copy killed as it writes the mirror, the same journal
// handed in over the network and from its copy at once), half during the
// reconciliation (most aimed just after a transaction Bundle was answered
// and recorded, so that they land in the next Bundle, on the server or
// while its answer is recorded; the others while the journals are read
// and planned). Each is run again until it finishes. Then: every mirror
// opens with the recovery key, verifies, and holds its kiosk's entries
// once; every entry that is pushed has its resources on the server exactly
// once, as the journal records them; the duplicate dose that was skipped
// has none; the decisions are in the hub's own journal only; another run
// changes nothing on the server, and neither does handing in again.

const (
	e2eRoleEnv = "LIFEBOAT_E2E_ROLE"
	e2eHubEnv  = "LIFEBOAT_E2E_HUB"
	e2eFromEnv = "LIFEBOAT_E2E_FROM" // a kiosk's folder, or a copy of it
	e2eURLEnv  = "LIFEBOAT_E2E_URL"  // the hub's listener, or the EHR
	e2eKeyEnv  = "LIFEBOAT_E2E_KEY"  // the file of IT's recovery key

	// e2eBatch makes a hand-in a batch per entry or so (a hundred per
	// kiosk) instead of one, so that kills land between and inside them.
	e2eBatch = 4 << 10
	// e2eKills is how many SIGKILLs the hand-ins take, and as many the
	// reconciliation.
	e2eKills = 50
)

// TestHospitalChild is a child of TestTheHospitalsDowntimeReachesTheEHRExactlyOnceThroughAHundredKills;
// on its own it does nothing.
func TestHospitalChild(t *testing.T) {
	role := os.Getenv(e2eRoleEnv)
	if role == "" {
		t.Skip("a child of TestTheHospitalsDowntimeReachesTheEHRExactlyOnceThroughAHundredKills")
	}
	store.SetHandInBatch(t, e2eBatch)
	ctx := context.Background()
	var mu sync.Mutex
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", a...)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
	hubDir, from, addr := os.Getenv(e2eHubEnv), os.Getenv(e2eFromEnv), os.Getenv(e2eURLEnv)
	switch role {
	case "listen":
		// The hub's listener, as hub run serves it.
		h, err := hub.Open(hubDir, hubPassphrase)
		if err != nil {
			fail(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		srv := hub.NewServer(ln.Addr().String(), hub.Handler(h, filepath.Join(hubDir, "publish"), time.Now))
		say("listening http://%s", ln.Addr())
		fail(srv.Serve(ln))
	case "handin":
		// A kiosk handing in over the network, as handin --to URL does.
		keys, err := store.Unlock(from, storetest.Passphrase)
		if err != nil {
			fail(err)
		}
		pin, err := keys.Hub(from)
		if err != nil {
			fail(err)
		}
		// Each receipt kept is said, so that the parent can aim its kill
		// just after a batch went in.
		last := int64(-1)
		if r, err := hub.ReadReceipt(from, pin); err == nil {
			last = r.Position.Entry
		}
		go func() {
			for {
				time.Sleep(2 * time.Millisecond)
				if r, err := hub.ReadReceipt(from, pin); err == nil && r.Position.Entry != last {
					last = r.Position.Entry
					say("batch %d", last)
				}
			}
		}()
		say("ready")
		s, err := hub.HandInTo(ctx, from, keys, pin, &http.Client{Timeout: time.Minute}, addr, 0)
		if err != nil {
			fail(err)
		}
		say("done %d %d %d %t", s.Stored, s.Had, s.Apart, s.KeptApart)
	case "folder":
		// A copy handed in at the hub's folder, as handin --to HUBDIR does.
		say("ready")
		s, err := hub.HandInToFolder(ctx, from, hubDir, time.Now())
		if err != nil {
			fail(err)
		}
		say("done %d %d %d %t", s.Stored, s.Had, s.Apart, s.KeptApart)
	case "reconcile":
		// The hospital's reconciliation, as reconcile --hub runs it.
		identity, err := os.ReadFile(os.Getenv(e2eKeyEnv))
		if err != nil {
			fail(err)
		}
		h, err := hub.OpenHospital(ctx, hubDir, string(identity), "")
		if err != nil {
			fail(err)
		}
		client, err := rest.New(addr, rest.Options{Timeout: time.Minute, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second})
		if err != nil {
			fail(err)
		}
		pushed := 0
		r := &reconcile.Reconciler{Client: client, Journal: h, Batch: 8, Wait: 100 * time.Millisecond,
			Progress: func(p reconcile.Progress) {
				if p.Pushed > pushed {
					pushed = p.Pushed
					say("pushed %d", p.Pushed)
				}
			}}
		say("ready")
		res, err := r.Run(ctx)
		if err != nil {
			fail(err)
		}
		say("done %d %d", res.Created, res.Found)
	default:
		fail(fmt.Errorf("no role %q", role))
	}
}

// e2eProc is a child running one role.
type e2eProc struct {
	t      *testing.T
	role   string
	cmd    *exec.Cmd
	lines  chan e2eLine // its stdout, closed when it ends
	stderr *lockedWriter
	ended  chan struct{} // closed once its stdout is read whole
	killed bool          // it died of the SIGKILL the test sent
	code   int           // its exit code, when it was not killed
	ready  time.Time     // when it said it was ready
}

// e2eLine is a line a child said, and when.
type e2eLine struct {
	text string
	at   time.Time
}

func startE2E(t *testing.T, role string, env ...string) *e2eProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHospitalChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, e2eRoleEnv+"="+role,
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))...)
	p := &e2eProc{t: t, role: role, cmd: cmd, lines: make(chan e2eLine, 1<<16), stderr: &lockedWriter{}, ended: make(chan struct{})}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.ended)
		defer close(p.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() { // a line cut short by a kill is not read whole
			p.lines <- e2eLine{sc.Text(), time.Now()}
		}
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

type lockedWriter struct {
	mu sync.Mutex
	w  strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

// await reads the child's lines up to the next one that begins with
// prefix and returns it; false when the child ended first.
func (p *e2eProc) await(prefix string) (string, bool) {
	p.t.Helper()
	guard := time.NewTimer(3 * time.Minute) // a hang guard, not a measure
	defer guard.Stop()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return "", false
			}
			if strings.HasPrefix(line.text, prefix) {
				if prefix == "ready" {
					p.ready = line.at
				}
				return line.text, true
			}
		case <-guard.C:
			p.kill()
			p.t.Fatalf("the %s child hung waiting for %q: %s", p.role, prefix, p.stderr)
		}
	}
}

// kill sends SIGKILL and reaps the child; it says whether the kill is
// what ended it (not an exit of its own just before).
func (p *e2eProc) kill() bool {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
	}
	return p.wait()
}

// wait reaps the child once it ends and says whether a SIGKILL ended it.
func (p *e2eProc) wait() bool {
	if p.cmd.ProcessState == nil {
		for range p.lines { // what it said after the last line awaited
		}
		<-p.ended
		p.cmd.Wait()
		ws, _ := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
		p.killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
		p.code = p.cmd.ProcessState.ExitCode()
	}
	return p.killed
}

// finish waits for a child that is not killed to end, and requires that
// it ended well.
func (p *e2eProc) finish() {
	p.t.Helper()
	if _, ok := p.await("done"); !ok || p.wait() || p.code != 0 {
		p.t.Fatalf("the %s child did not finish: exit %d: %s", p.role, p.code, p.stderr)
	}
	p.wait()
}

// e2eKiosk is a kiosk of the hospital: its folder, keys and journal.
type e2eKiosk struct {
	name string
	dir  string
	keys *store.Keys
	j    *store.Journal
}

// record stamps and records e as author, as the kiosk does when a nurse
// saves it.
func (k *e2eKiosk) record(t *testing.T, author string, e clinical.Entry) clinical.Entry {
	t.Helper()
	if err := k.j.Stamp(&e, author, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := k.j.Record(context.Background(), e); err != nil {
		t.Fatalf("kiosk %s recording a %s entry: %v", k.name, e.Kind, err)
	}
	return e
}

// e2eWard is the EHR's hospital as the kiosks' snapshots held it: each
// ward's patients and their active orders.
type e2eWard struct {
	patients map[string][]string         // ward → patient ids
	orders   map[string][]e2eOrder       // patient → active orders
	version  map[string]clinical.Version // order id → the version the snapshot held
}

type e2eOrder struct{ id, patient, name string }

func readE2EWard(t *testing.T, dir string) *e2eWard {
	t.Helper()
	w := &e2eWard{patients: map[string][]string{}, orders: map[string][]e2eOrder{}, version: map[string]clinical.Version{}}
	each := func(file string, fn func([]byte)) {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for line := range bytes.Lines(b) {
			fn(line)
		}
	}
	each("Encounter.ndjson", func(b []byte) {
		var e struct {
			Status   string
			Subject  struct{ Reference string }
			Location []struct{ Location struct{ Reference string } }
		}
		if json.Unmarshal(b, &e) != nil || e.Status != "in-progress" || len(e.Location) == 0 {
			return
		}
		// Beds 1xx are the first ward's, 2xx the second's.
		ward := "ward-1"
		if strings.HasPrefix(e.Location[0].Location.Reference, "Location/bed-2") {
			ward = "ward-2"
		}
		w.patients[ward] = append(w.patients[ward], strings.TrimPrefix(e.Subject.Reference, "Patient/"))
	})
	each("MedicationRequest.ndjson", func(b []byte) {
		var mr struct {
			ID, Status string
			Meta       struct{ VersionID, LastUpdated string }
			Subject    struct{ Reference string }
			Med        struct{ Text string } `json:"medicationCodeableConcept"`
		}
		if json.Unmarshal(b, &mr) != nil || mr.Status != "active" {
			return
		}
		p := strings.TrimPrefix(mr.Subject.Reference, "Patient/")
		w.orders[p] = append(w.orders[p], e2eOrder{mr.ID, p, mr.Med.Text})
		w.version[mr.ID] = clinical.Version{Type: "MedicationRequest", ID: mr.ID, VersionID: mr.Meta.VersionID, LastUpdated: mr.Meta.LastUpdated}
	})
	for _, ward := range []string{"ward-1", "ward-2"} {
		if len(w.patients[ward]) < 3 {
			t.Fatalf("the synthetic %s has %d patients", ward, len(w.patients[ward]))
		}
		slices.Sort(w.patients[ward])
	}
	return w
}

func (w *e2eWard) dose(o e2eOrder, at time.Time) clinical.Entry {
	return clinical.Entry{Kind: clinical.KindMedication, Patient: o.patient, ClinicalTime: at,
		BasedOn: []clinical.Version{w.version[o.id]},
		Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: o.name, OrderID: o.id,
			Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Route: "oral"}}
}

func vitals(patient string, at time.Time, i int) clinical.Entry {
	return clinical.Entry{Kind: clinical.KindVitals, Patient: patient, ClinicalTime: at,
		Vitals: &clinical.VitalSigns{HeartRate: new(float64(60 + i%40)), SpO2: new(float64(94 + i%5))}}
}

func nursingNote(patient string, at time.Time, i int) clinical.Entry {
	return clinical.Entry{Kind: clinical.KindNote, Patient: patient, ClinicalTime: at,
		Note: &clinical.NursingNote{Text: fmt.Sprintf("Round %d: comfortable, no complaints.", i)}}
}

func TestTheHospitalsDowntimeReachesTheEHRExactlyOnceThroughAHundredKills(t *testing.T) {
	if testing.Short() {
		t.Skip("the hospital's recovery under a hundred kills takes about a minute")
	}
	ctx := context.Background()
	root := t.TempDir()
	start := time.Now()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))

	// The EHR: two wards of four beds.
	ehrFiles := filepath.Join(root, "ehr")
	if _, err := synthetic.WriteNDJSON(ehrFiles, synthetic.Options{Patients: 8, Seed: 11, AsOf: time.Now().Add(-12 * time.Hour), BedsPerWard: 4}); err != nil {
		t.Fatal(err)
	}
	ward := readE2EWard(t, ehrFiles)
	srv := fhirtest.Start(t, fhirtest.Options{}, ehrFiles)

	// IT's recovery key; the hub with its wards; three kiosks enrolled
	// through the hub's listener.
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	recovery := id.Recipient().String()
	keyFile := filepath.Join(root, "it.key")
	if err := os.WriteFile(keyFile, []byte(id.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	hubDir := filepath.Join(root, "hub")
	if _, err := hub.Init(hubDir, hubPassphrase, recovery, 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(hubDir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ id, name string }{{"ward-1", "3B"}, {"ward-2", "4A"}} {
		if err := h.AddWard(w.id, w.name, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	enrolment := httptest.NewUnstartedServer(hub.Handler(h, filepath.Join(hubDir, "publish"), time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	enrolment.Listener = ln
	enrolment.Start()
	kiosk := func(name, ward string) *e2eKiosk {
		v := recoveryVault(t, recovery)
		code, err := h.NewCode(ward, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hub.Enrol(ctx, v.Dir, v.Keys, enrolment.URL, code, http.DefaultClient, time.Now()); err != nil {
			t.Fatal(err)
		}
		keys, err := store.Unlock(v.Dir, storetest.Passphrase)
		if err != nil {
			t.Fatal(err)
		}
		j, err := store.OpenJournal(ctx, v.Dir, keys)
		if err != nil {
			t.Fatal(err)
		}
		return &e2eKiosk{name: name, dir: v.Dir, keys: keys, j: j}
	}
	a, b, c := kiosk("A", "ward-1"), kiosk("B", "ward-1"), kiosk("C", "ward-2")
	enrolment.Close()
	kiosks := []*e2eKiosk{a, b, c}

	// The EHR goes down at `down`; the nurses record. Each kiosk doses its
	// own orders (A and B share ward 3B's, each its half), so that only
	// the transferred patient's dose is recorded twice.
	down := time.Now().Add(-9 * time.Hour).Truncate(time.Minute)
	w1, w2 := ward.patients["ward-1"], ward.patients["ward-2"]
	moved := w1[len(w1)-1] // transferred from 3B to 4A
	var shared, ordersA, ordersB, ordersC []e2eOrder
	for _, p := range w1[:len(w1)-1] {
		shared = append(shared, ward.orders[p]...)
	}
	for i, o := range shared {
		if i%2 == 0 {
			ordersA = append(ordersA, o)
		} else {
			ordersB = append(ordersB, o)
		}
	}
	for _, p := range w2 {
		ordersC = append(ordersC, ward.orders[p]...)
	}
	if len(ordersA) == 0 || len(ordersB) == 0 || len(ordersC) == 0 || len(ward.orders[moved]) == 0 {
		t.Fatalf("the synthetic wards have too few active orders: %d, %d, %d; the moved patient %d",
			len(ordersA), len(ordersB), len(ordersC), len(ward.orders[moved]))
	}
	routine := func(k *e2eKiosk, author string, orders []e2eOrder, patients []string, n int) {
		for i := range n {
			at := down.Add(time.Duration(i) * 8 * time.Hour / time.Duration(n))
			switch p := patients[i%len(patients)]; i % 10 {
			case 0, 1, 2, 3:
				k.record(t, author, ward.dose(orders[i%len(orders)], at))
			case 4, 5, 6:
				k.record(t, author, vitals(p, at, i))
			default:
				k.record(t, author, nursingNote(p, at, i))
			}
		}
	}
	routine(a, "RN Peeters", ordersA, w1[:len(w1)-1], 100)
	routine(b, "RN Wouters", ordersB, w1[:len(w1)-1], 90)
	routine(c, "RN Maes", ordersC, w2, 100)

	// The transfer, mid-round: his dose charted on 3B before he left, and
	// again on 4A after he came.
	transferAt := down.Add(5 * time.Hour)
	dup := ward.orders[moved][0]
	doseA := a.record(t, "RN Peeters", ward.dose(dup, transferAt.Add(-10*time.Minute)))
	transfer := a.record(t, "RN Peeters", clinical.Entry{Kind: clinical.KindTransfer, Patient: moved, ClinicalTime: transferAt,
		Transfer: &clinical.Transfer{Ward: "4A", Room: "412", Bed: "2"}})
	doseC := c.record(t, "RN Maes", ward.dose(dup, transferAt.Add(5*time.Minute)))
	movedVitals := c.record(t, "RN Maes", vitals(moved, transferAt.Add(15*time.Minute), 7))

	// A man with no wristband, registered on 3B, then moved to 4A, where
	// he is registered again; a woman registered on B, whom the EHR had.
	claes := clinical.Registration{Family: "Claes", Given: "Jan", Sex: "male", BirthDate: "1948-05-02", Ward: "3B", Bed: "4"}
	regA := a.record(t, "RN Peeters", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: down.Add(time.Hour), Registration: &claes})
	claes.Ward, claes.Bed = "4A", "1"
	regC := c.record(t, "RN Maes", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: down.Add(3 * time.Hour), Registration: &claes})
	regB := b.record(t, "RN Wouters", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: down.Add(2 * time.Hour),
		Registration: &clinical.Registration{Family: "Peeters", Given: "Marie", Sex: "female", BirthDate: "1975-09-14", Ward: "3B", Bed: "5"}})
	for i := range 10 {
		a.record(t, "RN Peeters", vitals(regA.Patient, down.Add(time.Hour+time.Duration(i)*10*time.Minute), i))
		b.record(t, "RN Wouters", vitals(regB.Patient, down.Add(2*time.Hour+time.Duration(i)*10*time.Minute), i))
		c.record(t, "RN Maes", nursingNote(regC.Patient, down.Add(3*time.Hour+time.Duration(i)*10*time.Minute), i))
	}
	recorded := map[*e2eKiosk][]string{}
	total := 0
	for _, k := range kiosks {
		es, err := k.j.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			recorded[k] = append(recorded[k], e.ID)
		}
		total += len(es)
		if err := k.j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The EHR is back. B's folder and C's are copied to USB sticks.
	usbB, usbC := filepath.Join(root, "usb-b"), filepath.Join(root, "usb-c")
	copyDir(t, b.dir, usbB)
	copyDir(t, c.dir, usbC)
	t.Logf("%d entries recorded on 3 kiosks in %v", total, time.Since(start).Round(time.Millisecond))

	// The hand-ins, under 50 kills.
	upStart := time.Now()
	hu := &e2eHandIns{t: t, rng: rng, hubDir: hubDir, folderWindow: 600 * time.Millisecond}
	jobs := []*e2eJob{
		{name: "A over the network", from: a.dir, network: true},
		{name: "B over the network", from: b.dir, network: true},
		{name: "B's copy at the hub", from: usbB},
		{name: "C's copy at the hub", from: usbC},
	}
	aNet, bNet, bUSB, cUSB := jobs[0], jobs[1], jobs[2], jobs[3]
	again := &e2eJob{name: "B's copy again", from: usbB, again: true}
	for round := 0; hu.kills < e2eKills; round++ {
		open := func(js ...*e2eJob) *e2eJob {
			for _, j := range js {
				if !j.done {
					return j
				}
			}
			return nil
		}
		switch round % 5 {
		case 0: // a kiosk killed mid-upload
			if j := open(aNet, bNet); j != nil {
				hu.network(j, false)
				continue
			}
		case 1: // the hub killed while a kiosk uploads to it
			if j := open(aNet, bNet); j != nil {
				hu.network(j, true)
				continue
			}
		case 4:
			if j := open(bNet, aNet); j != nil {
				hu.network(j, true)
				continue
			}
		case 2: // the same journal over the network and from its copy at once
			if !bNet.done && !bUSB.done {
				hu.both(bNet, bUSB)
				continue
			}
		}
		// A copy handed in at the hub's folder, killed as it writes.
		j := open(cUSB, bUSB)
		if j == nil {
			j = again
		}
		hu.folder(j)
	}
	upKills := hu.kills
	// Every hand-in run again until it finishes.
	for _, j := range jobs {
		if !j.done {
			hu.complete(j)
		}
	}
	t.Logf("hand-ins: %d kills (%d of the hub's listener while a kiosk uploaded, %d of a kiosk mid-upload, %d of a hand-in at the hub's folder) in %v",
		upKills, hu.listenerKills, hu.kioskKills, hu.folderKills, time.Since(upStart).Round(time.Millisecond))
	if hu.listenerKills < 3 || hu.kioskKills < 3 || hu.folderKills < 3 {
		t.Fatalf("too few kills of a kind landed mid-upload: the test tests too little")
	}

	// Every mirror opens with the recovery key, verifies, and holds its
	// kiosk's entries, once each; nothing was kept apart.
	mirrorOf := func(k *e2eKiosk) string { return filepath.Join(hubDir, "handin", "kiosks", k.keys.Config.KioskID) }
	checkMirrors := func(when string) {
		t.Helper()
		for _, k := range kiosks {
			dir := mirrorOf(k)
			rk, err := store.UnlockRecovery(dir, id.String())
			if err != nil {
				t.Fatalf("%s: kiosk %s's mirror: %v", when, k.name, err)
			}
			j, err := store.OpenJournal(ctx, dir, rk)
			if err != nil {
				t.Fatalf("%s: kiosk %s's mirror: %v", when, k.name, err)
			}
			check, err := j.Check(ctx)
			if err != nil || !check.OK() {
				t.Fatalf("%s: kiosk %s's mirror does not verify: %v %v", when, k.name, check.Problems, err)
			}
			es, err := j.List(ctx)
			j.Close()
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range es {
				ids = append(ids, e.ID)
				if e.Kind == clinical.KindDecision {
					t.Errorf("%s: kiosk %s's mirror holds a decision", when, k.name)
				}
			}
			if !slices.Equal(ids, recorded[k]) {
				t.Fatalf("%s: kiosk %s's mirror holds %d entries, the kiosk %d (or not the same)", when, k.name, len(ids), len(recorded[k]))
			}
			kioskTrail, _ := os.ReadFile(filepath.Join(k.dir, "audit.log"))
			mirrorTrail, _ := os.ReadFile(filepath.Join(dir, "audit.log"))
			if !bytes.Equal(kioskTrail, mirrorTrail) {
				t.Errorf("%s: kiosk %s's audit trail at the hub is %d bytes, on the kiosk %d", when, k.name, len(mirrorTrail), len(kioskTrail))
			}
			if _, err := os.Stat(filepath.Join(dir, "apart")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: kiosk %s's mirror kept something apart (%v)", when, k.name, err)
			}
		}
		if _, err := os.Stat(filepath.Join(hubDir, "handin", "apart")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: the hub kept a journal apart (%v)", when, err)
		}
	}
	checkMirrors("after the hand-ins")

	// The reconciliation, under 50 kills: before the decisions (what can
	// go, goes; conflicts and links wait) and after them.
	recStart := time.Now()
	rc := &e2eReconcile{t: t, rng: rng, env: []string{e2eHubEnv + "=" + hubDir, e2eURLEnv + "=" + srv.URL, e2eKeyEnv + "=" + keyFile}}
	rc.until(e2eKills * 7 / 10)
	rc.complete()
	hosp, err := hub.OpenHospital(ctx, hubDir, id.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := (&reconcile.Reconciler{Client: testRest(t, srv.URL), Journal: hosp}).Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waiting := map[string]reconcile.Item{}
	for _, it := range plan.Items {
		waiting[it.Entry] = it
	}
	for _, d := range []clinical.Entry{doseA, doseC} {
		if it := waiting[d.ID]; it.Outcome != reconcile.Conflict || it.Conflict != reconcile.ConflictRecordedTwice {
			t.Fatalf("the dose charted on both sides of the transfer: %s %s", it.Outcome, it.Conflict)
		}
	}
	if it := waiting[regC.ID]; it.Outcome != reconcile.NeedsLink || it.SameAs != regA.ID {
		t.Fatalf("the man registered again on 4A: %s, same as %q", it.Outcome, it.SameAs)
	}
	for _, it := range waiting {
		if it.Outcome != reconcile.Conflict && it.Outcome != reconcile.NeedsLink {
			t.Fatalf("after the first run an entry is %s (%s)", it.Outcome, it.Reason)
		}
	}
	if len(waiting) != 2+3+30 {
		t.Fatalf("%d entries wait for a person, want the 2 doses, 3 registrations and their 30 entries", len(waiting))
	}
	// People decide, at the hub.
	now := time.Now()
	for _, d := range []struct {
		entry, action, link, reason string
	}{
		{doseA.ID, clinical.DecisionPush, "", "given once, on 3B, before the transfer"},
		{doseC.ID, clinical.DecisionSkip, "", "the same dose as on 3B, charted again after the transfer"},
		{regA.ID, clinical.DecisionNewPatient, "", "no record found"},
		{regB.ID, clinical.DecisionLink, w1[0], "wristband and birth date checked"},
	} {
		if _, err := reconcile.Decide(ctx, hosp, d.entry, d.action, d.link, d.reason, "HIM Claes", now); err != nil {
			t.Fatalf("deciding %s: %v", d.action, err)
		}
	}
	hosp.Close()
	rc.until(e2eKills)
	rc.complete()
	t.Logf("reconciliation: %d kills (%d just after a Bundle was answered, %d while reading and planning, %d of a run with nothing left to push) in %v",
		rc.kills, rc.midPush, rc.early, rc.idle, time.Since(recStart).Round(time.Millisecond))
	if rc.midPush < e2eKills/4 {
		t.Fatalf("only %d kills landed after a Bundle: the test tests too little", rc.midPush)
	}

	// Every entry is in its final state; every resource it became is on
	// the server once, as its journal records it; the skipped dose none.
	hosp, err = hub.OpenHospital(ctx, hubDir, id.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer hosp.Close()
	entries, err := hosp.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := hosp.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check, err := hosp.Check(ctx)
	if err != nil || !check.OK() {
		t.Fatalf("the hospital's journals: %v %v", check.Problems, err)
	}
	onServer, subject := serverByEntry(t, testRest(t, srv.URL))
	// The man registered on A and on C is one new patient; the woman
	// registered on B is the EHR's.
	var claesRef string
	for _, r := range resources[regA.ID] {
		if r.Type == "Patient" {
			claesRef = r.Reference()
		}
	}
	patientOf := map[string]string{regA.Patient: claesRef, regC.Patient: claesRef, regB.Patient: "Patient/" + w1[0]}
	decisions := 0
	for _, e := range entries {
		want := []string{store.StateCreated, store.StateAlreadyThere}
		switch {
		case e.Kind == clinical.KindDecision:
			decisions++
			want = []string{store.StateLocal}
			if e.KioskID != h.ID() {
				t.Errorf("a decision of kiosk %s", e.KioskID)
			}
		case e.ID == doseC.ID:
			want = []string{store.StateSkipped}
		case e.ID == regB.ID || e.ID == regC.ID:
			want = []string{store.StateLinked}
		}
		if !slices.Contains(want, e.State) {
			t.Errorf("a %s entry is %s, want %v", e.Kind, e.State, want)
		}
		got := onServer[e.ID]
		var kept []string
		for _, r := range resources[e.ID] {
			kept = append(kept, r.Reference())
		}
		slices.Sort(got)
		slices.Sort(kept)
		kept = slices.Compact(kept)
		if !slices.Equal(got, kept) {
			t.Errorf("a %s entry (%s) is %v on the server, its journal records %v", e.Kind, e.State, got, kept)
		}
		count := func(typ string) int {
			n := 0
			for _, r := range got {
				if strings.HasPrefix(r, typ+"/") {
					n++
				}
			}
			return n
		}
		var wantCounts map[string]int
		switch {
		case e.Kind == clinical.KindDecision || e.ID == doseC.ID:
			wantCounts = map[string]int{"Provenance": 0, "MedicationAdministration": 0}
		case e.Kind == clinical.KindMedication:
			wantCounts = map[string]int{"MedicationAdministration": 1, "Provenance": 1}
		case e.Kind == clinical.KindVitals:
			wantCounts = map[string]int{"Observation": 2, "Provenance": 1}
		case e.Kind == clinical.KindNote:
			wantCounts = map[string]int{"DocumentReference": 1, "Provenance": 1}
		case e.Kind == clinical.KindTransfer:
			wantCounts = map[string]int{"Encounter": 1, "Provenance": 1}
		case e.ID == regA.ID:
			wantCounts = map[string]int{"Patient": 1, "Encounter": 1, "Provenance": 1}
		case e.Kind == clinical.KindRegistration:
			wantCounts = map[string]int{"Patient": 0, "Encounter": 1, "Provenance": 1}
		}
		for typ, n := range wantCounts {
			if count(typ) != n {
				t.Errorf("a %s entry has %d %s on the server, want %d", e.Kind, count(typ), typ, n)
			}
		}
		for _, r := range got {
			want := "Patient/" + e.Patient
			if p, ok := patientOf[e.Patient]; ok {
				want = p
			}
			if s := subject[r]; s != "" && s != want {
				t.Errorf("a %s entry's %s is of %s, want %s", e.Kind, strings.Split(r, "/")[0], s, want)
			}
		}
	}
	if claesRef == "" {
		t.Error("the man registered on 3B and 4A was not created in the EHR")
	}
	if len(entries) != total+decisions || decisions != 4 {
		t.Errorf("the hospital's journals hold %d entries and %d decisions; the kiosks recorded %d", len(entries), decisions, total)
	}
	// What 4A recorded of the moved patient comes after his transfer.
	if slices.IndexFunc(entries, func(e store.JournalEntry) bool { return e.ID == transfer.ID }) >
		slices.IndexFunc(entries, func(e store.JournalEntry) bool { return e.ID == movedVitals.ID }) {
		t.Error("4A's vital signs of the moved patient come before his transfer")
	}
	checkMirrors("after the reconciliation")

	// Again, and handing in again: nothing changes on the server.
	before := srv.Stats().Resources
	res, err := (&reconcile.Reconciler{Client: testRest(t, srv.URL), Journal: hosp, Batch: 8}).Run(ctx)
	if err != nil || res.Created != 0 {
		t.Fatalf("another run created %d (%v)", res.Created, err)
	}
	hu.complete(&e2eJob{name: "A over the network, again", from: a.dir, network: true})
	hu.complete(&e2eJob{name: "C's copy, again", from: usbC})
	if after := srv.Stats().Resources; fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("a run with nothing left changed the server: %v, then %v", before, after)
	}
	checkMirrors("after handing in again")
	left, _ := filepath.Glob(filepath.Join(hubDir, "handin", "kiosks", "*", ".tmp-*"))
	t.Logf("%d kills in all; %d temporary files left in the mirrors; the whole took %v", upKills+rc.kills, len(left), time.Since(start).Round(time.Millisecond))
}

func testRest(t *testing.T, base string) *rest.Client {
	t.Helper()
	c, err := rest.New(base, rest.Options{Retries: -1, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serverByEntry is every resource on the server that carries an entry's
// identifier (or, for a Provenance, its tag), by entry: "Type/id" once
// for each time it is there; and the patient each names as its subject.
func serverByEntry(t *testing.T, c *rest.Client) (byEntry map[string][]string, subject map[string]string) {
	t.Helper()
	byEntry, subject = map[string][]string{}, map[string]string{}
	for _, typ := range []string{"MedicationAdministration", "Observation", "DocumentReference", "Encounter", "Patient", "Provenance", "AllergyIntolerance", "Flag"} {
		err := c.Search(context.Background(), typ, url.Values{}, func(raw json.RawMessage) error {
			var r struct {
				ResourceType, ID string
				Identifier       []struct{ System, Value string }
				Meta             struct {
					Tag []struct{ System, Code string }
				}
				Subject struct{ Reference string }
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			seen := map[string]bool{}
			for _, i := range r.Identifier {
				if i.System == reconcile.DefaultEntrySystem {
					// A vital sign's identifier is the entry's with a suffix.
					entry, _, _ := strings.Cut(i.Value, "/")
					seen[entry] = true
				}
			}
			for _, tag := range r.Meta.Tag {
				if tag.System == reconcile.DefaultEntrySystem {
					seen[tag.Code] = true
				}
			}
			for entry := range seen {
				byEntry[entry] = append(byEntry[entry], r.ResourceType+"/"+r.ID)
			}
			subject[r.ResourceType+"/"+r.ID] = r.Subject.Reference
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return byEntry, subject
}

// e2eJob is a journal to hand in: a kiosk's over the network, or a copy
// at the hub's folder.
type e2eJob struct {
	name    string
	from    string
	network bool
	again   bool // handed in whole already: never done, only killed
	done    bool
}

// e2eHandIns runs the hand-ins and kills them.
type e2eHandIns struct {
	t        *testing.T
	rng      *rand.Rand
	hubDir   string
	listener *e2eProc
	url      string
	// folderWindow is how long after it starts a hand-in at the hub's
	// folder is killed at most: about as long as one takes whole.
	folderWindow                           time.Duration
	kills                                  int
	listenerKills, kioskKills, folderKills int
}

func (hu *e2eHandIns) listen() {
	if hu.listener != nil {
		return
	}
	hu.listener = startE2E(hu.t, "listen", e2eHubEnv+"="+hu.hubDir)
	line, ok := hu.listener.await("listening ")
	if !ok {
		hu.t.Fatalf("the hub's listener did not start: %s", hu.listener.stderr)
	}
	hu.url = strings.TrimPrefix(line, "listening ")
}

func (hu *e2eHandIns) start(j *e2eJob) *e2eProc {
	if j.network {
		hu.listen()
		return startE2E(hu.t, "handin", e2eFromEnv+"="+j.from, e2eURLEnv+"="+hu.url)
	}
	return startE2E(hu.t, "folder", e2eFromEnv+"="+j.from, e2eHubEnv+"="+hu.hubDir)
}

// ended looks at how a hand-in ended that was not killed: done, or
// failed as it may (the hub's listener killed under it, or busy).
func (hu *e2eHandIns) ended(j *e2eJob, p *e2eProc, hubKilled bool) {
	hu.t.Helper()
	p.wait()
	switch {
	case p.killed:
	case p.code == 0:
		j.done = !j.again
	case hubKilled || strings.Contains(p.stderr.String(), "HTTP 429"):
	default:
		hu.t.Fatalf("%s failed: exit %d: %s", j.name, p.code, p.stderr)
	}
}

// network hands j in over the network and kills, just after a batch
// went in, the kiosk's process or (hub) the hub's listener.
func (hu *e2eHandIns) network(j *e2eJob, hubSide bool) {
	p := hu.start(j)
	if _, ok := p.await("ready"); !ok {
		hu.ended(j, p, false)
		return
	}
	if _, ok := p.await("batch "); !ok {
		hu.ended(j, p, false) // nothing was left to hand in
		return
	}
	time.Sleep(time.Duration(hu.rng.IntN(10_000)) * time.Microsecond)
	if hubSide {
		if hu.listener.kill() {
			hu.kills++
			hu.listenerKills++
		}
		hu.listener = nil
		hu.ended(j, p, true)
		return
	}
	if p.kill() {
		hu.kills++
		hu.kioskKills++
	}
	hu.ended(j, p, false)
}

// folder hands the copy j in at the hub's folder and kills it at a
// random moment.
func (hu *e2eHandIns) folder(j *e2eJob) {
	p := hu.start(j)
	if _, ok := p.await("ready"); !ok {
		hu.ended(j, p, false)
		return
	}
	hu.killFolder(j, p, time.Duration(hu.rng.Int64N(int64(hu.folderWindow))))
}

func (hu *e2eHandIns) killFolder(j *e2eJob, p *e2eProc, after time.Duration) {
	select {
	case <-p.ended:
		// It finished first: later kills are aimed within its time.
		hu.folderWindow = max(time.Since(p.ready), 50*time.Millisecond)
		hu.ended(j, p, false)
		return
	case <-time.After(after):
	}
	if p.kill() {
		hu.kills++
		hu.folderKills++
	}
	hu.ended(j, p, false)
}

// both hands the kiosk's journal in over the network and its copy at the
// hub's folder at once, and kills each.
func (hu *e2eHandIns) both(net, usb *e2eJob) {
	n, u := hu.start(net), hu.start(usb)
	if _, ok := n.await("ready"); ok {
		if _, ok := n.await("batch "); ok {
			time.Sleep(time.Duration(hu.rng.IntN(10_000)) * time.Microsecond)
			if n.kill() {
				hu.kills++
				hu.kioskKills++
			}
		}
	}
	hu.ended(net, n, false)
	if _, ok := u.await("ready"); ok {
		hu.killFolder(usb, u, time.Duration(hu.rng.Int64N(int64(hu.folderWindow/2)))-time.Since(u.ready))
	} else {
		hu.ended(usb, u, false)
	}
}

// complete runs j until it finishes, with no kill (again when the hub
// was busy).
func (hu *e2eHandIns) complete(j *e2eJob) {
	hu.t.Helper()
	for {
		p := hu.start(j)
		if p.wait(); p.code == 0 {
			j.done = true
			return
		}
		hu.ended(j, p, false)
	}
}

// e2eReconcile runs the hospital's reconciliation and kills it.
type e2eReconcile struct {
	t                    *testing.T
	rng                  *rand.Rand
	env                  []string
	kills                int
	midPush, early, idle int
	finished             bool // a run ended by itself: nothing is left to push
}

// until kills runs until kills have been made in all, or until a run
// ends by itself having nothing left to push; after that, runs with
// nothing to push are killed while they read and plan.
func (rc *e2eReconcile) until(kills int) {
	rc.t.Helper()
	rc.finished = false
	for rc.kills < kills {
		p := startE2E(rc.t, "reconcile", rc.env...)
		if _, ok := p.await("ready"); !ok {
			rc.ended(p)
			continue
		}
		k := rc.kills
		switch {
		case rc.finished:
			// Nothing left: killed reading and planning.
			time.Sleep(time.Duration(rc.rng.IntN(200_000)) * time.Microsecond)
			if p.kill() {
				rc.kills++
				rc.idle++
			}
		case k%4 == 0:
			// While the journals are read and the server planned against.
			time.Sleep(time.Duration(rc.rng.IntN(250_000)) * time.Microsecond)
			if p.kill() {
				rc.kills++
				rc.early++
			}
		default:
			// Just after a Bundle was answered and recorded: in the next
			// one, on the server or while its answer is recorded.
			landed := true
			for range 1 + rc.rng.IntN(2) {
				if _, landed = p.await("pushed "); !landed {
					break
				}
			}
			if landed {
				time.Sleep(time.Duration(rc.rng.IntN(30_000)) * time.Microsecond)
				if p.kill() {
					rc.kills++
					rc.midPush++
				}
			}
		}
		rc.ended(p)
	}
}

// ended looks at how a run ended: killed, done (nothing left to push for
// now), or failed, which it must not.
func (rc *e2eReconcile) ended(p *e2eProc) {
	rc.t.Helper()
	if p.wait() {
		return
	}
	if p.code != 0 {
		rc.t.Fatalf("a reconciliation failed: exit %d: %s", p.code, p.stderr)
	}
	rc.finished = true
}

// complete runs the reconciliation once more to its end, with no kill.
func (rc *e2eReconcile) complete() {
	rc.t.Helper()
	p := startE2E(rc.t, "reconcile", rc.env...)
	p.finish()
}
