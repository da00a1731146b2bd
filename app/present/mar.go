package present

import (
	"cmp"
	"slices"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The medication administration record of a window after the data time:
// each active order with its doses due in the window and its last dose.
// The printed pack uses the 12 h after the data time; the window's MAR tab
// can use the same rows for its 24 h. The times are those of clinical.ScheduledIn, so that what is printed, charted on paper and transcribed
// back is one grid. An order whose times cannot be laid on it is listed
// without times and with the reason: a MAR never makes up a time.

// PackMARWindow is how far ahead of the data time the printed MAR looks.
const PackMARWindow = 12 * time.Hour

// MARRow is one active order on a MAR.
type MARRow struct {
	Order clinical.Medication
	// Due are the scheduled doses in the window, in time order; none for
	// an as-needed order.
	Due []time.Time
	// Unscheduled says why a scheduled order has no times, or is "" when
	// its times are known (an empty Due then means none falls in the
	// window).
	Unscheduled string
	// LastGiven is the newest dose known to be given: in the snapshot, or
	// recorded on this kiosk during downtime (LastGivenInDowntime).
	LastGiven           time.Time
	LastGivenInDowntime bool
}

// Reasons a scheduled order has no times.
const (
	NoTiming    = "no structured schedule in the order: read the dosage"
	OffTheGrid  = "its schedule does not fall at fixed times of the day: read the dosage"
	OrderEnded  = "the order ended before this window"
	OrderStarts = "the order starts after this window"
)

// Line is what a nurse reads of the row's order, with the newest last
// dose, whichever record it came from.
func (r MARRow) Line() string {
	m := r.Order
	m.LastGiven = r.LastGiven
	s := MedicationLine(m)
	if r.LastGivenInDowntime {
		s += i18n.T(" (recorded during downtime)")
	}
	return s
}

// MAR lays out a chart's active orders for the window [from, to):
// scheduled orders by their first dose due (then those with none in the
// window), then the as-needed orders. entries are the patient's downtime
// entries, or nil: a dose recorded given during downtime is the last dose.
func MAR(c *clinical.Chart, entries []store.JournalEntry, from, to time.Time) []MARRow {
	var rows []MARRow
	for _, m := range c.Medications.Items {
		if m.Status != "active" || m.Reported() { // a reported medication is never a dose due
			continue
		}
		r := MARRow{Order: m}
		r.LastGiven, r.LastGivenInDowntime = clinical.LastGiven(m, entries)
		if !m.PRN {
			r.Due, r.Unscheduled = Due(m, from, to)
		}
		rows = append(rows, r)
	}
	rank := func(r MARRow) int {
		switch {
		case r.Order.PRN:
			return 2
		case len(r.Due) > 0:
			return 0
		}
		return 1
	}
	slices.SortStableFunc(rows, func(a, b MARRow) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || rank(a) != 0 {
			return c
		}
		return a.Due[0].Compare(b.Due[0])
	})
	return rows
}

// Due is when a scheduled order's doses fall in [from, to), within the
// order's own start and end (clinical.DueIn), or why they are not known.
func Due(m clinical.Medication, from, to time.Time) ([]time.Time, string) {
	due, gap := clinical.DueIn(m, from, to)
	return due, unscheduled[gap]
}

// unscheduled says each clinical.ScheduleGap.
var unscheduled = map[clinical.ScheduleGap]string{
	clinical.ScheduleNoTiming: NoTiming,
	clinical.ScheduleOffGrid:  OffTheGrid,
	clinical.ScheduleEnded:    OrderEnded,
	clinical.ScheduleNotBegun: OrderStarts,
}

// NextDue is the first dose due in [from, to) of the chart's active
// orders, with its order; ok is false when none is due in the window.
func NextDue(c *clinical.Chart, entries []store.JournalEntry, from, to time.Time) (due time.Time, order clinical.Medication, ok bool) {
	for _, r := range MAR(c, entries, from, to) {
		if len(r.Due) > 0 && (!ok || r.Due[0].Before(due)) {
			due, order, ok = r.Due[0], r.Order, true
		}
	}
	return due, order, ok
}

// NextDueLine is the census's "next dose due": "08:00 Paracetamol 1 g
// tablet", with the date when it is not the day of from, or "none due by
// dd/mm/yyyy hh:mm".
func NextDueLine(c *clinical.Chart, entries []store.JournalEntry, from, to time.Time) string {
	due, m, ok := NextDue(c, entries, from, to)
	if !ok {
		return i18n.F("none due by %s", DateTime(to))
	}
	when := Clock(due)
	if due.Local().Format("20060102") != from.Local().Format("20060102") {
		when = DateTime(due)
	}
	return when + " " + m.Name
}

// MARTitle heads the MAR of the window [from, to).
func MARTitle(from, to time.Time) string {
	return i18n.F("Medication administration record – %s to %s", DateTime(from), DateTime(to))

}
