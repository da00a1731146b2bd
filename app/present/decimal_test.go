package present

import (
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// TestNumbersInEachLanguage: the chart, the MAR and the vitals write
// decimals with a point in English and a comma in Dutch and French, and a
// review's warning is in the language with its numbers so written.
func TestNumbersInEachLanguage(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	temp, hr, low, high := 37.5, 88.0, 3.5, 5.1
	chart := &clinical.Chart{}
	entries := []store.JournalEntry{{Entry: clinical.Entry{Kind: clinical.KindVitals, ClinicalTime: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),
		Vitals: &clinical.VitalSigns{Temperature: &temp, HeartRate: &hr}}}}
	order := clinical.Medication{Name: "Morphine 10 mg/ml", Dosage: "0.5 mg subcutaneous every 4 h", Dose: "0.5 mg", Route: "SC", Rate: "1.5 mL/h"}
	lab := clinical.Observation{Value: "7.25", Unit: "mmol/L", Low: &low, High: &high}
	warning := clinical.Message{Format: "the %s of %s %s is unusually high (above %s)",
		Args: []any{clinical.Message{Format: "temperature"}, clinical.Number(39.4), "°C", clinical.Number(39)}}
	for _, c := range []struct {
		lang                                        i18n.Lang
		cell, dosage, dose, value, rng, warningText string
	}{
		{i18n.English, "37.5", "0.5 mg subcutaneous every 4 h at 1.5 mL/h", "0.5 mg SC at 1.5 mL/h", "7.25 mmol/L", "3.5–5.1",
			"the temperature of 39.4 °C is unusually high (above 39)"},
		{i18n.Dutch, "37,5", "0,5 mg subcutaneous every 4 h aan 1,5 mL/h", "0,5 mg SC aan 1,5 mL/h", "7,25 mmol/L", "3,5–5,1",
			"temperatuur van 39,4 °C is ongewoon hoog (boven 39)"},
		{i18n.French, "37,5", "0,5 mg subcutaneous every 4 h à 1,5 mL/h", "0,5 mg SC à 1,5 mL/h", "7,25 mmol/L", "3,5–5,1",
			"température de 39,4 °C : valeur inhabituellement élevée (au-dessus de 39)"},
	} {
		i18n.Set(c.lang)
		rows := VitalsTable(chart, entries)
		if len(rows) != 1 || !contains(rows[0].Cells, c.cell) {
			t.Errorf("%s: vitals rows %+v lack %q", c.lang, rows, c.cell)
		}
		if got := Dosage(order); got != c.dosage {
			t.Errorf("%s: dosage %q, want %q", c.lang, got, c.dosage)
		}
		if got := DoseAndRoute(order); got != c.dose {
			t.Errorf("%s: dose %q, want %q", c.lang, got, c.dose)
		}
		if got := Observation(lab); got != c.value {
			t.Errorf("%s: value %q, want %q", c.lang, got, c.value)
		}
		if got := Range(lab); got != c.rng {
			t.Errorf("%s: range %q, want %q", c.lang, got, c.rng)
		}
		if got := Message(warning); got != c.warningText {
			t.Errorf("%s: warning %q, want %q", c.lang, got, c.warningText)
		}
	}
	if got := warning.English(); got != "the temperature of 39.4 °C is unusually high (above 39)" {
		t.Errorf("the English text (the command line's) is %q", got)
	}
}

func contains(cells []string, s string) bool {
	for _, c := range cells {
		if c == s {
			return true
		}
	}
	return false
}
