package worklist

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/reconcile"
)

// filter is one of the list's filters.
type filter struct {
	label string
	keep  func(*row) bool
}

var filters = []filter{
	{filterToDo, (*row).todo},
	{filterConflicts, func(r *row) bool { return r.it.Outcome == reconcile.Conflict }},
	{filterLinks, func(r *row) bool { return r.it.Outcome == reconcile.NeedsLink }},
	{filterRefused, func(r *row) bool { return r.it.Outcome == reconcile.Failed }},
	{filterDecided, func(r *row) bool { return !r.todo() }},
	{filterAll, func(*row) bool { return true }},
}

// mainView is the unlocked worklist: the header, the filters, the list
// of items on the left and the item chosen on the right.
type mainView struct {
	w       *Worklist
	content fyne.CanvasObject
	plan    *widget.Label
	totals  *widget.Label
	lock    *widget.Button
	filters []*widget.Button
	filter  int
	shown   []*row
	list    *itemList
	current *row
	pane    *fyne.Container // holds the detail
	detail  *detailView
}

func newMainView(w *Worklist) *mainView {
	m := &mainView{w: w}
	rep := w.report
	at := rep.Finished
	if at.IsZero() {
		at = rep.Started
	}
	planLine := i18n.F("Plan of %s — run lifeboat reconcile to apply decisions", present.DateTime(at))
	if rep.DryRun {
		planLine += i18n.T(" (a dry run)")
	}
	m.plan = widget.NewLabelWithStyle(planLine, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t := rep.Totals
	m.totals = widget.NewLabel(i18n.F("%d created · %d already there · %d linked · %d skipped · %d in conflict · %d to link · %d refused",
		t.Created, t.AlreadyThere, t.Linked, t.Skipped, t.Conflict, t.NeedsLink, t.Failed))
	m.lock = widget.NewButton(i18n.T("Lock"), w.Lock)
	who := widget.NewLabel(i18n.F("Deciding as %s", w.user))
	head := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(who, m.lock), m.plan), m.totals)
	padded := container.NewPadded(head)
	if rep.Stopped != "" {
		s := widget.NewLabel(i18n.F("That run stopped before the end: %s", rep.Stopped))
		s.Importance = widget.WarningImportance
		s.Wrapping = fyne.TextWrapWord
		head.Add(s)
	}

	bar := container.NewHBox()
	for i, f := range filters {
		b := widget.NewButton(f.label, func() { m.setFilter(i) })
		m.filters = append(m.filters, b)
		bar.Add(b)
	}
	m.list = newItemList(m)
	m.pane = container.NewStack()
	left := container.NewBorder(bar, nil, nil, nil, m.list)
	split := container.NewHSplit(left, m.pane)
	split.Offset = 0.36
	m.content = container.NewBorder(container.NewVBox(padded, widget.NewSeparator()), nil, nil, nil, split)
	m.setFilter(0)
	return m
}

// setFilter shows the items filter i keeps and chooses the first.
func (m *mainView) setFilter(i int) {
	m.filter = i
	m.refilter()
	m.list.UnselectAll()
	m.current = nil
	if len(m.shown) > 0 {
		m.list.Select(0)
	} else {
		m.showEmpty()
	}
}

