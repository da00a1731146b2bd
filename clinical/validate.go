package clinical

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Validation has two outcomes. An impossible value (an SpO2 of 140, a
// systolic pressure under the diastolic, a time in the future) refuses the
// entry with one sentence: it is a typing error and recording it would put
// a wrong fact into the record. An unusual value (a heart rate of 140) is a
// warning: it may well be true, so the caller shows it and the person
// decides. Sentences name the field and the accepted range, never the
// patient.

// ErrInvalidEntry marks an entry refused for an impossible or missing value.
var ErrInvalidEntry = errors.New("invalid entry")

// InvalidEntryError says in one sentence why an entry cannot be recorded.
type InvalidEntryError struct{ Reason string }

func (e *InvalidEntryError) Error() string        { return e.Reason }
func (e *InvalidEntryError) Is(target error) bool { return target == ErrInvalidEntry }

func invalid(format string, a ...any) error {
	return &InvalidEntryError{Reason: fmt.Sprintf(format, a...)}
}

const (
	// ClockSkew is how far in the future a time may be: kiosk clocks drift,
	// and a form filled at 08:00 may say 08:02.
	ClockSkew = 5 * time.Minute
	// LiveWindow is how long after the care an entry may be typed without
	// being paper back-entry, which must say who signed the paper.
	LiveWindow = 24 * time.Hour
	// MaxNote is the longest nursing note, in characters.
	MaxNote = 4000

	maxShort  = 200 // a name, a medication, a place
	maxReason = 500
	maxUnit   = 20
)

var (
	earliestClinical = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	fhirID           = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	looksTemporary   = regexp.MustCompile(`^[Tt]-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$`)
	partialDate      = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
)

// Validate refuses an entry with a missing or impossible value, with one
// sentence; now is the time to measure "in the future" against.
func (e *Entry) Validate(now time.Time) error {
	if !slices.Contains(Kinds, e.Kind) && e.Kind != KindDecision {
		return invalid("the kind must be one of medication, vitals, note, allergy, registration, transfer, discharge, cancellation, code-status or decision")
	}
	if n, own := e.payloads(); !own {
		return invalid("a %s entry needs its %q details", e.Kind, e.Kind)
	} else if n > 1 {
		return invalid("a %s entry must carry only its own details, not those of another kind", e.Kind)
	}
	if !isEntryID(e.ID) {
		return invalid("the entry id must be a random UUID (version 4)")
	}
	if err := checkPatient(e.Patient); err != nil {
		return err
	}
	if err := checkText("author", e.Author, maxShort, true); err != nil {
		return err
	}
	if e.KioskID == "" {
		return invalid("the kiosk id is missing")
	}
	if err := e.checkTimes(now); err != nil {
		return err
	}
	if e.Supersedes != "" {
		if _, err := uuid.Parse(e.Supersedes); err != nil {
			return invalid("the entry it supersedes must be named by its UUID")
		}
		if e.Supersedes == e.ID {
			return invalid("an entry cannot supersede itself")
		}
	}
	for _, v := range e.BasedOn {
		if v.Type == "" || v.ID == "" {
			return invalid("every resource the entry is based on needs its type and id")
		}
	}
	switch e.Kind {
	case KindMedication:
		if err := e.Medication.validate(); err != nil {
			return err
		}
		return e.Medication.Override.Validate(e.Author)
	case KindVitals:
		return e.Vitals.validate()
	case KindNote:
		return checkText("note", e.Note.Text, MaxNote, true)
	case KindAllergy:
		return e.Allergy.validate()
	case KindRegistration:
		return e.Registration.validate(e.Patient, now)
	case KindTransfer:
		return firstError(checkText("ward", e.Transfer.Ward, maxShort, true),
			checkText("room", e.Transfer.Room, maxShort, false), checkText("bed", e.Transfer.Bed, maxShort, false))
	case KindDischarge:
		return checkText("destination", e.Discharge.Destination, maxShort, false)
	case KindCancellation:
		if e.Supersedes == "" {
			return invalid("a cancellation must name the entry it cancels (supersedes)")
		}
		return checkText("reason", e.Cancellation.Reason, maxReason, true)
	case KindDecision:
		return e.Decision.validate()
	case KindCodeStatus:
		if !slices.Contains(ResusLevels, e.CodeStatus.Level) {
			return invalid("the code status must be %s", orList(ResusLevels))
		}
		if n, ok := BelgianDNRCode(e.CodeStatus.Text); ok && fmt.Sprintf("dnr-%d", n) != e.CodeStatus.Level {
			return invalid("the code status text says DNR %d but the level is %s", n, e.CodeStatus.Level)
		}
		return checkText("code status text", e.CodeStatus.Text, maxReason, false)
	}
	return nil
}

func (d *Decision) validate() error {
	if !isEntryID(d.Entry) {
		return invalid("a decision must name the entry it decides by its UUID")
	}
	if !slices.Contains(Decisions, d.Action) {
		return invalid("the decision must be %s", orList(Decisions))
	}
	if d.Action == DecisionLink {
		if !fhirID.MatchString(d.LinkTo) {
			return invalid("a link must name the FHIR id of the EHR's patient")
		}
	} else if d.LinkTo != "" {
		return invalid("only a link names an EHR patient")
	}
	return checkText("reason", d.Reason, maxReason, d.Action == DecisionSkip || d.Action == DecisionPush)
}

func isEntryID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.Version() == 4 && u.String() == s
}

