package clinical

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits of orders as needed (PRN): the next dose is allowed once the
// order's interval has passed since the last (an "every 8 h as needed"
// order given at 06:00 allows the next at 14:00), and no more than the
// order's maximum in a period ("max 3 per 24 h", "maximum 1200 mg per 24
// hours") may be given.

// MaxDose is a most in a period: Doses doses, or Amount of Unit ("1200"
// "mg"), in Hours hours.
type MaxDose struct {
	Doses  int     `json:"doses,omitempty"`
	Amount float64 `json:"amount,omitempty"`
	Unit   string  `json:"unit,omitempty"`
	Hours  float64 `json:"hours"`
}

// Bounds of a maximum a kiosk believes: beyond them the order is read
// as having none (and its text is read instead).
const (
	maxDosesInPeriod = 100
	maxPeriodHours   = 31 * 24
)

// Period is the maximum's period; 0 when its hours are out of bounds
// (not positive, more than 31 days, not a number).
func (m MaxDose) Period() time.Duration {
	if !(m.Hours > 0 && m.Hours <= maxPeriodHours) {
		return 0
	}
	return time.Duration(m.Hours * float64(time.Hour))
}

// PeriodHours is the hours in one of a period unit, by its UCUM code or
// in words: "min", "h", "d", "wk"; 0 for any other, and for months and
// years, whose length is ambiguous.
func PeriodHours(unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "s":
		return 1.0 / 3600
	case "min", "mins", "minute", "minutes":
		return 1.0 / 60
	case "h", "hr", "hrs", "hour", "hours":
		return 1
	case "d", "day", "days":
		return 24
	case "wk", "week", "weeks":
		return 7 * 24
	}
	return 0
}

// MaxDoseOf is a maximum of n of unit in hours hours: a count of doses
// when unit is none or says doses ("3" per "24 h"), else an amount
// ("1200 mg"). nil when out of bounds: a count not a whole number from 1
// to 100, an amount not a positive number up to maxAmount, a period not
// within 31 days.
func MaxDoseOf(n float64, unit string, hours float64) *MaxDose {
	if !(hours > 0 && hours <= maxPeriodHours) || !(n > 0 && n <= maxAmount) {
		return nil
	}
	switch unit = strings.ToLower(strings.TrimSpace(unit)); unit {
	case "", "1", "{dose}", "{doses}", "dose", "doses", "x", "times":
		if n != math.Trunc(n) || n > maxDosesInPeriod {
			return nil
		}
		return &MaxDose{Doses: int(n), Hours: hours}
	}
	return &MaxDose{Amount: n, Unit: unit, Hours: hours}
}

var maxDoseText = regexp.MustCompile(`(?i)\bmax(?:imum|\.)?\s*(?:of\s*)?(\d+(?:[.,]\d+)?)\s*([a-zµ]*)\s*(?:per|/|in|every|a)\s*(\d*)\s*(h|hours?|hrs?|days?|d|wk|weeks?)\b`)

// ParseMaxDose reads a maximum from an order's text: "max 3 per 24 h",
// "maximum 1200 mg per 24 hours", "max. 4 doses/day"; nil for none.
func ParseMaxDose(text string) *MaxDose {
	m := maxDoseText.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
	if err != nil {
		return nil
	}
	per := 1.0
	if m[3] != "" {
		if per, err = strconv.ParseFloat(m[3], 64); err != nil {
			return nil
		}
	}
	return MaxDoseOf(n, m[2], per*PeriodHours(m[4]))
}

// Interval is the least time between two doses of an order as stated by
// its timing ("every 8 h": 8 h; "3 times a day": 8 h); 0 when not stated.
func (t Timing) Interval() time.Duration {
	hours := PeriodHours(t.PeriodUnit)
	if hours == 0 || !(t.Period > 0 && t.Period*hours <= 366*24) { // and no overflow
		return 0
	}
	f := max(t.Frequency, 1)
	return time.Duration(t.Period * hours * float64(time.Hour) / float64(f))
}

// GivenDose is a dose known to be given: its time, and its amount when
// known.
type GivenDose struct {
	Time   time.Time
	Amount float64
	Unit   string
}

