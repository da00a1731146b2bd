package kiosk

import (
	"errors"
	"image/color"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The paper MAR sheet: a whole shift of a paper medication record typed
// back in one go. One row per active order of the chart, one column per
// time a dose of some order was due in the shift; in each cell due, the
// code written on paper: G given, H held, R refused (then the reason), or
// nothing. Saving records one medication entry per filled cell, every one
// transcribed from the paper signed by the name typed, in one transaction:
// all are saved or none, and the cell that is wrong is outlined and named.

// paperMAR is the form of a paper MAR sheet.
func (f *entryForm) paperMAR() {
	f.title = i18n.T(present.PaperMARTitle)
	s := &marSheet{f: f, values: map[string]string{}, ids: map[string]string{}}
	for _, m := range orders(f.chart) {
		if m.Status == "active" {
			s.orders = append(s.orders, m)
		}
	}
	shift, day := present.ShiftAt(f.v.k.opt.Now())
	s.date = f.entry(i18n.T(present.SheetDateLabel), i18n.T("dd/mm/yyyy"))
	s.date.SetText(day.Format("02/01/2006"))
	s.date.OnChanged = func(string) { f.changed(); s.layout() }
	var labels []string
	for _, sh := range present.Shifts {
		labels = append(labels, i18n.T(sh.Label))
	}
	s.shift = newFormSelect(f.keys, labels, func(string) { f.changed(); s.layout() })
	s.shift.SetSelected(i18n.T(shift.Label))

	f.add(i18n.T(present.ShiftLabel), s.shift)
	s.signer = f.entry(i18n.T(present.SignedByLabel), i18n.T(present.SignedByHint))
	s.box = container.NewVBox()
	f.extra.Add(s.box)
	s.layout()
	f.first = s.date
	f.batch = s.entries
	f.mark = s.markEntry
	f.about = s.about
	f.notice = s.notice
}

// marSheet is the grid of a paper MAR sheet and what was typed in it.
type marSheet struct {
	f      *entryForm
	orders []clinical.Medication // the active orders: the rows
	date   *formEntry
	shift  *formSelect
	signer *formEntry
	box    *fyne.Container // holds the grid, laid out again for another shift

	from, to time.Time   // the shift shown
	times    []time.Time // the columns
	cells    [][]*marCell
	// values and ids are kept by cell (order and time), across shifts
	// and attempts: an entry keeps its UUID until it is saved.
	values map[string]string
	ids    map[string]string
	refs   []*marCell // the cell of each entry of the last attempt
	saved  string     // who signed the sheet last saved
}

// day is the date typed, or false.
func (s *marSheet) day() (time.Time, bool) {
	t, err := time.ParseInLocation("2/1/2006", strings.TrimSpace(s.date.Text), time.Local)
	return t, err == nil
}

func (s *marSheet) current() present.Shift {
	if i := s.shift.SelectedIndex(); i >= 0 && i < len(present.Shifts) {
		return present.Shifts[i]
	}
	return present.Shifts[0]
}

// dueIn is when order m was due in the shift shown, within its own start
// and end; ok is false when it has no fixed times.
func (s *marSheet) dueIn(m clinical.Medication) (due []time.Time, ok bool) {
	if _, ok := clinical.DailyTimes(m); !ok {
		return nil, false
	}
	for _, t := range clinical.ScheduledIn(m, s.from, s.to) {
		if (m.Start.IsZero() || !t.Before(m.Start)) && (m.End.IsZero() || t.Before(m.End)) {
			due = append(due, t)
		}
	}
	return due, true
}

// layout builds the grid for the date and shift chosen; while the date
// cannot be read, the grid shown stays.
func (s *marSheet) layout() {
	if s.box == nil || s.shift == nil {
		return
	}
	day, ok := s.day()
	if !ok && s.cells != nil {
		return
	}
	if !ok {
		day = s.f.v.k.opt.Now()
	}
	from, to := s.current().Span(day)
	if s.box.Objects != nil && from.Equal(s.from) && to.Equal(s.to) {
		return // the same shift: the cells stay as they are
	}
	s.from, s.to = from, to
	s.box.Objects = nil
	s.cells = nil
	if len(s.orders) == 0 {
		l := widget.NewLabel(i18n.T(present.NoActiveOrders))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		s.box.Add(l)
		s.box.Refresh()
		return
	}
	due := make([][]time.Time, len(s.orders))
	fixed := make([]bool, len(s.orders))
	s.times = nil
	for i, m := range s.orders {
		due[i], fixed[i] = s.dueIn(m)
		s.times = append(s.times, due[i]...)
	}
	slices.SortFunc(s.times, func(a, b time.Time) int { return a.Compare(b) })
	s.times = slices.CompactFunc(s.times, func(a, b time.Time) bool { return a.Equal(b) })

	head := []fyne.CanvasObject{boldLabel(i18n.T(present.OrderColumn))}
	for _, t := range s.times {
		l := boldLabel(present.Clock(t))
		l.Alignment = fyne.TextAlignCenter
		head = append(head, l)
	}
	s.box.Add(container.New(&sheetRow{}, head...))
	s.box.Add(widget.NewSeparator())
	for i, m := range s.orders {
		// The name, and under it the dose and route, in one widget: two
		// labels would each take their padding, and the rows get tall.
		name := widget.NewRichText(
			&widget.TextSegment{Text: m.Name, Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Bold: true}}},
			&widget.TextSegment{Text: present.DoseAndRoute(m), Style: widget.RichTextStyle{}})
		name.Truncation = fyne.TextTruncateEllipsis
		row := []fyne.CanvasObject{name}
		cells := make([]*marCell, len(s.times))
		switch {
		case !fixed[i]:
			l := widget.NewLabel(i18n.T(present.NoFixedTimes))
			l.Truncation = fyne.TextTruncateEllipsis
			l.TextStyle.Italic = true
			row = append(row, l)
		default:
			for c, t := range s.times {
				if !slices.ContainsFunc(due[i], t.Equal) {
					l := widget.NewLabel(present.NoDoseInShift)
					l.Alignment = fyne.TextAlignCenter
					l.Importance = widget.LowImportance
					row = append(row, container.NewCenter(l))
					continue
				}
				cell := newMarCell(s, len(s.cells), c, m, t)
				cells[c] = cell
				row = append(row, cell.content)
			}
		}
		s.cells = append(s.cells, cells)
		s.box.Add(container.New(&sheetRow{}, row...))
	}
	s.box.Refresh()
	if s.f.box != nil { // laid out again, not first
		s.f.box.Refresh()
	}
}

func boldLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// cellKey names a cell by its order and time, whatever the grid shown.
func cellKey(m clinical.Medication, t time.Time) string {
	return m.Source.ID + "@" + t.UTC().Format(time.RFC3339)
}

// entries makes one entry per filled cell, or says what is wrong and where.
func (s *marSheet) entries() ([]clinical.Entry, error) {
	if _, ok := s.day(); !ok {
		return nil, &fieldError{sentence: i18n.T(present.SheetDateFormat), mark: func() { s.f.v.k.win.Canvas().Focus(s.date) }}
	}
	s.layout()
	signer := strings.TrimSpace(s.signer.Text)
	if signer == "" {
		return nil, &fieldError{sentence: i18n.T(present.SheetSignedBy), mark: func() { s.f.v.k.win.Canvas().Focus(s.signer) }}
	}
	if len(s.orders) == 0 {
		return nil, errors.New(i18n.T(present.NoActiveOrders))
	}
	var out []clinical.Entry
	s.refs = nil
	for _, row := range s.cells {
		for _, cell := range row {
			if cell == nil || strings.TrimSpace(cell.Text) == "" {
				continue
			}
			e, err := s.entry(cell, signer)
			if err != nil {
				return nil, &fieldError{sentence: present.InCell(cell.order.Name, cell.at, err.Error()), mark: func() { s.highlight(cell) }}
			}
			out = append(out, e)
			s.refs = append(s.refs, cell)
		}
	}
	if len(out) == 0 {
		return nil, errors.New(i18n.T(present.NothingFilled))
	}
	s.saved = signer
	return out, nil
}

// entry is the medication entry of one filled cell.
func (s *marSheet) entry(cell *marCell, signer string) (clinical.Entry, error) {
	outcome, reason, ok := parseCell(cell.Text)
	if !ok {
		return clinical.Entry{}, errors.New(i18n.T(present.CellFormat))
	}
	m := cell.order
	a := &clinical.Administered{Outcome: outcome, Medication: m.Name, OrderID: m.Source.ID, Route: strings.TrimSpace(m.Route), Reason: reason}
	if outcome == clinical.OutcomeGiven {
		q, err := parseDose(m.Dose)
		if err != nil || q == nil || !startsWithLetter(q.Unit) {
			return clinical.Entry{}, errors.New(present.UnreadableOrderDose(m.Dose))
		}
		a.Dose = q
	}
	id := s.ids[cell.key]
	if id == "" {
		u, err := uuid.NewRandom()
		if err != nil {
			return clinical.Entry{}, err
		}
		id = u.String()
		s.ids[cell.key] = id
	}
	return clinical.Entry{ID: id, Kind: clinical.KindMedication, Patient: s.f.patient(), ClinicalTime: cell.at, Medication: a,
		Transcription: &clinical.Transcription{FromPaperSignedBy: signer}}, nil
}

func startsWithLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}

// parseCell reads a cell: G, H or R (or the word), then for H and R the
// reason: "R nauseous", "h: nil by mouth".
func parseCell(text string) (outcome, reason string, ok bool) {
	text = strings.TrimSpace(text)
	i := strings.IndexAny(text, " :,;-/")
	code, rest := text, ""
	if i >= 0 {
		code, rest = text[:i], strings.TrimLeft(text[i:], " :,;-/")
	}
	switch strings.ToLower(code) {
	case "g", "given":
		outcome = clinical.OutcomeGiven
	case "h", "held":
		outcome = clinical.OutcomeHeld
	case "r", "refused":
		outcome = clinical.OutcomeRefused
	default:
		return "", "", false
	}
	return outcome, strings.TrimSpace(rest), true
}

