package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// reviewWard is a snapshot of two patients: p1 (MRN0000001) admitted two
// days ago, allergic to penicillin, with an active paracetamol order given
// 40 minutes ago and a stopped penicillin order; p2 with its own order.
func reviewWard(t *testing.T) (*Ward, *Journal) {
	t.Helper()
	now := time.Now()
	p1 := testChart("p1", "Peeters, Maria", "MRN0000001")
	p1.Patient.Admitted = now.Add(-48 * time.Hour)
	p1.Medications.Items = append(p1.Medications.Items, clinical.Medication{Name: "Penicillin V 500 mg", Status: "stopped",
		Source: clinical.Source{Type: "MedicationRequest", ID: "p1-m2", VersionID: "7", JSON: []byte(`{}`)}})
	p1.Administrations.Items = []clinical.Administration{{Medication: "Paracetamol 1 g", Status: "completed", Dose: "1 g",
		Time: now.Add(-40 * time.Minute), OrderID: "p1-m1", Source: clinical.Source{Type: "MedicationAdministration", ID: "p1-a1", JSON: []byte(`{}`)}}}
	w, err := BuildWard(context.Background(), []clinical.Chart{p1, testChart("p2", "Dubois, Jean", "MRN0000002")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	dir, keys := testVault(t)
	return w, openJournal(t, dir, keys)
}

func reviewOne(t *testing.T, w *Ward, j *Journal, history []JournalEntry, e clinical.Entry) (clinical.Entry, []clinical.Warning, error) {
	t.Helper()
	batch := []clinical.Entry{draft(t, j, e)}
	ws, err := clinical.Review(context.Background(), w, history, batch, time.Now())
	return batch[0], ws, err
}

func rules(ws []clinical.Warning) string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule+": "+w.Text)
	}
	return strings.Join(out, "\n")
}

func withoutRule(ws []clinical.Warning, rule string) []clinical.Warning {
	var out []clinical.Warning
	for _, w := range ws {
		if w.Rule != rule {
			out = append(out, w)
		}
	}
	return out
}

