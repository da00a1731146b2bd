package fhir

import "encoding/json"

// Minimal shapes of the FHIR R4 JSON this package reads. Each resource is
// decoded once into one of these; fields the chart does not use are left
// out so encoding/json skips them.

type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type concept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

type reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display"`
}

type quantity struct {
	Value      *float64 `json:"value"`
	Comparator string   `json:"comparator"`
	Unit       string   `json:"unit"`
	Code       string   `json:"code"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type meta struct {
	VersionID   string `json:"versionId"`
	LastUpdated string `json:"lastUpdated"`
}

// base is what every resource has.
type base struct {
	ID   string `json:"id"`
	Meta meta   `json:"meta"`
}

func (b *base) hdr() *base { return b }

type humanName struct {
	Use    string   `json:"use"`
	Text   string   `json:"text"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
}

type patientJSON struct {
	base
	Identifier []struct {
		Type   concept `json:"type"`
		System string  `json:"system"`
		Value  string  `json:"value"`
	} `json:"identifier"`
	Name             []humanName `json:"name"`
	Gender           string      `json:"gender"`
	BirthDate        string      `json:"birthDate"`
	DeceasedBoolean  *bool       `json:"deceasedBoolean"`
	DeceasedDateTime string      `json:"deceasedDateTime"`
}

type practitionerJSON struct {
	base
	Name []humanName `json:"name"`
}

type locationJSON struct {
	base
	Name         string    `json:"name"`
	PhysicalType concept   `json:"physicalType"`
	PartOf       reference `json:"partOf"`
}

type encounterJSON struct {
	base
	Status   string    `json:"status"`
	Subject  reference `json:"subject"`
	Period   period    `json:"period"`
	Location []struct {
		Location reference `json:"location"`
		Status   string    `json:"status"`
		Period   period    `json:"period"`
	} `json:"location"`
}

type allergyJSON struct {
	base
	ClinicalStatus     concept   `json:"clinicalStatus"`
	VerificationStatus concept   `json:"verificationStatus"`
	Type               string    `json:"type"`
	Category           []string  `json:"category"`
	Criticality        string    `json:"criticality"`
	Code               concept   `json:"code"`
	Patient            reference `json:"patient"`
	RecordedDate       string    `json:"recordedDate"`
	Reaction           []struct {
		Substance     concept   `json:"substance"`
		Manifestation []concept `json:"manifestation"`
		Severity      string    `json:"severity"`
	} `json:"reaction"`
}

type conditionJSON struct {
	base
	ClinicalStatus     concept   `json:"clinicalStatus"`
	VerificationStatus concept   `json:"verificationStatus"`
	Code               concept   `json:"code"`
	Subject            reference `json:"subject"`
	OnsetDateTime      string    `json:"onsetDateTime"`
	OnsetPeriod        period    `json:"onsetPeriod"`
	RecordedDate       string    `json:"recordedDate"`
}

type repeatJSON struct {
	BoundsPeriod period   `json:"boundsPeriod"`
	Frequency    float64  `json:"frequency"`
	FrequencyMax float64  `json:"frequencyMax"`
	Period       float64  `json:"period"`
	PeriodMax    float64  `json:"periodMax"`
	PeriodUnit   string   `json:"periodUnit"`
	DayOfWeek    []string `json:"dayOfWeek"`
	TimeOfDay    []string `json:"timeOfDay"`
	When         []string `json:"when"`
}

type dosageJSON struct {
	Text   string `json:"text"`
	Timing struct {
		Repeat *repeatJSON `json:"repeat"`
		Code   concept     `json:"code"`
	} `json:"timing"`
	AsNeededBoolean         *bool    `json:"asNeededBoolean"`
	AsNeededCodeableConcept *concept `json:"asNeededCodeableConcept"`
	MaxDosePerPeriod        *struct {
		Numerator   quantity `json:"numerator"`
		Denominator quantity `json:"denominator"`
	} `json:"maxDosePerPeriod"`
	Route       concept `json:"route"`
	DoseAndRate []struct {
		DoseQuantity *quantity `json:"doseQuantity"`
		DoseRange    *struct {
			Low  *quantity `json:"low"`
			High *quantity `json:"high"`
		} `json:"doseRange"`
		RateQuantity *quantity `json:"rateQuantity"`
		RateRatio    *struct {
			Numerator   *quantity `json:"numerator"`
			Denominator *quantity `json:"denominator"`
		} `json:"rateRatio"`
		RateRange *struct {
			Low  *quantity `json:"low"`
			High *quantity `json:"high"`
		} `json:"rateRange"`
	} `json:"doseAndRate"`
}