// PRNGiven are the doses of order known to be given: those the chart
// documents given (Chart.DoseDocuments, the census's and the MAR's rule:
// completed or in progress, and the order's last given time), with their
// amounts, and the journal's entries that record it given or partly given
// (EntryDocumentsDose). The caller leaves out of journal what does not
// stand (corrected or cancelled) and the entry under review.
func PRNGiven(order Medication, chart *Chart, journal []Entry) []GivenDose {
	if chart == nil {
		chart = &Chart{} // the order's last given time alone
	}
	var out []GivenDose
	at := map[time.Time]int{} // one dose per time: an administration's, with its amount, before the bare last given time
	for _, d := range chart.DoseDocuments(order) {
		if !d.Given {
			continue
		}
		g := GivenDose{Time: d.Time}
		if d.Administration != nil {
			g.Amount, g.Unit, _ = ParseAmount(d.Administration.Dose)
		}
		k, ok := at[d.Time.UTC()]
		switch {
		case !ok:
			at[d.Time.UTC()] = len(out)
			out = append(out, g)
		case d.Administration != nil && out[k].Unit == "" && out[k].Amount == 0:
			out[k] = g
		}
	}
	for _, p := range journal {
		if _, given := EntryDocumentsDose(journaled{Entry: p}, order.Source.ID); !given {
			continue
		}
		g := GivenDose{Time: p.ClinicalTime}
		if q := p.Medication; q.Dose != nil {
			g.Amount, g.Unit = q.Dose.Value, q.Dose.Unit
		}
		out = append(out, g)
	}
	return out
}

// ParseAmount reads "400 mg" as 400 and "mg"; ok false when it cannot.
func ParseAmount(s string) (amount float64, unit string, ok bool) {
	f := strings.Fields(strings.TrimSpace(s))
	if len(f) == 0 {
		return 0, "", false
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(f[0], ",", "."), 64)
	if err != nil {
		return 0, "", false
	}
	return n, strings.ToLower(strings.Join(f[1:], " ")), true
}

// amountUnits are the units of mass (in mg) and volume (in ml) an amount
// converts between.
var amountUnits = map[string]struct {
	dim   byte // 'm' mass, 'v' volume
	scale float64
}{
	"kg": {'m', 1e6}, "g": {'m', 1e3}, "gram": {'m', 1e3}, "grams": {'m', 1e3},
	"mg": {'m', 1}, "milligram": {'m', 1}, "milligrams": {'m', 1},
	"mcg": {'m', 1e-3}, "µg": {'m', 1e-3}, "μg": {'m', 1e-3}, "ug": {'m', 1e-3}, "microgram": {'m', 1e-3}, "micrograms": {'m', 1e-3},
	"ng": {'m', 1e-6}, "nanogram": {'m', 1e-6}, "nanograms": {'m', 1e-6},
	"l": {'v', 1e3}, "liter": {'v', 1e3}, "litre": {'v', 1e3}, "liters": {'v', 1e3}, "litres": {'v', 1e3},
	"ml": {'v', 1}, "milliliter": {'v', 1}, "millilitre": {'v', 1}, "milliliters": {'v', 1}, "millilitres": {'v', 1},
}

// maxAmount is far beyond any real dose or maximum in any unit (24
// million units of penicillin a day are real): an amount above it is not
// counted, which a total could overflow (1e308 g in mg) and a warning
// would write out in 309 digits.
const maxAmount = 1e12

// convertAmount is n of unit from in unit to: the same unit, or units of
// mass (g, mg, mcg, µg, ug, ng) or of volume (l, ml) between them. ok is
// false when the amount cannot be converted (no unit, units of different
// kinds, a unit not known) or is no real dose (not a number, above
// maxAmount).
func convertAmount(n float64, from, to string) (_ float64, ok bool) {
	from, to = strings.ToLower(strings.TrimSpace(from)), strings.ToLower(strings.TrimSpace(to))
	if from == "" || to == "" || math.IsNaN(n) || math.Abs(n) > maxAmount {
		return 0, false
	}
	if from == to {
		return n, true
	}
	f, okf := amountUnits[from]
	t, okt := amountUnits[to]
	if !okf || !okt || f.dim != t.dim {
		return 0, false
	}
	return roundAmount(n * f.scale / t.scale), true
}

// roundAmount drops the float noise of a conversion (0.03 mg is 30 mcg,
// not 29.999999999999996).
func roundAmount(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return r
}

