package present

import (
	"fmt"
	"strconv"
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Entries recorded during downtime read the same wherever they are shown:
// what was done and when, then who recorded it and when it was typed. A
// corrected or cancelled entry stays visible, marked, so that nobody acts
// on it and nobody wonders where it went.

// DowntimeTitle heads what this kiosk recorded during the outage.
const DowntimeTitle = "Recorded during downtime"

// NoDowntimeEntries is said when this kiosk recorded nothing for the
// patient; another kiosk or paper may have.
const NoDowntimeEntries = "Nothing recorded during downtime on this kiosk."

// JournalUnreadable is the warning of the section when the journal could
// not be read: an empty section would read as "nothing was given".
const JournalUnreadable = "The downtime journal could not be read: entries recorded during downtime are NOT shown. Call IT."

// JournalProblems is the warning of the section, the banner and the
// census when verification of the journal found entries forged, altered or
// missing: what is not shown must never look like nothing recorded.
func JournalProblems(problems []store.JournalProblem) string {
	if len(problems) == 0 {
		return ""
	}
	seqs := make([]string, 0, len(problems))
	for _, p := range problems {
		if p.Seq > 0 && len(seqs) < 5 {
			seqs = append(seqs, strconv.FormatInt(p.Seq, 10))
		}
	}
	which := ""
	if len(seqs) > 0 {
		which = " (" + i18n.T("entry") + " " + strings.Join(seqs, ", ") + ")"
	}
	return fmt.Sprintf(i18n.T("The downtime journal failed verification%s: entries forged, altered or missing are NOT shown and are never sent to the EHR. Call IT."), which)
}

// DowntimeEntries lays out a patient's entries, newest first. A cancelled
// entry also says who cancelled it, when and why, when the cancellation is
// among the entries. What was cancelled or corrected is marked Struck.
func DowntimeEntries(entries []store.JournalEntry) Section {
	s := Section{Title: i18n.T(DowntimeTitle)}
	byID := make(map[string]store.JournalEntry, len(entries))
	for _, e := range entries {
		byID[e.ID] = e
	}
	for _, e := range entries {
		line := EntryLine(e)
		if c, ok := byID[e.SupersededBy]; ok && e.Cancelled && c.Cancellation != nil {
			line += " — " + CancelledBy(c.Entry)
		}
		s.Lines = append(s.Lines, line)
		s.Struck = append(s.Struck, e.Superseded())
	}
	if len(s.Lines) == 0 {
		s.Empty = i18n.T(NoDowntimeEntries)
	}
	return s
}

// CancelledBy says who withdrew an entry, when and why: "cancelled by RN
// Peeters at 26/11/2026 08:40: wrong patient".
func CancelledBy(c clinical.Entry) string {
	who := c.Author
	if t := c.Transcription; t != nil {
		who = i18n.F("%s (on paper, transcribed by %s)", t.FromPaperSignedBy, t.By)
	}
	return i18n.F("cancelled by %s at %s: %s", who, DateTime(c.EnteredAt), strings.TrimSpace(c.Cancellation.Reason))
}

// EntryLine is "26/11/2026 08:05 · Paracetamol 1 g · 1 g · oral · given —
// RN Peeters, entered 26/11/2026 08:07", marked when superseded.
func EntryLine(e store.JournalEntry) string {
	line := DateTime(e.ClinicalTime) + " · " + EntrySummary(e.Entry) + " — " + EntryAttribution(e.Entry)
	switch {
	case e.Cancelled:
		return i18n.T("[CANCELLED] ") + line
	case e.Superseded():
		return i18n.T("[CORRECTED, see the newer entry] ") + line
	}
	return line
}

// EntryAttribution says who recorded an entry and when it was typed:
// "RN Peeters, entered 26/11/2026 08:07", or for paper back-entry
// "transcribed by RN Peeters from paper signed by RN Claes, 27/11/2026 10:00".
func EntryAttribution(e clinical.Entry) string {
	if t := e.Transcription; t != nil {
		return i18n.F("transcribed by %s from paper signed by %s, %s", t.By, t.FromPaperSignedBy, DateTime(e.EnteredAt))
	}
	return i18n.F("%s, entered %s", e.Author, DateTime(e.EnteredAt))
}

// EntrySummary is what an entry documents, in a nurse's words.
func EntrySummary(e clinical.Entry) string {
	switch {
	case e.Medication != nil:
		return administered(e.Medication)
	case e.Vitals != nil:
		return vitalSigns(e.Vitals)
	case e.Note != nil:
		return i18n.T("Note: ") + strings.TrimSpace(e.Note.Text)
	case e.Allergy != nil:
		return newAllergy(e.Allergy)
	case e.Registration != nil:
		return registration(e.Registration)
	case e.Transfer != nil:
		return JoinSome(" · ", i18n.F("Transferred to %s", e.Transfer.Ward), e.Transfer.Room, bedOf(e.Transfer.Bed))
	case e.Discharge != nil:
		if d := e.Discharge.Destination; d != "" {
			return i18n.F("Discharged (%s)", d)
		}
		return i18n.T("Discharged")
	case e.Cancellation != nil:
		return i18n.T("Cancelled an earlier entry: ") + e.Cancellation.Reason
	case e.CodeStatus != nil:
		s := i18n.T(ChoiceLabel(CodeStatusChoices, e.CodeStatus.Level))
		if t := strings.TrimSpace(e.CodeStatus.Text); t != "" {
			s += " (" + t + ")"
		}
		return i18n.T("Code status: ") + s
	}
	return string(e.Kind)
}

func administered(m *clinical.Administered) string {
	dose := ""
	if m.Dose != nil {
		dose = i18n.Num(m.Dose.Value) + " " + m.Dose.Unit
	}
	outcome := m.Outcome
	switch m.Outcome {
	case clinical.OutcomeGiven:
		outcome = i18n.T("given")
	case clinical.OutcomeHeld, clinical.OutcomeRefused:
		outcome = i18n.F("NOT GIVEN: %s (%s)", i18n.T(m.Outcome), m.Reason)
	case clinical.OutcomePartial:
		outcome = i18n.F("partly given (%s)", m.Reason)
	}
	return JoinSome(" · ", m.Medication, dose, m.Route, m.Site, outcome, DoseMarks(m))
}

// DoseMarks is what a dose needs said next to it: "no order" for one given
// without an order of the snapshot, and the witness and the reason of a
// hard stop ("hard stop witnessed by Dr Claes: tolerated before").
func DoseMarks(m *clinical.Administered) string {
	var marks []string
	if m.NoOrder() && (m.Outcome == clinical.OutcomeGiven || m.Outcome == clinical.OutcomePartial) {
		marks = append(marks, i18n.T(NoOrderMark))
	}
	if o := m.Override; o != nil {
		marks = append(marks, i18n.F("hard stop witnessed by %s: %s", o.Witness, o.Reason))
	}
	return strings.Join(marks, " · ")
}

// NoOrderMark marks a dose given without an order.
const NoOrderMark = "no order"

func vitalSigns(v *clinical.VitalSigns) string {
	var parts []string
	add := func(p *float64, format string) {
		if p != nil {
			parts = append(parts, fmt.Sprintf(format, i18n.Num(*p)))
		}
	}
	if v.Systolic != nil && v.Diastolic != nil {
		parts = append(parts, i18n.F("BP %s mmHg", i18n.Num(*v.Systolic)+"/"+i18n.Num(*v.Diastolic)))
	}
	add(v.HeartRate, i18n.T("HR %s /min"))
	add(v.RespiratoryRate, i18n.T("RR %s /min"))
	add(v.Temperature, "T %s °C")
	add(v.SpO2, "SpO2 %s %%")
	add(v.Pain, i18n.T("pain %s/10"))
	parts = append(parts, newsExtras(v)...)
	if score, _, ok := v.NEWS2(); ok {
		parts = append(parts, i18n.F("NEWS2 %d", score))
	}
	return strings.Join(parts, " · ")
}

func newAllergy(a *clinical.NewAllergy) string {
	if a.Type == "intolerance" {
		return i18n.T("New intolerance: ") + allergyText(a)
	}
	return i18n.T("New allergy: ") + allergyText(a)
}

// allergyText is "Latex (rash; severe; HIGH RISK)".
func allergyText(a *clinical.NewAllergy) string {
	severity := a.Severity
	switch severity {
	case "mild", "moderate", "severe":
		severity = i18n.X("severity", severity)
	}
	detail := JoinSome("; ", a.Reaction, severity, i18n.T(map[string]string{"high": "HIGH RISK", "low": "low risk",
		"unable-to-assess": "risk not assessed"}[a.Criticality]))
	if detail != "" {
		return a.Substance + " (" + detail + ")"
	}
	return a.Substance
}

func registration(r *clinical.Registration) string {
	name := strings.TrimSpace(JoinSome(", ", r.Family, r.Given))
	if name == "" {
		name = i18n.T("name unknown")
	}
	born := ""
	if r.BirthDate != "" {
		born = i18n.F("born %s", Date(r.BirthDate))
		if r.BirthDateEstimated {
			born += " " + i18n.T(Estimated)
		}
	}
	return JoinSome(" · ", i18n.F("Registered as %s: %s", r.TemporaryID, name), sexWord(r.Sex), born, r.Ward, r.Room, bedOf(r.Bed))
}

func bedOf(bed string) string {
	if bed == "" {
		return ""
	}
	return i18n.F("bed %s", bed)
}

// JoinSome joins the parts that are not blank with sep (the chart's rows,
// and those of the transfer summary, app/ips).
func JoinSome(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// DowntimeAlerts are the lines a chart's header adds from the journal, so
// that what was learnt during the outage is seen with the banners: the new
// allergies (AllergyAlerts), then where the patient went (MoveAlerts).
// Superseded entries and cancellations are left out; entries are one
// patient's, in any order.
func DowntimeAlerts(entries []store.JournalEntry) []string {
	return append(AllergyAlerts(entries), MoveAlerts(entries)...)
}

// AllergyAlerts are the allergies and intolerances recorded during
// downtime: "NEW ALLERGY RECORDED DURING DOWNTIME: Latex (rash)".
func AllergyAlerts(entries []store.JournalEntry) []string {
	var out []string
	for _, e := range entries {
		if e.Allergy == nil || e.Superseded() {
			continue
		}
		what := i18n.T("NEW ALLERGY RECORDED DURING DOWNTIME: ")
		if e.Allergy.Type == "intolerance" {
			what = i18n.T("NEW INTOLERANCE RECORDED DURING DOWNTIME: ")
		}
		out = append(out, what+allergyText(e.Allergy))
	}
	return out
}

// MoveAlerts say where the patient went during downtime: the last transfer
// and the discharge that hold.
func MoveAlerts(entries []store.JournalEntry) []string {
	var out []string
	var moved, left *store.JournalEntry
	for i, e := range entries {
		switch {
		case e.Superseded():
		case e.Transfer != nil && (moved == nil || e.ClinicalTime.After(moved.ClinicalTime)):
			moved = &entries[i]
		case e.Discharge != nil && (left == nil || e.ClinicalTime.After(left.ClinicalTime)):
			left = &entries[i]
		}
	}
	if moved != nil {
		out = append(out, i18n.F("MOVED DURING DOWNTIME, %s: %s", DateTime(moved.ClinicalTime),
			JoinSome(" · ", moved.Transfer.Ward, moved.Transfer.Room, bedOf(moved.Transfer.Bed))))
	}
	if left != nil {
		line := i18n.F("DISCHARGED DURING DOWNTIME, %s", DateTime(left.ClinicalTime))

		if d := strings.TrimSpace(left.Discharge.Destination); d != "" {
			line += ": " + d
		}
		out = append(out, line)
	}
	return out
}
