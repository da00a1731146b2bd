package reconcile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"lifeboat/store"
)

// How one journal entry becomes the requests of a FHIR R4 transaction
// Bundle.
//
// Every resource an entry creates carries the entry's UUID as an
// identifier (system Config.EntrySystem) and is sent as a conditional
// create on it, so that sending it again finds it instead of creating it
// twice. An entry that makes several resources of one type (a set of
// vitals) gives each its own value, "<UUID>/<LOINC code>". A resource an
// entry changes (the encounter of a transfer or discharge, what a
// cancellation withdraws) is sent as a PUT of the server's version with
// If-Match, and gets the entry's identifier appended, marked as a change
// (Identifier.type.text changeMark), so that the planner finds what an
// earlier attempt changed, and a cancellation can tell a resource the
// cancelled entry created from one it only changed. Every entry also gets a
// Provenance (which has no identifier in R4): it carries the entry's UUID
// as a meta.tag of the entry system instead, and its conditional create
// searches _tag.
//
// Every request's fullUrl is a urn:uuid made from the entry's UUID and
// what the request is, so that a retry sends the very same Bundle.

const (
	loincSystem    = "http://loinc.org"
	ucumSystem     = "http://unitsofmeasure.org"
	obsCategory    = "http://terminology.hl7.org/CodeSystem/observation-category"
	actCodeSystem  = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	participantSys = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
	dataOperation  = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
	allergyClinSys = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	allergyVerSys  = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"

	// changeMark is the text of the type of an entry identifier appended
	// to a resource the entry changed rather than created.
	changeMark = "Lifeboat downtime entry that changed this resource"
	// downtimeText says why every resource was made.
	downtimeText = "documented during downtime"
)

// fullURLSpace is the namespace of the fullUrls of requests.
var fullURLSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:lifeboat:reconcile:fullUrl"))

// requestFullURL is the fullUrl of the request that makes or changes key
// ("Observation/8867-4", "Encounter/123", "Provenance") for an entry.
func requestFullURL(entryID, key string) string {
	return "urn:uuid:" + uuid.NewSHA1(fullURLSpace, []byte(entryID+"\n"+key)).String()
}

// RegistrationFullURLs are the fullUrls of the Patient and the Encounter a
// registration entry creates, so that entries for the same temporary
// patient sent in the same transaction can name them (as Context.Patient).
func RegistrationFullURLs(entryID string) (patient, encounter string) {
	return requestFullURL(entryID, "Patient"), requestFullURL(entryID, "Encounter")
}

// vitalSpec is one vital sign's Observation.
type vitalSpec struct {
	code, display    string
	unit, ucum       string
	value            func(*store.VitalSigns) *float64
	extraCode, extra string // a second coding, when the profile asks for one
}

// vitalSpecs are the vital signs of the R4 vital-signs profile, in the
// order an entry's Observations are made. The blood pressure panel
// (85354-9) is made separately, with its two components.
var vitalSpecs = []vitalSpec{
	{code: "8867-4", display: "Heart rate", unit: "/min", ucum: "/min",
		value: func(v *store.VitalSigns) *float64 { return v.HeartRate }},
	{code: "9279-1", display: "Respiratory rate", unit: "/min", ucum: "/min",
		value: func(v *store.VitalSigns) *float64 { return v.RespiratoryRate }},
	{code: "8310-5", display: "Body temperature", unit: "°C", ucum: "Cel",
		value: func(v *store.VitalSigns) *float64 { return v.Temperature }},
	{code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry", unit: "%", ucum: "%",
		value:     func(v *store.VitalSigns) *float64 { return v.SpO2 },
		extraCode: "2708-6", extra: "Oxygen saturation in Arterial blood"},
	{code: "72514-3", display: "Pain severity - 0-10 verbal numeric rating [Score] - Reported", unit: "{score}", ucum: "{score}",
		value: func(v *store.VitalSigns) *float64 { return v.Pain }},
	// Recorded for NEWS2 (with ACVPU, made separately).
	{code: "3151-8", display: "Inhaled oxygen flow rate", unit: "L/min", ucum: "L/min",
		value: func(v *store.VitalSigns) *float64 { return v.O2Flow }},
	{code: "3150-0", display: "Inhaled oxygen concentration", unit: "%", ucum: "%",
		value: func(v *store.VitalSigns) *float64 { return v.FiO2 }},
	{code: "15074-8", display: "Glucose [Moles/volume] in Blood", unit: "mmol/L", ucum: "mmol/L",
		value: func(v *store.VitalSigns) *float64 { return v.Glucose }},
}

