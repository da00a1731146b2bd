package fhir

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

const ipsFixture = "testdata/ips-meds.json"

// ipsChart reads the synthetic IPS document and charts its one patient.
func ipsChart(t *testing.T) (*Import, clinical.Chart) {
	t.Helper()
	im, err := Read(ipsFixture)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil || len(charts) != 1 {
		t.Fatalf("Census: %d charts, %v", len(charts), err)
	}
	return im, charts[0]
}

func TestReportedMedications(t *testing.T) {
	im, c := ipsChart(t)
	if c.Medications.Status != clinical.Recorded {
		t.Fatalf("medications status %s, want recorded", c.Medications.Status)
	}
	got := names(c.Medications.Items, func(m clinical.Medication) string {
		return m.Kind + "|" + m.Status + "|" + m.Name
	})
	want := []string{
		"|active|Paracetamol 1 g tablet",
		"reported|active|amlodipine 5 MG Oral Tablet", // by relative Medication/id
		"reported|active|Anastrozole 1 mg tablet",     // by urn:uuid reference
		"reported|intended|ATC A02BC01",               // an ATC code, no display
		"reported|on-hold|metoprolol",                 // contained
	}
	if !slices.Equal(got, want) {
		t.Fatalf("medications:\n got %q\nwant %q", got, want)
	}
	a := c.Medications.Items[2]
	if a.Dose != "1 tablet" || a.Route != "Oral use" || a.Frequency == "" || !strings.Contains(a.Dosage, "Oral use") {
		t.Errorf("anastrozole dosage: dose %q route %q frequency %q dosage %q", a.Dose, a.Route, a.Frequency, a.Dosage)
	}
	if a.ReportedBy != "Dr. Synthetic GP" || !a.Asserted.Equal(time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("anastrozole reported by %q at %v", a.ReportedBy, a.Asserted)
	}
	if a.Start.IsZero() || a.Code != "108774000" || !a.LastGiven.IsZero() {
		t.Errorf("anastrozole start %v code %q last given %v", a.Start, a.Code, a.LastGiven)
	}
	for _, code := range []string{"http://snomed.info/sct|108774000", "http://www.whocc.no/atc|L02BG03",
		"https://example.org/be/cnk|1234567", "https://example.org/nl/zindex|7654321"} {
		if !slices.Contains(a.Codes, code) {
			t.Errorf("anastrozole codes %q lack %s", a.Codes, code)
		}
	}
	if a.Source.Type != "MedicationStatement" || len(a.Source.JSON) == 0 {
		t.Errorf("anastrozole source %s/%s with %d bytes", a.Source.Type, a.Source.ID, len(a.Source.JSON))
	}
	if m := c.Medications.Items[4]; m.ReportedBy != "the patient" || m.Dosage != "50 mg twice a day, held by the patient since last week" {
		t.Errorf("metoprolol reported by %q, dosage %q", m.ReportedBy, m.Dosage)
	}
	if m := c.Medications.Items[1]; m.Route != "oral" || m.Code != "197361" || m.Timing.Frequency != 1 {
		t.Errorf("amlodipine route %q code %q timing %+v", m.Route, m.Code, m.Timing)
	}
	if m := c.Medications.Items[3]; m.Start.IsZero() {
		t.Errorf("intended medication without its start")
	}
	wantHidden := []string{
		"1 Composition entry not shown: unresolved reference",
		"1 MedicationStatement not shown: status completed",
		"1 MedicationStatement not shown: status entered-in-error",
		"1 MedicationStatement not shown: status stopped",
	}
	if got := im.NotShown(); !slices.Equal(got, wantHidden) {
		t.Errorf("NotShown:\n got %q\nwant %q", got, wantHidden)
	}
}

