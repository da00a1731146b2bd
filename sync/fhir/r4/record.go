package r4

// The resources of the rest of the essential record (whom to call, what
// was decided, what is ordered besides drugs, what is in or on the
// patient, immunizations), alphabetically, as far as the project reads
// them.

// CareTeam is the people who care for the patient.
type CareTeam struct {
	Resource
	Status      string                `json:"status,omitempty"`
	Name        string                `json:"name,omitempty"`
	Subject     Reference             `json:"subject,omitzero"`
	Period      Period                `json:"period,omitzero"`
	Participant []CareTeamParticipant `json:"participant,omitempty"`
}

// CareTeamParticipant is one member of a care team, and their role.
type CareTeamParticipant struct {
	Role   []CodeableConcept `json:"role,omitempty"`
	Member Reference         `json:"member,omitzero"`
	Period Period            `json:"period,omitzero"`
}

// Consent is a decision the patient (or a proxy) made: here advance
// directives and treatment limitations.
type Consent struct {
	Resource
	Status     string            `json:"status,omitempty"`
	Scope      CodeableConcept   `json:"scope,omitzero"`
	Category   []CodeableConcept `json:"category,omitempty"`
	Patient    Reference         `json:"patient,omitzero"`
	DateTime   string            `json:"dateTime,omitempty"`
	PolicyRule CodeableConcept   `json:"policyRule,omitzero"`
	Provision  *ConsentProvision `json:"provision,omitempty"`
}

// ConsentProvision is what the consent permits or denies.
type ConsentProvision struct {
	Type      string             `json:"type,omitempty"` // deny, permit
	Period    Period             `json:"period,omitzero"`
	Action    []CodeableConcept  `json:"action,omitempty"`
	Code      []CodeableConcept  `json:"code,omitempty"`
	Provision []ConsentProvision `json:"provision,omitempty"`
}

// ContactPoint is a telephone number, an e-mail address...
type ContactPoint struct {
	System string `json:"system,omitempty"` // phone, email, ...
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
	Rank   int    `json:"rank,omitempty"`
}

// Device is a device used in or on the patient, or an implant.
type Device struct {
	Resource
	Status     string          `json:"status,omitempty"`
	DeviceName []DeviceName    `json:"deviceName,omitempty"`
	Type       CodeableConcept `json:"type,omitzero"`
	Patient    Reference       `json:"patient,omitzero"`
}

