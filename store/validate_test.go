package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// validEntries are one good entry of each kind, stamped.
func validEntries(t *testing.T) map[Kind]Entry {
	t.Helper()
	j := &Journal{kioskID: "kiosk-1"}
	now := time.Now()
	at := now.Add(-20 * time.Minute)
	es := map[Kind]Entry{
		KindMedication: doseEntry("p1", "p1-m1", OutcomeGiven, at),
		KindVitals:     vitalsEntry("p1", 72),
		KindNote:       noteEntry("p1", "Comfortable."),
		KindAllergy: {Kind: KindAllergy, Patient: "p1", ClinicalTime: at, Allergy: &NewAllergy{Substance: "Latex",
			Type: "allergy", Category: "environment", Reaction: "rash", Severity: "mild", Criticality: "low"}},
		KindRegistration: {Kind: KindRegistration, ClinicalTime: at, Registration: &Registration{Sex: "unknown",
			BirthDate: "1950", BirthDateEstimated: true, Ward: "ward-1", Bed: "12"}},
		KindTransfer:  {Kind: KindTransfer, Patient: "p1", ClinicalTime: at, Transfer: &Transfer{Ward: "ICU", Bed: "3"}},
		KindDischarge: {Kind: KindDischarge, Patient: "p1", ClinicalTime: at, Discharge: &Discharge{Destination: "home"}},
		KindCancellation: {Kind: KindCancellation, Patient: "p1", ClinicalTime: at,
			Supersedes: "6f1c2d9e-0b7a-4c3e-9d51-3f0e8a2b1c4d", Cancellation: &Cancellation{Reason: "wrong patient"}},
		KindCodeStatus: {Kind: KindCodeStatus, Patient: "p1", ClinicalTime: at, CodeStatus: &CodeStatus{Level: ResusDNR2}},
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
	if len(es) != len(Kinds) {
		t.Fatalf("%d kinds tested of %d", len(es), len(Kinds))
	}
	for k, e := range es {
		if err := e.Validate(time.Now()); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if !IsTemporaryID(es[KindRegistration].Patient) || es[KindRegistration].Registration.TemporaryID != es[KindRegistration].Patient {
		t.Errorf("registration patient %q", es[KindRegistration].Patient)
	}
}

func TestEachImpossibleValueIsRefusedWithOneSentence(t *testing.T) {
	now := time.Now()
	cases := []struct {
		kind   Kind
		change func(e *Entry)
		want   string
	}{
		{KindVitals, func(e *Entry) { e.Vitals.SpO2 = ptr(101) }, "SpO2 must be from 0 to 100 %"},
		{KindVitals, func(e *Entry) { e.Vitals.Temperature = ptr(24.9) }, "temperature must be from 25 to 45 °C"},
		{KindVitals, func(e *Entry) { e.Vitals.Temperature = ptr(98.6) }, "was it measured in °F?"},
		{KindVitals, func(e *Entry) { e.Vitals.HeartRate = ptr(301) }, "heart rate must be from 0 to 300 /min"},
		{KindVitals, func(e *Entry) { e.Vitals.HeartRate = ptr(-1) }, "heart rate must be from 0 to 300 /min"},
		{KindVitals, func(e *Entry) { e.Vitals.RespiratoryRate = ptr(120) }, "respiratory rate must be from 0 to 100 /min"},
		{KindVitals, func(e *Entry) { e.Vitals.Systolic, e.Vitals.Diastolic = ptr(70), ptr(120) }, "systolic pressure must be above the diastolic"},
		{KindVitals, func(e *Entry) { e.Vitals.Systolic = ptr(400) }, "systolic pressure must be from 20 to 300 mmHg"},
		{KindVitals, func(e *Entry) { e.Vitals.Diastolic = nil }, "needs both the systolic and the diastolic"},
		{KindVitals, func(e *Entry) { e.Vitals.Pain = ptr(11) }, "pain score must be a whole number from 0 to 10"},
		{KindVitals, func(e *Entry) { e.Vitals.Pain = ptr(3.5) }, "pain score must be a whole number from 0 to 10"},
		{KindVitals, func(e *Entry) { e.Vitals = &VitalSigns{} }, "needs at least one value"},
		{KindVitals, func(e *Entry) { e.ClinicalTime = now.Add(time.Hour) }, "clinical time is in the future"},
		{KindVitals, func(e *Entry) { e.ClinicalTime = time.Time{} }, "clinical time (when it happened) is missing"},
		{KindVitals, func(e *Entry) { e.ClinicalTime = now.Add(-30 * time.Hour) }, "is paper back-entry: say who signed the paper"},
		{KindVitals, func(e *Entry) {
			e.ClinicalTime = now.Add(-30 * time.Hour)
			e.Transcription = &Transcription{By: nurse}
		}, "name of who signed the paper is missing"},
		{KindVitals, func(e *Entry) {
			e.Transcription = &Transcription{By: "someone else", FromPaperSignedBy: "RN Claes"}
		}, "transcribed by the entry's author"},
		{KindVitals, func(e *Entry) { e.Patient = "" }, "patient is missing"},
		{KindVitals, func(e *Entry) { e.Patient = "Peeters, Maria" }, "must be a FHIR id or a temporary identifier"},
		{KindVitals, func(e *Entry) { e.Author = " " }, "author is missing"},
		{KindVitals, func(e *Entry) { e.ID = "12" }, "random UUID"},
		{KindVitals, func(e *Entry) { e.Note = &NursingNote{Text: "x"} }, "only its own details"},
		{KindVitals, func(e *Entry) { e.Kind = "snack" }, "kind must be one of"},
		{KindVitals, func(e *Entry) { e.Supersedes = e.ID }, "cannot supersede itself"},
		{KindMedication, func(e *Entry) { e.Medication.Outcome = "maybe" }, "outcome must be given, held, refused or partial"},
		{KindMedication, func(e *Entry) { e.Medication.Override = &Override{Reason: "no alternative"} }, "witness (the second person's name) is missing"},
		{KindMedication, func(e *Entry) { e.Medication.Override = &Override{Witness: "RN Claes"} }, "reason for giving the dose despite the allergy is missing"},
		{KindMedication, func(e *Entry) { e.Medication.Override = &Override{Witness: " " + e.Author + " ", Reason: "x"} }, "witness must be a second person"},
		{KindMedication, func(e *Entry) { e.Medication.Override = &Override{Witness: strings.Repeat("w", 500), Reason: "x"} }, "witness"},
		{KindMedication, func(e *Entry) { e.Medication.Medication = "" }, "medication is missing"},
		{KindMedication, func(e *Entry) { e.Medication.Dose = &Quantity{0, "mg"} }, "dose must be a number above 0"},
		{KindMedication, func(e *Entry) { e.Medication.Dose = &Quantity{5, ""} }, "dose unit is missing"},
		{KindMedication, func(e *Entry) { e.Medication.Dose = nil }, "given dose needs the amount given"},
		{KindMedication, func(e *Entry) { e.Medication.Route = "" }, "given dose needs its route"},
		{KindMedication, func(e *Entry) { e.Medication.Outcome = OutcomeHeld }, "held dose needs the reason"},
		{KindMedication, func(e *Entry) { e.Medication.Outcome = OutcomeRefused }, "refused dose needs the reason"},
		{KindMedication, func(e *Entry) { e.Medication.Outcome = OutcomePartial }, "partial dose needs the reason"},
		{KindMedication, func(e *Entry) { e.Medication.OrderID = "order 12" }, "order id must be the FHIR id"},
		{KindNote, func(e *Entry) { e.Note.Text = " \n " }, "note is missing"},
		{KindNote, func(e *Entry) { e.Note.Text = strings.Repeat("é", MaxNote+1) }, "note is longer than 4000 characters"},
		{KindNote, func(e *Entry) { e.Note.Text = "bell\a" }, "note contains control characters"},
		{KindNote, func(e *Entry) { e.Note = nil }, `needs its "note" details`},
		{KindAllergy, func(e *Entry) { e.Allergy.Substance = "" }, "substance is missing"},
		{KindAllergy, func(e *Entry) { e.Allergy.Severity = "terrible" }, "severity must be mild, moderate or severe"},
		{KindAllergy, func(e *Entry) { e.Allergy.Criticality = "medium" }, "criticality must be low, high or unable-to-assess"},
		{KindAllergy, func(e *Entry) { e.Allergy.Category = "drug" }, "category must be food, medication, environment or biologic"},
		{KindRegistration, func(e *Entry) { e.Registration.Sex = "f" }, "sex must be female, male, other or unknown"},
		{KindRegistration, func(e *Entry) { e.Registration.BirthDate = "03/02/1950" }, "birth date must be a date like 1950"},
		{KindRegistration, func(e *Entry) { e.Registration.BirthDate = "2999" }, "birth date is in the future"},
		{KindRegistration, func(e *Entry) { e.Registration.Ward = "" }, "ward is missing"},
		{KindRegistration, func(e *Entry) { e.Patient = "p1" }, "temporary identifier must be a valid one and the entry's patient"},
		{KindRegistration, func(e *Entry) { e.Patient = e.Patient[:len(e.Patient)-1] + otherSymbol(e.Patient) }, "check character does not match"},
		{KindTransfer, func(e *Entry) { e.Transfer.Ward = "" }, "ward is missing"},
		{KindCancellation, func(e *Entry) { e.Supersedes = "" }, "cancellation must name the entry it cancels"},
		{KindCancellation, func(e *Entry) { e.Cancellation.Reason = "" }, "reason is missing"},
	}
	for _, c := range cases {
		e := validEntries(t)[c.kind]
		c.change(&e)
		err := e.Validate(now)
		if !errors.Is(err, ErrInvalidEntry) || !strings.Contains(err.Error(), c.want) {
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
	e := validEntries(t)[KindVitals]
	e.ClinicalTime = time.Now().Add(-72 * time.Hour)
	e.Transcription = &Transcription{By: nurse, FromPaperSignedBy: "RN Claes"}
	if err := e.Validate(time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestUnusualValuesAreWarnedButNotRefused(t *testing.T) {
	e := validEntries(t)[KindVitals]
	e.Vitals = &VitalSigns{HeartRate: ptr(142), SpO2: ptr(86), Temperature: ptr(39.4), RespiratoryRate: ptr(18)}
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

func TestTemporaryIdentifiersAreUniqueReadableAndCatchTypingErrors(t *testing.T) {
	seen := map[string]bool{}
	for range 20000 {
		id, err := NewTemporaryID()
		if err != nil {
			t.Fatal(err)
		}
		if seen[id] || !IsTemporaryID(id) || len(id) != len("T-XXXX-XXXX-XXXX") || strings.ContainsAny(id[2:], "ILOU") {
			t.Fatalf("%q", id)
		}
		seen[id] = true
	}
	id, _ := NewTemporaryID()
	code := strings.ReplaceAll(id[2:], "-", "")
	if got, ok := ParseTemporaryID(" t" + strings.ToLower(code) + " "); !ok || got != id {
		t.Fatalf("typed in lower case without hyphens: %q %v", got, ok)
	}
	for i := range code {
		for _, s := range tempSymbols {
			if byte(s) == code[i] {
				continue
			}
			typo := "T-" + code[:i] + string(s) + code[i+1:]
			if _, ok := ParseTemporaryID(typo); ok {
				t.Fatalf("the typo %q of %q was accepted", typo, id)
			}
		}
	}
	swapsCaught := 0
	for i := 0; i+1 < len(code); i++ {
		if code[i] == code[i+1] {
			swapsCaught++
			continue
		}
		swapped := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
		if _, ok := ParseTemporaryID("T-" + swapped); !ok {
			swapsCaught++
		}
	}
	if swapsCaught < len(code)-2 {
		t.Fatalf("only %d of %d swaps caught in %q", swapsCaught, len(code)-1, id)
	}
}
