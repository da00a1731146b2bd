package kiosk

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// A patient admitted during the outage has no record in the snapshot. The
// census registers them under a temporary identifier made on this kiosk
// (clinical.NewTemporaryID), shown large to be written on the wristband; from
// then on they are in the census, marked, and have a downtime-only chart:
// a header from the registration and what was recorded for them, with the
// same forms as every other patient. Nothing of them goes into the
// snapshot: they come from the journal each time.

// startRegistration opens the registration form in place of the chart,
// or the one left unsaved.
func (k *Kiosk) startRegistration() {
	if k.snap == nil || k.journal == nil || k.chart == nil {
		return
	}
	v := k.chart
	k.touch()
	if f := v.forms.open; f != nil && f.register {
		if f.first != nil {
			k.win.Canvas().Focus(f.first)
		}
		return
	}
	if f := v.forms.drafts[""]; f != nil {
		delete(v.forms.drafts, "")
		v.openForm(f)
		return
	}
	v.openForm(newEntryForm(v, &clinical.Chart{}, (*entryForm).registration))
}

// registration is the form of a new patient. The temporary identifier is
// made as the form is first saved and kept for every later attempt, unless
// the nurse types the one of a pre-printed label.
func (f *entryForm) registration() {
	f.title = i18n.T(present.RegisterTitle)
	f.register = true
	when := f.clinicalTime()
	family := f.entry(i18n.T(present.FamilyLabel), i18n.T(present.UnknownNameHint))
	given := f.entry(i18n.T(present.GivenLabel), i18n.T(present.UnknownNameHint))
	_, sex := f.choice(i18n.T(present.SexLabel), i18n.T("Female, male, other or unknown"), present.Sexes)
	born := f.entry(i18n.T(present.BirthDateLabel), i18n.T(present.BirthDateHint))
	estimated := newFormCheck(f.keys, i18n.T(present.EstimatedLabel), func(bool) { f.changed() })
	f.add("", estimated)
	ward := f.entry(i18n.T(present.WardLabel), "")
	ward.SetText(f.v.k.wardName())
	room := f.entry(i18n.T(present.RoomLabel), "")
	bed := f.entry(i18n.T(present.BedLabel), "")
	label := f.entry(i18n.T(present.LabelIDLabel), i18n.T(present.LabelIDHint))
	f.first = family
	var made string // the identifier this kiosk made at the first attempt
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		s := sex()
		if s == "" {
			return clinical.Entry{}, errors.New(i18n.T(present.ChooseSex))
		}
		birth, err := parseBirthDate(born.Text)
		if err != nil {
			return clinical.Entry{}, err
		}
		r := &clinical.Registration{Family: strings.TrimSpace(family.Text), Given: strings.TrimSpace(given.Text), Sex: s,
			BirthDate: birth, BirthDateEstimated: birth != "" && estimated.Checked, Ward: strings.TrimSpace(ward.Text),
			Room: strings.TrimSpace(room.Text), Bed: strings.TrimSpace(bed.Text)}
		e := clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at, Registration: r}
		if typed := strings.TrimSpace(label.Text); typed != "" {
			id, ok := clinical.ParseTemporaryID(typed)
			if !ok {
				return clinical.Entry{}, errors.New(i18n.T(present.LabelIDFormat))
			}
			r.TemporaryID, e.Patient = id, id
		} else {
			r.TemporaryID, e.Patient = made, made // "": Stamp makes one
		}
		return e, nil
	}
	f.stamped = func(es []clinical.Entry) {
		if strings.TrimSpace(label.Text) == "" {
			made = es[0].Patient
		}
	}
}

// parseBirthDate reads dd/mm/yyyy, mm/yyyy or yyyy (with / . or -) as a
// FHIR date, which may be partial; empty is not known.
func parseBirthDate(s string) (string, error) {
	s = strings.NewReplacer(".", "/", " ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	for _, l := range []struct{ in, out string }{
		{"2/1/2006", "2006-01-02"}, {"2-1-2006", "2006-01-02"}, {"2006-01-02", "2006-01-02"},
		{"1/2006", "2006-01"}, {"2006-01", "2006-01"}, {"2006", "2006"},
	} {
		if t, err := time.Parse(l.in, s); err == nil {
			return t.Format(l.out), nil
		}
	}
	return "", errors.New(i18n.T(present.BirthDateFormat))
}

// wardName is the name of the ward most of the census lies on, to start a
// registration with.
func (k *Kiosk) wardName() string {
	if k.census == nil || k.snap == nil {
		return ""
	}
	count := map[string]int{}
	best, first := "", ""
	for _, r := range k.census.snapRows {
		if r.Ward == "" {
			continue
		}
		count[r.Ward]++
		if count[r.Ward] > count[best] || best == "" {
			best = r.Ward
		}
	}
	if best == "" {
		return ""
	}
	for _, r := range k.census.snapRows {
		if r.Ward == best {
			first = r.ID
			break
		}
	}
	if c, err := k.snap.Chart(context.Background(), first); err == nil && c.Patient.WardName != "" {
		return c.Patient.WardName
	}
	return best
}