func TestADoseWithoutAnOrderIsWarnedAboutAndMarked(t *testing.T) {
	w, j := reviewWard(t)
	e, ws, err := reviewOne(t, w, j, nil, doseEntry("p2", "", clinical.OutcomeGiven, time.Now()))
	if err != nil || len(ws) != 1 || ws[0].Rule != "order" || !strings.Contains(ws[0].Text, `no order`) || !e.Medication.NoOrder() {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	// With its order it is not; a dose held gives nothing and is not either.
	if _, ws, _ = reviewOne(t, w, j, nil, doseEntry("p1", "p1-m1", clinical.OutcomeHeld, time.Now())); len(ws) != 0 {
		t.Fatalf("warnings %s", rules(ws))
	}
}

func TestAHardStopNeedsAWitnessAndAReason(t *testing.T) {
	w, j := reviewWard(t)
	e := doseEntry("p1", "", clinical.OutcomeGiven, time.Now())
	e.Medication.Medication = "Augmentin 1 g"
	batch := []clinical.Entry{draft(t, j, e)}
	ws, err := clinical.Review[JournalEntry](context.Background(), w, nil, batch, time.Now())
	if err != nil || !strings.Contains(rules(ws), "augmentin is a penicillin") {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	if u := clinical.Unwitnessed(batch, ws); len(u) != 1 || u[0] != 0 {
		t.Fatalf("unwitnessed %v", u)
	}
	for _, c := range []struct {
		o    clinical.Override
		want string
	}{
		{clinical.Override{Witness: "", Reason: "no alternative"}, "the witness (the second person's name) is missing"},
		{clinical.Override{Witness: "Nurse B", Reason: " "}, "the reason for giving the dose despite the allergy is missing"},
		{clinical.Override{Witness: batch[0].Author, Reason: "no alternative"}, "the witness must be a second person"},
		{clinical.Override{Witness: "Nurse B", Reason: "tolerated before, per the physician"}, ""},
	} {
		b := []clinical.Entry{batch[0]}
		m := *b[0].Medication
		m.Override = &c.o
		b[0].Medication = &m
		ws, err := clinical.Review[JournalEntry](context.Background(), w, nil, b, time.Now())
		switch {
		case c.want == "" && (err != nil || len(clinical.Unwitnessed(b, ws)) != 0):
			t.Errorf("%+v: err %v, unwitnessed %v", c.o, err, clinical.Unwitnessed(b, ws))
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: err %v, want %q", c.o, err, c.want)
		}
	}
}

func TestReviewResolvesTheMRNAndRecordsTheVersionsTheEntryIsBasedOn(t *testing.T) {
	w, j := reviewWard(t)
	e, ws, err := reviewOne(t, w, j, nil, doseEntry("MRN0000001", "p1-m1", clinical.OutcomeHeld, time.Now()))
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	if e.Patient != "p1" || len(e.BasedOn) != 2 {
		t.Fatalf("patient %q based on %+v", e.Patient, e.BasedOn)
	}
	if v := e.BasedOn[1]; v.Type != "MedicationRequest" || v.ID != "p1-m1" || v.VersionID != "3" || v.LastUpdated != "2026-11-26T06:00:00Z" {
		t.Fatalf("order version %+v", v)
	}
	if v := e.BasedOn[0]; v.Type != "Patient" || v.ID != "p1" {
		t.Fatalf("patient version %+v", v)
	}
}

func TestAMedicationMatchingAnActiveAllergyIsWarnedAbout(t *testing.T) {
	w, j := reviewWard(t)
	e := doseEntry("p1", "", clinical.OutcomeGiven, time.Now())
	e.Medication.Medication = "Penicillin V 500 mg"
	_, ws, err := reviewOne(t, w, j, nil, e)
	if err != nil || !strings.Contains(rules(ws), "allergy: hard stop: allergy to Penicillin (high criticality): the medication's name matches it") ||
		!ws[1].Stop {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	// An allergy recorded during downtime counts too.
	allergy := JournalEntry{Entry: draft(t, j, clinical.Entry{Kind: clinical.KindAllergy, Patient: "p2", ClinicalTime: time.Now(),
		Allergy: &clinical.NewAllergy{Substance: "Paracetamol"}})}
	_, ws, _ = reviewOne(t, w, j, []JournalEntry{allergy}, doseEntry("p2", "", clinical.OutcomeGiven, time.Now()))
	if !strings.Contains(rules(ws), "allergy to Paracetamol") {
		t.Fatalf("warnings %s", rules(ws))
	}
	// A dose held is no risk.
	e.Medication.Outcome, e.Medication.Reason = clinical.OutcomeHeld, "allergy"
	if _, ws, _ = reviewOne(t, w, j, nil, e); strings.Contains(rules(ws), "allergy") {
		t.Fatalf("warnings %s", rules(ws))
	}
}

func TestTheSameDoseRecordedTwiceIsWarnedAbout(t *testing.T) {
	w, j := reviewWard(t)
	// The snapshot already has it given 40 minutes ago.
	_, ws, _ := reviewOne(t, w, j, nil, doseEntry("p1", "p1-m1", clinical.OutcomeGiven, time.Now()))
	if !strings.Contains(rules(ws), "duplicate: the snapshot already records this medication as given 40 min before") {
		t.Fatalf("warnings %s", rules(ws))
	}
	// Twice in the same batch, on p2 whose snapshot has none.
	batch := []clinical.Entry{draft(t, j, doseEntry("p2", "", clinical.OutcomeGiven, time.Now().Add(-5*time.Minute))),
		draft(t, j, doseEntry("p2", "", clinical.OutcomeGiven, time.Now()))}
	ws, err := clinical.Review[JournalEntry](context.Background(), w, nil, batch, time.Now())
	ws = withoutRule(ws, "order") // doses without an order, see TestADoseWithoutAnOrderIsWarnedAboutAndMarked
	if err != nil || len(ws) != 1 || ws[0].Entry != 1 || ws[0].Text != "the same dose is already recorded in this journal 5 min before" {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	// A correction of that dose is not a duplicate of it.
	first := JournalEntry{Entry: batch[0], Seq: 1}
	fix := doseEntry("p2", "", clinical.OutcomeGiven, time.Now())
	fix.Supersedes = first.ID
	if _, ws, err = reviewOne(t, w, j, []JournalEntry{first}, fix); err != nil || len(withoutRule(ws, "order")) != 0 {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	// Three hours apart is the next dose, not the same one.
	if _, ws, _ = reviewOne(t, w, j, []JournalEntry{first}, doseEntry("p2", "", clinical.OutcomeGiven, time.Now().Add(3*time.Hour-10*time.Minute))); len(withoutRule(ws, "order")) != 0 {
		t.Fatalf("warnings %s", rules(ws))
	}
}

func TestAnOrderNotActiveOrNotInTheSnapshotIsWarnedAboutAndAnotherPatientsIsRefused(t *testing.T) {
	w, j := reviewWard(t)
	e, ws, _ := reviewOne(t, w, j, nil, doseEntry("p1", "p1-m2", clinical.OutcomeRefused, time.Now()))
	if !strings.Contains(rules(ws), "order: the order was stopped in the snapshot, not active") {
		t.Fatalf("warnings %s", rules(ws))
	}
	if e.BasedOn[1].VersionID != "7" {
		t.Fatalf("based on %+v", e.BasedOn)
	}
	_, ws, _ = reviewOne(t, w, j, nil, doseEntry("p1", "p1-m9", clinical.OutcomeGiven, time.Now()))
	if !strings.Contains(rules(ws), "order: the order is not in the snapshot") {
		t.Fatalf("warnings %s", rules(ws))
	}
	_, _, err := reviewOne(t, w, j, nil, doseEntry("p1", "p2-m1", clinical.OutcomeGiven, time.Now()))
	if !errors.Is(err, clinical.ErrInvalidEntry) || err.Error() != "entry 1: the order belongs to another patient" {
		t.Fatalf("err = %v", err)
	}
}

func TestAMedicationNamedOnlyByItsOrderTakesTheOrdersName(t *testing.T) {
	w, j := reviewWard(t)
	e := doseEntry("p1", "p1-m1", clinical.OutcomeHeld, time.Now())
	e.Medication.Medication = ""
	e, _, err := reviewOne(t, w, j, nil, e)
	if err != nil || e.Medication.Medication != "Paracetamol 1 g" {
		t.Fatalf("%q, %v", e.Medication.Medication, err)
	}
}

func TestPatientsOutsideTheSnapshotAndTimesBeforeAdmissionAreWarnedAbout(t *testing.T) {
	w, j := reviewWard(t)
	_, ws, _ := reviewOne(t, w, j, nil, vitalsEntry("p9", 70))
	if rules(ws) != "patient: the patient is not in this kiosk's snapshot, so the chart could not be checked" {
		t.Fatalf("warnings %s", rules(ws))
	}
	early := vitalsEntry("p1", 70)
	early.ClinicalTime = time.Now().Add(-50 * time.Hour)
	early.Transcription = &clinical.Transcription{FromPaperSignedBy: "RN Claes"}
	if _, ws, _ = reviewOne(t, w, j, nil, early); !strings.Contains(rules(ws), "before the patient's admission") {
		t.Fatalf("warnings %s", rules(ws))
	}
	_, ws, _ = reviewOne(t, nil, j, nil, vitalsEntry("p1", 70))
	if !strings.Contains(rules(ws), "snapshot: no snapshot could be opened") {
		t.Fatalf("warnings %s", rules(ws))
	}
}

func TestATemporaryPatientIsRegisteredOnceAndThenDocumented(t *testing.T) {
	w, j := reviewWard(t)
	reg, ws, err := reviewOne(t, w, j, nil, clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: time.Now(),
		Registration: &clinical.Registration{Sex: "male", Ward: "ward-1"}})
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %s", err, rules(ws))
	}
	history := []JournalEntry{{Entry: reg, Seq: 1}}
	// Typed from the label in lower case.
	e, ws, err := reviewOne(t, w, j, history, vitalsEntry(strings.ToLower(reg.Patient), 75))
	if err != nil || len(ws) != 0 || e.Patient != reg.Patient {
		t.Fatalf("err %v, warnings %s, patient %q", err, rules(ws), e.Patient)
	}
	again := clinical.Entry{Kind: clinical.KindRegistration, Patient: reg.Patient, ClinicalTime: time.Now(), Registration: &clinical.Registration{Sex: "male", Ward: "ward-2"}}
	if _, _, err = reviewOne(t, w, j, history, again); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("err = %v", err)
	}
	again.Supersedes = reg.ID
	if _, _, err = reviewOne(t, w, j, history, again); err != nil {
		t.Fatalf("a corrected registration was refused: %v", err)
	}
	other, _ := clinical.NewTemporaryID()
	if _, ws, _ = reviewOne(t, w, j, history, vitalsEntry(other, 75)); rules(ws) != "patient: this temporary patient was not registered on this kiosk" {
		t.Fatalf("warnings %s", rules(ws))
	}
}

func TestImpossibleCorrectionsAreRefused(t *testing.T) {
	w, j := reviewWard(t)
	vitals := JournalEntry{Entry: draft(t, j, vitalsEntry("p1", 70)), Seq: 1}
	cancel := JournalEntry{Entry: draft(t, j, clinical.Entry{Kind: clinical.KindCancellation, Supersedes: vitals.ID, Patient: "p1",
		ClinicalTime: time.Now(), Cancellation: &clinical.Cancellation{Reason: "wrong"}}), Seq: 2, State: StatePending}
	vitals.SupersededBy = cancel.ID
	note := JournalEntry{Entry: draft(t, j, noteEntry("p1", "ok")), Seq: 3}
	history := []JournalEntry{vitals, cancel, note}
	cases := []struct {
		e    clinical.Entry
		want string
	}{
		{clinical.Entry{Kind: clinical.KindNote, Patient: "p1", Supersedes: "6f1c2d9e-0b7a-4c3e-9d51-3f0e8a2b1c4d", ClinicalTime: time.Now(), Note: &clinical.NursingNote{Text: "x"}}, "not in this journal"},
		{clinical.Entry{Kind: clinical.KindVitals, Patient: "p1", Supersedes: vitals.ID, ClinicalTime: time.Now(), Vitals: &clinical.VitalSigns{HeartRate: ptr(70)}}, "already corrected or cancelled"},
		{clinical.Entry{Kind: clinical.KindCancellation, Supersedes: cancel.ID, ClinicalTime: time.Now(), Cancellation: &clinical.Cancellation{Reason: "x"}}, "a cancellation cannot be corrected"},
		{clinical.Entry{Kind: clinical.KindVitals, Patient: "p1", Supersedes: note.ID, ClinicalTime: time.Now(), Vitals: &clinical.VitalSigns{HeartRate: ptr(70)}}, "same kind as the entry it supersedes (note)"},
		{clinical.Entry{Kind: clinical.KindNote, Patient: "p2", Supersedes: note.ID, ClinicalTime: time.Now(), Note: &clinical.NursingNote{Text: "x"}}, "same patient"},
	}
	for _, c := range cases {
		if _, _, err := reviewOne(t, w, j, history, c.e); !errors.Is(err, clinical.ErrInvalidEntry) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
	// A cancellation need not repeat the patient.
	e, _, err := reviewOne(t, w, j, history, clinical.Entry{Kind: clinical.KindCancellation, Supersedes: note.ID, ClinicalTime: time.Now(),
		Cancellation: &clinical.Cancellation{Reason: "duplicate"}})
	if err != nil || e.Patient != "p1" {
		t.Fatalf("%q, %v", e.Patient, err)
	}
}

func TestDocumentingAfterADischargeIsWarnedAbout(t *testing.T) {
	w, j := reviewWard(t)
	out := JournalEntry{Entry: draft(t, j, clinical.Entry{Kind: clinical.KindDischarge, Patient: "p2", ClinicalTime: time.Now().Add(-time.Hour),
		Discharge: &clinical.Discharge{Destination: "home"}}), Seq: 1}
	if _, ws, _ := reviewOne(t, w, j, []JournalEntry{out}, vitalsEntry("p2", 70)); !strings.Contains(rules(ws), "discharged earlier") {
		t.Fatalf("warnings %s", rules(ws))
	}
}

// Recording an allergy warns about a current medication it matches,
// ordered or reported (a MedicationStatement); a reported one that is
// history is not in the chart, and a stopped order does not count.
func TestAnAllergyMatchingACurrentMedicationOrderedOrReportedIsWarnedAbout(t *testing.T) {
	p := testChart("p1", "Peeters, Maria", "MRN0000001")
	p.Medications.Items = append(p.Medications.Items,
		clinical.Medication{Name: "Ibuprofen 400 mg", Status: "active", Kind: clinical.MedReported,
			Source: clinical.Source{Type: "MedicationStatement", ID: "ms1", JSON: []byte(`{}`)}},
		clinical.Medication{Name: "Codeine 30 mg", Status: "stopped", Source: clinical.Source{Type: "MedicationRequest", ID: "mr9", JSON: []byte(`{}`)}})
	w, err := BuildWard(context.Background(), []clinical.Chart{p})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	for _, c := range []struct{ substance, want string }{
		{"Ibuprofen", "allergy: the patient has a reported (home) medication, Ibuprofen 400 mg, which matches this allergy"},
		{"Paracetamol", "allergy: the patient has an active order, Paracetamol 1 g, which matches this allergy"},
		{"Codeine", ""},
		{"NSAIDs", "allergy: the patient has a reported (home) medication, Ibuprofen 400 mg, which matches this allergy"},
		{"AINS", "allergy: the patient has a reported (home) medication, Ibuprofen 400 mg, which matches this allergy"},
		{"Opioids", ""}, // codeine is stopped
	} {
		_, ws, err := reviewOne(t, w, j, nil, clinical.Entry{Kind: clinical.KindAllergy, Patient: "p1", ClinicalTime: time.Now(),
			Allergy: &clinical.NewAllergy{Substance: c.substance}})
		if err != nil {
			t.Fatal(err)
		}
		got := rules(ws)
		if (c.want == "" && strings.Contains(got, "matches this allergy")) || !strings.Contains(got, c.want) {
			t.Errorf("%s: warnings %q, want %q", c.substance, got, c.want)
		}
	}
}

// A PRN dose before the next allowed time, or over the 24 h maximum,
// counting the snapshot's administrations and the journal, is warned
// about (the form's "Save anyway").
func TestReviewWarnsOfAPRNDoseTooSoonOrOverTheMaximum(t *testing.T) {
	now := time.Now()
	p1 := testChart("p1", "Peeters, Maria", "MRN0000001")
	p1.Medications.Items = []clinical.Medication{{Name: "Ibuprofen 400 mg", Status: "active", PRN: true,
		Dosage: "400 mg oral every 8 h as needed, max 3 per 24 h", Timing: clinical.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"},
		MaxDose: &clinical.MaxDose{Doses: 3, Hours: 24}, LastGiven: now.Add(-20 * time.Hour),
		Source: clinical.Source{Type: "MedicationRequest", ID: "p1-ibu", JSON: []byte(`{}`)}}}
	p1.Administrations.Items = []clinical.Administration{{Medication: "Ibuprofen 400 mg", Status: "completed", Dose: "400 mg",
		Time: now.Add(-20 * time.Hour), OrderID: "p1-ibu", Source: clinical.Source{Type: "MedicationAdministration", ID: "p1-a1", JSON: []byte(`{}`)}}}
	w, err := BuildWard(context.Background(), []clinical.Chart{p1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	dose := func(at time.Time) clinical.Entry {
		return clinical.Entry{Kind: clinical.KindMedication, Patient: "p1", ClinicalTime: at, Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven,
			Medication: "Ibuprofen 400 mg", OrderID: "p1-ibu", Dose: &clinical.Quantity{Value: 400, Unit: "mg"}, Route: "oral"}}
	}
	if _, ws, err := reviewOne(t, w, j, nil, dose(now)); err != nil || len(ws) != 0 {
		t.Fatalf("an allowed dose: err %v, warnings %s", err, rules(ws))
	}
	// One given in the journal 2 h ago: too soon.
	earlier := JournalEntry{Entry: draft(t, j, dose(now.Add(-2*time.Hour))), Seq: 1}
	_, ws, _ := reviewOne(t, w, j, []JournalEntry{earlier}, dose(now))
	if !strings.Contains(rules(ws), "prn-interval: as needed every 8 h: the last dose was given") {
		t.Fatalf("too soon: %s", rules(ws))
	}
	// Two in the journal 10 h and 18 h ago plus the snapshot's 20 h ago:
	// a fourth in 24 h.
	a := JournalEntry{Entry: draft(t, j, dose(now.Add(-10*time.Hour))), Seq: 1}
	b := JournalEntry{Entry: draft(t, j, dose(now.Add(-18*time.Hour))), Seq: 2}
	_, ws, _ = reviewOne(t, w, j, []JournalEntry{a, b}, dose(now))
	if got := rules(ws); got != "prn-max: this would be dose 4 in 24 h; the order allows at most 3" {
		t.Fatalf("fourth dose: %s", got)
	}
}
