package fhir

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeboat/clinical"
)

const bertID = "00000002-0000-4000-8000-000000000002" // from his urn:uuid fullUrl

func TestAWardSelectsOnlyInProgressEncountersAtItsBeds(t *testing.T) {
	im := readWard(t)
	for _, ward := range []string{"ward-1", "Location/ward-1"} {
		charts, err := im.Census(Selection{Ward: ward})
		if err != nil {
			t.Fatal(err)
		}
		// Dina was discharged from 104-B, Carl lies on ward 2: neither is here.
		// Room 9 sorts before Room 104.
		got := names(charts, func(c clinical.Chart) string { return c.Patient.ID })
		if !slices.Equal(got, []string{bertID, "pat-anna"}) {
			t.Fatalf("census of %s = %v", ward, got)
		}
		anna, bert := charts[1].Patient, charts[0].Patient
		if anna.Ward != "ward-1" || anna.WardName != "Ward 1 – Internal Medicine" || anna.Room != "Room 104" || anna.Bed != "104-A" {
			t.Errorf("anna lies at %q %q %q %q", anna.Ward, anna.WardName, anna.Room, anna.Bed)
		}
		if anna.EncounterID != "enc-anna" || !anna.Admitted.Equal(time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)) {
			t.Errorf("anna's encounter %q admitted %v", anna.EncounterID, anna.Admitted)
		}
		// Bert left bed 201 on ward 2 (completed) for 9-A.
		if bert.Room != "Room 9" || bert.Bed != "9-A" || bert.Name != "Janssens, Bert" {
			t.Errorf("bert = %+v", bert)
		}
	}
}

func TestAWardWithoutPhysicalTypesTakesTheWardAsWardAndTheOtherLocationAsBed(t *testing.T) {
	p := writeFile(t, t.TempDir(), "w.ndjson", ndjson(
		`{"resourceType":"Location","id":"icu","name":"Intensive care"}`,
		`{"resourceType":"Location","id":"icu-3","name":"ICU bed 3","partOf":{"reference":"Location/icu"}}`,
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["Jo"]}]}`,
		`{"resourceType":"Encounter","id":"e1","status":"in-progress","subject":{"reference":"Patient/p1"},"period":{"start":"2025-03-01"},"location":[{"location":{"reference":"Location/icu-3"}}]}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{Ward: "icu"})
	if err != nil {
		t.Fatal(err)
	}
	pt := charts[0].Patient
	if pt.Ward != "icu" || pt.WardName != "Intensive care" || pt.Bed != "ICU bed 3" || pt.Room != "" {
		t.Errorf("placed at %q %q room %q bed %q", pt.Ward, pt.WardName, pt.Room, pt.Bed)
	}
}

func TestAPatientOnLeaveStaysOnTheWardCensus(t *testing.T) {
	p := writeFile(t, t.TempDir(), "w.ndjson", ndjson(
		`{"resourceType":"Location","id":"icu","name":"Intensive care"}`,
		`{"resourceType":"Location","id":"icu-3","name":"ICU bed 3","partOf":{"reference":"Location/icu"}}`,
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["Jo"]}]}`,
		`{"resourceType":"Encounter","id":"e1","status":"onleave","subject":{"reference":"Patient/p1"},"period":{"start":"2025-03-01"},"location":[{"location":{"reference":"Location/icu-3"}}]}`,
		`{"resourceType":"Patient","id":"p2","name":[{"family":"Roe","given":["Al"]}]}`,
		`{"resourceType":"Encounter","id":"e2","status":"finished","subject":{"reference":"Patient/p2"},"period":{"start":"2025-03-01"},"location":[{"location":{"reference":"Location/icu-3"}}]}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{Ward: "icu"})
	if err != nil || len(charts) != 1 || charts[0].Patient.ID != "p1" || charts[0].Patient.Bed != "ICU bed 3" {
		t.Fatalf("census = %d charts, %v", len(charts), err)
	}
}

