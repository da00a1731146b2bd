package clinical

import "time"

// Kind is what a downtime entry documents.
type Kind string

// The kinds of downtime entry. Each has its own payload field on Entry,
// named like the kind.
const (
	KindMedication   Kind = "medication"   // a medication administration: given, held, refused or partial
	KindVitals       Kind = "vitals"       // a set of vital signs
	KindNote         Kind = "note"         // a nursing note
	KindAllergy      Kind = "allergy"      // a new allergy or intolerance
	KindRegistration Kind = "registration" // a new patient registered during downtime, under a temporary identifier
	KindTransfer     Kind = "transfer"     // the patient moved to another ward or bed
	KindDischarge    Kind = "discharge"    // the patient left the hospital
	KindCancellation Kind = "cancellation" // an earlier entry was wrong and is withdrawn
	KindCodeStatus   Kind = "code-status"  // the code status as stated during downtime (codestatus.go)

	// KindDecision is a person's decision during reconciliation on an
	// entry in conflict or a temporary patient to link. It stays in the
	// journal (it is the audit of how the conflict was decided) and is not
	// itself sent to the EHR, so forms do not offer it.
	KindDecision Kind = "decision"
)

// Kinds lists every kind, in the order forms offer them.
var Kinds = []Kind{KindMedication, KindVitals, KindNote, KindAllergy, KindRegistration, KindTransfer,
	KindDischarge, KindCancellation, KindCodeStatus}

// Version names a source resource as the snapshot held it, so that
// reconciliation can tell whether the EHR changed it in the meantime.
type Version struct {
	Type        string `json:"resourceType"`
	ID          string `json:"id"`
	VersionID   string `json:"versionId,omitempty"`
	LastUpdated string `json:"lastUpdated,omitempty"`
}

// Transcription marks paper back-entry: By typed the entry (always its
// Author) from a paper form signed by FromPaperSignedBy, who did the care.
type Transcription struct {
	By                string `json:"by,omitempty"`
	FromPaperSignedBy string `json:"fromPaperSignedBy"`
}

// Entry is one piece of downtime documentation. Once recorded it never
// changes: a correction is a new entry of the same kind, and a withdrawal a
// cancellation, each naming the entry it supersedes.
//
// ID is a random UUID (version 4) made when the entry is drafted; it is the
// entry's identifier in the EHR too, so that pushing it twice creates it
// once. Patient is the FHIR id of a patient of the snapshot, or the
// temporary identifier of a patient registered during downtime. Author is
// who typed it, ClinicalTime when the care happened and EnteredAt when it
// was typed. Exactly one payload field is set: the one named like Kind.
type Entry struct {
	ID            string         `json:"id,omitempty"`
	Kind          Kind           `json:"kind"`
	Patient       string         `json:"patient,omitempty"`
	Author        string         `json:"author,omitempty"`
	KioskID       string         `json:"kioskId,omitempty"`
	ClinicalTime  time.Time      `json:"clinicalTime,omitzero"`
	EnteredAt     time.Time      `json:"enteredAt,omitzero"`
	BasedOn       []Version      `json:"basedOn,omitempty"`
	Supersedes    string         `json:"supersedes,omitempty"`
	Transcription *Transcription `json:"transcription,omitempty"`

	Medication   *Administered `json:"medication,omitempty"`
	Vitals       *VitalSigns   `json:"vitals,omitempty"`
	Note         *NursingNote  `json:"note,omitempty"`
	Allergy      *NewAllergy   `json:"allergy,omitempty"`
	Registration *Registration `json:"registration,omitempty"`
	Transfer     *Transfer     `json:"transfer,omitempty"`
	Discharge    *Discharge    `json:"discharge,omitempty"`
	Cancellation *Cancellation `json:"cancellation,omitempty"`
	Decision     *Decision     `json:"decision,omitempty"`
	CodeStatus   *CodeStatus   `json:"codeStatus,omitempty"`
}

// CodeStatus is a code status stated during downtime (a patient
// registered then has none, or the order changed): Level is one of
// ResusLevels; Text the order's words as written, if any.
type CodeStatus struct {
	Level string `json:"level"`
	Text  string `json:"text,omitempty"`
}

// Outcomes of a medication administration.
const (
	OutcomeGiven   = "given"
	OutcomeHeld    = "held"
	OutcomeRefused = "refused"
	OutcomePartial = "partial"
)

