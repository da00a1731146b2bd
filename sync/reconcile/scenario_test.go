package reconcile

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/rest"
)

// testJournal makes a vault in a temporary folder and opens its journal.
func testJournal(t testing.TB) (string, *store.Keys, *store.Journal) {
	t.Helper()
	v := storetest.NewVault(t)
	j, err := store.OpenJournal(context.Background(), v.Dir, v.Keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return v.Dir, v.Keys, j
}

// recordAs stamps and records one entry as author and returns it.
func recordAs(t *testing.T, j *store.Journal, author string, e clinical.Entry) clinical.Entry {
	t.Helper()
	if err := j.Stamp(&e, author, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(context.Background(), e); err != nil {
		t.Fatalf("recording a %s entry: %v", e.Kind, err)
	}
	return e
}

func testClient(t testing.TB, base string) *rest.Client {
	t.Helper()
	c, err := rest.New(base, rest.Options{Retries: -1, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func v1(typ, id string) clinical.Version {
	return clinical.Version{Type: typ, ID: id, VersionID: "1", LastUpdated: "2026-11-25T06:00:00Z"}
}

func f(x float64) *float64 { return &x }

// countIdentified counts the resources of typ on the server that carry
// the entry's identifier (or, for Provenance, its tag).
func countIdentified(t *testing.T, c *rest.Client, typ, entry string) int {
	t.Helper()
	param, value := "identifier", DefaultEntrySystem+"|"+entry
	if typ == "Provenance" {
		param = "_tag"
	}
	n := 0
	err := c.Search(context.Background(), typ, url.Values{param: {value}}, func(json.RawMessage) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	// Several Observations of one entry carry suffixed identifiers.
	if typ == "Observation" {
		n = 0
		err = c.Search(context.Background(), typ, url.Values{"_count": {"1000"}}, func(raw json.RawMessage) error {
			if strings.Contains(string(raw), entry) {
				n++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func outcomes(p *Plan) map[string]Item {
	out := map[string]Item{}
	for _, it := range p.Items {
		out[it.Entry] = it
	}
	return out
}

// TestADowntimeScenarioIsPlannedPushedAndDecidedExactlyOnce is the issue's
// scenario: administrations, vitals, notes, a new allergy, two downtime
// registrations and a transfer, with the EHR changed during the outage (an
// order stopped, a dose changed, an allergy recorded by someone else, the
// temporary patient's real record there all along).
func TestADowntimeScenarioIsPlannedPushedAndDecidedExactlyOnce(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, "testdata/scenario/ward.ndjson")
	ctx := context.Background()
	_, _, j := testJournal(t)
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	nurse, other := "RN Peeters", "RN Wouters"

	dose := func(order, name string, q clinical.Quantity) clinical.Entry {
		return clinical.Entry{Kind: clinical.KindMedication, Patient: "p1", ClinicalTime: at,
			BasedOn:    []clinical.Version{v1("Patient", "p1"), v1("MedicationRequest", order)},
			Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: name, OrderID: order, Dose: &q, Route: "oral"}}
	}
	enoxaparin := recordAs(t, j, nurse, dose("mr3", "Enoxaparin 40 mg", clinical.Quantity{Value: 40, Unit: "mg"}))
	amoxicillin := recordAs(t, j, nurse, dose("mr1", "Amoxicillin 500 mg", clinical.Quantity{Value: 500, Unit: "mg"}))
	paracetamol := recordAs(t, j, other, dose("mr2", "Paracetamol 1 g", clinical.Quantity{Value: 1, Unit: "g"}))
	vitals := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindVitals, Patient: "p1", ClinicalTime: at,
		Vitals: &clinical.VitalSigns{Systolic: f(128), Diastolic: f(76), HeartRate: f(88), Temperature: f(37.4)}})
	note := recordAs(t, j, other, clinical.Entry{Kind: clinical.KindNote, Patient: "p2", ClinicalTime: at,
		Note: &clinical.NursingNote{Text: "Slept well, no complaints."}})
	latex := recordAs(t, j, other, clinical.Entry{Kind: clinical.KindAllergy, Patient: "p2", ClinicalTime: at,
		Allergy: &clinical.NewAllergy{Substance: "latex", Reaction: "rash", Severity: "mild"}})
	penicillin := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindAllergy, Patient: "p2", ClinicalTime: at,
		Allergy: &clinical.NewAllergy{Substance: "penicillin", Reaction: "hives", Criticality: "high"}})
	claes := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at,
		Registration: &clinical.Registration{Family: "Claes", Given: "Jan", Sex: "male", BirthDate: "1948-05-02", Ward: "3B", Bed: "4"}})
	claesVitals := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindVitals, Patient: claes.Patient, ClinicalTime: at.Add(10 * time.Minute),
		Vitals: &clinical.VitalSigns{HeartRate: f(92), SpO2: f(95)}})
	unknown := recordAs(t, j, other, clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at,
		Registration: &clinical.Registration{Sex: "female", BirthDate: "1990", BirthDateEstimated: true, Ward: "3B", Bed: "5"}})
	transfer := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindTransfer, Patient: "p3", ClinicalTime: at.Add(30 * time.Minute),
		BasedOn: []clinical.Version{v1("Patient", "p3")}, Transfer: &clinical.Transfer{Ward: "4A", Room: "412", Bed: "2"}})
	mistake := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindNote, Patient: "p3", ClinicalTime: at,
		Note: &clinical.NursingNote{Text: "Wrong patient."}})
	cancel := recordAs(t, j, nurse, clinical.Entry{Kind: clinical.KindCancellation, Patient: "p3", ClinicalTime: at, Supersedes: mistake.ID,
		Cancellation: &clinical.Cancellation{Reason: "written on the wrong chart"}})

	// Meanwhile, in the EHR.
	var mr1, mr2 map[string]any
	client := testClient(t, srv.URL)
	for id, into := range map[string]*map[string]any{"mr1": &mr1, "mr2": &mr2} {
		raw, err := client.Read(ctx, "MedicationRequest", id)
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(raw, into)
	}
	mr1["status"] = "stopped"
	mr2["dosageInstruction"] = []any{map[string]any{"text": "500 mg every 6 hours"}}
	for _, r := range []map[string]any{mr1, mr2} {
		b, _ := json.Marshal(r)
		srv.Put(b)
	}
	srv.Put(json.RawMessage(`{"resourceType":"AllergyIntolerance","id":"a2","patient":{"reference":"Patient/p2"},
		"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},
		"code":{"text":"Penicillin"},"criticality":"high","recorder":{"display":"Dr. Vermeulen"},"recordedDate":"2026-11-26T09:00:00+01:00"}`))

	r := &Reconciler{Client: client, Journal: j, Batch: 3}
	plan, err := r.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		outcome  Outcome
		conflict string
	}{
		enoxaparin.ID: {Create, ""}, amoxicillin.ID: {Conflict, ConflictOrderStopped}, paracetamol.ID: {Conflict, ConflictOrderChanged},
		vitals.ID: {Create, ""}, note.ID: {Create, ""}, latex.ID: {Create, ""}, penicillin.ID: {Conflict, ConflictAllergyExists},
		claes.ID: {NeedsLink, ""}, claesVitals.ID: {NeedsLink, ""}, unknown.ID: {NeedsLink, ""}, transfer.ID: {Create, ""},
		mistake.ID: {Nothing, ""}, cancel.ID: {Nothing, ""},
	}
	got := outcomes(plan)
	for id, w := range want {
		if g := got[id]; g.Outcome != w.outcome || g.Conflict != w.conflict {
			t.Errorf("%s entry: %s %s (%s), want %s %s", g.Kind, g.Outcome, g.Conflict, g.Reason, w.outcome, w.conflict)
		}
	}
	if c := got[claes.ID].Candidates; len(c) == 0 || c[0].Patient != "claes-real" {
		t.Errorf("the real record is not the first candidate: %+v", c)
	}
	if s := got[penicillin.ID].Server; s == nil || s.By != "Dr. Vermeulen" {
		t.Errorf("the EHR side of the allergy conflict: %+v", s)
	}

	// The dry run changed nothing: the plan pushes.
	res, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 5 {
		t.Errorf("created %d entries, want 5", res.Created)
	}
	for _, c := range []struct {
		typ   string
		entry clinical.Entry
		n     int
	}{
		{"MedicationAdministration", enoxaparin, 1}, {"MedicationAdministration", amoxicillin, 0},
		{"Observation", vitals, 3}, {"DocumentReference", note, 1}, {"AllergyIntolerance", latex, 1},
		{"AllergyIntolerance", penicillin, 0}, {"Encounter", transfer, 1}, {"DocumentReference", mistake, 0},
		{"Provenance", enoxaparin, 1}, {"Provenance", transfer, 1}, {"Provenance", claes, 0},
	} {
		if n := countIdentified(t, client, c.typ, c.entry.ID); n != c.n {
			t.Errorf("%s of the %s entry: %d on the server, want %d", c.typ, c.entry.Kind, n, c.n)
		}
	}

	// People decide; every decision is a journal entry.
	now := time.Now()
	him := "HIM Claes"
	decide := func(e clinical.Entry, action, linkTo, reason string) {
		t.Helper()
		if _, err := Decide(ctx, j, e.ID, action, linkTo, reason, him, now); err != nil {
			t.Fatalf("deciding %s on the %s entry: %v", action, e.Kind, err)
		}
	}
	if _, err := Decide(ctx, j, amoxicillin.ID, clinical.DecisionSkip, "", "", him, now); err == nil {
		t.Error("a skip without a reason was recorded")
	}
	if _, err := Decide(ctx, j, enoxaparin.ID, clinical.DecisionSkip, "", "late", him, now); err == nil {
		t.Error("a decision on an entry already reconciled was recorded")
	}
	decide(amoxicillin, clinical.DecisionSkip, "", "the order was stopped before the dose; pharmacy informed")
	decide(paracetamol, clinical.DecisionPush, "", "given as documented on paper; the EHR dose change came later")
	// Edit then push: a correction of the allergy, pushed by decision; the
	// original is superseded and never pushed.
	edited := penicillin
	edited.ID, edited.Supersedes = "", penicillin.ID
	edited.Allergy = &clinical.NewAllergy{Substance: "penicillin", Reaction: "hives and wheeze", Severity: "moderate", Criticality: "high"}
	edited = recordAs(t, j, him, edited)
	decide(edited, clinical.DecisionPush, "", "adds the wheeze the physician's record lacks")
	decide(claes, clinical.DecisionLink, "claes-real", "wristband and birth date checked")
	decide(unknown, clinical.DecisionNewPatient, "", "no record found; identity still unknown")

	res, err = r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Plan.Count[Conflict] + res.Plan.Count[NeedsLink] + res.Plan.Count[Failed]; n != 0 {
		t.Errorf("%d entries still wait after the decisions: %+v", n, res.Plan.Count)
	}
	entries, err := j.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	decisions := 0
	for _, e := range entries {
		states[e.ID] = e.State
		if e.Kind == clinical.KindDecision {
			decisions++
			if e.Author != him || e.State != store.StateLocal {
				t.Errorf("a decision by %q in state %s", e.Author, e.State)
			}
		}
	}
	if decisions != 5 {
		t.Errorf("%d decisions in the journal, want 5", decisions)
	}
	if n := countIdentified(t, client, "AllergyIntolerance", edited.ID); n != 1 {
		t.Errorf("the edited allergy is %d times on the server, want once", n)
	}
	wantStates := map[string]string{
		enoxaparin.ID: store.StateCreated, amoxicillin.ID: store.StateSkipped, paracetamol.ID: store.StateCreated,
		penicillin.ID: store.StateSuperseded, edited.ID: store.StateCreated, claes.ID: store.StateLinked, claesVitals.ID: store.StateCreated,
		unknown.ID: store.StateCreated, mistake.ID: store.StateSuperseded, cancel.ID: store.StateLocal,
	}
	for id, w := range wantStates {
		if states[id] != w {
			t.Errorf("entry %s is %s, want %s", id, states[id], w)
		}
	}
	// The linked patient's vitals went to the real record; the new patient
	// carries the temporary identifier.
	var obs struct {
		Subject struct{ Reference string } `json:"subject"`
	}
	err = client.Search(ctx, "Observation", url.Values{"identifier": {DefaultEntrySystem + "|" + claesVitals.ID + "/8867-4"}},
		func(raw json.RawMessage) error { return json.Unmarshal(raw, &obs) })
	if err != nil || obs.Subject.Reference != "Patient/claes-real" {
		t.Errorf("the linked patient's vitals are on %q (%v)", obs.Subject.Reference, err)
	}
	n := 0
	client.Search(ctx, "Patient", url.Values{"identifier": {DefaultTemporarySystem + "|" + unknown.Patient}}, func(json.RawMessage) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d patients carry the new patient's temporary identifier, want 1", n)
	}

	// A note cancelled after it was pushed is marked entered in error in
	// the EHR.
	withdraw := recordAs(t, j, other, clinical.Entry{Kind: clinical.KindCancellation, Patient: "p2", ClinicalTime: time.Now(),
		Supersedes: note.ID, Cancellation: &clinical.Cancellation{Reason: "written for another patient"}})
	if res, err = r.Run(ctx); err != nil || res.Created != 1 {
		t.Fatalf("the cancellation run created %d (%v)", res.Created, err)
	}
	var doc struct{ Status string }
	client.Search(ctx, "DocumentReference", url.Values{"identifier": {DefaultEntrySystem + "|" + note.ID}},
		func(raw json.RawMessage) error { return json.Unmarshal(raw, &doc) })
	if doc.Status != "entered-in-error" || countIdentified(t, client, "Provenance", withdraw.ID) != 1 {
		t.Errorf("the cancelled note is %q in the EHR", doc.Status)
	}

	// A further run finds nothing to do and creates nothing.
	before := srv.Stats().Resources
	if res, err = r.Run(ctx); err != nil || res.Created != 0 {
		t.Fatalf("a run with nothing left created %d (%v)", res.Created, err)
	}
	if after := srv.Stats().Resources; !maps.Equal(before, after) {
		t.Errorf("a run with nothing left changed the server: %v, then %v", before, after)
	}
}