func TestPatientsAreSelectedByIdOrByAnyIdentifier(t *testing.T) {
	im := readWard(t)
	charts, err := im.Census(Selection{Patients: []string{"MRN0003", "pat-anna", " MRN0004 ", "Patient/pat-anna"}})
	if err != nil {
		t.Fatal(err)
	}
	got := names(charts, func(c clinical.Chart) string { return c.Patient.ID })
	// placed patients first (ward 1, then ward 2), then Dina who is nowhere
	if !slices.Equal(got, []string{"pat-anna", "pat-carl", "pat-dina"}) {
		t.Errorf("selected %v", got)
	}
	if c := charts[1].Patient; c.Ward != "ward-2" || c.Bed != "201" || c.MRN() != "MRN0003" {
		t.Errorf("carl = %+v", c)
	}
	if d := charts[2].Patient; d.Ward != "" || d.EncounterID != "" {
		t.Errorf("dina was discharged but is placed at %q (%q)", d.Ward, d.EncounterID)
	}
}

func TestRequestedPatientsThatAreNotFoundAreCountedButNotNamed(t *testing.T) {
	_, err := readWard(t).Census(Selection{Patients: []string{"MRN0001", "MRN9999", "", "Patient/nobody"}})
	if !errors.Is(err, ErrPatientsNotFound) {
		t.Fatalf("err = %v, want ErrPatientsNotFound", err)
	}
	if err.Error() != "3 of the 4 requested patients are not in the FHIR input." {
		t.Errorf("err = %q", err)
	}
	if strings.Contains(err.Error(), "MRN9999") || strings.Contains(err.Error(), "nobody") {
		t.Errorf("the error names a patient: %q", err)
	}
}

func TestAllSelectsEveryPatientSortedByWardRoomBedThenName(t *testing.T) {
	charts, err := readWard(t).Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	got := names(charts, func(c clinical.Chart) string { return c.Patient.Name })
	want := []string{"Janssens, Bert", "Peeters, Anna Maria", "Maes, Carl", "Claes, Dina"}
	if !slices.Equal(got, want) {
		t.Errorf("all = %v, want %v", got, want)
	}
}

func TestAnUnknownWardIsAnError(t *testing.T) {
	_, err := readWard(t).Census(Selection{Ward: "ward-9"})
	if !errors.Is(err, ErrUnknownWard) {
		t.Fatalf("err = %v, want ErrUnknownWard", err)
	}
	if err.Error() != `Ward "ward-9" is not a Location in the FHIR input.` {
		t.Errorf("err = %q", err)
	}
}

func TestAnEmptyCensusIsAnErrorNeverASnapshotOfNobody(t *testing.T) {
	_, err := readWard(t).Census(Selection{Ward: "ward-3"})
	if !errors.Is(err, ErrEmptyCensus) {
		t.Errorf("an empty ward: err = %v, want ErrEmptyCensus", err)
	}
	p := writeFile(t, t.TempDir(), "o.ndjson", ndjson(
		`{"resourceType":"Location","id":"w"}`,
		`{"resourceType":"Observation","id":"o1","code":{"text":"HR"},"subject":{"reference":"Patient/p1"}}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Census(Selection{All: true}); !errors.Is(err, ErrEmptyCensus) {
		t.Errorf("no patients at all: err = %v, want ErrEmptyCensus", err)
	}
	if im.Unlinked != 0 {
		t.Errorf("unlinked = %d; the observation has no value, nothing is kept", im.Unlinked)
	}
}

func TestASelectionMustSetExactlyOneWay(t *testing.T) {
	im := readWard(t)
	for _, sel := range []Selection{{}, {Ward: "ward-1", All: true}, {Patients: []string{"x"}, All: true}, {Ward: "w", Patients: []string{"x"}}} {
		if _, err := im.Census(sel); !errors.Is(err, ErrBadSelection) {
			t.Errorf("%+v: err = %v, want ErrBadSelection", sel, err)
		}
	}
}

func TestCensusCanRunConcurrentlyAndLeavesTheImportUnchanged(t *testing.T) {
	im := readWard(t)
	first, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			charts, err := im.Census(Selection{All: true})
			if err != nil || len(charts) != len(first) || charts[1].Medications.Items[0].Name != first[1].Medications.Items[0].Name {
				t.Errorf("a concurrent census differs: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestNaturalOrderComparesNumbersAsNumbers(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"Room 9", "Room 10", -1},
		{"room 10", "Room 9", 1},
		{"104-A", "104-B", -1},
		{"bed 007", "bed 7", -1}, // equal numbers: the raw strings decide
		{"", "A", -1},
		{"Peeters", "peeters", -1},
	} {
		if got := natural(tc.a, tc.b); got != tc.want {
			t.Errorf("natural(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
