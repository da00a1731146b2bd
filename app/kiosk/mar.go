package kiosk

import (
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The Medications / MAR tab: for each active order its doses from 12 h
// before now to 24 h after (present.NewMARView decides which are due,
// overdue, upcoming, given or not given), each a cell with its date, time
// and state in words and colour; the last dose given, with its date; what
// was recorded for the order during downtime, with who and when; then the
// orders without fixed times, those as needed, what else was recorded
// during downtime and the orders not to give.

var (
	colourOverdue  = color.NRGBA{R: 0xff, G: 0xcd, B: 0xd2, A: 0xff} // red, light
	colourDue      = color.NRGBA{R: 0xff, G: 0xe0, B: 0xb2, A: 0xff} // orange, light
	colourUpcoming = color.NRGBA{R: 0xf5, G: 0xf5, B: 0xf5, A: 0xff} // near white
	colourGiven    = color.NRGBA{R: 0xc8, G: 0xe6, B: 0xc9, A: 0xff} // green, light
	colourBorder   = color.NRGBA{R: 0x75, G: 0x75, B: 0x75, A: 0xff}
)

// marSignature is the MAR's doses and their states at now: when it
// changes, the MAR on screen is out of date.
func marSignature(v present.MARView, now time.Time) string {
	var b strings.Builder
	for _, o := range v.Scheduled {
		b.WriteString(o.Order.Source.ID)
		for _, d := range o.Doses {
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(d.Time.Unix(), 36))
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(int(d.State(now))))
		}
		b.WriteByte(';')
	}
	return b.String()
}

// marContent is the MAR tab's content.
func marContent(c *clinical.Chart, v present.MARView, now time.Time, journalOK bool) fyne.CanvasObject {
	box := container.NewVBox(tabHeading(present.MARHeading(v)))
	if c.Medications.Unreadable || c.Administrations.Unreadable {
		box.Add(wrappedLabel(i18n.T(present.UnreadableSection), widget.DangerImportance))
	}
	if !journalOK {
		box.Add(wrappedLabel(i18n.T(present.JournalUnreadable), widget.DangerImportance))
	}
	summary := wrappedLabel(present.MARSummary(v, now), widget.MediumImportance)
	summary.TextStyle.Bold = true
	if v.Overdue(now) > 0 {
		summary.Importance = widget.DangerImportance
	}
	box.Add(summary)
	rule := wrappedLabel(i18n.T(present.MARRule), widget.MediumImportance)
	rule.TextStyle.Italic = true
	box.Add(rule)

	var reflow func() // set once the scroll is made
	var scheduled, unscheduled []present.MAROrder
	for _, o := range v.Scheduled {
		if o.Unscheduled == present.NoTiming || o.Unscheduled == present.OffTheGrid {
			unscheduled = append(unscheduled, o)
		} else {
			scheduled = append(scheduled, o)
		}
	}
	if len(v.Scheduled) == 0 && len(v.PRN) == 0 {
		empty := i18n.T(present.MARNoActiveOrders)
		if len(c.Medications.Items) == 0 {
			empty = present.EmptyOf(c.Medications, "medications")
		}
		l := wrappedLabel(empty, widget.MediumImportance)
		l.TextStyle.Italic = true
		box.Add(l)
	}
	if len(scheduled) > 0 {
		box.Add(sectionTitle(i18n.T(present.MARScheduledTitle)))
		for _, o := range scheduled {
			box.Add(orderBox(o, now, &reflow))
		}
	}
	if len(unscheduled) > 0 {
		box.Add(sectionTitle(i18n.T(present.MARUnscheduledTitle)))
		for _, o := range unscheduled {
			box.Add(orderBox(o, now, &reflow))
		}
	}
	box.Add(sectionTitle(i18n.T(present.MARPRNTitle)))
	if len(v.PRN) == 0 {
		l := wrappedLabel(i18n.T(present.MARNoPRN), widget.MediumImportance)
		l.TextStyle.Italic = true
		box.Add(l)
	}
	for _, o := range v.PRN {
		box.Add(orderBox(o, now, &reflow))
	}
	if len(v.Reported) > 0 {
		// What the patient takes at home: to know, not to give from here.
		box.Add(sectionTitle(i18n.T(present.ReportedTitle)))
		note := wrappedLabel(i18n.T(present.ReportedNote), widget.MediumImportance)
		note.TextStyle.Italic = true
		box.Add(note)
		for _, m := range v.Reported {
			box.Add(wrappedLabel(present.ReportedLine(m), widget.MediumImportance))
		}
	}
	if len(v.Other) > 0 {
		box.Add(sectionTitle(i18n.T(present.MAROtherTitle)))
		for _, e := range v.Other {
			box.Add(downtimeLine(e))
		}
	}
	if len(v.Inactive) > 0 {
		box.Add(sectionTitle(i18n.T(present.MARInactiveTitle)))
		for _, m := range v.Inactive {
			l := wrappedLabel(present.InactiveLine(m), widget.MediumImportance)
			l.TextStyle.Italic = true
			box.Add(container.NewStack(canvas.NewRectangle(colourStruck), l))
		}
	}
	scroll := container.NewVScroll(container.NewPadded(box))
	reflow = scroll.Refresh
	return scroll
}

