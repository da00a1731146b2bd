package r4

import "encoding/json"

// The resources the project reads or writes, alphabetically. Each embeds
// Resource (resourceType, id, meta); contained resources stay raw JSON,
// decoded by their type where they are used.

// AllergyIntolerance is an allergy or intolerance.
type AllergyIntolerance struct {
	Resource
	Identifier         []Identifier      `json:"identifier,omitempty"`
	ClinicalStatus     CodeableConcept   `json:"clinicalStatus,omitzero"`
	VerificationStatus CodeableConcept   `json:"verificationStatus,omitzero"`
	Type               string            `json:"type,omitempty"`
	Category           []string          `json:"category,omitempty"`
	Criticality        string            `json:"criticality,omitempty"`
	Code               CodeableConcept   `json:"code,omitzero"`
	Patient            Reference         `json:"patient,omitzero"`
	Encounter          Reference         `json:"encounter,omitzero"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
	Recorder           Reference         `json:"recorder,omitzero"`
	Note               []Annotation      `json:"note,omitempty"`
	Reaction           []AllergyReaction `json:"reaction,omitempty"`
}

// AllergyReaction is one reaction to the substance.
type AllergyReaction struct {
	Substance     CodeableConcept   `json:"substance,omitzero"`
	Manifestation []CodeableConcept `json:"manifestation,omitempty"`
	Severity      string            `json:"severity,omitempty"`
}

// Bundle is a collection of resources: a collection, a search set, or a
// transaction and its response.
type Bundle struct {
	Resource
	Identifier *Identifier   `json:"identifier,omitempty"`
	Type       string        `json:"type,omitempty"`
	Timestamp  string        `json:"timestamp,omitempty"`
	Entry      []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one entry of a Bundle. Its resource stays raw JSON, to
// be decoded by its type.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Request  *BundleRequest  `json:"request,omitempty"`
	Response *BundleResponse `json:"response,omitempty"`
}

// BundleRequest is what a transaction entry asks of the server.
type BundleRequest struct {
	Method      string `json:"method,omitempty"`
	URL         string `json:"url,omitempty"`
	IfMatch     string `json:"ifMatch,omitempty"`
	IfNoneExist string `json:"ifNoneExist,omitempty"`
}

// BundleResponse is the server's answer to one transaction entry.
type BundleResponse struct {
	Status   string `json:"status,omitempty"`
	Location string `json:"location,omitempty"`
	Etag     string `json:"etag,omitempty"`
}

// Composition is a document's table of contents (an IPS's sections).
type Composition struct {
	Resource
	Text       *Narrative           `json:"text,omitempty"`
	Identifier *Identifier          `json:"identifier,omitempty"`
	Status     string               `json:"status,omitempty"`
	Type       CodeableConcept      `json:"type,omitzero"`
	Subject    Reference            `json:"subject,omitzero"`
	Date       string               `json:"date,omitempty"`
	Author     []Reference          `json:"author,omitempty"`
	Title      string               `json:"title,omitempty"`
	Section    []CompositionSection `json:"section,omitempty"`
}

// CompositionSection is a section of a Composition, with its own.
type CompositionSection struct {
	Title       string               `json:"title,omitempty"`
	Code        CodeableConcept      `json:"code,omitzero"`
	Text        *Narrative           `json:"text,omitempty"`
	Entry       []Reference          `json:"entry,omitempty"`
	EmptyReason *CodeableConcept     `json:"emptyReason,omitempty"`
	Section     []CompositionSection `json:"section,omitempty"`
}

// Condition is a problem or diagnosis.
type Condition struct {
	Resource
	Identifier         []Identifier      `json:"identifier,omitempty"`
	ClinicalStatus     CodeableConcept   `json:"clinicalStatus,omitzero"`
	VerificationStatus CodeableConcept   `json:"verificationStatus,omitzero"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Code               CodeableConcept   `json:"code,omitzero"`
	Subject            Reference         `json:"subject,omitzero"`
	Encounter          Reference         `json:"encounter,omitzero"`
	OnsetDateTime      string            `json:"onsetDateTime,omitempty"`
	OnsetPeriod        Period            `json:"onsetPeriod,omitzero"`
	AbatementDateTime  string            `json:"abatementDateTime,omitempty"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
}

// DocumentReference is a document, here a note with its text inline.
type DocumentReference struct {
	Resource
	Identifier  []Identifier      `json:"identifier,omitempty"`
	Status      string            `json:"status,omitempty"`
	DocStatus   string            `json:"docStatus,omitempty"`
	Type        CodeableConcept   `json:"type,omitzero"`
	Subject     Reference         `json:"subject,omitzero"`
	Date        string            `json:"date,omitempty"`
	Author      []Reference       `json:"author,omitempty"`
	Description string            `json:"description,omitempty"`
	Content     []DocumentContent `json:"content,omitempty"`
	Context     DocumentContext   `json:"context,omitzero"`
}

// DocumentContent is one form of the document.
type DocumentContent struct {
	Attachment Attachment `json:"attachment,omitzero"`
}

// DocumentContext is the clinical context of a document.
type DocumentContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
	Period    Period      `json:"period,omitzero"`
}

// Encounter is a stay: the patient's admission and the beds they lay in.
type Encounter struct {
	Resource
	Identifier      []Identifier             `json:"identifier,omitempty"`
	Status          string                   `json:"status,omitempty"`
	Class           Coding                   `json:"class,omitzero"`
	Subject         Reference                `json:"subject,omitzero"`
	Period          Period                   `json:"period,omitzero"`
	ReasonReference []Reference              `json:"reasonReference,omitempty"`
	Hospitalization EncounterHospitalization `json:"hospitalization,omitzero"`
	Location        []EncounterLocation      `json:"location,omitempty"`
	Participant     []EncounterParticipant   `json:"participant,omitempty"`
}

// EncounterHospitalization is the admission's details.
type EncounterHospitalization struct {
	DischargeDisposition CodeableConcept `json:"dischargeDisposition,omitzero"`
}

// EncounterLocation is a place the patient was during the encounter.
type EncounterLocation struct {
	Location Reference `json:"location,omitzero"`
	Status   string    `json:"status,omitempty"`
	Period   Period    `json:"period,omitzero"`
}

// Flag is a warning about the patient (here, code status).
type Flag struct {
	Resource
	Identifier []Identifier      `json:"identifier,omitempty"`
	Status     string            `json:"status,omitempty"`
	Category   []CodeableConcept `json:"category,omitempty"`
	Code       CodeableConcept   `json:"code,omitzero"`
	Subject    Reference         `json:"subject,omitzero"`
	Period     Period            `json:"period,omitzero"`
	Encounter  Reference         `json:"encounter,omitzero"`
	Author     Reference         `json:"author,omitzero"`
}

// Group is a set of patients (a census).
type Group struct {
	Resource
	Member []GroupMember `json:"member,omitempty"`
}

// GroupMember is one member of a Group.
type GroupMember struct {
	Entity   Reference `json:"entity,omitzero"`
	Inactive bool      `json:"inactive,omitempty"`
}

// List is a list of resources, here mostly an assertion that there are
// none ("no known allergies").
type List struct {
	Resource
	Status      string           `json:"status,omitempty"`
	Code        CodeableConcept  `json:"code,omitzero"`
	Subject     Reference        `json:"subject,omitzero"`
	Date        string           `json:"date,omitempty"`
	Entry       []ListEntry      `json:"entry,omitempty"`
	EmptyReason *CodeableConcept `json:"emptyReason,omitempty"`
}

// ListEntry is one item of a List.
type ListEntry struct {
	Item Reference `json:"item,omitzero"`
}

// Location is a ward, room or bed.
type Location struct {
	Resource
	Status            string          `json:"status,omitempty"`
	OperationalStatus *Coding         `json:"operationalStatus,omitempty"`
	Name              string          `json:"name,omitempty"`
	Mode              string          `json:"mode,omitempty"`
	PhysicalType      CodeableConcept `json:"physicalType,omitzero"`
	PartOf            Reference       `json:"partOf,omitzero"`
}

// Medication is a medicinal product, named by its code.
type Medication struct {
	Resource
	Code CodeableConcept `json:"code,omitzero"`
}

// MedicationAdministration is a dose given (or not).
type MedicationAdministration struct {
	Resource
	Contained                 []json.RawMessage               `json:"contained,omitempty"`
	Identifier                []Identifier                    `json:"identifier,omitempty"`
	Status                    string                          `json:"status,omitempty"`
	StatusReason              []CodeableConcept               `json:"statusReason,omitempty"`
	MedicationCodeableConcept *CodeableConcept                `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference                      `json:"medicationReference,omitempty"`
	Subject                   Reference                       `json:"subject,omitzero"`
	Context                   Reference                       `json:"context,omitzero"`
	EffectiveDateTime         string                          `json:"effectiveDateTime,omitempty"`
	EffectivePeriod           Period                          `json:"effectivePeriod,omitzero"`
	Performer                 []MedicationAdministrationActor `json:"performer,omitempty"`
	Request                   Reference                       `json:"request,omitzero"`
	Note                      []Annotation                    `json:"note,omitempty"`
	Dosage                    *MedicationAdministrationDosage `json:"dosage,omitempty"`
}