// showRegistered shows the temporary identifier of a patient just
// registered, large and selectable so that it can be copied, with the way
// on to their chart.
func (v *chartView) showRegistered(e clinical.Entry) {
	id := e.Patient
	v.registered = id
	head := widget.NewLabel(i18n.T(present.RegisteredTitle))
	head.TextStyle.Bold = true
	head.Wrapping = fyne.TextWrapWord
	label := widget.NewLabel(id)
	label.Selectable = true
	label.SizeName = ui.SizeNameIdentifier
	label.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	label.Alignment = fyne.TextAlignCenter
	who := widget.NewLabel(present.EntrySummary(e))
	who.Wrapping = fyne.TextWrapWord
	copied := widget.NewLabel("")
	copyID := widget.NewButton(i18n.T(present.CopyIDButton), func() {
		v.k.app.Clipboard().SetContent(id)
		copied.SetText(i18n.T(present.Copied))
	})
	open := newKeyButton(i18n.T(present.OpenChartButton)+" (Enter)", func() { v.k.openPatient(id) })
	open.Importance = widget.HighImportance
	another := widget.NewButton(i18n.T(present.RegisterAnother), v.k.startRegistration)
	printLabel := widget.NewButton(i18n.T(present.PrintLabelButton), func() { v.k.printLabel(e) })
	box := container.NewVBox(head,
		container.NewStack(canvas.NewRectangle(colourNoneKnown), container.NewPadded(label)),
		who, container.NewHBox(open, printLabel, copyID, another), copied)
	v.stack.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(box))}
	v.stack.Refresh()
	v.k.win.Canvas().Focus(open)
}

// showCurrent puts back the chart that was open, or the invitation to
// choose one.
func (v *chartView) showCurrent() {
	if v.current != nil {
		v.show(v.current)
		return
	}
	v.showMessage(i18n.T(present.ChoosePatient))
	v.k.win.Canvas().Unfocus()
}

// temporaryChart is the downtime-only chart of a patient registered
// during downtime: the header from the registration that holds, and
// sections that say nothing is recorded. It is nil when no registration
// of theirs holds (none, or cancelled).
func (k *Kiosk) temporaryChart(id string) *clinical.Chart {
	r := currentRegistration(k.patientEntries(id))
	if r == nil {
		return nil
	}
	c := &clinical.Chart{Patient: clinical.Patient{ID: id, Name: present.RegistrationName(*r), Family: r.Family, Given: r.Given,
		BirthDate: r.BirthDate, Sex: r.Sex, WardName: r.Ward, Room: r.Room, Bed: r.Bed}}
	c.Settle()
	return c
}

// currentRegistration is the registration among a patient's entries that
// holds: not corrected and not cancelled.
func currentRegistration(entries []store.JournalEntry) *clinical.Registration {
	for _, e := range entries {
		if e.Registration != nil && !e.Superseded() {
			return e.Registration
		}
	}
	return nil
}

// temporaryRows are the patients registered during downtime on this kiosk
// whose registration holds, as census rows, in the order registered.
func temporaryRows(all []store.JournalEntry) []clinical.CensusRow {
	var out []clinical.CensusRow
	for _, e := range all {
		r := e.Registration
		if r == nil || e.Superseded() {
			continue
		}
		out = append(out, clinical.CensusRow{ID: e.Patient, Name: present.RegistrationName(*r), MRN: e.Patient,
			BirthDate: r.BirthDate, Sex: r.Sex, Ward: r.Ward, Room: r.Room, Bed: r.Bed, AllergyStatus: clinical.NoneRecorded})
	}
	return out
}

// downtimeFacts is what the journal says of a patient that the census
// shows: new allergies, a move, a discharge.
type downtimeFacts struct {
	allergies  int
	moved      *clinical.Transfer
	discharged bool
	// news2 is the NEWS2 of the newest set of vital signs; nil for none.
	news2 *clinical.EarlyWarning
}

// latestEarlyWarning works a patient's NEWS2 out; tests count its calls.
var latestEarlyWarning = clinical.LatestEarlyWarning[store.JournalEntry]

func factsOf(all []store.JournalEntry) map[string]downtimeFacts {
	by := map[string][]store.JournalEntry{}
	for _, e := range all {
		by[e.Patient] = append(by[e.Patient], e)
	}
	out := map[string]downtimeFacts{}
	for p, entries := range by {
		var d downtimeFacts
		for _, e := range entries {
			switch {
			case e.Superseded():
			case e.Allergy != nil:
				d.allergies++
			case e.Discharge != nil:
				d.discharged = true
			}
		}
		d.moved = latestTransfer(entries)
		if w, ok := latestEarlyWarning(entries); ok {
			d.news2 = &w
		}
		out[p] = d
	}
	return out
}
