// Package present decides how a chart reads to a nurse, for the window,
// the terminal and the printed pack alike: dates as dd/mm/yyyy and 24 h,
// ages, the allergy banner, and the words that keep "none known" apart
// from "none recorded". It holds no state and touches no disk.
//
// It says things; it decides nothing clinical. When a dose is due or
// overdue, which record documents it, NEWS2 and its scores, PRN limits
// and every check of an entry are package clinical's, which present calls.
package present

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// DateTime formats a clinical time in local time, 24 h: "26/11/2026 06:15".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return i18n.T("date unknown")
	}
	return t.Local().Format("02/01/2006 15:04")
}

// Date formats a FHIR date (possibly partial) as dd/mm/yyyy.
func Date(fhirDate string) string {
	if t, err := time.Parse("2006-01-02", fhirDate); err == nil {
		return t.Format("02/01/2006")
	}
	if t, err := time.Parse("2006-01", fhirDate); err == nil {
		return t.Format("01/2006")
	}
	if fhirDate == "" {
		return i18n.T("unknown")
	}
	return fhirDate
}

// AgeYears is the age in whole years on now, or -1 when unknown.
func AgeYears(birthDate string, now time.Time) int {
	if b, err := time.Parse("2006-01-02", birthDate); err == nil {
		age := now.Year() - b.Year()
		if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
			age--
		}
		return age
	}
	if len(birthDate) >= 4 {
		if y, err := strconv.Atoi(birthDate[:4]); err == nil {
			return now.Year() - y
		}
	}
	return -1
}

// Sex is the short form used in lists: F, M, X or ? (V, M, X, ? in Dutch).
func Sex(gender string) string {
	switch gender {
	case "female":
		return i18n.X("sex", "F")
	case "male":
		return i18n.X("sex", "M")
	case "other":
		return "X"
	}
	return "?"
}

// Age says how old data is the way a nurse reads it: "4 min",
// "2 h 17 min", "3 d 4 h".
func Age(d time.Duration) string { return AgeIn(i18n.Current(), d) }

// AgeIn is Age in language l (a page made for each reader's language).
func AgeIn(l i18n.Lang, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int(d / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf(i18n.In(l, "%d min"), m)
	case m < 24*60:
		return fmt.Sprintf(i18n.In(l, "%d h %d min"), m/60, m%60)
	}
	return fmt.Sprintf(i18n.In(l, "%d d %d h"), m/(24*60), (m/60)%24)
}

// Warning is one sentence for the screen when an older generation had to
// be opened because newer ones were refused, or "" when the newest opened.
func Warning(s *store.Snapshot, now time.Time) string {
	if len(s.Refused) == 0 {
		return ""
	}
	var why []string
	for _, r := range s.Refused {
		why = append(why, i18n.F("generation %d %s", r.Generation, r.Reason))
	}
	return i18n.F("Showing older generation %d, data as of %s (%s old), because %s.",
		s.Manifest.Generation, DateTime(s.Manifest.AsOf), Age(now.Sub(s.Manifest.AsOf)), strings.Join(why, "; "))
}

// Unreadable is the sentence that says how many source records were
// skipped when the snapshot was built, or "" when none were: a chart
// missing records must not look complete.
func Unreadable(m store.Manifest) string {
	switch {
	case m.Malformed <= 0:
		return ""
	case m.Malformed == 1:
		return i18n.T("1 source record could not be read and is not shown.")
	}
	return i18n.F("%d source records could not be read and are not shown.", m.Malformed)
}

