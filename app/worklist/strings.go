package worklist

import (
	"slices"
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/store"
	"lifeboat/sync/reconcile"
)

// Every text the worklist shows is here, in English, so that it can be
// translated in one place. They go through the kiosk's catalogue (i18n),
// which gives the English text back until a translation is added.

func tr(s string) string                 { return i18n.T(s) }
func trf(format string, a ...any) string { return i18n.F(format, a...) }

// The window and the unlock screen.
const (
	windowTitle     = "Lifeboat – reconciliation worklist"
	unlockTitle     = "Reconciliation worklist"
	unlockSubtitle  = "For IT and health-records staff: decide what the reconciliation left for a person. Unlock with the IT recovery key of this kiosk."
	keyFileLabel    = "Recovery key file"
	keyFileHint     = "Path of the file holding the key, e.g. /media/usb/lifeboat-recovery.txt"
	keyTextLabel    = "or paste the key itself"
	keyTextHint     = "AGE-SECRET-KEY-…"
	userLabel       = "Your name or staff number"
	userHint        = "Recorded as the author of every decision"
	unlockButton    = "Unlock"
	unlocking       = "Unlocking…"
	needKey         = "Give the recovery key: the path of its file, or the key pasted."
	needUser        = "Enter your name or staff number: every decision is recorded under it."
	wrongKey        = "That is not this kiosk's IT recovery key."
	keyFileUnread   = "The key file could not be read: check the path."
	notInitialised  = "This data folder has no Lifeboat keys: it is not a kiosk's data folder."
	noReport        = "No reconciliation plan on this kiosk yet: run lifeboat reconcile --data DIR --fhir URL first, then open the worklist again."
	reportDamaged   = "The newest reconciliation report cannot be read: it was altered or is damaged."
	cannotOpenFmt   = "The worklist could not be opened: %s"
	lockButton      = "Lock"
	decidingAsFmt   = "Deciding as %s"
	planOfFmt       = "Plan of %s — run lifeboat reconcile to apply decisions"
	dryRunPlan      = " (a dry run)"
	stoppedFmt      = "That run stopped before the end: %s"
	totalsFmt       = "%d created · %d already there · %d linked · %d skipped · %d in conflict · %d to link · %d refused"
	filterToDo      = "To do"
	filterConflicts = "Conflicts"
	filterLinks     = "To link"
	filterRefused   = "Refused"
	filterDecided   = "Decided"
	filterAll       = "All"
	filterCountFmt  = "%s (%d)"
	nothingToDo     = "Nothing left to decide in this list."
	chooseItem      = "Choose an item on the left (arrow keys, then Enter)."
)

// The detail pane.
const (
	patientFmt        = "Patient: %s"
	patientEHRFmt     = "Patient: %s → EHR %s"
	downtimeSide      = "Downtime (this kiosk)"
	ehrSide           = "EHR now"
	byFmt             = "by %s"
	atFmt             = "at %s"
	referenceFmt      = "record %s"
	noServerSide      = "Nothing in the EHR to compare with."
	noServerLink      = "No EHR record is linked to this patient yet."
	notStated         = "not stated"
	whyFmt            = "Why it waits: %s"
	candidatesTitle   = "EHR patients proposed (by name, birth date and sex), best first"
	noCandidates      = "The EHR proposed no patient: search for the record in the EHR and link it by its id, or create a new patient."
	candidateFmt      = "%d. %s · born %s · %s · score %d — %s"
	linkButton        = "Link to this patient"
	linkIDLabel       = "Or link to an EHR patient by its id"
	linkIDHint        = "FHIR id of the Patient, e.g. 12345"
	linkIDButton      = "Link to this id"
	reasonLabel       = "Why (required to push anyway or skip)"
	reasonHint        = "e.g. confirmed with the prescriber by phone"
	pushButton        = "Push anyway"
	skipButton        = "Skip"
	editButton        = "Edit then push…"
	newPatientButton  = "Create as new patient"
	registrationFirst = "This entry waits for its temporary patient: decide on the patient's registration (link or create), or link this entry by the EHR patient's id."
	needReasonPush    = "Say why it is pushed anyway: type the reason first."
	needReasonSkip    = "Say why it is skipped: type the reason first."
	needLinkID        = "Type the FHIR id of the EHR patient to link to."
	recording         = "Recording the decision…"
	notSavedFmt       = "Not recorded: %s"
	decidedFmt        = "Decided: %s by %s at %s"
	decidedReasonFmt  = "Decided: %s by %s at %s — %s"
	applyNote         = "Run lifeboat reconcile to apply it."
	reconciledFmt     = "Reconciled since this plan: %s."
	actionPush        = "push anyway"
	actionSkip        = "skip"
	actionLinkFmt     = "link to EHR patient %s"
	actionNewPatient  = "create as a new patient"
	actionCorrected   = "corrected, the correction pushed"
)