func checkPatient(p string) error {
	switch {
	case p == "":
		return invalid("the patient is missing")
	case looksTemporary.MatchString(p):
		if _, ok := ParseTemporaryID(p); !ok {
			return invalid("the temporary identifier is mistyped: its check character does not match")
		}
		if !IsTemporaryID(p) {
			return invalid("a temporary identifier must be written in capitals, like T-4GQ7-2MXK-A9WR")
		}
	case !fhirID.MatchString(p):
		return invalid("the patient must be a FHIR id or a temporary identifier")
	}
	return nil
}

func (e *Entry) checkTimes(now time.Time) error {
	switch {
	case e.ClinicalTime.IsZero():
		return invalid("the clinical time (when it happened) is missing")
	case e.ClinicalTime.Before(earliestClinical):
		return invalid("the clinical time is before the year 2000")
	case e.ClinicalTime.After(now.Add(ClockSkew)):
		return invalid("the clinical time is in the future")
	case e.EnteredAt.IsZero():
		return invalid("the entry time is missing")
	case e.EnteredAt.After(now.Add(ClockSkew)):
		return invalid("the entry time is in the future")
	case e.ClinicalTime.After(e.EnteredAt.Add(ClockSkew)):
		return invalid("the clinical time is after the entry was typed")
	}
	if t := e.Transcription; t != nil {
		if t.By != e.Author {
			return invalid("paper back-entry is transcribed by the entry's author")
		}
		return checkText("name of who signed the paper", t.FromPaperSignedBy, maxShort, true)
	}
	if e.EnteredAt.Sub(e.ClinicalTime) > LiveWindow {
		return invalid("a clinical time more than 24 h before the entry is paper back-entry: say who signed the paper (transcription)")
	}
	return nil
}

// checkText refuses a missing (when required), too long or unprintable
// text; line breaks and tabs are allowed.
func checkText(what, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return invalid("the %s is missing", what)
	case !utf8.ValidString(s):
		return invalid("the %s is not valid text", what)
	case utf8.RuneCountInString(s) > max:
		return invalid("the %s is longer than %d characters", what, max)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }):
		return invalid("the %s contains control characters", what)
	}
	return nil
}

func checkChoice(what, s string, choices ...string) error {
	if s == "" || slices.Contains(choices, s) {
		return nil
	}
	return invalid("the %s must be %s", what, orList(choices))
}

