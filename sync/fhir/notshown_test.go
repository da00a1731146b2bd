package fhir

import (
	"slices"
	"strings"
	"testing"
)

// A Composition's entries are told apart: one that is in the input
// (by Type/id, by urn:uuid, even a resource hidden for its status or of a
// type not read) is not an unresolved reference; one that is not is, once.
func TestCompositionEntriesNotInTheInputAreUnresolvedAndTheOthersCountedOnce(t *testing.T) {
	meds := `{"code":{"coding":[{"system":"http://loinc.org","code":"10160-0"}]},"entry":[` +
		`{"reference":"MedicationStatement/ms-done"},{"reference":"urn:uuid:r1"},{"reference":"MedicationStatement/ms-now"},` +
		`{"reference":"MedicationStatement/not-here"},{"reference":"urn:uuid:nowhere"},{"reference":"Goal/imm"},{"reference":"#contained"}]}`
	problems := `{"code":{"coding":[{"system":"http://loinc.org","code":"11450-4"}]},"entry":[{"reference":"Observation/obs-gone"},{"reference":"Condition/c-wrong"}]}`
	doc := compositionDoc(meds+","+problems,
		`{"resourceType":"MedicationStatement","id":"ms-done","status":"completed","medicationCodeableConcept":{"text":"Omeprazole"},"subject":{"reference":"urn:uuid:p1"}}`,
		`{"resourceType":"MedicationStatement","id":"ms-old","status":"stopped","medicationCodeableConcept":{"text":"Aspirin"},"subject":{"reference":"urn:uuid:p1"}}`,
		`{"resourceType":"MedicationStatement","id":"ms-now","status":"active","medicationCodeableConcept":{"text":"Anastrozole 1 mg"},"subject":{"reference":"urn:uuid:p1"}}`,
		`{"resourceType":"Goal","id":"imm","lifecycleStatus":"active","subject":{"reference":"urn:uuid:p1"}}`,
		`{"resourceType":"Condition","id":"c-wrong","subject":{"reference":"urn:uuid:p1"},"code":{"text":"Asthma"},"verificationStatus":{"coding":[{"code":"entered-in-error"}]}}`,
		`{"resourceType":"Claim","id":"cl","patient":{"reference":"urn:uuid:p1"}}`,
	)
	im, err := ReadBytes("test", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"3 Composition entry not shown: unresolved reference", // not-here, nowhere, obs-gone
		"1 Condition not shown: verification entered-in-error",
		"1 Goal not shown: not read by Lifeboat",
		"1 MedicationStatement not shown: status completed",
		"1 MedicationStatement not shown: status stopped",
	}
	if got := im.NotShown(); !slices.Equal(got, want) {
		t.Errorf("NotShown:\n got %q\nwant %q", got, want)
	}
}

// Resources left out as they are read are counted once, by their newest
// version, and not when another version of them is shown; rows beyond
// those kept are counted as older.
func TestResourcesLeftOutAsTheyAreReadAreCountedOnce(t *testing.T) {
	lines := []string{`{"resourceType":"Patient","id":"p1"}`,
		// two versions of a finished encounter: one count
		`{"resourceType":"Encounter","id":"e1","meta":{"versionId":"1"},"status":"finished","subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"Encounter","id":"e1","meta":{"versionId":"2"},"status":"cancelled","subject":{"reference":"Patient/p1"}}`,
		// shown in one version, cancelled in another: shown, not counted
		`{"resourceType":"Observation","id":"o1","meta":{"versionId":"1"},"status":"cancelled","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"Observation","id":"o1","meta":{"versionId":"2"},"status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":80}}`,
		`{"resourceType":"Observation","id":"o2","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"social-history"}]}],"code":{"text":"Smoking"},"subject":{"reference":"Patient/p1"},"valueString":"never"}`,
		`{"resourceType":"Observation","id":"o3","status":"final","category":[{"coding":[{"code":"laboratory"}]}],"code":{"text":"Potassium"},"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"DocumentReference","id":"d1","status":"current","docStatus":"entered-in-error","subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"Observation","id":"o4","status":"final","code":{"text":"Oxygen"},"subject":{"reference":"Patient/p1"},"valueString":"x"}`,
		`{"resourceType":"Encounter","id":"e2","status":"odd status!","subject":{"reference":"Patient/p1"}}`,
	}
	for i := range keepLabs + 2 {
		lines = append(lines, sprintf(`{"resourceType":"Observation","id":"k%d","status":"final","category":[{"coding":[{"code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"2823-3"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-11-%02dT08:00:00Z","valueQuantity":{"value":4}}`, i, i+1))
	}
	im, err := ReadBytes("test", []byte(ndjson(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil || len(charts[0].Vitals.Items) != 1 || len(charts[0].Labs.Items) != keepLabs {
		t.Fatalf("charts %v: %d vitals, %d labs", err, len(charts[0].Vitals.Items), len(charts[0].Labs.Items))
	}
	want := []string{
		"1 DocumentReference not shown: docStatus entered-in-error",
		"1 Encounter not shown: status cancelled",
		"1 Encounter not shown: status not recognised",
		"1 Observation not shown: category social-history",
		"1 Observation not shown: no value",
		"1 Observation not shown: not a vital sign or lab",
		"2 Observation not shown: older than the newest 10 of its code",
	}
	got := im.NotShown()
	if !slices.Equal(got, want) {
		t.Errorf("NotShown:\n got %q\nwant %q", got, want)
	}
	if s := strings.Join(got, " "); strings.Contains(s, "odd") {
		t.Errorf("a status that is no code reached the count: %q", s)
	}
}

// The counts of a ward built in parts add up to those of the whole.
func TestNotShownByPatientAddsUpToNotShown(t *testing.T) {
	im := readWard(t)
	var parts [][]NotShownCount
	for _, c := range im.NotShownByPatient() {
		parts = append(parts, c)
	}
	if got, want := NotShownLines(parts...), im.NotShown(); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("by patient %q, whole %q", got, want)
	}
}

// A Goal too large or nested too deep is refused before it is
// walked: skipped, never counted as its patient's resource not read.
func TestATooLargeOrTooDeepResourceNotReadIsRefusedBeforeItIsCounted(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000)
	for name, extra := range map[string]string{
		"too large": `"note":[{"text":"` + strings.Repeat("x", MaxResource+1) + `"}],"x":` + deep,
		"too deep":  `"x":` + deep,
	} {
		data := ndjson(`{"resourceType":"Patient","id":"p1"}`,
			`{"resourceType":"Goal","id":"imm","lifecycleStatus":"active","subject":{"reference":"Patient/p1"},`+extra+`}`)
		im, err := ReadBytes("test", []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := im.NotShown(); len(got) != 0 || im.Skipped["Goal"] != 1 || im.Counts["Patient"] != 1 {
			t.Errorf("%s: NotShown %q, skipped %v, counts %v", name, got, im.Skipped, im.Counts)
		}
	}
}
