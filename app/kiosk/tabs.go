package kiosk

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The chart's body is a row of tabs under the header that never scrolls
// away: Summary (the sections, downtime entries first, then who the
// patient is), Medications / MAR, Vitals, Labs, Problems, Notes, and Orders
// and devices (present.ChartTabs).
//
// Keyboard: Ctrl+1 … Ctrl+7 choose a tab, Ctrl+PgDn and Ctrl+PgUp the next
// and previous one (Cmd on a Mac, like the other shortcuts); the hint
// under the chart says so (i18n.T(present.ChartTabKeys)). The window's shortcuts
// do not reach a focused text field, and the census search field has the
// focus most of the time (a wristband scan goes there), so the search
// field also looks at the keys pressed with Ctrl (searchEntry.KeyDown).
//
// An entry form takes the place of the tabs (forms.go swaps v.body's
// content, sectionsView being the tabs) and gives it back, on the tab it
// was on, when it closes.

// tabShortcuts are Ctrl+1 … Ctrl+7, one per tab.
var tabShortcuts = func() []*desktop.CustomShortcut {
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7}
	out := make([]*desktop.CustomShortcut, len(keys))
	for i, k := range keys {
		out[i] = &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
	}
	return out
}()

// Ctrl+PgDn and Ctrl+PgUp: the next and the previous tab.
var (
	nextTabShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	prevTabShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
)

// addTabShortcuts puts the tab shortcuts on the window (again, for a new
// session: a shortcut of the same name replaces the old one).
func (k *Kiosk) addTabShortcuts() {
	c := k.win.Canvas()
	for _, s := range append(append([]*desktop.CustomShortcut(nil), tabShortcuts...), nextTabShortcut, prevTabShortcut) {
		c.AddShortcut(s, func(fyne.Shortcut) { k.tabKey(s.KeyName, s.Modifier) })
	}
}

// tabKey switches the open chart's tab for a key pressed with modifiers,
// and says whether it was a tab key.
func (k *Kiosk) tabKey(key fyne.KeyName, mods fyne.KeyModifier) bool {
	if mods != fyne.KeyModifierShortcutDefault {
		return false
	}
	step := 0
	switch key {
	case nextTabShortcut.KeyName:
		step = 1
	case prevTabShortcut.KeyName:
		step = -1
	}
	i := -1
	for j, s := range tabShortcuts {
		if s.KeyName == key {
			i = j
		}
	}
	if i < 0 && step == 0 {
		return false
	}
	if k.chart == nil || k.chart.tabs == nil {
		return true
	}
	if step != 0 {
		n := len(present.ChartTabs)
		i = (k.chart.tabs.tabs.SelectedIndex() + step + n) % n
	}
	k.touch()
	k.chart.selectTab(i)
	return true
}

// keyModifiers are the modifier keys held now (none on a driver that does
// not say, like the test driver).
var keyModifiers = func() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

// KeyDown lets the tab keys work from the census search field, which takes
// every shortcut for itself while it has the focus.
func (e *searchEntry) KeyDown(ev *fyne.KeyEvent) {
	if e.k.tabKey(ev.Name, keyModifiers()) {
		return
	}
	e.Entry.KeyDown(ev)
}

// chartTabs are the open chart's tabs.
type chartTabs struct {
	tabs  *container.AppTabs
	items []*container.TabItem
	// mar is the MAR as shown and marSig its doses' states, to show it
	// again only when a dose changes state as time passes (retime).
	mar    present.MARView
	marSig string
	plot   *trendPlot
	// The content of the tabs, for tests.
	problems present.Section
	notes    []present.Section
	orders   []present.Section
	labs     []present.LabRow
	vitals   []present.VitalsRow
}

