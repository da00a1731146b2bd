package clinical

import (
	"encoding/json"
	"testing"
	"time"
)

// Every boundary of every NEWS2 parameter, from the RCP's chart (2017):
// the last value of a band and the first of the next.
func TestNEWS2ScoresEveryBoundaryOfEveryParameter(t *testing.T) {
	type row struct {
		x    float64
		want int
	}
	for _, tc := range []struct {
		name  string
		score func(float64) int
		rows  []row
	}{
		{"respiration", ScoreRespiration, []row{{0, 3}, {8, 3}, {9, 1}, {11, 1}, {12, 0}, {20, 0}, {21, 2}, {24, 2}, {25, 3}, {60, 3}}},
		{"SpO2 scale 1", func(x float64) int { return ScoreSpO2(x, false, false) },
			[]row{{50, 3}, {91, 3}, {92, 2}, {93, 2}, {94, 1}, {95, 1}, {96, 0}, {100, 0}}},
		{"SpO2 scale 1 on oxygen", func(x float64) int { return ScoreSpO2(x, true, false) },
			[]row{{91, 3}, {92, 2}, {93, 2}, {94, 1}, {95, 1}, {96, 0}, {100, 0}}},
		{"SpO2 scale 2 on air", func(x float64) int { return ScoreSpO2(x, false, true) },
			[]row{{70, 3}, {83, 3}, {84, 2}, {85, 2}, {86, 1}, {87, 1}, {88, 0}, {92, 0}, {93, 0}, {97, 0}, {100, 0}}},
		{"SpO2 scale 2 on oxygen", func(x float64) int { return ScoreSpO2(x, true, true) },
			[]row{{83, 3}, {84, 2}, {85, 2}, {86, 1}, {87, 1}, {88, 0}, {92, 0}, {93, 1}, {94, 1}, {95, 2}, {96, 2}, {97, 3}, {100, 3}}},
		{"systolic", ScoreSystolic, []row{{60, 3}, {90, 3}, {91, 2}, {100, 2}, {101, 1}, {110, 1}, {111, 0}, {219, 0}, {220, 3}, {260, 3}}},
		{"pulse", ScorePulse, []row{{30, 3}, {40, 3}, {41, 1}, {50, 1}, {51, 0}, {90, 0}, {91, 1}, {110, 1}, {111, 2}, {130, 2}, {131, 3}, {180, 3}}},
		{"temperature", ScoreTemperature, []row{{34, 3}, {35.0, 3}, {35.1, 1}, {36.0, 1}, {36.1, 0}, {38.0, 0}, {38.1, 1}, {39.0, 1}, {39.1, 2}, {41, 2},
			{35.04, 3}, {36.05, 0}}}, // read to the nearest tenth
	} {
		for _, r := range tc.rows {
			if got := tc.score(r.x); got != r.want {
				t.Errorf("%s %v scores %d, want %d", tc.name, r.x, got, r.want)
			}
		}
	}
	if ScoreOxygen(false) != 0 || ScoreOxygen(true) != 2 {
		t.Error("air must score 0 and oxygen 2")
	}
	for level, want := range map[string]int{ConsciousAlert: 0, ConsciousNewConfusion: 3, ConsciousVoice: 3, ConsciousPain: 3, ConsciousUnresponsive: 3} {
		if got := ScoreConsciousness(level); got != want {
			t.Errorf("consciousness %s scores %d, want %d", level, got, want)
		}
	}
}

func TestNEWS2RiskBands(t *testing.T) {
	for _, tc := range []struct {
		score, maxPart int
		want           string
	}{
		{0, 0, RiskLow}, {4, 2, RiskLow}, {3, 3, RiskLowMedium}, {4, 3, RiskLowMedium},
		{5, 2, RiskMedium}, {6, 3, RiskMedium}, {7, 2, RiskHigh}, {12, 3, RiskHigh},
	} {
		if got := NEWS2Risk(tc.score, tc.maxPart); got != tc.want {
			t.Errorf("score %d (highest part %d) is %s, want %s", tc.score, tc.maxPart, got, tc.want)
		}
	}
}

func f(x float64) *float64 { return &x }
func yes(b bool) *bool     { return &b }

