package present

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

var asOf = time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local)

func titles(ss []Section) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Title)
	}
	return out
}

func find(t *testing.T, ss []Section, prefix string) Section {
	t.Helper()
	for _, s := range ss {
		if strings.HasPrefix(s.Title, prefix) {
			return s
		}
	}
	t.Fatalf("no section %q in %q", prefix, titles(ss))
	return Section{}
}

func TestTheSectionsComeInTheOrderANurseNeedsThem(t *testing.T) {
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{
		{Name: "Amoxicillin", Status: "stopped"}, {Name: "Heparin", Status: "on-hold"}, {Name: "Paracetamol", Status: "active"},
	}
	c.Problems.Items = []clinical.Problem{{Name: "Appendicitis", ClinicalStatus: "resolved"}, {Name: "Pneumonia", ClinicalStatus: "active"}}
	c.Settle()
	ss := Sections(c, asOf)
	want := []string{"Medications", "Recent administrations", "Vital signs", "Laboratory", "Problems", "Notes"}
	if len(ss) != len(want) {
		t.Fatalf("sections %q", titles(ss))
	}
	for i, w := range want {
		if !strings.HasPrefix(ss[i].Title, w) {
			t.Fatalf("section %d is %q, want %q", i, ss[i].Title, w)
		}
	}
	meds := ss[0].Lines
	if !strings.HasPrefix(meds[0], "Paracetamol") || !strings.HasPrefix(meds[1], "Heparin") || !strings.HasPrefix(meds[2], "Amoxicillin") {
		t.Fatalf("active and on-hold orders must come first: %q", meds)
	}
	if p := find(t, ss, "Problems").Lines; p[0] != "Pneumonia (active)" || p[1] != "Appendicitis (resolved)" {
		t.Fatalf("active problems must come first: %q", p)
	}
}

func TestAnEmptySectionSaysWhetherNoneIsKnownOrNoneIsRecorded(t *testing.T) {
	c := &clinical.Chart{}
	c.Medications.Assertion = &clinical.Source{Type: "MedicationStatement", ID: "none"}
	c.Settle()
	ss := Sections(c, asOf)
	meds, vitals := find(t, ss, "Medications"), find(t, ss, "Vital signs")
	if meds.Empty != "No known medications (stated in the record)" {
		t.Fatalf("medications: %q", meds.Empty)
	}
	if vitals.Empty != "No vital signs recorded – this does not mean there are none" {
		t.Fatalf("vitals: %q", vitals.Empty)
	}
	for _, s := range ss {
		if len(s.Lines) == 0 && s.Empty == "" {
			t.Errorf("section %q is empty and says nothing", s.Title)
		}
	}
	// An unsettled chart must never read as "none known".
	if s := find(t, Sections(&clinical.Chart{}, asOf), "Problems"); !strings.Contains(s.Empty, "does not mean there are none") {
		t.Fatalf("unsettled problems: %q", s.Empty)
	}
}

func TestRecentAdministrationsAreThe24HoursBeforeTheDataTimeNewestFirst(t *testing.T) {
	c := &clinical.Chart{}
	c.Administrations.Items = []clinical.Administration{
		{Medication: "Enoxaparin", Status: "completed", Dose: "40 mg", Route: "subcutaneous", Time: asOf.Add(-25 * time.Hour)},
		{Medication: "Paracetamol", Status: "not-done", Reason: "refused", Dose: "1 g", Route: "oral", Time: asOf.Add(-23 * time.Hour)},
		{Medication: "Morphine", Status: "completed", Dose: "2.5 mg", Route: "subcutaneous", Time: asOf.Add(-time.Hour)},
	}
	c.Settle()
	s := find(t, Sections(c, asOf), "Recent administrations")
	if !strings.Contains(s.Title, "26/11/2026 06:15") {
		t.Fatalf("the title must say which 24 h: %q", s.Title)
	}
	want := []string{
		"26/11/2026 05:15 · Morphine · 2.5 mg · subcutaneous · given",
		"25/11/2026 07:15 · Paracetamol · 1 g · oral · not given (refused)",
	}
	if !slices.Equal(s.Lines, want) {
		t.Fatalf("got  %q\nwant %q", s.Lines, want)
	}
}

