package fhir

import (
	"strings"
	"testing"

	"lifeboat/clinical"
)

func TestIPSCompositionSections(t *testing.T) {
	im, c := ipsChart(t)
	// The fixture's allergies section is empty with "nilknown": none known.
	if c.Allergies.Status != clinical.NoneKnown || c.Allergies.Assertion == nil || c.Allergies.Assertion.Type != "Composition" ||
		len(c.Allergies.Assertion.JSON) == 0 {
		t.Errorf("allergies %s, assertion %+v", c.Allergies.Status, c.Allergies.Assertion)
	}
	// Its problems section is empty as "unavailable": none recorded, and why.
	if c.Problems.Status != clinical.NoneRecorded || c.Problems.EmptyReason != "unavailable" || c.Problems.Assertion != nil {
		t.Errorf("problems %s, reason %q", c.Problems.Status, c.Problems.EmptyReason)
	}
	if c.Medications.EmptyReason != "" {
		t.Errorf("medications reason %q", c.Medications.EmptyReason)
	}
	if got := strings.Join(im.NotShown(), "\n"); !strings.Contains(got, "1 Composition entry not shown: unresolved reference") {
		t.Errorf("NotShown %q", got)
	}
}

// compositionDoc is a document Bundle for patient p1 whose Composition
// has one section per (LOINC code, empty reason), plus resources.
func compositionDoc(sections string, resources ...string) string {
	entries := [][2]string{
		{"urn:uuid:c0", `{"resourceType":"Composition","id":"comp","status":"final","subject":{"reference":"urn:uuid:p1"},"date":"2026-12-01","section":[` + sections + `]}`},
		{"urn:uuid:p1", `{"resourceType":"Patient","id":"p1"}`},
	}
	for i, r := range resources {
		entries = append(entries, [2]string{sprintf("urn:uuid:r%d", i), r})
	}
	return bundle("document", entries...)
}

func emptySection(loinc, reason string) string {
	return `{"code":{"coding":[{"system":"http://loinc.org","code":"` + loinc + `"}]},` +
		`"emptyReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/list-empty-reason","code":"` + reason + `"}]}}`
}

func TestCompositionEmptyReasons(t *testing.T) {
	for _, reason := range []string{"nilknown", "unavailable", "notasked", "withheld", "notstarted", "closed"} {
		t.Run(reason, func(t *testing.T) {
			doc := compositionDoc(emptySection("10160-0", reason) + "," + emptySection("48765-2", reason) + "," +
				`{"section":[` + emptySection("11450-4", reason) + `]}`) // a sub-section
			im, err := ReadBytes("test", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			charts, err := im.Census(Selection{All: true})
			if err != nil {
				t.Fatal(err)
			}
			c := charts[0]
			want, wantReason := clinical.NoneRecorded, reason
			if reason == "nilknown" {
				want, wantReason = clinical.NoneKnown, ""
			}
			for name, got := range map[string][2]string{
				"medications": {string(c.Medications.Status), c.Medications.EmptyReason},
				"allergies":   {string(c.Allergies.Status), c.Allergies.EmptyReason},
				"problems":    {string(c.Problems.Status), c.Problems.EmptyReason},
			} {
				if got != [2]string{string(want), wantReason} {
					t.Errorf("%s: %q, want %s %q", name, got, want, wantReason)
				}
			}
		})
	}
}

// "nilknown" is an assertion like any other: a current medication
// contradicts it, and unreadable data takes it away.
func TestCompositionNilKnownYieldsToData(t *testing.T) {
	ms := `{"resourceType":"MedicationStatement","id":"ms","status":"active","subject":{"reference":"urn:uuid:p1"},"medicationCodeableConcept":{"text":"Home drug"}}`
	im, err := ReadBytes("test", []byte(compositionDoc(emptySection("10160-0", "nilknown"), ms)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	if m := charts[0].Medications; m.Status != clinical.Recorded || m.Assertion != nil {
		t.Errorf("medications %s, assertion %+v", m.Status, m.Assertion)
	}
	bad := `{"resourceType":"MedicationStatement","id":"ms","status":"active","subject":{"reference":"urn:uuid:p1"},"dosage":"not an array","medicationCodeableConcept":{"text":"Home drug"}}`
	im, err = ReadBytes("test", []byte(compositionDoc(emptySection("10160-0", "nilknown"), bad)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ = im.Census(Selection{All: true})
	if m := charts[0].Medications; m.Status != clinical.NoneRecorded || !m.Unreadable {
		t.Errorf("medications %s, unreadable %v", m.Status, m.Unreadable)
	}
}

// composition is a Composition for patient p1 with the given id, meta,
// date and sections.
func composition(id, meta, date, sections string) string {
	if meta != "" {
		meta = `"meta":` + meta + `,`
	}
	return `{"resourceType":"Composition","id":"` + id + `",` + meta + `"status":"final","subject":{"reference":"Patient/p1"},"date":"` + date + `","section":[` + sections + `]}`
}

// Only the newest Composition, and the newest version of one, says why
// a section is empty: an older "nilknown" never makes the chart say
// none known when the newer says otherwise, whatever the order read.
func TestCompositionNewestDecides(t *testing.T) {
	allergyEntry := `{"code":{"coding":[{"system":"http://loinc.org","code":"48765-2"}]},"entry":[{"reference":"AllergyIntolerance/gone"}]}`
	cases := []struct {
		name         string
		older, newer string
		wantReason   string
	}{
		{"two compositions", composition("old", "", "2026-10-01", emptySection("48765-2", "nilknown")),
			composition("new", "", "2026-12-01", emptySection("48765-2", "notasked")), "notasked"},
		{"two versions by lastUpdated", composition("c", `{"versionId":"1","lastUpdated":"2026-10-01T00:00:00Z"}`, "2026-12-01", emptySection("48765-2", "nilknown")),
			composition("c", `{"versionId":"2","lastUpdated":"2026-11-01T00:00:00Z"}`, "2026-12-01", emptySection("48765-2", "notasked")), "notasked"},
		{"two versions by versionId", composition("c", `{"versionId":"1"}`, "2026-12-01", emptySection("48765-2", "nilknown")),
			composition("c", `{"versionId":"2"}`, "2026-12-01", emptySection("48765-2", "notasked")), "notasked"},
		{"newer lists entries", composition("old", "", "2026-10-01", emptySection("48765-2", "nilknown")),
			composition("new", "", "2026-12-01", allergyEntry), ""},
	}
	for _, tc := range cases {
		for _, order := range []string{"older first", "newer first"} {
			t.Run(tc.name+"/"+order, func(t *testing.T) {
				a, b := tc.older, tc.newer
				if order == "newer first" {
					a, b = b, a
				}
				doc := bundle("collection", [2]string{"", `{"resourceType":"Patient","id":"p1"}`}, [2]string{"", a}, [2]string{"", b})
				im, err := ReadBytes("test", []byte(doc))
				if err != nil {
					t.Fatal(err)
				}
				charts, err := im.Census(Selection{All: true})
				if err != nil || len(charts) != 1 {
					t.Fatalf("%d charts, %v", len(charts), err)
				}
				s := charts[0].Allergies
				if s.Status != clinical.NoneRecorded || s.Assertion != nil || s.EmptyReason != tc.wantReason {
					t.Errorf("allergies %s, reason %q, assertion %v; want none recorded, reason %q", s.Status, s.EmptyReason, s.Assertion != nil, tc.wantReason)
				}
			})
		}
	}
}