type medicationRequestJSON struct {
	base
	Status                    string            `json:"status"`
	Intent                    string            `json:"intent"`
	MedicationCodeableConcept *concept          `json:"medicationCodeableConcept"`
	MedicationReference       *reference        `json:"medicationReference"`
	Contained                 []json.RawMessage `json:"contained"`
	Subject                   reference         `json:"subject"`
	AuthoredOn                string            `json:"authoredOn"`
	DosageInstruction         []dosageJSON      `json:"dosageInstruction"`
	DispenseRequest           struct {
		ValidityPeriod period `json:"validityPeriod"`
	} `json:"dispenseRequest"`
}

type medicationAdministrationJSON struct {
	base
	Status                    string            `json:"status"`
	StatusReason              []concept         `json:"statusReason"`
	MedicationCodeableConcept *concept          `json:"medicationCodeableConcept"`
	MedicationReference       *reference        `json:"medicationReference"`
	Contained                 []json.RawMessage `json:"contained"`
	Subject                   reference         `json:"subject"`
	EffectiveDateTime         string            `json:"effectiveDateTime"`
	EffectivePeriod           period            `json:"effectivePeriod"`
	Request                   reference         `json:"request"`
	Dosage                    *struct {
		Text  string    `json:"text"`
		Dose  *quantity `json:"dose"`
		Route concept   `json:"route"`
	} `json:"dosage"`
}

type medicationJSON struct {
	base
	Code concept `json:"code"`
}

type referenceRangeJSON struct {
	Low  *quantity `json:"low"`
	High *quantity `json:"high"`
	Text string    `json:"text"`
}

type obsValue struct {
	ValueQuantity        *quantity `json:"valueQuantity"`
	ValueString          *string   `json:"valueString"`
	ValueCodeableConcept *concept  `json:"valueCodeableConcept"`
	ValueInteger         *float64  `json:"valueInteger"`
	ValueBoolean         *bool     `json:"valueBoolean"`
	DataAbsentReason     *concept  `json:"dataAbsentReason"`
}

type observationJSON struct {
	base
	obsValue
	Status            string               `json:"status"`
	Category          []concept            `json:"category"`
	Code              concept              `json:"code"`
	Subject           reference            `json:"subject"`
	EffectiveDateTime string               `json:"effectiveDateTime"`
	EffectivePeriod   period               `json:"effectivePeriod"`
	EffectiveInstant  string               `json:"effectiveInstant"`
	Issued            string               `json:"issued"`
	ReferenceRange    []referenceRangeJSON `json:"referenceRange"`
	Interpretation    []concept            `json:"interpretation"`
	Component         []struct {
		obsValue
		Code           concept              `json:"code"`
		ReferenceRange []referenceRangeJSON `json:"referenceRange"`
	} `json:"component"`
}

type flagJSON struct {
	base
	Status  string    `json:"status"`
	Code    concept   `json:"code"`
	Subject reference `json:"subject"`
	Period  period    `json:"period"`
}

type documentReferenceJSON struct {
	base
	Status      string      `json:"status"`
	DocStatus   string      `json:"docStatus"`
	Type        concept     `json:"type"`
	Subject     reference   `json:"subject"`
	Date        string      `json:"date"`
	Description string      `json:"description"`
	Author      []reference `json:"author"`
	Content     []struct {
		Attachment struct {
			ContentType string `json:"contentType"`
			Data        string `json:"data"`
			Title       string `json:"title"`
		} `json:"attachment"`
	} `json:"content"`
	Context struct {
		Period period `json:"period"`
	} `json:"context"`
}

type listJSON struct {
	base
	Status      string     `json:"status"`
	Code        concept    `json:"code"`
	Subject     reference  `json:"subject"`
	Date        string     `json:"date"`
	EmptyReason *concept   `json:"emptyReason"`
	Entry       []struct{} `json:"entry"`
}