// sectionTitle is a MAR section's title, set apart by a rule above it.
func sectionTitle(s string) fyne.CanvasObject {
	l := tabHeading(s)
	l.SizeName = theme.SizeNameSubHeadingText
	return container.NewVBox(widget.NewSeparator(), l)
}

// orderBox is one order: what it is, its last dose, why it has no times
// or its dose cells, and what was recorded for it during downtime.
func orderBox(o present.MAROrder, now time.Time, reflow *func()) fyne.CanvasObject {
	// The order and its last dose close together, as one block.
	box := container.NewVBox(container.New(layout.NewCustomPaddedVBoxLayout(0),
		tabHeading(present.OrderTitle(o.Order)), wrappedLabel(present.LastGivenLine(o.MARRow, now), widget.MediumImportance)))
	switch {
	case o.Unscheduled != "":
		l := wrappedLabel(i18n.F("No scheduled times: %s.", i18n.T(o.Unscheduled)), widget.WarningImportance)

		box.Add(l)
	case o.Order.PRN:
		lines, soon, over := present.PRNLines(o, now)
		for i, line := range lines {
			imp := widget.MediumImportance
			if (i == 0 && soon) || (i == len(lines)-1 && over) {
				imp = widget.WarningImportance
			}
			box.Add(wrappedLabel(line, imp))
		}
	case len(o.Doses) == 0:
		l := wrappedLabel(i18n.T(present.MARNoDosesInWindow), widget.MediumImportance)
		l.TextStyle.Italic = true
		box.Add(l)
	default:
		cells := &doseCells{reflow: reflow}
		var objs []fyne.CanvasObject
		for _, d := range o.Doses {
			objs = append(objs, cells.add(o.Order.Name, d, now))
		}
		box.Add(container.New(&flowGrid{cells: cells}, objs...))
	}
	for _, e := range o.Downtime {
		box.Add(downtimeLine(e))
	}
	return box
}

// downtimeLine is an entry recorded during downtime, in blue; struck when
// corrected or cancelled.
func downtimeLine(e store.JournalEntry) fyne.CanvasObject {
	l := wrappedLabel(present.DowntimeDoseLine(e), widget.HighImportance)
	if e.Superseded() {
		l.Text = present.EntryLine(e)
		l.Importance = widget.MediumImportance
		l.TextStyle.Italic = true
		return container.NewStack(canvas.NewRectangle(colourStruck), l)
	}
	l.TextStyle.Bold = true
	return l
}

// doseCell is one dose on the MAR: its date and time, and its state.
type doseCell struct {
	order    string // the order's name
	dose     present.Dose
	state    clinical.DoseState
	bg       *canvas.Rectangle
	when     *widget.Label
	what     *widget.Label
	downtime *widget.Label // "downtime entry", or nil
	obj      fyne.CanvasObject
}

