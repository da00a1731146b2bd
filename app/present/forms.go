package present

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// The words of the kiosk's entry forms: vital signs, a nursing note and a
// medication administration. A form says what is wrong in one sentence,
// asks before saving anything unusual, and says "Saved" only once the
// entry is durable.

// The buttons under the chart's banners that open the forms.
const (
	RecordVitalsButton = "Record vital signs"
	WriteNoteButton    = "Write a note"
	RecordDoseButton   = "Record a dose"
)

// FormsUnavailable says why the form buttons are disabled.
const FormsUnavailable = "Nothing can be recorded on this kiosk: the downtime journal could not be read. " +
	"Use the paper downtime forms and call IT."

// Form titles.
const (
	VitalsTitle = "Vital signs"
	NoteTitle   = "Nursing note"
	DoseTitle   = "Medication administration"
)

// FormKeys is the keyboard hint under a form's title; NoteKeys the one of
// the note, whose text may run over several lines.
const (
	FormKeys = "Tab: next field · Enter: save · Esc: cancel"
	NoteKeys = "Tab: next field · Enter: save · Shift+Enter: new line · Esc: cancel"
)

// Field labels.
const (
	TimeLabel        = "When (dd/mm/yyyy hh:mm)"
	BloodPressure    = "Blood pressure (mmHg)"
	HeartRate        = "Heart rate (/min)"
	RespiratoryRate  = "Respiratory rate (/min)"
	TemperatureLabel = "Temperature (°C)"
	SpO2Label        = "SpO2 (%)"
	PainLabel        = "Pain score (0–10)"
	NoteLabel        = "Note"
	OrderLabel       = "Order"
	MedicationLabel  = "Medication"
	OutcomeLabel     = "What happened"
	DoseLabel        = "Dose given"
	RouteLabel       = "Route"
	SiteLabel        = "Site (optional)"
	ReasonLabel      = "Reason (unless given in full)"
)

// Placeholders that show the expected format.
const (
	BloodPressureHint = "120/80"
	DoseHint          = "500 mg"
	OrderHint         = "Choose the order"
	OutcomeHint       = "Given, held, refused or partly given"
)

// AnotherMedication is the last choice of the order list: a dose of a
// medication that has no order in the snapshot (a paper order written
// during the outage).
const AnotherMedication = "Another medication (no order in the snapshot)"

// A hard stop: a dose that matches an allergy of high criticality or with
// anaphylaxis is saved only with a second person's name and a reason.
const (
	HardStopHead    = "HARD STOP: a second person must witness this dose and the reason be written before it can be saved."
	WitnessLabel    = "Second person (witness)"
	WitnessHint     = "Name or staff number of the second person"
	StopReasonLabel = "Reason for giving it anyway"
	StopReasonHint  = "Why the dose is given despite the allergy"
)

// Buttons of a form.
const (
	SaveButton       = "Save"
	SaveAnywayButton = "Save anyway"
	CancelButton     = "Cancel"
)

// Outcomes offers the outcomes of a dose, in the order of the list, with
// the words shown for each.
var Outcomes = []struct{ Value, Label string }{
	{clinical.OutcomeGiven, "Given"},
	{clinical.OutcomeHeld, "Held"},
	{clinical.OutcomeRefused, "Refused"},
	{clinical.OutcomePartial, "Partly given"},
}

// Messages of a form while it works.
const (
	Checking = "Checking…"
	// CheckFirst heads the warnings; nothing has been saved yet.
	CheckFirst = "Check before saving – nothing is saved yet. Correct the form, or choose “Save anyway” if it is right:"
)

// Sentences for what a form cannot read.
const (
	TimeFormat         = "Write the time as dd/mm/yyyy hh:mm (24 h), like 26/11/2026 08:05, or only 08:05 for the last 08:05."
	BloodPressureParts = "Write the blood pressure as systolic/diastolic, like 120/80."
	DoseFormat         = "Write the dose as an amount and its unit, like 500 mg or 0.5 mg."
	ChooseOrder        = "Choose the order, or “" + AnotherMedication + "” and write the medication."
	ChooseOutcome      = "Choose what happened: given, held, refused or partly given."
	PartialWholeDose   = "For a partly given dose, write the part that went in, not the whole ordered dose."
	// ThousandsNumber is a number such as "1,000": a decimal in Belgian
	// usage, a thousand in English usage; it is asked again, never guessed.
	ThousandsNumber = "“%s” can be read two ways: a comma or point before three digits may separate thousands. Write a thousand as 1000, and a decimal with fewer digits after the comma or in a smaller unit."
)

// Message is a review's message (a warning) in the language in use, its
// numbers written as the language writes them; names stay as written.
func Message(m clinical.Message) string {
	return m.Render(i18n.T, i18n.Num)
}

// NotANumber is the sentence for a field that is not a number; it is
// looked up whole, so that each language can agree its words with the
// field's name.
func NotANumber(field string) string {
	return i18n.T(fmt.Sprintf("The %s must be a number.", field))
}

// Sentence makes a validation or review message ("the SpO2 must be from 0
// to 100 %") a sentence: capital first, full stop last.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// NotSaved says that recording failed, keeping what was typed.
func NotSaved(err error) string {
	return i18n.F("NOT saved: %s What you typed is kept: try again, or use the paper form and call IT.", Sentence(err.Error()))
}

// NotChecked says that the entry could not be checked against the chart
// and the journal, and so was not saved.
func NotChecked(err error) string {
	return i18n.F("NOT saved: the entry could not be checked against the chart and the journal (%s). "+
		"What you typed is kept: try again, or use the paper form and call IT.", err.Error())
}

// Saved confirms a durable entry: "Saved: HR 72 /min (26/11/2026 08:05)".
func Saved(e clinical.Entry) string {
	return i18n.F("Saved: %s (%s).", EntrySummary(e), DateTime(e.ClinicalTime))
}

// UnsavedForm reminds that a form left for another chart is kept, unsaved;
// title is the form's title as shown.
func UnsavedForm(title, patient string) string {
	return i18n.F("Not saved yet: a %s form for %s. Open that chart to finish or cancel it.", strings.ToLower(title), patient)
}

// OrderChoice is an order as the dose form lists it: "Paracetamol 1 g
// tablet — 1 g oral every 6 h", its status in capitals unless active.
func OrderChoice(m clinical.Medication) string {
	s := m.Name
	if d := Dosage(m); d != "" {
		s += " — " + d
	}
	if m.Status != "active" {
		s += " [" + strings.ToUpper(orNotStated(m.Status)) + "]"
	}
	return s
}

func orNotStated(status string) string {
	if status == "" {
		return i18n.T("status not stated")
	}
	return OrderStatus(status)
}
