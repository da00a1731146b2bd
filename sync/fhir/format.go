package fhir

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// plainNumber prints a number as written by a person: 500, 0.5, 12.5.
func plainNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// rounded is v with sensible precision for showing: whole numbers for
// counts, pressures and saturations; one decimal from 10 up; two from 1
// up; three significant digits below 1. It rounds half away from zero on
// the decimal value, as a person would (72.35 kg is 72.4 kg), so the
// number a chart holds is the number it shows.
func rounded(v float64, code string) float64 {
	p := math.Pow10(decimals(v, code))
	r := math.Round(v*p) / p
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return v
	}
	return r
}

func decimals(v float64, code string) int {
	a := math.Abs(v)
	switch {
	case wholeNumberCodes[code] || a == math.Trunc(a):
		return 0
	case a >= 10:
		return 1
	case a >= 1:
		return 2
	}
	return min(2-int(math.Floor(math.Log10(a))), 6)
}

func quantityText(q *r4.Quantity) string {
	if q == nil || q.Value == nil {
		return ""
	}
	s := q.Comparator + plainNumber(*q.Value)
	if u := unitOf(q); u != "" {
		s += " " + u
	}
	return s
}

func unitOf(q *r4.Quantity) string {
	if q == nil {
		return ""
	}
	if q.Unit != "" {
		return q.Unit
	}
	return q.Code
}

var unitWords = map[string][2]string{
	"s": {"s", "s"}, "min": {"min", "min"}, "h": {"h", "h"},
	"d": {"day", "days"}, "wk": {"week", "weeks"}, "mo": {"month", "months"}, "a": {"year", "years"},
}

var perUnit = map[string]string{
	"s": "a second", "min": "a minute", "h": "an hour", "d": "a day",
	"wk": "a week", "mo": "a month", "a": "a year",
}

var everyOne = map[string]string{"d": "daily", "wk": "weekly", "mo": "monthly", "a": "yearly", "h": "every hour"}

var whenWords = map[string]string{
	"MORN": "in the morning", "NOON": "at noon", "AFT": "in the afternoon",
	"EVE": "in the evening", "NIGHT": "at night", "HS": "at bedtime", "WAKE": "on waking",
	"C": "with meals", "CM": "with breakfast", "CD": "with lunch", "CV": "with dinner",
	"AC": "before meals", "ACM": "before breakfast", "ACD": "before lunch", "ACV": "before dinner",
	"PC": "after meals", "PCM": "after breakfast", "PCD": "after lunch", "PCV": "after dinner",
}

var timingCodes = map[string]string{
	"QD": "daily", "BID": "twice a day", "TID": "3 times a day", "QID": "4 times a day",
	"QOD": "every other day", "Q4H": "every 4 h", "Q6H": "every 6 h", "Q8H": "every 8 h",
	"AM": "in the morning", "PM": "in the evening",
}

// frequencyText renders a Timing.repeat in plain English: "every 8 h",
// "3 times a day", "daily", "at 08:00, 20:00", with " as needed" for PRN.
func frequencyText(r *r4.TimingRepeat, code r4.CodeableConcept, prn bool) string {
	var parts []string
	if r != nil {
		if f := scheduleText(r); f != "" {
			parts = append(parts, f)
		}
		if len(r.DayOfWeek) > 0 {
			parts = append(parts, "on "+strings.Join(titleWords(r.DayOfWeek), ", "))
		}
		var w []string
		for _, c := range r.When {
			if s, ok := whenWords[strings.ToUpper(c)]; ok {
				w = append(w, s)
			}
		}
		if len(w) > 0 {
			parts = append(parts, strings.Join(w, ", "))
		}
	}
	if len(parts) == 0 {
		if s, ok := timingCodes[strings.ToUpper(firstCode(code, ""))]; ok {
			parts = append(parts, s)
		} else if t := conceptText(code); t != "" {
			parts = append(parts, t)
		}
	}
	if prn {
		parts = append(parts, "as needed")
	}
	return strings.Join(parts, " ")
}

