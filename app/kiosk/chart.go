package kiosk

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

var (
	colourAllergy   = color.NRGBA{R: 0xff, G: 0xeb, B: 0xee, A: 0xff} // light red
	colourNoneKnown = color.NRGBA{R: 0xe8, G: 0xf5, B: 0xe9, A: 0xff} // light green
	colourUnknown   = color.NRGBA{R: 0xff, G: 0xf3, B: 0xe0, A: 0xff} // light amber
	colourStruck    = color.NRGBA{R: 0xe8, G: 0xe8, B: 0xe8, A: 0xff} // light grey: cancelled or corrected
)

// chartView is the read-only patient summary: a header and the allergy and
// code-status banners that never scroll away, then the sections.
type chartView struct {
	content fyne.CanvasObject
	stack   *fyne.Container
	k       *Kiosk
	// Shown for tests: the banner texts and sections of the open chart.
	allergyText, codeText string
	sections              []present.Section
	// body holds the sections (sectionsView) or, in their place, an entry
	// form (forms.go).
	body         *fyne.Container
	sectionsView fyne.CanvasObject
	forms        formState
	// current is the chart shown, or last shown under a registration;
	// registered the temporary identifier just shown after one.
	current    *clinical.Chart
	registered string
	// alerts are the header's lines from the journal (new allergies,
	// moves), for tests.
	alerts []string
	// similarText is the banner of look-alike names on the ward, for tests.
	similarText string
	// tabs are the tabs under the header (tabs.go), tabsFor the patient
	// they were laid out for: shown again, the same patient's chart keeps
	// its tab. entries are the patient's downtime entries; journalOK is
	// false when the journal could not be read.
	tabs      *chartTabs
	tabsFor   string
	entries   []store.JournalEntry
	journalOK bool
	// mine is the "My patient" check of the chart shown, mineNote why the
	// selection could not be read or kept (mine.go).
	mine     *widget.Check
	mineNote *widget.Label
}

func newChartView(k *Kiosk) *chartView {
	v := &chartView{k: k, stack: container.NewStack()}
	v.content = v.stack
	v.showMessage(i18n.T(present.ChoosePatient))
	k.addTabShortcuts()
	return v
}

func (v *chartView) showMessage(s string) {
	l := widget.NewLabel(s)
	v.stack.Objects = []fyne.CanvasObject{container.NewCenter(l)}
	v.stack.Refresh()
}

// showError says why a chart cannot be shown; a form typed in is kept.
func (v *chartView) showError(s string) {
	v.park()
	v.showMessage(s)
}