// consciousness is the LOINC code of the level of responsiveness (ACVPU),
// sent as text: the LOINC answer list is AVPU, without "new confusion".
const consciousness = "67775-7"

// acvpuWords are the ACVPU levels as sent.
var acvpuWords = map[string]string{
	store.ConsciousAlert: "Alert", store.ConsciousNewConfusion: "New confusion", store.ConsciousVoice: "Responds to voice",
	store.ConsciousPain: "Responds to pain", store.ConsciousUnresponsive: "Unresponsive",
}

const (
	bpPanel     = "85354-9"
	bpSystolic  = "8480-6"
	bpDiastolic = "8462-4"
)

// vitalSuffixes are the suffixes of the identifiers of a vitals entry's
// Observations: "<UUID>/<suffix>".
func vitalSuffixes() []string {
	out := []string{bpPanel, consciousness}
	for _, s := range vitalSpecs {
		out = append(out, s.code)
	}
	return out
}

// EntryResourcesQuery is the search that finds, on the server, the
// resources of type typ that the entry entryID created or changed: by the
// entry identifier, or by the entry tag for a Provenance. For an
// Observation it names, as a comma list, every identifier value a vitals
// entry gives.
func EntryResourcesQuery(typ, entryID string, cfg Config) url.Values {
	sys := cfg.entrySystem()
	if typ == "Provenance" {
		return url.Values{"_tag": {tokenOf(sys, entryID)}}
	}
	values := []string{tokenOf(sys, entryID)}
	if typ == "Observation" {
		for _, s := range vitalSuffixes() {
			values = append(values, tokenOf(sys, entryID+"/"+s))
		}
	}
	return url.Values{"identifier": {strings.Join(values, ",")}}
}

// Identifies says whether resource was created or changed by the entry
// entryID: it carries the entry identifier (or one of its suffixed
// values), or, a Provenance, the entry tag.
func Identifies(resource json.RawMessage, entryID string, cfg Config) bool {
	var r struct {
		Identifier []struct {
			System string `json:"system"`
			Value  string `json:"value"`
		} `json:"identifier"`
		Meta struct {
			Tag []struct {
				System string `json:"system"`
				Code   string `json:"code"`
			} `json:"tag"`
		} `json:"meta"`
	}
	if entryID == "" || json.Unmarshal(resource, &r) != nil {
		return false
	}
	sys := cfg.entrySystem()
	for _, id := range r.Identifier {
		if id.System == sys && (id.Value == entryID || strings.HasPrefix(id.Value, entryID+"/")) {
			return true
		}
	}
	for _, t := range r.Meta.Tag {
		if t.System == sys && t.Code == entryID {
			return true
		}
	}
	return false
}

// tokenOf is a token search value, system|code, with the separators of
// either part escaped.
func tokenOf(system, code string) string {
	esc := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `|`, `\|`, `$`, `\$`)
	return esc.Replace(system) + "|" + esc.Replace(code)
}

// jsonObject is a resource or an element being built.
type jsonObject = map[string]any

// builder makes the requests of one entry.
type builder struct {
	e   store.Entry
	c   Context
	cfg Config
	out []Request
	// targets are what the Provenance points at: fullUrls of creates,
	// Type/id of changes.
	targets  []string
	activity string // the v3-DataOperation code of the Provenance
}

