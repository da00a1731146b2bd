package present

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// The chart layout is built here once and rendered alike by the window,
// the terminal and the printed pack: a header, the code-status and allergy
// banners, the alerts, then the sections in the order a nurse needs them.

// Header is who the chart is about and where they lie.
type Header struct {
	Name     string   // "Janssens, An"
	Lines    []string // born, sex, MRN; ward, room, bed, admitted; weight and height
	Deceased string   // "DECEASED 26/11/2026 03:10", or "" when not deceased
}

// MRN is a medical record number with its label ("MRN 6843936"); a
// number that already starts with the label ("MRN6843936", "MRN-40417")
// is not labelled twice.
func MRN(number string) string {
	if label := strings.TrimSpace(i18n.F("MRN %s", "")); strings.HasPrefix(strings.ToUpper(number), strings.ToUpper(label)) {
		return number
	}
	return i18n.F("MRN %s", number)
}

// PatientHeader lays out the header of a chart; now gives the age.
func PatientHeader(p clinical.Patient, now time.Time) Header {
	h := Header{Name: p.Name}
	if strings.TrimSpace(h.Name) == "" {
		h.Name = i18n.T("Name not recorded")
	}

	born := i18n.T("Date of birth not recorded")
	if p.BirthDate != "" {
		born = i18n.F("Born %s", Date(p.BirthDate))
		if a := AgeYears(p.BirthDate, now); a >= 0 {
			born += i18n.F(" (%d y)", a)
		}
	}
	mrn := i18n.T("MRN not recorded")
	if m := p.MRN(); m != "" {
		mrn = MRN(m)
	}
	h.Lines = append(h.Lines, strings.Join([]string{born, sexWord(p.Sex), mrn}, " · "))

	var where []string
	switch {
	case p.WardName != "":
		where = append(where, p.WardName)
	case p.Ward != "":
		where = append(where, i18n.F("Ward %s", p.Ward))
	}
	if p.Room != "" {
		where = append(where, p.Room)
	}
	if p.Bed != "" {
		where = append(where, bedOf(p.Bed))
	}
	if len(where) == 0 {
		where = append(where, i18n.T("Ward, room and bed not recorded"))
	}
	if !p.Admitted.IsZero() {
		where = append(where, i18n.F("admitted %s", DateTime(p.Admitted)))
	}
	h.Lines = append(h.Lines, strings.Join(where, " · "))
	h.Lines = append(h.Lines, measure("Weight", p.Weight)+" · "+measure("Height", p.Height))

	if p.Deceased {
		h.Deceased = i18n.T("DECEASED (date of death not recorded)")
		if !p.DeceasedAt.IsZero() {
			h.Deceased = i18n.F("DECEASED %s", DateTime(p.DeceasedAt))
		}
	}
	return h
}

// SexWord is a FHIR gender in words: "female", "sex unknown"…
func SexWord(gender string) string { return sexWord(gender) }

func sexWord(gender string) string {

	switch gender {
	case "female", "male", "other":
		return i18n.X("sex", gender)
	case "unknown":
		return i18n.T("sex unknown")
	}
	return i18n.T("sex not recorded")
}

// measure is "Weight 72.5 kg (26/11/2026 06:00)": a value never without
// its date, so an old weight cannot pass for today's.
func measure(what string, m *clinical.Measure) string {
	what = i18n.T(what)
	if m == nil {
		return i18n.F("%s not recorded", what)
	}
	s := what + " " + i18n.Num(m.Value)
	if u := Unit(m.Unit); u != "" {
		s += " " + u
	}
	return s + " (" + DateTime(m.Time) + ")"
}

// Alerts are the alert lines other than code status (which has its own
// banner): isolation, fall risk and the like, active ones only.
func Alerts(c *clinical.Chart) []string {
	var out []string
	for _, a := range c.Alerts.Items {
		if a.Kind != clinical.AlertCodeStatus && (a.Status == "" || a.Status == "active") {
			out = append(out, i18n.T("ALERT: ")+a.Text)
		}
	}
	return out
}

// Section is one part of the chart body as read by a nurse. Empty is the
// sentence shown when there are no lines; it keeps "none known" apart
// from "none recorded".
type Section struct {
	Title string
	Lines []string
	Empty string
	// Warning says that some records of the section could not be read.
	Warning string
	// Struck, when set, runs beside Lines: a line that no longer holds (a
	// cancelled or corrected downtime entry), to be shown faded or struck.
	Struck []bool
	// Marked, when set, runs beside Lines: a line that must stand out at
	// the bedside (a treatment limitation, an interpreter needed, nil by
	// mouth, a recent procedure), to be shown bold and in red.
	Marked []bool
}

// UnreadableSection is the warning of a section with unreadable records.
const UnreadableSection = "Some records of this section could not be read and are not shown."

// AdministrationWindow is how far back "Recent administrations" looks.
const AdministrationWindow = 24 * time.Hour

