package kiosk

import (
	"context"
	"errors"
	"maps"
	"slices"
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
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The entry forms open in place of the chart's sections, under the header
// and the allergy and code-status banners, which stay in view. Saving goes
// the way of the command line: stamp, validate (an impossible value is
// refused with its sentence), review against the snapshot and the journal
// (a warning needs "Save anyway"), record durably, audit, and show the
// chart again with the entry first in "Recorded during downtime".
//
// A form that was typed in is never dropped by opening another chart: it
// is kept as a draft and comes back with its patient's chart. Cancel and
// Lock drop it.

// formState is what the chart view keeps of the forms.
type formState struct {
	open    *entryForm
	drafts  map[string]*entryForm // by patient id, forms left for another chart
	buttons []*widget.Button      // the row under the banners
	// draftNotes are the row's reminders of the drafts of other charts.
	draftNotes map[*entryForm]*widget.Label
	// saved is the "Saved" notice of the last entry, for its patient,
	// until the next form opens.
	saved, savedFor string
	savedLabel      *widget.Label
}

// formRowWidth is the widest a row of form buttons may be: the chart's
// share of a 1366 px ward screen, less its padding.
const formRowWidth = 680

// formRow is the rows of form buttons under the banners of chart c. It also
// parks a form left for another chart as a draft.
func (v *chartView) formRow(c *clinical.Chart) fyne.CanvasObject {
	fs := &v.forms
	v.park()
	fs.draftNotes = map[*entryForm]*widget.Label{}
	if fs.savedFor != c.Patient.ID {
		fs.saved, fs.savedFor = "", ""
	}
	fs.buttons = nil
	rows := container.NewVBox()
	for _, group := range [][]struct {
		label string
		make  func(*entryForm)
	}{
		{
			{i18n.T(present.RecordVitalsButton), (*entryForm).vitals},
			{i18n.T(present.WriteNoteButton), (*entryForm).note},
			{i18n.T(present.RecordDoseButton), (*entryForm).dose},
			{i18n.T(present.RecordAllergyButton), (*entryForm).allergy},
		},
		{
			{i18n.T(present.TransferButton), (*entryForm).transfer},
			{i18n.T(present.DischargeButton), (*entryForm).discharge},
			{i18n.T(present.CancelEntryButton), (*entryForm).cancellation},
			{i18n.T(present.PaperMARButton), (*entryForm).paperMAR},
		},
		{
			{i18n.T(present.CodeStatusButton), (*entryForm).codeStatus},
		},
	} {
		// A group's buttons go in rows no wider than formRowWidth, so that
		// the chart fits beside the census at a ward screen in every
		// language and with large text.
		row, width := container.NewHBox(), float32(0)
		for _, b := range group {
			button := widget.NewButton(b.label, func() { v.openForm(newEntryForm(v, c, b.make)) })
			if v.k.journal == nil {
				button.Disable()
			}
			fs.buttons = append(fs.buttons, button)
			w := button.MinSize().Width + theme.Padding()
			if len(row.Objects) > 0 && width+w > formRowWidth {
				rows.Add(row)
				row, width = container.NewHBox(), 0
			}
			row.Add(button)
			width += w
		}
		rows.Add(row)
	}
	// Beside the code status: the transfer summary, no entry (summary.go).
	row := rows.Objects[len(rows.Objects)-1].(*fyne.Container)
	row.Add(v.summaryButton(c))
	box := container.NewVBox(rows)
	note := func(text string, importance widget.Importance) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = importance
		l.TextStyle.Bold = true
		if importance == widget.SuccessImportance {
			// Light green text on white is too faint for a ward screen:
			// dark text on a light green band says "saved" as clearly.
			l.Importance = widget.MediumImportance
			box.Add(container.NewStack(canvas.NewRectangle(colourNoneKnown), l))
			return l
		}
		box.Add(l)
		return l
	}
	if v.k.journal == nil {
		note(i18n.T(present.FormsUnavailable), widget.DangerImportance)
	}
	fs.savedLabel = nil
	if fs.saved != "" {
		fs.savedLabel = note(fs.saved, widget.SuccessImportance)
	}
	for _, id := range slices.Sorted(maps.Keys(fs.drafts)) {
		f := fs.drafts[id]
		switch {
		case f.register:
			fs.draftNotes[f] = note(i18n.T(present.UnsavedRegistration), widget.WarningImportance)
		case id != c.Patient.ID:
			fs.draftNotes[f] = note(present.UnsavedForm(f.title, f.chart.Patient.Name), widget.WarningImportance)
		}
	}
	return box
}