func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *Administered) validate() error {
	outcomes := []string{OutcomeGiven, OutcomeHeld, OutcomeRefused, OutcomePartial}
	if !slices.Contains(outcomes, a.Outcome) {
		return invalid("the outcome must be %s", orList(outcomes))
	}
	if err := firstError(checkText("medication", a.Medication, maxShort, true),
		checkText("route", a.Route, maxShort, false), checkText("site", a.Site, maxShort, false),
		checkText("reason", a.Reason, maxReason, false)); err != nil {
		return err
	}
	if a.OrderID != "" && !fhirID.MatchString(a.OrderID) {
		return invalid("the order id must be the FHIR id of the MedicationRequest")
	}
	if d := a.Dose; d != nil {
		switch {
		case math.IsNaN(d.Value) || d.Value <= 0 || math.IsInf(d.Value, 0):
			return invalid("the dose must be a number above 0")
		case d.Value > 1e6:
			return invalid("the dose is larger than any real dose (above 1,000,000)")
		}
		if err := checkText("dose unit", d.Unit, maxUnit, true); err != nil {
			return err
		}
	}
	if a.Outcome == OutcomeGiven || a.Outcome == OutcomePartial {
		if a.Dose == nil {
			return invalid("a %s dose needs the amount given", a.Outcome)
		}
		if strings.TrimSpace(a.Route) == "" {
			return invalid("a %s dose needs its route", a.Outcome)
		}
	}
	if a.Outcome != OutcomeGiven && strings.TrimSpace(a.Reason) == "" {
		return invalid("a %s dose needs the reason", a.Outcome)
	}
	return nil
}

// vital is one vital sign with its name, unit, impossible and unusual
// bounds.
type vital struct {
	name, unit              string
	value                   *float64
	min, max                float64 // outside: impossible
	unusualLow, unusualHigh float64 // outside: a warning
}

func (v *VitalSigns) vitals() []vital {
	return []vital{
		{tr("systolic pressure"), "mmHg", v.Systolic, 20, 300, 90, 180},
		{tr("diastolic pressure"), "mmHg", v.Diastolic, 10, 200, 40, 110},
		{tr("heart rate"), "/min", v.HeartRate, 0, 300, 40, 130},
		{tr("respiratory rate"), "/min", v.RespiratoryRate, 0, 100, 8, 30},
		{tr("temperature"), "°C", v.Temperature, 25, 45, 35, 39},
		{tr("SpO2"), "%", v.SpO2, 0, 100, 90, 100},
		{tr("pain score"), "", v.Pain, 0, 10, 0, 10},
		{tr("oxygen flow"), "L/min", v.O2Flow, 0, 60, 0, 15},
		{tr("FiO2"), "%", v.FiO2, 21, 100, 21, 60},
		{tr("blood glucose"), "mmol/L", v.Glucose, 0.5, 50, 4, 11},
	}
}

func (v *VitalSigns) validate() error {
	measured := false
	for _, s := range v.vitals() {
		if s.value == nil {
			continue
		}
		measured = true
		x := *s.value
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return invalid("the %s is not a number", s.name)
		}
		if s.name == "pain score" && (x != math.Trunc(x) || x < 0 || x > 10) {
			return invalid("the pain score must be a whole number from 0 to 10")
		}
		if x < s.min || x > s.max {
			if s.name == "temperature" && x >= 77 && x <= 113 {
				return invalid("the temperature must be in °C, from 25 to 45 (was it measured in °F?)")
			}
			return invalid("the %s must be from %s to %s %s", s.name, num(s.min), num(s.max), s.unit)
		}
	}
	if v.Consciousness != "" {
		if !slices.Contains(ACVPU, v.Consciousness) {
			return invalid("the consciousness must be %s", orList(ACVPU))
		}
		measured = true
	}
	if v.OnOxygen != nil {
		measured = true
	}
	if (v.O2Flow != nil || v.FiO2 != nil) && (v.OnOxygen == nil || !*v.OnOxygen) {
		return invalid("an oxygen flow or FiO2 needs the patient on supplemental oxygen")
	}
	if !measured {
		return invalid("a set of vital signs needs at least one value")
	}
	if (v.Systolic == nil) != (v.Diastolic == nil) {
		return invalid("a blood pressure needs both the systolic and the diastolic value")
	}
	if v.Systolic != nil && *v.Systolic <= *v.Diastolic {
		return invalid("the systolic pressure must be above the diastolic (were they swapped?)")
	}
	return nil
}

