package worklist

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/reconcile"
)

// Background of the two sides: the downtime side warm, the EHR side cool,
// both light enough for dark text on a ward screen.
var (
	colourDowntime = color.NRGBA{R: 0xfb, G: 0xf3, B: 0xe0, A: 0xff}
	colourEHR      = color.NRGBA{R: 0xe6, G: 0xf0, B: 0xfa, A: 0xff}
	colourDecided  = color.NRGBA{R: 0xe3, G: 0xf4, B: 0xe3, A: 0xff}
)

// detailView is one item: both sides, why it waits, and the actions that
// fit it.
type detailView struct {
	m       *mainView
	r       *row
	content fyne.CanvasObject
	body    *fyne.Container // the actions, or the edit form in their place

	reason     *textArea
	linkID     *widget.Entry
	linkIDBtn  *widget.Button
	push       *widget.Button
	skip       *widget.Button
	edit       *widget.Button
	newPatient *widget.Button
	links      []*widget.Button // one per candidate, best first
	buttons    []*widget.Button // every action button, disabled while one is recorded
	message    *widget.Label
	decided    *widget.Label
	form       *editForm // the open edit form, if any

	first fyne.Focusable // where Enter on the list moves the focus
	busy  bool
}

func newDetailView(m *mainView, r *row) *detailView {
	d := &detailView{m: m, r: r, message: widget.NewLabel("")}
	d.message.Wrapping = fyne.TextWrapWord
	it := r.it

	title := outcomeWord(it.Outcome) + " · " + kindWord(it.Kind)
	if it.Conflict != "" {
		title += " · " + conflictWord(it.Conflict)
	}
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	patient := i18n.F("Patient: %s", r.patient)
	if it.EHRPatient != "" {
		patient = i18n.F("Patient: %s → EHR %s", r.patient, it.EHRPatient)
	}
	top := container.NewVBox(head, wrapped(patient))
	atHub := m.w.atHub()
	if atHub {
		top.Add(wrapped(i18n.F("Recorded on ward %s, kiosk %s", wardName(r.ward), r.kiosk)))
	}
	if it.Reason != "" {
		why := wrapped(i18n.F("Why it waits: %s", planText(it.Reason)))
		why.TextStyle.Bold = true
		top.Add(why)
	}
	if it.SameAs != "" {
		top.Add(wrapped(sameAsText(r)))
	}

	// The two sides next to each other, each with who and when.
	downtimeTitle := i18n.T("Downtime (this kiosk)")
	if atHub {
		downtimeTitle = i18n.F("Downtime (ward %s)", wardName(r.ward))
	}
	downtime := side(colourDowntime, downtimeTitle, it.Downtime, it.Author, present.DateTime(it.ClinicalTime), "")
	var ehr fyne.CanvasObject
	switch s := it.Server; {
	case s != nil && it.Conflict == reconcile.ConflictRecordedTwice:
		// The other side is the same dose on another kiosk, not the EHR.
		if o := r.twice; o != nil {
			ehr = side(colourEHR, i18n.F("The same dose on ward %s", wardName(r.twiceWard)), present.EntrySummary(o.Entry),
				s.By, serverTime(s.At), "", i18n.F("kiosk %s, entry %s", o.KioskID, o.ID))
		} else {
			ehr = side(colourEHR, i18n.T("The same dose on another kiosk"), s.Value, s.By, serverTime(s.At), "")
		}
	case s != nil && it.Conflict == reconcile.ConflictCorrectedTwice:
		// The other side is the other correction of the same entry.
		ref := s.Reference
		if o := r.twice; o != nil {
			ref = i18n.F("kiosk %s, entry %s", o.KioskID, o.ID)
		}
		ehr = side(colourEHR, i18n.T("The other correction"), s.Value, s.By, serverTime(s.At), "", ref)
	case s != nil:
		ehr = side(colourEHR, i18n.T("EHR now"), planText(s.Value), s.By, serverTime(s.At), s.Reference)
	case it.Outcome == reconcile.NeedsLink:
		ehr = side(colourEHR, i18n.T("EHR now"), i18n.T("No EHR record is linked to this patient yet."), "", "", "")
	default:
		ehr = side(colourEHR, i18n.T("EHR now"), i18n.T("Nothing in the EHR to compare with."), "", "", "")
	}
	top.Add(container.NewGridWithColumns(2, downtime, ehr))

	d.body = container.NewVBox()
	if line := decidedLine(r); line != "" {
		d.decided = wrapped(line)
		d.decided.TextStyle.Bold = true
		note := container.NewVBox(d.decided)
		if r.after && r.entry.State == store.StatePending {
			if atHub {
				note.Add(wrapped(i18n.T("Run lifeboat reconcile --hub to apply it.")))
			} else {
				note.Add(wrapped(i18n.T("Run lifeboat reconcile to apply it.")))
			}
		}
		d.body.Add(container.NewStack(canvas.NewRectangle(colourDecided), note))
	}
	if r.todo() {
		d.actions()
	}
	d.body.Add(d.message)
	d.content = container.NewVScroll(container.NewPadded(container.NewVBox(top, widget.NewSeparator(), d.body)))
	return d
}