// A "no known medications" statement still asserts, and a reported
// medication that is current contradicts it; one that is history does not.
func TestStatementAssertionAndReported(t *testing.T) {
	pat := `{"resourceType":"Patient","id":"p1"}`
	nkm := `{"resourceType":"MedicationStatement","id":"nkm","status":"active","subject":{"reference":"Patient/p1"},` +
		`"medicationCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"no-known-medications"}]}}`
	stopped := `{"resourceType":"MedicationStatement","id":"s1","status":"stopped","subject":{"reference":"Patient/p1"},` +
		`"medicationCodeableConcept":{"text":"Old drug"}}`
	active := `{"resourceType":"MedicationStatement","id":"s2","status":"active","subject":{"reference":"Patient/p1"},` +
		`"medicationCodeableConcept":{"text":"Home drug"}}`
	for _, tc := range []struct {
		name      string
		resources []string
		status    clinical.SectionStatus
		items     int
	}{
		{"assertion alone", []string{pat, nkm}, clinical.NoneKnown, 0},
		{"assertion and history", []string{pat, nkm, stopped}, clinical.NoneKnown, 0},
		{"assertion and a current one", []string{pat, nkm, active}, clinical.Recorded, 1},
		{"history alone", []string{pat, stopped}, clinical.NoneRecorded, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ReadBytes("test", []byte(ndjson(tc.resources...)))
			if err != nil {
				t.Fatal(err)
			}
			charts, err := im.Census(Selection{All: true})
			if err != nil {
				t.Fatal(err)
			}
			m := charts[0].Medications
			if m.Status != tc.status || len(m.Items) != tc.items {
				t.Errorf("status %s with %d items, want %s with %d", m.Status, len(m.Items), tc.status, tc.items)
			}
		})
	}
}

