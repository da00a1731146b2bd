package present

import (
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
)

func TestScheduledInANightShiftCrossesMidnight(t *testing.T) {
	night := Shifts[2]
	from, to := night.Span(time.Date(2026, 11, 26, 15, 0, 0, 0, time.Local))
	if from != time.Date(2026, 11, 26, 23, 0, 0, 0, time.Local) || to != time.Date(2026, 11, 27, 7, 0, 0, 0, time.Local) {
		t.Fatalf("span %v – %v", from, to)
	}
	m := clinical.Medication{Timing: clinical.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}
	var got []string
	for _, t := range clinical.ScheduledIn(m, from, to) {
		got = append(got, t.Format("02 15:04"))
	}
	if !slices.Equal(got, []string{"27 02:00", "27 06:00"}) {
		t.Fatalf("due = %q", got)
	}
	s, day := ShiftAt(time.Date(2026, 11, 27, 3, 0, 0, 0, time.Local))
	if s.Start != 23 || day.Day() != 26 {
		t.Fatalf("03:00 is in the %s shift of the %d", s.Label, day.Day())
	}
	if s, day := ShiftAt(time.Date(2026, 11, 27, 15, 0, 0, 0, time.Local)); s.Start != 15 || day.Day() != 27 {
		t.Fatalf("15:00 is in the %s shift of the %d", s.Label, day.Day())
	}
}

func TestASavedSheetSaysHowManyAndInCellNamesTheCell(t *testing.T) {
	from := time.Date(2026, 11, 26, 7, 0, 0, 0, time.Local)
	if s := SavedSheet(1, "RN Claes", from, from.Add(8*time.Hour)); s != "Saved: 1 administration from the paper MAR signed by RN Claes (26/11/2026 07:00–15:00)." {
		t.Fatal(s)
	}
	if s := InCell("Paracetamol", from.Add(time.Hour), "The SpO2 is odd."); s != "Paracetamol at 08:00: the SpO2 is odd." {
		t.Fatal(s)
	}
}