// Sections lays out the chart body in the order a nurse needs it:
// medications, recent administrations, vital signs, laboratory, problems
// and notes.
//
// asOf is the snapshot's data time. Recent administrations are those of the
// 24 h before it, not before now: nothing given after the data time is in
// the snapshot, so a window ending now would empty itself during a long
// outage and read as "nothing given". A zero asOf lists every
// administration.
func Sections(c *clinical.Chart, asOf time.Time) []Section {
	out := []Section{
		medications(c),
		administrations(c, asOf),
		vitals(c),
		labs(c),
		problems(c),
		notes(c),
	}
	for i, unreadable := range []bool{c.Medications.Unreadable, c.Administrations.Unreadable,
		c.Vitals.Unreadable, c.Labs.Unreadable, c.Problems.Unreadable, c.Notes.Unreadable} {
		if unreadable {
			out[i].Warning = i18n.T(UnreadableSection)

		}
	}
	// The reported medications follow the orders, apart from them, when
	// the source reports any.
	if r, ok := ReportedSection(c); ok {
		out = slices.Insert(out, 1, r)
	}
	return out
}

// ReportedTitle is the title of the medications the patient is reported to
// take (MedicationStatements), shown apart from the orders.
const ReportedTitle = "Reported (home) medications"

// ReportedNote says what a reported medication is, wherever they are
// listed.
const ReportedNote = "As reported (taken at home, or by the patient's own account): not orders, and never on the MAR. Give one only with an order."

// Reported are the chart's reported medications, current first.
func Reported(c *clinical.Chart) []clinical.Medication {
	var out []clinical.Medication
	for _, m := range ActiveFirst(c.Medications.Items) {
		if m.Reported() {
			out = append(out, m)
		}
	}
	return out
}

// ReportedSection lists the reported medications; ok is false when the
// chart has none.
func ReportedSection(c *clinical.Chart) (s Section, ok bool) {
	meds := Reported(c)
	if len(meds) == 0 {
		return Section{}, false
	}
	s = Section{Title: i18n.T(ReportedTitle), Lines: []string{i18n.T(ReportedNote)}}
	for _, m := range meds {
		s.Lines = append(s.Lines, ReportedLine(m))
	}
	if c.Medications.Unreadable {
		s.Warning = i18n.T(UnreadableSection)
	}
	return s, true
}

// ReportedLine is one reported medication: what and how, then since when,
// until when, by whom and when it was reported.
func ReportedLine(m clinical.Medication) string {
	s := MedicationLine(m)
	if !m.Start.IsZero() {
		s += i18n.F("; since %s", day(m.Start))
	}
	if !m.End.IsZero() {
		s += i18n.F("; until %s", day(m.End))
	}
	switch {
	case m.ReportedBy != "" && !m.Asserted.IsZero():
		s += i18n.F("; reported by %s on %s", m.ReportedBy, day(m.Asserted))
	case m.ReportedBy != "":
		s += i18n.F("; reported by %s", m.ReportedBy)
	case !m.Asserted.IsZero():
		s += i18n.F("; reported on %s", day(m.Asserted))
	}
	return s
}

// day is a time's date, dd/mm/yyyy.
func day(t time.Time) string { return t.Local().Format("02/01/2006") }

// section fills Empty when there are no lines.
func section(title string, lines []string, status clinical.SectionStatus, noun string) Section {
	s := Section{Title: title, Lines: lines}
	if len(lines) == 0 {
		s.Empty = Empty(status, noun)
	}
	return s
}

