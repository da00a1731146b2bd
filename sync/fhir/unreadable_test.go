package fhir

import (
	"testing"

	"lifeboat/clinical"
)

// Resources for the tests of unreadable data: two patients, each asserting
// no known allergies, problems and medications.
func nothingKnown(patient string) []string {
	return []string{
		`{"resourceType":"Patient","id":"` + patient + `"}`,
		`{"resourceType":"AllergyIntolerance","id":"nka-` + patient + `","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"716186003"}]},"patient":{"reference":"Patient/` + patient + `"}}`,
		`{"resourceType":"Condition","id":"nkp-` + patient + `","code":{"coding":[{"system":"http://snomed.info/sct","code":"160245001"}]},"subject":{"reference":"Patient/` + patient + `"}}`,
		`{"resourceType":"MedicationStatement","id":"nkm-` + patient + `","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"no-known-medications"}]},"subject":{"reference":"Patient/` + patient + `"}}`,
	}
}

// statuses reads the lines and gives each patient's allergy, problem and
// medication statuses.
func statuses(t *testing.T, lines ...string) map[string][3]clinical.SectionStatus {
	t.Helper()
	im, err := ReadBytes("test", []byte(ndjson(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][3]clinical.SectionStatus{}
	for _, c := range charts {
		out[c.Patient.ID] = [3]clinical.SectionStatus{c.Allergies.Status, c.Problems.Status, c.Medications.Status}
	}
	return out
}

const (
	known    = clinical.NoneKnown
	recorded = clinical.NoneRecorded // "none recorded": nothing may be claimed
)

func TestAMalformedResourceNeverLeavesItsSectionNoneKnown(t *testing.T) {
	both := append(nothingKnown("p1"), nothingKnown("p2")...)
	for _, tc := range []struct {
		name   string
		broken string
		p1, p2 [3]clinical.SectionStatus
	}{
		{"no malformed resource", ``,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		// the patient's active penicillin allergy, with a criticality of the
		// wrong type: it cannot be shown, and "no known allergies" would be
		// a lie
		{"an active allergy of the patient", `{"resourceType":"AllergyIntolerance","id":"a1","clinicalStatus":{"coding":[{"code":"active"}]},"criticality":3,"code":{"text":"Penicillin"},"patient":{"reference":"Patient/p1"}}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"an allergy that is not JSON past its patient", `{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"Patient/p1"},"code":{"text":"Penic`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{recorded, known, known}},
		{"an allergy without an id", `{"resourceType":"AllergyIntolerance","code":{"text":"Penicillin"},"patient":{"reference":"https://ehr.example/fhir/Patient/p1/_history/2"}}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"an allergy whose patient is not an object", `{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Penicillin"},"patient":"Patient/p1"}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{recorded, known, known}},
		{"an allergy without a patient", `{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Penicillin"}}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{recorded, known, known}},
		{"an allergy whose patient reference is not a string", `{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Penicillin"},"patient":{"reference":7}}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{recorded, known, known}},
		{"an allergy whose patient is a contained resource", `{"resourceType":"AllergyIntolerance","id":"a1","criticality":3,"patient":{"reference":"#p"}}`,
			[3]clinical.SectionStatus{recorded, known, known}, [3]clinical.SectionStatus{recorded, known, known}},
		{"an allergy of a patient who is not in the input", `{"resourceType":"AllergyIntolerance","id":"a1","criticality":3,"patient":{"reference":"Patient/p9"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"a problem of the patient", `{"resourceType":"Condition","id":"c1","code":{"text":"Epilepsy"},"onsetDateTime":2019,"subject":{"reference":"Patient/p2"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, recorded, known}},
		{"an order of the patient", `{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","subject":{"reference":"Patient/p2"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, recorded}},
		{"a statement of the patient", `{"resourceType":"MedicationStatement","id":"m1","status":true,"subject":{"reference":"Patient/p1"}}`,
			[3]clinical.SectionStatus{known, known, recorded}, [3]clinical.SectionStatus{known, known, known}},
		{"a statement of nobody known", `{"resourceType":"MedicationStatement","id":"m1","status":true}`,
			[3]clinical.SectionStatus{known, known, recorded}, [3]clinical.SectionStatus{known, known, recorded}},
		// an Observation feeds vitals and labs, which nothing asserts empty
		{"an observation of the patient", `{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"HR"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":"high"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"an observation of nobody known", `{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"HR"},"subject":"Patient/p1","valueQuantity":{"value":"high"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"a flag without a code", `{"resourceType":"Flag","id":"f1","status":"active","subject":{"reference":"Patient/p1"}}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		// a resource whose type cannot be read might be anything of anyone's
		{"a resource without a type", `{"id":"a1","code":{"text":"Penicillin"},"patient":{"reference":"Patient/p1"}}`,
			[3]clinical.SectionStatus{recorded, recorded, recorded}, [3]clinical.SectionStatus{recorded, recorded, recorded}},
		{"a line that is not an object", `["AllergyIntolerance"]`,
			[3]clinical.SectionStatus{recorded, recorded, recorded}, [3]clinical.SectionStatus{recorded, recorded, recorded}},
		{"a Bundle that is not JSON", `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"AllergyIntolerance"`,
			[3]clinical.SectionStatus{recorded, recorded, recorded}, [3]clinical.SectionStatus{recorded, recorded, recorded}},
		// types that feed no section, or only placement
		{"a claim", `{"resourceType":"Claim","id":"c1","patient":7}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
		{"an encounter of nobody known", `{"resourceType":"Encounter","id":"e1","status":"in-progress"}`,
			[3]clinical.SectionStatus{known, known, known}, [3]clinical.SectionStatus{known, known, known}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := both
			if tc.broken != "" {
				// the broken line before the assertions and after them:
				// the order of reading must not matter (not on the first
				// line, which decides whether the input is NDJSON at all)
				lines = append(append([]string{both[0], tc.broken}, both[1:]...), tc.broken)
			}
			got := statuses(t, lines...)
			if got["p1"] != tc.p1 || got["p2"] != tc.p2 {
				t.Errorf("allergies, problems, medications: p1 %v, p2 %v; want p1 %v, p2 %v", got["p1"], got["p2"], tc.p1, tc.p2)
			}
		})
	}
}

func TestAMalformedAllergyInABundleFindsItsPatientThroughTheFullURL(t *testing.T) {
	const p1, p2 = "urn:uuid:7d3c0e1a-0000-4000-8000-000000000001", "urn:uuid:7d3c0e1a-0000-4000-8000-000000000002"
	nka := func(id, patient string) string {
		return `{"resourceType":"AllergyIntolerance","id":"` + id + `","code":{"coding":[{"system":"http://snomed.info/sct","code":"716186003"}]},"patient":{"reference":"` + patient + `"}}`
	}
	data := bundle("transaction",
		// the malformed allergy comes before its patient's entry
		[2]string{"", `{"resourceType":"AllergyIntolerance","id":"a1","reaction":{"severity":"severe"},"code":{"text":"Penicillin"},"patient":{"reference":"` + p1 + `"}}`},
		[2]string{p1, `{"resourceType":"Patient","id":"one"}`},
		[2]string{p2, `{"resourceType":"Patient","id":"two"}`},
		[2]string{"", nka("nka-1", p1)},
		[2]string{"", nka("nka-2", p2)},
	)
	im, err := ReadBytes("test", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if im.MalformedTotal != 1 {
		t.Fatalf("malformed = %v", im.Malformed)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]clinical.SectionStatus{}
	for _, c := range charts {
		got[c.Patient.ID] = c.Allergies.Status
	}
	if got["one"] != clinical.NoneRecorded || got["two"] != clinical.NoneKnown {
		t.Errorf("allergies = %v, want one none-recorded and two none-known", got)
	}
}

func TestAnUnreadableAllergyTakesTheAssertionFromBesideReadableInactiveOnes(t *testing.T) {
	// Without it, the resolved egg allergy would be shown with "no known
	// allergies" beside it; readable allergies are shown as before.
	charts, err := mustRead(t, append(nothingKnown("p1"),
		`{"resourceType":"AllergyIntolerance","id":"a1","clinicalStatus":{"coding":[{"code":"resolved"}]},"code":{"text":"Egg"},"patient":{"reference":"Patient/p1"}}`,
		`{"resourceType":"AllergyIntolerance","id":"a2","criticality":["high"],"code":{"text":"Latex"},"patient":{"reference":"Patient/p1"}}`,
	)...).Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := charts[0].Allergies; a.Status != clinical.Recorded || a.Assertion != nil || len(a.Items) != 1 || a.Items[0].Substance != "Egg" {
		t.Errorf("allergies = %+v, want the resolved egg allergy and no assertion", a)
	}
}

func TestAnAllergyAssertionThatIsNotCurrentAssertsNothing(t *testing.T) {
	nka := `{"resourceType":"AllergyIntolerance","id":"nka","clinicalStatus":{"coding":[{"code":"%s"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"716186003"}]},"patient":{"reference":"Patient/p1"}}`
	for status, want := range map[string]clinical.SectionStatus{
		"active": clinical.NoneKnown, "inactive": clinical.NoneRecorded, "resolved": clinical.NoneRecorded,
		"remission": clinical.NoneRecorded,
	} {
		got := statuses(t, `{"resourceType":"Patient","id":"p1"}`, sprintf(nka, status))
		if got["p1"][0] != want {
			t.Errorf("an NKA %s: allergies %s, want %s", status, got["p1"][0], want)
		}
	}
}

func mustRead(t *testing.T, lines ...string) *Import {
	t.Helper()
	im, err := ReadBytes("test", []byte(ndjson(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	return im
}
