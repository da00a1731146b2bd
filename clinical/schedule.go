package clinical

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The schedule of a medication order: when its doses fall, and which dose
// an administration documents. The chart's MAR (app/present), the printed
// and paper MARs and the census's next-dose and overdue columns (DoseFacts,
// computed when a ward is built) all lay doses with these functions.

// DailyTimes are the clock times (minutes after midnight) at which an order
// is given every day. ok is false for an order with no fixed times: as
// needed, an interval that does not divide the day, or no timing at all.
//
// Fixed times of day are used as the order gives them. An interval is laid
// on the ward's usual grid: every 12 h or daily at 08:00 (and 20:00), other
// intervals from 06:00 (every 8 h: 06:00, 14:00, 22:00; every 6 h: 00:00,
// 06:00, 12:00, 18:00); twice a day is 08:00 and 20:00, 3 times 06:00,
// 14:00 and 22:00.
func DailyTimes(m Medication) (times []int, ok bool) {
	if m.PRN {
		return nil, false
	}
	t := m.Timing
	if len(t.TimesOfDay) > 0 {
		for _, s := range t.TimesOfDay {
			c, err := clockMinutes(s)
			if err != nil {
				return nil, false
			}
			times = append(times, c)
		}
		slices.Sort(times)
		return slices.Compact(times), true
	}
	f := max(t.Frequency, 1)
	var hours float64
	switch {
	case t.PeriodUnit == "h" && t.Period > 0:
		hours = t.Period / float64(f)
	case t.PeriodUnit == "d" && t.Period == 1:
		switch f {
		case 2:
			return []int{8 * 60, 20 * 60}, true
		case 3:
			return []int{6 * 60, 14 * 60, 22 * 60}, true
		}
		hours = 24 / float64(f)
	default:
		return nil, false
	}
	step := int(hours * 60)
	if step < 60 || float64(step) != hours*60 || (24*60)%step != 0 {
		return nil, false
	}
	anchor := (6 * 60) % step
	if step >= 12*60 {
		anchor = 8 * 60
	}
	for c := anchor % step; c < 24*60; c += step {
		times = append(times, c)
	}
	return times, true
}

func clockMinutes(s string) (int, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return 0, fmt.Errorf("not a clock time: %q", s)
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("not a clock time: %q", s)
	}
	return h*60 + m, nil
}

// ScheduledIn lists when an order is due from from (included) to to (not
// included), in local time; nil for an order with no fixed times.
func ScheduledIn(m Medication, from, to time.Time) []time.Time {
	times, ok := DailyTimes(m)
	if !ok {
		return nil
	}
	return scheduledIn(times, from, to)
}