// show lays the chart out as present does for every medium: header,
// banners and alerts that never scroll away, then the tabs, the sections
// on the first (Summary).
func (v *chartView) show(c *clinical.Chart) {
	v.current, v.registered = c, ""
	temporary := clinical.IsTemporaryID(c.Patient.ID)
	h := present.PatientHeader(c.Patient, v.k.opt.Now())
	name := canvas.NewText(h.Name, nil)
	name.TextSize = 24
	name.TextStyle.Bold = true
	header := container.NewVBox(container.NewBorder(nil, nil, nil, v.mineCheck(c.Patient.ID), name), v.mineNote)
	if h.Deceased != "" {
		header.Add(bannerBox(h.Deceased, colourUnknown, true))
	}
	// The header's lines in one label: close together, leaving the tabs
	// the height.
	lines := widget.NewLabel(strings.Join(h.Lines, "\n"))
	lines.Wrapping = fyne.TextWrapWord
	header.Add(lines)

	downtime, entries := v.downtime(c.Patient.ID)
	shown := present.WithDowntimeCodeStatus(c, entries) // a code status stated during downtime is the newest
	v.codeText = present.CodeStatus(shown)
	v.allergyText = present.AllergyBanner(c)
	active := len(present.ActiveAllergies(c)) > 0
	allergyColour := colourAllergy
	switch {
	case active:
	case c.Allergies.Status == clinical.NoneKnown:
		allergyColour = colourNoneKnown
	default:
		allergyColour = colourUnknown
	}
	if temporary {
		header.Add(bannerBox(present.TemporaryPatient(c.Patient.ID), colourUnknown, true))
	}
	header.Add(bannerBox(v.codeText, resusColour(shown.Resuscitation()),
		shown.CodeStatus() == "" || clinical.NotResuscitated(shown.Resuscitation())))
	header.Add(bannerBox(v.allergyText, allergyColour, active))
	for _, a := range present.RecordAlerts(c) { // treatment limitations, an interpreter needed
		header.Add(bannerBox(a, colourUnknown, true))
	}
	v.similarText = ""
	if v.k.census != nil {
		v.similarText = present.SimilarNameBanner(v.k.census.similar[c.Patient.ID])
	}
	if v.similarText != "" {
		header.Add(bannerBox(v.similarText, colourUnknown, true))
	}
	// The NEWS2 of the newest set, read once: the header's banner and the
	// Vitals tab's show the same.
	ew, ewOK := clinical.LatestEarlyWarning(entries)
	if ewOK {
		header.Add(earlyWarningBanner(ew))
	}
	v.alerts = present.DowntimeAlerts(entries)
	for _, a := range present.AllergyAlerts(entries) {
		header.Add(bannerBox(a, colourAllergy, true))
	}
	for _, a := range present.MoveAlerts(entries) {
		header.Add(bannerBox(a, colourUnknown, true))
	}
	for _, a := range present.Alerts(c) {
		header.Add(bannerBox(a, colourUnknown, true))
	}
	header.Add(v.formRow(c))

	var asOf time.Time
	if v.k.snap != nil {
		asOf = v.k.snap.Manifest.AsOf
	}
	v.sections = []present.Section{downtime}
	if !temporary { // a temporary patient has nothing in the snapshot
		v.sections = append(v.sections, present.Sections(c, asOf)...)
		v.sections = append(v.sections, present.RecordOf(c, asOf).Summary()...)
	}
	tab := present.TabSummary
	if v.tabs != nil && v.tabsFor == c.Patient.ID {
		tab = v.tabs.tabs.SelectedIndex()
	}
	v.entries, v.journalOK = entries, downtime.Warning == ""
	v.tabs, v.tabsFor = v.newTabs(c, entries, earlyWarningBox(ew, ewOK), sectionsContent(v.sections...), v.journalOK), c.Patient.ID
	v.selectTab(tab)
	// A form takes the place of the tabs (forms.go), and gives it back.
	v.sectionsView = v.tabs.tabs
	v.body = container.NewStack(v.sectionsView)
	keys := widget.NewLabel(i18n.T(present.ChartTabKeys))
	keys.TextStyle.Italic = true
	keys.Wrapping = fyne.TextWrapWord // whole in French at a ward screen, on two lines
	keys.SizeName = theme.SizeNameCaptionText
	v.stack.Objects = []fyne.CanvasObject{container.New(chartLayout{}, container.NewVScroll(container.NewPadded(header)), keys, v.body)}
	v.stack.Refresh()
	v.dropStaleFocus()
	v.resumeForm(c)
}

// dropStaleFocus lets go of a focused widget of the chart just replaced
// (the field of a form saved): it would keep taking the keys, the tab and
// print shortcuts among them. The census keeps its focus: a wristband
// scan goes on into the search field.
func (v *chartView) dropStaleFocus() {
	c := v.k.win.Canvas()
	f := c.Focused()
	if f == nil {
		return
	}
	if cv := v.k.census; cv != nil {
		for _, o := range []fyne.Focusable{cv.search, cv.sortSelect, cv.showSelect, cv.list, cv.register} {
			if f == o {
				return
			}
		}
	}
	c.Unfocus()
}

// downtime is the chart's "Recorded during downtime" section, first: what
// was documented here during the outage is the newest news of a patient.
// It also returns the patient's entries.
func (v *chartView) downtime(patientID string) (present.Section, []store.JournalEntry) {
	if v.k.journal == nil {
		return present.Section{Title: i18n.T(present.DowntimeTitle), Warning: i18n.T(present.JournalUnreadable)}, nil
	}
	all, err := v.k.journal.List(context.Background())
	if err != nil {
		return present.Section{Title: i18n.T(present.DowntimeTitle), Warning: i18n.T(present.JournalUnreadable)}, nil
	}
	entries := store.ForPatient(all, patientID)
	s := present.DowntimeEntries(entries)
	s.Warning = present.JournalProblems(store.ProblemsFor(v.k.journalProblems(), patientID))
	return s, entries
}

