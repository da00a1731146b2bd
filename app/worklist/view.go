package worklist

import (
	"cmp"
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
	"lifeboat/sync/hub"
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
	w        *Worklist
	content  fyne.CanvasObject
	plan     *widget.Label
	totals   *widget.Label
	journals *widget.Label // at the hub: the journals read, and those not read
	lock     *widget.Button
	filters  []*widget.Button
	filter   int
	// At the hub, the items can be narrowed to a ward, a kind and an
	// author too; each list's first choice is all of them.
	narrow  []*choiceFilter
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
	if w.hospital != nil {
		planLine = i18n.F("The hospital's plan of %s — run lifeboat reconcile --hub to apply decisions", present.DateTime(at))
	}
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
	if h := w.hospital; h != nil {
		m.journals = widget.NewLabel(journalsText(h))
		m.journals.Wrapping = fyne.TextWrapWord
		if len(h.Apart) > 0 || len(h.Unopened) > 0 {
			m.journals.Importance = widget.WarningImportance
		}
		head.Add(m.journals)
	}

	bar := container.NewHBox()
	for i, f := range filters {
		b := widget.NewButton(f.label, func() { m.setFilter(i) })
		m.filters = append(m.filters, b)
		bar.Add(b)
	}
	var top fyne.CanvasObject = bar
	if w.atHub() {
		m.narrow = hubFilters(w.rows)
		narrow := container.NewGridWithColumns(len(m.narrow))
		for _, c := range m.narrow {
			c.sel.OnChanged = func(string) { m.setFilter(m.filter) }
			narrow.Add(c.sel)
		}
		top = container.NewVBox(bar, narrow)
	}
	m.list = newItemList(m)
	m.pane = container.NewStack()
	left := container.NewBorder(top, nil, nil, nil, m.list)
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

// refilter recomputes the items shown and the filter buttons' counts
// (of the items the ward, kind and author chosen keep, at the hub).
func (m *mainView) refilter() {
	m.shown = m.shown[:0]
	for _, r := range m.w.rows {
		if filters[m.filter].keep(r) && m.narrowed(r) {
			m.shown = append(m.shown, r)
		}
	}
	for i, b := range m.filters {
		n := 0
		for _, r := range m.w.rows {
			if filters[i].keep(r) && m.narrowed(r) {
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

// narrowed says whether the ward, kind and author chosen keep r.
func (m *mainView) narrowed(r *row) bool {
	for _, c := range m.narrow {
		if !c.keeps(r) {
			return false
		}
	}
	return true
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
		box := container.NewVBox(top, bottom)
		if m.w.atHub() {
			// Where it was recorded: the ward, then the kiosk.
			where := widget.NewLabel("")
			where.Truncation = fyne.TextTruncateEllipsis
			box.Add(where)
		}
		return box
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
		if len(box.Objects) > 2 {
			box.Objects[2].(*widget.Label).SetText(whereLine(r))
		}
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

// whereLine is where an item was recorded, at the hub: "Ward 3B · kiosk ID".
func whereLine(r *row) string {
	return i18n.F("Ward %s · kiosk %s", wardName(r.ward), r.kiosk)
}

// wardName is a ward's id, or "no ward" for a kiosk the hub names none for.
func wardName(ward string) string {
	if ward == "" {
		return i18n.T(noWard)
	}
	return ward
}

// journalsText says how many kiosks' journals the hospital's worklist
// reads, and lists those it does not: kept apart by the hub, or not
// opened with the key.
func journalsText(h *hub.Hospital) string {
	parts := []string{i18n.F("Kiosks' journals read: %d.", len(h.Kiosks))}
	if len(h.Apart) > 0 {
		parts = append(parts, i18n.F("Kept apart by the hub (a kiosk it did not enrol, or revoked), not read here: %s.",
			strings.Join(h.Apart, ", ")))
	}
	if len(h.Unopened) > 0 {
		var unopened []string
		for _, u := range h.Unopened {
			unopened = append(unopened, strings.TrimRight(u, ". "))
		}
		parts = append(parts, i18n.F("Not opened with this key, not read here: %s.", strings.Join(unopened, "; ")))
	}
	if len(parts) > 1 {
		parts = append(parts, i18n.T("A person looks at them: nothing in them can be decided here."))
	}
	return strings.Join(parts, " ")
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
		return i18n.F("Decided: %s by %s at %s — %s", what, d.By, present.DateTime(d.At), planText(d.Reason))
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

// choiceFilter narrows the items to those with one value (a ward, a kind,
// an author), or keeps them all with its first choice.
type choiceFilter struct {
	sel    *widget.Select
	values []string // the values, in the order of the choices after the first
	of     func(*row) string
}

func (c *choiceFilter) keeps(r *row) bool {
	i := c.sel.SelectedIndex()
	return i <= 0 || c.of(r) == c.values[i-1]
}

// newChoiceFilter offers all, then every value of rows in words.
func newChoiceFilter(all string, rows []*row, of func(*row) string, word func(string) string) *choiceFilter {
	c := &choiceFilter{of: of}
	for _, r := range rows {
		c.values = append(c.values, of(r))
	}
	slices.Sort(c.values)
	c.values = slices.Compact(c.values)
	options := []string{all}
	for _, v := range c.values {
		options = append(options, word(v))
	}
	c.sel = widget.NewSelect(options, nil)
	c.sel.SetSelectedIndex(0)
	return c
}

// hubFilters are the hospital's worklist's filters by ward, kind and
// author.
func hubFilters(rows []*row) []*choiceFilter {
	return []*choiceFilter{
		newChoiceFilter(i18n.T("All wards"), rows, func(r *row) string { return r.ward },
			func(w string) string { return i18n.F("Ward %s", wardName(w)) }),
		newChoiceFilter(i18n.T("All kinds"), rows, func(r *row) string { return string(r.it.Kind) },
			func(k string) string { return kindWord(clinical.Kind(k)) }),
		newChoiceFilter(i18n.T("All authors"), rows, func(r *row) string { return r.it.Author },
			func(a string) string { return cmp.Or(a, i18n.T(notStated)) }),
	}
}