// TestAnEntryForAMergedPatientWaitsAndGoesToTheSurvivingRecordOnceLinked:
// the EHR merged the patient during the outage; the note waits for a
// person, who links it to the surviving record.
func TestAnEntryForAMergedPatientWaitsAndGoesToTheSurvivingRecordOnceLinked(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, "testdata/scenario/ward.ndjson")
	ctx := context.Background()
	_, _, j := testJournal(t)
	note := recordAs(t, j, "RN Peeters", clinical.Entry{Kind: clinical.KindNote, Patient: "p3", ClinicalTime: time.Now().Add(-time.Hour),
		BasedOn: []clinical.Version{v1("Patient", "p3")}, Note: &clinical.NursingNote{Text: "Mobilised twice."}})
	srv.Put(json.RawMessage(`{"resourceType":"Patient","id":"p3","active":false,"name":[{"family":"Maes","given":["Lotte"]}],
		"gender":"female","birthDate":"1985-03-03","link":[{"other":{"reference":"Patient/claes-other"},"type":"replaced-by"}]}`))
	client := testClient(t, srv.URL)
	r := &Reconciler{Client: client, Journal: j}
	res, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	it := outcomes(res.Plan)[note.ID]
	if it.Outcome != Conflict || it.Conflict != ConflictPatientMerged || it.Server == nil || it.Server.Value != "merged into Patient/claes-other" {
		t.Fatalf("the note for a merged patient: %s %s %+v", it.Outcome, it.Conflict, it.Server)
	}
	if _, err := Decide(ctx, j, note.ID, clinical.DecisionLink, "claes-other", "merged record checked", "HIM Claes", time.Now()); err != nil {
		t.Fatal(err)
	}
	if res, err = r.Run(ctx); err != nil || res.Created != 1 {
		t.Fatalf("after the link: created %d (%v)", res.Created, err)
	}
	var doc struct {
		Subject struct{ Reference string } `json:"subject"`
	}
	client.Search(ctx, "DocumentReference", url.Values{"identifier": {DefaultEntrySystem + "|" + note.ID}},
		func(raw json.RawMessage) error { return json.Unmarshal(raw, &doc) })
	if doc.Subject.Reference != "Patient/claes-other" {
		t.Errorf("the note went to %q, want the surviving record", doc.Subject.Reference)
	}
}
