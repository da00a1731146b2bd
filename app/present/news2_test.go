package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Each band says its response, in every language, and the words the
// NEWS2 code looks up at run time are all in the catalogue.
func TestTheNEWS2LineSaysTheBandAndItsResponseInEveryLanguage(t *testing.T) {
	defer i18n.Set(i18n.English)
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.Local)
	words := []string{NoEarlyWarning, OxygenLabel, O2FlowLabel, FiO2Label, ConsciousnessLabel, GlucoseLabel, SpO2TargetLabel,
		EscalateZero, EscalateLow, EscalateLowMedium, EscalateMedium, EscalateHigh}
	for _, cs := range [][]Choice{OxygenChoices, SpO2Targets, Consciousness} {
		for _, c := range cs {
			words = append(words, c.Label)
		}
	}
	for _, w := range riskWords {
		words = append(words, w)
	}
	for _, w := range words {
		if !i18n.Has(w) {
			t.Errorf("%q is not in the catalogue", w)
		}
	}
	for _, tc := range []struct {
		w    clinical.EarlyWarning
		want string
	}{
		{clinical.EarlyWarning{Score: 0, Risk: clinical.RiskLow, At: at}, "NEWS2 0 – low risk (06/12/2026 08:00): continue routine monitoring"},
		{clinical.EarlyWarning{Score: 2, Risk: clinical.RiskLow, At: at}, "NEWS2 2 – low risk (06/12/2026 08:00): a registered nurse assesses"},
		{clinical.EarlyWarning{Score: 3, Risk: clinical.RiskLowMedium, At: at}, "NEWS2 3 – low-medium risk (3 in one parameter) (06/12/2026 08:00): urgent ward-based response"},
		{clinical.EarlyWarning{Score: 6, Risk: clinical.RiskMedium, At: at}, "NEWS2 6 – medium risk (06/12/2026 08:00): key threshold"},
		{clinical.EarlyWarning{Score: 14, Risk: clinical.RiskHigh, At: at, SpO2Scale2: true}, "NEWS2 14 – HIGH RISK (06/12/2026 08:00): EMERGENCY"},
	} {
		if got := EarlyWarningLine(tc.w); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q, want %q…", got, tc.want)
		}
	}
	i18n.Set(i18n.Dutch)
	if got := EarlyWarningLine(clinical.EarlyWarning{Score: 7, Risk: clinical.RiskHigh, At: at}); !strings.Contains(got, "HOOG RISICO") || !strings.Contains(got, "NOODGEVAL") {
		t.Errorf("Dutch: %q", got)
	}
	i18n.Set(i18n.French)
	if got := EarlyWarningLine(clinical.EarlyWarning{Score: 5, Risk: clinical.RiskMedium, At: at}); !strings.Contains(got, "risque moyen") || !strings.Contains(got, "seuil clé") {
		t.Errorf("French: %q", got)
	}
}

// Downtime rows of the vitals table: values outside NEWS2's normal band
// are marked, the score is in its column with its band, and the oxygen,
// ACVPU and glucose are written out.
func TestDowntimeVitalsAreMarkedOutOfRangeAndScored(t *testing.T) {
	n := func(x float64) *float64 { return &x }
	on := true
	e := store.JournalEntry{Entry: clinical.Entry{Kind: clinical.KindVitals, Author: "RN Peeters", ClinicalTime: time.Now(),
		Vitals: &clinical.VitalSigns{Systolic: n(98), Diastolic: n(60), HeartRate: n(142), RespiratoryRate: n(24), Temperature: n(39.4),
			SpO2: n(86), OnOxygen: &on, O2Flow: n(2), Consciousness: clinical.ConsciousAlert, Glucose: n(6.1)}}}
	rows := VitalsTable(&clinical.Chart{}, []store.JournalEntry{e})
	if len(rows) != 1 {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[0]
	if r.Cells[newsColumn] != "14" || r.Risk != clinical.RiskHigh || !r.Abnormal[newsColumn] {
		t.Errorf("score %q %s", r.Cells[newsColumn], r.Risk)
	}
	for i := range 5 {
		if !r.Abnormal[i] {
			t.Errorf("column %s not marked: %q", VitalColumns[i+1], r.Cells[i])
		}
	}
	if other := r.Cells[len(r.Cells)-1]; !strings.HasPrefix(other, "O2 2 L/min, ACVPU A, glucose 6.1 mmol/L; ") {
		t.Errorf("other: %q", other)
	}
	trends := VitalTrends(&clinical.Chart{}, []store.JournalEntry{e})
	for _, tr := range trends {
		if len(tr.Points) != 1 || !tr.Points[0].Abnormal {
			t.Errorf("%s: %+v", tr.Name, tr.Points)
		}
	}
	// A normal set is not marked.
	e.Vitals = &clinical.VitalSigns{HeartRate: n(72), Temperature: n(37), SpO2: n(97)}
	if r := VitalsTable(&clinical.Chart{}, []store.JournalEntry{e})[0]; r.Abnormal[1] || r.Abnormal[3] || r.Abnormal[4] || r.Risk != "" {
		t.Errorf("normal set: %v %q", r.Abnormal, r.Risk)
	}
}