// Requests makes the requests of one entry's transaction Bundle entries:
// the resources it creates (conditional creates) or changes (PUTs with
// If-Match) and its Provenance, last. A cancellation with nothing to
// withdraw (c.Cancelled empty) gives none.
func Requests(e store.Entry, c Context, cfg Config) ([]Request, error) {
	if u, err := uuid.Parse(e.ID); err != nil || u.String() != e.ID {
		return nil, errors.New("the entry's id is not a UUID")
	}
	if e.ClinicalTime.IsZero() || e.EnteredAt.IsZero() {
		return nil, errors.New("the entry has no clinical or entry time")
	}
	needsPatient := e.Kind != store.KindRegistration && e.Kind != store.KindCancellation && e.Kind != store.KindDecision
	if needsPatient && c.Patient == "" {
		return nil, errors.New("the entry's patient has no record on the server yet")
	}
	b := &builder{e: e, c: c, cfg: cfg, activity: "CREATE"}
	var err error
	switch e.Kind {
	case store.KindMedication:
		err = needPayload(e.Medication != nil, e.Kind, b.medication)
	case store.KindVitals:
		err = needPayload(e.Vitals != nil, e.Kind, b.vitals)
	case store.KindNote:
		err = needPayload(e.Note != nil, e.Kind, b.note)
	case store.KindAllergy:
		err = needPayload(e.Allergy != nil, e.Kind, b.allergy)
	case store.KindRegistration:
		err = needPayload(e.Registration != nil, e.Kind, b.registration)
	case store.KindTransfer:
		err = needPayload(e.Transfer != nil, e.Kind, b.transfer)
	case store.KindDischarge:
		err = needPayload(e.Discharge != nil, e.Kind, b.discharge)
	case store.KindCancellation:
		err = needPayload(e.Cancellation != nil, e.Kind, b.cancellation)
	case store.KindCodeStatus:
		err = needPayload(e.CodeStatus != nil, e.Kind, b.codeStatus)
	case store.KindDecision:
		return nil, errors.New("a decision is not sent to the EHR")
	default:
		return nil, fmt.Errorf("an entry of kind %q cannot be sent to the EHR", e.Kind)
	}
	if err != nil {
		return nil, err
	}
	if len(b.targets) == 0 {
		return nil, nil
	}
	if err := b.provenance(); err != nil {
		return nil, err
	}
	return b.out, nil
}

func needPayload(ok bool, kind store.Kind, build func() error) error {
	if !ok {
		return fmt.Errorf("the %s entry has no %s details", kind, kind)
	}
	return build()
}

// fhirTime is a dateTime or instant with seconds and the offset kept.
func fhirTime(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.999Z07:00")
}

// entryIdentifier is the identifier of the entry, with suffix (for one of
// several resources of a type) when not empty.
func (b *builder) entryIdentifier(suffix string) jsonObject {
	v := b.e.ID
	if suffix != "" {
		v += "/" + suffix
	}
	return jsonObject{"system": b.cfg.entrySystem(), "value": v}
}

// clinician is who did the care: the author, or for paper back-entry who
// signed the paper.
func (b *builder) clinician() string {
	if t := b.e.Transcription; t != nil && strings.TrimSpace(t.FromPaperSignedBy) != "" {
		return t.FromPaperSignedBy
	}
	return b.e.Author
}

func refDisplay(s string) jsonObject { return jsonObject{"display": s} }

func (b *builder) patient() jsonObject { return jsonObject{"reference": b.c.Patient} }

func (b *builder) encounter() jsonObject {
	if b.c.Encounter == nil || b.c.Encounter.ID == "" {
		return nil
	}
	return jsonObject{"reference": b.c.Encounter.Reference()}
}

func newCoding(system, code, display string) jsonObject {
	c := jsonObject{"system": system, "code": code}
	if display != "" {
		c["display"] = display
	}
	return c
}

func newConcept(codings ...jsonObject) jsonObject {
	list := make([]any, len(codings))
	for i, c := range codings {
		list[i] = c
	}
	return jsonObject{"coding": list}
}

func ccText(s string) jsonObject { return jsonObject{"text": s} }

// create adds a conditional create of r, found again by the identifier
// with suffix (or, for a Provenance, the entry tag). key makes the fullUrl.
func (b *builder) create(typ, key, suffix string, r jsonObject) error {
	r["resourceType"] = typ
	var cond string
	if typ == "Provenance" {
		r["meta"] = jsonObject{"tag": []any{jsonObject{"system": b.cfg.entrySystem(), "code": b.e.ID}}}
		cond = url.Values{"_tag": {tokenOf(b.cfg.entrySystem(), b.e.ID)}}.Encode()
	} else {
		id := b.entryIdentifier(suffix)
		r["identifier"] = append([]any{id}, anyList(r["identifier"])...)
		cond = url.Values{"identifier": {tokenOf(id["system"].(string), id["value"].(string))}}.Encode()
	}
	body, err := json.Marshal(r)
	if err != nil {
		return errors.New("a resource could not be written as JSON")
	}
	full := requestFullURL(b.e.ID, key)
	b.out = append(b.out, Request{Type: typ, Method: "POST", URL: typ, FullURL: full, IfNoneExist: cond, Resource: body})
	if typ != "Provenance" {
		b.targets = append(b.targets, full)
	}
	return nil
}

