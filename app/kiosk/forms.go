package kiosk

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
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

// formRow is the row of form buttons under the banners of chart c. It also
// parks a form left for another chart as a draft.
func (v *chartView) formRow(c *store.Chart) fyne.CanvasObject {
	fs := &v.forms
	if f := fs.open; f != nil {
		// Kept, to come back with its chart (at once, when this is it).
		if f.touched || f.busy {
			if fs.drafts == nil {
				fs.drafts = map[string]*entryForm{}
			}
			fs.drafts[f.patient()] = f
		}
		fs.open = nil
	}
	fs.draftNotes = map[*entryForm]*widget.Label{}
	if fs.savedFor != c.Patient.ID {
		fs.saved, fs.savedFor = "", ""
	}
	fs.buttons = nil
	row := container.NewHBox()
	for _, b := range []struct {
		label string
		make  func(*entryForm)
	}{
		{present.RecordVitalsButton, (*entryForm).vitals},
		{present.WriteNoteButton, (*entryForm).note},
		{present.RecordDoseButton, (*entryForm).dose},
	} {
		button := widget.NewButton(b.label, func() { v.openForm(newEntryForm(v, c, b.make)) })
		if v.k.journal == nil {
			button.Disable()
		}
		fs.buttons = append(fs.buttons, button)
		row.Add(button)
	}
	box := container.NewVBox(row)
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
		note(present.FormsUnavailable, widget.DangerImportance)
	}
	fs.savedLabel = nil
	if fs.saved != "" {
		fs.savedLabel = note(fs.saved, widget.SuccessImportance)
	}
	for _, id := range slices.Sorted(maps.Keys(fs.drafts)) {
		if f := fs.drafts[id]; id != c.Patient.ID {
			fs.draftNotes[f] = note(present.UnsavedForm(f.title, f.chart.Patient.Name), widget.WarningImportance)
		}
	}
	return box
}

// resumeForm shows again a form kept for chart c, if there is one.
func (v *chartView) resumeForm(c *store.Chart) {
	if f := v.forms.drafts[c.Patient.ID]; f != nil {
		delete(v.forms.drafts, c.Patient.ID)
		v.openForm(f)
	}
}