// MedicationAdministrationActor is who gave the dose.
type MedicationAdministrationActor struct {
	Actor Reference `json:"actor,omitzero"`
}

// MedicationAdministrationDosage is what went in, and how.
type MedicationAdministrationDosage struct {
	Text  string          `json:"text,omitempty"`
	Site  CodeableConcept `json:"site,omitzero"`
	Route CodeableConcept `json:"route,omitzero"`
	Dose  *Quantity       `json:"dose,omitempty"`
}

// MedicationRequest is a medication order.
type MedicationRequest struct {
	Resource
	Contained                 []json.RawMessage `json:"contained,omitempty"`
	Identifier                []Identifier      `json:"identifier,omitempty"`
	Status                    string            `json:"status,omitempty"`
	StatusReason              *CodeableConcept  `json:"statusReason,omitempty"`
	Intent                    string            `json:"intent,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference        `json:"medicationReference,omitempty"`
	Subject                   Reference         `json:"subject,omitzero"`
	Encounter                 Reference         `json:"encounter,omitzero"`
	AuthoredOn                string            `json:"authoredOn,omitempty"`
	Requester                 Reference         `json:"requester,omitzero"`
	ReasonReference           []Reference       `json:"reasonReference,omitempty"`
	DosageInstruction         []Dosage          `json:"dosageInstruction,omitempty"`
	DispenseRequest           DispenseRequest   `json:"dispenseRequest,omitzero"`
}

// DispenseRequest is the supply an order authorises; here only how long
// it is valid.
type DispenseRequest struct {
	ValidityPeriod Period `json:"validityPeriod,omitzero"`
}

// MedicationStatement is a medication the patient is reported to take.
type MedicationStatement struct {
	Resource
	Contained                 []json.RawMessage `json:"contained,omitempty"`
	Status                    string            `json:"status,omitempty"`
	MedicationCodeableConcept *CodeableConcept  `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference        `json:"medicationReference,omitempty"`
	Subject                   Reference         `json:"subject,omitzero"`
	EffectiveDateTime         string            `json:"effectiveDateTime,omitempty"`
	EffectivePeriod           Period            `json:"effectivePeriod,omitzero"`
	DateAsserted              string            `json:"dateAsserted,omitempty"`
	InformationSource         Reference         `json:"informationSource,omitzero"`
	Dosage                    []Dosage          `json:"dosage,omitempty"`
}