func TestMedName(t *testing.T) {
	for _, tc := range []struct {
		c    r4.CodeableConcept
		want string
	}{
		{r4.CodeableConcept{Text: " Anastrozole ", Coding: []r4.Coding{{System: sysSNOMED, Code: "1", Display: "x"}}}, "Anastrozole"},
		{r4.CodeableConcept{Coding: []r4.Coding{{System: "https://example.org/cnk", Code: "1"}, {System: sysATC, Code: "L02BG03", Display: "anastrozole"}}}, "anastrozole"},
		{r4.CodeableConcept{Coding: []r4.Coding{{System: sysEDQM, Code: "10219000"}}}, "EDQM 10219000"},
		{r4.CodeableConcept{Coding: []r4.Coding{{System: "https://example.org/cnk", Code: "1234567"}}}, "code 1234567"},
		{r4.CodeableConcept{}, ""},
	} {
		if got := medName(tc.c); got != tc.want {
			t.Errorf("medName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

// Every clinical resource read but not shown is counted by type and reason;
// the ward fixture has one of each kind.
func TestResourcesNotShownAreCounted(t *testing.T) {
	want := []string{
		"1 AllergyIntolerance not shown: says only that it is unknown",
		"1 AllergyIntolerance not shown: verification entered-in-error",
		"1 Condition not shown: says only that it is unknown",
		"1 Condition not shown: verification entered-in-error",
		"1 DocumentReference not shown: status superseded",
		"2 Encounter not shown: status finished",
		"1 Flag not shown: status inactive",
		"1 MedicationAdministration not shown: status entered-in-error",
		"1 MedicationRequest not shown: intent proposal",
		"1 MedicationRequest not shown: status draft",
		"1 MedicationRequest not shown: status entered-in-error",
		"1 MedicationStatement not shown: says only that it is unknown",
		"1 Observation not shown: status entered-in-error",
	}
	if got := readWard(t).NotShown(); !slices.Equal(got, want) {
		t.Errorf("NotShown:\n got %q\nwant %q", got, want)
	}
}

// A newer version entered in error hides the older one.
func TestANewerVersionEnteredInErrorHidesTheOlder(t *testing.T) {
	pat := `{"resourceType":"Patient","id":"p1"}`
	v1 := `{"resourceType":"AllergyIntolerance","id":"a1","meta":{"versionId":"1"},"patient":{"reference":"Patient/p1"},"code":{"text":"Latex"}}`
	v2 := `{"resourceType":"AllergyIntolerance","id":"a1","meta":{"versionId":"2"},"patient":{"reference":"Patient/p1"},"code":{"text":"Latex"},` +
		`"verificationStatus":{"coding":[{"code":"entered-in-error"}]}}`
	im, err := ReadBytes("test", []byte(ndjson(pat, v1, v2)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	if a := charts[0].Allergies; len(a.Items) != 0 || a.Status != clinical.NoneRecorded {
		t.Errorf("allergies %s %+v", a.Status, a.Items)
	}
	if got := im.NotShown(); !slices.Equal(got, []string{"1 AllergyIntolerance not shown: verification entered-in-error"}) {
		t.Errorf("NotShown %q", got)
	}
}

// Orders, administrations and reported medications read their medication
// alike: a contained Medication ("#id") by its code, a Medication
// resource by a relative or urn:uuid reference.
func TestEveryMedicationResourceResolvesItsMedicationAlike(t *testing.T) {
	contained := `"contained":[{"resourceType":"Medication","id":"med1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"197361","display":"Amlodipine 5 mg tablet"}]}}],"medicationReference":{"reference":"#med1"}`
	doc := bundle("collection",
		[2]string{"urn:uuid:p1", `{"resourceType":"Patient","id":"p1"}`},
		[2]string{"urn:uuid:m2", `{"resourceType":"Medication","id":"m2","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"866924","display":"Metoprolol 25 mg tablet"}]}}`},
		[2]string{"", `{"resourceType":"MedicationRequest","id":"mr1","status":"active","intent":"order","subject":{"reference":"urn:uuid:p1"},` + contained + `}`},
		[2]string{"", `{"resourceType":"MedicationStatement","id":"ms1","status":"active","subject":{"reference":"urn:uuid:p1"},` + contained + `}`},
		[2]string{"", `{"resourceType":"MedicationAdministration","id":"ma1","status":"completed","subject":{"reference":"urn:uuid:p1"},"request":{"reference":"MedicationRequest/mr1"},"effectiveDateTime":"2026-12-01T08:00:00Z",` + contained + `}`},
		[2]string{"", `{"resourceType":"MedicationRequest","id":"mr2","status":"active","intent":"order","subject":{"reference":"urn:uuid:p1"},"medicationReference":{"reference":"urn:uuid:m2"}}`},
		[2]string{"", `{"resourceType":"MedicationRequest","id":"mr3","status":"active","intent":"order","subject":{"reference":"urn:uuid:p1"},"medicationReference":{"reference":"Medication/m2"}}`},
	)
	im, err := ReadBytes("test", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil || len(charts) != 1 {
		t.Fatalf("%d charts, %v", len(charts), err)
	}
	by := map[string]clinical.Medication{}
	for _, m := range charts[0].Medications.Items {
		by[m.Source.ID] = m
	}
	for id, want := range map[string][2]string{"mr1": {"Amlodipine 5 mg tablet", "197361"}, "ms1": {"Amlodipine 5 mg tablet", "197361"},
		"mr2": {"Metoprolol 25 mg tablet", "866924"}, "mr3": {"Metoprolol 25 mg tablet", "866924"}} {
		if m := by[id]; m.Name != want[0] || m.Code != want[1] {
			t.Errorf("%s: %q %q, want %q", id, m.Name, m.Code, want)
		}
	}
	if a := charts[0].Administrations.Items; len(a) != 1 || a[0].Medication != "Amlodipine 5 mg tablet" {
		t.Errorf("%d administrations, the first of %q", len(a), a[0].Medication)
	}
	if got := strings.Join(im.NotShown(), "\n"); strings.Contains(got, "unresolved") {
		t.Errorf("NotShown %q", got)
	}
}

func TestNotShownSummaryIsOneSentence(t *testing.T) {
	if got := NotShownSummary(nil); got != "" {
		t.Errorf("nothing hidden: %q", got)
	}
	lines := []string{"1 MedicationStatement not shown: status completed", "2 MedicationStatement not shown: status stopped"}
	if got, want := NotShownSummary(lines), "1 MedicationStatement not shown: status completed; 2 MedicationStatement not shown: status stopped."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
