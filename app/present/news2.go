package present

import (
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// How the NEWS2 early-warning score reads (clinical/news2.go scores it): a
// line with the score, the risk band and the response the Royal College of
// Physicians' chart calls for, in short; and which values of a set of
// vital signs score on their own (coloured in the vitals table).

// Labels of the vitals form's NEWS2 fields.
const (
	OxygenLabel        = "Air or oxygen"
	OnAir              = "On air"
	OnOxygen           = "Supplemental oxygen"
	O2FlowLabel        = "Oxygen flow (L/min)"
	FiO2Label          = "FiO2 (%)"
	ConsciousnessLabel = "Consciousness (ACVPU)"
	GlucoseLabel       = "Blood glucose (mmol/L)"
	SpO2TargetLabel    = "SpO2 target"
	SpO2Scale1         = "94–98 % (NEWS2 scale 1)"
	SpO2Scale2         = "88–92 %, prescribed: hypercapnic (scale 2)"
)

// Values of the vitals form's choices of oxygen and SpO2 target.
const (
	ChoiceAir    = "air"
	ChoiceOxygen = "oxygen"
	ChoiceScale1 = "scale-1"
	ChoiceScale2 = "scale-2"
)

// OxygenChoices and SpO2Targets are the vitals form's lists.
var (
	OxygenChoices = []Choice{{ChoiceAir, OnAir}, {ChoiceOxygen, OnOxygen}}
	SpO2Targets   = []Choice{{ChoiceScale1, SpO2Scale1}, {ChoiceScale2, SpO2Scale2}}
)

// Consciousness offers the ACVPU levels, in the order of the list, with
// the words shown for each.
var Consciousness = []Choice{
	{clinical.ConsciousAlert, "A – Alert"},
	{clinical.ConsciousNewConfusion, "C – New confusion"},
	{clinical.ConsciousVoice, "V – Responds to voice"},
	{clinical.ConsciousPain, "P – Responds to pain"},
	{clinical.ConsciousUnresponsive, "U – Unresponsive"},
}

// ConsciousnessLetter is the ACVPU letter of a level ("" for none).
func ConsciousnessLetter(level string) string {
	for _, c := range Consciousness {
		if c.Value == level {
			return c.Label[:1]
		}
	}
	return ""
}

// Risk bands as words.
var riskWords = map[string]string{
	clinical.RiskLow:       "low risk",
	clinical.RiskLowMedium: "low-medium risk (3 in one parameter)",
	clinical.RiskMedium:    "medium risk",
	clinical.RiskHigh:      "HIGH RISK",
}

// The responses of the RCP's NEWS2 chart (2017), in short.
const (
	EscalateZero      = "continue routine monitoring (at least every 12 h)."
	EscalateLow       = "a registered nurse assesses the patient and decides on more frequent monitoring or escalation (at least every 4–6 h)."
	EscalateLowMedium = "urgent ward-based response: a registered nurse informs the medical team, who review and decide on escalation (at least hourly)."
	EscalateMedium    = "key threshold: a registered nurse immediately informs the medical team; urgent assessment by a clinician competent in acute illness (at least hourly)."
	EscalateHigh      = "EMERGENCY: a registered nurse immediately informs the medical team (at least specialist registrar); emergency assessment by a critical-care team, consider transfer to a higher level of care (continuous monitoring)."
)

// Escalation is the response a score's band calls for.
func Escalation(w clinical.EarlyWarning) string {
	switch {
	case w.Risk == clinical.RiskHigh:
		return i18n.T(EscalateHigh)
	case w.Risk == clinical.RiskMedium:
		return i18n.T(EscalateMedium)
	case w.Risk == clinical.RiskLowMedium:
		return i18n.T(EscalateLowMedium)
	case w.Score == 0:
		return i18n.T(EscalateZero)
	}
	return i18n.T(EscalateLow)
}

// RiskWords is the band of a score in words.
func RiskWords(risk string) string { return i18n.T(riskWords[risk]) }

// EarlyWarningLine is the chart's NEWS2 line: "NEWS2 14 – HIGH RISK
// (06/12/2026 08:00): EMERGENCY: …".
func EarlyWarningLine(w clinical.EarlyWarning) string {
	if w.Incomplete {
		return i18n.F(EarlyWarningIncomplete, DateTime(w.At))
	}
	s := i18n.F("NEWS2 %d – %s (%s): %s", w.Score, RiskWords(w.Risk), DateTime(w.At), Escalation(w))
	if w.SpO2Scale2 {
		s += " " + i18n.T("SpO2 scored on scale 2.")
	}
	return s
}

// NoEarlyWarning says why a chart shows no score.
const NoEarlyWarning = "NEWS2: no complete set of vital signs recorded during downtime (respiratory rate, SpO2, air or oxygen, blood pressure, pulse, consciousness and temperature)."

// EarlyWarningIncomplete is the chart's NEWS2 line when the newest set of
// vital signs is not complete: no score, not even an older set's.
const EarlyWarningIncomplete = "NEWS2 incomplete (%s): the newest set of vital signs is not complete, so there is no score. Record a complete set (respiratory rate, SpO2, air or oxygen, blood pressure, pulse, consciousness and temperature)."

// EarlyWarningShort is the census row's NEWS2 with the time of its set:
// "NEWS2 14 · 08:00", "NEWS2 incomplete · 08:00", with the date when the
// set is not of today ("NEWS2 3 · 05/12 22:00").
func EarlyWarningShort(w clinical.EarlyWarning, now time.Time) string {
	at := ClockOn(w.At, now)
	if w.Incomplete {
		return i18n.F("NEWS2 incomplete · %s", at)
	}
	return i18n.F("NEWS2 %d · %s", w.Score, at)
}

// oxygenText is "O2 2 L/min, FiO2 28 %", "air", or "".
func oxygenText(v *clinical.VitalSigns) string {
	if v.OnOxygen == nil {
		return ""
	}
	if !*v.OnOxygen {
		return i18n.T("on air")
	}
	var parts []string
	if v.O2Flow != nil {
		parts = append(parts, i18n.Num(*v.O2Flow)+" L/min")
	}
	if v.FiO2 != nil {
		parts = append(parts, "FiO2 "+i18n.Num(*v.FiO2)+" %")
	}
	if len(parts) == 0 {
		return "O2"
	}
	return "O2 " + strings.Join(parts, ", ")
}

// newsExtras are the NEWS2 fields of a set besides the classic vital signs:
// oxygen, ACVPU, glucose.
func newsExtras(v *clinical.VitalSigns) []string {
	var parts []string
	if o := oxygenText(v); o != "" {
		parts = append(parts, o)
	}
	if l := ConsciousnessLetter(v.Consciousness); l != "" {
		parts = append(parts, "ACVPU "+l)
	}
	if v.Glucose != nil {
		parts = append(parts, i18n.F("glucose %s mmol/L", i18n.Num(*v.Glucose)))
	}
	return parts
}

// scores says which of a set's values score on their own in NEWS2
// (clinical.OutOfBandOf), in the columns of the vitals table: BP, HR, RR,
// T, SpO2.
func scores(v *clinical.VitalSigns) [5]bool {
	o := clinical.OutOfBandOf(v)
	return [5]bool{o.Systolic, o.Pulse, o.Respiration, o.Temperature, o.SpO2}
}
