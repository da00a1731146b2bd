package clinical

import (
	"math"
	"slices"
	"time"
)

// NEWS2 is the National Early Warning Score 2 of the Royal College of
// Physicians (London, 2017): seven bedside parameters, each scored 0 to 3,
// added up, and the sum read as a clinical risk with the response it
// calls for. It lives in clinical, beside the vital signs' own checks
// (validate.go), because it is a rule about the record itself: the window,
// the printed pack and `chart --json` all read it from here, and none of
// them may score a set differently.
//
// Only complete sets are scored: respiratory rate, SpO2, air or oxygen,
// systolic pressure, pulse, consciousness and temperature, all measured at
// the same time. Snapshot observations are not scored (a source seldom
// records ACVPU and oxygen as observations beside the other vital signs);
// downtime sets recorded on this kiosk are.

// Consciousness on the ACVPU scale.
const (
	ConsciousAlert        = "alert"
	ConsciousNewConfusion = "new-confusion"
	ConsciousVoice        = "voice"
	ConsciousPain         = "pain"
	ConsciousUnresponsive = "unresponsive"
)

// ACVPU lists the levels of consciousness in the order the forms offer them.
var ACVPU = []string{ConsciousAlert, ConsciousNewConfusion, ConsciousVoice, ConsciousPain, ConsciousUnresponsive}

// NEWS2 risk bands.
const (
	RiskLow       = "low"
	RiskLowMedium = "low-medium" // a score of 3 in any one parameter, total under 5
	RiskMedium    = "medium"
	RiskHigh      = "high"
)

// EarlyWarning is a set of vital signs scored with NEWS2.
type EarlyWarning struct {
	Scale string    `json:"scale"` // "NEWS2"
	Score int       `json:"score"`
	Risk  string    `json:"risk"`
	At    time.Time `json:"at"`
	// SpO2Scale2 says the SpO2 was scored on scale 2 (a prescribed
	// hypercapnic target of 88–92 %).
	SpO2Scale2 bool `json:"spo2Scale2,omitempty"`
	// Parts are the parameters' scores, by NEWS2Parameters' names.
	Parts map[string]int `json:"parts,omitempty"`
	// Incomplete says the newest set of vital signs (at At) is not a
	// complete set: there is no score (Score and Risk are empty), and an
	// older set's score must not stand in for it.
	Incomplete bool `json:"incomplete,omitempty"`
}

// The NEWS2 parameters, as named in EarlyWarning.Parts.
const (
	NEWSRespiration   = "respiratoryRate"
	NEWSSpO2          = "spo2"
	NEWSOxygen        = "airOrOxygen"
	NEWSSystolic      = "systolic"
	NEWSPulse         = "pulse"
	NEWSConsciousness = "consciousness"
	NEWSTemperature   = "temperature"
)

// NEWS2Parameters are the seven parameters in the order of the RCP's chart.
var NEWS2Parameters = []string{NEWSRespiration, NEWSSpO2, NEWSOxygen, NEWSSystolic, NEWSPulse, NEWSConsciousness, NEWSTemperature}

// NEWS2 scores v; ok is false when the set is not complete.
func (v *VitalSigns) NEWS2() (score int, parts map[string]int, ok bool) {
	if v == nil || v.RespiratoryRate == nil || v.SpO2 == nil || v.OnOxygen == nil || v.Systolic == nil ||
		v.HeartRate == nil || v.Temperature == nil || !slices.Contains(ACVPU, v.Consciousness) {
		return 0, nil, false
	}
	parts = map[string]int{
		NEWSRespiration:   ScoreRespiration(*v.RespiratoryRate),
		NEWSSpO2:          ScoreSpO2(*v.SpO2, *v.OnOxygen, v.SpO2Scale2),
		NEWSOxygen:        ScoreOxygen(*v.OnOxygen),
		NEWSSystolic:      ScoreSystolic(*v.Systolic),
		NEWSPulse:         ScorePulse(*v.HeartRate),
		NEWSConsciousness: ScoreConsciousness(v.Consciousness),
		NEWSTemperature:   ScoreTemperature(*v.Temperature),
	}
	for _, p := range parts {
		score += p
	}
	return score, parts, true
}

// NEWS2Risk is the risk band of a total score whose highest single
// parameter scored maxPart.
func NEWS2Risk(score, maxPart int) string {
	switch {
	case score >= 7:
		return RiskHigh
	case score >= 5:
		return RiskMedium
	case maxPart >= 3:
		return RiskLowMedium
	}
	return RiskLow
}

// Whole numbers are scored as read to the nearest unit (a rate of 8.4 is
// 8); temperature to the nearest tenth.
func whole(x float64) float64 { return math.Round(x) }

// ScoreRespiration scores a respiratory rate per minute.
func ScoreRespiration(x float64) int {
	switch x = whole(x); {
	case x <= 8:
		return 3
	case x <= 11:
		return 1
	case x <= 20:
		return 0
	case x <= 24:
		return 2
	}
	return 3
}