func anyList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return nil
}

// Medication.

// ucumUnits are the dose units written on orders that are plain UCUM
// units, with their UCUM code.
var ucumUnits = map[string]string{
	"mg": "mg", "g": "g", "kg": "kg", "mcg": "ug", "ug": "ug", "µg": "ug", "μg": "ug", "ng": "ng",
	"ml": "mL", "mL": "mL", "l": "L", "L": "L", "mmol": "mmol", "mol": "mol",
	"IU": "[iU]", "iu": "[iU]", "[iU]": "[iU]", "[IU]": "[IU]",
}

func doseQuantity(q *store.Quantity) jsonObject {
	out := jsonObject{"value": q.Value, "unit": q.Unit}
	if code, ok := ucumUnits[strings.TrimSpace(q.Unit)]; ok {
		out["system"], out["code"] = ucumSystem, code
	}
	return out
}

func (b *builder) medication() error {
	m := b.e.Medication
	r := jsonObject{
		"medicationCodeableConcept": ccText(m.Medication),
		"subject":                   b.patient(),
		"effectiveDateTime":         fhirTime(b.e.ClinicalTime),
		"performer":                 []any{jsonObject{"actor": refDisplay(b.clinician())}},
	}
	if enc := b.encounter(); enc != nil {
		r["context"] = enc
	}
	if m.OrderID != "" {
		r["request"] = jsonObject{"reference": "MedicationRequest/" + m.OrderID}
	}
	dosage := func() jsonObject {
		d := jsonObject{"dose": doseQuantity(m.Dose)}
		if route := strings.TrimSpace(m.Route); route != "" {
			d["route"] = ccText(route)
		}
		if site := strings.TrimSpace(m.Site); site != "" {
			d["site"] = ccText(site)
		}
		return d
	}
	var notes []any
	switch m.Outcome {
	case store.OutcomeGiven:
		r["status"] = "completed"
	case store.OutcomePartial:
		r["status"] = "stopped"
		if m.Reason != "" {
			notes = append(notes, ccText(m.Reason))
		}
	case store.OutcomeHeld, store.OutcomeRefused:
		r["status"] = "not-done"
		reason := m.Outcome
		if m.Reason != "" {
			reason = m.Outcome + ": " + m.Reason
		}
		r["statusReason"] = []any{ccText(reason)}
		// A dose not given is no dosage (which says what went in); what
		// was due is kept as a note.
		var due []string
		if m.Dose != nil {
			due = append(due, fmt.Sprintf("%s %s", doseNumber(m.Dose.Value), m.Dose.Unit))
		}
		if m.Route != "" {
			due = append(due, "route "+m.Route)
		}
		if m.Site != "" {
			due = append(due, "site "+m.Site)
		}
		if len(due) > 0 {
			notes = append(notes, ccText("not given: "+strings.Join(due, ", ")))
		}
	default:
		return errors.New("the medication outcome must be given, held, refused or partial")
	}
	if m.Dose != nil && r["status"] != "not-done" {
		r["dosage"] = dosage()
	}
	// What the kiosk marked on the dose goes with it into the EHR: given
	// without an order, and a hard stop's witness and reason.
	if m.NoOrder() && r["status"] != "not-done" {
		notes = append(notes, ccText("given without an order in the downtime snapshot"))
	}
	if o := m.Override; o != nil {
		notes = append(notes, ccText("given despite an allergy hard stop; witnessed by "+o.Witness+"; reason: "+o.Reason))
	}
	if len(notes) > 0 {
		r["note"] = notes
	}
	return b.create("MedicationAdministration", "MedicationAdministration", "", r)
}

func doseNumber(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", f), "0"), ".")
}

// Vitals.

func (b *builder) observation(code jsonObject) jsonObject {
	r := jsonObject{
		"status":            "final",
		"category":          []any{newConcept(newCoding(obsCategory, "vital-signs", "Vital Signs"))},
		"code":              code,
		"subject":           b.patient(),
		"effectiveDateTime": fhirTime(b.e.ClinicalTime),
		"performer":         []any{refDisplay(b.clinician())},
	}
	if enc := b.encounter(); enc != nil {
		r["encounter"] = enc
	}
	return r
}