// newTabs lays out chart c's tabs; summary is the Summary tab's content,
// entries the patient's downtime entries, news the Vitals tab's NEWS2 line
// and journalOK false when the journal could not be read.
func (v *chartView) newTabs(c *clinical.Chart, entries []store.JournalEntry, news, summary fyne.CanvasObject, journalOK bool) *chartTabs {
	now := v.k.opt.Now()
	t := &chartTabs{problems: present.ProblemsSection(c), notes: present.NotesSections(c, entries),
		orders: present.RecordOf(c, time.Time{}).OrdersAndDevices(), labs: present.LabTable(c), vitals: present.VitalsTable(c, entries)}
	t.mar = present.NewMARView(c, entries, now)
	t.marSig = marSignature(t.mar, now)
	t.plot = newTrendPlot(present.VitalTrends(c, entries), now)
	contents := []fyne.CanvasObject{
		summary,
		marContent(c, t.mar, now, journalOK),
		vitalsContent(c, news, t.vitals, t.plot),
		labsContent(c, t.labs),
		sectionsContent(t.problems),
		sectionsContent(t.notes...),
		sectionsContent(t.orders...),
	}
	for i := range present.ChartTabs {
		t.items = append(t.items, container.NewTabItem(present.ChartTab(i), contents[i]))
	}
	t.items[present.TabMAR].Text = present.MARTabTitle(t.mar.Overdue(now))
	t.tabs = container.NewAppTabs(t.items...)
	t.tabs.OnSelected = func(*container.TabItem) { v.k.touch() }
	return t
}

// selectTab shows tab i of the open chart.
func (v *chartView) selectTab(i int) {
	if v.tabs == nil || i < 0 || i >= len(v.tabs.items) {
		return
	}
	v.tabs.tabs.SelectIndex(i)
}

// selectedTab is the tab shown, or -1 when no chart is open.
func (v *chartView) selectedTab() int {
	if v.tabs == nil {
		return -1
	}
	return v.tabs.tabs.SelectedIndex()
}

// retime shows the MAR again when, as time passes, one of its doses
// changes state (upcoming to due, due to overdue) or the window moves
// over a new dose; the scroll position is kept.
func (v *chartView) retime() {
	t := v.tabs
	if t == nil || v.current == nil {
		return
	}
	now := v.k.opt.Now()
	mar := present.NewMARView(v.current, v.entries, now)
	sig := marSignature(mar, now)
	if sig == t.marSig {
		return
	}
	t.mar, t.marSig = mar, sig
	item := t.items[present.TabMAR]
	content := marContent(v.current, mar, now, v.journalOK)
	if old, ok := item.Content.(*container.Scroll); ok {
		if s, ok := content.(*container.Scroll); ok {
			s.Offset = old.Offset
		}
	}
	item.Content = content
	item.Text = present.MARTabTitle(mar.Overdue(now))
	t.tabs.Refresh()
}

// sectionsContent lays out sections as the Summary does.
func sectionsContent(sections ...present.Section) fyne.CanvasObject {
	box := container.NewVBox()
	for _, s := range sections {
		addSection(box, s)
	}
	return container.NewVScroll(container.NewPadded(box))
}

// tabHeading is a section's bold title.
func tabHeading(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

// wrappedLabel is a label that wraps, of the given importance.
func wrappedLabel(s string, importance widget.Importance) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = importance
	return l
}

// labsContent is the Labs tab: every result, the newest of each test
// first and in bold, the older ones after it in italics; abnormal results
// in red, with the reference range and the date of each.
func labsContent(c *clinical.Chart, rows []present.LabRow) fyne.CanvasObject {
	box := container.NewVBox(tabHeading(i18n.T("Laboratory results")))

	if c.Labs.Unreadable {
		box.Add(wrappedLabel(i18n.T(present.UnreadableSection), widget.DangerImportance))
	}
	if len(rows) == 0 {
		l := wrappedLabel(present.LabsEmpty(c), widget.MediumImportance)
		l.TextStyle.Italic = true
		box.Add(l)
		return container.NewVScroll(container.NewPadded(box))
	}
	cells := make([][]fyne.CanvasObject, 0, len(rows)+1)
	cells = append(cells, headerCells(i18n.All(present.LabColumns)))
	for _, r := range rows {
		line := make([]fyne.CanvasObject, 0, 4)
		for i, text := range []string{r.Name, r.Result, r.Range, present.DateTime(r.Time)} {
			l := widget.NewLabel(text)
			if i == 0 {
				l.Wrapping = fyne.TextWrapWord // a long test name
			}
			l.TextStyle.Bold = r.Latest
			l.TextStyle.Italic = !r.Latest
			if r.Abnormal && i == 1 {
				l.Importance = widget.DangerImportance
				l.TextStyle.Bold = true
			}
			line = append(line, l)
		}
		cells = append(cells, line)
	}
	grid, t := newTabTable(cells, nil, 0)
	box.Add(grid)
	// Both ways: with large text the table may be wider than the chart.
	scroll := container.NewScroll(container.NewPadded(box))
	t.reflow = scroll.Refresh
	return scroll
}