// Edit then push.
const (
	editTitleFmt    = "Correct this %s entry, then push the correction"
	editExplain     = "The correction is recorded as a new entry that supersedes this one; this one is then not pushed."
	doseValueLabel  = "Dose"
	doseUnitLabel   = "Unit"
	routeLabel      = "Route"
	siteLabel       = "Site"
	systolicLabel   = "Systolic (mmHg)"
	diastolicLabel  = "Diastolic (mmHg)"
	heartRateLabel  = "Heart rate (/min)"
	respRateLabel   = "Respiratory rate (/min)"
	tempLabel       = "Temperature (°C)"
	spo2Label       = "SpO2 (%)"
	painLabel       = "Pain (0–10)"
	noteLabel       = "Note"
	substanceLabel  = "Substance"
	reactionLabel   = "Reaction"
	typeLabel       = "Type"
	categoryLabel   = "Category"
	severityLabel   = "Severity"
	critLabel       = "Criticality"
	careByLabel     = "Who did the care (signed the original)"
	editReasonLabel = "Why the correction (required)"
	saveEditButton  = "Save the correction and push it"
	cancelButton    = "Cancel"
	notANumberFmt   = "%s is not a number."
	needEditReason  = "Say why it is corrected: type the reason first."
	unchanged       = "Nothing was changed: change a value, or use Push anyway."
)

var kindWords = map[store.Kind]string{
	store.KindMedication:   "medication",
	store.KindVitals:       "vital signs",
	store.KindNote:         "note",
	store.KindAllergy:      "allergy",
	store.KindRegistration: "registration",
	store.KindTransfer:     "transfer",
	store.KindDischarge:    "discharge",
	store.KindCancellation: "cancellation",
	store.KindDecision:     "decision",
	store.KindCodeStatus:   "code status",
}

func kindWord(k store.Kind) string {
	if w, ok := kindWords[k]; ok {
		return tr(w)
	}
	return string(k)
}

var outcomeWords = map[reconcile.Outcome]string{
	reconcile.Conflict:     "CONFLICT",
	reconcile.NeedsLink:    "TO LINK",
	reconcile.Failed:       "REFUSED BY THE EHR",
	reconcile.Skip:         "SKIPPED",
	reconcile.Create:       "TO PUSH",
	reconcile.AlreadyThere: "ALREADY THERE",
	reconcile.Nothing:      "NOTHING TO PUSH",
}

func outcomeWord(o reconcile.Outcome) string {
	if w, ok := outcomeWords[o]; ok {
		return tr(w)
	}
	return string(o)
}

var conflictWords = map[string]string{
	reconcile.ConflictOrderStopped:    "the order was stopped",
	reconcile.ConflictOrderChanged:    "the order changed",
	reconcile.ConflictOrderMissing:    "the order is gone",
	reconcile.ConflictAllergyExists:   "the allergy is already recorded",
	reconcile.ConflictPatientMerged:   "the patient was merged",
	reconcile.ConflictPatientMissing:  "the patient record is gone",
	reconcile.ConflictEncounterClosed: "the encounter is closed",
	reconcile.ConflictCorrectsPushed:  "it corrects an entry already pushed",
}