// park keeps the open form as a draft of its patient, when something was
// typed in it or it is being saved, before another chart or form takes
// its place; an untouched form is dropped.
func (v *chartView) park() {
	fs := &v.forms
	if f := fs.open; f != nil {
		if f.touched || f.busy {
			if fs.drafts == nil {
				fs.drafts = map[string]*entryForm{}
			}
			fs.drafts[f.patient()] = f
		}
		fs.open = nil
	}
}

// resumeForm shows again a form kept for chart c, if there is one.
func (v *chartView) resumeForm(c *clinical.Chart) {
	if f := v.forms.drafts[c.Patient.ID]; f != nil {
		delete(v.forms.drafts, c.Patient.ID)
		v.openForm(f)
	}
}

// openForm shows f in place of the chart's sections (a registration, which
// has no chart yet, in place of the whole chart).
func (v *chartView) openForm(f *entryForm) {
	if f.register {
		v.park()
		v.forms.open = f
		v.stack.Objects = []fyne.CanvasObject{f.content}
		v.stack.Refresh()
		if f.first != nil {
			v.k.win.Canvas().Focus(f.first)
		}
		return
	}
	v.forms.open = f
	for _, b := range v.forms.buttons {
		b.Disable()
	}
	if l := v.forms.savedLabel; l != nil {
		l.Hide()
		v.forms.saved, v.forms.savedLabel = "", nil
		v.stack.Refresh() // the header, one line shorter
	}
	v.body.Objects = []fyne.CanvasObject{f.content}
	v.body.Refresh()
	if f.first != nil {
		v.k.win.Canvas().Focus(f.first)
	}
}

// closeForm puts the chart back as it was; after a save, the chart is
// shown again so that the new entry is in it.
func (v *chartView) closeForm(f *entryForm, saved bool) {
	if v.forms.open != f {
		return
	}
	v.forms.open = nil
	switch {
	case f.register && saved:
		v.showRegistered(f.savedEntries[0])
		return
	case f.register:
		v.showCurrent()
		return
	case saved:
		v.show(f.chart)
		return
	}
	for _, b := range v.forms.buttons {
		if v.k.journal != nil {
			b.Enable()
		}
	}
	v.body.Objects = []fyne.CanvasObject{v.sectionsView}
	v.body.Refresh()
	v.k.win.Canvas().Unfocus()
}

// entryForm is one open form for one patient.
type entryForm struct {
	v     *chartView
	chart *clinical.Chart
	keys  *formKeys
	title string
	// build makes the entry from the fields (patient, author and the times
	// of typing are added by submit), or says in one sentence what cannot
	// be read.
	build func() (clinical.Entry, error)
	id    string // the entry's UUID, kept across attempts: saved at most once
	// batch, instead of build, makes several entries saved together or not
	// at all (the paper MAR sheet), with their ids and patient. A
	// *fieldError says which part of the form is wrong.
	batch func() ([]clinical.Entry, error)
	// mark highlights the part of the form entry i came from (-1: none),
	// and about puts a sentence about entry i in words that name it.
	mark  func(i int)
	about func(i int, sentence string) string
	// notice is the "Saved" line for what was saved.
	notice func([]clinical.Entry) string
	// stamped learns what Stamp gave the entries (the temporary
	// identifier of a registration).
	stamped func([]clinical.Entry)
	// register is the registration of a new patient: it has no chart yet.
	register     bool
	savedEntries []clinical.Entry

	// paper is the "From paper" check box and signer who signed the paper;
	// nil on the paper MAR sheet, which is always from paper.
	paper  *formCheck
	signer *formEntry
	// extra is laid out under the fields (the paper MAR sheet's grid).
	extra *fyne.Container

	content  fyne.CanvasObject
	box      *fyne.Container // the form, laid out again when a message comes or goes
	scroll   *container.Scroll
	fields   *fyne.Container // label, field pairs
	first    fyne.Focusable
	message  *widget.Label
	warnings *fyne.Container
	warned   []clinical.Warning // shown, and confirmed by "Save anyway"
	save     *formButton
	anyway   *formButton
	// stop is the hard stop's fields, made when one is first shown: a
	// dose matching a serious allergy needs a witness and a reason.
	stop *hardStopFields

	touched bool // typed in since it opened
	busy    bool // a check or a save is in flight
}

