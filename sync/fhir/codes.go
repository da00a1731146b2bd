package fhir

import (
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// Code systems.
const (
	sysLOINC     = "http://loinc.org"
	sysSNOMED    = "http://snomed.info/sct"
	sysIPSAbsent = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
	sysV2_0203   = "http://terminology.hl7.org/CodeSystem/v2-0203"
	sysInterp    = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
	sysPhysType  = "http://terminology.hl7.org/CodeSystem/location-physical-type"
	sysRxNorm    = "http://www.nlm.nih.gov/research/umls/rxnorm"
)

// LOINC codes with a meaning of their own here.
const (
	loincBPPanel      = "85354-9"
	loincBPPanelOld   = "55284-4" // Synthea's blood pressure panel
	loincSystolic     = "8480-6"
	loincDiastolic    = "8462-4"
	loincWeight       = "29463-7"
	loincHeight       = "8302-2"
	loincListAllergy  = "48765-2"
	loincListProblems = "11450-4"
	loincListMeds     = "10160-0"
	// IPS sections of the rest of the record
	loincListProcedures    = "47519-4"
	loincListDevices       = "46264-8"
	loincListImmunizations = "11369-6"
	loincListDirectives    = "42348-3"
)

// section names a chart section. The first three can be asserted empty
// ("none known"); every one can hold data that could not be read.
type section int

const (
	secAllergies section = iota
	secProblems
	secMedications
	secAdministrations
	secVitals
	secLabs
	secAlerts
	secNotes
	// The rest of the record (record.go); of them, directives,
	// devices, procedures and immunizations can be asserted empty.
	secContacts
	secCareTeam
	secDirectives
	secOrders
	secDiet
	secDevices
	secProcedures
	secImmunizations
	secBloodGroup
	secPregnancy
	// secComposition is not a chart section: it files an IPS
	// Composition among a patient's assertions, to be read when the
	// chart is built (see Import.compositions).
	secComposition
)

// sections is a set of sections.
type sections uint32

func sectionSet(secs ...section) sections {
	var s sections
	for _, sec := range secs {
		s |= 1 << sec
	}
	return s
}

func (s sections) has(sec section) bool { return s&(1<<sec) != 0 }

// allSections is every section: what a resource whose type cannot be
// read might have fed.
const allSections = sections(1<<(secPregnancy+1) - 1)

// feeds maps each patient-scoped type to the sections it fills and the
// field holding its patient reference, so that a resource of that type
// which cannot be read still tells which patient's sections are
// incomplete (see reader.unreadable). List is left out: an
// unreadable List can only lose an assertion, never add one.
var feeds = map[string]struct {
	secs  sections
	field string
}{
	"AllergyIntolerance":       {sectionSet(secAllergies), "patient"},
	"Condition":                {sectionSet(secProblems), "subject"},
	"MedicationRequest":        {sectionSet(secMedications), "subject"},
	"MedicationStatement":      {sectionSet(secMedications), "subject"},
	"MedicationAdministration": {sectionSet(secAdministrations), "subject"},
	"Observation":              {sectionSet(secVitals, secLabs, secBloodGroup, secPregnancy), "subject"}, // which is in what could not be read
	"Flag":                     {sectionSet(secAlerts), "subject"},
	"DocumentReference":        {sectionSet(secNotes, secDirectives), "subject"},
	"RelatedPerson":            {sectionSet(secContacts), "patient"},
	"Encounter":                {sectionSet(secCareTeam), "subject"}, // its participants; a placement is no section
	"CareTeam":                 {sectionSet(secCareTeam), "subject"},
	"Consent":                  {sectionSet(secDirectives), "patient"},
	"ServiceRequest":           {sectionSet(secOrders, secDirectives), "subject"}, // a do-not-perform order is a limitation
	"CarePlan":                 {sectionSet(secOrders), "subject"},
	"NutritionOrder":           {sectionSet(secDiet), "patient"},
	"Device":                   {sectionSet(secDevices), "patient"},
	"DeviceUseStatement":       {sectionSet(secDevices), "subject"},
	"Procedure":                {sectionSet(secProcedures), "subject"},
	"Immunization":             {sectionSet(secImmunizations), "patient"},
}

// absence is what a coded "nothing" says: nothing is known (an assertion)
// or nothing is known about it (unknown, which is not an assertion).
type absence int

const (
	notAbsence absence = iota
	absentNoneKnown
	absentUnknown
)

type sysCode struct{ system, code string }

var noneKnownCodes = map[section][]sysCode{
	secAllergies: {
		{sysSNOMED, "716186003"}, // no known allergy
		{sysSNOMED, "409137002"}, // no known drug allergy
		{sysSNOMED, "428607008"}, // no known environmental allergy
		{sysSNOMED, "429625007"}, // no known food allergy
		{sysIPSAbsent, "no-known-allergies"},
	},
	secProblems: {
		{sysSNOMED, "160245001"}, // no current problems or disability
		{sysIPSAbsent, "no-known-problems"},
	},
	secMedications: {
		{sysIPSAbsent, "no-known-medications"},
	},
	secProcedures:    {{sysIPSAbsent, "no-known-procedures"}},
	secDevices:       {{sysIPSAbsent, "no-known-devices"}},
	secImmunizations: {{sysIPSAbsent, "no-known-immunizations"}},
}

var unknownCodes = map[section][]sysCode{
	secAllergies:     {{sysIPSAbsent, "no-allergy-info"}},
	secProblems:      {{sysIPSAbsent, "no-problem-info"}},
	secMedications:   {{sysIPSAbsent, "no-medication-info"}},
	secProcedures:    {{sysIPSAbsent, "no-procedure-info"}},
	secDevices:       {{sysIPSAbsent, "no-device-info"}},
	secImmunizations: {{sysIPSAbsent, "no-immunization-info"}},
}

// hasCode reports whether c carries one of the codes. A coding without a
// system matches on the code alone.
func hasCode(c r4.CodeableConcept, codes []sysCode) bool {
	for _, cd := range c.Coding {
		for _, k := range codes {
			if cd.Code == k.code && (cd.System == k.system || cd.System == "") {
				return true
			}
		}
	}
	return false
}

func absenceOf(c r4.CodeableConcept, sec section) absence {
	switch {
	case hasCode(c, noneKnownCodes[sec]):
		return absentNoneKnown
	case hasCode(c, unknownCodes[sec]):
		return absentUnknown
	}
	return notAbsence
}

// listSection maps the LOINC code of an IPS section List to its section.
func listSection(c r4.CodeableConcept) (section, bool) {
	for _, cd := range c.Coding {
		if cd.System != sysLOINC && cd.System != "" {
			continue
		}
		switch cd.Code {
		case loincListAllergy:
			return secAllergies, true
		case loincListProblems:
			return secProblems, true
		case loincListMeds:
			return secMedications, true
		case loincListProcedures:
			return secProcedures, true
		case loincListDevices:
			return secDevices, true
		case loincListImmunizations:
			return secImmunizations, true
		case loincListDirectives:
			return secDirectives, true
		}
	}
	return 0, false
}

// routeWords maps SNOMED CT route codes to the short words a nurse reads.
var routeWords = map[string]string{
	"26643006":  "oral",
	"47625008":  "IV",
	"34206005":  "subcutaneous",
	"78421000":  "IM",
	"37161004":  "rectal",
	"46713006":  "nasal",
	"447694001": "inhaled",
	"37839007":  "sublingual",
	"6064005":   "topical",
	"45890007":  "transdermal",
	"16857009":  "vaginal",
}

func routeText(c r4.CodeableConcept) string {
	for _, cd := range c.Coding {
		if cd.System == sysSNOMED || cd.System == "" {
			if w, ok := routeWords[cd.Code]; ok {
				return w
			}
		}
	}
	return conceptText(c)
}

// vitalCodes are the LOINC codes that make an Observation a vital sign
// even without the vital-signs category.
var vitalCodes = map[string]bool{
	"8867-4": true, "9279-1": true, loincBPPanel: true, loincBPPanelOld: true,
	loincSystolic: true, loincDiastolic: true, "8310-5": true, "59408-5": true,
	"2708-6": true, "72514-3": true, loincWeight: true, loincHeight: true,
}

// wholeNumberCodes are vitals shown without decimals.
var wholeNumberCodes = map[string]bool{
	"8867-4": true, "9279-1": true, loincSystolic: true, loincDiastolic: true,
	"59408-5": true, "2708-6": true, "72514-3": true,
	loincBPPanel: true, loincBPPanelOld: true,
}

// normalFlags are interpretation codes that do not make a result abnormal.
var normalFlags = map[string]bool{"": true, "N": true, "NEG": true, "ND": true, "NR": true}

// alertCodes classifies Flag codes (SNOMED CT).
var alertCodes = map[string]string{
	"304253006": clinical.AlertCodeStatus,
	"304252001": clinical.AlertCodeStatus,
	"450476008": clinical.AlertCodeStatus,
	"129839007": clinical.AlertFallRisk,
}

// alertKind classifies a Flag: by code first, then by keywords in its text.
// Code status words are checked before fall words, and fall words before
// isolation words, so that "Fall precautions" is a fall risk.
func alertKind(c r4.CodeableConcept) string {
	for _, cd := range c.Coding {
		if cd.System == sysSNOMED || cd.System == "" {
			if k, ok := alertCodes[cd.Code]; ok {
				return k
			}
		}
	}
	var sb strings.Builder
	sb.WriteString(strings.ToLower(c.Text))
	for _, cd := range c.Coding {
		sb.WriteString(" ")
		sb.WriteString(strings.ToLower(cd.Display))
	}
	text := " " + sb.String() + " "
	for _, k := range []struct {
		kind  string
		words []string
	}{
		{clinical.AlertCodeStatus, []string{"resuscitat", "dnr", "dnar", "dnacpr", "full code", "cpr", "allow natural death"}},
		{clinical.AlertFallRisk, []string{"fall"}},
		{clinical.AlertIsolation, []string{"isolation", "precaution"}},
	} {
		for _, w := range k.words {
			if strings.Contains(text, w) {
				return k.kind
			}
		}
	}
	return clinical.AlertOther
}

var alertRank = map[string]int{
	clinical.AlertCodeStatus: 0, clinical.AlertIsolation: 1, clinical.AlertFallRisk: 2, clinical.AlertOther: 3,
}

// conceptText is what a person reads for a concept: its text, else the
// first coding display, else the first code.
func conceptText(c r4.CodeableConcept) string {
	if t := strings.TrimSpace(c.Text); t != "" {
		return t
	}
	for _, cd := range c.Coding {
		if d := strings.TrimSpace(cd.Display); d != "" {
			return d
		}
	}
	return ""
}

// firstCode is the code of the first coding in the preferred system, else
// of the first coding.
func firstCode(c r4.CodeableConcept, preferred string) string {
	for _, cd := range c.Coding {
		if cd.System == preferred && cd.Code != "" {
			return cd.Code
		}
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return ""
}

// codeKeys lists "system|code" for every coding, for matching the same
// medication across resources.
func codeKeys(c r4.CodeableConcept) []string {
	var out []string
	for _, cd := range c.Coding {
		if cd.Code != "" {
			out = append(out, cd.System+"|"+cd.Code)
		}
	}
	return out
}

func hasCategory(cats []r4.CodeableConcept, code string) bool {
	for _, c := range cats {
		for _, cd := range c.Coding {
			if cd.Code == code {
				return true
			}
		}
	}
	return false
}

// Medication code systems, besides SNOMED CT and RxNorm, that a
// medication may be coded in; a coding without a display is named by the
// system's short name and its code.
const (
	sysATC  = "http://www.whocc.no/atc"
	sysEDQM = "http://standardterms.edqm.eu"
)

var systemNames = map[string]string{
	sysSNOMED: "SNOMED CT", sysRxNorm: "RxNorm", sysATC: "ATC", sysEDQM: "EDQM",
}

// medName is a medication's readable name: the concept's text, else the
// display of any coding (whatever the system: SNOMED CT, RxNorm, ATC, a
// national product code), else the first code with its system's name.
func medName(c r4.CodeableConcept) string {
	if t := conceptText(c); t != "" {
		return t
	}
	for _, cd := range c.Coding {
		if code := strings.TrimSpace(cd.Code); code != "" {
			if n, ok := systemNames[cd.System]; ok {
				return n + " " + code
			}
			return "code " + code
		}
	}
	return ""
}

// preferredCode is the medication's code in the first system of RxNorm,
// SNOMED CT, ATC, else the first code.
func preferredCode(c r4.CodeableConcept) string {
	for _, sys := range []string{sysRxNorm, sysSNOMED, sysATC} {
		for _, cd := range c.Coding {
			if cd.System == sys && cd.Code != "" {
				return cd.Code
			}
		}
	}
	return firstCode(c, "")
}