// scheduledIn lays the clock times daily (minutes after midnight, local
// time) on [from, to).
func scheduledIn(daily []int, from, to time.Time) []time.Time {
	var out []time.Time
	from, to = from.Local(), to.Local()
	y, mo, d := from.Date()
	for day := time.Date(y, mo, d-1, 0, 0, 0, 0, time.Local); !day.After(to); day = day.AddDate(0, 0, 1) {
		y, mo, d := day.Date()
		for _, c := range daily {
			t := time.Date(y, mo, d, c/60, c%60, 0, 0, time.Local)
			if !t.Before(from) && t.Before(to) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// ScheduleGap says why a scheduled order has no dose times in a window.
type ScheduleGap int

const (
	ScheduleKnown    ScheduleGap = iota // the times are known (none may fall in the window)
	ScheduleNoTiming                    // no structured schedule in the order
	ScheduleOffGrid                     // not at fixed times of the day
	ScheduleEnded                       // the order ended before the window
	ScheduleNotBegun                    // the order starts after the window
)

// DueIn is when a scheduled order's doses fall in [from, to), within the
// order's own start and end, or why they are not known.
func DueIn(m Medication, from, to time.Time) ([]time.Time, ScheduleGap) {
	daily, ok := DailyTimes(m)
	if !ok {
		if len(m.Timing.TimesOfDay) == 0 && (m.Timing.Period <= 0 || m.Timing.PeriodUnit == "") {
			return nil, ScheduleNoTiming
		}
		return nil, ScheduleOffGrid
	}
	return dueIn(daily, m.Start, m.End, from, to)
}

// dueIn is DueIn for an order given at the clock times daily from start
// to end (either zero: open).
func dueIn(daily []int, start, end, from, to time.Time) ([]time.Time, ScheduleGap) {
	if !start.IsZero() && from.Before(start) {
		from = start
	}
	if !end.IsZero() && to.After(end) {
		to = end
	}
	switch {
	case !end.IsZero() && !end.After(from):
		return nil, ScheduleEnded
	case !from.Before(to):
		return nil, ScheduleNotBegun
	}
	// scheduledIn steps through the days at from's time of day, which
	// misses the last day when to falls earlier in its day than from (a
	// window from 21:00 to 09:00); asked from midnight, it visits every day.
	y, mo, d := from.Local().Date()
	var due []time.Time
	for _, t := range scheduledIn(daily, time.Date(y, mo, d, 0, 0, 0, 0, time.Local), to) {
		if !t.Before(from) {
			due = append(due, t)
		}
	}
	return due, ScheduleKnown
}

// DoseMatchSpan is the furthest an administration may be from a scheduled
// dose and still document it.
const DoseMatchSpan = 12 * time.Hour

// DocumentedDose is the index in times (in time order) of the dose that an
// administration at t documents: the nearest (the earlier of two at the
// same distance, a late dose being likelier than an early one), when it is
// within DoseMatchSpan; -1 when none is.
func DocumentedDose(times []time.Time, t time.Time) int {
	if len(times) == 0 {
		return -1
	}
	i := sort.Search(len(times), func(i int) bool { return !times[i].Before(t) })
	switch {
	case i == len(times):
		i--
	case i > 0 && t.Sub(times[i-1]).Abs() <= times[i].Sub(t).Abs():
		i--
	}
	if t.Sub(times[i]).Abs() > DoseMatchSpan {
		return -1
	}
	return i
}

// When a scheduled dose is due, and when it is overdue, at the kiosk's
// clock (during an outage a nurse needs what is due now, not what was due
// at the data time). A dose documented given is given; one documented
// held, refused or not done is not given, and never overdue (someone
// decided, and giving it now could be wrong). A dose nothing documents
// is, at now:
//   - due: within DueWindow of now, before or after (the usual rule that a
//     dose may be given half an hour either side of its time);
//   - overdue: more than DueWindow in the past; the MAR and the census
//     look OverdueLookback back (older missed doses are the next dose's
//     concern);
//   - upcoming: more than DueWindow ahead.
// Which record documents a dose is DocumentingRecords'.

// DueWindow is how far either side of its time a dose counts as due.
const DueWindow = 30 * time.Minute

// OverdueLookback is how far back the MAR and the census look for doses
// not documented.
const OverdueLookback = 12 * time.Hour

// MARAhead is how far ahead of now the MAR shows the scheduled doses, and
// the census looks for the next one.
const MARAhead = 24 * time.Hour

// DoseState is where a scheduled dose stands at a given time.
type DoseState int

const (
	DoseUpcoming DoseState = iota
	DoseDue
	DoseOverdue
	DoseGiven
	DoseNotGiven // documented held, refused or not done
)

// StateOfDose is where the dose scheduled at t stands at now: documented
// says that a record documents it, given that the record says it was
// given (in full or in part).
func StateOfDose(t time.Time, documented, given bool, now time.Time) DoseState {
	switch {
	case documented && given:
		return DoseGiven
	case documented:
		return DoseNotGiven
	case t.Before(now.Add(-DueWindow)):
		return DoseOverdue
	case !t.After(now.Add(DueWindow)):
		return DoseDue
	}
	return DoseUpcoming
}

// DocumentingRecords says which of records documents each dose of times
// (an order's schedule, in time order): a record documents the dose
// nearest to it, if any (DocumentedDose), and of several records of one
// dose, one given counts before one not given, then the nearest to the
// dose's time (the first of equals). For each time it gives the index of
// its record, or -1.
func DocumentingRecords(times []time.Time, records []DoseDocument) []int {
	documented := make([]int, len(times))
	for j := range documented {
		documented[j] = -1
	}
	for i, r := range records {
		j := DocumentedDose(times, r.Time)
		if j < 0 {
			continue
		}
		if k := documented[j]; k < 0 || (r.Given && !records[k].Given) ||
			(r.Given == records[k].Given && r.Time.Sub(times[j]).Abs() < records[k].Time.Sub(times[j]).Abs()) {
			documented[j] = i
		}
	}
	return documented
}

// LastGiven is when an order was last given: the snapshot's last dose, or
// a later dose recorded given (in full or in part) during downtime,
// matched by the order's id; inDowntime says the journal's was the newer.
// Corrected and cancelled entries do not count.
func LastGiven[J any, P Journaled[J]](m Medication, entries []J) (last time.Time, inDowntime bool) {
	last = m.LastGiven
	for _, e := range entries {
		if _, given := EntryDocumentsDose[J, P](e, m.Source.ID); given {
			if t := P(&e).Documented().ClinicalTime; t.After(last) {
				last, inDowntime = t, true
			}
		}
	}
	return last, inDowntime
}

// OrderEntries are the downtime entries that document a dose of order m,
// whatever its outcome: medication entries naming the order's id that
// still hold (corrected and cancelled ones do not). An order without an id
// has none: a dose is never matched to an order by its name alone.
func OrderEntries[J any, P Journaled[J]](m Medication, entries []J) []J {
	if m.Source.ID == "" {
		return nil
	}
	var out []J
	for i := range entries {
		p := P(&entries[i])
		if a := p.Documented().Medication; a != nil && !p.Superseded() && a.OrderID == m.Source.ID {
			out = append(out, entries[i])
		}
	}
	return out
}