func newEntryForm(v *chartView, c *clinical.Chart, kind func(*entryForm)) *entryForm {
	f := &entryForm{v: v, chart: c, fields: container.New(layout.NewFormLayout())}
	f.keys = &formKeys{submit: func() { f.submit(false) }, cancel: func() { v.closeForm(f, false) }, lock: v.k.Lock}
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Importance = widget.DangerImportance
	f.message.Hide()
	f.save = newFormButton(f.keys, i18n.T(present.SaveButton), func() { f.submit(false) })
	f.save.Importance = widget.HighImportance
	f.anyway = newFormButton(f.keys, i18n.T(present.SaveAnywayButton), func() { f.submit(true) })
	f.anyway.Importance = widget.WarningImportance
	f.warnings = container.NewVBox()
	f.warnings.Hide()
	f.extra = container.NewVBox()
	hint := i18n.T(present.FormKeys)
	kind(f)
	if f.batch == nil {
		f.paperFields()
	}
	f.touched = false // what the form filled in itself (the time) is not typing
	switch f.title {
	case i18n.T(present.NoteTitle):
		hint = i18n.T(present.NoteKeys)
	case i18n.T(present.PaperMARTitle):
		hint = i18n.T(present.PaperMARKeys)
	}
	title := canvas.NewText(f.title, nil)
	title.TextSize = 20
	title.TextStyle.Bold = true
	keys := widget.NewLabel(hint)
	keys.TextStyle.Italic = true
	keys.Wrapping = fyne.TextWrapWord
	cancel := newFormButton(f.keys, i18n.T(present.CancelButton), f.keys.cancel)
	// What is wrong comes first, where it is seen without scrolling.
	f.box = container.NewVBox(title, keys, f.message, f.warnings, f.fields, f.extra, container.NewHBox(f.save, cancel))
	f.scroll = container.NewVScroll(container.NewPadded(f.box))
	f.content = f.scroll
	return f
}

// patient is whom the form is for: a chart's patient, or "" for a
// registration (whose temporary identifier is made as it is saved).
func (f *entryForm) patient() string {
	if f.register {
		return ""
	}
	return f.chart.Patient.ID
}

// paperFields adds "From paper" and, once it is ticked, who signed the
// paper (hidden, and so out of the Tab order, until then).
func (f *entryForm) paperFields() {
	signedBy := widget.NewLabel(i18n.T(present.SignedByLabel))
	f.signer = newFormEntry(f.keys, false)
	f.signer.SetPlaceHolder(i18n.T(present.SignedByHint))
	f.signer.OnChanged = func(string) { f.changed() }
	f.paper = newFormCheck(f.keys, present.FromPaperCheck(f.v.k.user), func(on bool) {
		f.changed()
		if on {
			signedBy.Show()
			f.signer.Show()
		} else {
			signedBy.Hide()
			f.signer.Hide()
		}
		f.fields.Refresh()
		f.box.Refresh()
	})
	f.add(i18n.T(present.FromPaperLabel), f.paper)
	f.fields.Add(signedBy)
	f.fields.Add(f.signer)
	signedBy.Hide()
	f.signer.Hide()
}

// fieldError is a sentence about one part of a form, which mark highlights.
type fieldError struct {
	sentence string
	mark     func()
}

func (e *fieldError) Error() string { return e.sentence }

// add puts a labelled field on the form, in Tab order.
func (f *entryForm) add(label string, field fyne.CanvasObject) {
	f.fields.Add(widget.NewLabel(label))
	f.fields.Add(field)
}

// entry adds a text field; what is typed in it makes the warnings stale.
func (f *entryForm) entry(label, placeholder string) *formEntry {
	e := newFormEntry(f.keys, false)
	e.SetPlaceHolder(placeholder)
	e.OnChanged = func(string) { f.changed() }
	f.add(label, e)
	return e
}

// changed withdraws the warnings: they were about what was typed before.
// Typing is use: the kiosk does not lock itself under a nurse filling a form.
func (f *entryForm) changed() {
	f.v.k.touch()
	f.touched = true
	if len(f.warned) > 0 {
		f.warned = nil
		f.warnings.Hide()
		f.box.Refresh()
	}
}

// failAt shows what is wrong with the form, and where when it can say.
func (f *entryForm) failAt(err error) {
	var fe *fieldError
	if errors.As(err, &fe) && fe.mark != nil {
		fe.mark()
	}
	f.fail(err.Error())
}

