package store

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"
)

// The census's next-dose and overdue columns need, per patient, the doses
// that nothing documents around the kiosk's clock. Decoding every chart
// for them takes seconds at 5,000 patients; so when a ward is built (for a
// full snapshot or a delta), each patient's DoseFacts are kept in the
// census table (the patient's doses column), a few hundred bytes: for each
// scheduled active order, its times of day, start and end, and the
// scheduled doses the snapshot documents (by the order's last dose or an
// administration naming it, matched by DocumentedDose). The kiosk lays the
// doses of any window with DueIn's rule (OrderDoses.Due), and documents
// those of the downtime journal the same way, without the chart.
//
// The doses documented are kept from Since on: doseFactsKept before the
// newest record of the order. A clock so far behind that the window it
// needs starts before Since reads the chart instead.

// doseFactsKept is how far before an order's newest record the doses it
// documents are kept in the census table.
const doseFactsKept = 4 * 24 * time.Hour

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
func EntryDocumentsDose(e JournalEntry, orderID string) (documents, given bool) {
	a := e.Medication
	if orderID == "" || a == nil || e.Superseded() || a.OrderID != orderID {
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

// doseFactsFormat is the first byte of the doses column; a column of
// another format is read as missing (the kiosk reads the chart).
const doseFactsFormat = 1

// encodeDoseFacts packs f for the doses column.
func encodeDoseFacts(f DoseFacts) []byte {
	b := []byte{doseFactsFormat}
	b = binary.AppendUvarint(b, uint64(len(f.Orders)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	tm := func(t time.Time) {
		if t.IsZero() {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	for _, o := range f.Orders {
		str(o.ID)
		str(o.Name)
		b = binary.AppendUvarint(b, uint64(len(o.Daily)))
		for _, c := range o.Daily {
			b = binary.AppendUvarint(b, uint64(c))
		}
		tm(o.Start)
		tm(o.End)
		tm(o.Since)
		b = binary.AppendUvarint(b, uint64(len(o.Documented)))
		var last int64
		for _, t := range o.Documented { // whole seconds, in time order
			b = binary.AppendVarint(b, t.Unix()-last)
			last = t.Unix()
		}
	}
	return b
}

var errDoseFacts = errors.New("unreadable dose facts")

// decodeDoseFacts reads a doses column.
func decodeDoseFacts(b []byte) (DoseFacts, error) {
	var f DoseFacts
	if len(b) == 0 || b[0] != doseFactsFormat {
		return f, errDoseFacts
	}
	b = b[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	tm := func() time.Time {
		if len(b) == 0 {
			bad = true
			return time.Time{}
		}
		set := b[0]
		b = b[1:]
		if set == 0 {
			return time.Time{}
		}
		sec := sv()
		ns := uv()
		if ns >= 1e9 {
			bad = true
		}
		return time.Unix(sec, int64(ns))
	}
	n := uv()
	if n > uint64(len(b)) {
		return DoseFacts{}, errDoseFacts
	}
	f.Orders = make([]OrderDoses, 0, n)
	for i := uint64(0); i < n && !bad; i++ {
		var o OrderDoses
		o.ID, o.Name = str(), str()
		nd := uv()
		if nd > 24*60 || nd > uint64(len(b)) {
			return DoseFacts{}, errDoseFacts
		}
		for range nd {
			if c := uv(); c < 24*60 {
				o.Daily = append(o.Daily, int(c))
			} else {
				bad = true
			}
		}
		o.Start, o.End, o.Since = tm(), tm(), tm()
		nt := uv()
		if nt > uint64(len(b)) {
			return DoseFacts{}, errDoseFacts
		}
		var last int64
		for range nt {
			last += sv()
			o.Documented = append(o.Documented, time.Unix(last, 0))
		}
		f.Orders = append(f.Orders, o)
	}
	if bad || len(b) != 0 {
		return DoseFacts{}, errDoseFacts
	}
	return f, nil
}
