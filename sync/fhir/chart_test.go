package fhir

import (
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

func TestThePatientShowsNameIdentifiersAndTheNewestWeightAndHeight(t *testing.T) {
	p := wardChart(t, "MRN0001").Patient
	if p.Name != "Peeters, Anna Maria" || p.Family != "Peeters" || p.Given != "Anna Maria" || p.Sex != "female" || p.BirthDate != "1948-07" {
		t.Errorf("patient = %+v", p)
	}
	if len(p.Identifiers) != 1 || p.Identifiers[0] != (clinical.Identifier{System: "https://hospital.example/mrn", Value: "MRN0001", Type: "MR"}) {
		t.Errorf("identifiers = %+v", p.Identifiers)
	}
	// the newest weight has no category: its LOINC code makes it a vital
	if p.Weight == nil || p.Weight.Value != 72.4 || p.Weight.Unit != "kg" || !p.Weight.Time.Equal(time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("weight = %+v", p.Weight)
	}
	if p.Height == nil || p.Height.Value != 165.1 || p.Height.Unit != "cm" {
		t.Errorf("height = %+v", p.Height)
	}
}

func TestAllergiesAreNoneKnownOnlyWhenAsserted(t *testing.T) {
	for _, tc := range []struct {
		patient   string
		status    clinical.SectionStatus
		assertion string
	}{
		{"MRN0002", clinical.NoneKnown, "al-nka-bert"},         // SNOMED 716186003 no known allergy
		{"MRN0004", clinical.NoneKnown, "list-allergies-dina"}, // List 48765-2 emptyReason nilknown
		{"MRN0003", clinical.NoneRecorded, ""},                 // IPS no-allergy-info means unknown
		{"MRN0001", clinical.Recorded, ""},                     // a real active allergy beats an old NKA
	} {
		a := wardChart(t, tc.patient).Allergies
		if a.Status != tc.status {
			t.Errorf("%s: allergies %s, want %s", tc.patient, a.Status, tc.status)
		}
		got := ""
		if a.Assertion != nil {
			got = a.Assertion.ID
		}
		if got != tc.assertion {
			t.Errorf("%s: assertion %q, want %q", tc.patient, got, tc.assertion)
		}
		if tc.status != clinical.Recorded && len(a.Items) != 0 {
			t.Errorf("%s: an assertion became an item: %+v", tc.patient, a.Items)
		}
	}
}

func TestAllergiesListActiveHighCriticalityFirstAndSkipEnteredInError(t *testing.T) {
	a := wardChart(t, "pat-anna").Allergies.Items
	got := names(a, func(x clinical.Allergy) string { return x.Substance + "/" + x.ClinicalStatus })
	if !slices.Equal(got, []string{"Penicillin/active", "Latex/active", "Egg/resolved"}) {
		t.Fatalf("allergies = %v", got)
	}
	pen := a[0]
	if pen.Reaction != "Anaphylaxis; Urticaria" || pen.Severity != "severe" || pen.Criticality != "high" ||
		pen.VerificationStatus != "confirmed" || pen.Category != "medication" || pen.Type != "allergy" ||
		pen.Code != "764146007" || !pen.Recorded.Equal(time.Date(2019, 3, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("penicillin = %+v", pen)
	}
}

func TestProblemsAreActiveFirstNewestOnsetFirstAndRespectAssertions(t *testing.T) {
	anna := wardChart(t, "pat-anna").Problems
	got := names(anna.Items, func(x clinical.Problem) string { return x.Name })
	if !slices.Equal(got, []string{"Community-acquired pneumonia", "Hypertension", "Appendicitis"}) {
		t.Errorf("problems = %v (entered-in-error must be gone)", got)
	}
	if p := anna.Items[2]; p.ClinicalStatus != "resolved" || !p.Onset.Equal(time.Date(1990, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("appendicitis = %+v", p)
	}
	if s := wardChart(t, "MRN0002").Problems; s.Status != clinical.NoneKnown || s.Assertion.ID != "co-none-bert" {
		t.Errorf("bert's problems = %s", s.Status)
	}
	if s := wardChart(t, "MRN0003").Problems.Status; s != clinical.NoneRecorded {
		t.Errorf("carl's IPS no-problem-info gave %s, want none-recorded", s)
	}
}

func TestMedicationsAreNoneKnownOnlyWhenAsserted(t *testing.T) {
	if s := wardChart(t, "MRN0002").Medications; s.Status != clinical.NoneKnown || s.Assertion.ID != "ms-none-bert" {
		t.Errorf("bert: %s", s.Status)
	}
	if s := wardChart(t, "MRN0003").Medications.Status; s != clinical.NoneRecorded {
		t.Errorf("carl's IPS no-medication-info gave %s, want none-recorded", s)
	}
	if s := wardChart(t, "MRN0004").Medications.Status; s != clinical.NoneRecorded {
		t.Errorf("dina said nothing about medications, got %s", s)
	}
}

func TestMedicationOrdersReadAsANurseReadsThem(t *testing.T) {
	meds := wardChart(t, "pat-anna").Medications.Items
	got := names(meds, func(m clinical.Medication) string { return m.Source.ID + "/" + m.Status })
	// active by name, then on-hold, then the rest; entered-in-error, draft
	// and proposals are gone
	want := []string{"mr-para/active", "mr-amox/active", "mr-meto/active", "mr-enox/on-hold", "mr-ceft/stopped"}
	if !slices.Equal(got, want) {
		t.Fatalf("medications = %v, want %v", got, want)
	}
	by := map[string]clinical.Medication{}
	for _, m := range meds {
		by[m.Source.ID] = m
	}
	for _, tc := range []struct {
		id, name, dose, route, freq, dosage string
		prn                                 bool
		reason                              string
	}{
		{"mr-amox", "Amoxicillin 500 MG Oral Capsule", "500 mg", "oral", "every 8 h", "500 mg oral every 8 h", false, ""},
		{"mr-para", "Acetaminophen 325 MG Oral Tablet", "1 g", "oral", "every 6 h as needed", "1 g oral every 6 h as needed for pain", true, "pain"},
		{"mr-enox", "Enoxaparin 40 MG/0.4ML Injection", "40 mg", "subcutaneous", "at 20:00", "40 mg subcutaneous at 20:00", false, ""},
		{"mr-ceft", "Ceftriaxone 2000 MG Injection", "2 g", "IV", "daily", "2 g IV daily", false, ""},
		{"mr-meto", "Metoprolol Tartrate 25 MG Oral Tablet", "", "", "twice a day", "25 mg twice a day with food", false, ""},
	} {
		m := by[tc.id]
		if m.Name != tc.name || m.Dose != tc.dose || m.Route != tc.route || m.Frequency != tc.freq || m.Dosage != tc.dosage || m.PRN != tc.prn || m.PRNReason != tc.reason {
			t.Errorf("%s = name %q dose %q route %q freq %q dosage %q prn %v %q", tc.id, m.Name, m.Dose, m.Route, m.Frequency, m.Dosage, m.PRN, m.PRNReason)
		}
	}
	amox := by["mr-amox"]
	if amox.Code != "308191" || amox.Timing.Frequency != 1 || amox.Timing.Period != 8 || amox.Timing.PeriodUnit != "h" {
		t.Errorf("amoxicillin code/timing = %q %+v", amox.Code, amox.Timing)
	}
	if !amox.Start.Equal(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)) || !amox.End.Equal(time.Date(2025, 3, 8, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("amoxicillin from %v to %v", amox.Start, amox.End)
	}
	if m := by["mr-meto"]; m.Code != "866924" {
		t.Errorf("metoprolol's code from its Medication resource = %q", m.Code)
	}
	if tm := by["mr-enox"].Timing; !slices.Equal(tm.TimesOfDay, []string{"20:00"}) {
		t.Errorf("enoxaparin times = %v", tm.TimesOfDay)
	}
}

func TestLastGivenIsTheNewestCompletedAdministrationOfTheOrderOrElseOfTheSameDrug(t *testing.T) {
	c := wardChart(t, "pat-anna")
	by := map[string]clinical.Medication{}
	for _, m := range c.Medications.Items {
		by[m.Source.ID] = m
	}
	// ma-3 (not-done) is newer than ma-2 but was not given
	if got := by["mr-amox"].LastGiven; !got.Equal(time.Date(2025, 3, 2, 15, 5, 0, 0, time.UTC)) {
		t.Errorf("amoxicillin last given %v", got)
	}
	// ma-4 names no order; it is matched by its RxNorm code
	if got := by["mr-para"].LastGiven; !got.Equal(time.Date(2025, 3, 2, 21, 0, 0, 0, time.UTC)) {
		t.Errorf("paracetamol last given %v", got)
	}
	if got := by["mr-ceft"].LastGiven; !got.IsZero() {
		t.Errorf("ceftriaxone was never given, last given %v", got)
	}
	got := names(c.Administrations.Items, func(a clinical.Administration) string { return a.Source.ID + "/" + a.Status + "/" + a.OrderID })
	want := []string{"ma-3/not-done/mr-amox", "ma-4/completed/", "ma-2/completed/mr-amox", "ma-1/completed/mr-amox"}
	if !slices.Equal(got, want) {
		t.Errorf("administrations = %v, want %v", got, want)
	}
	if a := c.Administrations.Items[0]; a.Dose != "500 mg" || a.Route != "oral" || a.Medication != "Amoxicillin 500 MG Oral Capsule" {
		t.Errorf("administration = %+v", a)
	}
}

func TestVitalsShowBloodPressureAsOneValueAndSkipEnteredInError(t *testing.T) {
	v := wardChart(t, "pat-anna").Vitals
	byCode := map[string][]clinical.Observation{}
	for _, o := range v.Items {
		byCode[o.Code] = append(byCode[o.Code], o)
	}
	bp := byCode["85354-9"]
	if len(bp) != 1 || bp[0].Value != "132/85" || *bp[0].Number != 132 || bp[0].Unit != "mm[Hg]" {
		t.Errorf("blood pressure = %+v", bp)
	}
	if hr := byCode["8867-4"]; len(hr) != 1 || hr[0].Value != "88" {
		t.Errorf("heart rate = %+v (the entered-in-error 200 must be gone)", hr)
	}
	if tp := byCode["8310-5"]; len(tp) != 1 || tp[0].Value != "38.5" || tp[0].Flag != "H" || !tp[0].Abnormal {
		t.Errorf("temperature = %+v", tp)
	}
	if w := byCode["29463-7"]; len(w) != 2 || w[0].Value != "72.4" {
		t.Errorf("weights = %+v", w)
	}
	for i := 1; i < len(v.Items); i++ {
		if v.Items[i].Time.After(v.Items[i-1].Time) {
			t.Errorf("vitals are not newest first at %d", i)
		}
	}
}

func TestSyntheaBloodPressurePanelsAreTheSameVital(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bp.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1"}`,
		`{"resourceType":"Observation","id":"o1","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"55284-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2012-09-19T05:49:32+00:00","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":85.12467231232702,"unit":"mm[Hg]"}},{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":122.16255942751164,"unit":"mm[Hg]"}}]}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	if o := charts[0].Vitals.Items; len(o) != 1 || o[0].Code != "85354-9" || o[0].Value != "122/85" {
		t.Errorf("vitals = %+v", o)
	}
}

func TestLabsAreFlaggedAbnormalByInterpretationOrByRange(t *testing.T) {
	labs := wardChart(t, "pat-anna").Labs.Items
	by := map[string][]clinical.Observation{}
	for _, o := range labs {
		by[o.Name] = append(by[o.Name], o)
	}
	for _, tc := range []struct {
		name, value, unit, flag string
		abnormal                bool
	}{
		{"Potassium", "5.9", "mmol/L", "H", true},
		{"Sodium", "139", "mmol/L", "N", false},
		{"Creatinine", "1.63", "mg/dL", "", true}, // above its range, no interpretation
		{"MRSA screen", "MRSA detected", "", "A", true},
		{"CRP", "<5 mg/L", "", "", false},
	} {
		o := by[tc.name]
		if len(o) == 0 || o[0].Value != tc.value || o[0].Unit != tc.unit || o[0].Flag != tc.flag || o[0].Abnormal != tc.abnormal {
			t.Errorf("%s = %+v", tc.name, o)
		}
	}
	k := by["Potassium"][0]
	if k.Code != "2823-3" || *k.Low != 3.5 || *k.High != 5.1 {
		t.Errorf("potassium range = %+v", k)
	}
	if c := by["Creatinine"]; len(c) != 2 || c[1].Value != "0.9" || c[1].Abnormal {
		t.Errorf("creatinine history = %+v", c)
	}
}

func TestOnlyTheNewestObservationsOfEachCodeAreKept(t *testing.T) {
	lines := []string{`{"resourceType":"Patient","id":"p1"}`}
	for i := range 30 {
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
		lines = append(lines,
			`{"resourceType":"Observation","id":"hr`+day+`","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"`+day+`","valueQuantity":{"value":70}}`,
			`{"resourceType":"Observation","id":"k`+day+`","status":"final","category":[{"coding":[{"code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"`+day+`","valueQuantity":{"value":4.2}}`)
	}
	slices.Reverse(lines[1:]) // order of arrival must not matter
	im, err := Read(writeFile(t, t.TempDir(), "o.ndjson", ndjson(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	c := charts[0]
	if len(c.Vitals.Items) != 24 || len(c.Labs.Items) != 10 {
		t.Fatalf("kept %d vitals and %d labs, want 24 and 10", len(c.Vitals.Items), len(c.Labs.Items))
	}
	if c.Vitals.Items[0].Source.ID != "hr2025-01-30" || c.Labs.Items[9].Source.ID != "k2025-01-21" {
		t.Errorf("not the newest: %s ... %s", c.Vitals.Items[0].Source.ID, c.Labs.Items[9].Source.ID)
	}
}

func TestAlertsPutCodeStatusFirstAndLeaveInactiveFlagsOut(t *testing.T) {
	c := wardChart(t, "pat-anna")
	got := names(c.Alerts.Items, func(a clinical.Alert) string { return a.Kind + ":" + a.Text })
	want := []string{"code-status:DNR – do not resuscitate", "isolation:Contact isolation (MRSA)", "fall-risk:At risk for falls"}
	if !slices.Equal(got, want) {
		t.Errorf("alerts = %v, want %v", got, want)
	}
	if c.CodeStatus() != "DNR – do not resuscitate" {
		t.Errorf("code status = %q", c.CodeStatus())
	}
}

func TestAlertKindsComeFromCodesThenFromWords(t *testing.T) {
	for _, tc := range []struct {
		c    r4.CodeableConcept
		kind string
	}{
		{r4.CodeableConcept{Coding: []r4.Coding{{System: sysSNOMED, Code: "450476008"}}}, clinical.AlertCodeStatus},
		{r4.CodeableConcept{Text: "Full code"}, clinical.AlertCodeStatus},
		{r4.CodeableConcept{Text: "Fall precautions"}, clinical.AlertFallRisk},
		{r4.CodeableConcept{Text: "Droplet isolation"}, clinical.AlertIsolation},
		{r4.CodeableConcept{Text: "Neutropenic precautions"}, clinical.AlertIsolation},
		{r4.CodeableConcept{Text: "Difficult airway"}, clinical.AlertOther},
	} {
		if got := alertKind(tc.c); got != tc.kind {
			t.Errorf("%+v: %s, want %s", tc.c, got, tc.kind)
		}
	}
}

func TestNotesDecodeBase64TextAndOnlyNameOtherAttachments(t *testing.T) {
	n := wardChart(t, "pat-anna").Notes.Items
	if len(n) != 2 {
		t.Fatalf("notes = %+v (the superseded one must be gone)", n)
	}
	if n[0].Title != "Night handover" || n[0].Text != "Comfortable overnight. Pain 2/10.\nCough less – café au lait." || n[0].Author != "Nurse Els" ||
		!n[0].Time.Equal(time.Date(2025, 3, 2, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("handover = %+v", n[0])
	}
	if n[1].Title != "Nurse note" || n[1].Text != "(attachment not shown: application/pdf)" {
		t.Errorf("pdf note = %+v", n[1])
	}
}

func TestAttachmentTextHandlesCharsetsAndHTML(t *testing.T) {
	for _, tc := range []struct {
		ct, data, want string
		ok             bool
	}{
		{"text/plain", "SGVsbG8=", "Hello", true},
		{"text/plain", "SGVsbG8", "Hello", true}, // unpadded
		{"text/plain; charset=ISO-8859-1", "Y2Fm6Q==", "café", true},
		{"text/html", "PHA+T25lICZhbXA7IHR3bzwvcD48cD50aHJlZTwvcD4=", "One & two\nthree", true},
		{"application/pdf", "SGVsbG8=", "", false},
		{"text/plain", "***", "", false},
	} {
		got, ok := attachmentText(tc.ct, tc.data)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s %q = %q %v, want %q %v", tc.ct, tc.data, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTheSameResourceReadTwiceAppearsOnceInItsNewestVersion(t *testing.T) {
	dir := t.TempDir()
	a := `{"resourceType":"AllergyIntolerance","id":"a1","meta":{"versionId":"%s"},"patient":{"reference":"Patient/p1"},"code":{"text":"%s"}}`
	writeFile(t, dir, "1.ndjson", ndjson(`{"resourceType":"Patient","id":"p1"}`, sprintf(a, "2", "Penicillin"), sprintf(a, "1", "Penicilin")))
	writeFile(t, dir, "2.ndjson", ndjson(sprintf(a, "1", "Penicilin"), `{"resourceType":"Patient","id":"p1"}`))
	im, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	if a := charts[0].Allergies.Items; len(a) != 1 || a[0].Substance != "Penicillin" || a[0].Source.VersionID != "2" {
		t.Errorf("allergies = %+v", a)
	}
}