// PRNLimits are an order's limits at a time, from the doses given.
type PRNLimits struct {
	Last        time.Time // the newest dose given before the time, or zero
	NextAllowed time.Time // Last plus the order's interval; zero if either is unknown
	Max         *MaxDose
	// InPeriod are the doses given in the maximum's period before the
	// time, and Amount their amount in the maximum's unit. Unknown are
	// those of them whose amount could not be counted (not known, or in
	// a unit that does not convert): with any, the total is not known.
	InPeriod int
	Amount   float64
	Unknown  int
}

// TooSoon says that at now the next dose is not yet allowed.
func (l PRNLimits) TooSoon(now time.Time) bool { return l.NextAllowed.After(now) }

// AtMaximum says that the order's maximum per period is reached, or cannot
// be checked (a dose of unknown amount in the period); false when the
// order states none.
func (l PRNLimits) AtMaximum() bool {
	switch x := l.Max; {
	case x == nil:
		return false
	case x.Doses > 0:
		return l.InPeriod >= x.Doses
	case x.Amount > 0 && l.Unknown > 0:
		return true
	case x.Amount > 0:
		return l.Amount >= x.Amount
	}
	return false
}

// PRNLimitsAt are order m's limits at time at, given the doses given.
func PRNLimitsAt(m Medication, given []GivenDose, at time.Time) PRNLimits {
	l := PRNLimits{Max: m.MaxDose}
	for _, g := range given {
		if !g.Time.After(at) && g.Time.After(l.Last) {
			l.Last = g.Time
		}
	}
	if iv := m.Timing.Interval(); iv > 0 && !l.Last.IsZero() {
		l.NextAllowed = l.Last.Add(iv)
	}
	if l.Max != nil && l.Max.Period() > 0 {
		from := at.Add(-l.Max.Period())
		for _, g := range given {
			if g.Time.After(from) && !g.Time.After(at) {
				l.InPeriod++
				if l.Max.Amount <= 0 {
					continue
				}
				if n, ok := convertAmount(g.Amount, g.Unit, l.Max.Unit); ok && n > 0 {
					l.Amount = roundAmount(l.Amount + n)
				} else {
					l.Unknown++
				}
			}
		}
	}
	return l
}

// prnWarnings are the warnings for one more dose of amount (of unit) at
// time at: before the next allowed time, or over the maximum, or the
// maximum cannot be checked (a dose of unknown amount).
func prnWarnings(m Medication, given []GivenDose, at time.Time, amount float64, unit string) []finding {
	l := PRNLimitsAt(m, given, at)
	var warn []finding
	if !l.NextAllowed.IsZero() && at.Before(l.NextAllowed) {
		warn = append(warn, finding{"prn-interval", msg("as needed every %s: the last dose was given %s, so the next is allowed from %s",
			hoursMessage(m.Timing.Interval()), l.Last.Format("02/01 15:04"), l.NextAllowed.Format("02/01 15:04"))})
	}
	x := l.Max
	if x == nil || x.Period() <= 0 {
		return warn
	}
	per := hoursMessage(x.Period())
	if x.Doses > 0 && l.InPeriod+1 > x.Doses {
		warn = append(warn, finding{"prn-max", msg("this would be dose %d in %s; the order allows at most %d",
			l.InPeriod+1, per, x.Doses)})
	}
	if x.Amount <= 0 {
		return warn
	}
	add, ok := convertAmount(amount, unit, x.Unit)
	switch {
	case !ok || add <= 0:
		warn = append(warn, finding{"prn-max", msg("this dose's amount cannot be counted in %s; the order allows at most %s %s in %s: check the total",
			x.Unit, Number(x.Amount), x.Unit, per)})
	case l.Amount+add > x.Amount:
		warn = append(warn, finding{"prn-max", msg("this would make %s %s in %s; the order allows at most %s %s",
			Number(roundAmount(l.Amount+add)), x.Unit, per, Number(x.Amount), x.Unit)})
	case l.Unknown > 0:
		doses := msg("1 dose")
		if l.Unknown > 1 {
			doses = msg("%d doses", l.Unknown)
		}
		warn = append(warn, finding{"prn-max", msg("%s of unknown amount in the last %s (%s %s known); the order allows at most %s %s: check the total",
			doses, per, Number(l.Amount), x.Unit, Number(x.Amount), x.Unit)})
	}
	return warn
}

// hoursMessage is a duration in hours ("8 h", "1.5 h"), its number
// written in the window's language.
func hoursMessage(d time.Duration) Message { return msg("%s h", Number(d.Hours())) }