// failEntry shows why entry i of the form was refused, and where it came from.
func (f *entryForm) failEntry(i int, err error) {
	sentence := present.Sentence(err.Error())
	if f.about != nil {
		sentence = f.about(i, sentence)
	}
	if f.mark != nil {
		f.mark(i)
	}
	f.fail(sentence)
}

// fail shows one sentence next to the form; nothing was saved.
func (f *entryForm) fail(sentence string) {
	f.warned = nil
	f.warnings.Hide()
	f.message.Importance = widget.DangerImportance
	f.message.SetText(sentence)
	f.message.Show()
	f.box.Refresh()
	f.scroll.ScrollToTop()
}

// submit saves the entry: confirmed is "Save anyway", which accepts the
// warnings shown and no others. A form of several entries (the paper MAR
// sheet) saves them all or none.
func (f *entryForm) submit(confirmed bool) {
	k := f.v.k
	if f.busy || k.journal == nil || k.snap == nil || f.v.forms.open != f {
		return
	}
	k.touch()
	if f.mark != nil {
		f.mark(-1)
	}
	entries, err := f.entries()
	if err != nil {
		f.failAt(err)
		return
	}
	now := k.opt.Now()
	for i := range entries {
		if err := k.journal.Stamp(&entries[i], k.user, now); err != nil {
			f.fail(present.NotSaved(err))
			return
		}
	}
	if f.batch == nil {
		f.id = entries[0].ID
	}
	if f.stamped != nil {
		f.stamped(entries)
	}
	if confirmed && !f.witnessed(entries, k.user) {
		return
	}
	for i := range entries {
		if err := vet(&entries[i], now); err != nil {
			f.failEntry(i, err)
			return
		}
	}
	var accept []clinical.Warning
	if confirmed {
		accept = f.warned
	}
	f.setBusy(true)
	f.message.Importance = widget.MediumImportance
	f.message.SetText(i18n.T(present.Checking))
	f.message.Show()
	f.box.Refresh()
	c := check{journal: k.journal, ward: k.snap.Ward, entries: entries, now: now, accept: accept}
	session, audit, user, journal := k.session, k.audit, k.user, k.journal
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		c.run(context.Background())
		ui.Do(func() {
			if k.session != session {
				// Locked meanwhile: the form is gone, but a saved entry
				// is durable and still goes into the audit trail.
				if c.saved && audit != nil {
					for _, e := range c.entries {
						audit.Append(store.AuditRecord{Time: now, Actor: user, Action: store.AuditRecordEntry, Subject: e.ID,
							Details: journal.Witness(e.ID)})
					}
				}
				return
			}
			f.checked(&c)
		})
	}()
}

// entries makes the form's entries: the one entry of build, with its id,
// patient and, from paper, who signed the paper; or the batch.
func (f *entryForm) entries() ([]clinical.Entry, error) {
	if f.batch != nil {
		return f.batch()
	}
	e, err := f.build()
	if err != nil {
		return nil, err
	}
	e.ID = f.id
	if e.Patient == "" {
		e.Patient = f.patient()
	}
	if f.paper != nil && f.paper.Checked {
		e.Transcription = &clinical.Transcription{FromPaperSignedBy: strings.TrimSpace(f.signer.Text)}
	}
	return []clinical.Entry{e}, nil
}

// vet refuses an impossible entry before it is checked against the chart:
// the store's validation, and first, care older than a day typed as if it
// were live, which is paper back-entry (the form says how).
func vet(e *clinical.Entry, now time.Time) error {
	if e.Transcription == nil && e.ClinicalTime.Year() >= 2000 && now.Sub(e.ClinicalTime) > clinical.LiveWindow {
		return errors.New(i18n.T(present.NeedsPaper))
	}
	return e.Validate(now)
}

func (f *entryForm) setBusy(busy bool) {
	f.busy = busy
	if busy {
		f.save.Disable()
		f.anyway.Disable()
	} else {
		f.save.Enable()
		f.anyway.Enable()
	}
}