func ucumQuantity(v float64, unit, code string) jsonObject {
	return jsonObject{"value": v, "unit": unit, "system": ucumSystem, "code": code}
}

func (b *builder) vitals() error {
	v := b.e.Vitals
	if (v.Systolic == nil) != (v.Diastolic == nil) {
		return errors.New("a blood pressure needs both the systolic and the diastolic value")
	}
	made := false
	if v.Systolic != nil {
		r := b.observation(jsonObject{
			"coding": []any{newCoding(loincSystem, bpPanel, "Blood pressure panel with all children optional")},
			"text":   "Blood pressure"})
		r["component"] = []any{
			jsonObject{"code": newConcept(newCoding(loincSystem, bpSystolic, "Systolic blood pressure")),
				"valueQuantity": ucumQuantity(*v.Systolic, "mmHg", "mm[Hg]")},
			jsonObject{"code": newConcept(newCoding(loincSystem, bpDiastolic, "Diastolic blood pressure")),
				"valueQuantity": ucumQuantity(*v.Diastolic, "mmHg", "mm[Hg]")},
		}
		if err := b.create("Observation", "Observation/"+bpPanel, bpPanel, r); err != nil {
			return err
		}
		made = true
	}
	for _, s := range vitalSpecs {
		x := s.value(v)
		if x == nil {
			continue
		}
		codings := []any{newCoding(loincSystem, s.code, s.display)}
		if s.extraCode != "" {
			codings = append(codings, newCoding(loincSystem, s.extraCode, s.extra))
		}
		r := b.observation(jsonObject{"coding": codings, "text": s.display})
		r["valueQuantity"] = ucumQuantity(*x, s.unit, s.ucum)
		if err := b.create("Observation", "Observation/"+s.code, s.code, r); err != nil {
			return err
		}
		made = true
	}
	if w, ok := acvpuWords[v.Consciousness]; ok {
		r := b.observation(jsonObject{"coding": []any{newCoding(loincSystem, consciousness, "Level of responsiveness")},
			"text": "Consciousness (ACVPU)"})
		r["valueCodeableConcept"] = jsonObject{"text": w}
		if err := b.create("Observation", "Observation/"+consciousness, consciousness, r); err != nil {
			return err
		}
		made = true
	}
	// Air or oxygen is sent through its flow and FiO2; on its own (and the
	// SpO2 scale) it stays in the journal, as NEWS2 does not travel.
	if !made {
		return errors.New("a set of vital signs needs at least one value")
	}
	return nil
}

// Code status.

const snomedSystem = "http://snomed.info/sct"

// codeStatus makes a code status stated during downtime an active Flag:
// SNOMED 304252001 "For resuscitation" for full code, 304253006 "Not for
// resuscitation" for DNR and DNR codes 1 to 3, and the words (with the
// Belgian code, "DNR 2 – …") as the code's text, which is how the reader
// takes it back (docs/fhir-conventions.md). DNR 0 has no SNOMED code.
func (b *builder) codeStatus() error {
	cs := b.e.CodeStatus
	text := strings.TrimSpace(cs.Text)
	if text == "" {
		text = store.ResusWords[cs.Level]
	}
	if n := strings.TrimPrefix(cs.Level, "dnr-"); n != cs.Level {
		if _, ok := store.BelgianDNRCode(text); !ok {
			text = "DNR " + n + " – " + text
		}
	}
	code := jsonObject{"text": text}
	switch {
	case cs.Level == store.ResusFullCode:
		code["coding"] = []any{newCoding(snomedSystem, "304252001", "For resuscitation")}
	case store.NotResuscitated(cs.Level):
		code["coding"] = []any{newCoding(snomedSystem, "304253006", "Not for resuscitation")}
	}
	r := jsonObject{
		"status":  "active",
		"code":    code,
		"subject": b.patient(),
		"period":  jsonObject{"start": fhirTime(b.e.ClinicalTime)},
		"author":  refDisplay(b.clinician()),
	}
	if enc := b.encounter(); enc != nil {
		r["encounter"] = enc
	}
	return b.create("Flag", "Flag", "", r)
}

// Note.

