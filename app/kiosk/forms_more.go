package kiosk

import (
	"context"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The forms of a new allergy, a transfer, a discharge and the cancellation
// of an earlier entry. As with the first three, the store's validation and
// review decide what is refused and what is only warned about.

// choice adds a list of choices; its value is that of the one chosen, or
// "" while none is.
func (f *entryForm) choice(label, placeholder string, cs []present.Choice) (*formSelect, func() string) {
	s := newFormSelect(f.keys, present.Labels(cs), func(string) { f.changed() })
	s.PlaceHolder = placeholder
	f.add(label, s)
	return s, func() string { return present.ChoiceValue(cs, s.Selected) }
}

// allergy is the form of a new allergy or intolerance.
func (f *entryForm) allergy() {
	f.title = i18n.T(present.AllergyTitle)
	when := f.clinicalTime()
	substance := f.entry(i18n.T(present.SubstanceLabel), i18n.T(present.SubstanceHint))
	kind, typ := f.choice(i18n.T(present.AllergyTypeLabel), "", present.AllergyTypes)
	kind.SetSelectedIndex(0) // an allergy, unless said otherwise
	_, category := f.choice(i18n.T(present.CategoryLabel), "", present.Categories)
	reaction := f.entry(i18n.T(present.ReactionLabel), i18n.T(present.ReactionHint))
	_, severity := f.choice(i18n.T(present.SeverityLabel), "", present.Severities)
	_, criticality := f.choice(i18n.T(present.CriticalityLabel), "", present.Criticalities)
	f.first = substance
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		return clinical.Entry{Kind: clinical.KindAllergy, ClinicalTime: at, Allergy: &clinical.NewAllergy{
			Substance: strings.TrimSpace(substance.Text), Type: typ(), Category: category(),
			Reaction: strings.TrimSpace(reaction.Text), Severity: severity(), Criticality: criticality(),
		}}, nil
	}
}

// where is where the patient lies now: the last transfer recorded during
// downtime, or the chart's ward, room and bed.
func (f *entryForm) where() clinical.Transfer {
	p := f.chart.Patient
	at := clinical.Transfer{Ward: p.WardName, Room: p.Room, Bed: p.Bed}
	if at.Ward == "" {
		at.Ward = p.Ward
	}
	if t := latestTransfer(f.v.k.patientEntries(p.ID)); t != nil {
		at = *t
	}
	return at
}

// latestTransfer is the transfer of these entries that holds, or nil.
func latestTransfer(entries []store.JournalEntry) *clinical.Transfer {
	var last *store.JournalEntry
	for i, e := range entries {
		if e.Transfer != nil && !e.Superseded() && (last == nil || e.ClinicalTime.After(last.ClinicalTime)) {
			last = &entries[i]
		}
	}
	if last == nil {
		return nil
	}
	return last.Transfer
}

// transfer is the form of a move to another ward, room or bed. The ward is
// filled in with the current one, and the form starts on the room: most
// moves are within the ward.
func (f *entryForm) transfer() {
	f.title = i18n.T(present.TransferTitle)
	now := f.where()
	when := f.clinicalTime()
	ward := f.entry(i18n.T(present.WardLabel), "")
	ward.SetText(now.Ward)
	room := f.entry(i18n.T(present.RoomLabel), now.Room)
	bed := f.entry(i18n.T(present.BedLabel), now.Bed)
	f.first = room
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		t := &clinical.Transfer{Ward: strings.TrimSpace(ward.Text), Room: strings.TrimSpace(room.Text), Bed: strings.TrimSpace(bed.Text)}
		if t.Ward != "" && strings.EqualFold(t.Ward, now.Ward) && strings.EqualFold(t.Room, now.Room) && strings.EqualFold(t.Bed, now.Bed) {
			return clinical.Entry{}, errors.New(i18n.T(present.SamePlace))
		}
		return clinical.Entry{Kind: clinical.KindTransfer, ClinicalTime: at, Transfer: t}, nil
	}
}

