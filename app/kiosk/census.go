package kiosk

import (
	"context"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// censusView is the ward list with search as you type. Enter in the search
// field opens a patient only when that is safe: the text is exactly one
// patient's MRN or id (a wristband scan), or exactly one row is shown
// that matched by name or bed. Otherwise the list stays and a one-line
// hint says why, so a scanned "12345" never opens MRN "9123456".
//
// Patients registered during downtime on this kiosk follow the snapshot's,
// from the journal, with what the journal says of every patient (a move,
// a discharge) on a second line. A scanned pack code opens its patient.
type censusView struct {
	content  fyne.CanvasObject
	search   *searchEntry
	list     *widget.List
	count    *widget.Label
	hint     *widget.Label
	register *widget.Button
	snapRows []clinical.CensusRow // the snapshot's census
	all      []clinical.CensusRow // and the patients registered during downtime
	facts    map[string]downtimeFacts
	// similar are, by patient, the others on the ward with a look-alike
	// name (clinical.LookAlikes), found again off the UI thread whenever the
	// census is read (findLookAlikes); similarRound numbers the searches,
	// so that only the newest one's answer is taken.
	similar      map[string][]clinical.CensusRow
	similarRound uint64
	// byPatient are the downtime entries by patient, for the doses.
	byPatient map[string][]store.JournalEntry
	// matched are the rows the search matches, shown those of them that
	// pass the filter, in the order chosen (census_sort.go).
	matched []clinical.CensusRow
	shown   []clinical.CensusRow
	k       *Kiosk
	// The medication columns, the sort and the filter (census_sort.go).
	meds                   censusMeds
	progress               *widget.Label
	sortBy, show           int
	sortSelect, showSelect *widget.Select
	nameKeys               map[string]string
	// rowHeight and noteHeight are the heights of a row without and with
	// its second line, measured at text size rowsSize; tall are the rows
	// shown with one.
	rowHeight, noteHeight, rowsSize float32
	tall                            map[int]bool
}

func newCensusView(k *Kiosk) *censusView {
	v := &censusView{k: k, search: newSearchEntry(k), count: widget.NewLabel(""), hint: widget.NewLabel("")}
	v.hint.Importance = widget.DangerImportance
	v.hint.TextStyle.Bold = true
	v.hint.Wrapping = fyne.TextWrapWord // a long hint must not push the chart aside
	v.hint.Hide()
	v.search.SetPlaceHolder(i18n.T("Search name, MRN or bed — or scan a wristband"))
	v.measureRows()
	v.list = widget.NewList(
		func() int { return len(v.shown) },
		newCensusRow,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.shown) {
				v.bindRow(v.shown[i], o)
			}
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.shown) {
			k.openPatient(v.shown[i].ID)
		}
	}
	v.search.OnChanged = func(string) { k.touch(); v.filter() }
	v.search.OnSubmitted = func(string) { v.openFirst() }
	v.register = widget.NewButton(i18n.T(present.RegisterButton), k.startRegistration)
	if k.journal == nil {
		v.register.Disable()
	}
	// Sort and filter: Tab from the search field; Left and Right choose,
	// Space opens the list.
	v.sortSelect = widget.NewSelect(i18n.All(present.CensusSorts), nil)
	v.sortSelect.SetSelectedIndex(present.SortCensus)
	v.sortSelect.OnChanged = func(string) { v.setSort(v.sortSelect.SelectedIndex()) }
	v.showSelect = widget.NewSelect(i18n.All(present.CensusFilters), nil)
	v.showSelect.SetSelectedIndex(present.ShowAll)
	v.showSelect.OnChanged = func(string) { v.setShow(v.showSelect.SelectedIndex()) }
	v.progress = widget.NewLabel("")
	v.progress.Wrapping = fyne.TextWrapWord
	v.progress.TextStyle.Italic = true
	v.progress.Hide()
	controls := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel(i18n.T(present.SortLabel)), nil, v.sortSelect),
		container.NewBorder(nil, nil, widget.NewLabel(i18n.T(present.FilterLabel)), nil, v.showSelect))
	v.readSnapshot()
	v.content = container.NewBorder(container.NewVBox(v.search, controls, v.hint,
		container.NewBorder(nil, nil, nil, v.register, v.count), v.progress), nil, nil, nil, v.list)
	v.startClock()
	return v
}

