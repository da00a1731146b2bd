package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// validEntries are one good entry of each kind, stamped.
func validEntries(t *testing.T) map[clinical.Kind]clinical.Entry {
	t.Helper()
	j := &Journal{kioskID: "kiosk-1"}
	now := time.Now()
	at := now.Add(-20 * time.Minute)
	es := map[clinical.Kind]clinical.Entry{
		clinical.KindMedication: doseEntry("p1", "p1-m1", clinical.OutcomeGiven, at),
		clinical.KindVitals:     vitalsEntry("p1", 72),
		clinical.KindNote:       noteEntry("p1", "Comfortable."),
		clinical.KindAllergy: {Kind: clinical.KindAllergy, Patient: "p1", ClinicalTime: at, Allergy: &clinical.NewAllergy{Substance: "Latex",
			Type: "allergy", Category: "environment", Reaction: "rash", Severity: "mild", Criticality: "low"}},
		clinical.KindRegistration: {Kind: clinical.KindRegistration, ClinicalTime: at, Registration: &clinical.Registration{Sex: "unknown",
			BirthDate: "1950", BirthDateEstimated: true, Ward: "ward-1", Bed: "12"}},
		clinical.KindTransfer:  {Kind: clinical.KindTransfer, Patient: "p1", ClinicalTime: at, Transfer: &clinical.Transfer{Ward: "ICU", Bed: "3"}},
		clinical.KindDischarge: {Kind: clinical.KindDischarge, Patient: "p1", ClinicalTime: at, Discharge: &clinical.Discharge{Destination: "home"}},
		clinical.KindCancellation: {Kind: clinical.KindCancellation, Patient: "p1", ClinicalTime: at,
			Supersedes: "6f1c2d9e-0b7a-4c3e-9d51-3f0e8a2b1c4d", Cancellation: &clinical.Cancellation{Reason: "wrong patient"}},
		clinical.KindCodeStatus: {Kind: clinical.KindCodeStatus, Patient: "p1", ClinicalTime: at, CodeStatus: &clinical.CodeStatus{Level: clinical.ResusDNR2}},
	}
	for k, e := range es {
		if err := j.Stamp(&e, nurse, now); err != nil {
			t.Fatal(err)
		}
		es[k] = e
	}
	return es
}

