package fhir

import (
	"slices"
	"strings"
	"testing"

	"lifeboat/clinical"
)

// versionPair is two versions of one resource, the older first, and what
// the chart shows when the newer decides.
type versionPair struct {
	name         string
	older, newer string
	shown        func(c clinical.Chart) bool // whether the resource is shown
	wantShown    bool
	notShown     []string // NotShown, whatever the input order
}

const (
	vPatient  = `{"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["Jo"]}]}`
	vWard     = `{"resourceType":"Location","id":"w","name":"Ward A"}`
	vRoom     = `{"resourceType":"Location","id":"r12","name":"Room 12","partOf":{"reference":"Location/w"}}`
	vHR       = `{"resourceType":"Observation","id":"o1","meta":{"versionId":"%s"},"status":"%s","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":140}}`
	vNote     = `{"resourceType":"DocumentReference","id":"d1","meta":{"lastUpdated":"%s"},"status":"current","docStatus":"%s","subject":{"reference":"Patient/p1"},"date":"2026-12-01T08:00:00Z","description":"Ward round"}`
	vEnc      = `{"resourceType":"Encounter","id":"e1","meta":{"versionId":"%s"},"status":"%s","subject":{"reference":"Patient/p1"},"period":{"start":"2026-12-01"},"location":[{"location":{"reference":"Location/r12"}}]}`
	vNoneList = `{"resourceType":"List","id":"l1","meta":{"versionId":"%s","lastUpdated":"%s"},"status":"%s","mode":"snapshot","code":{"coding":[{"system":"http://loinc.org","code":"48765-2"}]},"subject":{"reference":"Patient/p1"},"emptyReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/list-empty-reason","code":"nilknown"}]}}`
)

var versionPairs = []versionPair{
	{
		name:  "an observation entered in error",
		older: sprintf(vHR, "1", "final"), newer: sprintf(vHR, "2", "entered-in-error"),
		shown: func(c clinical.Chart) bool {
			return len(c.Vitals.Items) > 0 || c.Vitals.Status != clinical.NoneRecorded
		},
		notShown: []string{"1 Observation not shown: status entered-in-error"},
	},
	{
		name:  "an observation entered in error, then corrected",
		older: sprintf(vHR, "1", "entered-in-error"), newer: sprintf(vHR, "2", "final"),
		shown:     func(c clinical.Chart) bool { return len(c.Vitals.Items) == 1 },
		wantShown: true,
	},
	{
		name:  "a note entered in error",
		older: sprintf(vNote, "2026-12-01T09:00:00Z", "final"), newer: sprintf(vNote, "2026-12-01T10:00:00Z", "entered-in-error"),
		shown:    func(c clinical.Chart) bool { return len(c.Notes.Items) > 0 },
		notShown: []string{"1 DocumentReference not shown: docStatus entered-in-error"},
	},
	{
		name:  "a note entered in error, then corrected",
		older: sprintf(vNote, "2026-12-01T09:00:00Z", "entered-in-error"), newer: sprintf(vNote, "2026-12-01T10:00:00Z", "final"),
		shown:     func(c clinical.Chart) bool { return len(c.Notes.Items) == 1 },
		wantShown: true,
	},
	{
		name:  "an encounter entered in error",
		older: sprintf(vEnc, "1", "in-progress"), newer: sprintf(vEnc, "2", "entered-in-error"),
		shown:    func(c clinical.Chart) bool { return c.Patient.EncounterID != "" || c.Patient.Ward != "" },
		notShown: []string{"1 Encounter not shown: status entered-in-error"},
	},
	{
		name:  "an encounter entered in error, then corrected",
		older: sprintf(vEnc, "1", "entered-in-error"), newer: sprintf(vEnc, "2", "in-progress"),
		shown:     func(c clinical.Chart) bool { return c.Patient.EncounterID == "e1" && c.Patient.Ward == "w" },
		wantShown: true,
	},
	{
		name:  "a no known allergies list entered in error",
		older: sprintf(vNoneList, "1", "2026-12-01T09:00:00Z", "current"), newer: sprintf(vNoneList, "2", "2026-12-01T10:00:00Z", "entered-in-error"),
		shown: func(c clinical.Chart) bool {
			return c.Allergies.Status != clinical.NoneRecorded || c.Allergies.Assertion != nil
		},
		notShown: []string{"1 List not shown: status entered-in-error"},
	},
	{
		name:  "a no known allergies list retired",
		older: sprintf(vNoneList, "1", "", "current"), newer: sprintf(vNoneList, "2", "", "retired"),
		shown: func(c clinical.Chart) bool {
			return c.Allergies.Status != clinical.NoneRecorded || c.Allergies.Assertion != nil
		},
		notShown: []string{"1 List not shown: status retired"},
	},
	{
		name:  "a no known allergies list entered in error, then corrected",
		older: sprintf(vNoneList, "1", "2026-12-01T09:00:00Z", "entered-in-error"), newer: sprintf(vNoneList, "2", "2026-12-01T10:00:00Z", "current"),
		shown:     func(c clinical.Chart) bool { return c.Allergies.Status == clinical.NoneKnown },
		wantShown: true,
	},
}