// headerCells head a table's columns. A heading wraps, so that it does
// not make its column wider than its values, but never within a word.
func headerCells(names []string) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(names))
	for i, n := range names {
		l := widget.NewLabel(n)
		l.TextStyle.Bold = true
		l.Wrapping = fyne.TextWrapWord
		out[i] = container.New(wordWide{l}, canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)), l)
	}
	return out
}

// wordWide stacks its objects, at least as wide as the label's longest
// word.
type wordWide struct{ l *widget.Label }

func (w wordWide) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	for _, word := range strings.Fields(w.l.Text) {
		m := fyne.MeasureText(word, theme.TextSize(), w.l.TextStyle)
		s.Width = max(s.Width, m.Width+2*theme.InnerPadding()+theme.Padding())
	}
	return s
}

func (w wordWide) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// tabTable lays out rows of cells in columns, each column as wide as its
// widest cell, the flex column taking the width left (its cells wrap);
// backgrounds, when given, run behind whole rows. The heights of wrapped
// cells are known once their widths are, at layout: when the table turns
// out taller or shorter than its MinSize said, reflow has the scroll
// around it laid out again.
type tabTable struct {
	rows   [][]fyne.CanvasObject
	bg     []fyne.CanvasObject // per row, or nil
	flex   int
	height float32 // the height MinSize last said
	reflow func()
}

// newTable is a container of the cells (and row backgrounds) in columns.
func newTabTable(rows [][]fyne.CanvasObject, backgrounds []fyne.CanvasObject, flex int) (*fyne.Container, *tabTable) {
	t := &tabTable{rows: rows, bg: backgrounds, flex: flex}
	var objects []fyne.CanvasObject
	for _, b := range backgrounds {
		if b != nil {
			objects = append(objects, b)
		}
	}
	for _, r := range rows {
		objects = append(objects, r...)
	}
	return container.New(t, objects...), t
}

func (t *tabTable) sizes() (widths, heights []float32) {
	heights = make([]float32, len(t.rows))
	for i, r := range t.rows {
		for j, c := range r {
			m := c.MinSize()
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], m.Width)
			heights[i] = max(heights[i], m.Height)
		}
	}
	return widths, heights
}

func (t *tabTable) MinSize([]fyne.CanvasObject) fyne.Size {
	widths, heights := t.sizes()
	var s fyne.Size
	for _, w := range widths {
		s.Width += w
	}
	for _, h := range heights {
		s.Height += h
	}
	t.height = s.Height
	return s
}

func (t *tabTable) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	widths, heights := t.sizes()
	var used float32
	for _, w := range widths {
		used += w
	}
	if f := min(t.flex, len(widths)-1); f >= 0 && size.Width > used {
		widths[f] += size.Width - used
	}
	// Widths first: a wrapped cell knows its height once it knows its width.
	for i, r := range t.rows {
		for j, c := range r {
			c.Resize(fyne.NewSize(widths[j], heights[i]))
		}
	}
	_, heights = t.sizes()
	y := float32(0)
	for i, r := range t.rows {
		x := float32(0)
		for j, c := range r {
			c.Move(fyne.NewPos(x, y))
			c.Resize(fyne.NewSize(widths[j], heights[i]))
			x += widths[j]
		}
		if i < len(t.bg) && t.bg[i] != nil {
			t.bg[i].Move(fyne.NewPos(0, y))
			t.bg[i].Resize(fyne.NewSize(max(x, size.Width), heights[i]))
		}
		y += heights[i]
	}
	if y != t.height && t.reflow != nil {
		t.height = y
		t.reflow()
	}
}
