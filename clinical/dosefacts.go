package clinical

import (
	"slices"
	"time"
)

// The census's next-dose and overdue columns need, per patient, the doses
// that nothing documents around the kiosk's clock. DoseFactsOf gives them
// from a chart, as package store keeps them in the census table when a ward is
// built (a few hundred bytes a patient, instead of decoding every chart):
// for each scheduled active order, its times of day, start and end, and
// the scheduled doses the snapshot documents (by the order's last dose or
// an administration naming it, matched by DocumentedDose). The kiosk lays
// the doses of any window with DueIn's rule (OrderDoses.Due), and
// documents those of the downtime journal the same way, without the
// chart (EntryDocumentsDose).

// DoseFacts are a patient's scheduled active orders, as the census needs
// them.
type DoseFacts struct {
	Orders []OrderDoses
}

// OrderDoses are one scheduled active order's schedule and the doses the
// snapshot documents.
type OrderDoses struct {
	ID   string // the order's id (Source.ID): downtime entries name it
	Name string
	// Daily are the clock times of its doses (DailyTimes), between Start
	// and End (either zero: open).
	Daily      []int
	Start, End time.Time
	// Documented are the scheduled doses the snapshot documents, in time
	// order, those at or after Since (zero: all of them).
	Documented []time.Time
	Since      time.Time
}

// Due are the order's doses in [from, to) (DueIn).
func (o OrderDoses) Due(from, to time.Time) []time.Time {
	due, _ := dueIn(o.Daily, o.Start, o.End, from, to)
	return due
}

// IsDocumented says whether the snapshot documents the dose at t.
func (o OrderDoses) IsDocumented(t time.Time) bool {
	_, found := slices.BinarySearchFunc(o.Documented, t, func(a, b time.Time) int { return a.Compare(b) })
	return found
}

// DoseDocument is what in a snapshot documents a dose of an order: the
// order's last dose, or an administration naming the order.
type DoseDocument struct {
	Time  time.Time
	Given bool // given, in full or in part; otherwise not done
	// Administration is the administration, nil for the order's last dose.
	Administration *Administration
}

// DoseDocuments are the records of chart c that document doses of order
// m: its last dose, and the administrations naming its id, given (completed,
// in progress) or not done. A dose is never matched to an order by name.
func (c *Chart) DoseDocuments(m Medication) []DoseDocument {
	var out []DoseDocument
	if !m.LastGiven.IsZero() {
		out = append(out, DoseDocument{Time: m.LastGiven, Given: true})
	}
	if m.Source.ID == "" {
		return out
	}
	for i := range c.Administrations.Items {
		a := &c.Administrations.Items[i]
		if a.OrderID != m.Source.ID || a.Time.IsZero() {
			continue
		}
		switch a.Status {
		case "completed", "in-progress":
			out = append(out, DoseDocument{Time: a.Time, Given: true, Administration: a})
		case "not-done":
			out = append(out, DoseDocument{Time: a.Time, Administration: a})
		}
	}
	return out
}

// EntryDocumentsDose says whether a downtime entry documents a dose of the
// order with id orderID, and whether it was given (in full or in part):
// a medication entry naming the order, still standing (not corrected or
// cancelled), given, partly given, held or refused.
func EntryDocumentsDose[J any, P Journaled[J]](e J, orderID string) (documents, given bool) {
	a := P(&e).Documented().Medication
	if orderID == "" || a == nil || P(&e).Superseded() || a.OrderID != orderID {
		return false, false
	}
	switch a.Outcome {
	case OutcomeGiven, OutcomePartial:
		return true, true
	case OutcomeHeld, OutcomeRefused:
		return true, false
	}
	return false, false
}

