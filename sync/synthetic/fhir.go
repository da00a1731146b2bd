package synthetic

import "lifeboat/sync/fhir/r4"

// The ward is made of the project's FHIR R4 types (sync/fhir/r4), one
// value per resource, marshalled once by encoding/json, whose output is
// deterministic for structs. What follows are the code systems it uses and
// small helpers to build its values.

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

// header is a resource's type, id and meta (version, last updated).
func header(typ, id, version, updated string) r4.Resource {
	return r4.Resource{ResourceType: typ, ID: id, Meta: metaOf(version, updated)}
}

func metaOf(version, updated string) r4.Meta {
	return r4.Meta{VersionID: version, LastUpdated: updated}
}

// code builds a single-coding CodeableConcept.
func code(system, c, display string) r4.CodeableConcept {
	return r4.CodeableConcept{Coding: []r4.Coding{{System: system, Code: c, Display: display}}}
}

// codeText builds a single-coding CodeableConcept with a text.
func codeText(system, c, display, text string) r4.CodeableConcept {
	return r4.CodeableConcept{Coding: []r4.Coding{{System: system, Code: c, Display: display}}, Text: text}
}

// ucum builds a UCUM quantity; unit is what people read, c the UCUM code.
func ucum(v float64, unit, c string) *r4.Quantity {
	return &r4.Quantity{Value: &v, Unit: unit, System: sysUCUM, Code: c}
}
