package present

import (
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The words of the other entry forms: a new allergy, a transfer, a
// discharge, the cancellation of an earlier entry, the registration of a
// new patient, and paper back-entry ("From paper") on every form.

// The buttons of the chart's second row, and the census's.
const (
	RecordAllergyButton = "Record an allergy"
	TransferButton      = "Transfer"
	DischargeButton     = "Discharge"
	CancelEntryButton   = "Cancel an entry"
	PaperMARButton      = "Paper MAR sheet"
	RegisterButton      = "Register a new patient"
)

// Form titles.
const (
	AllergyTitle   = "New allergy or intolerance"
	TransferTitle  = "Transfer"
	DischargeTitle = "Discharge"
	CancelTitle    = "Cancel an earlier entry"
	RegisterTitle  = "Register a new patient (downtime)"
)

// Field labels of the allergy form.
const (
	SubstanceLabel   = "Substance"
	AllergyTypeLabel = "Allergy or intolerance"
	CategoryLabel    = "Category"
	ReactionLabel    = "Reaction (optional)"
	SeverityLabel    = "Severity of the reaction"
	CriticalityLabel = "Risk of a severe reaction"
	SubstanceHint    = "Penicillin, latex, peanut…"
	ReactionHint     = "Rash, anaphylaxis…"
)

// Choice is one option of a form's list: the words shown and the value
// stored (the FHIR code).
type Choice struct{ Value, Label string }

// Choices of the allergy and registration forms.
var (
	AllergyTypes = []Choice{{"allergy", "Allergy"}, {"intolerance", "Intolerance"}}
	Categories   = []Choice{{"medication", "Medication"}, {"food", "Food"}, {"environment", "Environment (latex, pollen…)"},
		{"biologic", "Biologic (blood products, vaccines…)"}}
	Severities    = []Choice{{"mild", "Mild"}, {"moderate", "Moderate"}, {"severe", "Severe"}}
	Criticalities = []Choice{{"high", "High risk"}, {"low", "Low risk"}, {"unable-to-assess", "Unable to assess"}}
	Sexes         = []Choice{{"female", "Female"}, {"male", "Male"}, {"other", "Other"}, {"unknown", "Unknown"}}
)

// Labels of the transfer, discharge and registration forms.
const (
	WardLabel        = "Ward"
	RoomLabel        = "Room (optional)"
	BedLabel         = "Bed (optional)"
	DestinationLabel = "Destination (optional)"
	DestinationHint  = "Home, another hospital, nursing home…"
	FamilyLabel      = "Family name"
	GivenLabel       = "Given name"
	SexLabel         = "Sex"
	BirthDateLabel   = "Birth date"
	BirthDateHint    = "dd/mm/yyyy, or only the year"
	EstimatedLabel   = "The birth date is estimated"
	LabelIDLabel     = "Pre-printed label (optional)"
	LabelIDHint      = "T-XXXX-XXXX-XXXX, or leave empty for a new one"
	UnknownNameHint  = "Leave empty when not known"
)

// Labels of the cancellation form.
const (
	EntryToCancelLabel = "Entry to cancel"
	EntryToCancelHint  = "Choose one of this patient's entries"
	CancelReasonLabel  = "Why it is cancelled"
	CancelReasonHint   = "Wrong patient, typing error…"
	// CancelAgain tells how a wrong entry is put right: cancel it, then
	// record it again.
	CancelAgain = "The entry stays in the chart, marked cancelled. To correct it, cancel it and record it again."
)

// Paper back-entry on every form.
const (
	FromPaperLabel = "From paper"
	SignedByLabel  = "Signed on paper by"
	SignedByHint   = "The name on the paper form"
)

// FromPaperCheck is the text of the "From paper" check box: who is
// transcribing is the nurse signed in.
func FromPaperCheck(user string) string {
	return i18n.F("Transcribing a signed paper form (transcribed by %s)", user)
}

// Sentences of these forms.
const (
	ChooseEntryToCancel = "Choose the entry to cancel."
	NothingToCancel     = "Nothing recorded during downtime for this patient can be cancelled."
	ChooseSex           = "Choose the sex: female, male, other or unknown."
	BirthDateFormat     = "Write the birth date as dd/mm/yyyy, mm/yyyy or only the year, like 14/03/1950 or 1950."
	SamePlace           = "That is where the patient already is: write the ward, room or bed they moved to."
	LabelIDFormat       = "The pre-printed label must read like T-4GQ7-2MXK-A9WR; check the label, or leave the field empty for a new one."
	// NeedsPaper is said for a clinical time beyond the live window without
	// "From paper": older care is back-entry from a signed paper form.
	NeedsPaper = "That was more than 24 h ago: tick “From paper” and write who signed the paper form."
)

// CancelChoice is an entry as the cancellation form lists it.
func CancelChoice(e store.JournalEntry) string {
	return DateTime(e.ClinicalTime) + " · " + EntrySummary(e.Entry)
}

// Labels are the words of a list of choices, in order, in the language in
// use.
func Labels(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = i18n.T(c.Label)
	}
	return out
}