// doseCells are the dose cells of an order, laid out alike: as wide and
// tall as the largest of them, whatever the text size.
type doseCells struct {
	all []*doseCell
	// reflow lays the MAR out again, when a row of cells wraps anew.
	reflow *func()
}

func (cs *doseCells) add(order string, d present.Dose, now time.Time) fyne.CanvasObject {
	c := &doseCell{order: order, dose: d, state: d.State(now)}
	c.when = widget.NewLabel(present.ShortDateTime(d.Time))
	c.when.TextStyle.Bold = true
	c.what = widget.NewLabel(present.DoseStateWord(d, now))
	bg := canvas.NewRectangle(colourUpcoming)
	bg.StrokeColor = colourBorder
	bg.StrokeWidth = 1
	switch c.state {
	case clinical.DoseOverdue:
		bg.FillColor = colourOverdue
		bg.StrokeColor = colourRed
		bg.StrokeWidth = 3
		c.what.Importance = widget.DangerImportance
		c.what.TextStyle.Bold = true
	case clinical.DoseDue:
		bg.FillColor = colourDue
		bg.StrokeColor = colourAmber
		bg.StrokeWidth = 3
		c.what.TextStyle.Bold = true
	case clinical.DoseGiven:
		bg.FillColor = colourGiven
	case clinical.DoseNotGiven:
		bg.FillColor = colourStruck
		c.what.TextStyle.Italic = true
	}
	lines := container.New(layout.NewCustomPaddedVBoxLayout(0), c.when, c.what)
	if d.Record != nil && d.Record.Entry != nil {
		// Recorded during downtime: in blue, as elsewhere, and said.
		c.what.Importance = widget.HighImportance
		c.what.TextStyle.Bold = true
		c.downtime = widget.NewLabel(i18n.T(present.DoseDowntime))
		c.downtime.Importance = widget.HighImportance
		lines.Add(c.downtime)
	}
	c.bg = bg
	c.obj = container.NewStack(bg, lines)
	cs.all = append(cs.all, c)
	return c.obj
}

// size is the size of every cell: the largest cell's.
func (cs *doseCells) size() fyne.Size {
	var s fyne.Size
	for _, c := range cs.all {
		s = s.Max(c.obj.MinSize())
	}
	return s
}

// flowGrid lays cells out left to right in rows as wide as it is, each
// cell the size of the largest. Its height depends on its width, which a
// Fyne layout learns only when laid out: it remembers the last width, and
// when the number of rows changes it has the containers around it laid
// out again (reflow).
type flowGrid struct {
	cells *doseCells
	width float32
}

func (g *flowGrid) columns(width float32) int {
	cell, pad := g.cells.size(), theme.Padding()
	if cell.Width <= 0 {
		return 1
	}
	return max(1, int((width+pad)/(cell.Width+pad)))
}

func (g *flowGrid) rows(width float32, n int) int {
	c := g.columns(width)
	return (n + c - 1) / c
}

func (g *flowGrid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	cell, pad := g.cells.size(), theme.Padding()
	rows := g.rows(g.width, len(objects))
	return fyne.NewSize(cell.Width, float32(rows)*cell.Height+float32(max(rows-1, 0))*pad)
}

func (g *flowGrid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	cell, pad := g.cells.size(), theme.Padding()
	before := g.rows(g.width, len(objects))
	g.width = size.Width
	cols := g.columns(size.Width)
	for i, o := range objects {
		o.Move(fyne.NewPos(float32(i%cols)*(cell.Width+pad), float32(i/cols)*(cell.Height+pad)))
		o.Resize(cell)
	}
	if r := g.cells.reflow; g.rows(size.Width, len(objects)) != before && r != nil && *r != nil {
		// Taller or shorter than the containers around were told: have
		// them laid out again (this layout is then called with the same
		// width, and stops there).
		(*r)()
	}
}