// bindRow shows patient r in census row o (newCensusRow), which may have
// shown another patient before: every cell is set.
func (v *censusView) bindRow(r clinical.CensusRow, o fyne.CanvasObject) {
	k := v.k
	outer := o.(*fyne.Container)
	c := outer.Objects[0].(*fyne.Container)
	lay := c.Layout.(*censusRowLayout)
	bed, name, flags := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label), c.Objects[2].(*widget.Label)
	overdue, next := c.Objects[3].(*widget.Label), c.Objects[4].(*widget.Label)
	news := c.Objects[censusNewsCell].(*widget.Label)
	// The cells the row may cut are given their whole texts, without a
	// refresh each: the row's one refresh lays them out, measured by
	// those texts (censusRowLayout), and draws them. The bed and the
	// doses overdue are measured by their own size.
	if w, ok := v.earlyWarning(r.ID); ok {
		lay.setText(news, present.EarlyWarningShort(w, k.opt.Now()))
		news.Importance = riskImportance(w.Risk)
		if w.Incomplete {
			news.Importance = widget.WarningImportance
		}
		news.Show()
	} else {
		lay.setText(news, "")
		news.Hide()
	}
	setCodeStatusCell(c.Objects[censusCodeCell], r)
	allergy := c.Objects[censusAllergyCell].(*widget.Label)
	allergy.Text, allergy.Importance = censusAllergy(r, v.newAllergyFlag(r))
	bed.SetText(r.Bed)
	lay.setName(r.Name)
	lay.setText(name, censusLine(r, k.opt.Now))
	lay.setText(flags, joinFlags(censusFlags(r), v.similarFlag(r)))
	nextText, overdueText := v.medsText(r, k.opt.Now())
	lay.setText(next, nextText)
	overdue.SetText(overdueText)
	if overdueText == "" {
		overdue.Hide()
	} else {
		overdue.Show()
	}
	c.Refresh() // laid out anew: the widths follow the texts
	note := outer.Objects[1].(*widget.Label)
	if n := v.note(r); n != "" {
		note.SetText(n)
		note.Show()
	} else {
		note.Hide()
	}
}

// readSnapshot reads the census from the open snapshot (again, after a
// newer generation was swapped in), keeping what was typed in the search.
func (v *censusView) readSnapshot() {
	rows, err := v.k.snap.Census(context.Background())
	v.snapRows = rows
	v.nameKeys = nil
	v.merge()
	v.filter()
	if err != nil {
		v.count.SetText(i18n.T("The census could not be read from the snapshot."))
	}
	v.readMeds(true)
}

// merge puts the patients registered during downtime after the snapshot's
// and reads what the journal says of every patient.
func (v *censusView) merge() {
	v.all = slices.Clone(v.snapRows)
	v.facts, v.byPatient = nil, nil
	defer v.findLookAlikes() // with the patients registered during downtime
	if v.k.journal == nil {
		return
	}
	entries, err := v.k.journal.List(context.Background())
	if err != nil {
		return
	}
	v.facts = factsOf(entries)
	v.byPatient = map[string][]store.JournalEntry{}
	for _, e := range entries {
		v.byPatient[e.Patient] = append(v.byPatient[e.Patient], e)
	}
	for _, r := range temporaryRows(entries) {
		if n := v.facts[r.ID].allergies; n > 0 {
			r.Allergies, r.AllergyStatus = n, clinical.Recorded
		}
		v.all = append(v.all, r)
	}
	// A code status stated during downtime is the newest.
	for i, r := range v.all {
		if a, ok := clinical.CodeStatusAlert(v.byPatient[r.ID]); ok {
			v.all[i].CodeStatus, v.all[i].DNR, v.all[i].Resus = a.Text, a.NotForResuscitation(), a.Resuscitation()
		}
	}
}

// lookAlikes finds the look-alike names of a census; tests hold it to
// catch the work in flight.
var lookAlikes = clinical.LookAlikes