func (b *builder) note() error {
	title := "Nursing note (documented during downtime)"
	r := jsonObject{
		"status": "current",
		"type": jsonObject{"coding": []any{newCoding(loincSystem, "34746-8", "Nurse Note")},
			"text": "Nurse note"},
		"subject": b.patient(),
		"date":    fhirTime(b.e.ClinicalTime),
		"author":  []any{refDisplay(b.clinician())},
		"content": []any{jsonObject{"attachment": jsonObject{
			"contentType": "text/plain; charset=utf-8",
			"data":        base64.StdEncoding.EncodeToString([]byte(b.e.Note.Text)),
			"title":       title,
			"creation":    fhirTime(b.e.ClinicalTime),
		}}},
	}
	ctx := jsonObject{"period": jsonObject{"start": fhirTime(b.e.ClinicalTime)}}
	if enc := b.encounter(); enc != nil {
		ctx["encounter"] = []any{enc}
	}
	r["context"] = ctx
	return b.create("DocumentReference", "DocumentReference", "", r)
}

// Allergy.

func (b *builder) allergy() error {
	a := b.e.Allergy
	r := jsonObject{
		"clinicalStatus":     newConcept(newCoding(allergyClinSys, "active", "Active")),
		"verificationStatus": newConcept(newCoding(allergyVerSys, "unconfirmed", "Unconfirmed")),
		"code":               ccText(a.Substance),
		"patient":            b.patient(),
		"recordedDate":       fhirTime(b.e.ClinicalTime),
		"recorder":           refDisplay(b.clinician()),
	}
	if a.Type != "" {
		r["type"] = a.Type
	}
	if a.Category != "" {
		r["category"] = []any{a.Category}
	}
	if a.Criticality != "" {
		r["criticality"] = a.Criticality
	}
	if enc := b.encounter(); enc != nil {
		r["encounter"] = enc
	}
	switch {
	case a.Reaction != "":
		reaction := jsonObject{"manifestation": []any{ccText(a.Reaction)}}
		if a.Severity != "" {
			reaction["severity"] = a.Severity
		}
		r["reaction"] = []any{reaction}
	case a.Severity != "":
		// A severity belongs to a reaction, which needs a manifestation:
		// without one it is kept as a note.
		r["note"] = []any{ccText("reaction severity: " + a.Severity + " (the reaction was not described)")}
	}
	return b.create("AllergyIntolerance", "AllergyIntolerance", "", r)
}

// Registration.

func placeText(ward, room, bed string) string {
	parts := []string{}
	for _, p := range []string{ward, room, bed} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " / ")
}

func (b *builder) registration() error {
	g := b.e.Registration
	subject := b.c.Patient
	if subject == "" {
		p := jsonObject{
			"identifier": []any{jsonObject{"use": "temp", "system": b.cfg.temporarySystem(), "value": g.TemporaryID}},
			"active":     true,
		}
		if g.Family != "" || g.Given != "" {
			name := jsonObject{}
			if g.Family != "" {
				name["family"] = g.Family
			}
			if g.Given != "" {
				name["given"] = []any{g.Given}
			}
			p["name"] = []any{name}
		}
		if g.Sex != "" {
			p["gender"] = g.Sex
		}
		if g.BirthDate != "" {
			p["birthDate"] = g.BirthDate
		}
		if err := b.create("Patient", "Patient", "", p); err != nil {
			return err
		}
		subject, _ = RegistrationFullURLs(b.e.ID)
	}
	start := fhirTime(b.e.ClinicalTime)
	enc := jsonObject{
		"status":  "in-progress",
		"class":   newCoding(actCodeSystem, "IMP", "inpatient encounter"),
		"subject": jsonObject{"reference": subject},
		"period":  jsonObject{"start": start},
		"location": []any{jsonObject{
			"location": refDisplay(placeText(g.Ward, g.Room, g.Bed)),
			"status":   "active",
			"period":   jsonObject{"start": start},
		}},
	}
	return b.create("Encounter", "Encounter", "", enc)
}

// Changes of server resources: transfer, discharge, cancellation.

// serverBody decodes a server resource for a change, keeping its numbers
// as written.
func serverBody(s ServerResource) (jsonObject, error) {
	if s.Type == "" || s.ID == "" {
		return nil, errors.New("a resource to change has no type or id")
	}
	if s.Version == "" {
		return nil, fmt.Errorf("the %s to change has no version, so it cannot be changed safely", s.Type)
	}
	dec := json.NewDecoder(bytes.NewReader(s.Body))
	dec.UseNumber()
	var r jsonObject
	if err := dec.Decode(&r); err != nil || r == nil {
		return nil, fmt.Errorf("the server's %s could not be read", s.Type)
	}
	if r["resourceType"] != s.Type || r["id"] != s.ID {
		return nil, fmt.Errorf("the server's %s body is not the resource it names", s.Type)
	}
	return r, nil
}