// BannerWarning is the warning line under the downtime banner: a rollback
// (generations sealed here before are gone), the older generation warning
// and the unreadable records, or "" when there is
// nothing to warn about.
func BannerWarning(s *store.Snapshot, now time.Time) string {
	var parts []string
	rollback := ""
	if s.Rollback != "" {
		// The store's sentence, in English like its other checks.
		rollback = strings.ToUpper(s.Rollback[:1]) + s.Rollback[1:] + ": this may not be the newest data. Call IT."
	}
	for _, p := range []string{rollback, Warning(s, now), Unreadable(s.Manifest)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// Freshness is the downtime banner line: "DOWNTIME – data as of 26/11/2026
// 06:15, 2 h 17 min old (generation 12)".
func Freshness(m store.Manifest, now time.Time) string {
	return i18n.F("DOWNTIME – data as of %s, %s old (generation %d)",
		DateTime(m.AsOf), Age(now.Sub(m.AsOf)), m.Generation)
}

// Empty says what an empty section means, never confusing the two kinds
// of empty: "None known (asserted by the source)" or "None recorded".
// Anything but an asserted none-known reads as none-recorded: an unsettled
// section must never look like the source said there is nothing. The
// sentence is looked up whole (the catalogue has it for each noun used), so
// that each language can agree its words with the noun.
func Empty(status clinical.SectionStatus, noun string) string {
	if status == clinical.NoneKnown {
		return i18n.T("No known " + noun + " (stated in the record)")
	}
	return i18n.T("No " + noun + " recorded – this does not mean there are none")
}

// EmptyOf is Empty for a section, followed by why the source says it is
// empty when it says so without asserting there is nothing (an IPS
// section's empty reason): "No problems recorded – this does not mean
// there are none (not available in the source)".
func EmptyOf[T any](s clinical.Section[T], noun string) string {
	e := Empty(s.Status, noun)
	if s.Status == clinical.NoneRecorded && s.EmptyReason != "" {
		e += " (" + EmptyReason(s.EmptyReason) + ")"
	}
	return e
}

// EmptyReason is a list-empty-reason code in words; an unknown code is
// shown as it is.
func EmptyReason(code string) string {
	switch code {
	case "unavailable":
		return i18n.T("not available in the source")
	case "notasked":
		return i18n.T("not asked")
	case "withheld":
		return i18n.T("withheld")
	case "notstarted":
		return i18n.T("not started")
	case "closed":
		return i18n.T("closed: no longer kept up to date")
	}
	return code
}

// ActiveAllergies are the allergies a nurse must see first: the active
// ones and those with no clinical status (which may be active).
func ActiveAllergies(c *clinical.Chart) []clinical.Allergy {
	var out []clinical.Allergy
	for _, a := range c.Allergies.Items {
		if a.Active() {
			out = append(out, a)
		}
	}
	return out
}

// AllergyBanner is the one-line allergy banner: the active allergies, or
// the honest statement of why there are none to show.
func AllergyBanner(c *clinical.Chart) string {
	banner := allergyBanner(c)
	if c.Allergies.Unreadable {
		banner += i18n.T(" – SOME ALLERGY RECORDS COULD NOT BE READ")
	}
	return banner
}

func allergyBanner(c *clinical.Chart) string {
	active := ActiveAllergies(c)
	if len(active) == 0 {
		if c.Allergies.Status == clinical.Recorded {
			return AllergiesPrefix() + i18n.T("none active (only resolved or inactive allergies recorded)")
		}
		return AllergiesPrefix() + strings.ToUpper(EmptyOf(c.Allergies, "allergies"))
	}
	var parts []string
	for _, a := range active {
		s := a.Substance
		var det []string
		if a.Criticality == "high" {
			det = append(det, i18n.T("HIGH RISK"))
		}
		if a.Reaction != "" {
			det = append(det, a.Reaction)
		}
		if a.VerificationStatus == "unconfirmed" {
			det = append(det, i18n.T("unconfirmed"))
		}
		if len(det) > 0 {
			s += " (" + strings.Join(det, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return AllergiesPrefix() + strings.Join(parts, "; ")
}

// AllergiesPrefix starts the allergy banner: "ALLERGIES: ".
func AllergiesPrefix() string { return i18n.T("ALLERGIES: ") }

// CodeStatusPrefix starts the code status line: "CODE STATUS: ".
func CodeStatusPrefix() string { return i18n.T("CODE STATUS: ") }

// CodeStatus is the code status line; "not recorded" is said out loud
// because a missing DNR order must not read as "full code".
func CodeStatus(c *clinical.Chart) string {
	if s := c.CodeStatus(); s != "" {
		if m := ResusMeaning(c.Resuscitation()); m != "" {
			s += " (" + m + ")"
		}
		return CodeStatusPrefix() + s
	}
	if c.Alerts.Unreadable {
		return CodeStatusPrefix() + i18n.T("not recorded – some alert records could not be read")
	}
	return CodeStatusPrefix() + i18n.T("not recorded")
}

// resusMeanings say what each Belgian DNR code means, beside the words
// the source used.
var resusMeanings = map[string]string{
	clinical.ResusDNR0: "DNR 0: no restriction, every treatment including resuscitation",
	clinical.ResusDNR1: "DNR 1: no resuscitation; every other treatment goes on",
	clinical.ResusDNR2: "DNR 2: no resuscitation, no new therapies, no ICU admission",
	clinical.ResusDNR3: "DNR 3: comfort care only",
}

// ResusMeaning is what a Belgian DNR code means; "" for other levels,
// whose words say it.
func ResusMeaning(level string) string { return i18n.Word(resusMeanings, level, "") }

// ResusCell is the census row's code status cell, in the chart banner's
// terms: "Full code", "DNR 0" (no restriction: not an order not to
// resuscitate), "DNR 1" to "DNR 3", "DNR"; "" when none is recorded or
// its words are not read here (the chart's banner says them).
func ResusCell(level string) string {
	switch level {
	case clinical.ResusFullCode:
		return i18n.X("census cell", "Full code") // short: the name beside it stays whole
	case clinical.ResusDNR:
		return "DNR"
	case clinical.ResusDNR0, clinical.ResusDNR1, clinical.ResusDNR2, clinical.ResusDNR3:
		return "DNR " + level[len(level)-1:]
	}
	return ""
}

// vitalNames are the short names nurses use for the vital-sign LOINC
// codes, instead of the long LOINC display names.
var vitalNames = map[string]string{
	"8867-4": "Heart rate", "9279-1": "Respiratory rate", "85354-9": "Blood pressure",
	"55284-4": "Blood pressure", "8310-5": "Temperature", "59408-5": "SpO2", "2708-6": "SpO2",
	"72514-3": "Pain score (0–10)", "29463-7": "Weight", "8302-2": "Height",
}

// ObservationName is the name to show for an observation.
func ObservationName(o clinical.Observation) string {
	if n, ok := vitalNames[o.Code]; ok {
		return i18n.T(n)
	}
	if o.Name == "" {
		return o.Code
	}
	return o.Name
}

// Census hints: one line under the search field when Enter could not
// safely open exactly one patient.

// ChooseOne is said when several patients match what was typed or scanned.
func ChooseOne(n int) string { return i18n.F("%d patients match – choose one", n) }

// NoMatch is said when nobody matches.
func NoMatch(q string) string { return i18n.F("No patient matches “%s”.", q) }

// NotExact is said when the only patient shown matches a scanned or typed
// number only in part: a wristband opens a chart only on an exact MRN.
func NotExact(q string) string {
	return i18n.F("No patient has the MRN or id “%s” exactly – check the wristband, or choose from the list.", q)
}

// unitWords turn UCUM codes into what is printed on a ward.
var unitWords = map[string]string{
	"mm[Hg]": "mmHg", "Cel": "°C", "{score}": "", "10*3/uL": "×10³/µL", "10*9/L": "×10⁹/L",
	"10*6/uL": "×10⁶/µL", "ug": "µg", "/min": "/min",
}

// Unit is a UCUM unit as printed on a ward.
func Unit(u string) string {
	if w, ok := unitWords[u]; ok {
		return w
	}
	return u
}

// Observation is "72 /min" or "120/80 mmHg", with the abnormal flag.
func Observation(o clinical.Observation) string {
	s := i18n.Decimals(o.Value)
	if u := Unit(o.Unit); u != "" {
		s += " " + u
	}
	if o.Abnormal {
		flag := o.Flag
		if flag == "" || flag == "A" {
			flag = i18n.T("abnormal")
		}
		s += " [" + flag + "]"
	}
	return s
}

// Range is the reference range as "3.5–5.1", or "".
func Range(o clinical.Observation) string {
	switch {
	case o.RangeText != "":
		return o.RangeText
	case o.Low != nil && o.High != nil:
		return i18n.Num(*o.Low) + "–" + i18n.Num(*o.High)
	case o.Low != nil:
		return "≥ " + i18n.Num(*o.Low)
	case o.High != nil:
		return "≤ " + i18n.Num(*o.High)
	}
	return ""
}

// MedicationLine is what a nurse reads of an order.
func MedicationLine(m clinical.Medication) string {
	s := m.Name
	if d := Dosage(m); d != "" {
		s += " — " + d
	}
	if m.PRN && !strings.Contains(strings.ToLower(m.Dosage), "needed") {
		if m.PRNReason != "" {
			s += i18n.F(" (as needed for %s)", m.PRNReason)
		} else {
			s += i18n.T(" (as needed)")
		}
	}
	if m.Status != "active" {
		s += " [" + strings.ToUpper(OrderStatus(m.Status)) + "]"
	}
	if !m.LastGiven.IsZero() {
		s += i18n.F("; last given %s", DateTime(m.LastGiven))
	}
	return s
}

// Dosage is an order's dosage as written, with the infusion's rate as
// ordered when the words do not already say it: "1000 mL IV at 125 mL/h".
func Dosage(m clinical.Medication) string {
	squash := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	if m.Rate == "" || strings.Contains(squash(m.Dosage), squash(m.Rate)) {
		return i18n.Decimals(m.Dosage)
	}
	return i18n.Decimals(strings.TrimSpace(m.Dosage + i18n.F(" at %s", m.Rate)))
}

// DoseAndRoute is the dose, route and (for an infusion) rate of an
// order, as the form recording its dose shows them: "1000 mL IV at 125
// mL/h".
func DoseAndRoute(m clinical.Medication) string {
	s := strings.TrimSpace(m.Dose + " " + m.Route)
	if m.Rate != "" {
		s = strings.TrimSpace(s + i18n.F(" at %s", m.Rate))
	}
	return i18n.Decimals(s)
}

// OrderStatus is a medication order's FHIR status in words: "on hold",
// "stopped"…; an unknown code is shown as it is.
func OrderStatus(status string) string {
	switch status {
	case "active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown", "intended":
		return i18n.X("order status", status)
	}
	return status
}

// Freshness levels of the banner.
type FreshnessLevel int

const (
	Fresh FreshnessLevel = iota
	Amber
	Red
)

// Default age thresholds: amber after 15 minutes, red after 60.
const (
	AmberAfter = 15 * time.Minute
	RedAfter   = 60 * time.Minute
)

// Level is how worried the banner should look about data of this age,
// with the default thresholds.
func Level(age time.Duration) FreshnessLevel { return DefaultThresholds.Level(age) }

// Thresholds are the data ages at which freshness turns amber and red.
type Thresholds struct{ Amber, Red time.Duration }

// DefaultThresholds are 15 and 60 minutes.
var DefaultThresholds = Thresholds{Amber: AmberAfter, Red: RedAfter}

// Level is how worried a banner or a monitoring script should be about
// data of this age.
func (t Thresholds) Level(age time.Duration) FreshnessLevel {
	switch {
	case age >= t.Red:
		return Red
	case age >= t.Amber:
		return Amber
	}
	return Fresh
}

// ParseThresholds reads amber and red ages such as "15m" and "1h"; an
// empty one keeps its default. Amber must come before red, and red within
// a day: a threshold that never turns red would hide old data.
func ParseThresholds(amber, red string) (Thresholds, error) {
	t := DefaultThresholds
	for _, f := range []struct {
		text string
		to   *time.Duration
	}{{amber, &t.Amber}, {red, &t.Red}} {
		if f.text == "" {
			continue
		}
		d, err := time.ParseDuration(f.text)
		if err != nil || d <= 0 {
			return t, fmt.Errorf("an age threshold must be a duration such as 15m or 1h")
		}
		*f.to = d
	}
	if t.Amber >= t.Red || t.Red > 24*time.Hour {
		return t, fmt.Errorf("the amber age must be below the red one, and red at most 24h")
	}
	return t, nil
}

// String is "amber", "red" or "fresh".
func (l FreshnessLevel) String() string {
	return [...]string{"fresh", "amber", "red"}[l]
}

// AuditUnavailable is said on the banner when the audit trail cannot be
// written: the records stay available, and IT must know.
const AuditUnavailable = "The audit trail cannot be written on this workstation: call IT."

// LockedWhileIdle is said on the unlock screen after the idle lock.
const LockedWhileIdle = "Locked after a few minutes without use. Unlock to continue."

// WrongPassphrase is said after a wrong passphrase, with the wait before
// the next attempt.
func WrongPassphrase(wait time.Duration) string {
	return i18n.F("Wrong passphrase. Try again in %s.", seconds(wait))
}

// WaitToRetry is said when an attempt comes before the wait is over.
func WaitToRetry(wait time.Duration) string {
	return i18n.F("Too many wrong passphrases: wait %s before trying again.", seconds(wait))

}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", int((d+time.Second-1)/time.Second))
}

// SyncLine says what the live sync last did, for the banner: "" when no
// live sync runs here; "Live sync: updated 15:31"; or, when its last
// attempt failed, since when and why, with the reassurance that the last
// good data stays on screen.
//
// A kiosk fed by the hub says when it gets nothing new from the hub and
// why (it cannot be reached, what it published was refused); else, when
// the hub's index announces the EHR unreachable, since when. An outage is
// never silent, and the EHR is never said to be down because the hub is.
func SyncLine(st store.SyncState, now time.Time) (line string, failing bool) {
	line, failing = syncLine(st, now)
	// A kiosk fed by the hub also says how far its journal went to IT.
	if line != "" && st.FromHub && !st.HandInAt.IsZero() {
		line += " · " + i18n.F("Journal: %d handed in to IT, %d waiting", st.HandedIn, st.HandInWaiting)
	}
	return line, failing
}

func syncLine(st store.SyncState, now time.Time) (line string, failing bool) {
	if st.LastAttempt.IsZero() {
		return "", false
	}
	if st.LastError != "" {
		times := i18n.T("once")
		if st.Failures > 1 {
			times = i18n.F("%d times", st.Failures)
		}
		format := "Live sync failed %s, last at %s: %s. The last good data stays on screen."
		if st.FromHub {
			// Unreachable, refused or stale: the reason says which.
			format = "No new data from the hub (failed %s, last at %s: %s). The last good data stays on screen."
		}
		return i18n.F(format, times, Clock(st.LastErrorAt), strings.TrimSuffix(st.LastError, ".")), true
	}
	if st.FromHub && !st.EHRUnreachableSince.IsZero() {
		return i18n.F("EHR unreachable since %s (the hub says so). The last good data stays on screen.", ClockOn(st.EHRUnreachableSince, now)), true
	}
	return i18n.F("Live sync: updated %s", Clock(st.LastSuccess)), false
}

// LeftCensus replaces an open chart when a newer snapshot no longer holds
// the patient.
const LeftCensus = "This patient is not in the newest snapshot (discharged or moved in the EHR). Search the census again."

// Words of printing from the window.
const (
	PrintButton    = "Print (Ctrl+P)"
	PrintTitle     = "Downtime pack"
	PrintedTo      = "%d pages written to %s. Print them from the viewer, then delete the file: it holds patient data."
	OpenItYourself = "The viewer could not be opened: open the file yourself."
	PrintFailed    = "The pack could not be written. Try again, or print from another workstation."
)

// Words of the registration label.
const (
	LabelTitle       = "DOWNTIME REGISTRATION – temporary id"
	Born             = "Born"
	Estimated        = "(estimated)"
	PrintedWord      = "Printed"
	PrintLabelButton = "Print label"
)

// The code status form (a new entry kind: clinical.KindCodeStatus).
const (
	CodeStatusButton    = "Record code status"
	CodeStatusTitle     = "Code status"
	CodeStatusLevel     = "Code status"
	CodeStatusTextLabel = "As written on the order (optional)"
	ChooseCodeStatus    = "Choose the code status."
)

// CodeStatusChoices are the levels the form offers, with their words:
// clinical.ResusWords, the one table of code status words, which the journal
// and the EHR get too.
var CodeStatusChoices = codeStatusChoices()

func codeStatusChoices() []Choice {
	cs := make([]Choice, 0, len(clinical.ResusLevels))
	for _, level := range clinical.ResusLevels {
		cs = append(cs, Choice{level, clinical.ResusWords[level]})
	}
	return cs
}

// WithDowntimeCodeStatus is c with the newest code status recorded during
// downtime (if any) in front of its alerts, so that the banners, the
// census and the pack show what was stated last; c itself is unchanged.
func WithDowntimeCodeStatus(c *clinical.Chart, entries []store.JournalEntry) *clinical.Chart {
	a, ok := clinical.CodeStatusAlert(entries)
	if !ok {
		return c
	}
	cc := *c
	cc.Alerts.Items = append([]clinical.Alert{a}, c.Alerts.Items...)
	return &cc
}

// ChoiceLabel is the English label of the choice whose value is v, or v.
func ChoiceLabel(cs []Choice, v string) string {
	for _, c := range cs {
		if c.Value == v {
			return c.Label
		}
	}
	return v
}
