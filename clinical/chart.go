package clinical

import (
	"encoding/json"
	"time"
)

// SectionStatus says what a chart section knows. "none-known" and
// "none-recorded" are different facts and must never be shown alike: the
// first is the source asserting there is nothing (e.g. "no known
// allergies"), the second is the source saying nothing at all.
type SectionStatus string

const (
	Recorded     SectionStatus = "recorded"
	NoneKnown    SectionStatus = "none-known"
	NoneRecorded SectionStatus = "none-recorded"
)

// Source is the FHIR resource a row came from, kept whole so that
// reconciliation can compare against the exact version the snapshot held.
type Source struct {
	Type        string          `json:"resourceType"`
	ID          string          `json:"id"`
	VersionID   string          `json:"versionId,omitempty"`
	LastUpdated string          `json:"lastUpdated,omitempty"`
	JSON        json.RawMessage `json:"-"`
}

// Section is one part of a chart with its honest status. Assertion is the
// resource that asserted "none known", when there was one. Unreadable says
// that some source data of this section could not be read, so the items
// may be incomplete (and the section is never "none known").
//
// EmptyReason is why the source says the section is empty without
// asserting there is nothing (the FHIR list-empty-reason code of an IPS
// Composition section: "unavailable", "notasked", "withheld",
// "notstarted", "closed"); it is kept only while the section is
// none-recorded, and never makes it none-known.
type Section[T any] struct {
	Status      SectionStatus `json:"status"`
	Items       []T           `json:"items"`
	Assertion   *Source       `json:"assertion,omitempty"`
	Unreadable  bool          `json:"unreadable,omitempty"`
	EmptyReason string        `json:"emptyReason,omitempty"`
}

// Settle sets Status from the items and the assertion: recorded when
// there is anything, none-known only when the source said so, otherwise
// none-recorded. It also makes Items non-nil so JSON shows [] not null.
func (s *Section[T]) Settle() {
	switch {
	case len(s.Items) > 0:
		s.Status = Recorded
	case s.Assertion != nil && !s.Unreadable:
		s.Status = NoneKnown
	default:
		s.Status = NoneRecorded
	}
	if s.Status != NoneRecorded {
		s.EmptyReason = ""
	}
	if s.Items == nil {
		s.Items = []T{}
	}
}

// Identifier is one of a patient's identifiers. Type is the HL7 v2-0203
// code when the source gave one ("MR" for the medical record number).
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value"`
	Type   string `json:"type,omitempty"`
}

// Measure is a measured value with the time it was taken; a value without
// its date must never look current.
type Measure struct {
	Value float64   `json:"value"`
	Unit  string    `json:"unit"`
	Time  time.Time `json:"time"`
}

// Patient is who the chart is about and where they lie.
type Patient struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"` // "Family, Given" for lists
	Family      string       `json:"family,omitempty"`
	Given       string       `json:"given,omitempty"`
	BirthDate   string       `json:"birthDate,omitempty"` // FHIR date, may be partial
	Sex         string       `json:"sex,omitempty"`       // FHIR administrative gender
	Identifiers []Identifier `json:"identifiers"`
	Ward        string       `json:"ward,omitempty"` // Location id of the ward
	WardName    string       `json:"wardName,omitempty"`
	Room        string       `json:"room,omitempty"`
	Bed         string       `json:"bed,omitempty"`
	Admitted    time.Time    `json:"admitted,omitzero"`
	EncounterID string       `json:"encounterId,omitempty"`
	Deceased    bool         `json:"deceased,omitempty"`
	DeceasedAt  time.Time    `json:"deceasedAt,omitzero"`
	Weight      *Measure     `json:"weight,omitempty"`
	Height      *Measure     `json:"height,omitempty"`
	Source      Source       `json:"source"`
}

// MRN is the medical record number, or "" when the source gave none.
func (p Patient) MRN() string {
	for _, id := range p.Identifiers {
		if id.Type == "MR" {
			return id.Value
		}
	}
	return ""
}

// Allergy is an allergy or intolerance.
type Allergy struct {
	Substance          string    `json:"substance"`
	Code               string    `json:"code,omitempty"`
	Codes              []string  `json:"codes,omitempty"`    // every coding, "system|code", for drug-class checks
	Category           string    `json:"category,omitempty"` // food, medication, environment, biologic
	Type               string    `json:"type,omitempty"`     // allergy, intolerance
	Reaction           string    `json:"reaction,omitempty"`
	Severity           string    `json:"severity,omitempty"`    // mild, moderate, severe
	Criticality        string    `json:"criticality,omitempty"` // low, high, unable-to-assess
	ClinicalStatus     string    `json:"clinicalStatus,omitempty"`
	VerificationStatus string    `json:"verificationStatus,omitempty"`
	Recorded           time.Time `json:"recorded,omitzero"`
	Source             Source    `json:"source,omitzero"`
}

