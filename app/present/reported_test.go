package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// reportedChart has one order and two reported medications, one of them
// with a schedule that would put it on the MAR were it an order.
func reportedChart() *clinical.Chart {
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{
		{Name: "Paracetamol 1 g", Status: "active", Dosage: "1 g oral at 08:00",
			Timing: clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"08:00"}},
			Source: clinical.Source{Type: "MedicationRequest", ID: "mr1"}},
		{Name: "Anastrozole 1 mg tablet", Status: "active", Kind: clinical.MedReported, Dosage: "1 tablet Oral use once a day",
			Timing:     clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"08:00"}},
			Start:      time.Date(2025, 6, 1, 12, 0, 0, 0, time.Local),
			ReportedBy: "Dr. Synthetic GP", Asserted: time.Date(2026, 11, 20, 12, 0, 0, 0, time.Local),
			Source: clinical.Source{Type: "MedicationStatement", ID: "ms1"}},
		{Name: "Metoprolol", Status: "intended", Kind: clinical.MedReported, Source: clinical.Source{Type: "MedicationStatement", ID: "ms2"}},
	}
	c.Settle()
	return c
}

func TestReportedMedicationsAreShownApartFromTheOrders(t *testing.T) {
	c := reportedChart()
	ss := Sections(c, asOf)
	if got := titles(ss)[:3]; got[0] != "Medications" || got[1] != ReportedTitle || !strings.HasPrefix(got[2], "Recent administrations") {
		t.Fatalf("sections %q", titles(ss))
	}
	if orders := ss[0].Lines; len(orders) != 1 || !strings.HasPrefix(orders[0], "Paracetamol") {
		t.Fatalf("orders %q", orders)
	}
	r := ss[1].Lines
	want := []string{ReportedNote,
		"Anastrozole 1 mg tablet — 1 tablet Oral use once a day; since 01/06/2025; reported by Dr. Synthetic GP on 20/11/2026",
		"Metoprolol [INTENDED]"}
	if strings.Join(r, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reported lines:\n%s\nwant\n%s", strings.Join(r, "\n"), strings.Join(want, "\n"))
	}
	// Only reported medications: the orders say there are none, and
	// where the reported ones are.
	c.Medications.Items = c.Medications.Items[1:]
	if s := Sections(c, asOf)[0]; len(s.Lines) != 0 || !strings.Contains(s.Empty, "reported medications follow") {
		t.Fatalf("orders section %+v", s)
	}
	// No reported medication: no section for them.
	if ss := Sections(&clinical.Chart{}, asOf); len(ss) != 6 {
		t.Fatalf("sections %q", titles(ss))
	}
}

func TestAReportedMedicationIsNeverADoseDue(t *testing.T) {
	c := reportedChart()
	now := time.Date(2026, 11, 26, 7, 45, 0, 0, time.Local)
	rows := MAR(c, nil, now.Add(-12*time.Hour), now.Add(24*time.Hour))
	if len(rows) != 1 || rows[0].Order.Name != "Paracetamol 1 g" {
		t.Fatalf("MAR rows %+v", rows)
	}
	v := NewMARView(c, nil, now)
	if len(v.Scheduled) != 1 || len(v.Inactive) != 0 || len(v.Reported) != 2 {
		t.Fatalf("scheduled %d, inactive %d, reported %d", len(v.Scheduled), len(v.Inactive), len(v.Reported))
	}
}

func TestAnEmptyReasonIsShownWithNoneRecorded(t *testing.T) {
	c := &clinical.Chart{}
	c.Problems.EmptyReason = "unavailable"
	c.Allergies.EmptyReason = "withheld"
	c.Medications.EmptyReason = "notasked"
	c.Settle()
	if s := find(t, Sections(c, asOf), "Problems"); s.Empty != "No problems recorded – this does not mean there are none (not available in the source)" {
		t.Errorf("problems: %q", s.Empty)
	}
	if s := find(t, Sections(c, asOf), "Medications"); !strings.HasSuffix(s.Empty, "(not asked)") {
		t.Errorf("medications: %q", s.Empty)
	}
	if b := AllergyBanner(c); !strings.HasSuffix(b, "(WITHHELD)") {
		t.Errorf("allergy banner: %q", b)
	}
	// An assertion wins: none known has no reason.
	c.Problems.Assertion = &clinical.Source{Type: "Composition", ID: "c"}
	c.Settle()
	if s := find(t, Sections(c, asOf), "Problems"); strings.Contains(s.Empty, "source") || c.Problems.EmptyReason != "" {
		t.Errorf("problems: %q, reason %q", s.Empty, c.Problems.EmptyReason)
	}
}
