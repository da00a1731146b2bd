package reconcile

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhirtest"
)

// ward is a kiosk of the hospital: its folder, keys and journal.
type kiosk struct {
	dir  string
	keys *store.Keys
	j    *store.Journal
}

func newKiosk(t *testing.T, recovery string) *kiosk {
	t.Helper()
	dir := t.TempDir()
	if _, err := store.Init(dir, "ward passphrase 9Z", store.InitOptions{Recovery: recovery, WorkFactor: 10}); err != nil {
		t.Fatal(err)
	}
	keys, err := store.Unlock(dir, "ward passphrase 9Z")
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &kiosk{dir: dir, keys: keys, j: j}
}

// handIn copies the kiosk's journal into a mirror under hub, as the hub
// keeps it, and opens the mirror with the recovery identity.
func (k *kiosk) handIn(t *testing.T, hub, identity string) *store.Journal {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join(k.dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := store.OpenMirror(filepath.Join(hub, k.keys.Config.KioskID), raw)
	if err != nil {
		t.Fatal(err)
	}
	var pos store.Position
	for {
		h, err := store.ReadHandIn(ctx, k.dir, pos)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Put(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if pos = r.Position; h.Last() {
			break
		}
	}
	rk, err := store.UnlockRecovery(m.Dir(), identity)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(ctx, m.Dir(), rk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// runAll runs the reconciliation, which must leave nothing waiting for a
// person and nothing refused.
func runAll(t *testing.T, r *Reconciler) *Result {
	t.Helper()
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Plan.Count[Conflict] + res.Plan.Count[NeedsLink] + res.Plan.Count[Failed]; n != 0 {
		t.Fatalf("%d entries still wait: %+v", n, res.Plan.Count)
	}
	return res
}

// decisionsJournal is the hub's own journal of decisions, under hub,
// opened with the recovery identity.
func decisionsJournal(t *testing.T, hub string, id *age.X25519Identity) *store.Journal {
	t.Helper()
	dir := filepath.Join(hub, "decisions")
	if _, err := store.Init(dir, "hub passphrase 9Z", store.InitOptions{Recovery: id.Recipient().String(), WorkFactor: 10}); err != nil {
		t.Fatal(err)
	}
	rk, err := store.UnlockRecovery(dir, id.String())
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), dir, rk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// TestOneReconciliationForTheHospital: three kiosks on two wards, their
// journals handed in and reconciled as one. The same dose recorded on
// two kiosks (the patient moved mid-round) is a conflict, not two
// administrations; the same downtime patient registered on two kiosks is
// one link; a transfer and what the new ward recorded after it come in
// order; decisions are recorded once, at the hub, and every entry reaches
// the EHR exactly once.
func TestOneReconciliationForTheHospital(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, "testdata/scenario/ward.ndjson")
	ctx := context.Background()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	recovery := id.Recipient().String()
	a, b, c := newKiosk(t, recovery), newKiosk(t, recovery), newKiosk(t, recovery)
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	enoxaparin := func(when time.Time) clinical.Entry {
		q := clinical.Quantity{Value: 40, Unit: "mg"}
		return clinical.Entry{Kind: clinical.KindMedication, Patient: "p1", ClinicalTime: when,
			BasedOn:    []clinical.Version{v1("Patient", "p1"), v1("MedicationRequest", "mr3")},
			Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Enoxaparin 40 mg", OrderID: "mr3", Dose: &q, Route: "subcutaneous"}}
	}
	claes := clinical.Registration{Family: "Claes", Given: "Jan", Sex: "male", BirthDate: "1948-05-02", Ward: "3B", Bed: "4"}

	doseA := recordAs(t, a.j, "RN Peeters", enoxaparin(at))
	regA := recordAs(t, a.j, "RN Peeters", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at, Registration: &claes})
	transfer := recordAs(t, a.j, "RN Peeters", clinical.Entry{Kind: clinical.KindTransfer, Patient: "p3", ClinicalTime: at.Add(30 * time.Minute),
		BasedOn: []clinical.Version{v1("Patient", "p3")}, Transfer: &clinical.Transfer{Ward: "4A", Room: "412", Bed: "2"}})
	doseB := recordAs(t, b.j, "RN Wouters", enoxaparin(at.Add(10*time.Minute)))
	after := recordAs(t, b.j, "RN Wouters", clinical.Entry{Kind: clinical.KindVitals, Patient: "p3", ClinicalTime: at.Add(40 * time.Minute),
		Vitals: &clinical.VitalSigns{HeartRate: f(80), SpO2: f(97)}})
	moved := claes
	moved.Ward, moved.Bed = "4A", "1"
	regC := recordAs(t, c.j, "RN Maes", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at.Add(time.Hour), Registration: &moved})
	vitalsC := recordAs(t, c.j, "RN Maes", clinical.Entry{Kind: clinical.KindVitals, Patient: regC.Patient, ClinicalTime: at.Add(70 * time.Minute),
		Vitals: &clinical.VitalSigns{HeartRate: f(92), SpO2: f(95)}})

	// Handed in; the hub's own journal takes the decisions.
	hub := t.TempDir()
	var mirrors []*store.Journal
	for _, k := range []*kiosk{a, b, c} {
		mirrors = append(mirrors, k.handIn(t, filepath.Join(hub, "kiosks"), id.String()))
	}
	js := store.NewJournals(decisionsJournal(t, hub, id), mirrors...)

	r := &Reconciler{Client: testClient(t, srv.URL), Journal: js, Batch: 3}
	plan, err := r.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(plan)
	for _, e := range []clinical.Entry{doseA, doseB} {
		if it := got[e.ID]; it.Outcome != Conflict || it.Conflict != ConflictRecordedTwice || it.Server == nil {
			t.Errorf("a dose recorded on two kiosks: %+v", it)
		}
	}
	if it := got[regC.ID]; it.Outcome != NeedsLink || it.SameAs != regA.ID {
		t.Errorf("the same person registered on a second kiosk: %+v", it)
	}
	order := slices.IndexFunc(plan.Items, func(it Item) bool { return it.Entry == transfer.ID }) <
		slices.IndexFunc(plan.Items, func(it Item) bool { return it.Entry == after.ID })
	if !order {
		t.Error("the new ward's entry comes before the transfer")
	}

	// One decision on each: the dose given once; the patient linked once.
	now := time.Now()
	if _, err := Decide(ctx, js, doseB.ID, clinical.DecisionSkip, "", "the same dose as on 3B, charted again after the transfer", "HIM Claes", now); err != nil {
		t.Fatal(err)
	}
	if _, err := Decide(ctx, js, regA.ID, clinical.DecisionLink, "claes-real", "wristband checked", "HIM Claes", now); err != nil {
		t.Fatal(err)
	}
	res := runAll(t, r)
	client := testClient(t, srv.URL)
	for _, want := range []struct {
		typ   string
		entry clinical.Entry
		n     int
	}{
		{"MedicationAdministration", doseA, 1}, {"MedicationAdministration", doseB, 0}, {"Encounter", transfer, 1},
		{"Observation", after, 2}, {"Observation", vitalsC, 2},
	} {
		if n := countIdentified(t, client, want.typ, want.entry.ID); n != want.n {
			t.Errorf("%s of entry %s: %d on the server, want %d", want.typ, want.entry.ID, n, want.n)
		}
	}
	// The report counts per ward and per kiosk.
	entries, err := js.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := js.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wards := map[string]string{a.keys.Config.KioskID: "3B", b.keys.Config.KioskID: "4A", c.keys.Config.KioskID: "3B"}
	rep := NewReport(entries, resources, res.Plan, func(k string) string { return wards[k] })
	if w := rep.ByWard["3B"]; w.Created != 3 || w.Linked != 2 {
		t.Errorf("ward 3B: %+v", w)
	}
	if w := rep.ByWard["4A"]; w.Created != 1 || w.Skipped != 1 {
		t.Errorf("ward 4A: %+v", w)
	}
	if w := rep.ByWard[""]; w.Local != 2 || len(rep.ByKiosk) != 4 {
		t.Errorf("the hub's decisions: %+v; kiosks %d", w, len(rep.ByKiosk))
	}

	// Decisions are the hub's: no kiosk's copy of its journal was written.
	for i, m := range mirrors {
		es, err := m.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Kind == clinical.KindDecision {
				t.Errorf("kiosk %d's copy holds a decision", i)
			}
		}
	}

	// Again: nothing is pushed twice.
	res, err = r.Run(ctx)
	if err != nil || res.Created != 0 {
		t.Fatalf("a second run created %d, %v", res.Created, err)
	}
	if n := countIdentified(t, client, "MedicationAdministration", doseA.ID); n != 1 {
		t.Errorf("the dose is %d times on the server", n)
	}
}

// An entry corrected at the hub (in the worklist) and, on its kiosk, by
// the nurse, whose correction is handed in later: two corrections of one
// entry, from two journals. Neither is pushed until a person decides;
// then only what was decided reaches the EHR, once.
func TestAnEntryCorrectedAtTheHubAndOnItsKioskWaitsForAPerson(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, "testdata/scenario/ward.ndjson")
	ctx := context.Background()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	a := newKiosk(t, id.Recipient().String())
	at := time.Now().Add(-time.Hour).Truncate(time.Minute)
	vitals := func(hr float64) clinical.Entry {
		return clinical.Entry{Kind: clinical.KindVitals, Patient: "p3", ClinicalTime: at, Vitals: &clinical.VitalSigns{HeartRate: f(hr), SpO2: f(97)}}
	}
	x := recordAs(t, a.j, "RN Wouters", vitals(180))
	hub := t.TempDir()
	decisions := decisionsJournal(t, hub, id)
	js := store.NewJournals(decisions, a.handIn(t, filepath.Join(hub, "kiosks"), id.String()))
	h := vitals(80)
	h.Supersedes = x.ID
	if err := js.Stamp(&h, "HIM Claes", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := js.Record(ctx, h); err != nil {
		t.Fatal(err)
	}
	y := vitals(81)
	y.Supersedes = x.ID
	y = recordAs(t, a.j, "RN Wouters", y)
	js = store.NewJournals(decisions, a.handIn(t, filepath.Join(hub, "kiosks"), id.String()))

	r := &Reconciler{Client: testClient(t, srv.URL), Journal: js}
	plan, err := r.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(plan)
	// Each shows the other beside it, with who and when.
	for _, c := range []struct{ e, other clinical.Entry }{{h, y}, {y, h}} {
		it := got[c.e.ID]
		if it.Outcome != Conflict || it.Conflict != ConflictCorrectedTwice || !strings.Contains(it.Reason, "corrected also by entry "+c.other.ID) {
			t.Errorf("one of two corrections of an entry: %s %s %q", it.Outcome, it.Conflict, it.Reason)
		}
		if s := it.Server; s == nil || s.Reference != "entry "+c.other.ID || s.By != c.other.Author || s.At != c.other.ClinicalTime.UTC().Format(time.RFC3339) {
			t.Errorf("the other side of a correction: %+v", s)
		}
	}
	if it := got[x.ID]; it.Outcome != Nothing {
		t.Errorf("the entry corrected: %s", it.Outcome)
	}

	// The nurse's value stands; the hub's correction is skipped.
	now := time.Now()
	if _, err := Decide(ctx, js, h.ID, clinical.DecisionSkip, "", "the nurse corrected it at the bedside", "HIM Claes", now); err != nil {
		t.Fatal(err)
	}
	if _, err := Decide(ctx, js, y.ID, clinical.DecisionPush, "", "the bedside value", "HIM Claes", now); err != nil {
		t.Fatal(err)
	}
	runAll(t, r)
	client := testClient(t, srv.URL)
	for _, want := range []struct {
		entry clinical.Entry
		n     int
	}{{x, 0}, {h, 0}, {y, 2}} {
		if n := countIdentified(t, client, "Observation", want.entry.ID); n != want.n {
			t.Errorf("Observations of entry %s: %d on the server, want %d", want.entry.ID, n, want.n)
		}
	}
}
