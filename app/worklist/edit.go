package worklist

import (
	"encoding/json"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// editForm corrects an entry before it is pushed: a form prefilled from
// the original, with who did the care and why it is corrected. Saving
// records the correction (a new entry superseding the original) and a
// decision to push it.
type editForm struct {
	d       *detailView
	content fyne.CanvasObject
	fields  map[string]*widget.Entry  // by label
	choices map[string]*widget.Select // by label
	careBy  *widget.Entry
	reason  *textArea
	save    *widget.Button
	cancel  *widget.Button
	first   fyne.Focusable
	// build puts the form's values into a payload of the entry's kind.
	build func(*clinical.Entry) error
}

func newEditForm(d *detailView) *editForm {
	f := &editForm{d: d, fields: map[string]*widget.Entry{}, choices: map[string]*widget.Select{}}
	orig := d.r.entry.Entry
	form := widget.NewForm()
	field := func(label, value string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(value)
		f.fields[label] = e
		form.Append(i18n.T(label), e)
		if f.first == nil {
			f.first = e
		}
		return e
	}
	choice := func(label string, options []present.Choice, value string) {
		shown := make([]string, len(options))
		for i, o := range options {
			shown[i] = choiceWord(options, o.Value)
		}
		s := widget.NewSelect(shown, nil)
		s.SetSelected(choiceWord(options, value))
		f.choices[label] = s
		form.Append(i18n.T(label), s)
	}
	text := func(label string) string { return strings.TrimSpace(f.fields[label].Text) }
	picked := func(label string, options []present.Choice) string {
		for _, o := range options {
			if choiceWord(options, o.Value) == f.choices[label].Selected {
				return o.Value
			}
		}
		return ""
	}

	switch orig.Kind {
	case clinical.KindMedication:
		m := orig.Medication
		value, unit := "", ""
		if m.Dose != nil {
			value, unit = i18n.Num(m.Dose.Value), m.Dose.Unit
		}
		field(doseValueLabel, value)
		field(doseUnitLabel, unit)
		field(routeLabel, m.Route)
		field(siteLabel, m.Site)
		f.build = func(e *clinical.Entry) error {
			c := *m
			c.Route, c.Site, c.Dose = text(routeLabel), text(siteLabel), nil
			if v := text(doseValueLabel); v != "" {
				x, err := number(doseValueLabel, v)
				if err != nil {
					return err
				}
				c.Dose = &clinical.Quantity{Value: x, Unit: text(doseUnitLabel)}
			}
			e.Medication = &c
			return nil
		}
	case clinical.KindVitals:
		v := orig.Vitals
		vitals := []struct {
			label string
			p     *float64
		}{{systolicLabel, v.Systolic}, {diastolicLabel, v.Diastolic}, {heartRateLabel, v.HeartRate},
			{respRateLabel, v.RespiratoryRate}, {tempLabel, v.Temperature}, {spo2Label, v.SpO2}, {painLabel, v.Pain}}
		for _, x := range vitals {
			s := ""
			if x.p != nil {
				s = i18n.Num(*x.p)
			}
			field(x.label, s)
		}
		f.build = func(e *clinical.Entry) error {
			c := *v // oxygen, ACVPU, glucose and the SpO2 scale are kept as recorded
			for _, x := range []struct {
				label string
				p     **float64
			}{{systolicLabel, &c.Systolic}, {diastolicLabel, &c.Diastolic}, {heartRateLabel, &c.HeartRate},
				{respRateLabel, &c.RespiratoryRate}, {tempLabel, &c.Temperature}, {spo2Label, &c.SpO2}, {painLabel, &c.Pain}} {
				*x.p = nil
				if s := text(x.label); s != "" {
					n, err := number(x.label, s)
					if err != nil {
						return err
					}
					*x.p = &n
				}
			}
			e.Vitals = &c
			return nil
		}
	case clinical.KindNote:
		note := newTextArea(5)
		note.SetText(orig.Note.Text)
		f.fields[noteLabel] = &note.Entry
		form.Append(i18n.T("Note"), note)
		f.first = note
		f.build = func(e *clinical.Entry) error {
			e.Note = &clinical.NursingNote{Text: strings.TrimSpace(note.Text)}
			return nil
		}
	case clinical.KindAllergy:
		a := orig.Allergy
		field(substanceLabel, a.Substance)
		field(reactionLabel, a.Reaction)
		choice(typeLabel, allergyTypes, a.Type)
		choice(categoryLabel, allergyCategories, a.Category)
		choice(severityLabel, allergySeverities, a.Severity)
		choice(critLabel, allergyCriticities, a.Criticality)
		f.build = func(e *clinical.Entry) error {
			e.Allergy = &clinical.NewAllergy{Substance: text(substanceLabel), Reaction: text(reactionLabel),
				Type: picked(typeLabel, allergyTypes), Category: picked(categoryLabel, allergyCategories),
				Severity: picked(severityLabel, allergySeverities), Criticality: picked(critLabel, allergyCriticities)}
			return nil
		}
	}

	care := orig.Author
	if t := orig.Transcription; t != nil {
		care = t.FromPaperSignedBy
	}
	f.careBy = widget.NewEntry()
	f.careBy.SetText(care)
	form.Append(i18n.T("Who did the care (signed the original)"), f.careBy)
	f.reason = newTextArea(2)
	f.reason.SetText(strings.TrimSpace(d.reason.Text))
	form.Append(i18n.T("Why the correction (required)"), f.reason)

	f.save = widget.NewButton(i18n.T("Save the correction and push it"), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = widget.NewButton(i18n.T("Cancel"), d.closeEdit)
	d.buttons = []*widget.Button{f.save, f.cancel}
	title := widget.NewLabelWithStyle(i18n.F("Correct this %s entry, then push the correction", kindWord(orig.Kind)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	explain := wrapped(i18n.T("The correction is recorded as a new entry that supersedes this one; this one is then not pushed."))
	f.content = container.NewVBox(title, explain, form, container.NewHBox(f.save, f.cancel))
	if f.first == nil {
		f.first = f.reason
	}
	return f
}

// submit checks the form and records the correction and its push.
func (f *editForm) submit() {
	d := f.d
	if d.busy {
		return
	}
	orig := d.r.entry.Entry
	var p clinical.Entry
	if err := f.build(&p); err != nil {
		d.say(err.Error(), widget.DangerImportance)
		return
	}
	if samePayload(orig, p) {
		d.say(i18n.T("Nothing was changed: change a value, or use Push anyway."), widget.DangerImportance)
		return
	}
	reason := strings.TrimSpace(f.reason.Text)
	if reason == "" {
		d.say(i18n.T("Say why it is corrected: type the reason first."), widget.DangerImportance)
		d.m.w.focus(f.reason)
		return
	}
	d.say(i18n.T("Recording the decision…"), widget.MediumImportance)
	d.setBusy(true)
	edit := func(c *clinical.Entry) error {
		c.Medication, c.Vitals, c.Note, c.Allergy = p.Medication, p.Vitals, p.Note, p.Allergy
		return nil
	}
	d.m.w.correct(d.r, edit, f.careBy.Text, reason, func(err error) {
		if d.m.detail != d {
			return
		}
		d.setBusy(false)
		if err != nil {
			d.say(refusal(err), widget.DangerImportance)
			return
		}
		d.m.decided(d.r, decidedLine(d.r))
	})
}

// samePayload says whether the form changed nothing.
func samePayload(orig, p clinical.Entry) bool {
	a, _ := json.Marshal([]any{orig.Medication, orig.Vitals, orig.Note, orig.Allergy})
	b, _ := json.Marshal([]any{p.Medication, p.Vitals, p.Note, p.Allergy})
	return string(a) == string(b)
}

// Choices of the allergy fields, as the kiosk's allergy form offers them
// and the journal validates them; "" is "not stated".
var (
	allergyTypes       = notStatedOr(present.AllergyTypes)
	allergyCategories  = notStatedOr(present.Categories)
	allergySeverities  = notStatedOr(present.Severities)
	allergyCriticities = notStatedOr(present.Criticalities)
)

func notStatedOr(c []present.Choice) []present.Choice {
	return append([]present.Choice{{Value: "", Label: notStated}}, c...)
}

// choiceWord is the option of options with value v in words; a value not
// among them is shown as it is.
func choiceWord(options []present.Choice, v string) string {
	for _, o := range options {
		if o.Value == v {
			return i18n.T(o.Label)
		}
	}
	return v
}

// number reads a number typed with a point or a comma as the kiosk's
// forms do (i18n.ParseNumber): "1,000", "NaN", "1e3" or "+5" are refused,
// never misread.
func number(label, s string) (float64, error) {
	x, err := i18n.ParseNumber(s)
	switch {
	case errors.Is(err, i18n.ErrThousands):
		return 0, errors.New(i18n.F(present.ThousandsNumber, strings.TrimSpace(s)))
	case err != nil:
		return 0, errors.New(i18n.F("%s is not a number.", i18n.T(label)))
	}
	return x, nil
}
