package pack

import (
	"strings"
	"testing"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// A reported medication is printed in its own section of the summary and
// never on the MAR grid, even with a schedule.
func TestReportedMedicationsArePrintedApartAndNotOnTheMAR(t *testing.T) {
	needPoppler(t)
	c := emile()
	c.Medications.Items = append(c.Medications.Items, clinical.Medication{Name: "Letrozole 2.5 mg tablet", Status: "active",
		Kind: clinical.MedReported, Dosage: "1 tablet Oral use daily", ReportedBy: "the patient",
		Timing: clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"08:00"}},
		Source: clinical.Source{Type: "MedicationStatement", ID: "ms-1"}})
	c.Settle()
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, PrintedBy: "RN Hanne Verbruggen",
		Patients: []Patient{{Chart: c}}})
	all := squeeze(strings.Join(pages(t, path), "\n"))
	for _, want := range []string{present.ReportedTitle, "Letrozole 2.5 mg tablet — 1 tablet Oral use daily; reported by the patient"} {
		if !strings.Contains(all, want) {
			t.Errorf("the pack lacks %q:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "Letrozole"); n != 1 {
		t.Errorf("Letrozole is printed %d times, want once (not on the MAR grid)", n)
	}
}