// Observation is a measurement: a vital sign, a lab result.
type Observation struct {
	Resource
	Identifier        []Identifier      `json:"identifier,omitempty"`
	Status            string            `json:"status,omitempty"`
	Category          []CodeableConcept `json:"category,omitempty"`
	Code              CodeableConcept   `json:"code,omitzero"`
	Subject           Reference         `json:"subject,omitzero"`
	Encounter         Reference         `json:"encounter,omitzero"`
	EffectiveDateTime string            `json:"effectiveDateTime,omitempty"`
	EffectivePeriod   Period            `json:"effectivePeriod,omitzero"`
	EffectiveInstant  string            `json:"effectiveInstant,omitempty"`
	Issued            string            `json:"issued,omitempty"`
	Performer         []Reference       `json:"performer,omitempty"`
	ObservationValue
	Interpretation []CodeableConcept      `json:"interpretation,omitempty"`
	ReferenceRange []ObservationRange     `json:"referenceRange,omitempty"`
	Component      []ObservationComponent `json:"component,omitempty"`
}

// ObservationValue is value[x] and dataAbsentReason, shared by an
// Observation and its components. ValueInteger stays float64 so that 3.0
// reads as 3.
type ObservationValue struct {
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueInteger         *float64         `json:"valueInteger,omitempty"`
	ValueDateTime        *string          `json:"valueDateTime,omitempty"`
	DataAbsentReason     *CodeableConcept `json:"dataAbsentReason,omitempty"`
}