// actions adds the actions that fit the item's kind and outcome.
func (d *detailView) actions() {
	it := d.r.it
	registration := it.Kind == clinical.KindRegistration
	link := it.Outcome == reconcile.NeedsLink ||
		it.Conflict == reconcile.ConflictPatientMerged || it.Conflict == reconcile.ConflictPatientMissing

	if it.Outcome == reconcile.NeedsLink && registration {
		d.body.Add(widget.NewLabelWithStyle(i18n.T("EHR patients proposed (by name, birth date and sex), best first"),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if len(it.Candidates) == 0 {
			d.body.Add(wrapped(i18n.T("The EHR proposed no patient: search for the record in the EHR and link it by its id, or create a new patient.")))
		}
		for i, c := range it.Candidates {
			b := widget.NewButton(i18n.T("Link to this patient"), func() { d.decide(clinical.DecisionLink, c.Patient) })
			d.links = append(d.links, b)
			d.body.Add(container.NewBorder(nil, nil, nil, b, wrapped(candidateLine(i, c))))
		}
	} else if it.Outcome == reconcile.NeedsLink {
		d.body.Add(wrapped(i18n.T("This entry waits for its temporary patient: decide on the patient's registration " +
			"(link or create), or link this entry by the EHR patient's id.")))
	}
	if link {
		d.linkID = widget.NewEntry()
		d.linkID.SetPlaceHolder(i18n.T("FHIR id of the Patient, e.g. 12345"))
		d.linkIDBtn = widget.NewButton(i18n.T("Link to this id"), d.linkByID)
		d.linkID.OnSubmitted = func(string) { d.linkByID() }
		d.body.Add(widget.NewLabel(i18n.T("Or link to an EHR patient by its id")))
		d.body.Add(container.NewBorder(nil, nil, nil, d.linkIDBtn, d.linkID))
	}

	d.reason = newTextArea(2)
	d.reason.SetPlaceHolder(i18n.T("e.g. confirmed with the prescriber by phone"))
	d.body.Add(widget.NewLabel(i18n.T("Why (required to push anyway or skip)")))
	d.body.Add(d.reason)

	row := container.NewHBox()
	if registration && it.Outcome == reconcile.NeedsLink {
		d.newPatient = widget.NewButton(i18n.T("Create as new patient"), func() { d.decide(clinical.DecisionNewPatient, "") })
		row.Add(d.newPatient)
	}
	if it.Outcome != reconcile.NeedsLink {
		d.push = widget.NewButton(i18n.T("Push anyway"), func() { d.decide(clinical.DecisionPush, "") })
		row.Add(d.push)
		if editable(it.Kind) {
			d.edit = widget.NewButton(i18n.T("Edit then push…"), d.openEdit)
			row.Add(d.edit)
		}
	}
	d.skip = widget.NewButton(i18n.T("Skip"), func() { d.decide(clinical.DecisionSkip, "") })
	row.Add(d.skip)
	d.body.Add(row)

	d.buttons = append(d.buttons, d.links...)
	for _, b := range []*widget.Button{d.linkIDBtn, d.newPatient, d.push, d.edit, d.skip} {
		if b != nil {
			d.buttons = append(d.buttons, b)
		}
	}
	switch {
	case len(d.links) > 0:
		d.first = d.links[0]
	case d.linkID != nil && it.Outcome == reconcile.NeedsLink:
		d.first = d.linkID
	default:
		d.first = d.reason
	}
}

// candidateLine is "1. Janssens, An · born 01/06/1950 · female · score 90 — name and birth date match".
func candidateLine(i int, c reconcile.Match) string {
	sex := i18n.T("not stated")
	if c.Sex != "" {
		sex = present.SexWord(c.Sex)
	}
	return i18n.F("%d. %s · born %s · %s · score %d — %s", i+1, c.Name, present.Date(c.BirthDate), sex, c.Score,
		matchWhy(c.Why)) + " (Patient/" + c.Patient + ")"
}

// sameAsText says that a registration follows the same person's on
// another kiosk, which the hospital's plan links it with.
func sameAsText(r *row) string {
	if o := r.sameAs; o != nil {
		return i18n.F("The same person was registered first on ward %s (kiosk %s), by %s at %s: deciding on that registration links this one with it.",
			wardName(r.sameAsWard), o.KioskID, o.Author, present.DateTime(o.ClinicalTime))
	}
	return i18n.T("The same person was registered first on another kiosk: deciding on that registration links this one with it.")
}

// side is one side of the item: its value, who and when, what it is in
// the EHR (ref), and any more lines.
func side(bg color.Color, title, value, by, at, ref string, more ...string) fyne.CanvasObject {
	box := container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), wrapped(value))
	if by != "" {
		box.Add(wrapped(i18n.F("by %s", by)))
	}
	if at != "" {
		box.Add(wrapped(i18n.F("at %s", at)))
	}
	if ref != "" {
		box.Add(wrapped(i18n.F("record %s", ref)))
	}
	for _, s := range more {
		if s != "" {
			box.Add(wrapped(s))
		}
	}
	return container.NewStack(canvas.NewRectangle(bg), container.NewPadded(box))
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (d *detailView) say(text string, importance widget.Importance) {
	d.message.Importance = importance
	d.message.SetText(text)
}

func (d *detailView) setBusy(busy bool) {
	d.busy = busy
	for _, b := range d.buttons {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (d *detailView) linkByID() {
	id := strings.TrimPrefix(strings.TrimSpace(d.linkID.Text), "Patient/")
	if id == "" {
		d.say(i18n.T("Type the FHIR id of the EHR patient to link to."), widget.DangerImportance)
		d.m.w.focus(d.linkID)
		return
	}
	d.decide(clinical.DecisionLink, id)
}

// decide records the decision; push and skip need a reason.
func (d *detailView) decide(action, linkTo string) {
	if d.busy {
		return
	}
	reason := strings.TrimSpace(d.reason.Text)
	if reason == "" && (action == clinical.DecisionPush || action == clinical.DecisionSkip) {
		msg := i18n.T("Say why it is skipped: type the reason first.")
		if action == clinical.DecisionPush {
			msg = i18n.T("Say why it is pushed anyway: type the reason first.")
		}
		d.say(msg, widget.DangerImportance)
		d.m.w.focus(d.reason)
		return
	}
	d.say(i18n.T("Recording the decision…"), widget.MediumImportance)
	d.setBusy(true)
	d.m.w.decide(d.r, action, linkTo, reason, func(err error) {
		if d.m.detail != d {
			return // another item was chosen meanwhile
		}
		d.setBusy(false)
		if err != nil {
			d.say(refusal(err), widget.DangerImportance)
			return
		}
		d.m.decided(d.r, decidedLine(d.r))
	})
}

func (d *detailView) openEdit() {
	if d.busy {
		return
	}
	d.form = newEditForm(d)
	d.body.Objects = []fyne.CanvasObject{d.form.content, d.message}
	d.say("", widget.MediumImportance)
	d.body.Refresh()
	d.m.w.focus(d.form.first)
}

func (d *detailView) closeEdit() {
	d.m.choose(d.r)
	d.m.w.focus(d.m.detail.first)
}

// editable says whether edit then push fits entries of kind k.
func editable(k clinical.Kind) bool {
	switch k {
	case clinical.KindMedication, clinical.KindVitals, clinical.KindNote, clinical.KindAllergy:
		return true
	}
	return false
}

// textArea is a multi-line entry that leaves Tab to move the focus, so
// that the worklist can be used from the keyboard alone.
type textArea struct{ widget.Entry }

func newTextArea(rows int) *textArea {
	e := &textArea{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(rows)
	return e
}

// AcceptsTab says Tab is not typed into the text.
func (e *textArea) AcceptsTab() bool { return false }