// openForm shows f in place of the chart's sections.
func (v *chartView) openForm(f *entryForm) {
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
	if saved {
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
	chart *store.Chart
	keys  *formKeys
	title string
	// build makes the entry from the fields (patient, author and the times
	// of typing are added by submit), or says in one sentence what cannot
	// be read.
	build func() (store.Entry, error)
	id    string // the entry's UUID, kept across attempts: saved at most once

	content  fyne.CanvasObject
	box      *fyne.Container // the form, laid out again when a message comes or goes
	scroll   *container.Scroll
	fields   *fyne.Container // label, field pairs
	first    fyne.Focusable
	message  *widget.Label
	warnings *fyne.Container
	warned   []store.Warning // shown, and confirmed by "Save anyway"
	save     *formButton
	anyway   *formButton

	touched bool // typed in since it opened
	busy    bool // a check or a save is in flight
}

func newEntryForm(v *chartView, c *store.Chart, kind func(*entryForm)) *entryForm {
	f := &entryForm{v: v, chart: c, fields: container.New(layout.NewFormLayout())}
	f.keys = &formKeys{submit: func() { f.submit(false) }, cancel: func() { v.closeForm(f, false) }, lock: v.k.Lock}
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Importance = widget.DangerImportance
	f.message.Hide()
	f.save = newFormButton(f.keys, present.SaveButton, func() { f.submit(false) })
	f.save.Importance = widget.HighImportance
	f.anyway = newFormButton(f.keys, present.SaveAnywayButton, func() { f.submit(true) })
	f.anyway.Importance = widget.WarningImportance
	f.warnings = container.NewVBox()
	f.warnings.Hide()
	hint := present.FormKeys
	kind(f)
	f.touched = false // what the form filled in itself (the time) is not typing
	if f.title == present.NoteTitle {
		hint = present.NoteKeys
	}
	title := canvas.NewText(f.title, nil)
	title.TextSize = 20
	title.TextStyle.Bold = true
	keys := widget.NewLabel(hint)
	keys.TextStyle.Italic = true
	cancel := newFormButton(f.keys, present.CancelButton, f.keys.cancel)
	// What is wrong comes first, where it is seen without scrolling.
	f.box = container.NewVBox(title, keys, f.message, f.warnings, f.fields, container.NewHBox(f.save, cancel))
	f.scroll = container.NewVScroll(container.NewPadded(f.box))
	f.content = f.scroll
	return f
}

func (f *entryForm) patient() string { return f.chart.Patient.ID }

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
// warnings shown and no others.
func (f *entryForm) submit(confirmed bool) {
	k := f.v.k
	if f.busy || k.journal == nil || k.snap == nil || f.v.forms.open != f {
		return
	}
	k.touch()
	e, err := f.build()
	if err != nil {
		f.fail(err.Error())
		return
	}
	e.ID, e.Patient = f.id, f.patient()
	now := k.opt.Now()
	if err := k.journal.Stamp(&e, k.user, now); err != nil {
		f.fail(present.NotSaved(err))
		return
	}
	f.id = e.ID
	if err := e.Validate(now); err != nil {
		f.fail(present.Sentence(err.Error()))
		return
	}
	var accept []store.Warning
	if confirmed {
		accept = f.warned
	}
	f.setBusy(true)
	f.message.Importance = widget.MediumImportance
	f.message.SetText(present.Checking)
	f.message.Show()
	f.box.Refresh()
	c := check{journal: k.journal, ward: k.snap.Ward, entry: e, now: now, accept: accept}
	session, audit, user := k.session, k.audit, k.user
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		c.run(context.Background())
		fyne.Do(func() {
			if k.session != session {
				// Locked meanwhile: the form is gone, but a saved entry
				// is durable and still goes into the audit trail.
				if c.saved && audit != nil {
					audit.Append(store.AuditRecord{Time: now, Actor: user, Action: store.AuditRecordEntry, Subject: c.entry.ID})
				}
				return
			}
			f.checked(&c)
		})
	}()
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

// checked shows what the check found, or the chart with the saved entry.
func (f *entryForm) checked(c *check) {
	f.setBusy(false)
	k := f.v.k
	switch {
	case c.saved:
		k.recordDetails(store.AuditRecordEntry, c.entry.ID, string(c.entry.Kind)+" for patient "+c.entry.Patient)
		fs := &f.v.forms
		fs.saved, fs.savedFor = present.Saved(c.entry), f.patient()
		if fs.drafts[f.patient()] == f {
			// Saved while another chart was opened.
			delete(fs.drafts, f.patient())
			if l := fs.draftNotes[f]; l != nil {
				l.Importance = widget.MediumImportance
				l.SetText(fs.saved)
			}
		}
		if fs.open == f {
			f.v.closeForm(f, true)
		}
	case c.refused != nil:
		f.fail(present.Sentence(c.refused.Error()))
	case c.err != nil && c.recording:
		f.fail(present.NotSaved(c.err))
	case c.err != nil:
		f.fail(present.NotChecked(c.err))
	default:
		f.warned = c.warnings
		f.message.Hide()
		f.warnings.Objects = nil
		head := widget.NewLabel(present.CheckFirst)
		head.Wrapping = fyne.TextWrapWord
		head.TextStyle.Bold = true
		f.warnings.Add(head)
		for _, w := range c.warnings {
			l := widget.NewLabel("⚠ " + present.Sentence(w.Text))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			f.warnings.Add(l)
		}
		f.warnings.Add(container.NewHBox(f.anyway))
		f.warnings.Show()
		f.box.Refresh()
		f.scroll.ScrollToTop()
	}
}

// check reviews one stamped entry against the snapshot and the journal
// and records it when nothing is left to confirm. It runs off the UI
// thread and touches nothing but the journal and the snapshot.
type check struct {
	journal *store.Journal
	ward    *store.Ward
	entry   store.Entry
	now     time.Time
	accept  []store.Warning

	warnings  []store.Warning
	refused   error // an impossible value or correction: its sentence
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
	batch := []store.Entry{c.entry}
	ws, err := store.Review(ctx, c.ward, history, batch, c.now)
	if err != nil {
		c.fault(err)
		return
	}
	c.entry = batch[0] // with the versions it is based on
	if !slices.ContainsFunc(ws, func(w store.Warning) bool { return !slices.Contains(c.accept, w) }) {
		ws = nil // all confirmed
	}
	if len(ws) > 0 {
		c.warnings = ws
		return
	}
	c.recording = true
	err = c.journal.Record(ctx, c.entry)
	if errors.Is(err, store.ErrEntryExists) {
		// An earlier attempt of this very entry was saved after all.
		if e, err2 := c.journal.Entry(ctx, c.entry.ID); err2 == nil {
			c.entry, err = e, nil
		}
	}
	if err != nil {
		c.fault(err)
		return
	}
	c.saved = true
}

// fault sorts an error: an impossible value is the form's to correct,
// anything else is the journal's or the snapshot's.
func (c *check) fault(err error) {
	var ee *store.EntryError
	if errors.As(err, &ee) {
		err = ee.Err
	}
	if errors.Is(err, store.ErrInvalidEntry) {
		c.refused = err
		return
	}
	c.err = err
}
