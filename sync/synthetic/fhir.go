package synthetic

// The compact FHIR R4 shapes the generator writes. Only the elements the
// generator fills are modelled; field order follows the FHIR specification
// so that the JSON reads naturally. Every struct is marshalled by
// encoding/json, whose output is deterministic for structs.

const (
	sysLOINC      = "http://loinc.org"
	sysSNOMED     = "http://snomed.info/sct"
	sysRxNorm     = "http://www.nlm.nih.gov/research/umls/rxnorm"
	sysUCUM       = "http://unitsofmeasure.org"
	sysMRN        = "https://hospital.example/mrn"
	sysV2IDType   = "http://terminology.hl7.org/CodeSystem/v2-0203"
	sysActCode    = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	sysLocType    = "http://terminology.hl7.org/CodeSystem/location-physical-type"
	sysBedStatus  = "http://terminology.hl7.org/CodeSystem/v2-0116"
	sysObsCat     = "http://terminology.hl7.org/CodeSystem/observation-category"
	sysInterp     = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	sysAllergyCl  = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	sysAllergyVer = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
	sysCondCl     = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	sysCondVer    = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	sysCondCat    = "http://terminology.hl7.org/CodeSystem/condition-category"
	sysFlagCat    = "http://terminology.hl7.org/CodeSystem/flag-category"
	sysBCP47      = "urn:ietf:bcp:47"

	// fullURLBase is the base of Bundle entry fullUrls, so that relative
	// references such as "Patient/pat-000001" resolve inside a Bundle.
	fullURLBase = "https://hospital.example/fhir/"
)

type meta struct {
	VersionID   string `json:"versionId"`
	LastUpdated string `json:"lastUpdated"`
}

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

type concept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

type quantity struct {
	Value  float64 `json:"value"`
	Unit   string  `json:"unit,omitempty"`
	System string  `json:"system,omitempty"`
	Code   string  `json:"code,omitempty"`
}

type period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type identifier struct {
	Type   *concept `json:"type,omitempty"`
	System string   `json:"system"`
	Value  string   `json:"value"`
}

