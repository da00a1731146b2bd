package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// entry is one resource being converted: its JSON, where it came from,
// and what the conversion found.
type entry struct {
	rtype, id, fullURL string
	raw                []byte
	at                 rawAt
	meta               r4.Meta
	subject            string   // patient reference key, for patient-scoped rows
	bad                string   // why it was skipped, when it was
	dropped            string   // why a patient's resource read was left out, when it was (see Import.NotShown)
	ignored            []string // paths of members of the wrong type left out, none of them read but by partial (see decode)
	unreadable         sections // the sections those of partial fed (see decode)
	strs               map[string]string
}

// intern returns one shared copy of strings that repeat across many
// resources (codes, names, units), to keep large imports small.
func (e *entry) intern(s string) string {
	if e.strs == nil {
		return s
	}
	if v, ok := e.strs[s]; ok {
		return v
	}
	e.strs[s] = s
	return s
}

// converters turns each used resource type into the row it keeps. A nil
// row with no e.bad means "read, nothing to keep" (a finished encounter,
// an entered-in-error allergy...).
var converters = map[string]func(*entry) any{
	"Patient":                  (*entry).patient,
	"Practitioner":             (*entry).practitioner,
	"Location":                 (*entry).location,
	"Encounter":                (*entry).encounter,
	"AllergyIntolerance":       (*entry).allergy,
	"Condition":                (*entry).condition,
	"MedicationRequest":        (*entry).medicationRequest,
	"MedicationAdministration": (*entry).medicationAdministration,
	"MedicationStatement":      (*entry).medicationStatement,
	"Medication":               (*entry).medication,
	"Observation":              (*entry).observation,
	"Flag":                     (*entry).flag,
	"DocumentReference":        (*entry).documentReference,
	"List":                     (*entry).list,
	"Composition":              (*entry).composition,
	"RelatedPerson":            (*entry).relatedPerson,
	"CareTeam":                 (*entry).careTeam,
	"Consent":                  (*entry).consent,
	"ServiceRequest":           (*entry).serviceRequest,
	"CarePlan":                 (*entry).carePlan,
	"NutritionOrder":           (*entry).nutritionOrder,
	"Device":                   (*entry).device,
	"DeviceUseStatement":       (*entry).deviceUseStatement,
	"Procedure":                (*entry).procedure,
	"Immunization":             (*entry).immunization,
}

// read are the members each converter reads, by JSON path: top-level
// members, or a member of one (meta.versionId). Every type also reads id,
// meta.versionId and meta.lastUpdated (see readByAll). A member of the
// wrong type that is not here is left out and counted (see entry.decode,
// Import.Ignored); one that is here makes the resource malformed. Keep
// it in step with the converters: TestReadMembersMatchTheConverters
// fails when a converter reads a member that is not here.
var read = map[string][]string{
	"Patient": {"identifier", "name", "gender", "birthDate", "deceasedBoolean", "deceasedDateTime", "contact", "communication",
		"generalPractitioner", "extension"},
	"Practitioner":             {"name"},
	"Location":                 {"name", "physicalType", "partOf"},
	"Encounter":                {"status", "subject", "period", "location", "participant"},
	"AllergyIntolerance":       {"clinicalStatus", "verificationStatus", "type", "category", "criticality", "code", "patient", "recordedDate", "reaction"},
	"Condition":                {"clinicalStatus", "verificationStatus", "code", "subject", "onsetDateTime", "onsetPeriod", "recordedDate"},
	"MedicationRequest":        {"contained", "status", "intent", "medicationCodeableConcept", "medicationReference", "subject", "authoredOn", "dosageInstruction", "dispenseRequest"},
	"MedicationAdministration": {"contained", "status", "statusReason", "medicationCodeableConcept", "medicationReference", "subject", "effectiveDateTime", "effectivePeriod", "request", "dosage"},
	"MedicationStatement":      {"contained", "status", "medicationCodeableConcept", "medicationReference", "subject", "effectiveDateTime", "effectivePeriod", "dateAsserted", "informationSource", "dosage"},
	"Medication":               {"code"},
	"Observation": {"status", "category", "code", "subject", "effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued",
		"valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger", "valueDateTime", "dataAbsentReason",
		"interpretation", "referenceRange", "component"},
	"Flag":              {"status", "code", "subject", "period"},
	"DocumentReference": {"status", "docStatus", "type", "subject", "date", "author", "description", "content", "context.period"},
	"List":              {"status", "code", "subject", "date", "entry", "emptyReason"},
	"Composition":       {"status", "subject", "date", "section"},
	"RelatedPerson":     {"active", "patient", "relationship", "name", "telecom", "period"},
	"CareTeam":          {"status", "name", "subject", "period", "participant"},
	"Consent":           {"status", "scope", "category", "patient", "dateTime", "provision"},
	"ServiceRequest": {"status", "intent", "category", "priority", "doNotPerform", "code", "subject", "occurrenceDateTime",
		"occurrencePeriod", "occurrenceTiming", "authoredOn", "patientInstruction", "note"},
	"CarePlan":           {"status", "intent", "category", "title", "description", "subject", "period", "activity", "note"},
	"NutritionOrder":     {"status", "patient", "dateTime", "foodPreferenceModifier", "excludeFoodModifier", "oralDiet", "note"},
	"Device":             {"status", "deviceName", "type", "patient"},
	"DeviceUseStatement": {"status", "subject", "timingDateTime", "timingPeriod", "device", "bodySite"},
	"Procedure":          {"status", "code", "subject", "performedDateTime", "performedPeriod"},
	"Immunization":       {"status", "vaccineCode", "patient", "occurrenceDateTime"},
}

