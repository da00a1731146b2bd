package clinical

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseMaxDose(t *testing.T) {
	cases := []struct {
		text string
		want *MaxDose
	}{
		{"Ibuprofen 400 mg every 8 h as needed, max 3 per 24 h", &MaxDose{Doses: 3, Hours: 24}},
		{"maximum 1200 mg per 24 hours", &MaxDose{Amount: 1200, Unit: "mg", Hours: 24}},
		{"1 g every 6 h if pain; Max. 4 g/day", &MaxDose{Amount: 4, Unit: "g", Hours: 24}},
		{"max 4 doses in 24 hrs", &MaxDose{Doses: 4, Hours: 24}},
		{"Ibuprofen 400 mg every 8 h as needed", nil},
		{"maximal effect after 2 h", nil},
	}
	for _, c := range cases {
		got := ParseMaxDose(c.text)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%q: got %+v, want %+v", c.text, got, c.want)
		}
	}
}

func TestTimingInterval(t *testing.T) {
	for _, c := range []struct {
		timing Timing
		want   time.Duration
	}{
		{Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}, 8 * time.Hour},
		{Timing{Frequency: 3, Period: 1, PeriodUnit: "d"}, 8 * time.Hour},
		{Timing{Period: 4, PeriodUnit: "h"}, 4 * time.Hour},
		{Timing{}, 0},
	} {
		if got := c.timing.Interval(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.timing, got, c.want)
		}
	}
}

func TestPRNWarnings(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	ibuprofen := Medication{Name: "Ibuprofen 400 mg", PRN: true, Timing: Timing{Frequency: 1, Period: 8, PeriodUnit: "h"},
		MaxDose: &MaxDose{Amount: 1200, Unit: "mg", Hours: 24}}
	given := func(hoursAgo ...float64) []GivenDose {
		var out []GivenDose
		for _, h := range hoursAgo {
			out = append(out, GivenDose{Time: at.Add(-time.Duration(h * float64(time.Hour))), Amount: 400, Unit: "mg"})
		}
		return out
	}
	text := findingsText
	if w := prnWarnings(ibuprofen, given(9, 20), at, 400, "mg"); len(w) != 0 {
		t.Errorf("allowed dose warned: %s", text(w))
	}
	w := prnWarnings(ibuprofen, given(0), at, 400, "mg")
	if got := text(w); got != "prn-interval: as needed every 8 h: the last dose was given 06/12 14:00, so the next is allowed from 06/12 22:00" {
		t.Errorf("dose again at once: %s", got)
	}
	w = prnWarnings(ibuprofen, given(8, 16, 23), at, 400, "mg")
	if got := text(w); got != "prn-max: this would make 1600 mg in 24 h; the order allows at most 1200 mg" {
		t.Errorf("fourth dose: %s", got)
	}
	// A dose 25 h ago is outside the day.
	if w := prnWarnings(ibuprofen, given(8, 16, 25), at, 400, "mg"); len(w) != 0 {
		t.Errorf("three in 25 h: %s", text(w))
	}
	byCount := ibuprofen
	byCount.MaxDose = &MaxDose{Doses: 2, Hours: 24}
	if got := text(prnWarnings(byCount, given(8, 16), at, 0, "")); got != "prn-max: this would be dose 3 in 24 h; the order allows at most 2" {
		t.Errorf("by count: %s", got)
	}
	l := PRNLimitsAt(ibuprofen, given(2, 10), at)
	if !l.NextAllowed.Equal(at.Add(6*time.Hour)) || l.InPeriod != 2 || l.Amount != 800 {
		t.Errorf("limits %+v", l)
	}
}

func TestPeriodHours(t *testing.T) {
	for unit, want := range map[string]float64{"h": 1, "hours": 1, "hr": 1, "d": 24, "day": 24, "min": 1.0 / 60,
		"wk": 168, "week": 168, "weeks": 168, "mo": 0, "month": 0, "a": 0, "year": 0, "": 0, "furlong": 0} {
		if got := PeriodHours(unit); got != want {
			t.Errorf("PeriodHours(%q) = %v, want %v", unit, got, want)
		}
	}
}