// DeviceName is one of a device's names.
type DeviceName struct {
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// DeviceUseStatement says a device is (or was) in or on the patient.
type DeviceUseStatement struct {
	Resource
	Status         string          `json:"status,omitempty"`
	Subject        Reference       `json:"subject,omitzero"`
	TimingDateTime string          `json:"timingDateTime,omitempty"`
	TimingPeriod   Period          `json:"timingPeriod,omitzero"`
	RecordedOn     string          `json:"recordedOn,omitempty"`
	Device         Reference       `json:"device,omitzero"`
	BodySite       CodeableConcept `json:"bodySite,omitzero"`
	Note           []Annotation    `json:"note,omitempty"`
}

// EncounterParticipant is someone who took part in an encounter.
type EncounterParticipant struct {
	Type       []CodeableConcept `json:"type,omitempty"`
	Period     Period            `json:"period,omitzero"`
	Individual Reference         `json:"individual,omitzero"`
}

// Extension is an extension; only the value types the project reads.
type Extension struct {
	URL          string      `json:"url,omitempty"`
	ValueBoolean *bool       `json:"valueBoolean,omitempty"`
	ValueCode    string      `json:"valueCode,omitempty"`
	ValueString  string      `json:"valueString,omitempty"`
	Extension    []Extension `json:"extension,omitempty"`
}

// Immunization is a vaccine given (or not).
type Immunization struct {
	Resource
	Status             string          `json:"status,omitempty"`
	VaccineCode        CodeableConcept `json:"vaccineCode,omitzero"`
	Patient            Reference       `json:"patient,omitzero"`
	OccurrenceDateTime string          `json:"occurrenceDateTime,omitempty"`
	PrimarySource      *bool           `json:"primarySource,omitempty"`
}

// NutritionOrder is a diet, a supplement or a tube feed ordered.
type NutritionOrder struct {
	Resource
	Status                 string             `json:"status,omitempty"`
	Intent                 string             `json:"intent,omitempty"`
	Patient                Reference          `json:"patient,omitzero"`
	DateTime               string             `json:"dateTime,omitempty"`
	FoodPreferenceModifier []CodeableConcept  `json:"foodPreferenceModifier,omitempty"`
	ExcludeFoodModifier    []CodeableConcept  `json:"excludeFoodModifier,omitempty"`
	OralDiet               *NutritionOralDiet `json:"oralDiet,omitempty"`
	Note                   []Annotation       `json:"note,omitempty"`
}

// NutritionOralDiet is an oral diet: its types and fluid consistency.
type NutritionOralDiet struct {
	Type                 []CodeableConcept `json:"type,omitempty"`
	FluidConsistencyType []CodeableConcept `json:"fluidConsistencyType,omitempty"`
	Instruction          string            `json:"instruction,omitempty"`
}

// PatientContact is a contact party of the patient: next of kin, an
// emergency contact, a guardian.
type PatientContact struct {
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         *HumanName        `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
	Period       Period            `json:"period,omitzero"`
}

// Procedure is something done to the patient: surgery, a line placed.
type Procedure struct {
	Resource
	Status            string          `json:"status,omitempty"`
	Code              CodeableConcept `json:"code,omitzero"`
	Subject           Reference       `json:"subject,omitzero"`
	PerformedDateTime string          `json:"performedDateTime,omitempty"`
	PerformedPeriod   Period          `json:"performedPeriod,omitzero"`
}

// RelatedPerson is someone related to the patient, with their own record.
type RelatedPerson struct {
	Resource
	Active       *bool             `json:"active,omitempty"`
	Patient      Reference         `json:"patient,omitzero"`
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         []HumanName       `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
	Period       Period            `json:"period,omitzero"`
}

// CarePlan is a plan of care: what the team intends to do for the
// patient (wound care, self care, a diet), as activities.
type CarePlan struct {
	Resource
	Status      string             `json:"status,omitempty"`
	Intent      string             `json:"intent,omitempty"`
	Category    []CodeableConcept  `json:"category,omitempty"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description,omitempty"`
	Subject     Reference          `json:"subject,omitzero"`
	Period      Period             `json:"period,omitzero"`
	Activity    []CarePlanActivity `json:"activity,omitempty"`
	Note        []Annotation       `json:"note,omitempty"`
}

// CarePlanActivity is one thing a care plan does; only one described in
// place (detail) is read, not one that names another resource.
type CarePlanActivity struct {
	Detail *CarePlanDetail `json:"detail,omitempty"`
}

// CarePlanDetail is what an activity is and how far it is.
type CarePlanDetail struct {
	Code        CodeableConcept `json:"code,omitzero"`
	Status      string          `json:"status,omitempty"`
	Description string          `json:"description,omitempty"`
}

// ServiceRequest is an order besides drugs: a lab test, imaging, a
// nursing order.
type ServiceRequest struct {
	Resource
	Status             string            `json:"status,omitempty"`
	Intent             string            `json:"intent,omitempty"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Priority           string            `json:"priority,omitempty"`
	DoNotPerform       *bool             `json:"doNotPerform,omitempty"`
	Code               CodeableConcept   `json:"code,omitzero"`
	Subject            Reference         `json:"subject,omitzero"`
	OccurrenceDateTime string            `json:"occurrenceDateTime,omitempty"`
	OccurrencePeriod   Period            `json:"occurrencePeriod,omitzero"`
	OccurrenceTiming   *Timing           `json:"occurrenceTiming,omitempty"`
	AuthoredOn         string            `json:"authoredOn,omitempty"`
	PatientInstruction string            `json:"patientInstruction,omitempty"`
	Note               []Annotation      `json:"note,omitempty"`
}