// The newest version of a resource decides whether it is shown, in
// whatever order the versions come: one after the other or the other way
// round, in one file, in two, or in one Bundle.
func TestTheNewestVersionDecides(t *testing.T) {
	for _, vp := range versionPairs {
		orders := map[string][2]string{"older first": {vp.older, vp.newer}, "newer first": {vp.newer, vp.older}}
		for order, pair := range orders {
			inputs := map[string]func(t *testing.T) (*Import, error){
				"ndjson": func(t *testing.T) (*Import, error) {
					return ReadBytes("test", []byte(ndjson(vPatient, vWard, vRoom, pair[0], pair[1])))
				},
				"two files": func(t *testing.T) (*Import, error) {
					dir := t.TempDir()
					return Read(writeFile(t, dir, "1.ndjson", ndjson(vPatient, vWard, vRoom, pair[0])), writeFile(t, dir, "2.ndjson", ndjson(pair[1])))
				},
				"bundle": func(t *testing.T) (*Import, error) {
					return ReadBytes("test", []byte(bundle("collection", [2]string{"", vPatient}, [2]string{"", vWard}, [2]string{"", vRoom}, [2]string{"", pair[0]}, [2]string{"", pair[1]})))
				},
			}
			for how, read := range inputs {
				t.Run(vp.name+"/"+order+"/"+how, func(t *testing.T) {
					im, err := read(t)
					if err != nil {
						t.Fatal(err)
					}
					charts, err := im.Census(Selection{All: true})
					if err != nil || len(charts) != 1 {
						t.Fatalf("census: %d charts, %v", len(charts), err)
					}
					if got := vp.shown(charts[0]); got != vp.wantShown {
						t.Errorf("shown = %v, want %v", got, vp.wantShown)
					}
					if got := im.NotShown(); !slices.Equal(got, vp.notShown) {
						t.Errorf("NotShown:\n got %q\nwant %q", got, vp.notShown)
					}
				})
			}
		}
	}
}

// Versions of a patient's resource filed under two references to the
// patient (a urn:uuid and Patient/id) meet when the charts are linked: the
// newest still decides. Without versionId or lastUpdated, the one read
// last does.
func TestTheNewestVersionDecidesAcrossReferencesAndByReadingOrder(t *testing.T) {
	older := sprintf(vHR, "1", "final")
	newer := strings.Replace(sprintf(vHR, "2", "entered-in-error"), "Patient/p1", "urn:uuid:p1", 1)
	bareFinal := strings.Replace(sprintf(vHR, "", "final"), `"meta":{"versionId":""},`, "", 1)
	bareWrong := strings.Replace(sprintf(vHR, "", "entered-in-error"), `"meta":{"versionId":""},`, "", 1)
	for _, tc := range []struct {
		name      string
		first     string
		second    string
		wantVital int
	}{
		{"newer under a urn, read first", newer, older, 0},
		{"newer under a urn, read last", older, newer, 0},
		{"no versions, withdrawn last", bareFinal, bareWrong, 0},
		{"no versions, final last", bareWrong, bareFinal, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ReadBytes("test", []byte(bundle("collection", [2]string{"urn:uuid:p1", vPatient}, [2]string{"", tc.first}, [2]string{"", tc.second})))
			if err != nil {
				t.Fatal(err)
			}
			charts, err := im.Census(Selection{All: true})
			if err != nil || len(charts) != 1 {
				t.Fatalf("census: %d charts, %v", len(charts), err)
			}
			if n := len(charts[0].Vitals.Items); n != tc.wantVital {
				t.Errorf("%d vitals, want %d", n, tc.wantVital)
			}
		})
	}
}

// A newer version filed under another code replaces the older one.
func TestANewerObservationWithAnotherCodeReplacesTheOlder(t *testing.T) {
	older := sprintf(vHR, "1", "final")
	newer := strings.Replace(sprintf(vHR, "2", "final"), "8867-4", "9279-1", 1) // respiratory rate
	for _, pair := range [][2]string{{older, newer}, {newer, older}} {
		im, err := ReadBytes("test", []byte(ndjson(vPatient, pair[0], pair[1])))
		if err != nil {
			t.Fatal(err)
		}
		charts, err := im.Census(Selection{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if v := charts[0].Vitals.Items; len(v) != 1 || v[0].Code != "9279-1" {
			t.Errorf("vitals %+v, want the respiratory rate only", v)
		}
	}
}