// partial are members read that feed one section of the chart and no
// more, by type and top-level member: one of the wrong type is left out
// (as one not read is), and that section says it holds data that could
// not be read, instead of the whole resource being malformed (a
// Patient's contacts written wrong must not take the patient off the
// ward).
var partial = map[string]map[string]section{
	"Patient": {"contact": secContacts, "communication": secContacts, "extension": secContacts,
		"generalPractitioner": secCareTeam},
	"Encounter": {"participant": secCareTeam}, // the stay places the patient on the ward
}

// partialMember tells whether the member at path (a decoding error's
// dotted path) is in or under a partial member, and its section.
func partialMember(rtype, path string) (section, bool) {
	top, _, _ := strings.Cut(path, ".")
	sec, ok := partial[rtype][top]
	return sec, ok
}

// readByAll are the members every converter reads (entry.decode, the
// resource's source).
var readByAll = []string{"resourceType", "id", "meta.versionId", "meta.lastUpdated"}

// reads says whether the converter of rtype reads the member at path (a
// decoding error's dotted path): the member itself, one inside it, or
// one that holds it.
func reads(rtype, path string) bool {
	for _, list := range [][]string{readByAll, read[rtype]} {
		for _, m := range list {
			if m == path || strings.HasPrefix(path, m+".") || strings.HasPrefix(m, path+".") {
				return true
			}
		}
	}
	return false
}

// maxIgnored bounds the members of the wrong type one resource may have
// left out before it is called malformed.
const maxIgnored = 16

// withoutMember returns the JSON raw without the member at path, in every
// object along it (through arrays too), and whether one was left out.
// Member names match as encoding/json matches them, without regard to case.
func withoutMember(raw []byte, path []string) ([]byte, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || len(path) == 0 {
		return raw, false
	}
	switch raw[0] {
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return raw, false
		}
		changed := false
		for i, el := range list {
			if less, ok := withoutMember(el, path); ok {
				list[i], changed = less, true
			}
		}
		if !changed {
			return raw, false
		}
		out, err := json.Marshal(list)
		return out, err == nil
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return raw, false
		}
		changed := false
		for k, v := range obj {
			if !strings.EqualFold(k, path[0]) {
				continue
			}
			if len(path) == 1 {
				delete(obj, k)
				changed = true
			} else if less, ok := withoutMember(v, path[1:]); ok {
				obj[k], changed = less, true
			}
		}
		if !changed {
			return raw, false
		}
		out, err := json.Marshal(obj)
		return out, err == nil
	}
	return raw, false
}

// typeName maps each used type to one shared copy of its name.
var typeName = func() map[string]string {
	m := map[string]string{}
	for k := range converters {
		m[k] = k
	}
	return m
}()

// referenced are the types other resources point at; their fullUrls are
// remembered so urn:uuid references resolve.
var referenced = map[string]bool{
	"Patient": true, "Location": true, "Medication": true, "MedicationRequest": true, "Practitioner": true,
	// what an IPS Composition's sections list, to tell the entries that
	// are not in the input (see Import.NotShown)
	"AllergyIntolerance": true, "Condition": true, "MedicationStatement": true,
	// what a DeviceUseStatement points at
	"Device": true,
}