// ActiveFirst returns the orders active first, then on hold, then the
// others, each group in its given order; the input is left as it is.
func ActiveFirst(meds []clinical.Medication) []clinical.Medication {
	rank := func(m clinical.Medication) int {
		switch m.Status {
		case "active":
			return 0
		case "on-hold":
			return 1
		}
		return 2
	}
	out := slices.Clone(meds)
	slices.SortStableFunc(out, func(a, b clinical.Medication) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// medications are the orders; the reported medications have their own
// section (ReportedSection).
func medications(c *clinical.Chart) Section {
	var lines []string
	reported := false
	for _, m := range ActiveFirst(c.Medications.Items) {
		if m.Reported() {
			reported = true
			continue
		}
		lines = append(lines, MedicationLine(m))
	}
	s := section(i18n.T("Medications"), lines, c.Medications.Status, "medications")
	if len(lines) == 0 {
		s.Empty = EmptyOf(c.Medications, "medications")
	}
	if len(lines) == 0 && reported {
		s.Empty = i18n.T("No medication orders recorded – the reported medications follow")
	}
	return s
}

func administrations(c *clinical.Chart, asOf time.Time) Section {
	all := c.Administrations.Items
	title := i18n.F("Recent administrations (24 h up to the data time, %s)", DateTime(asOf))
	from := asOf.Add(-AdministrationWindow)
	if asOf.IsZero() {
		title, from = i18n.T("Administrations (data time unknown: all recorded are shown)"), time.Time{}
	}
	var recent []clinical.Administration
	for _, a := range all {
		if !a.Time.IsZero() && !a.Time.Before(from) {
			recent = append(recent, a)
		}
	}
	slices.SortStableFunc(recent, func(a, b clinical.Administration) int { return b.Time.Compare(a.Time) })
	var lines []string
	for _, a := range recent {
		lines = append(lines, AdministrationLine(a))
	}
	s := section(title, lines, c.Administrations.Status, "administrations")
	if len(lines) == 0 && len(all) > 0 {
		s.Empty = i18n.T("None recorded in these 24 h.")
		if asOf.IsZero() {
			s.Empty = i18n.T("None recorded with a time.")
		}
		var last *clinical.Administration
		for i, a := range all {
			if !a.Time.IsZero() && (last == nil || a.Time.After(last.Time)) {
				last = &all[i]
			}
		}
		if last != nil {
			s.Empty += i18n.F(" The last recorded: %s %s at %s.", last.Medication, administrationStatus(*last),
				DateTime(last.Time))
		}
	}
	return s
}

// AdministrationLine is "26/11/2026 04:00 · Paracetamol · 1 g · oral · given".
func AdministrationLine(a clinical.Administration) string {
	parts := []string{DateTime(a.Time), a.Medication}
	for _, p := range []string{i18n.Decimals(a.Dose), a.Route} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(append(parts, administrationStatus(a)), " · ")
}

func administrationStatus(a clinical.Administration) string {
	switch a.Status {
	case "completed":
		return i18n.T("given")
	case "not-done":
		if a.Reason != "" {
			return i18n.F("not given (%s)", a.Reason)
		}
		return i18n.T("not given")
	case "in-progress":
		return i18n.T("being given")
	case "on-hold":
		return i18n.T("on hold")
	case "", "unknown":
		return i18n.T("status unknown")
	}
	return a.Status
}

func vitals(c *clinical.Chart) Section {
	var lines []string
	for _, o := range clinical.Latest(c.Vitals.Items) {
		lines = append(lines, fmt.Sprintf("%s: %s — %s", ObservationName(o), Observation(o), DateTime(o.Time)))
	}
	return section(i18n.T("Vital signs (latest)"), lines, c.Vitals.Status, "vital signs")
}

func labs(c *clinical.Chart) Section {
	var lines []string
	for _, o := range clinical.Latest(c.Labs.Items) {
		line := ObservationName(o) + ": " + Observation(o)
		if r := Range(o); r != "" {
			line += i18n.F(" (ref %s)", r)
		}
		lines = append(lines, line+" — "+DateTime(o.Time))
	}
	return section(i18n.T("Laboratory (latest)"), lines, c.Labs.Status, "laboratory results")
}

func problems(c *clinical.Chart) Section {
	ps := slices.Clone(c.Problems.Items)
	rank := func(p clinical.Problem) int {
		switch p.ClinicalStatus {
		case "active", "recurrence", "relapse":
			return 0
		}
		return 1
	}
	slices.SortStableFunc(ps, func(a, b clinical.Problem) int { return cmp.Compare(rank(a), rank(b)) })
	var lines []string
	for _, p := range ps {
		status := problemStatus(p.ClinicalStatus)
		if status == "" {
			status = i18n.T("status not recorded")
		}
		switch p.VerificationStatus {
		case "unconfirmed", "provisional", "differential", "refuted":
			status += ", " + i18n.X("problem verification", p.VerificationStatus)
		}
		if !p.Onset.IsZero() {
			status += i18n.F(", since %s", p.Onset.Local().Format("02/01/2006"))
		}
		lines = append(lines, p.Name+" ("+status+")")
	}
	s := section(i18n.T("Problems"), lines, c.Problems.Status, "problems")
	if len(lines) == 0 {
		s.Empty = EmptyOf(c.Problems, "problems")
	}
	return s
}

// problemStatus is a problem's clinical status in words; an unknown code
// is shown as it is.
func problemStatus(s string) string {
	switch s {
	case "active", "recurrence", "relapse", "inactive", "remission", "resolved":
		return i18n.X("problem status", s)
	}
	return s
}

func notes(c *clinical.Chart) Section {
	ns := slices.Clone(c.Notes.Items)
	slices.SortStableFunc(ns, func(a, b clinical.Note) int { return b.Time.Compare(a.Time) })
	var lines []string
	for _, n := range ns {
		author := n.Author
		if author == "" {
			author = i18n.T("author not recorded")
		}
		head := []string{DateTime(n.Time), author}
		if n.Title != "" {
			head = append(head, n.Title)
		}
		line := strings.Join(head, " · ")
		if t := strings.TrimSpace(n.Text); t != "" {
			line += "\n" + t
		}
		lines = append(lines, line)
	}
	return section(i18n.T("Notes"), lines, c.Notes.Status, "notes")

}
