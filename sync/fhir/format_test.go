package fhir

import (
	"lifeboat/sync/fhir/r4"
	"testing"
	"time"
)

func TestFrequencyTextIsPlainEnglish(t *testing.T) {
	for _, tc := range []struct {
		r    *r4.TimingRepeat
		code r4.CodeableConcept
		prn  bool
		want string
	}{
		{&r4.TimingRepeat{Frequency: 1, Period: 8, PeriodUnit: "h"}, r4.CodeableConcept{}, false, "every 8 h"},
		{&r4.TimingRepeat{Frequency: 3, Period: 1, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "3 times a day"},
		{&r4.TimingRepeat{Frequency: 2, Period: 1, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "twice a day"},
		{&r4.TimingRepeat{Frequency: 1, Period: 1, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "daily"},
		{&r4.TimingRepeat{Period: 1, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "daily"},
		{&r4.TimingRepeat{Frequency: 1, Period: 2, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "every 2 days"},
		{&r4.TimingRepeat{Frequency: 1, Period: 1, PeriodUnit: "wk"}, r4.CodeableConcept{}, false, "weekly"},
		{&r4.TimingRepeat{Frequency: 1, Period: 1, PeriodUnit: "h"}, r4.CodeableConcept{}, false, "every hour"},
		{&r4.TimingRepeat{Frequency: 1, Period: 30, PeriodUnit: "min"}, r4.CodeableConcept{}, false, "every 30 min"},
		{&r4.TimingRepeat{Frequency: 1, Period: 4, PeriodMax: 6, PeriodUnit: "h"}, r4.CodeableConcept{}, false, "every 4-6 h"},
		{&r4.TimingRepeat{Frequency: 1, FrequencyMax: 2, Period: 1, PeriodUnit: "d"}, r4.CodeableConcept{}, false, "1-2 times a day"},
		{&r4.TimingRepeat{Frequency: 1, Period: 4, PeriodUnit: "h"}, r4.CodeableConcept{}, true, "every 4 h as needed"},
		{&r4.TimingRepeat{Frequency: 2, Period: 1, PeriodUnit: "d", TimeOfDay: []string{"08:00:00", "20:00:00"}}, r4.CodeableConcept{}, false, "at 08:00, 20:00"},
		{&r4.TimingRepeat{Frequency: 1, Period: 1, PeriodUnit: "d", When: []string{"HS"}}, r4.CodeableConcept{}, false, "daily at bedtime"},
		{&r4.TimingRepeat{Frequency: 1, Period: 1, PeriodUnit: "wk", DayOfWeek: []string{"mon", "thu"}}, r4.CodeableConcept{}, false, "weekly on Mon, Thu"},
		{nil, r4.CodeableConcept{Coding: []r4.Coding{{Code: "BID"}}}, false, "twice a day"},
		{nil, r4.CodeableConcept{Text: "with breakfast"}, false, "with breakfast"},
		{nil, r4.CodeableConcept{}, true, "as needed"},
		{nil, r4.CodeableConcept{}, false, ""},
	} {
		if got := frequencyText(tc.r, tc.code, tc.prn); got != tc.want {
			t.Errorf("frequencyText(%+v, %+v, %v) = %q, want %q", tc.r, tc.code, tc.prn, got, tc.want)
		}
	}
}

func TestMeasuredValuesHaveSensiblePrecision(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		code string
		want float64
	}{
		{181.54135523892745, "8302-2", 181.5},
		{72.35, "29463-7", 72.4},
		{7.2, "", 7.2},
		{120.0, "", 120},
		{3.14159, "", 3.14},
		{0.012345, "", 0.0123},
		{88.6, "8867-4", 89},    // heart rate: whole beats
		{122.16, "8480-6", 122}, // systolic
		{0, "", 0},
		{-2.456, "", -2.46},
	} {
		if got := rounded(tc.v, tc.code); got != tc.want {
			t.Errorf("rounded(%v, %q) = %v, want %v", tc.v, tc.code, got, tc.want)
		}
	}
	if got := plainNumber(500.0); got != "500" {
		t.Errorf("a dose of 500.0 shows as %q", got)
	}
}

func TestFHIRDatesMayBePartialAndAreKeptInUTC(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-05", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-05-17", time.Date(2024, 5, 17, 0, 0, 0, 0, time.UTC), true},
		{"2024-05-17T10:30:00+02:00", time.Date(2024, 5, 17, 8, 30, 0, 0, time.UTC), true},
		{"2024-05-17T10:30:00.123Z", time.Date(2024, 5, 17, 10, 30, 0, 123e6, time.UTC), true},
		{"2024-05-17T10:30:00", time.Date(2024, 5, 17, 10, 30, 0, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"17/05/2024", time.Time{}, false},
	} {
		got, ok := parseTime(tc.in)
		if !got.Equal(tc.want) || ok != tc.ok || (ok && got.Location() != time.UTC) {
			t.Errorf("parseTime(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPartialDatesReachTheChart(t *testing.T) {
	p := writeFile(t, t.TempDir(), "p.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1","birthDate":"1948"}`,
		`{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"text":"Asthma"},"onsetDateTime":"1990-06"}`,
		`{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"Patient/p1"},"code":{"text":"Nuts"},"recordedDate":"2001"}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	c := charts[0]
	if c.Patient.BirthDate != "1948" || !c.Problems.Items[0].Onset.Equal(time.Date(1990, 6, 1, 0, 0, 0, 0, time.UTC)) ||
		!c.Allergies.Items[0].Recorded.Equal(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("birth %q onset %v recorded %v", c.Patient.BirthDate, c.Problems.Items[0].Onset, c.Allergies.Items[0].Recorded)
	}
}

func TestReferencesAreReducedToTypeAndID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Patient/123", "Patient/123"},
		{"https://ehr.example/fhir/R4/Patient/123", "Patient/123"},
		{"Patient/123/_history/7", "Patient/123"},
		{"http://x/fhir/Patient/123/_history/7", "Patient/123"},
		{"urn:uuid:abc", ""},
		{"#contained", ""},
		{"Patient?identifier=MRN1", ""},
		{"Patient", ""},
		{"", ""},
	} {
		if got := refPath(tc.in); got != tc.want {
			t.Errorf("refPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTheResourceTypeIsFoundWithoutDecoding(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`{"resourceType":"Patient"}`, "Patient", true},
		{` {"id":"1","meta":{"tag":[{"code":"}"}]},"text":"a \"quoted\" {","resourceType" : "Flag"}`, "Flag", true},
		{`{"id":"1"}`, "", true},
		{`{"resourceType":7}`, "", true},
		{`[1]`, "", false},
		{`{"id":"1"`, "", false},
		{`nonsense`, "", false},
	} {
		got, ok := resourceType([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("resourceType(%s) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// Every coding of an allergy and of an order is kept, for checking a
// dose's drug class against the allergies (ATC, RxNorm, SNOMED CT).
func TestEveryCodingOfAnAllergyAndAnOrderIsKept(t *testing.T) {
	p := writeFile(t, t.TempDir(), "p.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1"}`,
		`{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"373270004"},{"system":"http://www.whocc.no/atc","code":"J01C"}],"text":"Penicillin"}}`,
		`{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"723"},{"system":"http://www.whocc.no/atc","code":"J01CA04"}],"text":"Amoxicillin 1 g"}}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	a, m := charts[0].Allergies.Items[0], charts[0].Medications.Items[0]
	if a.Code != "373270004" || len(a.Codes) != 2 || a.Codes[1] != "http://www.whocc.no/atc|J01C" {
		t.Errorf("allergy code %q, codes %q", a.Code, a.Codes)
	}
	if m.Code != "723" || len(m.Codes) != 2 || m.Codes[1] != "http://www.whocc.no/atc|J01CA04" {
		t.Errorf("order code %q, codes %q", m.Code, m.Codes)
	}
}