// decode decodes the resource into v. A member of the wrong type that
// the converter of this type does not read (see reads) is left out: the
// resource is decoded again without it, used as it is, and the member's
// path noted in e.ignored. One the converter reads makes the resource
// malformed, as does any other decoding error: a value the chart shows is
// never guessed. A partial member is left out too, and its section noted
// in e.unreadable.
func (e *entry) decode(v interface{ Header() *r4.Resource }) bool {
	raw := e.raw
	for range maxIgnored + 1 {
		err := json.Unmarshal(raw, v)
		if err == nil {
			break
		}
		var te *json.UnmarshalTypeError
		path := ""
		if errors.As(err, &te) {
			path = embedded.Replace(te.Field)
		}
		sec, isPartial := partialMember(e.rtype, path)
		if path == "" || (reads(e.rtype, path) && !isPartial) || len(e.ignored) == maxIgnored {
			e.bad = decodeReason(e.rtype, err)
			return false
		}
		less, ok := withoutMember(raw, strings.Split(path, "."))
		if !ok {
			e.bad = decodeReason(e.rtype, err)
			return false
		}
		e.ignored = append(e.ignored, path)
		if isPartial {
			e.unreadable |= sectionSet(sec)
		}
		raw = less
		reflect.ValueOf(v).Elem().SetZero() // decode afresh, nothing left of the wrong member
	}
	b := v.Header()
	e.id = strings.TrimSpace(b.ID)
	if e.id == "" {
		e.id = idFromFullURL(e.fullURL, e.rtype)
	}
	if e.id == "" {
		e.bad = e.rtype + ": missing id"
		return false
	}
	e.meta = b.Meta
	return true
}

// decodeReason explains a decoding error by field name and JSON kind only:
// the error's own text can quote values, which may be patient data.
func decodeReason(rtype string, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return rtype + ": not a JSON object"
		}
		return fmt.Sprintf("%s: field %s is not %s", rtype, embedded.Replace(te.Field), jsonKind(te.Type))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: invalid JSON at byte %d", rtype, se.Offset)
	}
	return rtype + ": cannot be decoded"
}

// embedded drops the Go names of embedded structs from decoding paths.
var embedded = strings.NewReplacer("ObservationValue.", "", "Resource.", "")

func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "of the expected type"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64, reflect.Int32:
		return "a number"
	}
	return "of the expected type"
}

// idFromFullURL derives a missing id from the entry's fullUrl: the uuid of
// a urn:uuid, or the id of an absolute URL ending in Type/id.
func idFromFullURL(fullURL, rtype string) string {
	if u, ok := strings.CutPrefix(fullURL, "urn:uuid:"); ok {
		return strings.TrimSpace(u)
	}
	if id, ok := strings.CutPrefix(refPath(fullURL), rtype+"/"); ok {
		return id
	}
	return ""
}

// needSubject records the patient reference of a patient-scoped resource,
// or marks it malformed when there is none.
func (e *entry) needSubject(r r4.Reference, field string) bool {
	if strings.TrimSpace(r.Reference) == "" {
		e.bad = e.rtype + ": missing " + field + " reference"
		return false
	}
	e.subject = refKey(r.Reference)
	return true
}

// source is the resource's identity; its JSON is fetched by Census.
func (e *entry) source() clinical.Source {
	return clinical.Source{Type: e.rtype, ID: e.id, VersionID: e.meta.VersionID, LastUpdated: e.meta.LastUpdated}
}

func (e *entry) patient() any {
	var j r4.Patient
	if !e.decode(&j) {
		return nil
	}
	n := pickName(j.Name)
	p := &patientRow{raw: e.at, Patient: clinical.Patient{
		ID:          e.id,
		Family:      strings.TrimSpace(n.Family),
		Given:       strings.Join(strings.Fields(strings.Join(n.Given, " ")), " "),
		BirthDate:   j.BirthDate,
		Sex:         j.Gender,
		Identifiers: []clinical.Identifier{},
		Source:      e.source(),
	}}
	// deceased[x]: a date of death says deceased too, even one that
	// cannot be read.
	if t := strings.TrimSpace(j.DeceasedDateTime); t != "" {
		p.Deceased, p.DeceasedAt = true, when(t)
	} else if j.DeceasedBoolean != nil {
		p.Deceased = *j.DeceasedBoolean
	}
	switch {
	case p.Family != "" && p.Given != "":
		p.Name = p.Family + ", " + p.Given
	case p.Family != "" || p.Given != "":
		p.Name = p.Family + p.Given
	default:
		p.Name = strings.TrimSpace(n.Text)
	}
	p.contacts, p.gp, p.unreadable = patientContacts(&j), j.GeneralPractitioner, e.unreadable
	for _, id := range j.Identifier {
		if v := strings.TrimSpace(id.Value); v != "" {
			p.Identifiers = append(p.Identifiers, clinical.Identifier{System: id.System, Value: v, Type: firstCode(id.Type, sysV2_0203)})
		}
	}
	return p
}