// ChoiceValue is the value of the choice shown as label (in the language
// in use), or "".
func ChoiceValue(cs []Choice, label string) string {
	for _, c := range cs {
		if i18n.T(c.Label) == label {
			return c.Value
		}
	}
	return ""
}

// Registration: what the kiosk says once a new patient is registered.
const (
	RegisteredTitle = "Registered. Write this temporary identifier on the wristband and on every paper form:"
	CopyIDButton    = "Copy the identifier"
	OpenChartButton = "Open the chart"
	RegisterAnother = "Register another patient"
	Copied          = "Copied."
)

// TemporaryPatient is the line on a downtime-only chart.
func TemporaryPatient(id string) string {
	return i18n.F("REGISTERED DURING DOWNTIME as %s. There is no record of this patient in the snapshot: "+
		"only what was recorded during downtime on this kiosk is shown.", id)
}

// RegisteredFlag marks a patient registered during downtime in the census.
const RegisteredFlag = "REGISTERED IN DOWNTIME"

// DischargedFlag marks a patient discharged during downtime in the census.
const DischargedFlag = "DISCHARGED"

// MovedFlag marks a patient moved during downtime in the census.
func MovedFlag(t clinical.Transfer) string {
	return i18n.F("MOVED to %s", JoinSome(" · ", t.Ward, t.Room, bedOf(t.Bed)))
}

// RegistrationName is how a registered patient is named in lists.
func RegistrationName(r clinical.Registration) string {
	name := strings.TrimSpace(JoinSome(", ", strings.TrimSpace(r.Family), strings.TrimSpace(r.Given)))
	if name == "" {
		return i18n.T("Name unknown")
	}
	return name
}

// NoRegistration is said when a temporary patient's registration is not
// in the journal (it was cancelled, or the journal cannot be read).
const NoRegistration = "This temporary patient's registration is not in the downtime journal of this kiosk."

// Pack codes scanned in the census.

// OtherGeneration is the one-line warning when a scanned pack was printed
// from another snapshot generation than the one open.
const OtherGeneration = "Printed from another snapshot generation: check the paper against this chart."

// PackNotInCensus is said when a scanned pack names a patient this
// snapshot does not have.
func PackNotInCensus(id string) string {
	return i18n.F("The scanned pack is for patient %s, who is not in this snapshot.", id)
}

// UnsavedRegistration reminds that a registration left for a chart is
// kept, unsaved.
const UnsavedRegistration = "Not saved yet: the registration of a new patient. Choose “" + RegisterButton +
	"” in the census to finish or cancel it."

// ChoosePatient invites to open a chart.
const ChoosePatient = "Choose a patient from the list, or scan a wristband."

// SavedCancellation confirms a cancellation, naming what it withdrew:
// "Saved: cancelled the entry of 26/11/2026 08:05 (HR 72 /min): wrong
// patient."
func SavedCancellation(target clinical.Entry, reason string) string {
	return i18n.F("Saved: cancelled the entry of %s (%s): %s.", DateTime(target.ClinicalTime), EntrySummary(target),
		strings.TrimSuffix(strings.TrimSpace(reason), "."))

}