func TestNEWS2WorkedExamples(t *testing.T) {
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		v     VitalSigns
		score int
		risk  string
	}{
		// A well patient: every parameter in its normal band.
		{"well", VitalSigns{RespiratoryRate: f(16), SpO2: f(97), OnOxygen: yes(false), Systolic: f(125), Diastolic: f(75),
			HeartRate: f(72), Consciousness: ConsciousAlert, Temperature: f(36.8)}, 0, RiskLow},
		// The nurse's septic patient: RR 24 (2), SpO2 86 on 2 L O2 (3 + 2),
		// BP 98 (2), HR 142 (3), alert (0), T 39.4 (2) = 14, high.
		{"septic", VitalSigns{RespiratoryRate: f(24), SpO2: f(86), OnOxygen: yes(true), O2Flow: f(2), Systolic: f(98), Diastolic: f(60),
			HeartRate: f(142), Consciousness: ConsciousAlert, Temperature: f(39.4)}, 14, RiskHigh},
		// New confusion alone: 3 in one parameter, low-medium.
		{"new confusion", VitalSigns{RespiratoryRate: f(18), SpO2: f(96), OnOxygen: yes(false), Systolic: f(130), Diastolic: f(80),
			HeartRate: f(80), Consciousness: ConsciousNewConfusion, Temperature: f(37)}, 3, RiskLowMedium},
		// RR 22 (2), SpO2 95 (1), air, BP 105 (1), HR 95 (1), alert, T 37.5 = 5, medium.
		{"medium", VitalSigns{RespiratoryRate: f(22), SpO2: f(95), OnOxygen: yes(false), Systolic: f(105), Diastolic: f(70),
			HeartRate: f(95), Consciousness: ConsciousAlert, Temperature: f(37.5)}, 5, RiskMedium},
		// COPD on the hypercapnic target: SpO2 90 on 1 L scores 0 on scale 2
		// (3 on scale 1); oxygen 2, RR 21 (2) = 4, low.
		{"scale 2", VitalSigns{RespiratoryRate: f(21), SpO2: f(90), OnOxygen: yes(true), O2Flow: f(1), SpO2Scale2: true, Systolic: f(140), Diastolic: f(85),
			HeartRate: f(80), Consciousness: ConsciousAlert, Temperature: f(37)}, 4, RiskLow},
	} {
		if err := (&tc.v).validate(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		w, ok := EarlyWarningOf(Entry{Kind: KindVitals, ClinicalTime: at, Vitals: &tc.v})
		if !ok || w.Score != tc.score || w.Risk != tc.risk || w.Scale != "NEWS2" || !w.At.Equal(at) {
			t.Errorf("%s: %+v, %v; want %d %s", tc.name, w, ok, tc.score, tc.risk)
		}
	}
}

func TestNEWS2NeedsEverySevenParameters(t *testing.T) {
	full := VitalSigns{RespiratoryRate: f(16), SpO2: f(97), OnOxygen: yes(false), Systolic: f(125), Diastolic: f(75),
		HeartRate: f(72), Consciousness: ConsciousAlert, Temperature: f(36.8)}
	for _, drop := range []func(*VitalSigns){
		func(v *VitalSigns) { v.RespiratoryRate = nil }, func(v *VitalSigns) { v.SpO2 = nil },
		func(v *VitalSigns) { v.OnOxygen = nil }, func(v *VitalSigns) { v.Systolic, v.Diastolic = nil, nil },
		func(v *VitalSigns) { v.HeartRate = nil }, func(v *VitalSigns) { v.Consciousness = "" },
		func(v *VitalSigns) { v.Temperature = nil },
	} {
		v := full
		drop(&v)
		if _, _, ok := v.NEWS2(); ok {
			t.Errorf("an incomplete set was scored: %+v", v)
		}
	}
	// The newest set decides, corrected ones left out: complete, its
	// score; incomplete, no score at all rather than an older one.
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	high := full
	high.HeartRate = f(142)
	partial := VitalSigns{HeartRate: f(60)}
	sets := []journaled{
		{Entry: Entry{Kind: KindVitals, ClinicalTime: t0, Vitals: &full}},
		{Entry: Entry{Kind: KindVitals, ClinicalTime: t0.Add(time.Hour), Vitals: &high}, superseded: true},
	}
	if w, ok := LatestEarlyWarning(sets); !ok || w.Incomplete || w.Score != 0 || !w.At.Equal(t0) {
		t.Errorf("latest complete: %+v %v", w, ok)
	}
	sets = append(sets, journaled{Entry: Entry{Kind: KindVitals, ClinicalTime: t0.Add(2 * time.Hour), Vitals: &partial}})
	w, ok := LatestEarlyWarning(sets)
	if !ok || !w.Incomplete || w.Score != 0 || w.Risk != "" || !w.At.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("latest incomplete: %+v %v", w, ok)
	}
	// At the same time, the complete set counts.
	sets = append(sets, journaled{Entry: Entry{Kind: KindVitals, ClinicalTime: t0.Add(2 * time.Hour), Vitals: &high}})
	if w, ok := LatestEarlyWarning(sets); !ok || w.Incomplete || w.Score != 3 {
		t.Errorf("same time: %+v %v", w, ok)
	}
	if _, ok := LatestEarlyWarning[journaled](nil); ok {
		t.Error("a score without any set")
	}
}

func TestOldVitalsStayReadableAndNewFieldsAreChecked(t *testing.T) {
	var v VitalSigns
	if err := json.Unmarshal([]byte(`{"heartRatePerMin":80,"spo2Percent":97}`), &v); err != nil || v.validate() != nil {
		t.Fatalf("an old set: %v %v", err, v.validate())
	}
	for _, bad := range []VitalSigns{
		{Consciousness: "drowsy"},
		{OnOxygen: yes(false), O2Flow: f(2)},
		{FiO2: f(40)},
		{OnOxygen: yes(true), FiO2: f(15)},
		{OnOxygen: yes(true), O2Flow: f(80)},
		{Glucose: f(0)},
	} {
		if err := bad.validate(); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	for _, good := range []VitalSigns{{OnOxygen: yes(true), O2Flow: f(2), FiO2: f(28)}, {Consciousness: ConsciousVoice}, {Glucose: f(5.4)}} {
		if err := good.validate(); err != nil {
			t.Errorf("refused %+v: %v", good, err)
		}
	}
}
