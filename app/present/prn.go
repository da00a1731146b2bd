package present

import (
	"strconv"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/store"
)

// prnGiven are the doses of order m known to be given: the snapshot's
// administrations of it (and its last given time), and those recorded
// during downtime that stand (not corrected or cancelled).
func prnGiven(m store.Medication, c *store.Chart, downtime []store.JournalEntry) []store.GivenDose {
	var out []store.GivenDose
	seen := map[time.Time]bool{}
	if c != nil {
		for _, a := range c.Administrations.Items {
			if a.Status != "completed" || m.Source.ID == "" || a.OrderID != m.Source.ID {
				continue
			}
			n, u, _ := store.ParseAmount(a.Dose)
			out = append(out, store.GivenDose{Time: a.Time, Amount: n, Unit: u})
			seen[a.Time.UTC()] = true
		}
	}
	if !m.LastGiven.IsZero() && !seen[m.LastGiven.UTC()] {
		out = append(out, store.GivenDose{Time: m.LastGiven})
	}
	for _, e := range downtime {
		d := e.Medication
		if d == nil || e.Superseded() || (d.Outcome != store.OutcomeGiven && d.Outcome != store.OutcomePartial) {
			continue
		}
		g := store.GivenDose{Time: e.ClinicalTime}
		if d.Dose != nil {
			g.Amount, g.Unit = d.Dose.Value, d.Dose.Unit
		}
		out = append(out, g)
	}
	return out
}

// PRNLines are what the MAR says of an order as needed besides its last
// dose: when the next is allowed ("Next allowed from 06/12/2026 22:00
// (every 8 h)", or "now") and its maximum with what was given in that
// period ("Maximum 1200 mg per 24 h: 400 mg given in that time"); soon
// says the next is not yet allowed, over that the maximum is reached or
// cannot be checked (a dose of unknown amount in the period).
func PRNLines(o MAROrder, now time.Time) (lines []string, soon, over bool) {
	l := o.Limits
	if iv := o.Order.Timing.Interval(); iv > 0 {
		switch {
		case l.NextAllowed.After(now):
			lines = append(lines, i18n.F("Next allowed from %s (every %s)", DateTime(l.NextAllowed), hoursText(iv)))
			soon = true
		case !l.NextAllowed.IsZero():
			lines = append(lines, i18n.F("Next allowed now (every %s)", hoursText(iv)))
		}
	}
	if x := l.Max; x != nil {
		per := hoursText(x.Period())
		switch {
		case x.Doses > 0:
			lines = append(lines, i18n.F("Maximum %d doses per %s: %d given in that time", x.Doses, per, l.InPeriod))
			over = l.InPeriod >= x.Doses
		case x.Amount > 0 && l.Unknown > 0:
			// A dose of unknown amount: the total is not known.
			if l.Unknown == 1 {
				lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time, and 1 dose of unknown amount: check the total",
					amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit)))
			} else {
				lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time, and %d doses of unknown amount: check the total",
					amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit), l.Unknown))
			}
			over = true
		case x.Amount > 0:
			lines = append(lines, i18n.F("Maximum %s per %s: %s given in that time", amountText(x.Amount, x.Unit), per, amountText(l.Amount, x.Unit)))
			over = l.Amount >= x.Amount
		}
	} else {
		lines = append(lines, i18n.T("No maximum per 24 h stated in the order"))
	}
	return lines, soon, over
}

func hoursText(d time.Duration) string {
	return i18n.F("%s h", strconv.FormatFloat(d.Hours(), 'f', -1, 64))
}

func amountText(n float64, unit string) string {
	return strconv.FormatFloat(n, 'f', -1, 64) + " " + unit
}