// pickName prefers the official name, then the usual one, then the first
// that is not old.
func pickName(names []r4.HumanName) r4.HumanName {
	for _, use := range []string{"official", "usual"} {
		for _, n := range names {
			if n.Use == use {
				return n
			}
		}
	}
	for _, n := range names {
		if n.Use != "old" {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return r4.HumanName{}
}

type practitionerName string

func (e *entry) practitioner() any {
	var j r4.Practitioner
	if !e.decode(&j) {
		return nil
	}
	n := pickName(j.Name)
	if s := joinNonEmpty(" ", strings.Join(n.Given, " "), n.Family); s != "" {
		return practitionerName(s)
	}
	return practitionerName(strings.TrimSpace(n.Text))
}

func (e *entry) location() any {
	var j r4.Location
	if !e.decode(&j) {
		return nil
	}
	return &locationRow{name: strings.TrimSpace(j.Name), phys: firstCode(j.PhysicalType, sysPhysType), partOf: j.PartOf.Reference}
}

func (e *entry) encounter() any {
	var j r4.Encounter
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	// A patient on leave (home for the weekend, in theatre elsewhere)
	// is still the ward's: their medications and allergies are needed
	// the moment they come back.
	if j.Status != "in-progress" && j.Status != "onleave" {
		e.dropped = statusReason("status", j.Status)
		return nil
	}
	r := encounterRow{id: e.id, start: when(j.Period.Start), src: e.source(), raw: e.at}
	for _, l := range j.Location {
		if l.Location.Reference != "" {
			r.locs = append(r.locs, encLocation{ref: l.Location.Reference, status: l.Status, start: when(l.Period.Start)})
		}
	}
	for _, p := range j.Participant {
		if p.Individual.Reference != "" || strings.TrimSpace(p.Individual.Display) != "" {
			r.team = append(r.team, careRef{ref: p.Individual.Reference, member: clinical.CareMember{Kind: clinical.CareEncounter,
				Name: strings.TrimSpace(p.Individual.Display), Role: concepts(p.Type), Since: when(p.Period.Start)}})
		}
	}
	return r
}

func (e *entry) medication() any {
	var j r4.Medication
	if !e.decode(&j) {
		return nil
	}
	return &medicationRow{name: medName(j.Code), code: firstCode(j.Code, sysRxNorm), codes: codeKeys(j.Code)}
}

// assertion returns an assertion row for a "none known" resource that is
// still in force, nil for one that is not.
func (e *entry) assertion(sec section, clinical string, at ...string) any {
	if clinical == "inactive" || clinical == "resolved" {
		e.dropped = notCurrentNone
		return nil
	}
	return assertion{sec: sec, src: e.source(), when: when(append(at, e.meta.LastUpdated)...), raw: e.at}
}

// absent reads a code that says the section is empty: "none known" is an
// assertion (see assertion), "unknown" only is dropped. ok is false for
// any other code: the resource is an item of its section.
func (e *entry) absent(c r4.CodeableConcept, sec section, clinical string, at ...string) (row any, ok bool) {
	switch absenceOf(c, sec) {
	case absentNoneKnown:
		return e.assertion(sec, clinical, at...), true
	case absentUnknown:
		e.dropped = unknownOnly
		return nil, true
	}
	return nil, false
}

func (e *entry) allergy() any {
	var j r4.AllergyIntolerance
	if !e.decode(&j) || !e.needSubject(j.Patient, "patient") {
		return nil
	}
	ver, clin := firstCode(j.VerificationStatus, ""), firstCode(j.ClinicalStatus, "")
	if ver == "entered-in-error" || ver == "refuted" {
		// kept to be counted, never shown (see hiddenAllergy)
		return allergyRow{Allergy: clinical.Allergy{VerificationStatus: ver, Source: e.source()}}
	}
	switch absenceOf(j.Code, secAllergies) {
	case absentNoneKnown:
		// A "no known allergy" record asserts only while it is plainly
		// current: an allergy with an odd status counts as possibly
		// active, but an assertion of "none" with one asserts nothing.
		if clin != "" && clin != "active" {
			e.dropped = notCurrentNone
			return nil
		}
		return e.assertion(secAllergies, clin, j.RecordedDate)
	case absentUnknown:
		e.dropped = unknownOnly
		return nil
	}
	a := allergyRow{raw: e.at, Allergy: clinical.Allergy{
		Substance:          conceptText(j.Code),
		Code:               firstCode(j.Code, sysSNOMED),
		Codes:              codeKeys(j.Code),
		Type:               j.Type,
		Criticality:        j.Criticality,
		ClinicalStatus:     clin,
		VerificationStatus: ver,
		Recorded:           when(j.RecordedDate),
		Source:             e.source(),
	}}
	if len(j.Category) > 0 {
		a.Category = j.Category[0]
	}
	var seen = map[string]bool{}
	var reactions []string
	for _, r := range j.Reaction {
		if a.Substance == "" {
			a.Substance = conceptText(r.Substance)
		}
		if severityRank[r.Severity] > severityRank[a.Severity] {
			a.Severity = r.Severity
		}
		for _, m := range r.Manifestation {
			if t := conceptText(m); t != "" && !seen[t] {
				seen[t] = true
				reactions = append(reactions, t)
			}
		}
	}
	a.Reaction = strings.Join(reactions, "; ")
	if a.Substance == "" {
		a.Substance = "unspecified substance"
	}
	return a
}

var severityRank = map[string]int{"mild": 1, "moderate": 2, "severe": 3}

func (e *entry) condition() any {
	var j r4.Condition
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	ver, clin := firstCode(j.VerificationStatus, ""), firstCode(j.ClinicalStatus, "")
	if ver == "entered-in-error" || ver == "refuted" {
		// kept to be counted, never shown (see hiddenProblem)
		return problemRow{Problem: clinical.Problem{VerificationStatus: ver, Source: e.source()}}
	}
	if row, ok := e.absent(j.Code, secProblems, clin, j.RecordedDate); ok {
		return row
	}
	p := problemRow{raw: e.at, Problem: clinical.Problem{
		Name:               conceptText(j.Code),
		Code:               firstCode(j.Code, sysSNOMED),
		ClinicalStatus:     clin,
		VerificationStatus: ver,
		Onset:              when(j.OnsetDateTime, j.OnsetPeriod.Start),
		Source:             e.source(),
	}}
	if p.Name == "" {
		p.Name = "unnamed problem"
	}
	p.sortAt = p.Onset
	if p.sortAt.IsZero() {
		p.sortAt = when(j.RecordedDate)
	}
	return p
}

func (e *entry) list() any {
	var j r4.List
	if !e.decode(&j) {
		return nil
	}
	if strings.TrimSpace(j.Subject.Reference) == "" {
		return nil // about no one
	}
	e.subject = refKey(j.Subject.Reference)
	sec, ok := listSection(j.Code)
	switch {
	case !ok:
		e.dropped = "not an allergy, problem or medication list"
		return nil
	case j.Status != "current" && j.Status != "":
		e.dropped = statusReason("status", j.Status)
		return nil
	}
	if len(j.Entry) == 0 && j.EmptyReason != nil && firstCode(*j.EmptyReason, "") == "nilknown" {
		return e.assertion(sec, "", j.Date)
	}
	return nil
}

// named is what names a coded thing (a flag, an order): the concept's
// text or a display, else its first code; with neither, the entry is bad.
func (e *entry) named(c r4.CodeableConcept) (string, bool) {
	text := conceptText(c)
	if text == "" {
		text = firstCode(c, "")
	}
	if text == "" {
		e.bad = e.rtype + ": missing code"
		return "", false
	}
	return text, true
}

func (e *entry) flag() any {
	var j r4.Flag
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	text, ok := e.named(j.Code)
	if !ok {
		return nil
	}
	if j.Status != "active" {
		// kept to be counted, never shown (see hiddenAlert)
		return alertRow{Alert: clinical.Alert{Status: j.Status, Source: e.source()}}
	}
	return alertRow{raw: e.at, Alert: clinical.Alert{
		Kind:   alertKind(j.Code),
		Text:   text,
		Code:   firstCode(j.Code, sysSNOMED),
		Status: j.Status,
		Start:  when(j.Period.Start),
		Source: e.source(),
	}}
}