// journalProblems is what verification of the journal found, as of its
// last read (unlock, a recorded entry, a chart's downtime section): entries
// forged, altered or missing, shown on the banner and the charts they
// concern, never as entries. It reads nothing: the banner calls it on the
// UI thread.
func (k *Kiosk) journalProblems() []store.JournalProblem {
	if k.journal == nil {
		return nil
	}
	return k.journal.Problems()
}

// Colours of the code status banner, one per level: what the hospital
// stated, never one beige for all.
var resusColours = map[string]color.Color{
	clinical.ResusFullCode: color.NRGBA{R: 0xc8, G: 0xe6, B: 0xc9, A: 0xff}, // green
	clinical.ResusDNR0:     color.NRGBA{R: 0xb2, G: 0xdf, B: 0xdb, A: 0xff}, // teal
	clinical.ResusDNR1:     color.NRGBA{R: 0xff, G: 0xf5, B: 0x9d, A: 0xff}, // yellow
	clinical.ResusDNR2:     color.NRGBA{R: 0xff, G: 0xcc, B: 0x80, A: 0xff}, // orange
	clinical.ResusDNR3:     color.NRGBA{R: 0xe1, G: 0xbe, B: 0xe7, A: 0xff}, // lilac
	clinical.ResusDNR:      color.NRGBA{R: 0xff, G: 0xcd, B: 0xd2, A: 0xff}, // red, light
}

// resusColour is the banner colour of a code status level; not recorded,
// or in words not read, is the amber of the unknown.
func resusColour(level string) color.Color {
	if c, ok := resusColours[level]; ok {
		return c
	}
	return colourUnknown
}

// bannerBox is a full-width coloured box with bold text.
func bannerBox(text string, bg color.Color, danger bool) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	if danger {
		l.Importance = widget.DangerImportance
	}
	return container.NewStack(canvas.NewRectangle(bg), l)
}

func addSection(box *fyne.Container, s present.Section) {
	h := widget.NewLabel(s.Title)
	h.TextStyle.Bold = true
	h.Wrapping = fyne.TextWrapWord // a long title in French must not widen the chart
	box.Add(h)
	if s.Warning != "" {
		w := widget.NewLabel(s.Warning)
		w.Importance = widget.DangerImportance
		w.Wrapping = fyne.TextWrapWord
		box.Add(w)
	}
	if len(s.Lines) == 0 {
		l := widget.NewLabel(s.Empty)
		l.TextStyle.Italic = true
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
		return
	}
	for i, line := range s.Lines {
		l := widget.NewLabel("• " + line)
		l.Wrapping = fyne.TextWrapWord
		if i < len(s.Marked) && s.Marked[i] {
			l.TextStyle.Bold = true
			l.Importance = widget.DangerImportance
		}
		if i < len(s.Struck) && s.Struck[i] {
			// Cancelled or corrected: still there and legible, but set
			// apart, not to act on.
			l.TextStyle.Italic = true
			box.Add(container.NewStack(canvas.NewRectangle(colourStruck), l))
			continue
		}
		box.Add(l)
	}
}

// chartTabsHeight is the least height the chart's tabs keep under its
// header on a short screen.
const chartTabsHeight = 240

// chartLayout lays out a chart: its header (a scroll: the name, the
// banners and the form buttons) at the top, the keyboard hint at the
// bottom, the tabs between. The header has its whole height when the
// window has room for it and chartTabsHeight of tabs; otherwise (French
// and large text at 1366x768) it keeps what that leaves, at least 55% of
// the height, and scrolls, the code status banner first. The chart never
// makes the window taller than the screen.
type chartLayout struct{}

func (chartLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	header := objects[0].(*container.Scroll)
	w := max(header.Content.MinSize().Width, objects[1].MinSize().Width, objects[2].MinSize().Width)
	return fyne.NewSize(w, objects[1].MinSize().Height+chartTabsHeight)
}

func (chartLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	header, keys, body := objects[0].(*container.Scroll), objects[1], objects[2]
	keysH := keys.MinSize().Height
	headerH := min(header.Content.MinSize().Height, max(size.Height*0.55, size.Height-keysH-chartTabsHeight))
	header.Move(fyne.NewPos(0, 0))
	header.Resize(fyne.NewSize(size.Width, headerH))
	body.Move(fyne.NewPos(0, headerH))
	body.Resize(fyne.NewSize(size.Width, max(size.Height-headerH-keysH, 0)))
	keys.Move(fyne.NewPos(0, size.Height-keysH))
	keys.Resize(fyne.NewSize(size.Width, keysH))
}