// refilter recomputes the items shown and the filter buttons' counts.
func (m *mainView) refilter() {
	m.shown = m.shown[:0]
	for _, r := range m.w.rows {
		if filters[m.filter].keep(r) {
			m.shown = append(m.shown, r)
		}
	}
	for i, b := range m.filters {
		n := 0
		for _, r := range m.w.rows {
			if filters[i].keep(r) {
				n++
			}
		}
		b.SetText(i18n.F("%s (%d)", i18n.T(filters[i].label), n))
		if i == m.filter {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	m.list.Refresh()
}

func (m *mainView) showEmpty() {
	m.detail = nil
	text := i18n.T("Choose an item on the left (arrow keys, then Enter).")
	if len(m.shown) == 0 {
		text = i18n.T("Nothing left to decide in this list.")
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	m.pane.Objects = []fyne.CanvasObject{container.NewVBox(l)}
	m.pane.Refresh()
}

func (m *mainView) choose(r *row) {
	m.current = r
	m.detail = newDetailView(m, r)
	m.pane.Objects = []fyne.CanvasObject{m.detail.content}
	m.pane.Refresh()
}

func (m *mainView) focusList() { m.w.focus(m.list) }

// decided shows r once decided: it stays in view with its decision if the
// filter keeps it; else the item now in its place in the list is chosen.
func (m *mainView) decided(r *row, message string) {
	at := slices.Index(m.shown, r)
	m.refilter()
	if slices.Contains(m.shown, r) {
		m.choose(r)
		m.detail.say(message, widget.MediumImportance)
		return
	}
	m.list.UnselectAll()
	m.current = nil
	if len(m.shown) == 0 {
		m.showEmpty()
		return
	}
	next := min(max(at, 0), len(m.shown)-1)
	m.list.Select(next)
	m.list.ScrollTo(next)
	m.w.focus(m.list)
}

// itemList is the list of items; Enter chooses the item with the focus
// and moves to its first action, as Space does in Fyne's list.
type itemList struct {
	widget.List
	m *mainView
}

func newItemList(m *mainView) *itemList {
	l := &itemList{m: m}
	l.Length = func() int { return len(m.shown) }
	l.CreateItem = func() fyne.CanvasObject {
		top := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		top.Truncation = fyne.TextTruncateEllipsis
		bottom := widget.NewLabel("")
		bottom.Truncation = fyne.TextTruncateEllipsis
		return container.NewVBox(top, bottom)
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(m.shown) {
			return
		}
		r := m.shown[id]
		box := o.(*fyne.Container)
		top, bottom := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Label)
		top.SetText(rowTitle(r))
		bottom.SetText(rowLine(r))
		// Decided items read in italics (light green text would be too faint).
		bottom.TextStyle.Italic = !r.todo()
		bottom.Refresh()
	}
	l.OnSelected = func(id widget.ListItemID) {
		if id < len(m.shown) && m.shown[id] != m.current {
			m.choose(m.shown[id])
		}
	}
	l.ExtendBaseWidget(l)
	return l
}

func (l *itemList) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if d := l.m.detail; d != nil && d.first != nil {
			l.m.w.focus(d.first)
		}
		return
	}
	l.List.TypedKey(ev)
}

// rowTitle is "CONFLICT · medication · Janssens, An (p1)".
func rowTitle(r *row) string {
	return strings.Join([]string{outcomeWord(r.it.Outcome), kindWord(r.it.Kind), r.patient}, " · ")
}

// rowLine is why the item waits, or what was decided.
func rowLine(r *row) string {
	if s := decidedLine(r); s != "" {
		return s
	}
	return planText(r.it.Reason)
}

// decidedLine says what became of an item that no longer waits, or "".
func decidedLine(r *row) string {
	if r.entry.State != store.StatePending {
		return i18n.F("Reconciled since this plan: %s.", stateWord(r.entry.State))
	}
	d := r.decided
	if d == nil {
		return ""
	}
	what := actionWord(d, r.edited)
	if d.Reason != "" {
		return i18n.F("Decided: %s by %s at %s — %s", what, d.By, present.DateTime(d.At), d.Reason)
	}
	return i18n.F("Decided: %s by %s at %s", what, d.By, present.DateTime(d.At))
}

func actionWord(d *reconcile.Decided, edited bool) string {
	switch {
	case edited:
		return i18n.T("corrected, the correction pushed")
	case d.Action == clinical.DecisionPush:
		return i18n.T("push anyway")
	case d.Action == clinical.DecisionSkip:
		return i18n.T("skip")
	case d.Action == clinical.DecisionLink:
		return i18n.F("link to EHR patient %s", d.LinkTo)
	case d.Action == clinical.DecisionNewPatient:
		return i18n.T("create as a new patient")
	}
	return d.Action
}

// serverTime is a FHIR instant or date from the EHR, as dd/mm/yyyy hh:mm.
func serverTime(s string) string {
	if s == "" {
		return ""
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return present.DateTime(t)
	}
	return present.Date(s)
}