func scheduleText(r *r4.TimingRepeat) string {
	if len(r.TimeOfDay) > 0 {
		t := make([]string, len(r.TimeOfDay))
		for i, s := range r.TimeOfDay {
			t[i] = clock(s)
		}
		return "at " + strings.Join(t, ", ")
	}
	f, fmax, p, pmax := int(math.Round(r.Frequency)), int(math.Round(r.FrequencyMax)), r.Period, r.PeriodMax
	words, ok := unitWords[r.PeriodUnit]
	if !ok || p <= 0 {
		return ""
	}
	if f <= 0 {
		f = 1
	}
	times := func(n int) string {
		switch {
		case fmax > n:
			return fmt.Sprintf("%d-%d times", n, fmax)
		case n == 1:
			return "once"
		case n == 2:
			return "twice"
		}
		return fmt.Sprintf("%d times", n)
	}
	span := plainNumber(p)
	if pmax > p {
		span += "-" + plainNumber(pmax)
	}
	unit := words[1]
	if span == "1" {
		unit = words[0]
	}
	if f == 1 && fmax <= 1 {
		if span == "1" {
			if s, ok := everyOne[r.PeriodUnit]; ok {
				return s
			}
		}
		return "every " + span + " " + unit
	}
	if span == "1" {
		return times(f) + " " + perUnit[r.PeriodUnit]
	}
	return times(f) + " every " + span + " " + unit
}

func titleWords(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		if w != "" {
			out[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return out
}

// doseText is doseAndRate[0] as "500 mg" or "1-2 tablet".
func doseText(d r4.Dosage) string {
	if len(d.DoseAndRate) == 0 {
		return ""
	}
	dr := d.DoseAndRate[0]
	if dr.DoseQuantity != nil {
		return quantityText(dr.DoseQuantity)
	}
	if r := dr.DoseRange; r != nil && r.Low != nil && r.Low.Value != nil && r.High != nil && r.High.Value != nil {
		s := plainNumber(*r.Low.Value) + "-" + plainNumber(*r.High.Value)
		if u := unitOf(r.High); u != "" {
			s += " " + u
		}
		return s
	}
	return ""
}

// rateText is an infusion's rate as ordered: "125 mL/h" (rateQuantity),
// "1000 mL per 8 h" or "50 mL/h" (rateRatio), "100-125 mL/h"
// (rateRange); "" when the order gives none.
func rateText(d r4.Dosage) string {
	if len(d.DoseAndRate) == 0 {
		return ""
	}
	dr := d.DoseAndRate[0]
	switch {
	case dr.RateQuantity != nil:
		return quantityText(dr.RateQuantity)
	case dr.RateRatio != nil:
		num, den := dr.RateRatio.Numerator, dr.RateRatio.Denominator
		n := quantityText(num)
		if n == "" {
			return ""
		}
		unit := unitOf(den)
		if w, ok := unitWords[unit]; ok {
			unit = w[0]
		}
		switch {
		case unit == "":
			return n
		case den.Value == nil || *den.Value == 1:
			return n + "/" + unit
		}
		if w, ok := unitWords[unitOf(den)]; ok {
			unit = w[1]
		}
		return n + " per " + plainNumber(*den.Value) + " " + unit
	case dr.RateRange != nil:
		r := dr.RateRange
		if r.Low == nil || r.Low.Value == nil || r.High == nil || r.High.Value == nil {
			return quantityText(cmp.Or(r.High, r.Low))
		}
		s := plainNumber(*r.Low.Value) + "-" + plainNumber(*r.High.Value)
		if u := unitOf(r.High); u != "" {
			s += " " + u
		}
		return s
	}
	return ""
}

func timingOf(r *r4.TimingRepeat) clinical.Timing {
	if r == nil {
		return clinical.Timing{}
	}
	t := clinical.Timing{Frequency: int(math.Round(r.Frequency)), Period: r.Period, PeriodUnit: r.PeriodUnit}
	for _, s := range r.TimeOfDay {
		t.TimesOfDay = append(t.TimesOfDay, clock(s))
	}
	return t
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