// findLookAlikes finds the look-alike names of the census (v.all) in the
// background, once per reading of the snapshot or the journal: comparing
// the names of a large ward is no work for the UI thread. Until the
// answer comes, the previous one stays. An answer of another session,
// census or search is dropped.
func (v *censusView) findLookAlikes() {
	k := v.k
	v.similarRound++
	round, session, rows := v.similarRound, k.session, slices.Clone(v.all)
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		similar := lookAlikes(rows)
		ui.Do(func() { v.takeLookAlikes(round, session, similar) })
	}()
}

// takeLookAlikes takes the look-alike names found in the background, on
// the UI thread: the rows are drawn again, and the open chart is shown
// again when its banner changes (unless a form or a registration is on
// screen, which a new chart would push aside).
func (v *censusView) takeLookAlikes(round, session uint64, similar map[string][]clinical.CensusRow) {
	k := v.k
	if k.session != session || k.census != v || v.similarRound != round {
		return
	}
	v.similar = similar
	v.list.Refresh()
	ch := k.chart
	if ch == nil || ch.current == nil || ch.forms.open != nil || ch.registered != "" {
		return
	}
	if present.SimilarNameBanner(similar[ch.current.Patient.ID]) != ch.similarText {
		ch.show(ch.current)
	}
}

// reload reads the journal again (after an entry was saved), keeping what
// was typed in the search field.
func (v *censusView) reload() {
	v.merge()
	v.filter()
	v.readMeds(false)
}

// earlyWarning is the NEWS2 of the patient's newest set of vital signs
// recorded during downtime (Incomplete when that set is not complete),
// worked out when the journal was read (factsOf).
func (v *censusView) earlyWarning(id string) (clinical.EarlyWarning, bool) {
	if w := v.facts[id].news2; w != nil {
		return *w, true
	}
	return clinical.EarlyWarning{}, false
}

// newAllergyFlag flags an allergy recorded during downtime for a patient
// of the snapshot (a temporary patient's count as their allergies).
func (v *censusView) newAllergyFlag(r clinical.CensusRow) string {
	if v.facts[r.ID].allergies > 0 && !clinical.IsTemporaryID(r.ID) {
		return i18n.T("NEW ALLERGY")
	}
	return ""
}

// similarFlag flags a patient with a look-alike name on the ward.
func (v *censusView) similarFlag(r clinical.CensusRow) string {
	if len(v.similar[r.ID]) > 0 {
		return i18n.T(present.SimilarNameFlag)
	}
	return ""
}

// note is the second line of a row: registered, moved or discharged
// during downtime; "" for none.
func (v *censusView) note(r clinical.CensusRow) string {
	var parts []string
	if clinical.IsTemporaryID(r.ID) {
		parts = append(parts, i18n.T(present.RegisteredFlag)+" · "+r.ID)
	}
	f := v.facts[r.ID]
	if f.moved != nil {
		parts = append(parts, present.MovedFlag(*f.moved))
	}
	if f.discharged {
		parts = append(parts, i18n.T(present.DischargedFlag))
	}
	return strings.Join(parts, " · ")
}

func joinFlags(flags ...string) string {
	var out []string
	for _, f := range flags {
		if f != "" {
			out = append(out, f)
		}
	}
	return strings.Join(out, " · ")
}

// newCensusRow is a census row: the bed, the NEWS2 score, the code
// status and the allergy state, the name (sex, age), the flags, then on the right the doses
// overdue and the next dose due (censusRowLayout); the note under it.
func newCensusRow() fyne.CanvasObject {
	bed := widget.NewLabel("000-A")
	bed.TextStyle.Bold = true
	name := widget.NewLabel("Name")
	flags := widget.NewLabel("")
	flags.Importance = widget.DangerImportance
	overdue := widget.NewLabel("")
	overdue.Importance = widget.DangerImportance
	overdue.TextStyle.Bold = true
	overdue.Hide()
	next := widget.NewLabel("")
	note := widget.NewLabel("")
	note.TextStyle.Bold = true
	note.Importance = widget.HighImportance
	note.Truncation = fyne.TextTruncateEllipsis
	note.Hide()
	news := widget.NewLabel("")
	news.TextStyle.Bold = true
	news.Hide()
	code := newCodeStatusCell()
	allergy := widget.NewLabel("")
	allergy.TextStyle.Bold = true
	lay := newCensusRowLayout()
	lay.setText(name, name.Text)
	return container.NewVBox(container.New(lay, bed, name, flags, overdue, next, news, code, allergy), note)
}

