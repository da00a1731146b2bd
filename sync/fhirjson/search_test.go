package fhirjson

import "testing"

func TestSearchPageFindsResourcesTotalAndNextLink(t *testing.T) {
	page := []byte(`{"resourceType":"Bundle","type":"searchset","total":3,
		"link":[{"relation":"self","url":"http://x/Patient?_count=2"},{"relation":"next","url":"http://x/Patient?_count=2&_offset=2"}],
		"entry":[{"fullUrl":"http://x/Patient/a","resource":{"resourceType":"Patient","id":"a"}},
		         {"resource":{"resourceType":"Patient","id":"b","name":[{"text":"Sm\"ith}"}]}},
		         {"search":{"mode":"outcome"}}]}`)
	var got []string
	p, ok := SearchPage(page, func(r []byte) { got = append(got, string(r)) })
	if !ok || p.Total != 3 || p.Next != "http://x/Patient?_count=2&_offset=2" || len(got) != 2 ||
		got[1] != `{"resourceType":"Patient","id":"b","name":[{"text":"Sm\"ith}"}]}` {
		t.Fatalf("page %+v ok=%v got %q", p, ok, got)
	}
}

func TestSearchPageRefusesWhatIsNotAWholeBundle(t *testing.T) {
	for _, body := range []string{
		`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"a"}},{"resource":{"resourceType":"Pat`,
		`<html><body>Bad gateway</body></html>`,
		`{"resourceType":"OperationOutcome","issue":[]}`,
		``,
	} {
		if _, ok := SearchPage([]byte(body), func([]byte) {}); ok {
			t.Errorf("accepted %q", body)
		}
	}
	if p, ok := SearchPage([]byte(`{"resourceType":"Bundle","entry":null}`), func([]byte) {}); !ok || p.Total != -1 {
		t.Errorf("an empty Bundle: %+v %v", p, ok)
	}
}

func TestPeekFindsTypeIdAndPatient(t *testing.T) {
	for _, tc := range []struct{ raw, typ, id, patient string }{
		{`{"resourceType":"Patient","id":"p1","name":[{"family":"X"}]}`, "Patient", "p1", "p1"},
		{`{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/p2"}}`, "Observation", "o1", "p2"},
		{`{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"https://ehr.example/fhir/Patient/p3/_history/2"}}`,
			"AllergyIntolerance", "a1", "p3"},
		{`{"subject":{"reference":"Group/g1"},"id":"o2","resourceType":"Observation"}`, "Observation", "o2", ""},
		{`{"resourceType":"Medication","id":"m\u0031"}`, "Medication", "m1", ""},
	} {
		typ, id, patient, ok := Peek([]byte(tc.raw))
		if !ok || typ != tc.typ || id != tc.id || patient != tc.patient {
			t.Errorf("%s: %q %q %q %v", tc.raw, typ, id, patient, ok)
		}
	}
	if _, _, _, ok := Peek([]byte(`[1,2]`)); ok {
		t.Error("peeked into an array")
	}
}

func TestTargetReadsTheIdOfAReferenceToTheType(t *testing.T) {
	for ref, want := range map[string]string{
		"Location/ward-1":                          "ward-1",
		" Location/ward-1/_history/3":              "ward-1",
		"https://ehr.example/fhir/Location/room-2": "room-2",
		"Patient/ward-1":                           "",
		"SubLocation/x":                            "",
		"":                                         "",
	} {
		if got := Target(ref, "Location"); got != want {
			t.Errorf("Target(%q) = %q, want %q", ref, got, want)
		}
	}
}
