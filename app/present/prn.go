package present

import (
	"time"

	"lifeboat/app/i18n"
)

// PRNLines are what the MAR says of an order as needed besides its last
// dose: when the next is allowed ("Next allowed from 06/12/2026 22:00
// (every 8 h)", or "now") and its maximum with what was given in that
// period ("Maximum 1200 mg per 24 h: 400 mg given in that time"); soon
// says the next is not yet allowed, over that the maximum is reached or
// cannot be checked (clinical.PRNLimits' TooSoon and AtMaximum).
func PRNLines(o MAROrder, now time.Time) (lines []string, soon, over bool) {
	l := o.Limits
	if iv := o.Order.Timing.Interval(); iv > 0 {
		switch {
		case l.TooSoon(now):
			lines = append(lines, i18n.F("Next allowed from %s (every %s)", DateTime(l.NextAllowed), everyHours(iv)))
			soon = true
		case !l.NextAllowed.IsZero():
			lines = append(lines, i18n.F("Next allowed now (every %s)", everyHours(iv)))
		}
	}
	if x := l.Max; x != nil {
		per := everyHours(x.Period())
		switch {
		case x.Doses > 0:
			lines = append(lines, i18n.F("Maximum %d doses per %s: %d given in that time", x.Doses, per, l.InPeriod))
		case x.Amount > 0 && l.Unknown > 0:
			// A dose of unknown amount: the total is not known.
			if l.Unknown == 1 {
				lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time, and 1 dose of unknown amount: check the total",
					amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit)))
			} else {
				lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time, and %d doses of unknown amount: check the total",
					amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit), l.Unknown))
			}
		case x.Amount > 0:
			lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time", amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit)))
		}
	} else {
		lines = append(lines, i18n.T("No maximum per 24 h stated in the order"))
	}
	return lines, soon, l.AtMaximum()
}

func amountText(n float64, unit string) string {
	return i18n.Num(n) + " " + unit
}

// everyHours is a PRN order's interval or period in hours: "4 h".
func everyHours(d time.Duration) string { return i18n.F("%s h", i18n.Num(d.Hours())) }