func TestNoAdministrationInThe24HoursIsSaidApartFromNoneRecorded(t *testing.T) {
	c := &clinical.Chart{}
	c.Administrations.Items = []clinical.Administration{{Medication: "Enoxaparin", Status: "completed", Time: asOf.Add(-30 * time.Hour)}}
	c.Settle()
	old := find(t, Sections(c, asOf), "Recent administrations")
	if len(old.Lines) != 0 || old.Empty != "None recorded in these 24 h. The last recorded: Enoxaparin given at 25/11/2026 00:15." {
		t.Fatalf("%q %q", old.Lines, old.Empty)
	}
	none := &clinical.Chart{}
	none.Settle()
	if s := find(t, Sections(none, asOf), "Recent administrations"); s.Empty != "No administrations recorded – this does not mean there are none" {
		t.Fatalf("%q", s.Empty)
	}
}

func TestTheHeaderShowsWhereWeightAndHeightWithTheirDates(t *testing.T) {
	p := clinical.Patient{Name: "Janssens, An", BirthDate: "1950-06-01", Sex: "female", WardName: "Ward 4B", Room: "Room 12", Bed: "12-A",
		Admitted:    time.Date(2026, 11, 20, 14, 0, 0, 0, time.Local),
		Weight:      &clinical.Measure{Value: 72.5, Unit: "kg", Time: time.Date(2026, 11, 25, 6, 0, 0, 0, time.Local)},
		Height:      &clinical.Measure{Value: 168, Unit: "cm", Time: time.Date(2026, 11, 20, 15, 0, 0, 0, time.Local)},
		Identifiers: []clinical.Identifier{{Value: "MRN001", Type: "MR"}}}
	h := PatientHeader(p, asOf)
	want := []string{
		"Born 01/06/1950 (76 y) · female · MRN001", // the number starts with its label: not said twice
		"Ward 4B · Room 12 · bed 12-A · admitted 20/11/2026 14:00",
		"Weight 72.5 kg (25/11/2026 06:00) · Height 168 cm (20/11/2026 15:00)",
	}
	if h.Name != "Janssens, An" || !slices.Equal(h.Lines, want) || h.Deceased != "" {
		t.Fatalf("got  %q %q %q\nwant %q", h.Name, h.Lines, h.Deceased, want)
	}
	h = PatientHeader(clinical.Patient{Deceased: true}, asOf)
	if h.Deceased != "DECEASED (date of death not recorded)" || h.Lines[2] != "Weight not recorded · Height not recorded" ||
		!strings.HasPrefix(h.Lines[0], "Date of birth not recorded · sex not recorded · MRN not recorded") {
		t.Fatalf("%q %q", h.Lines, h.Deceased)
	}
}

func TestUnreadableSourceRecordsAreSaidUnderTheBanner(t *testing.T) {
	now := asOf.Add(75 * time.Minute)
	s := &store.Snapshot{Manifest: store.Manifest{Generation: 4, AsOf: asOf, Malformed: 3}}
	if w := BannerWarning(s, now); w != "3 source records could not be read and are not shown." {
		t.Fatal(w)
	}
	s.Refused = []store.Refusal{{Generation: 5, Reason: "is altered"}}
	if w := BannerWarning(s, now); !strings.HasPrefix(w, "Showing older generation 4") ||
		!strings.HasSuffix(w, "because generation 5 is altered. 3 source records could not be read and are not shown.") {
		t.Fatal(w)
	}
	if w := BannerWarning(&store.Snapshot{}, now); w != "" {
		t.Fatalf("nothing to warn about, got %q", w)
	}
}

func TestAnAllergyWithoutClinicalStatusCountsAsActive(t *testing.T) {
	c := &clinical.Chart{}
	c.Allergies.Items = []clinical.Allergy{{Substance: "Latex"}, {Substance: "Nuts", ClinicalStatus: "inactive"}}
	if a := ActiveAllergies(c); len(a) != 1 || a[0].Substance != "Latex" {
		t.Fatalf("%+v", a)
	}
}

func TestAnMRNIsLabelledOnce(t *testing.T) {
	for number, want := range map[string]string{"6843936": "MRN 6843936", "MRN6843936": "MRN6843936", "mrn-1": "mrn-1", "MRI4": "MRN MRI4"} {
		if got := MRN(number); got != want {
			t.Errorf("MRN(%q) = %q, want %q", number, got, want)
		}
	}
}
