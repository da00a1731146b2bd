package kiosk

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// hardStopFields are what a hard stop asks before "Save anyway": the
// name of a second person who witnessed the decision, and the reason. They
// are kept while the form is open, so that what was typed survives
// another check.
type hardStopFields struct {
	head    *widget.Label
	witness *formEntry
	reason  *formEntry
	message *widget.Label // what is missing, in red
	box     *fyne.Container
}

// addStopFields puts the hard stop's fields in the warnings, above
// "Save anyway".
func (f *entryForm) addStopFields() {
	if f.stop == nil {
		s := &hardStopFields{}
		s.head = widget.NewLabel(i18n.T(present.HardStopHead))
		s.head.Wrapping = fyne.TextWrapWord
		s.head.Importance = widget.DangerImportance
		s.head.TextStyle.Bold = true
		s.witness = newFormEntry(f.keys, false)
		s.witness.SetPlaceHolder(i18n.T(present.WitnessHint))
		s.reason = newFormEntry(f.keys, false)
		s.reason.SetPlaceHolder(i18n.T(present.StopReasonHint))
		s.message = widget.NewLabel("")
		s.message.Wrapping = fyne.TextWrapWord
		s.message.Importance = widget.DangerImportance
		s.message.Hide()
		fields := container.New(layout.NewFormLayout(),
			widget.NewLabel(i18n.T(present.WitnessLabel)), s.witness,
			widget.NewLabel(i18n.T(present.StopReasonLabel)), s.reason)
		s.box = container.NewVBox(s.head, fields, s.message)
		f.stop = s
	}
	f.stop.message.Hide()
	f.warnings.Add(f.stop.box)
}

// witnessed puts the witness and the reason on every entry a hard stop
// holds back, for "Save anyway"; when one is missing or the witness is
// who is recording, it says so under the fields and returns false.
func (f *entryForm) witnessed(entries []clinical.Entry, user string) bool {
	if f.stop == nil {
		return true
	}
	var stopped []int
	for _, w := range f.warned {
		if w.Stop && w.Entry < len(entries) && entries[w.Entry].Medication != nil {
			stopped = append(stopped, w.Entry)
		}
	}
	if len(stopped) == 0 {
		return true
	}
	o := &clinical.Override{Witness: strings.TrimSpace(f.stop.witness.Text), Reason: strings.TrimSpace(f.stop.reason.Text)}
	if err := o.Validate(user); err != nil {
		f.stop.message.SetText(present.Sentence(err.Error()))
		f.stop.message.Show()
		f.box.Refresh()
		return false
	}
	for _, i := range stopped {
		m := *entries[i].Medication
		m.Override = o
		entries[i].Medication = &m
	}
	return true
}