// DoseFactsOf are chart c's dose facts; kept bounds the doses documented
// to those from kept before each order's newest record (0: all).
func DoseFactsOf(c *Chart, kept time.Duration) DoseFacts {
	var f DoseFacts
	for _, m := range c.Medications.Items {
		if m.Status != "active" || m.Reported() || m.PRN {
			continue
		}
		daily, ok := DailyTimes(m)
		if !ok {
			continue
		}
		o := OrderDoses{ID: m.Source.ID, Name: m.Name, Daily: daily, Start: m.Start, End: m.End}
		docs := c.DoseDocuments(m)
		if len(docs) > 0 {
			newest := slices.MaxFunc(docs, func(a, b DoseDocument) int { return a.Time.Compare(b.Time) }).Time
			oldest := slices.MinFunc(docs, func(a, b DoseDocument) int { return a.Time.Compare(b.Time) }).Time
			if kept > 0 && oldest.Before(newest.Add(-kept)) {
				o.Since = newest.Add(-kept)
			}
			// Laid a day wider than the records, the schedule holds every
			// dose near enough to one of them to be documented by it.
			times := o.Due(oldest.Add(-24*time.Hour), newest.Add(24*time.Hour))
			for _, d := range docs {
				if !o.Since.IsZero() && d.Time.Before(o.Since.Add(-DoseMatchSpan)) {
					continue // documents nothing from Since on
				}
				if j := DocumentedDose(times, d.Time); j >= 0 && !times[j].Before(o.Since) {
					o.Documented = append(o.Documented, times[j])
				}
			}
			slices.SortFunc(o.Documented, func(a, b time.Time) int { return a.Compare(b) })
			o.Documented = slices.CompactFunc(o.Documented, func(a, b time.Time) bool { return a.Equal(b) })
		}
		f.Orders = append(f.Orders, o)
	}
	return f
}

// CensusDoses are one patient's scheduled doses that nothing documents,
// for the census: computed once, in the background, and read at any time
// until Until nears (Stale).
type CensusDoses struct {
	Open  []OpenDose // in time order
	Until time.Time  // the doses are known up to here
}

// OpenDose is a scheduled dose that nothing documents.
type OpenDose struct {
	Time  time.Time
	Order string // the order's name
}

// NewCensusDoses finds the undocumented doses of chart c from
// OverdueLookback before now to twice MARAhead after, so that they can be
// read for a day before they go stale: CensusDosesOf its dose facts.
// entries are the patient's downtime entries.
func NewCensusDoses[J any, P Journaled[J]](c *Chart, entries []J, now time.Time) CensusDoses {
	d, _ := CensusDosesOf[J, P](DoseFactsOf(c, 0), entries, now)
	return d
}

// CensusDosesOf are NewCensusDoses from a patient's dose facts (kept in
// the snapshot's census table) instead of the chart, with the same rules
// as the MAR's: the order's doses laid a day wider than the window, each
// documented when the snapshot documents it or a downtime entry's time is
// nearest to it (DocumentedDose). ok is false when the facts do not reach
// back to the window (a clock far behind the snapshot): the chart says
// the doses then.
func CensusDosesOf[J any, P Journaled[J]](f DoseFacts, entries []J, now time.Time) (d CensusDoses, ok bool) {
	from := now.Add(-OverdueLookback)
	d.Until = now.Add(2 * MARAhead)
	for _, o := range f.Orders {
		if o.Since.After(from) {
			return CensusDoses{}, false
		}
	}
	for _, o := range f.Orders {
		times := o.Due(from.Add(-24*time.Hour), d.Until.Add(24*time.Hour))
		if len(times) == 0 {
			continue
		}
		var byEntry map[int]bool
		for _, e := range entries {
			if documents, _ := EntryDocumentsDose[J, P](e, o.ID); documents {
				if j := DocumentedDose(times, P(&e).Documented().ClinicalTime); j >= 0 {
					if byEntry == nil {
						byEntry = map[int]bool{}
					}
					byEntry[j] = true
				}
			}
		}
		for i, t := range times {
			if !t.Before(from) && t.Before(d.Until) && !byEntry[i] && !o.IsDocumented(t) {
				d.Open = append(d.Open, OpenDose{Time: t, Order: o.Name})
			}
		}
	}
	slices.SortStableFunc(d.Open, func(a, b OpenDose) int { return a.Time.Compare(b.Time) })
	return d, true
}

// Stale says that the doses are not known far enough ahead of now.
func (d CensusDoses) Stale(now time.Time) bool { return d.Until.Before(now.Add(MARAhead)) }

// Overdue counts the doses overdue at now, as the MAR does.
func (d CensusDoses) Overdue(now time.Time) int {
	n := 0
	for _, x := range d.Open {
		if StateOfDose(x.Time, false, false, now) == DoseOverdue && !x.Time.Before(now.Add(-OverdueLookback)) {
			n++
		}
	}
	return n
}

// Next is the first dose due or upcoming at now, within MARAhead.
func (d CensusDoses) Next(now time.Time) (OpenDose, bool) {
	for _, x := range d.Open {
		if s := StateOfDose(x.Time, false, false, now); (s == DoseDue || s == DoseUpcoming) && x.Time.Before(now.Add(MARAhead)) {
			return x, true
		}
	}
	return OpenDose{}, false
}
