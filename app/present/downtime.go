package present

import (
	"fmt"
	"strings"

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

// DowntimeEntries lays out a patient's entries, newest first. A cancelled
// entry also says who cancelled it, when and why, when the cancellation is
// among the entries. What was cancelled or corrected is marked Struck.
func DowntimeEntries(entries []store.JournalEntry) Section {
	s := Section{Title: DowntimeTitle}
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
		s.Empty = NoDowntimeEntries
	}
	return s
}

// CancelledBy says who withdrew an entry, when and why: "cancelled by RN
// Peeters at 26/11/2026 08:40: wrong patient".
func CancelledBy(c store.Entry) string {
	who := c.Author
	if t := c.Transcription; t != nil {
		who = t.FromPaperSignedBy + " (on paper, transcribed by " + t.By + ")"
	}
	return "cancelled by " + who + " at " + DateTime(c.EnteredAt) + ": " + strings.TrimSpace(c.Cancellation.Reason)
}

// EntryLine is "26/11/2026 08:05 · Paracetamol 1 g · 1 g · oral · given —
// RN Peeters, entered 26/11/2026 08:07", marked when superseded.
func EntryLine(e store.JournalEntry) string {
	line := DateTime(e.ClinicalTime) + " · " + EntrySummary(e.Entry) + " — " + EntryAttribution(e.Entry)
	switch {
	case e.Cancelled:
		return "[CANCELLED] " + line
	case e.Superseded():
		return "[CORRECTED, see the newer entry] " + line
	}
	return line
}

// EntryAttribution says who recorded an entry and when it was typed:
// "RN Peeters, entered 26/11/2026 08:07", or for paper back-entry
// "transcribed by RN Peeters from paper signed by RN Claes, 27/11/2026 10:00".
func EntryAttribution(e store.Entry) string {
	if t := e.Transcription; t != nil {
		return fmt.Sprintf("transcribed by %s from paper signed by %s, %s", t.By, t.FromPaperSignedBy, DateTime(e.EnteredAt))
	}
	return e.Author + ", entered " + DateTime(e.EnteredAt)
}

// EntrySummary is what an entry documents, in a nurse's words.
func EntrySummary(e store.Entry) string {
	switch {
	case e.Medication != nil:
		return administered(e.Medication)
	case e.Vitals != nil:
		return vitalSigns(e.Vitals)
	case e.Note != nil:
		return "Note: " + strings.TrimSpace(e.Note.Text)
	case e.Allergy != nil:
		return newAllergy(e.Allergy)
	case e.Registration != nil:
		return registration(e.Registration)
	case e.Transfer != nil:
		return joinSome(" · ", "Transferred to "+e.Transfer.Ward, e.Transfer.Room, bedOf(e.Transfer.Bed))
	case e.Discharge != nil:
		if d := e.Discharge.Destination; d != "" {
			return "Discharged (" + d + ")"
		}
		return "Discharged"
	case e.Cancellation != nil:
		return "Cancelled an earlier entry: " + e.Cancellation.Reason
	}
	return string(e.Kind)
}

func administered(m *store.Administered) string {
	dose := ""
	if m.Dose != nil {
		dose = trimFloat(m.Dose.Value) + " " + m.Dose.Unit
	}
	outcome := m.Outcome
	switch m.Outcome {
	case store.OutcomeHeld, store.OutcomeRefused:
		outcome = "NOT GIVEN: " + m.Outcome + " (" + m.Reason + ")"
	case store.OutcomePartial:
		outcome = "partly given (" + m.Reason + ")"
	}
	return joinSome(" · ", m.Medication, dose, m.Route, m.Site, outcome)
}

func vitalSigns(v *store.VitalSigns) string {
	var parts []string
	add := func(p *float64, format string) {
		if p != nil {
			parts = append(parts, fmt.Sprintf(format, trimFloat(*p)))
		}
	}
	if v.Systolic != nil && v.Diastolic != nil {
		parts = append(parts, "BP "+trimFloat(*v.Systolic)+"/"+trimFloat(*v.Diastolic)+" mmHg")
	}
	add(v.HeartRate, "HR %s /min")
	add(v.RespiratoryRate, "RR %s /min")
	add(v.Temperature, "T %s °C")
	add(v.SpO2, "SpO2 %s %%")
	add(v.Pain, "pain %s/10")
	return strings.Join(parts, " · ")
}

func newAllergy(a *store.NewAllergy) string {
	if a.Type == "intolerance" {
		return "New intolerance: " + allergyText(a)
	}
	return "New allergy: " + allergyText(a)
}

// allergyText is "Latex (rash; severe; HIGH RISK)".
func allergyText(a *store.NewAllergy) string {
	detail := joinSome("; ", a.Reaction, a.Severity, map[string]string{"high": "HIGH RISK", "low": "low risk",
		"unable-to-assess": "risk not assessed"}[a.Criticality])
	if detail != "" {
		return a.Substance + " (" + detail + ")"
	}
	return a.Substance
}

func registration(r *store.Registration) string {
	name := strings.TrimSpace(joinSome(", ", r.Family, r.Given))
	if name == "" {
		name = "name unknown"
	}
	born := ""
	if r.BirthDate != "" {
		born = "born " + Date(r.BirthDate)
		if r.BirthDateEstimated {
			born += " (estimated)"
		}
	}
	return joinSome(" · ", "Registered as "+r.TemporaryID+": "+name, sexWord(r.Sex), born, r.Ward, r.Room, bedOf(r.Bed))
}

func bedOf(bed string) string {
	if bed == "" {
		return ""
	}
	return "bed " + bed
}

// joinSome joins the parts that are not empty.
func joinSome(sep string, parts ...string) string {
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
		what := "NEW ALLERGY"
		if e.Allergy.Type == "intolerance" {
			what = "NEW INTOLERANCE"
		}
		out = append(out, what+" RECORDED DURING DOWNTIME: "+allergyText(e.Allergy))
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
		out = append(out, "MOVED DURING DOWNTIME, "+DateTime(moved.ClinicalTime)+": "+
			joinSome(" · ", moved.Transfer.Ward, moved.Transfer.Room, bedOf(moved.Transfer.Bed)))
	}
	if left != nil {
		line := "DISCHARGED DURING DOWNTIME, " + DateTime(left.ClinicalTime)
		if d := strings.TrimSpace(left.Discharge.Destination); d != "" {
			line += ": " + d
		}
		out = append(out, line)
	}
	return out
}