// Administered is what happened to one dose. Reason is required unless
// the dose was given in full; Dose is the amount actually given (for a
// partial dose, the part that went in).
type Administered struct {
	Outcome    string    `json:"outcome"`
	Medication string    `json:"medication,omitempty"`
	OrderID    string    `json:"orderId,omitempty"` // the MedicationRequest id in the snapshot
	Dose       *Quantity `json:"dose,omitempty"`
	Route      string    `json:"route,omitempty"`
	Site       string    `json:"site,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	// Override is set on a dose given despite a hard stop (an allergy of
	// high criticality or with anaphylaxis that matches it).
	Override *Override `json:"override,omitempty"`
}

// NoOrder says whether the dose was recorded without an order of the
// snapshot: it is marked "no order" wherever it is shown.
func (a *Administered) NoOrder() bool { return a != nil && a.OrderID == "" }

// Override is what a hard stop needs before a dose is recorded: a second
// person who witnessed the decision, and why the dose is given anyway.
type Override struct {
	Witness string `json:"witness"`
	Reason  string `json:"reason"`
}

// Quantity is an amount with its unit, as written on the order ("500 mg").
type Quantity struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// VitalSigns is one set of vital signs. The units are fixed and part of the
// JSON names, so that a Fahrenheit temperature or a kPa pressure cannot
// pass for another; nil is "not measured".
type VitalSigns struct {
	Systolic        *float64 `json:"systolicMmHg,omitempty"`
	Diastolic       *float64 `json:"diastolicMmHg,omitempty"`
	HeartRate       *float64 `json:"heartRatePerMin,omitempty"`
	RespiratoryRate *float64 `json:"respiratoryRatePerMin,omitempty"`
	Temperature     *float64 `json:"temperatureCel,omitempty"`
	SpO2            *float64 `json:"spo2Percent,omitempty"`
	Pain            *float64 `json:"painScore,omitempty"` // 0 to 10, whole numbers

	// Added for NEWS2 (news2.go); journals from before simply lack them.
	// OnOxygen is nil when not recorded, false on air, true on
	// supplemental oxygen, with its flow and/or FiO2 when known.
	OnOxygen      *bool    `json:"onOxygen,omitempty"`
	O2Flow        *float64 `json:"o2FlowLPerMin,omitempty"`
	FiO2          *float64 `json:"fio2Percent,omitempty"`
	Consciousness string   `json:"consciousness,omitempty"` // ACVPU: alert, new-confusion, voice, pain, unresponsive
	Glucose       *float64 `json:"glucoseMmolPerL,omitempty"`
	// SpO2Scale2: the patient has a prescribed SpO2 target of 88–92 %
	// (hypercapnic respiratory failure), so NEWS2 scores SpO2 on scale 2.
	SpO2Scale2 bool `json:"spo2Scale2,omitempty"`
}

// NursingNote is free text.
type NursingNote struct {
	Text string `json:"text"`
}

// NewAllergy is an allergy or intolerance found during downtime, with the
// FHIR AllergyIntolerance vocabulary for its coded fields.
type NewAllergy struct {
	Substance   string `json:"substance"`
	Type        string `json:"type,omitempty"`        // allergy, intolerance
	Category    string `json:"category,omitempty"`    // food, medication, environment, biologic
	Reaction    string `json:"reaction,omitempty"`    // what happened: "rash", "anaphylaxis"
	Severity    string `json:"severity,omitempty"`    // mild, moderate, severe
	Criticality string `json:"criticality,omitempty"` // low, high, unable-to-assess
}

// Registration is a patient admitted during downtime, before the EHR can
// give them a record. TemporaryID is also the entry's Patient; the name is
// there when known, the birth date may be partial (1950, 1950-03) and
// estimated.
type Registration struct {
	TemporaryID        string `json:"temporaryId,omitempty"`
	Family             string `json:"family,omitempty"`
	Given              string `json:"given,omitempty"`
	Sex                string `json:"sex"` // female, male, other, unknown
	BirthDate          string `json:"birthDate,omitempty"`
	BirthDateEstimated bool   `json:"birthDateEstimated,omitempty"`
	Ward               string `json:"ward"`
	Room               string `json:"room,omitempty"`
	Bed                string `json:"bed,omitempty"`
}

// Transfer is a move to another ward, room or bed; the time is the entry's
// clinical time.
type Transfer struct {
	Ward string `json:"ward"`
	Room string `json:"room,omitempty"`
	Bed  string `json:"bed,omitempty"`
}

// Discharge is the patient leaving; the discharge time is the entry's
// clinical time.
type Discharge struct {
	Destination string `json:"destination,omitempty"` // home, another hospital, nursing home…
}

// Cancellation withdraws the entry named by Supersedes.
type Cancellation struct {
	Reason string `json:"reason"`
}

// Reconciliation decisions.
const (
	DecisionPush       = "push"        // push the entry as a new record although the EHR changed what it was based on
	DecisionSkip       = "skip"        // do not push the entry; the reason says why
	DecisionLink       = "link"        // the temporary patient is the EHR's patient LinkTo
	DecisionNewPatient = "new-patient" // the temporary patient has no record yet: create one
)

// Decisions lists the decisions, in the order a worklist offers them.
var Decisions = []string{DecisionPush, DecisionSkip, DecisionLink, DecisionNewPatient}

// Decision is what a person decided about one entry during
// reconciliation: the entry's Supersedes is not used, Entry names it. The
// decision's author is who decided, its clinical time when.
type Decision struct {
	Entry  string `json:"entry"`
	Action string `json:"action"`
	Reason string `json:"reason,omitempty"`
	LinkTo string `json:"linkTo,omitempty"` // for link: the FHIR id of the EHR's Patient
}

// payloads counts the payload fields set and says whether the one named
// like the kind is among them.
func (e *Entry) payloads() (n int, own bool) {
	set := map[Kind]bool{
		KindMedication: e.Medication != nil, KindVitals: e.Vitals != nil, KindNote: e.Note != nil,
		KindAllergy: e.Allergy != nil, KindRegistration: e.Registration != nil, KindTransfer: e.Transfer != nil,
		KindDischarge: e.Discharge != nil, KindCancellation: e.Cancellation != nil, KindDecision: e.Decision != nil,
		KindCodeStatus: e.CodeStatus != nil,
	}
	for _, v := range set {
		if v {
			n++
		}
	}
	return n, set[e.Kind]
}
