package ips

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

func source(typ, id, body string) clinical.Source {
	return clinical.Source{Type: typ, ID: id, JSON: json.RawMessage(body)}
}

// testChart is a small made-up chart: an allergy whose note quotes a
// reference, an order naming its Medication by reference, a device named
// by a DeviceUseStatement, problems none known, vitals unreadable.
func testChart() *clinical.Chart {
	c := &clinical.Chart{Patient: clinical.Patient{ID: "p1", Name: "Test, Ada",
		Source: source("Patient", "p1", `{"resourceType":"Patient","id":"p1","name":[{"family":"Test","given":["Ada"]}]}`)}}
	c.Allergies.Items = []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
		Source: source("AllergyIntolerance", "a1", `{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"Patient/p1"},
			"code":{"text":"Penicillin"},"note":[{"text":"copied from \"reference\":\"Patient/p1\" by hand"}]}`)}}
	c.Medications.Items = []clinical.Medication{{Name: "Amoxicillin 500 mg capsule", Status: "active",
		Source: source("MedicationRequest", "m1", `{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",
			"medicationReference":{"reference":"Medication/med-1"},"subject":{"reference":"Patient/p1"}}`)}}
	c.Problems.Assertion = &clinical.Source{Type: "List", ID: "l1"}
	c.Vitals.Unreadable = true
	c.Devices.Items = []clinical.Device{{Name: "Urinary catheter",
		Source: source("DeviceUseStatement", "d1", `{"resourceType":"DeviceUseStatement","id":"d1","status":"active",
			"subject":{"reference":"Patient/p1"},"device":{"reference":"Device/dev-1"}}`)}}
	for _, s := range []interface{ Settle() }{&c.Allergies, &c.Medications, &c.Problems, &c.Vitals, &c.Devices} {
		s.Settle()
	}
	return c
}

func TestTheBundleResolvesWhatItNamesAndSaysWhySectionsAreEmpty(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s, err := Build(Input{Chart: testChart(), AsOf: now.Add(-3 * time.Hour), Now: now, By: "RN Test"})
	if err != nil {
		t.Fatal(err)
	}
	var b r4.Bundle
	if err := json.Unmarshal(s.Bundle, &b); err != nil {
		t.Fatal(err)
	}
	byURL := map[string]string{}
	for _, e := range b.Entry {
		var h r4.Resource
		json.Unmarshal(e.Resource, &h)
		byURL[e.FullURL] = h.ResourceType + "/" + h.ID
	}
	var comp r4.Composition
	if err := json.Unmarshal(b.Entry[0].Resource, &comp); err != nil || byURL[comp.Subject.Reference] != "Patient/p1" {
		t.Fatalf("subject %q (%v)", comp.Subject.Reference, err)
	}
	// Every reference of the Bundle leads to an entry: the Medication and
	// the Device the snapshot did not keep are made from the rows.
	for _, want := range []string{"Medication/med-1", "Device/dev-1", "AllergyIntolerance/a1"} {
		found := false
		for _, v := range byURL {
			found = found || v == want
		}
		if !found {
			t.Errorf("no %s in the Bundle: %v", want, byURL)
		}
	}
	for _, e := range b.Entry[1:] {
		var refs struct {
			Patient             r4.Reference  `json:"patient"`
			Subject             r4.Reference  `json:"subject"`
			MedicationReference *r4.Reference `json:"medicationReference"`
			Device              r4.Reference  `json:"device"`
		}
		json.Unmarshal(e.Resource, &refs)
		for _, r := range []string{refs.Patient.Reference, refs.Subject.Reference, refs.Device.Reference} {
			if _, ok := byURL[r]; r != "" && !ok {
				t.Errorf("%s: reference %q leads to no entry", byURL[e.FullURL], r)
			}
		}
		if m := refs.MedicationReference; m != nil && byURL[m.Reference] != "Medication/med-1" {
			t.Errorf("medicationReference %q", m.Reference)
		}
	}
	// Text that quotes a reference is text: not rewritten.
	if !strings.Contains(string(s.Bundle), `copied from \"reference\":\"Patient/p1\" by hand`) {
		t.Errorf("a note quoting a reference was changed")
	}
	sections := map[string]r4.CompositionSection{}
	for _, sec := range comp.Section {
		sections[sec.Code.Coding[0].Code] = sec
	}
	reason := func(code string) string {
		if r := sections[code].EmptyReason; r != nil {
			return r.Coding[0].Code
		}
		return ""
	}
	if got := reason("11450-4"); got != "nilknown" {
		t.Errorf("problems none known: emptyReason %q, want nilknown", got)
	}
	if v, ok := sections["8716-3"]; !ok || reason("8716-3") != "unavailable" || !strings.Contains(v.Text.Div, "could not be read") {
		t.Errorf("vital signs unreadable: %+v, want an unavailable section that says so", v)
	}
	if _, ok := sections["11369-6"]; ok {
		t.Errorf("an optional section with nothing recorded is listed")
	}
	if a := sections["48765-2"]; len(a.Entry) != 1 || a.EmptyReason != nil || !strings.Contains(a.Text.Div, "Penicillin (high criticality)") {
		t.Errorf("allergies: %+v", a)
	}
}

func TestNarrativeIsEscapedXHTML(t *testing.T) {
	n := narrative(Section{Lines: []string{`<script>alert("x")</script> & co`}})
	if strings.Contains(n.Div, "<script>") || !strings.Contains(n.Div, "&lt;script&gt;") || !strings.Contains(n.Div, "&amp; co") {
		t.Errorf("div %s", n.Div)
	}
}
