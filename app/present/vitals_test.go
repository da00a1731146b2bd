package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

func num(f float64) *float64 { return &f }

func vitalsChart() *clinical.Chart {
	c := &clinical.Chart{}
	obs := func(code, value string, n float64, unit string, when time.Time) clinical.Observation {
		return clinical.Observation{Code: code, Value: value, Number: num(n), Unit: unit, Time: when}
	}
	c.Vitals.Items = []clinical.Observation{
		obs("8867-4", "112", 112, "/min", at(6, 0)),
		obs("85354-9", "150/90", 150, "mm[Hg]", at(6, 0)),
		obs("29463-7", "72", 72, "kg", at(6, 0)),
		obs("8867-4", "80", 80, "/min", at(2, 0)),
		obs("8310-5", "37.2", 37.2, "Cel", at(2, 0)),
		{Code: "59408-5", Value: "(not measured)", Time: at(2, 0)}, // no number: not plotted
	}
	c.Vitals.Items[0].Abnormal, c.Vitals.Items[0].Flag = true, "H"
	return c
}

func TestVitalTrendsComeFromTheChartAndTheDowntimeEntries(t *testing.T) {
	c := vitalsChart()
	hr, spo2 := 96.0, 93.0
	entries := []store.JournalEntry{
		{Entry: clinical.Entry{ID: "v1", Kind: clinical.KindVitals, ClinicalTime: at(8, 0), Vitals: &clinical.VitalSigns{HeartRate: &hr, SpO2: &spo2}}},
		{Entry: clinical.Entry{ID: "v0", Kind: clinical.KindVitals, ClinicalTime: at(7, 0), Vitals: &clinical.VitalSigns{HeartRate: &hr}},
			SupersededBy: "v9", Cancelled: true},
	}
	trends := VitalTrends(c, entries)
	if len(trends) != 4 || trends[0].Name != TrendHeartRate || trends[3].Name != TrendSpO2 {
		t.Fatalf("trends %+v", trends)
	}
	heart := trends[0].Points
	if len(heart) != 3 || heart[0].Value != 80 || heart[1].Value != 112 || heart[2].Value != 96 || !heart[2].Downtime || heart[1].Downtime {
		t.Errorf("heart rate %+v: oldest first, the downtime one marked, the cancelled one left out", heart)
	}
	if s := trends[1].Points; len(s) != 1 || s[0].Value != 150 {
		t.Errorf("systolic %+v", s)
	}
	if s := trends[3].Points; len(s) != 1 || s[0].Value != 93 {
		t.Errorf("SpO2 %+v: the value without a number is not plotted", s)
	}
	if l := TrendLabel(trends[0]); l != "Heart rate (/min) – last 96, 26/11 08:00" {
		t.Errorf("label %q", l)
	}

	rows := VitalsTable(c, entries)
	if len(rows) != 4 || !rows[0].Time.Equal(at(8, 0)) || !rows[0].Downtime || !rows[1].Struck || !rows[2].Time.Equal(at(6, 0)) {
		t.Fatalf("rows %+v: newest first, one per time", rows)
	}
	six := rows[2]
	if six.Cells[0] != "150/90" || six.Cells[1] != "112 [H]" || !six.Abnormal[1] || six.Cells[7] != "Weight 72 kg" {
		t.Errorf("06:00 row %q %v", six.Cells, six.Abnormal)
	}
	if !strings.HasPrefix(rows[0].Cells[7], "Recorded during downtime: ") || !strings.HasPrefix(rows[1].Cells[7], "[CANCELLED] ") {
		t.Errorf("who recorded: %q, %q", rows[0].Cells[7], rows[1].Cells[7])
	}
	if len(six.Cells) != len(VitalColumns)-1 {
		t.Errorf("%d cells for %d columns", len(six.Cells), len(VitalColumns))
	}
}

func TestLabsListEveryResultNewestFirstWithRanges(t *testing.T) {
	c := &clinical.Chart{}
	lo, hi := 3.5, 5.1
	c.Labs.Items = []clinical.Observation{
		{Code: "2823-3", Name: "Potassium", Value: "5.9", Unit: "mmol/L", Time: at(6, 0), Low: &lo, High: &hi, Abnormal: true, Flag: "H"},
		{Code: "2951-2", Name: "Sodium", Value: "139", Unit: "mmol/L", Time: at(5, 0)},
		{Code: "2823-3", Name: "Potassium", Value: "4.2", Unit: "mmol/L", Time: at(6, 0).AddDate(0, 0, -1), Low: &lo, High: &hi},
	}
	rows := LabTable(c)
	if len(rows) != 3 || rows[0].Name != "Potassium" || !rows[0].Latest || rows[1].Name != "Potassium" || rows[1].Latest ||
		rows[2].Name != "Sodium" {
		t.Fatalf("rows %+v", rows)
	}
	if rows[0].Result != "5.9 mmol/L [H]" || !rows[0].Abnormal || rows[0].Range != "3.5–5.1" || rows[2].Range != "–" {
		t.Errorf("first %+v, last range %q", rows[0], rows[2].Range)
	}
	if LabsEmpty(&clinical.Chart{}) != "No laboratory results recorded – this does not mean there are none" {
		t.Errorf("empty %q", LabsEmpty(&clinical.Chart{}))
	}
}