// ObservationRange is a reference range.
type ObservationRange struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
	Text string    `json:"text,omitempty"`
}

// ObservationComponent is one part of a panel (systolic, diastolic).
type ObservationComponent struct {
	Code CodeableConcept `json:"code,omitzero"`
	ObservationValue
	ReferenceRange []ObservationRange `json:"referenceRange,omitempty"`
}

// Patient is a person receiving care.
type Patient struct {
	Resource
	Identifier          []Identifier           `json:"identifier,omitempty"`
	Active              *bool                  `json:"active,omitempty"`
	Name                []HumanName            `json:"name,omitempty"`
	Gender              string                 `json:"gender,omitempty"`
	BirthDate           string                 `json:"birthDate,omitempty"`
	DeceasedBoolean     *bool                  `json:"deceasedBoolean,omitempty"`
	DeceasedDateTime    string                 `json:"deceasedDateTime,omitempty"`
	Address             []Address              `json:"address,omitempty"`
	Communication       []PatientCommunication `json:"communication,omitempty"`
	Link                []PatientLink          `json:"link,omitempty"`
	Contact             []PatientContact       `json:"contact,omitempty"`
	GeneralPractitioner []Reference            `json:"generalPractitioner,omitempty"`
	Extension           []Extension            `json:"extension,omitempty"`
}

// PatientCommunication is a language the patient speaks.
type PatientCommunication struct {
	Language  CodeableConcept `json:"language,omitzero"`
	Preferred bool            `json:"preferred,omitempty"`
}

// PatientLink links the record to another of the same person (a merge).
type PatientLink struct {
	Other Reference `json:"other,omitzero"`
	Type  string    `json:"type,omitempty"`
}

// Practitioner is a clinician.
type Practitioner struct {
	Resource
	Name []HumanName `json:"name,omitempty"`
}

// Provenance records who did what to which resources.
type Provenance struct {
	Resource
	Target           []Reference        `json:"target,omitempty"`
	OccurredDateTime string             `json:"occurredDateTime,omitempty"`
	Recorded         string             `json:"recorded,omitempty"`
	Reason           []CodeableConcept  `json:"reason,omitempty"`
	Activity         CodeableConcept    `json:"activity,omitzero"`
	Agent            []ProvenanceAgent  `json:"agent,omitempty"`
	Entity           []ProvenanceEntity `json:"entity,omitempty"`
}

// ProvenanceAgent is who took part, and how.
type ProvenanceAgent struct {
	Type CodeableConcept `json:"type,omitzero"`
	Who  Reference       `json:"who,omitzero"`
}

// ProvenanceEntity is what the activity used.
type ProvenanceEntity struct {
	Role string    `json:"role,omitempty"`
	What Reference `json:"what,omitzero"`
}