// A maximum out of bounds is no maximum: the text is read instead.
func TestMaxDoseOfBounds(t *testing.T) {
	for _, c := range []struct {
		n     float64
		unit  string
		hours float64
		want  *MaxDose
	}{
		{3, "", 24, &MaxDose{Doses: 3, Hours: 24}},
		{3, "{dose}", 24, &MaxDose{Doses: 3, Hours: 24}},
		{2, "doses", 168, &MaxDose{Doses: 2, Hours: 168}},
		{1200, "mg", 24, &MaxDose{Amount: 1200, Unit: "mg", Hours: 24}},
		{0.5, "", 24, nil}, // half a dose a day
		{2.5, "", 24, nil}, // not a count
		{0, "", 24, nil},   //
		{101, "", 24, nil}, // no order means that
		{1e300, "", 24, nil},
		{3, "", 32 * 24, nil},
		{3, "", 1e300, nil},
		{3, "", 0, nil},
		{math.Inf(1), "mg", 24, nil},
		{1e308, "mg", 24, nil},
		{24e6, "units", 24, &MaxDose{Amount: 24e6, Unit: "units", Hours: 24}}, // benzylpenicillin
		{math.NaN(), "mg", 24, nil},
		{1200, "mg", math.NaN(), nil},
	} {
		got := MaxDoseOf(c.n, c.unit, c.hours)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("MaxDoseOf(%v, %q, %v) = %+v, want %+v", c.n, c.unit, c.hours, got, c.want)
		}
	}
	// A stored maximum with a period out of bounds has no period (and is
	// not checked) rather than an overflowed one.
	for _, h := range []float64{1e300, math.Inf(1), math.NaN(), -1} {
		if p := (MaxDose{Doses: 3, Hours: h}).Period(); p != 0 {
			t.Errorf("Period of %v h = %v", h, p)
		}
	}
	if got := ParseMaxDose("max 2 doses per wk"); got == nil || *got != (MaxDose{Doses: 2, Hours: 168}) {
		t.Errorf("per week: %+v", got)
	}
	if got := ParseMaxDose("max 0.5 per day"); got != nil {
		t.Errorf("half a dose: %+v", got)
	}
}

// Doses in another unit of mass or volume count against an amount
// maximum, converted; a dose of unknown amount, or in a unit that does
// not convert, makes the maximum one that cannot be checked, said so,
// rather than a total too low.
func TestPRNMaximumCountsEveryDose(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	para := Medication{Name: "Paracetamol", PRN: true, MaxDose: &MaxDose{Amount: 4000, Unit: "mg", Hours: 24}}
	dose := func(hoursAgo float64, amount float64, unit string) GivenDose {
		return GivenDose{Time: at.Add(-time.Duration(hoursAgo * float64(time.Hour))), Amount: amount, Unit: unit}
	}
	text := findingsText
	given := []GivenDose{dose(2, 1, "g"), dose(8, 1000, "mg"), dose(14, 1, "G")}
	if l := PRNLimitsAt(para, given, at); l.Amount != 3000 || l.Unknown != 0 {
		t.Errorf("limits %+v", l)
	}
	if w := prnWarnings(para, given, at, 1000, "mg"); len(w) != 0 {
		t.Errorf("the fourth gram: %s", text(w))
	}
	if got := text(prnWarnings(para, given, at, 1.5, "g")); got != "prn-max: this would make 4500 mg in 24 h; the order allows at most 4000 mg" {
		t.Errorf("a fifth gram: %s", got)
	}
	unknown := append(slices.Clone(given), dose(20, 0, ""), dose(22, 2, "tablets"))
	if l := PRNLimitsAt(para, unknown, at); l.Amount != 3000 || l.Unknown != 2 {
		t.Errorf("limits with unknown doses %+v", l)
	}
	if got := text(prnWarnings(para, unknown, at, 500, "mg")); got != "prn-max: 2 doses of unknown amount in the last 24 h (3000 mg known); the order allows at most 4000 mg: check the total" {
		t.Errorf("unknown amounts: %s", got)
	}
	if got := text(prnWarnings(para, given[:1], at, 2, "tablets")); got != "prn-max: this dose's amount cannot be counted in mg; the order allows at most 4000 mg in 24 h: check the total" {
		t.Errorf("a dose in tablets: %s", got)
	}
	fent := Medication{Name: "Fentanyl", PRN: true, MaxDose: &MaxDose{Amount: 100, Unit: "mcg", Hours: 24}}
	if got := text(prnWarnings(fent, []GivenDose{dose(1, 50, "µg"), dose(3, 0.03, "mg")}, at, 25, "ug")); got != "prn-max: this would make 105 mcg in 24 h; the order allows at most 100 mcg" {
		t.Errorf("micrograms: %s", got)
	}
	lax := Medication{Name: "Lactulose", PRN: true, MaxDose: &MaxDose{Amount: 0.045, Unit: "l", Hours: 24}}
	if got := text(prnWarnings(lax, []GivenDose{dose(1, 30, "ml")}, at, 20, "mL")); got != "prn-max: this would make 0.05 l in 24 h; the order allows at most 0.045 l" {
		t.Errorf("volume: %s", got)
	}
}

func TestConvertAmount(t *testing.T) {
	for _, c := range []struct {
		n        float64
		from, to string
		want     float64
		ok       bool
	}{
		{1, "g", "mg", 1000, true},
		{250, "mcg", "mg", 0.25, true},
		{250, "μg", "µg", 250, true}, // Greek mu and micro sign
		{500, "ng", "mcg", 0.5, true},
		{1, "L", "ml", 1000, true},
		{5, "mg", "mg", 5, true},
		{5, "mg", "ml", 0, false},
		{2, "tablets", "mg", 0, false},
		{2, "puffs", "puffs", 2, true},
		{1, "", "mg", 0, false},
	} {
		got, ok := convertAmount(c.n, c.from, c.to)
		if ok != c.ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("convertAmount(%v, %q, %q) = %v %v, want %v %v", c.n, c.from, c.to, got, ok, c.want, c.ok)
		}
	}
}

