package pack

import (
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The MAR grid: a row per active order, a column per hour of the 12 h
// after the data time. A scheduled dose is a shaded cell with its time;
// every cell is left blank for the nurse to write the time given and their
// initials. As-needed orders follow, then blank rows for orders written
// during the outage, then a key of initials, so that back-entry can tell
// who gave what.

const (
	hourW      = 9.6  // one hour's column, mm
	marRowMinH = 12.0 // room for a time and initials
	writeIns   = 3    // blank rows for new orders
)

// marInstructions is said above the grid.
const marInstructions = "Orders as in the snapshot at the data time: check for newer orders on paper. " +
	"Shaded cells are scheduled doses. In each cell write the time given and your initials; " +
	"a dose not given: write why."

// marKey explains the marks of doses recorded at the kiosk.
const marKey = "Recorded at the kiosk during downtime: G given · H held · R refused · P partial dose, with the time. " +
	"A dose held or refused was not given."

// noDoseDue is said of a scheduled order with no dose in the window.
const noDoseDue = "no dose due in these 12 h"

// grid is the MAR's columns: the hours from the one holding the data time
// until the window's end.
type grid struct {
	hours []time.Time // each column's first instant, local time
	descW float64
	heads [2]string // the description column's head, two lines (English)
}

func newGrid(from, to time.Time) grid {
	// The local hour itself: Truncate works on absolute time, which is
	// off by half an hour in some zones.
	y, m, dd := from.Local().Date()
	start := time.Date(y, m, dd, from.Local().Hour(), 0, 0, 0, time.Local)
	var g grid
	for h := start; h.Before(to); h = h.Add(time.Hour) {
		g.hours = append(g.hours, h)
	}
	g.descW = contentW - float64(len(g.hours))*hourW
	g.heads = [2]string{"Order: dose, route, schedule", "Last given"}
	return g
}

// column is the column whose hour holds t, or -1.
func (g grid) column(t time.Time) int {
	for i, h := range g.hours {
		if !t.Before(h) && t.Before(h.Add(time.Hour)) {
			return i
		}
	}
	return -1
}

func (d *doc) mar(pt Patient) {
	c := pt.Chart
	from := d.asOf
	to := from.Add(present.PackMARWindow)
	rows := present.MAR(c, pt.Downtime, from, to)
	g := newGrid(from, to)

	d.f.AddPage()
	d.text(present.MARTitle(from, to), "B", sizeTitle, 0)
	d.text(i18n.T(marInstructions), "", sizeBody, 0)
	d.text(i18n.T(marKey), "B", sizeBody, 0)
	d.f.Ln(1.5)
	d.gridHeader(g)

	scheduled, prn := 0, 0
	for _, r := range rows {
		if r.Order.PRN {
			prn++
		} else {
			scheduled++
		}
	}
	if len(rows) == 0 {
		empty := i18n.T("No active medication orders in the record.")
		if c.Medications.Status != clinical.Recorded {
			empty = present.EmptyOf(c.Medications, "medications")
		}
		d.gridNote(g, empty)
	}
	if c.Medications.Unreadable {
		d.gridNote(g, i18n.T(present.UnreadableSection))
	}
	prnTitled := false
	for _, r := range rows {
		if r.Order.PRN && !prnTitled {
			d.gridSubhead(g, i18n.T("As needed (PRN) – chart each dose given, with the reason"))
			prnTitled = true
		}
		d.gridRow(g, r, clinical.OrderEntries(r.Order, pt.Downtime))
	}
	d.gridSubhead(g, i18n.T("Orders written during downtime (write in: drug, dose, route, times, prescriber)"))
	for range writeIns {
		d.gridRow(g, present.MARRow{}, nil)
	}
	d.initialsKey()
}

// gridHeader draws the column heads: the date over its hours, then the
// hours.
func (d *doc) gridHeader(g grid) {
	f := d.f
	d.ensure(2*6 + marRowMinH)
	x0, y := margin, f.GetY()
	f.SetFillColor(225, 225, 225)
	d.font("B", sizeBody)
	f.SetXY(x0, y)
	f.CellFormat(g.descW, 12, "", "1", 0, "L", true, 0, "")
	f.SetXY(x0, y+0.8)
	f.CellFormat(g.descW, 5.2, paper.Printable(i18n.T(g.heads[0])), "", 2, "L", false, 0, "")
	f.CellFormat(g.descW, 5.2, paper.Printable(i18n.T(g.heads[1])), "", 0, "L", false, 0, "")
	// Dates over their hours.
	for i := 0; i < len(g.hours); {
		j := i
		for j < len(g.hours) && sameDate(g.hours[j], g.hours[i]) {
			j++
		}
		f.SetXY(x0+g.descW+float64(i)*hourW, y)
		label := g.hours[i].Format("02/01")
		if float64(j-i)*hourW < 12 {
			label = ""
		}
		f.CellFormat(float64(j-i)*hourW, 6, label, "1", 0, "C", true, 0, "")
		i = j
	}
	for i, h := range g.hours {
		f.SetXY(x0+g.descW+float64(i)*hourW, y+6)
		f.CellFormat(hourW, 6, h.Format("15"), "1", 0, "C", true, 0, "")
	}
	f.SetXY(x0, y+12)
}

func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// gridRow draws one order's row (or, for a zero row, a blank one to write
// in), starting a new page with the column heads when it does not fit.
// The doses recorded at the kiosk (recs, the order's entries) are marked
// in their hours; an hour is shaded while a dose due in it is still to
// give (see shaded).
func (d *doc) gridRow(g grid, r present.MARRow, recs []store.JournalEntry) {
	f := d.f
	var lines []string
	// A note under the order: why its times are not known (a warning), or
	// that none falls in these hours (information).
	var note string
	warn := false
	if r.Order.Name != "" {
		d.font("", sizeBody)
		lines = paper.Wrap(d.f, r.Line(), g.descW-2)
		if r.Unscheduled != "" {
			note, warn = i18n.T(r.Unscheduled), true
		} else if !r.Order.PRN && len(r.Due) == 0 {
			note = i18n.T(noDoseDue)
		}
		if nd := notGiven(r, recs); nd != "" {
			if note != "" {
				note += "\n"
			}
			note, warn = note+nd, true
		}
	}
	var noteLines []string
	if note != "" {
		d.font(paper.Style(warn), sizeBody)
		noteLines = paper.Wrap(d.f, note, g.descW-2)
	}
	lh := lineH(sizeBody)
	h := max(marRowMinH, float64(len(lines)+len(noteLines))*lh+2)
	// The hours: the doses due, and the doses recorded.
	due := make([][]time.Time, len(g.hours))
	for _, t := range r.Due {
		if i := g.column(t); i >= 0 {
			due[i] = append(due[i], t)
		}
	}
	marks := make([][]store.JournalEntry, len(g.hours))
	for _, e := range recs {
		if i := g.column(e.ClinicalTime); i >= 0 {
			marks[i] = append(marks[i], e)
		}
	}
	for i := range g.hours {
		h = max(h, 1+float64(min(len(due[i]), 2))*lineH(sizeSmall)+float64(len(marks[i]))*lineH(markSize))
	}
	if f.GetY()+h > bodyBottom {
		f.AddPage()
		d.gridHeader(g)
	}
	x0, y := margin, f.GetY()
	f.SetDrawColor(0, 0, 0)
	f.Rect(x0, y, g.descW, h, "D")
	d.font("", sizeBody)
	f.SetXY(x0, y+1)
	for _, l := range lines {
		f.SetX(x0)
		f.CellFormat(g.descW, lh, l, "", 1, "L", false, 0, "")
	}
	if len(noteLines) > 0 {
		d.font(paper.Style(warn), sizeBody)
		d.ink(80, 80, 80)
		if warn {
			d.ink(darkRed[0], darkRed[1], darkRed[2])
		}
		for _, l := range noteLines {
			f.SetX(x0)
			f.CellFormat(g.descW, lh, l, "", 1, "L", false, 0, "")
		}
		d.black()
	}
	// Shaded with the time where a dose due is still to give.
	f.SetFillColor(205, 205, 205)
	for i := range g.hours {
		x := x0 + g.descW + float64(i)*hourW
		if shaded(len(due[i]), marks[i]) {
			f.Rect(x, y, hourW, h, "FD")
		} else {
			f.Rect(x, y, hourW, h, "D")
		}
		d.font("B", sizeSmall)
		ty := y + 0.5
		for k, t := range due[i] {
			if k == 2 {
				break // a third dose in one hour does not fit; the first two show it
			}
			f.SetXY(x, ty)
			f.CellFormat(hourW, lineH(sizeSmall), present.Clock(t), "", 0, "C", false, 0, "")
			ty += lineH(sizeSmall)
		}
		for _, e := range marks[i] {
			s := doseMark(e)
			if a := e.Medication; a.Outcome == clinical.OutcomeHeld || a.Outcome == clinical.OutcomeRefused {
				d.ink(darkRed[0], darkRed[1], darkRed[2])
			}
			// The mark is never cut short: it takes a smaller type.
			size := markSize
			for d.font("", size); size > 5 && f.GetStringWidth(s) > hourW-0.3; d.font("", size) {
				size -= 0.5
			}
			f.SetXY(x, ty)
			f.CellFormat(hourW, lineH(markSize), s, "", 0, "C", false, 0, "")
			d.black()
			ty += lineH(markSize)
		}
	}
	f.SetXY(x0, y+h)
}

// shaded says whether an hour with due doses due and the marks recorded
// in it is shaded, a dose still to give: while fewer doses were given (G)
// or partly given (P) than are due. A dose held (H) or refused (R) was
// not given, and the hour stays shaded.
func shaded(due int, marks []store.JournalEntry) bool {
	given := 0
	for _, e := range marks {
		if o := e.Medication.Outcome; o == clinical.OutcomeGiven || o == clinical.OutcomePartial {
			given++
		}
	}
	return given < due
}

// markSize is the type size of a recorded dose in its hour.
const markSize = 8.0

// doseLetters are the marks of the outcomes, the letters the paper MAR
// sheet reads back (G, H, R), and P for a partial dose.
var doseLetters = map[string]string{
	clinical.OutcomeGiven:   "G",
	clinical.OutcomeHeld:    "H",
	clinical.OutcomeRefused: "R",
	clinical.OutcomePartial: "P",
}

// doseMark is a recorded dose in its hour: "G 08:05", "H 08:10".
func doseMark(e store.JournalEntry) string {
	l := doseLetters[e.Medication.Outcome]
	if l == "" {
		l = "?"
	}
	return l + " " + present.Clock(e.ClinicalTime)
}

// notGiven says, under the order, the newest dose recorded held or
// refused after the last dose given ("held 04:25 (recorded during
// downtime)"), so that "last given" is never read as the newest news.
func notGiven(r present.MARRow, recs []store.JournalEntry) string {
	var last *store.JournalEntry
	for i, e := range recs {
		o := e.Medication.Outcome
		if o != clinical.OutcomeHeld && o != clinical.OutcomeRefused || !e.ClinicalTime.After(r.LastGiven) {
			continue
		}
		if last == nil || e.ClinicalTime.After(last.ClinicalTime) {
			last = &recs[i]
		}
	}
	if last == nil {
		return ""
	}
	s := i18n.T(last.Medication.Outcome) + " " + present.DateTime(last.ClinicalTime)
	if why := last.Medication.Reason; why != "" {
		s += ": " + why
	}
	return s + i18n.T(" (recorded during downtime)")
}

// gridSubhead is a row across the grid naming the rows below it.
func (d *doc) gridSubhead(g grid, s string) {
	f := d.f
	if f.GetY()+7+marRowMinH > bodyBottom {
		f.AddPage()
		d.gridHeader(g)
	}
	d.font("B", sizeBody)
	f.SetFillColor(240, 240, 240)
	f.SetX(margin)
	f.CellFormat(contentW, 7, paper.Printable(s), "1", 1, "L", true, 0, "")
}

// gridNote is a row across the grid that says something instead of orders.
func (d *doc) gridNote(g grid, s string) {
	d.font("B", sizeBody)
	lines := paper.Wrap(d.f, s, contentW-2)
	h := float64(len(lines))*lineH(sizeBody) + 3
	f := d.f
	if f.GetY()+h > bodyBottom {
		f.AddPage()
		d.gridHeader(g)
	}
	y := f.GetY()
	f.Rect(margin, y, contentW, h, "D")
	f.SetY(y + 1.5)
	for _, l := range lines {
		f.SetX(margin)
		f.CellFormat(contentW, lineH(sizeBody), l, "", 1, "L", false, 0, "")
	}
	f.SetY(y + h)
}

// initialsKey is the table of who wrote which initials, under the grid
// when there is room for it.
func (d *doc) initialsKey() {
	const rows, rowH = 4, 7.0
	f := d.f
	need := 4 + float64(rows+1)*rowH
	if f.GetY()+need > bodyBottom {
		return
	}
	f.Ln(4)
	d.font("B", sizeBody)
	f.SetFillColor(225, 225, 225)
	widths := []float64{24, 80, 82}
	for i, head := range []string{i18n.T("Initials"), i18n.T("Name (print) and staff number"), i18n.T("Signature")} {
		f.CellFormat(widths[i], rowH, paper.Printable(head), "1", 0, "L", true, 0, "")

	}
	f.Ln(rowH)
	for range rows {
		for _, w := range widths {
			f.CellFormat(w, rowH, "", "1", 0, "L", false, 0, "")
		}
		f.Ln(rowH)
	}
}
