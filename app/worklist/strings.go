package worklist

import (
	"slices"
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/reconcile"
)

// The worklist writes its words where they are shown, in English, as
// i18n.T("…") or i18n.F("…", …), as the kiosk does. Here are only those it
// looks up by a code or uses as a key: what a kind, an outcome, a conflict
// or a state is called, the plan's own sentences, the filters and the edit
// form's fields. The tests of app/i18n read this file to check that each
// is in the catalogue, in Dutch and French too.

// The list's filters and the edit form's fields, whose texts the code
// uses as keys too; each is translated where it is shown.
const (
	filterToDo      = "To do"
	filterConflicts = "Conflicts"
	filterLinks     = "To link"
	filterRefused   = "Refused"
	filterDecided   = "Decided"
	filterAll       = "All"
	notStated       = "not stated"
	noWard          = "no ward" // at the hub, a kiosk the hub names no ward for

	doseValueLabel = "Dose"
	doseUnitLabel  = "Unit"
	routeLabel     = "Route"
	siteLabel      = "Site"
	systolicLabel  = "Systolic (mmHg)"
	diastolicLabel = "Diastolic (mmHg)"
	heartRateLabel = "Heart rate (/min)"
	respRateLabel  = "Respiratory rate (/min)"
	tempLabel      = "Temperature (°C)"
	spo2Label      = "SpO2 (%)"
	painLabel      = "Pain (0–10)"
	noteLabel      = "Note"
	substanceLabel = "Substance"
	reactionLabel  = "Reaction"
	typeLabel      = "Type"
	categoryLabel  = "Category"
	severityLabel  = "Severity"
	critLabel      = "Criticality"
)

var kindWords = map[clinical.Kind]string{
	clinical.KindMedication:   "medication",
	clinical.KindVitals:       "vital signs",
	clinical.KindNote:         "note",
	clinical.KindAllergy:      "allergy",
	clinical.KindRegistration: "registration",
	clinical.KindTransfer:     "transfer",
	clinical.KindDischarge:    "discharge",
	clinical.KindCancellation: "cancellation",
	clinical.KindDecision:     "decision",
	clinical.KindCodeStatus:   "code status",
}

func kindWord(k clinical.Kind) string { return i18n.Word(kindWords, k, string(k)) }

var outcomeWords = map[reconcile.Outcome]string{
	reconcile.Conflict:     "CONFLICT",
	reconcile.NeedsLink:    "TO LINK",
	reconcile.Failed:       "REFUSED BY THE EHR",
	reconcile.Skip:         "SKIPPED",
	reconcile.Create:       "TO PUSH",
	reconcile.AlreadyThere: "ALREADY THERE",
	reconcile.Nothing:      "NOTHING TO PUSH",
}

func outcomeWord(o reconcile.Outcome) string { return i18n.Word(outcomeWords, o, string(o)) }

var conflictWords = map[string]string{
	reconcile.ConflictOrderStopped:    "the order was stopped",
	reconcile.ConflictOrderChanged:    "the order changed",
	reconcile.ConflictOrderMissing:    "the order is gone",
	reconcile.ConflictAllergyExists:   "the allergy is already recorded",
	reconcile.ConflictPatientMerged:   "the patient was merged",
	reconcile.ConflictPatientMissing:  "the patient record is gone",
	reconcile.ConflictEncounterClosed: "the encounter is closed",
	reconcile.ConflictCorrectsPushed:  "it corrects an entry already pushed",
	reconcile.ConflictRecordedTwice:   "the same dose was recorded on two kiosks",
	reconcile.ConflictCorrectedTwice:  "it was corrected twice, at the hub and on its kiosk",
}

func conflictWord(c string) string { return i18n.Word(conflictWords, c, c) }

var stateWords = map[string]string{
	store.StateCreated:      "created in the EHR",
	store.StateAlreadyThere: "already there",
	store.StateLinked:       "linked",
	store.StateSkipped:      "skipped",
	store.StateSuperseded:   "superseded by a correction",
	store.StateLocal:        "kept on the kiosk",
}

func stateWord(s string) string { return i18n.Word(stateWords, s, s) }

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
	"the same person was registered on another kiosk too: deciding that registration links this one with it",
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
	// At the hub: a dose recorded on two kiosks (the other's id and entry),
	// and the link a registration takes from the same person's first one.
	twiceFmt    = "the same dose was also recorded on kiosk %s (entry %s): push one and skip the other, or push both if both were given"
	followedFmt = "the same person as registration %s on another kiosk"
)

// matchWords are what a proposed EHR patient has in common with the
// temporary one.
var matchWords = []string{"family name", "given name", "initial", "birth date", "birth year", "sex"}

// planText is a text of the plan in the language in use when it is one
// the worklist knows, else as written.
func planText(s string) string {
	if slices.Contains(planSentences, s) {
		return i18n.T(s)
	}
	if status, ok := filled(orderStatusFmt, s); ok {
		if i18n.Has("order status|" + status) {
			status = i18n.X("order status", status)
		}
		return i18n.F(orderStatusFmt, status)
	}
	for _, format := range []string{refusedFmt, mergedFmt, followedFmt} {
		if part, ok := filled(format, s); ok {
			return i18n.F(format, part)
		}
	}
	if parts, ok := filledAll(twiceFmt, s); ok {
		return i18n.F(twiceFmt, parts[0], parts[1])
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
		words[i] = i18n.T(w)
	}
	return i18n.F(sameFmt, strings.Join(words, ", "))
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

// filledAll is what s puts in place of each %s of format, if s reads as
// format; each part ends at the first text that follows it in format.
func filledAll(format, s string) ([]string, bool) {
	texts := strings.Split(format, "%s")
	rest, ok := strings.CutPrefix(s, texts[0])
	if !ok {
		return nil, false
	}
	var parts []string
	for i, t := range texts[1:] {
		var part string
		if i == len(texts)-2 {
			if part, ok = strings.CutSuffix(rest, t); !ok {
				return nil, false
			}
		} else if part, rest, ok = strings.Cut(rest, t); !ok {
			return nil, false
		}
		parts = append(parts, part)
	}
	return parts, true
}