// hasEntryIdentifier says whether r carries the identifier of entry id.
func (b *builder) hasEntryIdentifier(r jsonObject, id string) (has, changed bool) {
	for _, x := range anyList(r["identifier"]) {
		o, ok := x.(jsonObject)
		if !ok || o["system"] != b.cfg.entrySystem() {
			continue
		}
		v, _ := o["value"].(string)
		if v == id || strings.HasPrefix(v, id+"/") {
			has = true
			if t, ok := o["type"].(jsonObject); ok && t["text"] == changeMark {
				changed = true
			}
		}
	}
	return has, changed
}

// change adds a PUT of s as changed by edit, unless the entry's change is
// there already (a previous attempt got through): then only the
// Provenance names it.
func (b *builder) change(s ServerResource, edit func(jsonObject) error) error {
	r, err := serverBody(s)
	if err != nil {
		return err
	}
	b.targets = append(b.targets, s.Reference())
	if done, _ := b.hasEntryIdentifier(r, b.e.ID); done {
		return nil
	}
	if err := edit(r); err != nil {
		return err
	}
	id := b.entryIdentifier("")
	id["type"] = ccText(changeMark)
	r["identifier"] = append(anyList(r["identifier"]), id)
	if m, ok := r["meta"].(jsonObject); ok {
		delete(m, "versionId")
		delete(m, "lastUpdated")
		if len(m) == 0 {
			delete(r, "meta")
		}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return errors.New("a resource could not be written as JSON")
	}
	b.out = append(b.out, Request{Type: s.Type, Method: "PUT", URL: s.Reference(),
		FullURL: requestFullURL(b.e.ID, s.Reference()), IfMatch: `W/"` + s.Version + `"`, Resource: body})
	return nil
}

// checkEncounter refuses to change an encounter that is missing or not
// the entry's patient's.
func (b *builder) checkEncounter(what string) error {
	enc := b.c.Encounter
	if enc == nil {
		return fmt.Errorf("no current encounter to %s", what)
	}
	if enc.Type != "Encounter" {
		return fmt.Errorf("the resource to %s is not an Encounter", what)
	}
	var r struct {
		Subject struct {
			Reference string `json:"reference"`
		} `json:"subject"`
	}
	if json.Unmarshal(enc.Body, &r) == nil && r.Subject.Reference != "" && r.Subject.Reference != b.c.Patient {
		return fmt.Errorf("the encounter to %s is not the entry's patient's", what)
	}
	return nil
}

// startsAfter says whether dateTime a is known to be after t (so that t
// cannot end a period starting at a).
func startsAfter(a string, t time.Time) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z07:00", "2006-01-02", "2006-01", "2006"} {
		if s, err := time.Parse(layout, a); err == nil {
			if len(a) <= len("2006-01-02") {
				// A date without a time may start any time that day.
				return false
			}
			return s.After(t)
		}
	}
	return false
}

// closeLocations completes the encounter's current locations at end.
func closeLocations(r jsonObject, end time.Time) error {
	for _, x := range anyList(r["location"]) {
		l, ok := x.(jsonObject)
		if !ok {
			continue
		}
		period, _ := l["period"].(jsonObject)
		status, _ := l["status"].(string)
		_, ended := period["end"]
		if status != "active" && (status != "" || ended) {
			continue
		}
		if period == nil {
			period = jsonObject{}
		}
		if s, _ := period["start"].(string); startsAfter(s, end) {
			return errors.New("the encounter's current location began after the time of the entry")
		}
		period["end"] = fhirTime(end)
		l["period"] = period
		l["status"] = "completed"
	}
	return nil
}

func (b *builder) transfer() error {
	if err := b.checkEncounter("transfer"); err != nil {
		return err
	}
	b.activity = "UPDATE"
	t := b.e.Transfer
	return b.change(*b.c.Encounter, func(r jsonObject) error {
		if err := closeLocations(r, b.e.ClinicalTime); err != nil {
			return err
		}
		r["location"] = append(anyList(r["location"]), jsonObject{
			"location": refDisplay(placeText(t.Ward, t.Room, t.Bed)),
			"status":   "active",
			"period":   jsonObject{"start": fhirTime(b.e.ClinicalTime)},
		})
		return nil
	})
}