func TestEveryKindHasAValidEntry(t *testing.T) {
	es := validEntries(t)
	if len(es) != len(clinical.Kinds) {
		t.Fatalf("%d kinds tested of %d", len(es), len(clinical.Kinds))
	}
	for k, e := range es {
		if err := e.Validate(time.Now()); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if !clinical.IsTemporaryID(es[clinical.KindRegistration].Patient) || es[clinical.KindRegistration].Registration.TemporaryID != es[clinical.KindRegistration].Patient {
		t.Errorf("registration patient %q", es[clinical.KindRegistration].Patient)
	}
}

func TestEachImpossibleValueIsRefusedWithOneSentence(t *testing.T) {
	now := time.Now()
	cases := []struct {
		kind   clinical.Kind
		change func(e *clinical.Entry)
		want   string
	}{
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.SpO2 = ptr(101) }, "SpO2 must be from 0 to 100 %"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Temperature = ptr(24.9) }, "temperature must be from 25 to 45 °C"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Temperature = ptr(98.6) }, "was it measured in °F?"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.HeartRate = ptr(301) }, "heart rate must be from 0 to 300 /min"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.HeartRate = ptr(-1) }, "heart rate must be from 0 to 300 /min"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.RespiratoryRate = ptr(120) }, "respiratory rate must be from 0 to 100 /min"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Systolic, e.Vitals.Diastolic = ptr(70), ptr(120) }, "systolic pressure must be above the diastolic"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Systolic = ptr(400) }, "systolic pressure must be from 20 to 300 mmHg"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Diastolic = nil }, "needs both the systolic and the diastolic"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Pain = ptr(11) }, "pain score must be a whole number from 0 to 10"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals.Pain = ptr(3.5) }, "pain score must be a whole number from 0 to 10"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Vitals = &clinical.VitalSigns{} }, "needs at least one value"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.ClinicalTime = now.Add(time.Hour) }, "clinical time is in the future"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.ClinicalTime = time.Time{} }, "clinical time (when it happened) is missing"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.ClinicalTime = now.Add(-30 * time.Hour) }, "is paper back-entry: say who signed the paper"},
		{clinical.KindVitals, func(e *clinical.Entry) {
			e.ClinicalTime = now.Add(-30 * time.Hour)
			e.Transcription = &clinical.Transcription{By: nurse}
		}, "name of who signed the paper is missing"},
		{clinical.KindVitals, func(e *clinical.Entry) {
			e.Transcription = &clinical.Transcription{By: "someone else", FromPaperSignedBy: "RN Claes"}
		}, "transcribed by the entry's author"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Patient = "" }, "patient is missing"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Patient = "Peeters, Maria" }, "must be a FHIR id or a temporary identifier"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Author = " " }, "author is missing"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.ID = "12" }, "random UUID"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Note = &clinical.NursingNote{Text: "x"} }, "only its own details"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Kind = "snack" }, "kind must be one of"},
		{clinical.KindVitals, func(e *clinical.Entry) { e.Supersedes = e.ID }, "cannot supersede itself"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Outcome = "maybe" }, "outcome must be given, held, refused or partial"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Override = &clinical.Override{Reason: "no alternative"} }, "witness (the second person's name) is missing"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Override = &clinical.Override{Witness: "RN Claes"} }, "reason for giving the dose despite the allergy is missing"},
		{clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication.Override = &clinical.Override{Witness: " " + e.Author + " ", Reason: "x"}
		}, "witness must be a second person"},
		{clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication.Override = &clinical.Override{Witness: strings.Repeat("w", 500), Reason: "x"}
		}, "witness"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Medication = "" }, "medication is missing"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Dose = &clinical.Quantity{Value: 0, Unit: "mg"} }, "dose must be a number above 0"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Dose = &clinical.Quantity{Value: 5, Unit: ""} }, "dose unit is missing"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Dose = nil }, "given dose needs the amount given"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Route = "" }, "given dose needs its route"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Outcome = clinical.OutcomeHeld }, "held dose needs the reason"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Outcome = clinical.OutcomeRefused }, "refused dose needs the reason"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.Outcome = clinical.OutcomePartial }, "partial dose needs the reason"},
		{clinical.KindMedication, func(e *clinical.Entry) { e.Medication.OrderID = "order 12" }, "order id must be the FHIR id"},
		{clinical.KindNote, func(e *clinical.Entry) { e.Note.Text = " \n " }, "note is missing"},
		{clinical.KindNote, func(e *clinical.Entry) { e.Note.Text = strings.Repeat("é", clinical.MaxNote+1) }, "note is longer than 4000 characters"},
		{clinical.KindNote, func(e *clinical.Entry) { e.Note.Text = "bell\a" }, "note contains control characters"},
		{clinical.KindNote, func(e *clinical.Entry) { e.Note = nil }, `needs its "note" details`},
		{clinical.KindAllergy, func(e *clinical.Entry) { e.Allergy.Substance = "" }, "substance is missing"},
		{clinical.KindAllergy, func(e *clinical.Entry) { e.Allergy.Severity = "terrible" }, "severity must be mild, moderate or severe"},
		{clinical.KindAllergy, func(e *clinical.Entry) { e.Allergy.Criticality = "medium" }, "criticality must be low, high or unable-to-assess"},
		{clinical.KindAllergy, func(e *clinical.Entry) { e.Allergy.Category = "drug" }, "category must be food, medication, environment or biologic"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Registration.Sex = "f" }, "sex must be female, male, other or unknown"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Registration.BirthDate = "03/02/1950" }, "birth date must be a date like 1950"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Registration.BirthDate = "2999" }, "birth date is in the future"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Registration.Ward = "" }, "ward is missing"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Patient = "p1" }, "temporary identifier must be a valid one and the entry's patient"},
		{clinical.KindRegistration, func(e *clinical.Entry) { e.Patient = e.Patient[:len(e.Patient)-1] + otherSymbol(e.Patient) }, "check character does not match"},
		{clinical.KindTransfer, func(e *clinical.Entry) { e.Transfer.Ward = "" }, "ward is missing"},
		{clinical.KindCancellation, func(e *clinical.Entry) { e.Supersedes = "" }, "cancellation must name the entry it cancels"},
		{clinical.KindCancellation, func(e *clinical.Entry) { e.Cancellation.Reason = "" }, "reason is missing"},
	}
	for _, c := range cases {
		e := validEntries(t)[c.kind]
		c.change(&e)
		err := e.Validate(now)
		if !errors.Is(err, clinical.ErrInvalidEntry) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s, want %q: got %v", c.kind, c.want, err)
			continue
		}
		if strings.Count(err.Error(), ". ") > 0 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q is more than one sentence", err)
		}
	}
}

func otherSymbol(id string) string {
	if id[len(id)-1] == 'A' {
		return "B"
	}
	return "A"
}

func TestPaperBackEntryMayBeDaysOld(t *testing.T) {
	e := validEntries(t)[clinical.KindVitals]
	e.ClinicalTime = time.Now().Add(-72 * time.Hour)
	e.Transcription = &clinical.Transcription{By: nurse, FromPaperSignedBy: "RN Claes"}
	if err := e.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestUnusualValuesAreWarnedButNotRefused(t *testing.T) {
	e := validEntries(t)[clinical.KindVitals]
	e.Vitals = &clinical.VitalSigns{HeartRate: ptr(142), SpO2: ptr(86), Temperature: ptr(39.4), RespiratoryRate: ptr(18)}
	if err := e.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(e.Unusual(), "|")
	for _, want := range []string{"heart rate of 142 /min is unusually high (above 130)", "SpO2 of 86 % is unusually low (below 90)",
		"temperature of 39.4 °C is unusually high (above 39)"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	if strings.Contains(got, "respiratory") {
		t.Errorf("a normal value was warned about: %q", got)
	}
}