// discharge is the form of the patient leaving the hospital.
func (f *entryForm) discharge() {
	f.title = i18n.T(present.DischargeTitle)
	when := f.clinicalTime()
	destination := f.entry(i18n.T(present.DestinationLabel), i18n.T(present.DestinationHint))
	f.first = destination
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		return clinical.Entry{Kind: clinical.KindDischarge, ClinicalTime: at,
			Discharge: &clinical.Discharge{Destination: strings.TrimSpace(destination.Text)}}, nil
	}
}

// codeStatus is the form of a code status stated during downtime.
func (f *entryForm) codeStatus() {
	f.title = i18n.T(present.CodeStatusTitle)
	when := f.clinicalTime()
	level, value := f.choice(i18n.T(present.CodeStatusLevel), "", present.CodeStatusChoices)
	text := f.entry(i18n.T(present.CodeStatusTextLabel), "")
	f.first = level
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		if value() == "" {
			return clinical.Entry{}, errors.New(i18n.T(present.ChooseCodeStatus))
		}
		return clinical.Entry{Kind: clinical.KindCodeStatus, ClinicalTime: at,
			CodeStatus: &clinical.CodeStatus{Level: value(), Text: strings.TrimSpace(text.Text)}}, nil
	}
}

// cancellable are a patient's entries that may still be cancelled: not
// superseded, and not themselves cancellations; newest first.
func cancellable(entries []store.JournalEntry) []store.JournalEntry {
	var out []store.JournalEntry
	for _, e := range entries {
		if !e.Superseded() && e.Kind != clinical.KindCancellation {
			out = append(out, e)
		}
	}
	return out
}

// cancellation is the form that withdraws one of the patient's entries
// recorded during downtime. The entry stays in the chart, marked.
func (f *entryForm) cancellation() {
	f.title = i18n.T(present.CancelTitle)
	list := cancellable(f.v.k.patientEntries(f.patient()))
	var options []string
	for _, e := range list {
		label := present.CancelChoice(e)
		for slices.Contains(options, label) {
			label += " "
		}
		options = append(options, label)
	}
	choice := newFormSelect(f.keys, options, func(string) { f.changed() })
	choice.PlaceHolder = i18n.T(present.EntryToCancelHint)
	if len(list) == 0 {
		choice.PlaceHolder = i18n.T(present.NothingToCancel)
		choice.Disable()
	}
	f.add(i18n.T(present.EntryToCancelLabel), choice)
	reason := f.entry(i18n.T(present.CancelReasonLabel), i18n.T(present.CancelReasonHint))
	again := widget.NewLabel(i18n.T(present.CancelAgain))
	again.Wrapping = fyne.TextWrapWord
	again.TextStyle.Italic = true
	f.extra.Add(again)
	f.first = choice
	if len(list) == 0 {
		f.first = reason
	}
	f.build = func() (clinical.Entry, error) {
		i := choice.SelectedIndex()
		switch {
		case len(list) == 0:
			return clinical.Entry{}, errors.New(i18n.T(present.NothingToCancel))
		case i < 0 || i >= len(list):
			return clinical.Entry{}, errors.New(i18n.T(present.ChooseEntryToCancel))
		}
		f.notice = func([]clinical.Entry) string {
			return present.SavedCancellation(list[i].Entry, strings.TrimSpace(reason.Text))
		}
		// When it is cancelled is now, whatever the time of the entry.
		return clinical.Entry{Kind: clinical.KindCancellation, ClinicalTime: f.v.k.opt.Now(), Supersedes: list[i].ID,
			Cancellation: &clinical.Cancellation{Reason: strings.TrimSpace(reason.Text)}}, nil
	}
}

// patientEntries are the journal's entries of one patient, newest first;
// none when the journal cannot be read (the chart says so).
func (k *Kiosk) patientEntries(patient string) []store.JournalEntry {
	if k.journal == nil || patient == "" {
		return nil
	}
	all, err := k.journal.List(context.Background())
	if err != nil {
		return nil
	}
	return store.ForPatient(all, patient)
}