// censusLine is a census row's name cell: the name, then sex and age.
func censusLine(r clinical.CensusRow, now func() time.Time) string {
	s := r.Name + "  " + present.Sex(r.Sex)
	if a := present.AgeYears(r.BirthDate, now()); a >= 0 {
		s += i18n.F(" %d y", a)
	}
	return s
}

// censusFlags are the short warnings of a census row that may be cut; the
// code status and the allergy state have cells of their own, never cut
// (censusCodeStatus, censusAllergy).
func censusFlags(r clinical.CensusRow) string {
	var f []string
	if r.Isolation != "" {
		f = append(f, i18n.T("ISOLATION"))
	}
	return strings.Join(f, " · ")
}

// censusAllergy is the census row's allergy state cell: an allergy
// recorded during downtime (newAllergy, newest), an active allergy, no
// known allergies (the record says so), and otherwise "allergies ?": none
// recorded (or none active) is never shown as none known.
func censusAllergy(r clinical.CensusRow, newAllergy string) (string, widget.Importance) {
	switch {
	case newAllergy != "":
		return newAllergy, widget.DangerImportance
	case r.Allergies > 0:
		return i18n.T("ALLERGY"), widget.DangerImportance
	case r.AllergyStatus == clinical.NoneKnown:
		return i18n.T("NKA"), widget.MediumImportance
	}
	return i18n.T("allergies ?"), widget.WarningImportance
}

// censusCodeStatus is the census row's code status cell: the level's
// short words and the colour of the chart's banner for the same level
// (resusColours), both from the level sealed with the row
// (clinical.CensusRow.Resuscitation); bold when it is an order not to
// resuscitate. No code status recorded is said too: "code ?".
func censusCodeStatus(r clinical.CensusRow) (words string, bg color.Color, bold bool) {
	level := r.Resuscitation()
	words = present.ResusCell(level)
	if words == "" {
		words = i18n.T("code ?")
	}
	return words, resusColour(level), clinical.NotResuscitated(level)
}

// newCodeStatusCell is a census row's code status cell: a coloured box
// with the words.
func newCodeStatusCell() fyne.CanvasObject {
	l := widget.NewLabel("DNR 0")
	l.TextStyle.Bold = true
	return container.NewStack(canvas.NewRectangle(colourUnknown), l)
}

func setCodeStatusCell(o fyne.CanvasObject, r clinical.CensusRow) {
	cell := o.(*fyne.Container)
	words, bg, bold := censusCodeStatus(r)
	rect, l := cell.Objects[0].(*canvas.Rectangle), cell.Objects[1].(*widget.Label)
	rect.FillColor = bg
	l.TextStyle.Bold = bold
	l.SetText(words)
	rect.Refresh()
	cell.Show()
}

// match is how a census row matches what was typed or scanned.
type match int

const (
	noMatch   match = iota
	partialID       // only part of the MRN matches: never enough to open by Enter
	byText          // the name, or the bed
	exactID         // the whole MRN (any case) or the whole id
)

func matchOf(r clinical.CensusRow, q string) match {
	q = strings.TrimSpace(q)
	lq := strings.ToLower(q)
	switch {
	case q == "":
		return byText
	case (r.MRN != "" && strings.EqualFold(r.MRN, q)) || r.ID == q:
		return exactID
	case strings.Contains(strings.ToLower(r.Name), lq) || strings.HasPrefix(strings.ToLower(r.Bed), lq):
		return byText
	case strings.Contains(strings.ToLower(r.MRN), lq):
		return partialID
	}
	// A temporary id as written by hand: any case, O for 0, I or L for 1,
	// hyphens and spaces optional; its check character must still match.
	switch exact, partial := clinical.MatchTemporaryID(r.ID, q); {
	case exact:
		return exactID
	case partial:
		return partialID
	}
	return noMatch
}

func (v *censusView) filter() {
	v.matched = v.matched[:0]
	for _, r := range v.all {
		if matchOf(r, v.search.Text) != noMatch {
			v.matched = append(v.matched, r)
		}
	}
	v.arrange()
	v.setHint("")
	v.list.UnselectAll()
	v.showRows()
}