type humanName struct {
	Use    string   `json:"use,omitempty"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
}

type address struct {
	City       string `json:"city"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

type communication struct {
	Language  concept `json:"language"`
	Preferred bool    `json:"preferred"`
}

type patientRes struct {
	ResourceType  string          `json:"resourceType"`
	ID            string          `json:"id"`
	Meta          meta            `json:"meta"`
	Identifier    []identifier    `json:"identifier"`
	Active        bool            `json:"active"`
	Name          []humanName     `json:"name"`
	Gender        string          `json:"gender"`
	BirthDate     string          `json:"birthDate"`
	Address       []address       `json:"address,omitempty"`
	Communication []communication `json:"communication,omitempty"`
}

type locationRes struct {
	ResourceType      string     `json:"resourceType"`
	ID                string     `json:"id"`
	Meta              meta       `json:"meta"`
	Status            string     `json:"status"`
	OperationalStatus *coding    `json:"operationalStatus,omitempty"`
	Name              string     `json:"name"`
	Mode              string     `json:"mode"`
	PhysicalType      concept    `json:"physicalType"`
	PartOf            *reference `json:"partOf,omitempty"`
}

type encounterLocation struct {
	Location reference `json:"location"`
	Status   string    `json:"status"`
}

type encounterRes struct {
	ResourceType    string              `json:"resourceType"`
	ID              string              `json:"id"`
	Meta            meta                `json:"meta"`
	Status          string              `json:"status"`
	Class           coding              `json:"class"`
	Subject         reference           `json:"subject"`
	Period          period              `json:"period"`
	ReasonReference []reference         `json:"reasonReference,omitempty"`
	Location        []encounterLocation `json:"location"`
}

type reaction struct {
	Manifestation []concept `json:"manifestation"`
	Severity      string    `json:"severity,omitempty"`
}

type allergyRes struct {
	ResourceType       string     `json:"resourceType"`
	ID                 string     `json:"id"`
	Meta               meta       `json:"meta"`
	ClinicalStatus     concept    `json:"clinicalStatus"`
	VerificationStatus concept    `json:"verificationStatus"`
	Type               string     `json:"type,omitempty"`
	Category           []string   `json:"category,omitempty"`
	Criticality        string     `json:"criticality,omitempty"`
	Code               concept    `json:"code"`
	Patient            reference  `json:"patient"`
	RecordedDate       string     `json:"recordedDate"`
	Recorder           *reference `json:"recorder,omitempty"`
	Reaction           []reaction `json:"reaction,omitempty"`
}

type conditionRes struct {
	ResourceType       string     `json:"resourceType"`
	ID                 string     `json:"id"`
	Meta               meta       `json:"meta"`
	ClinicalStatus     concept    `json:"clinicalStatus"`
	VerificationStatus concept    `json:"verificationStatus"`
	Category           []concept  `json:"category"`
	Code               concept    `json:"code"`
	Subject            reference  `json:"subject"`
	Encounter          *reference `json:"encounter,omitempty"`
	OnsetDateTime      string     `json:"onsetDateTime,omitempty"`
	AbatementDateTime  string     `json:"abatementDateTime,omitempty"`
	RecordedDate       string     `json:"recordedDate"`
}

type flagRes struct {
	ResourceType string     `json:"resourceType"`
	ID           string     `json:"id"`
	Meta         meta       `json:"meta"`
	Status       string     `json:"status"`
	Category     []concept  `json:"category"`
	Code         concept    `json:"code"`
	Subject      reference  `json:"subject"`
	Period       period     `json:"period"`
	Encounter    reference  `json:"encounter"`
	Author       *reference `json:"author,omitempty"`
}

type repeat struct {
	BoundsPeriod *period  `json:"boundsPeriod,omitempty"`
	Frequency    int      `json:"frequency,omitempty"`
	Period       float64  `json:"period,omitempty"`
	PeriodUnit   string   `json:"periodUnit,omitempty"`
	TimeOfDay    []string `json:"timeOfDay,omitempty"`
}

type timing struct {
	Repeat repeat `json:"repeat"`
}

type doseAndRate struct {
	DoseQuantity quantity `json:"doseQuantity"`
}

type dosage struct {
	Text                    string        `json:"text"`
	Timing                  timing        `json:"timing"`
	AsNeededCodeableConcept *concept      `json:"asNeededCodeableConcept,omitempty"`
	Route                   concept       `json:"route"`
	DoseAndRate             []doseAndRate `json:"doseAndRate"`
	MaxDosePerPeriod        *ratio        `json:"maxDosePerPeriod,omitempty"`
}

type ratio struct {
	Numerator   quantity `json:"numerator"`
	Denominator quantity `json:"denominator"`
}

type medRequestRes struct {
	ResourceType              string      `json:"resourceType"`
	ID                        string      `json:"id"`
	Meta                      meta        `json:"meta"`
	Status                    string      `json:"status"`
	StatusReason              *concept    `json:"statusReason,omitempty"`
	Intent                    string      `json:"intent"`
	MedicationCodeableConcept concept     `json:"medicationCodeableConcept"`
	Subject                   reference   `json:"subject"`
	Encounter                 reference   `json:"encounter"`
	AuthoredOn                string      `json:"authoredOn"`
	Requester                 reference   `json:"requester"`
	ReasonReference           []reference `json:"reasonReference,omitempty"`
	DosageInstruction         []dosage    `json:"dosageInstruction"`
}

type adminPerformer struct {
	Actor reference `json:"actor"`
}

type adminDosage struct {
	Route concept  `json:"route"`
	Dose  quantity `json:"dose"`
}

type medAdminRes struct {
	ResourceType              string           `json:"resourceType"`
	ID                        string           `json:"id"`
	Meta                      meta             `json:"meta"`
	Status                    string           `json:"status"`
	StatusReason              []concept        `json:"statusReason,omitempty"`
	MedicationCodeableConcept concept          `json:"medicationCodeableConcept"`
	Subject                   reference        `json:"subject"`
	Context                   reference        `json:"context"`
	EffectiveDateTime         string           `json:"effectiveDateTime"`
	Performer                 []adminPerformer `json:"performer,omitempty"`
	Request                   reference        `json:"request"`
	Dosage                    *adminDosage     `json:"dosage,omitempty"`
}

type component struct {
	Code          concept  `json:"code"`
	ValueQuantity quantity `json:"valueQuantity"`
}

type refRange struct {
	Low  *quantity `json:"low,omitempty"`
	High *quantity `json:"high,omitempty"`
}

type observationRes struct {
	ResourceType      string      `json:"resourceType"`
	ID                string      `json:"id"`
	Meta              meta        `json:"meta"`
	Status            string      `json:"status"`
	Category          []concept   `json:"category"`
	Code              concept     `json:"code"`
	Subject           reference   `json:"subject"`
	Encounter         reference   `json:"encounter"`
	EffectiveDateTime string      `json:"effectiveDateTime"`
	ValueQuantity     *quantity   `json:"valueQuantity,omitempty"`
	Interpretation    []concept   `json:"interpretation,omitempty"`
	ReferenceRange    []refRange  `json:"referenceRange,omitempty"`
	Component         []component `json:"component,omitempty"`
}

type attachment struct {
	ContentType string `json:"contentType"`
	Data        string `json:"data"`
	Title       string `json:"title,omitempty"`
}

type docContent struct {
	Attachment attachment `json:"attachment"`
}

type docContext struct {
	Encounter []reference `json:"encounter"`
}

type documentRes struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Meta         meta         `json:"meta"`
	Status       string       `json:"status"`
	DocStatus    string       `json:"docStatus"`
	Type         concept      `json:"type"`
	Subject      reference    `json:"subject"`
	Date         string       `json:"date"`
	Author       []reference  `json:"author"`
	Description  string       `json:"description"`
	Content      []docContent `json:"content"`
	Context      docContext   `json:"context"`
}

// code builds a single-coding CodeableConcept.
func code(system, c, display string) concept {
	return concept{Coding: []coding{{System: system, Code: c, Display: display}}}
}

// codeText builds a single-coding CodeableConcept with a text.
func codeText(system, c, display, text string) concept {
	return concept{Coding: []coding{{System: system, Code: c, Display: display}}, Text: text}
}

// ucum builds a UCUM quantity; unit is what people read, c the UCUM code.
func ucum(v float64, unit, c string) quantity {
	return quantity{Value: v, Unit: unit, System: sysUCUM, Code: c}
}