// markEntry outlines the cell of entry i, and only that one (none for -1).
func (s *marSheet) markEntry(i int) {
	for _, row := range s.cells {
		for _, c := range row {
			if c != nil {
				c.setWrong(false)
			}
		}
	}
	if i >= 0 && i < len(s.refs) {
		s.highlight(s.refs[i])
	}
}

func (s *marSheet) highlight(c *marCell) {
	c.setWrong(true)
	s.f.v.k.win.Canvas().Focus(c)
}

// about names the cell of entry i in a sentence.
func (s *marSheet) about(i int, sentence string) string {
	if i < 0 || i >= len(s.refs) {
		return sentence
	}
	return present.InCell(s.refs[i].order.Name, s.refs[i].at, sentence)
}

func (s *marSheet) notice(saved []clinical.Entry) string {
	return present.SavedSheet(len(saved), s.saved, s.from, s.to)
}

// move puts the focus on the next cell up or down (the same time), or
// left or right (in reading order, on to the next row).
func (s *marSheet) move(from *marCell, rows, cols int) {
	if rows != 0 {
		for r := from.row + rows; r >= 0 && r < len(s.cells); r += rows {
			if c := s.cells[r][from.col]; c != nil {
				s.f.v.k.win.Canvas().Focus(c)
				return
			}
		}
		return
	}
	var flat []*marCell
	at := -1
	for _, row := range s.cells {
		for _, c := range row {
			if c != nil {
				if c == from {
					at = len(flat)
				}
				flat = append(flat, c)
			}
		}
	}
	if next := at + cols; at >= 0 && next >= 0 && next < len(flat) {
		s.f.v.k.win.Canvas().Focus(flat[next])
	}
}

// marCell is one cell of the sheet where a dose was due.
type marCell struct {
	widget.Entry
	sheet    *marSheet
	row, col int
	order    clinical.Medication
	at       time.Time
	key      string
	frame    *canvas.Rectangle
	content  fyne.CanvasObject
	wrong    bool
}

func newMarCell(s *marSheet, row, col int, m clinical.Medication, at time.Time) *marCell {
	c := &marCell{sheet: s, row: row, col: col, order: m, at: at, key: cellKey(m, at),
		frame: canvas.NewRectangle(color.Transparent)}
	c.ExtendBaseWidget(c)
	c.SetText(s.values[c.key])
	c.OnChanged = func(text string) {
		s.values[c.key] = text
		c.setWrong(false)
		s.f.changed()
	}
	// The cell keeps its height, in the middle of a row as tall as the
	// order's two lines.
	c.content = container.NewVBox(layout.NewSpacer(), container.NewStack(c.frame, container.NewPadded(c)), layout.NewSpacer())
	return c
}

// setWrong outlines the cell in red, or not.
func (c *marCell) setWrong(wrong bool) {
	if c.wrong == wrong {
		return
	}
	c.wrong = wrong
	c.frame.FillColor = color.Transparent
	if wrong {
		c.frame.FillColor = colourRed
	}
	c.frame.Refresh()
}

func (c *marCell) TypedKey(ev *fyne.KeyEvent) {
	keys := c.sheet.f.keys
	switch ev.Name {
	case fyne.KeyEscape:
		keys.cancel()
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		keys.submit()
		return
	case fyne.KeyUp:
		c.sheet.move(c, -1, 0)
		return
	case fyne.KeyDown:
		c.sheet.move(c, 1, 0)
		return
	case fyne.KeyLeft:
		if c.CursorColumn == 0 {
			c.sheet.move(c, 0, -1)
			return
		}
	case fyne.KeyRight:
		if c.CursorColumn >= len([]rune(c.Text)) {
			c.sheet.move(c, 0, 1)
			return
		}
	}
	c.Entry.TypedKey(ev)
}

func (c *marCell) TypedShortcut(sc fyne.Shortcut) {
	if sc.ShortcutName() == lockShortcut.ShortcutName() {
		c.sheet.f.keys.lock()
		return
	}
	c.Entry.TypedShortcut(sc)
}

// sheetRow lays out a row of the sheet: the order, wide, then the cells,
// sharing the rest of the width alike.
type sheetRow struct{}

const (
	sheetNameWidth = 260
	sheetCellWidth = 86
)

func (sheetRow) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var h float32
	for _, o := range objects {
		h = max(h, o.MinSize().Height)
	}
	n := float32(len(objects) - 1)
	return fyne.NewSize(sheetNameWidth+n*(sheetCellWidth+pad), h)
}

func (sheetRow) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if len(objects) == 0 {
		return
	}
	pad := theme.Padding()
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(sheetNameWidth, size.Height))
	n := float32(len(objects) - 1)
	if n == 0 {
		return
	}
	w := max(sheetCellWidth, (size.Width-sheetNameWidth)/n-pad)
	x := float32(sheetNameWidth) + pad
	for _, o := range objects[1:] {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}
