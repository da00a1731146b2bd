package fleet

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Level is how ready a kiosk is for an outage.
type Level int

// The levels, worst last.
const (
	Green Level = iota // ready
	Amber              // look at it today
	Red                // not ready: act now
)

func (l Level) String() string { return [...]string{"green", "amber", "red"}[l] }

// Thresholds say when a kiosk turns amber and red. Zero fields take the
// defaults (DefaultThresholds).
type Thresholds struct {
	DataAmber, DataRed     time.Duration // the age of its newest data
	SilentAmber, SilentRed time.Duration // since its last heartbeat
	ClockAmber, ClockRed   time.Duration // its clock's offset from the hub's, either way
	DiskAmber, DiskRed     uint64        // bytes free
}

// DefaultThresholds: data under 60 s old is the fleet's target, so two
// minutes is amber and fifteen (when the kiosk's own banner turns amber)
// red; a kiosk heard from within five minutes is alive; a clock a minute
// off misdates what nurses record.
var DefaultThresholds = Thresholds{
	DataAmber: 2 * time.Minute, DataRed: 15 * time.Minute,
	SilentAmber: 5 * time.Minute, SilentRed: 15 * time.Minute,
	ClockAmber: time.Minute, ClockRed: 5 * time.Minute,
	DiskAmber: 2 << 30, DiskRed: 500 << 20,
}

func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds
	t.DataAmber, t.DataRed = cmp.Or(t.DataAmber, d.DataAmber), cmp.Or(t.DataRed, d.DataRed)
	t.SilentAmber, t.SilentRed = cmp.Or(t.SilentAmber, d.SilentAmber), cmp.Or(t.SilentRed, d.SilentRed)
	t.ClockAmber, t.ClockRed = cmp.Or(t.ClockAmber, d.ClockAmber), cmp.Or(t.ClockRed, d.ClockRed)
	t.DiskAmber, t.DiskRed = cmp.Or(t.DiskAmber, d.DiskAmber), cmp.Or(t.DiskRed, d.DiskRed)
	return t
}

// Finding is one thing wrong with a kiosk: an English format (a message
// of the board's catalogue) and its arguments, and its level.
type Finding struct {
	Level  Level
	Format string
	Args   []any
}

// English is the finding in English.
func (f Finding) English() string { return fmt.Sprintf(f.Format, f.Args...) }

// The findings' formats, as the board and `hub status` say them.
const (
	FindNeverHeard   = "No heartbeat since it was enrolled."
	FindSilent       = "No heartbeat for %d min."
	FindNoData       = "Holds no snapshot."
	FindDataOld      = "Its data is %d min old."
	FindSelfCheck    = "Its self-check failed: %s"
	FindNoSelfCheck  = "It has not checked its snapshots in the last 48 h."
	FindClock        = "Its clock is %d s off the hub's."
	FindDisk         = "Only %d MB free on its disk."
	FindUnreconciled = "%d downtime entries not reconciled yet."
	FindNoJournal    = "Its downtime journal could not be read."
)

// What the board says of the hub's pulls from the EHR.
const (
	EHRNever   = "The hub has not pulled from the EHR yet."
	EHRPulled  = "The hub last pulled from the EHR at %s."
	EHRFailing = "The hub cannot reach the EHR since %s (%d pulls failed): the kiosks keep the last good data."
)

// Row is one kiosk on the board.
type Row struct {
	Kiosk, Ward, WardName string
	Level                 Level
	Findings              []Finding
	Latest                *Received // nil when never heard from
	DataAge               time.Duration
	Silent                time.Duration // since the last heartbeat
}

// Assess says how ready each enrolled kiosk is at now, the least ready
// first (then by ward and kiosk).
func Assess(enrolled []Enrolled, latest map[string]Received, now time.Time, t Thresholds) []Row {
	t = t.withDefaults()
	rows := make([]Row, 0, len(enrolled))
	for _, e := range enrolled {
		r := Row{Kiosk: e.Kiosk, Ward: e.Ward, WardName: e.WardName}
		add := func(l Level, format string, args ...any) {
			r.Findings = append(r.Findings, Finding{Level: l, Format: format, Args: args})
			r.Level = max(r.Level, l)
		}
		rec, ok := latest[e.Kiosk]
		if !ok {
			add(Red, FindNeverHeard)
			rows = append(rows, r)
			continue
		}
		r.Latest = &rec
		r.Silent = max(0, now.Sub(rec.At))
		switch {
		case r.Silent >= t.SilentRed:
			add(Red, FindSilent, int(r.Silent.Minutes()))
		case r.Silent >= t.SilentAmber:
			add(Amber, FindSilent, int(r.Silent.Minutes()))
		}
		// Its data's age now, on the hub's clock: the data's time is the
		// hub's own (the manifest it sealed), so the kiosk's clock, which
		// may be off, takes no part.
		if rec.Generation == 0 || rec.DataAsOf.IsZero() {
			add(Red, FindNoData)
		} else {
			r.DataAge = max(0, now.Sub(rec.DataAsOf))
			switch {
			case r.DataAge >= t.DataRed:
				add(Red, FindDataOld, int(r.DataAge.Minutes()))
			case r.DataAge >= t.DataAmber:
				add(Amber, FindDataOld, int(r.DataAge.Minutes()))
			}
		}
		switch {
		case rec.SelfCheck != "":
			add(Red, FindSelfCheck, rec.SelfCheck)
		case rec.SelfCheckAt.IsZero() || rec.Sent.Sub(rec.SelfCheckAt) > 48*time.Hour:
			add(Amber, FindNoSelfCheck)
		}
		off := rec.ClockOffset()
		switch abs := max(off, -off); {
		case abs >= t.ClockRed:
			add(Red, FindClock, int(off.Seconds()))
		case abs >= t.ClockAmber:
			add(Amber, FindClock, int(off.Seconds()))
		}
		if free := rec.FreeDisk; free != nil { // not told: not judged
			switch mb := int(*free >> 20); {
			case *free < t.DiskRed:
				add(Red, FindDisk, mb)
			case *free < t.DiskAmber:
				add(Amber, FindDisk, mb)
			}
		}
		// A journal the kiosk could not read (-1) hides entries that may
		// wait, and the documentation of the next outage: never green.
		switch {
		case rec.Unreconciled > 0:
			add(Amber, FindUnreconciled, rec.Unreconciled)
		case rec.Unreconciled < 0:
			add(Amber, FindNoJournal)
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(a.Ward, b.Ward), cmp.Compare(a.Kiosk, b.Kiosk))
	})
	return rows
}

// Count is how many rows are at each level (indexed by Level).
func Count(rows []Row) (n [3]int) {
	for _, r := range rows {
		n[r.Level]++
	}
	return n
}

// Worst is the least ready level of the rows (Green for none).
func Worst(rows []Row) Level {
	w := Green
	for _, r := range rows {
		w = max(w, r.Level)
	}
	return w
}

// Progress is how far a ward's journals handed in to the hub are
// reconciled into the EHR: the entries handed in, and those not yet in a
// final state (to push, or waiting for a person).
type Progress struct {
	HandedIn int64 `json:"handedIn"`
	Pending  int64 `json:"pending"`
}