// measureRows measures a row without and with its second line, in the
// theme in use (large text makes rows taller, and of two lines): again
// only when the text size changed, not at every keystroke in the search.
func (v *censusView) measureRows() {
	size := theme.TextSize()
	if size == v.rowsSize {
		return
	}
	v.rowsSize = size
	sample := newCensusRow().(*fyne.Container)
	v.rowHeight = sample.MinSize().Height
	sample.Objects[1].Show()
	v.noteHeight = sample.MinSize().Height
}

// showRows shows the rows of v.shown and their count.
func (v *censusView) showRows() {
	v.measureRows()
	v.count.SetText(present.CensusCount(len(v.shown), len(v.all), v.show))
	// Rows with a second line are taller; a list has no way back to the
	// default height, so rows that were tall get the usual one again.
	tall := map[int]bool{}
	for i, r := range v.shown {
		if v.note(r) != "" {
			tall[i] = true
			v.list.SetItemHeight(i, v.noteHeight)
		}
	}
	for i := range v.tall {
		if !tall[i] {
			v.list.SetItemHeight(i, v.rowHeight)
		}
	}
	v.tall = tall
	v.list.Refresh()
}

// openFirst is Enter in the search field: it opens the one patient whose
// MRN or id is exactly the text, or the only row shown when it matched by
// name or bed; otherwise it leaves the list and says why in the hint.
func (v *censusView) openFirst() {
	q := strings.TrimSpace(v.search.Text)
	if id, hash, ok := present.ParsePackCode(q); ok {
		v.openPack(id, hash)
		return
	}
	if id, ok := clinical.ParseTemporaryID(q); ok && id != q && !slices.ContainsFunc(v.all, func(r clinical.CensusRow) bool {
		return matchOf(r, q) == exactID
	}) && slices.ContainsFunc(v.all, func(r clinical.CensusRow) bool { return r.ID == id }) {
		// A temporary identifier typed without its hyphens, or in lower case.
		v.search.SetText(id)
		q = id
	}
	v.filter()
	for _, r := range v.matched {
		if matchOf(r, q) == exactID {
			v.reveal(r.ID) // a filter never hides the patient scanned
		}
	}
	var exact []int
	for i, r := range v.shown {
		if matchOf(r, q) == exactID {
			exact = append(exact, i)
		}
	}
	switch {
	case len(exact) == 1:
		v.list.Select(exact[0])
	case len(exact) > 1:
		v.setHint(present.ChooseOne(len(exact)))
	case len(v.shown) == 1 && matchOf(v.shown[0], q) == byText:
		v.list.Select(0)
	case len(v.shown) == 0:
		v.setHint(present.NoMatch(q))
	case len(v.shown) == 1:
		v.setHint(present.NotExact(q))
	default:
		v.setHint(present.ChooseOne(len(v.shown)))
	}
}

// setHint shows a one-line hint under the search field, or hides it.
func (v *censusView) setHint(s string) {
	v.hint.SetText(s)
	if s == "" {
		v.hint.Hide()
	} else {
		v.hint.Show()
	}
}

// openPack opens the patient of a scanned pack code, saying so when the
// paper was printed from another snapshot generation than the one open.
func (v *censusView) openPack(id, hash string) {
	v.search.SetText("")
	v.filter()
	for _, r := range v.matched {
		if strings.EqualFold(r.ID, id) {
			v.reveal(r.ID) // a filter never hides the patient scanned
		}
	}
	i := slices.IndexFunc(v.shown, func(r clinical.CensusRow) bool { return r.ID == id })
	if i < 0 {
		// A scanner left in caps lock: the id in another case, when it
		// fits one patient only.
		var fold []int
		for j, r := range v.shown {
			if strings.EqualFold(r.ID, id) {
				fold = append(fold, j)
			}
		}
		if len(fold) == 1 {
			i = fold[0]
		}
	}
	if i < 0 {
		v.setHint(present.PackNotInCensus(id))
		return
	}
	v.list.ScrollTo(i)
	v.list.Select(i)
	if !strings.HasPrefix(strings.ToLower(v.k.snap.Manifest.CipherSHA256), hash) {
		v.setHint(i18n.T(present.OtherGeneration))
	}
}
