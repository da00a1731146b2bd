package present

import (
	"cmp"
	"slices"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The MAR of the chart window and the census's "next dose" and "overdue"
// are read at the kiosk's clock, not at the data time. When a dose is
// due, overdue or upcoming, and which administration documents it, are
// clinical's (schedule.go: StateOfDose, DocumentingRecords); the times
// are those of Due, the times the printed MAR uses. A dose is documented
// by an administration in the snapshot, the order's last dose, or a dose
// recorded during downtime on this kiosk (given, partly given, held or
// refused; a corrected or cancelled entry documents nothing).

// DoseRecord is what documents a dose.
type DoseRecord struct {
	Time  time.Time
	Given bool   // given, in full or in part
	What  string // "given", "partly given", "held", "refused", "not given (…)"
	// Entry is the downtime entry that recorded it; nil when the snapshot
	// holds it.
	Entry *store.JournalEntry
}

// Dose is one scheduled dose and what documents it, if anything.
type Dose struct {
	Time   time.Time
	Record *DoseRecord
}

// State is where the dose stands at now (clinical.StateOfDose).
func (d Dose) State(now time.Time) clinical.DoseState {
	return clinical.StateOfDose(d.Time, d.Record != nil, d.Record != nil && d.Record.Given, now)
}

// MAROrder is an active order on the window's MAR with its doses.
type MAROrder struct {
	MARRow
	// Doses are the scheduled doses from the MAR's From to its To, in
	// time order (none for an order as needed or without fixed times).
	Doses []Dose
	// Downtime are the entries recorded for this order during downtime,
	// newest first, corrected and cancelled ones too (to be shown marked).
	Downtime []store.JournalEntry
	// Limits are an order as needed's next allowed time and doses in its
	// maximum's period, at the MAR's Now (PRNLines says them).
	Limits clinical.PRNLimits
}

// MARView is the MAR of a chart at the clock's time Now, over [From, To):
// clinical.OverdueLookback before now to clinical.MARAhead after.
type MARView struct {
	Now, From, To time.Time
	// Scheduled are the active orders that are not as needed: those with a
	// dose still to give first (by that dose, so the overdue ones lead),
	// then those with none in the window, then those whose times are not
	// known (Unscheduled says why).
	Scheduled []MAROrder
	PRN       []MAROrder            // active orders as needed
	Inactive  []clinical.Medication // on hold, stopped, completed…: not to give
	// Reported are the medications the patient is reported to take
	// (MedicationStatements): not orders, never doses due.
	Reported []clinical.Medication
	// Other are the medication entries recorded during downtime that do
	// not document an active order (no order named, or one no longer
	// active), newest first; corrected and cancelled ones too, to be shown
	// marked.
	Other []store.JournalEntry
}

// NewMARView lays out the MAR of chart c at now; entries are the patient's
// downtime entries (any order), or nil.
func NewMARView(c *clinical.Chart, entries []store.JournalEntry, now time.Time) MARView {
	return marView(c, entries, now, now.Add(-clinical.OverdueLookback), now.Add(clinical.MARAhead))
}

func marView(c *clinical.Chart, entries []store.JournalEntry, now, from, to time.Time) MARView {
	v := MARView{Now: now, From: from, To: to}
	used := map[string]bool{}
	for _, r := range MAR(c, entries, from, to) {
		o := MAROrder{MARRow: r}
		if id := r.Order.Source.ID; id != "" {
			for _, e := range entries { // corrected and cancelled ones too, to be shown marked
				if e.Medication != nil && e.Medication.OrderID == id {
					o.Downtime = append(o.Downtime, e)
				}
			}
		}
		sortNewestFirst(o.Downtime)
		for _, e := range o.Downtime {
			used[e.ID] = true
		}
		if r.Order.PRN {
			var standing []clinical.Entry
			for _, e := range o.Downtime {
				if !e.Superseded() {
					standing = append(standing, e.Entry)
				}
			}
			o.Limits = clinical.PRNLimitsAt(r.Order, clinical.PRNGiven(r.Order, c, standing), now)
			v.PRN = append(v.PRN, o)
			continue
		}
		if r.Unscheduled == "" {
			o.Doses = scheduledDoses(r.Order, c, entries, from, to)
		}
		v.Scheduled = append(v.Scheduled, o)
	}
	rank := func(o MAROrder) (int, time.Time) {
		if o.Unscheduled != "" {
			return 2, time.Time{}
		}
		for _, d := range o.Doses {
			if d.Record == nil {
				return 0, d.Time
			}
		}
		return 1, time.Time{}
	}
	slices.SortStableFunc(v.Scheduled, func(a, b MAROrder) int {
		ra, ta := rank(a)
		rb, tb := rank(b)
		if c := cmp.Compare(ra, rb); c != 0 {
			return c
		}
		return ta.Compare(tb)
	})
	for _, m := range ActiveFirst(c.Medications.Items) {
		if m.Status != "active" && !m.Reported() {
			v.Inactive = append(v.Inactive, m)
		}
	}
	v.Reported = Reported(c)
	for _, e := range entries {
		if e.Medication != nil && !used[e.ID] {
			v.Other = append(v.Other, e)
		}
	}
	sortNewestFirst(v.Other)
	return v
}

func sortNewestFirst(entries []store.JournalEntry) {
	slices.SortStableFunc(entries, func(a, b store.JournalEntry) int {
		if c := b.ClinicalTime.Compare(a.ClinicalTime); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
}

// scheduledDoses are order m's doses in [from, to), each with what
// documents it (clinical.DocumentingRecords). The schedule is laid a day wider on both sides so that an
// administration is matched to the dose it belongs to even when that dose
// falls outside the window.
func scheduledDoses(m clinical.Medication, c *clinical.Chart, entries []store.JournalEntry, from, to time.Time) []Dose {
	times, _ := Due(m, from.Add(-24*time.Hour), to.Add(24*time.Hour))
	if len(times) == 0 {
		return nil
	}
	records := doseRecords(m, c, entries)
	facts := make([]clinical.DoseDocument, len(records))
	for i, r := range records {
		facts[i] = clinical.DoseDocument{Time: r.Time, Given: r.Given}
	}
	documented := clinical.DocumentingRecords(times, facts)
	var out []Dose
	for i, t := range times {
		if !t.Before(from) && t.Before(to) {
			d := Dose{Time: t}
			if k := documented[i]; k >= 0 {
				d.Record = &records[k]
			}
			out = append(out, d)
		}
	}
	return out
}

// doseRecords are the administrations of order m: the snapshot's (the
// order's last dose, and those naming the order: clinical's Chart.DoseDocuments),
// and those recorded during downtime (clinical.EntryDocumentsDose).
func doseRecords(m clinical.Medication, c *clinical.Chart, entries []store.JournalEntry) []DoseRecord {
	var out []DoseRecord
	for _, d := range c.DoseDocuments(m) {
		r := DoseRecord{Time: d.Time, Given: d.Given, What: i18n.T("given")}
		if d.Administration != nil {
			r.What = administrationStatus(*d.Administration)
		}
		out = append(out, r)
	}
	for _, e := range entries {
		documents, given := clinical.EntryDocumentsDose(e, m.Source.ID)
		if !documents {
			continue
		}
		r := DoseRecord{Time: e.ClinicalTime, Given: given, Entry: &e, What: i18n.T(e.Medication.Outcome)}
		switch e.Medication.Outcome {
		case clinical.OutcomeGiven:
			r.What = i18n.T("given")
		case clinical.OutcomePartial:
			r.What = i18n.T("partly given")
		}
		out = append(out, r)
	}
	return out
}

// Overdue counts the doses overdue at now.
func (v MARView) Overdue(now time.Time) int {
	n := 0
	for _, o := range v.Scheduled {
		for _, d := range o.Doses {
			if d.State(now) == clinical.DoseOverdue {
				n++
			}
		}
	}
	return n
}

// Next is the first dose due or upcoming at now, with its order; ok is
// false when none is left in the window.
func (v MARView) Next(now time.Time) (d Dose, order clinical.Medication, ok bool) {
	for _, o := range v.Scheduled {
		for _, x := range o.Doses {
			if s := x.State(now); (s == clinical.DoseDue || s == clinical.DoseUpcoming) && (!ok || x.Time.Before(d.Time)) {
				d, order, ok = x, o.Order, true
			}
		}
	}
	return d, order, ok
}

// ShortDateTime is a time within a day or two of now, as the MAR and the
// plots label it: "26/11 08:00".
func ShortDateTime(t time.Time) string { return t.Local().Format("02/01 15:04") }

// ClockOn is t as a clock, "08:05", when it falls on day's local date,
// else with its own date, "26/11 08:05": a time of another day never reads
// as one of day's.
func ClockOn(t, day time.Time) string {
	if t.Local().Format("20060102") == day.Local().Format("20060102") {
		return Clock(t)
	}
	return ShortDateTime(t)
}

// Words of the MAR tab.
const (
	MARScheduledTitle   = "Scheduled orders"
	MARUnscheduledTitle = "Active orders without fixed times"
	MARPRNTitle         = "As needed (PRN)"
	MARInactiveTitle    = "Orders not active – not to give"
	MAROtherTitle       = "Other doses recorded during downtime on this kiosk"
	MARNoActiveOrders   = "No active medication orders in the snapshot."
	MARNoPRN            = "No active orders as needed."
	MARNoDosesInWindow  = "No dose scheduled in this window."
	// MARRule says how due and overdue are decided.
	MARRule = "Doses of the last 12 h and the next 24 h. DUE NOW: within 30 min of its time, before or after. " +
		"OVERDUE: more than 30 min past its time and not documented given, held or refused, in the snapshot " +
		"or during downtime on this kiosk."
)

// MARHeading is "Doses from 25/11/2026 20:00 to 27/11/2026 08:00 – now 26/11/2026 08:00".
func MARHeading(v MARView) string {
	return i18n.F("Doses from %s to %s – now %s", DateTime(v.From), DateTime(v.To), DateTime(v.Now))
}

// MARSummary is "2 doses OVERDUE · next due 26/11 14:00 Paracetamol 1 g tablet".
func MARSummary(v MARView, now time.Time) string {
	s := i18n.T("No dose overdue")
	switch n := v.Overdue(now); n {
	case 0:
	case 1:
		s = i18n.T("1 dose OVERDUE")
	default:
		s = i18n.F("%d doses OVERDUE", n)
	}
	if d, m, ok := v.Next(now); ok {
		return s + i18n.F(" · next due %s", ShortDateTime(d.Time)+" "+m.Name)
	}
	return s + i18n.F(" · no dose due by %s", DateTime(v.To))
}

// OrderTitle is what a nurse reads of an order on the MAR, without its
// last dose (LastGivenLine says it).
func OrderTitle(m clinical.Medication) string {
	m.LastGiven = time.Time{}
	return MedicationLine(m)
}

// LastGivenLine is "Last given 26/11/2026 06:05, 2 h 10 min ago (recorded
// during downtime)", or that no dose is recorded.
func LastGivenLine(r MARRow, now time.Time) string {
	if r.LastGiven.IsZero() {
		return i18n.T("Last given: no dose recorded")
	}
	s := i18n.F("Last given %s", DateTime(r.LastGiven))
	if !r.LastGiven.After(now) {
		s += i18n.F(", %s ago", Age(now.Sub(r.LastGiven)))
	}
	if r.LastGivenInDowntime {
		s += i18n.T(" (recorded during downtime)")
	}
	return s
}

// DoseDowntime is the third line of a dose's cell when a downtime entry
// documents it.
const DoseDowntime = "downtime entry"

// DoseStateWord is what a dose's cell says under its time: "OVERDUE",
// "DUE NOW", "upcoming", "given 08:05", "refused 08:10" (a dose recorded
// during downtime also says DoseDowntime).
func DoseStateWord(d Dose, now time.Time) string {
	switch d.State(now) {
	case clinical.DoseOverdue:
		return i18n.T("OVERDUE")
	case clinical.DoseDue:
		return i18n.T("DUE NOW")
	case clinical.DoseUpcoming:
		return i18n.T("upcoming")
	}
	return d.Record.What + " " + ClockOn(d.Record.Time, d.Time)
}

// DowntimeDoseLine is a downtime entry under its order: "Recorded during
// downtime: 26/11/2026 08:05 · Paracetamol · 1 g · oral · given — RN
// Peeters, entered 26/11/2026 08:07".
func DowntimeDoseLine(e store.JournalEntry) string {
	return i18n.T("Recorded during downtime: ") + EntryLine(e)

}

// InactiveLine is an order not to give: its line, with its status.
func InactiveLine(m clinical.Medication) string { return MedicationLine(m) }
