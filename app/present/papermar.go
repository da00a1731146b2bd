package present

import (
	"strings"
	"time"

	"lifeboat/app/i18n"
)

// A paper MAR sheet is transcribed a shift at a time: one row per active
// order, one column per scheduled time of the shift, and in each cell the
// code the nurse wrote on paper.

// Shift is a nursing shift: it starts at Start o'clock and lasts Hours.
type Shift struct {
	Label string
	Start int
	Hours int
}

// Shifts are the three shifts of a day, in order.
var Shifts = []Shift{{"07:00–15:00", 7, 8}, {"15:00–23:00", 15, 8}, {"23:00–07:00 (night)", 23, 8}}

// Span is when the shift that starts on day (a local date) begins and ends.
func (s Shift) Span(day time.Time) (from, to time.Time) {
	y, m, d := day.Date()
	from = time.Date(y, m, d, s.Start, 0, 0, 0, time.Local)
	return from, time.Date(y, m, d, s.Start+s.Hours, 0, 0, 0, time.Local)
}

// ShiftAt is the shift under way at t and the day it started on.
func ShiftAt(t time.Time) (Shift, time.Time) {
	t = t.Local()
	for _, back := range []int{0, -1} {
		day := t.AddDate(0, 0, back)
		for _, s := range Shifts {
			if from, to := s.Span(day); !t.Before(from) && t.Before(to) {
				return s, day
			}
		}
	}
	return Shifts[0], t
}

// Clock is a time as a MAR column reads it: "08:00".
func Clock(t time.Time) string { return t.Local().Format("15:04") }

// Words of the paper MAR sheet.
const (
	PaperMARTitle  = "Paper MAR sheet: the doses of one shift, from paper"
	PaperMARKeys   = "In each cell: G given · H held · R refused, then for H and R the reason (“R nauseous”) · empty: nothing written · Tab or arrows: next cell · Enter: save the sheet · Esc: cancel"
	SheetDateLabel = "Date the shift started (dd/mm/yyyy)"
	ShiftLabel     = "Shift"
	OrderColumn    = "Active order"
	// NoFixedTimes stands in a row of an order with no fixed times.
	NoFixedTimes  = "No fixed times (as needed, or not stated): use “Record a dose”."
	NoDoseInShift = "–"
	// NoActiveOrders is said when the sheet has no rows.
	NoActiveOrders  = "This patient has no active medication orders in the snapshot: record each dose with “Record a dose”."
	NothingFilled   = "Nothing to save: type G, H or R in the cells of the doses written on the paper sheet."
	CellFormat      = "use G (given), H (held) or R (refused), and for H and R the reason, like “R nauseous”; or leave the cell empty"
	SheetDateFormat = "Write the date the shift started as dd/mm/yyyy, like 26/11/2026."
	SheetSignedBy   = "Write who signed the paper MAR sheet."
)

// CellName names a cell of the sheet in a sentence: "Paracetamol 1 g
// tablet at 08:00".
func CellName(order string, t time.Time) string { return i18n.F("%s at %s", order, Clock(t)) }

// InCell is a sentence about one cell: "Paracetamol 1 g tablet at 08:00: a
// held dose needs the reason."
func InCell(order string, t time.Time, sentence string) string {
	return CellName(order, t) + ": " + strings.TrimSuffix(lowerFirst(strings.TrimSpace(sentence)), ".") + "."
}

// UnreadableOrderDose is said of a given dose whose order's dose is not an
// amount and a unit.
func UnreadableOrderDose(dose string) string {
	if strings.TrimSpace(dose) == "" {
		return i18n.T("the order gives no dose: record this one with “Record a dose”")
	}
	return i18n.F("the order's dose “%s” is not one amount and unit: record this one with “Record a dose”", dose)
}

// SavedSheet confirms a transcribed sheet: how many entries were saved.
func SavedSheet(n int, signer string, from, to time.Time) string {
	format := "Saved: %d administrations from the paper MAR signed by %s (%s %s–%s)."
	if n == 1 {
		format = "Saved: %d administration from the paper MAR signed by %s (%s %s–%s)."
	}
	return i18n.F(format, n, signer, from.Local().Format("02/01/2006"), Clock(from), Clock(to))

}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' { // an acronym: "SpO2", "BP"
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