// checked shows what the check found, or the chart with the saved entries.
func (f *entryForm) checked(c *check) {
	f.setBusy(false)
	k := f.v.k
	switch {
	case c.saved:
		for _, e := range c.entries {
			k.recordDetails(store.AuditRecordEntry, e.ID, store.EntryAuditDetails(e, k.journal.Witness(e.ID)))
		}
		f.savedEntries = c.entries
		fs := &f.v.forms
		fs.savedFor = c.entries[0].Patient
		if f.notice != nil {
			fs.saved = f.notice(c.entries)
		} else {
			fs.saved = present.Saved(c.entries[0])
		}
		if fs.drafts[f.patient()] == f {
			// Saved while another chart was opened.
			delete(fs.drafts, f.patient())
			if l := fs.draftNotes[f]; l != nil {
				l.Importance = widget.MediumImportance
				l.SetText(fs.saved)
			}
		}
		if k.census != nil {
			k.census.reload()
		}
		if fs.open == f {
			f.v.closeForm(f, true)
		}
	case c.refused != nil:
		f.failEntry(max(c.refusedAt, 0), c.refused)
	case c.err != nil && c.recording:
		f.fail(present.NotSaved(c.err))
	case c.err != nil:
		f.fail(present.NotChecked(c.err))
	default:
		f.warned = c.warnings
		f.message.Hide()
		f.warnings.Objects = nil
		head := widget.NewLabel(i18n.T(present.CheckFirst))
		head.Wrapping = fyne.TextWrapWord
		head.TextStyle.Bold = true
		f.warnings.Add(head)
		stop := false
		for _, w := range c.warnings {
			text := present.Sentence(present.Message(w.Msg))
			if f.about != nil {
				text = f.about(w.Entry, text)
			}
			l := widget.NewLabel("⚠ " + text)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			if w.Stop {
				l.Text, l.Importance, l.TextStyle.Bold = "⛔ "+text, widget.DangerImportance, true
				stop = true
			}
			f.warnings.Add(l)
		}
		if stop {
			f.addStopFields()
		}
		f.warnings.Add(container.NewHBox(f.anyway))
		f.warnings.Show()
		f.box.Refresh()
		f.scroll.ScrollToTop()
	}
}

// check reviews stamped entries against the snapshot and the journal and
// records them, all in one transaction, when nothing is left to confirm.
// It runs off the UI thread and touches nothing but the journal and the
// snapshot.
type check struct {
	journal *store.Journal
	ward    *store.Ward
	entries []clinical.Entry
	now     time.Time
	accept  []clinical.Warning

	warnings  []clinical.Warning
	refused   error // an impossible value or correction: its sentence
	refusedAt int   // the entry refused, from 0
	err       error // the journal or snapshot failed
	recording bool  // err came from recording
	saved     bool
}

func (c *check) run(ctx context.Context) {
	history, err := c.journal.List(ctx)
	if err != nil {
		c.err = err
		return
	}
	batch := slices.Clone(c.entries)
	ws, err := clinical.Review(ctx, c.ward, history, batch, c.now)
	if err != nil {
		c.fault(err)
		return
	}
	c.entries = batch // with the versions they are based on
	if !slices.ContainsFunc(ws, func(w clinical.Warning) bool { return !slices.ContainsFunc(c.accept, w.Same) }) &&
		len(clinical.Unwitnessed(batch, ws)) == 0 {
		ws = nil // all confirmed, and every hard stop witnessed
	}
	if len(ws) > 0 {
		c.warnings = ws
		return
	}
	c.recording = true
	err = c.journal.Record(ctx, c.entries...)
	if errors.Is(err, store.ErrEntryExists) {
		// An earlier attempt was saved after all (all of it: a batch is
		// recorded whole or not at all).
		if saved, err2 := c.recordedBefore(ctx); err2 == nil {
			c.entries, err = saved, nil
		}
	}
	if err != nil {
		c.fault(err)
		return
	}
	c.saved = true
}

// recordedBefore reads the entries back from the journal, or fails when
// one of them is not there.
func (c *check) recordedBefore(ctx context.Context) ([]clinical.Entry, error) {
	out := make([]clinical.Entry, len(c.entries))
	for i, e := range c.entries {
		got, err := c.journal.Entry(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		out[i] = got
	}
	return out, nil
}

// fault sorts an error: an impossible value is the form's to correct,
// anything else is the journal's or the snapshot's.
func (c *check) fault(err error) {
	var ee *clinical.EntryError
	if errors.As(err, &ee) {
		err = ee.Err
		c.refusedAt = ee.Index
	}
	if errors.Is(err, clinical.ErrInvalidEntry) {
		c.refused = err
		return
	}
	c.err = err
}