func (b *builder) discharge() error {
	if err := b.checkEncounter("discharge"); err != nil {
		return err
	}
	b.activity = "UPDATE"
	return b.change(*b.c.Encounter, func(r jsonObject) error {
		period, _ := r["period"].(jsonObject)
		if period == nil {
			period = jsonObject{}
		}
		if s, _ := period["start"].(string); startsAfter(s, b.e.ClinicalTime) {
			return errors.New("the encounter began after the time of the discharge")
		}
		if err := closeLocations(r, b.e.ClinicalTime); err != nil {
			return err
		}
		period["end"] = fhirTime(b.e.ClinicalTime)
		r["period"] = period
		r["status"] = "finished"
		if d := strings.TrimSpace(b.e.Discharge.Destination); d != "" {
			h, _ := r["hospitalization"].(jsonObject)
			if h == nil {
				h = jsonObject{}
			}
			h["dischargeDisposition"] = ccText(d)
			r["hospitalization"] = h
		}
		return nil
	})
}

func (b *builder) cancellation() error {
	b.activity = "NULLIFY"
	for _, s := range b.c.Cancelled {
		if s.Type == "Provenance" {
			continue // the record of what was done stays
		}
		r, err := serverBody(s)
		if err != nil {
			return err
		}
		if has, changed := b.hasEntryIdentifier(r, b.e.Supersedes); !has {
			return fmt.Errorf("a %s to withdraw does not carry the cancelled entry's identifier", s.Type)
		} else if changed {
			return fmt.Errorf("the cancelled entry changed an existing %s (a transfer, discharge or cancellation), which a person must undo in the EHR", s.Type)
		}
		err = b.change(s, func(r jsonObject) error {
			switch s.Type {
			case "MedicationAdministration", "Observation", "DocumentReference", "Encounter", "Flag":
				r["status"] = "entered-in-error"
			case "AllergyIntolerance":
				r["verificationStatus"] = newConcept(newCoding(allergyVerSys, "entered-in-error", "Entered in Error"))
				delete(r, "clinicalStatus") // ait-2: none when entered in error
			case "Patient":
				r["active"] = false
			default:
				return fmt.Errorf("a %s cannot be withdrawn", s.Type)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Provenance.

func provAgent(code, who string) jsonObject {
	return jsonObject{
		"type": newConcept(newCoding(participantSys, code, "")),
		"who":  refDisplay(who),
	}
}

func (b *builder) provenance() error {
	targets := make([]any, len(b.targets))
	for i, t := range b.targets {
		targets[i] = jsonObject{"reference": t}
	}
	activity := jsonObject{"coding": []any{newCoding(dataOperation, b.activity, "")}, "text": downtimeText}
	var agents []any
	if t := b.e.Transcription; t != nil {
		agents = append(agents, provAgent("author", t.FromPaperSignedBy), provAgent("enterer", b.e.Author))
		activity["text"] = fmt.Sprintf("%s; transcribed from paper by %s, signed by %s", downtimeText, b.e.Author, t.FromPaperSignedBy)
	} else {
		agents = append(agents, provAgent("author", b.e.Author))
	}
	kiosk := "Lifeboat kiosk"
	if b.e.KioskID != "" {
		kiosk += " " + b.e.KioskID
	}
	agents = append(agents, provAgent("assembler", kiosk))
	entities := []any{jsonObject{"role": "source", "what": jsonObject{
		"identifier": b.entryIdentifier(""), "display": "Lifeboat downtime journal entry"}}}
	if b.e.Supersedes != "" {
		entities = append(entities, jsonObject{"role": "revision", "what": jsonObject{
			"identifier": jsonObject{"system": b.cfg.entrySystem(), "value": b.e.Supersedes},
			"display":    "Lifeboat downtime journal entry it supersedes"}})
	}
	r := jsonObject{
		"target":           targets,
		"occurredDateTime": fhirTime(b.e.ClinicalTime),
		"recorded":         fhirTime(b.e.EnteredAt),
		"reason":           []any{ccText(downtimeText)},
		"activity":         activity,
		"agent":            agents,
		"entity":           entities,
	}
	return b.create("Provenance", "Provenance", "", r)
}