// PRNGiven, for the review and the MAR alike: the order's completed
// administrations, its last given time once, and the journal's doses of
// it given or partly given; an order without an id matches nothing by id.
func TestPRNGiven(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	order := Medication{Name: "Ibuprofen", PRN: true, LastGiven: at.Add(-time.Hour), Source: Source{ID: "mr1"}}
	c := &Chart{}
	c.Administrations.Items = []Administration{
		{Status: "completed", OrderID: "mr1", Dose: "400 mg", Time: at.Add(-time.Hour)},
		{Status: "not-done", OrderID: "mr1", Dose: "400 mg", Time: at.Add(-2 * time.Hour)},
		{Status: "completed", OrderID: "", Dose: "1 g", Time: at.Add(-3 * time.Hour)},
		{Status: "in-progress", OrderID: "mr1", Dose: "400 mg", Time: at.Add(-30 * time.Minute)}, // given, as the census and the MAR count it
	}
	journal := []Entry{
		{Kind: KindMedication, ClinicalTime: at.Add(-4 * time.Hour), Medication: &Administered{Outcome: OutcomePartial, OrderID: "mr1", Dose: &Quantity{200, "mg"}}},
		{Kind: KindMedication, ClinicalTime: at.Add(-5 * time.Hour), Medication: &Administered{Outcome: OutcomeHeld, OrderID: "mr1"}},
		{Kind: KindMedication, ClinicalTime: at.Add(-6 * time.Hour), Medication: &Administered{Outcome: OutcomeGiven, OrderID: "other"}},
	}
	got := PRNGiven(order, c, journal)
	want := []GivenDose{{Time: at.Add(-time.Hour), Amount: 400, Unit: "mg"}, {Time: at.Add(-30 * time.Minute), Amount: 400, Unit: "mg"},
		{Time: at.Add(-4 * time.Hour), Amount: 200, Unit: "mg"}}
	if !slices.Equal(got, want) {
		t.Errorf("given %+v, want %+v", got, want)
	}
	order.Source.ID, order.LastGiven = "", time.Time{}
	if got := PRNGiven(order, c, []Entry{{Kind: KindMedication, Medication: &Administered{Outcome: OutcomeGiven}}}); len(got) != 0 {
		t.Errorf("an order without an id: %+v", got)
	}
}

// findingsText is the findings of a review in English, "rule: text" a line.
func findingsText(w []finding) string {
	var s []string
	for _, x := range w {
		s = append(s, x.rule+": "+x.msg.English())
	}
	return strings.Join(s, "\n")
}

// An amount beyond any real dose (1e308 g, which in mg overflows to an
// infinity, or 1e308 mg, two of which add up to one) cannot be counted,
// and is said so: the maximum reads as reached, and no warning writes
// "+Inf mg" or a number of 309 digits.
func TestPRNAmountBeyondAnyNumber(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	para := Medication{Name: "Paracetamol", PRN: true, MaxDose: &MaxDose{Amount: 4000, Unit: "mg", Hours: 24}}
	if got, ok := convertAmount(1e308, "g", "mg"); ok {
		t.Errorf("1e308 g converts to %v mg", got)
	}
	hour := func(h int) time.Time { return at.Add(-time.Duration(h) * time.Hour) }
	for _, given := range [][]GivenDose{
		{{Time: hour(1), Amount: 1e308, Unit: "g"}},
		{{Time: hour(1), Amount: 1e308, Unit: "mg"}, {Time: hour(2), Amount: 1e308, Unit: "mg"}},
	} {
		l := PRNLimitsAt(para, given, at)
		if math.IsInf(l.Amount, 0) || l.Unknown == 0 || !l.AtMaximum() {
			t.Errorf("%+v: limits %+v", given, l)
		}
		if got := findingsText(prnWarnings(para, given, at, 500, "mg")); !strings.Contains(got, "unknown amount") || strings.Contains(got, "Inf") || strings.Contains(got, "0000000") {
			t.Errorf("%+v: %s", given, got)
		}
	}
	for what, given := range map[string][]GivenDose{
		"1e308 kg alone":          nil,
		"1e308 kg after 1e308 mg": {{Time: hour(3), Amount: 1e308, Unit: "mg"}},
	} {
		if got := findingsText(prnWarnings(para, given, at, 1e308, "kg")); !strings.Contains(got, "cannot be counted") || strings.Contains(got, "Inf") {
			t.Errorf("%s: %s", what, got)
		}
	}
	if got := findingsText(prnWarnings(para, []GivenDose{{Time: hour(3), Amount: 1e308, Unit: "mg"}}, at, 1e308, "mg")); !strings.Contains(got, "cannot be counted") || strings.Contains(got, "Inf") {
		t.Errorf("1e308 mg after 1e308 mg: %s", got)
	}
}