// Validate refuses an override without its witness or reason, or
// witnessed by the entry's own author: a hard stop needs a second person.
func (o *Override) Validate(author string) error {
	if o == nil {
		return nil
	}
	if err := firstError(checkText("witness (the second person's name)", o.Witness, maxShort, true),
		checkText("reason for giving the dose despite the allergy", o.Reason, maxReason, true)); err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(o.Witness), strings.TrimSpace(author)) {
		return invalid("the witness must be a second person, not who records the dose")
	}
	return nil
}

func (a *NewAllergy) validate() error {
	return firstError(checkText("substance", a.Substance, maxShort, true),
		checkText("reaction", a.Reaction, maxReason, false),
		checkChoice("allergy type", a.Type, "allergy", "intolerance"),
		checkChoice("category", a.Category, "food", "medication", "environment", "biologic"),
		checkChoice("severity", a.Severity, "mild", "moderate", "severe"),
		checkChoice("criticality", a.Criticality, "low", "high", "unable-to-assess"))
}

func (r *Registration) validate(patient string, now time.Time) error {
	if !IsTemporaryID(r.TemporaryID) || r.TemporaryID != patient {
		return invalid("a registration's temporary identifier must be a valid one and the entry's patient")
	}
	sexes := []string{"female", "male", "other", "unknown"}
	if !slices.Contains(sexes, r.Sex) {
		return invalid("the sex must be %s", orList(sexes))
	}
	if r.BirthDate != "" {
		born, err := parsePartialDate(r.BirthDate)
		switch {
		case err != nil:
			return invalid("the birth date must be a date like 1950, 1950-03 or 1950-03-14")
		case born.After(now):
			return invalid("the birth date is in the future")
		case born.Year() < 1880:
			return invalid("the birth date is before 1880")
		}
	}
	return firstError(checkText("family name", r.Family, maxShort, false), checkText("given name", r.Given, maxShort, false),
		checkText("ward", r.Ward, maxShort, true), checkText("room", r.Room, maxShort, false),
		checkText("bed", r.Bed, maxShort, false))
}

// parsePartialDate reads a FHIR date (1950, 1950-03, 1950-03-14) as its
// first day.
func parsePartialDate(s string) (time.Time, error) {
	if !partialDate.MatchString(s) {
		return time.Time{}, errors.New("not a date")
	}
	layout := "2006-01-02"[:len(s)]
	return time.Parse(layout, s)
}

// Unusual lists the values of an entry that are possible but unusual
// enough to ask "are you sure?": one sentence each.
func (e *Entry) Unusual() []string {
	var out []string
	for _, m := range e.unusual() {
		out = append(out, m.English())
	}
	return out
}

// unusual is Unusual in words the window translates.
func (e *Entry) unusual() []Message {
	if e.Vitals == nil {
		return nil
	}
	var out []Message
	for _, s := range e.Vitals.vitals() {
		if s.value == nil {
			continue
		}
		x := *s.value
		switch {
		case x > s.unusualHigh:
			out = append(out, msg("the %s of %s %s is unusually high (above %s)", msg(s.name), Number(x), s.unit, Number(s.unusualHigh)))
		case x < s.unusualLow:
			out = append(out, msg("the %s of %s %s is unusually low (below %s)", msg(s.name), Number(x), s.unit, Number(s.unusualLow)))
		}
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