// Active says whether the allergy may be current: anything but a clinical
// status of inactive or resolved (no status, or one this program does not
// know, must be read as possibly active).
func (a Allergy) Active() bool {
	return a.ClinicalStatus != "inactive" && a.ClinicalStatus != "resolved"
}

// Problem is a condition on the problem list.
type Problem struct {
	Name               string    `json:"name"`
	Code               string    `json:"code,omitempty"`
	ClinicalStatus     string    `json:"clinicalStatus,omitempty"`
	VerificationStatus string    `json:"verificationStatus,omitempty"`
	Onset              time.Time `json:"onset,omitzero"`
	Source             Source    `json:"source,omitzero"`
}

// Timing is an order's schedule in the shape of FHIR Timing.repeat: Frequency
// times per Period PeriodUnit (s, min, h, d, wk), optionally at fixed
// TimesOfDay ("08:00").
type Timing struct {
	Frequency  int      `json:"frequency,omitempty"`
	Period     float64  `json:"period,omitempty"`
	PeriodUnit string   `json:"periodUnit,omitempty"`
	TimesOfDay []string `json:"timesOfDay,omitempty"`
}

// Medication kinds. An order (a MedicationRequest) has no kind; a
// reported medication (a MedicationStatement: what the patient takes at
// home, as told or reconciled) is never a dose due on the MAR.
const MedReported = "reported"

// Medication is a medication order, or with Kind MedReported a medication
// the patient is reported to take.
type Medication struct {
	Name      string `json:"name"`
	Code      string `json:"code,omitempty"`      // RxNorm or local code
	Status    string `json:"status"`              // active, on-hold, stopped, completed, ...
	Dosage    string `json:"dosage"`              // what a nurse reads: "500 mg oral every 8 h"
	Dose      string `json:"dose,omitempty"`      // "500 mg"
	Route     string `json:"route,omitempty"`     // "oral"
	Frequency string `json:"frequency,omitempty"` // "every 8 h", "at 08:00, 20:00"
	// Rate is an infusion's rate as ordered ("125 mL/h", "1000 mL per
	// 8 h", "100-125 mL/h"); "" when the order gives none, and in older
	// snapshots.
	Rate      string    `json:"rate,omitempty"`
	Timing    Timing    `json:"timing"`
	PRN       bool      `json:"prn"`
	PRNReason string    `json:"prnReason,omitempty"`
	Start     time.Time `json:"start,omitzero"`
	End       time.Time `json:"end,omitzero"`
	LastGiven time.Time `json:"lastGiven,omitzero"`
	// MaxDose is an as-needed order's most in a period (FHIR
	// maxDosePerPeriod, or "max 3 per 24 h" in its text); nil when the
	// order states none. Optional: older snapshots have none.
	MaxDose *MaxDose `json:"maxDose,omitempty"`
	// Kind is "" for an order, MedReported for a reported medication.
	// Reported medications also say when the statement was asserted and
	// by whom. Codes is every coding of the medication ("system|code").
	Kind       string    `json:"kind,omitempty"`
	Asserted   time.Time `json:"asserted,omitzero"`
	ReportedBy string    `json:"reportedBy,omitempty"`
	Codes      []string  `json:"codes,omitempty"`
	Source     Source    `json:"source,omitzero"`
}

// Reported says whether the medication is reported (a MedicationStatement)
// rather than ordered.
func (m Medication) Reported() bool { return m.Kind == MedReported }

// Current says whether the medication may be taken now: an order active or
// on hold, or a reported medication active, intended or on hold.
func (m Medication) Current() bool {
	switch m.Status {
	case "active", "on-hold":
		return true
	case "intended":
		return m.Reported()
	}
	return false
}

// Administration is a recorded medication administration.
type Administration struct {
	Medication string    `json:"medication"`
	Status     string    `json:"status"` // completed, not-done, ...
	Dose       string    `json:"dose,omitempty"`
	Route      string    `json:"route,omitempty"`
	Time       time.Time `json:"time"`
	Reason     string    `json:"reason,omitempty"`  // why not given: "refused", "held: NPO"
	OrderID    string    `json:"orderId,omitempty"` // MedicationRequest id
	Source     Source    `json:"source,omitzero"`
}