// ScoreSpO2 scores an oxygen saturation in %. Scale 1 is the usual one;
// scale 2 is only for a patient with a prescribed target of 88–92 %
// (hypercapnic respiratory failure), and there a high saturation on
// oxygen scores too.
func ScoreSpO2(x float64, onOxygen, scale2 bool) int {
	x = whole(x)
	if !scale2 {
		switch {
		case x <= 91:
			return 3
		case x <= 93:
			return 2
		case x <= 95:
			return 1
		}
		return 0
	}
	switch {
	case x <= 83:
		return 3
	case x <= 85:
		return 2
	case x <= 87:
		return 1
	case x <= 92 || !onOxygen:
		return 0
	case x <= 94:
		return 1
	case x <= 96:
		return 2
	}
	return 3
}

// ScoreOxygen scores air (0) or supplemental oxygen (2).
func ScoreOxygen(onOxygen bool) int {
	if onOxygen {
		return 2
	}
	return 0
}

// ScoreSystolic scores a systolic blood pressure in mmHg.
func ScoreSystolic(x float64) int {
	switch x = whole(x); {
	case x <= 90:
		return 3
	case x <= 100:
		return 2
	case x <= 110:
		return 1
	case x <= 219:
		return 0
	}
	return 3
}

// ScorePulse scores a pulse per minute.
func ScorePulse(x float64) int {
	switch x = whole(x); {
	case x <= 40:
		return 3
	case x <= 50:
		return 1
	case x <= 90:
		return 0
	case x <= 110:
		return 1
	case x <= 130:
		return 2
	}
	return 3
}

// ScoreConsciousness scores ACVPU: alert 0, anything else (new confusion,
// responds to voice or pain, unresponsive) 3.
func ScoreConsciousness(level string) int {
	if level == ConsciousAlert {
		return 0
	}
	return 3
}

// ScoreTemperature scores a temperature in °C.
func ScoreTemperature(x float64) int {
	switch x = math.Round(x*10) / 10; {
	case x <= 35.0:
		return 3
	case x <= 36.0:
		return 1
	case x <= 38.0:
		return 0
	case x <= 39.0:
		return 1
	}
	return 2
}

// EarlyWarningOf scores one downtime entry's vital signs; ok is false when
// the entry holds no complete set.
func EarlyWarningOf(e Entry) (EarlyWarning, bool) {
	score, parts, ok := e.Vitals.NEWS2()
	if e.Kind != KindVitals || !ok {
		return EarlyWarning{}, false
	}
	maxPart := 0
	for _, p := range parts {
		maxPart = max(maxPart, p)
	}
	return EarlyWarning{Scale: "NEWS2", Score: score, Risk: NEWS2Risk(score, maxPart), At: e.ClinicalTime,
		SpO2Scale2: e.Vitals.SpO2Scale2, Parts: parts}, true
}

// LatestEarlyWarning is the NEWS2 of the newest set of vital signs among
// the downtime entries (corrected or cancelled ones left out): its score
// when it is complete, or Incomplete (with its time) when it is not, never
// an older set's score, which would reassure about a patient measured
// since. Of sets at the same time a complete one counts. ok is false when
// there is no set at all.
func LatestEarlyWarning[J any, P Journaled[J]](entries []J) (EarlyWarning, bool) {
	var newest *Entry
	for i := range entries {
		e := P(&entries[i]).Documented()
		if e.Kind != KindVitals || e.Vitals == nil || P(&entries[i]).Superseded() {
			continue
		}
		if newest == nil || e.ClinicalTime.After(newest.ClinicalTime) {
			newest = e
			continue
		}
		if _, ok := EarlyWarningOf(*newest); !ok && e.ClinicalTime.Equal(newest.ClinicalTime) {
			newest = e
		}
	}
	if newest == nil {
		return EarlyWarning{}, false
	}
	if w, ok := EarlyWarningOf(*newest); ok {
		return w, true
	}
	return EarlyWarning{Scale: "NEWS2", At: newest.ClinicalTime, Incomplete: true}, true
}

// OutOfBand says which of a set's values score on their own in NEWS2 (1
// or more: outside the normal band); a value not measured does not. An
// unknown oxygen counts as air.
type OutOfBand struct {
	Systolic, Pulse, Respiration, Temperature, SpO2 bool
}

// OutOfBandOf is OutOfBand of the set v.
func OutOfBandOf(v *VitalSigns) OutOfBand {
	var out OutOfBand
	onO2 := v.OnOxygen != nil && *v.OnOxygen
	if v.Systolic != nil {
		out.Systolic = ScoreSystolic(*v.Systolic) > 0
	}
	if v.HeartRate != nil {
		out.Pulse = ScorePulse(*v.HeartRate) > 0
	}
	if v.RespiratoryRate != nil {
		out.Respiration = ScoreRespiration(*v.RespiratoryRate) > 0
	}
	if v.Temperature != nil {
		out.Temperature = ScoreTemperature(*v.Temperature) > 0
	}
	if v.SpO2 != nil {
		out.SpO2 = ScoreSpO2(*v.SpO2, onO2, v.SpO2Scale2) > 0
	}
	return out
}