func conflictWord(c string) string {
	if w, ok := conflictWords[c]; ok {
		return tr(w)
	}
	return c
}

var stateWords = map[string]string{
	store.StateCreated:      "created in the EHR",
	store.StateAlreadyThere: "already there",
	store.StateLinked:       "linked",
	store.StateSkipped:      "skipped",
	store.StateSuperseded:   "superseded by a correction",
	store.StateLocal:        "kept on the kiosk",
}

func stateWord(s string) string {
	if w, ok := stateWords[s]; ok {
		return tr(w)
	}
	return s
}

// The plan's own words: sync/reconcile writes them in English into the
// report (an item's reason, the EHR side's value, why a patient is
// proposed). The worklist shows those it knows here translated, and any
// other (a reason a person typed, the EHR's own refusal) as written.
var planSentences = []string{
	"corrected or cancelled before it was pushed",
	"the entry it cancels was never pushed",
	"it corrects an entry already in the EHR: push it as a new record and mark the first in error there, or skip it",
	"a patient registered during downtime: link to an EHR record or create a new one",
	"the temporary patient's registration is not in this journal: link the patient",
	"the temporary patient is not linked to an EHR record yet",
	"waiting for the temporary patient to be linked to an EHR record or created",
	"the EHR has no record of this patient any more",
	"the patient's record was merged into another: link the entry to the surviving record",
	"the patient's EHR record is marked inactive",
	"an allergy to the same substance is already in the EHR",
	"the EHR has no current encounter for the patient: were they already discharged?",
	"the order the dose was given on is no longer in the EHR",
	"the order's medication, dose or timing changed in the EHR since the snapshot",
	// The EHR side of a conflict.
	"no record",
	"inactive",
	"no order",
	"no current encounter",
	"encounter finished",
}

// The plan's words with a part filled in.
const (
	orderStatusFmt = "the order is %s in the EHR now" // the order's status (order status|…)
	refusedFmt     = "the FHIR server refused it: %s" // the server's answer, as written
	mergedFmt      = "merged into %s"                 // Patient/…
	sameFmt        = "same %s"                        // matchWords, joined by ", "
)

// matchWords are what a proposed EHR patient has in common with the
// temporary one.
var matchWords = []string{"family name", "given name", "initial", "birth date", "birth year", "sex"}

// planText is a text of the plan in the language in use when it is one
// the worklist knows, else as written.
func planText(s string) string {
	if slices.Contains(planSentences, s) {
		return tr(s)
	}
	if status, ok := filled(orderStatusFmt, s); ok {
		if i18n.Has("order status|" + status) {
			status = i18n.X("order status", status)
		}
		return trf(orderStatusFmt, status)
	}
	for _, format := range []string{refusedFmt, mergedFmt} {
		if part, ok := filled(format, s); ok {
			return trf(format, part)
		}
	}
	return s
}

// matchWhy is why the plan proposes a patient ("same family name, birth
// date") in the language in use.
func matchWhy(s string) string {
	list, ok := filled(sameFmt, s)
	if !ok || list == "" {
		return s
	}
	words := strings.Split(list, ", ")
	for i, w := range words {
		if !slices.Contains(matchWords, w) {
			return s
		}
		words[i] = tr(w)
	}
	return trf(sameFmt, strings.Join(words, ", "))
}

// filled is what s puts in place of the one %s of format, if s reads as
// format.
func filled(format, s string) (string, bool) {
	before, after, _ := strings.Cut(format, "%s")
	if len(s) < len(before)+len(after) || !strings.HasPrefix(s, before) || !strings.HasSuffix(s, after) {
		return "", false
	}
	return s[len(before) : len(s)-len(after)], true
}