// Observation is one vital sign or laboratory result.
type Observation struct {
	Code      string    `json:"code"` // LOINC when the source has it
	Name      string    `json:"name"`
	Value     string    `json:"value"` // as shown: "120/80", "7.2", "positive"
	Number    *float64  `json:"number,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Time      time.Time `json:"time"`
	Low       *float64  `json:"low,omitempty"`
	High      *float64  `json:"high,omitempty"`
	RangeText string    `json:"range,omitempty"`
	Flag      string    `json:"flag,omitempty"` // v3 ObservationInterpretation: H, L, HH, LL, A, N
	Abnormal  bool      `json:"abnormal"`
	Source    Source    `json:"source,omitzero"`
}

// Alert kinds a nurse must see before anything else.
const (
	AlertCodeStatus = "code-status"
	AlertIsolation  = "isolation"
	AlertFallRisk   = "fall-risk"
	AlertOther      = "other"
)

// Alert is a flag on the patient: code status, isolation, fall risk.
type Alert struct {
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
	Code   string    `json:"code,omitempty"`
	Status string    `json:"status,omitempty"`
	Start  time.Time `json:"start,omitzero"`
	Source Source    `json:"source,omitzero"`
}

// notForResuscitation are the SNOMED CT codes of orders not to
// resuscitate: "Not for resuscitation", "Not for attempted CPR".
var notForResuscitation = map[string]bool{"304253006": true, "450476008": true}

// dnrWords are how such orders are written when they are not coded.
var dnrWords = []string{"dnr", "dnar", "dnacpr", "do not resuscitate", "do not attempt", "not for resuscitation",
	"not for attempted", "allow natural death", "no cpr", "no resuscitation"}

// NotForResuscitation says whether the alert is an active order not to
// resuscitate, by its code first and then by the usual wordings.
func (a Alert) NotForResuscitation() bool {
	if a.Kind != AlertCodeStatus || (a.Status != "" && a.Status != "active") {
		return false
	}
	return NotResuscitated(ResuscitationOf(a.Code, a.Text)) // DNR 0 is not one (codestatus.go)
}

// Note is a clinical note.
type Note struct {
	Title  string    `json:"title"`
	Author string    `json:"author,omitempty"`
	Text   string    `json:"text"`
	Time   time.Time `json:"time"`
	Source Source    `json:"source,omitzero"`
}

// Chart is one patient's essential record. Vitals and Labs hold the recent
// history, newest first; Latest gives one value per code.
type Chart struct {
	Patient         Patient                 `json:"patient"`
	Allergies       Section[Allergy]        `json:"allergies"`
	Medications     Section[Medication]     `json:"medications"`
	Administrations Section[Administration] `json:"administrations"`
	Problems        Section[Problem]        `json:"problems"`
	Vitals          Section[Observation]    `json:"vitals"`
	Labs            Section[Observation]    `json:"labs"`
	Alerts          Section[Alert]          `json:"alerts"`
	Notes           Section[Note]           `json:"notes"`
	RecordSections                          // contacts, care team, directives, orders, diet, devices... (record.go)
}

// Settle settles every section's status.
func (c *Chart) Settle() {
	c.Allergies.Settle()
	c.Medications.Settle()
	c.Administrations.Settle()
	c.Problems.Settle()
	c.Vitals.Settle()
	c.Labs.Settle()
	c.Alerts.Settle()
	c.Notes.Settle()
	c.RecordSections.settle()
}

// CodeStatus is the patient's current code status alert text, or "" when
// none is recorded.
func (c *Chart) CodeStatus() string {
	if a := c.codeStatus(); a != nil {
		return a.Text
	}
	return ""
}

// DNR says whether the current code status is an order not to resuscitate.
func (c *Chart) DNR() bool {
	a := c.codeStatus()
	return a != nil && a.NotForResuscitation()
}

func (c *Chart) codeStatus() *Alert {
	for i, a := range c.Alerts.Items {
		if a.Kind == AlertCodeStatus && (a.Status == "" || a.Status == "active") {
			return &c.Alerts.Items[i]
		}
	}
	return nil
}

// Latest returns the newest observation of each code, in first-seen order
// of the (newest-first) input.
func Latest(obs []Observation) []Observation {
	seen := map[string]bool{}
	out := []Observation{}
	for _, o := range obs {
		if seen[o.Code] {
			continue
		}
		seen[o.Code] = true
		out = append(out, o)
	}
	return out
}
