package reconcile

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
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
//
// A resource an entry creates is built as a value of its sync/fhir/r4 type
// and marshalled once. A change starts from the server's JSON instead and
// edits it member by member (see object), so that what r4 leaves out goes
// back to the server as it came.

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
	value            func(*clinical.VitalSigns) *float64
	extraCode, extra string // a second coding, when the profile asks for one
}

// vitalSpecs are the vital signs of the R4 vital-signs profile, in the
// order an entry's Observations are made. The blood pressure panel
// (85354-9) is made separately, with its two components.
var vitalSpecs = []vitalSpec{
	{code: "8867-4", display: "Heart rate", unit: "/min", ucum: "/min",
		value: func(v *clinical.VitalSigns) *float64 { return v.HeartRate }},
	{code: "9279-1", display: "Respiratory rate", unit: "/min", ucum: "/min",
		value: func(v *clinical.VitalSigns) *float64 { return v.RespiratoryRate }},
	{code: "8310-5", display: "Body temperature", unit: "°C", ucum: "Cel",
		value: func(v *clinical.VitalSigns) *float64 { return v.Temperature }},
	{code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry", unit: "%", ucum: "%",
		value:     func(v *clinical.VitalSigns) *float64 { return v.SpO2 },
		extraCode: "2708-6", extra: "Oxygen saturation in Arterial blood"},
	{code: "72514-3", display: "Pain severity - 0-10 verbal numeric rating [Score] - Reported", unit: "{score}", ucum: "{score}",
		value: func(v *clinical.VitalSigns) *float64 { return v.Pain }},
	// Recorded for NEWS2 (with ACVPU, made separately).
	{code: "3151-8", display: "Inhaled oxygen flow rate", unit: "L/min", ucum: "L/min",
		value: func(v *clinical.VitalSigns) *float64 { return v.O2Flow }},
	{code: "3150-0", display: "Inhaled oxygen concentration", unit: "%", ucum: "%",
		value: func(v *clinical.VitalSigns) *float64 { return v.FiO2 }},
	{code: "15074-8", display: "Glucose [Moles/volume] in Blood", unit: "mmol/L", ucum: "mmol/L",
		value: func(v *clinical.VitalSigns) *float64 { return v.Glucose }},
}

// consciousness is the LOINC code of the level of responsiveness (ACVPU),
// sent as text: the LOINC answer list is AVPU, without "new confusion".
const consciousness = "67775-7"

// acvpuWords are the ACVPU levels as sent.
var acvpuWords = map[string]string{
	clinical.ConsciousAlert: "Alert", clinical.ConsciousNewConfusion: "New confusion", clinical.ConsciousVoice: "Responds to voice",
	clinical.ConsciousPain: "Responds to pain", clinical.ConsciousUnresponsive: "Unresponsive",
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
func Identifies(body json.RawMessage, entryID string, cfg Config) bool {
	var r resource
	if entryID == "" || json.Unmarshal(body, &r) != nil {
		return false
	}
	return entryIdentified(r.Identifier, r.Meta.Tag, cfg.entrySystem(), entryID, true)
}

// entryIdentified says whether an identifier of ids or a tag of tags
// names entry id in system. With suffixed, an identifier value id/suffix
// (one of the entry's vital signs) names it too; a tag names only the
// entry itself.
func entryIdentified(ids []r4.Identifier, tags []r4.Coding, system, id string, suffixed bool) bool {
	for _, x := range ids {
		if x.System == system && (x.Value == id || suffixed && strings.HasPrefix(x.Value, id+"/")) {
			return true
		}
	}
	for _, t := range tags {
		if t.System == system && t.Code == id {
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

// builder makes the requests of one entry.
type builder struct {
	e   clinical.Entry
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
func Requests(e clinical.Entry, c Context, cfg Config) ([]Request, error) {
	if u, err := uuid.Parse(e.ID); err != nil || u.String() != e.ID {
		return nil, errors.New("the entry's id is not a UUID")
	}
	if e.ClinicalTime.IsZero() || e.EnteredAt.IsZero() {
		return nil, errors.New("the entry has no clinical or entry time")
	}
	needsPatient := e.Kind != clinical.KindRegistration && e.Kind != clinical.KindCancellation && e.Kind != clinical.KindDecision
	if needsPatient && c.Patient == "" {
		return nil, errors.New("the entry's patient has no record on the server yet")
	}
	b := &builder{e: e, c: c, cfg: cfg, activity: "CREATE"}
	var err error
	switch e.Kind {
	case clinical.KindMedication:
		err = needPayload(e.Medication != nil, e.Kind, b.medication)
	case clinical.KindVitals:
		err = needPayload(e.Vitals != nil, e.Kind, b.vitals)
	case clinical.KindNote:
		err = needPayload(e.Note != nil, e.Kind, b.note)
	case clinical.KindAllergy:
		err = needPayload(e.Allergy != nil, e.Kind, b.allergy)
	case clinical.KindRegistration:
		err = needPayload(e.Registration != nil, e.Kind, b.registration)
	case clinical.KindTransfer:
		err = needPayload(e.Transfer != nil, e.Kind, b.transfer)
	case clinical.KindDischarge:
		err = needPayload(e.Discharge != nil, e.Kind, b.discharge)
	case clinical.KindCancellation:
		err = needPayload(e.Cancellation != nil, e.Kind, b.cancellation)
	case clinical.KindCodeStatus:
		err = needPayload(e.CodeStatus != nil, e.Kind, b.codeStatus)
	case clinical.KindDecision:
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

func needPayload(ok bool, kind clinical.Kind, build func() error) error {
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
func (b *builder) entryIdentifier(suffix string) r4.Identifier {
	v := b.e.ID
	if suffix != "" {
		v += "/" + suffix
	}
	return r4.Identifier{System: b.cfg.entrySystem(), Value: v}
}

// clinician is who did the care: the author, or for paper back-entry who
// signed the paper.
func (b *builder) clinician() string {
	if t := b.e.Transcription; t != nil && strings.TrimSpace(t.FromPaperSignedBy) != "" {
		return t.FromPaperSignedBy
	}
	return b.e.Author
}

func refDisplay(s string) r4.Reference { return r4.Reference{Display: s} }

func (b *builder) patient() r4.Reference { return r4.Reference{Reference: b.c.Patient} }

// encounter is the entry's current encounter; none (the zero Reference,
// left out of the JSON) when there is none.
func (b *builder) encounter() r4.Reference {
	if b.c.Encounter == nil || b.c.Encounter.ID == "" {
		return r4.Reference{}
	}
	return r4.Reference{Reference: b.c.Encounter.Reference()}
}

func newConcept(system, code, display string) r4.CodeableConcept {
	return r4.CodeableConcept{Coding: []r4.Coding{{System: system, Code: code, Display: display}}}
}

func ccText(s string) r4.CodeableConcept { return r4.CodeableConcept{Text: s} }

func annotation(s string) r4.Annotation { return r4.Annotation{Text: s} }

// create adds a conditional create of r, a resource of sync/fhir/r4 whose
// identifiers are ids: the entry identifier with suffix goes first, and
// is the search that finds it again. A Provenance (ids nil) carries the
// entry as a meta tag instead. key makes the fullUrl.
func (b *builder) create(key, suffix string, r interface{ Header() *r4.Resource }, ids *[]r4.Identifier) error {
	h := r.Header()
	var cond string
	if ids == nil {
		h.Meta.Tag = []r4.Coding{{System: b.cfg.entrySystem(), Code: b.e.ID}}
		cond = url.Values{"_tag": {tokenOf(b.cfg.entrySystem(), b.e.ID)}}.Encode()
	} else {
		id := b.entryIdentifier(suffix)
		*ids = append([]r4.Identifier{id}, *ids...)
		cond = url.Values{"identifier": {tokenOf(id.System, id.Value)}}.Encode()
	}
	body, err := json.Marshal(r)
	if err != nil {
		return errors.New("a resource could not be written as JSON")
	}
	full := requestFullURL(b.e.ID, key)
	b.out = append(b.out, Request{Type: h.ResourceType, Method: "POST", URL: h.ResourceType, FullURL: full, IfNoneExist: cond, Resource: body})
	if ids != nil {
		b.targets = append(b.targets, full)
	}
	return nil
}

// header starts a resource of type typ.
func header(typ string) r4.Resource { return r4.Resource{ResourceType: typ} }

// Medication.

// ucumUnits are the dose units written on orders that are plain UCUM
// units, with their UCUM code.
var ucumUnits = map[string]string{
	"mg": "mg", "g": "g", "kg": "kg", "mcg": "ug", "ug": "ug", "µg": "ug", "μg": "ug", "ng": "ng",
	"ml": "mL", "mL": "mL", "l": "L", "L": "L", "mmol": "mmol", "mol": "mol",
	"IU": "[iU]", "iu": "[iU]", "[iU]": "[iU]", "[IU]": "[IU]",
}

func doseQuantity(q *clinical.Quantity) *r4.Quantity {
	out := &r4.Quantity{Value: new(q.Value), Unit: q.Unit}
	if code, ok := ucumUnits[strings.TrimSpace(q.Unit)]; ok {
		out.System, out.Code = ucumSystem, code
	}
	return out
}

func (b *builder) medication() error {
	m := b.e.Medication
	r := r4.MedicationAdministration{
		Resource:                  header("MedicationAdministration"),
		MedicationCodeableConcept: new(ccText(m.Medication)),
		Subject:                   b.patient(),
		Context:                   b.encounter(),
		EffectiveDateTime:         fhirTime(b.e.ClinicalTime),
		Performer:                 []r4.MedicationAdministrationActor{{Actor: refDisplay(b.clinician())}},
	}
	if m.OrderID != "" {
		r.Request = r4.Reference{Reference: "MedicationRequest/" + m.OrderID}
	}
	dosage := func() *r4.MedicationAdministrationDosage {
		d := &r4.MedicationAdministrationDosage{Dose: doseQuantity(m.Dose)}
		if route := strings.TrimSpace(m.Route); route != "" {
			d.Route = ccText(route)
		}
		if site := strings.TrimSpace(m.Site); site != "" {
			d.Site = ccText(site)
		}
		return d
	}
	switch m.Outcome {
	case clinical.OutcomeGiven:
		r.Status = "completed"
	case clinical.OutcomePartial:
		r.Status = "stopped"
		if m.Reason != "" {
			r.Note = append(r.Note, annotation(m.Reason))
		}
	case clinical.OutcomeHeld, clinical.OutcomeRefused:
		r.Status = "not-done"
		reason := m.Outcome
		if m.Reason != "" {
			reason = m.Outcome + ": " + m.Reason
		}
		r.StatusReason = []r4.CodeableConcept{ccText(reason)}
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
			r.Note = append(r.Note, annotation("not given: "+strings.Join(due, ", ")))
		}
	default:
		return errors.New("the medication outcome must be given, held, refused or partial")
	}
	if m.Dose != nil && r.Status != "not-done" {
		r.Dosage = dosage()
	}
	// What the kiosk marked on the dose goes with it into the EHR: given
	// without an order, and a hard stop's witness and reason.
	if m.NoOrder() && r.Status != "not-done" {
		r.Note = append(r.Note, annotation("given without an order in the downtime snapshot"))
	}
	if o := m.Override; o != nil {
		r.Note = append(r.Note, annotation("given despite an allergy hard stop; witnessed by "+o.Witness+"; reason: "+o.Reason))
	}
	return b.create("MedicationAdministration", "", &r, &r.Identifier)
}

func doseNumber(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", f), "0"), ".")
}

// Vitals.

func (b *builder) observation(code r4.CodeableConcept) r4.Observation {
	return r4.Observation{
		Resource:          header("Observation"),
		Status:            "final",
		Category:          []r4.CodeableConcept{newConcept(obsCategory, "vital-signs", "Vital Signs")},
		Code:              code,
		Subject:           b.patient(),
		Encounter:         b.encounter(),
		EffectiveDateTime: fhirTime(b.e.ClinicalTime),
		Performer:         []r4.Reference{refDisplay(b.clinician())},
	}
}

func ucumQuantity(v float64, unit, code string) *r4.Quantity {
	return &r4.Quantity{Value: &v, Unit: unit, System: ucumSystem, Code: code}
}

func (b *builder) vitals() error {
	v := b.e.Vitals
	if (v.Systolic == nil) != (v.Diastolic == nil) {
		return errors.New("a blood pressure needs both the systolic and the diastolic value")
	}
	made := false
	if v.Systolic != nil {
		code := newConcept(loincSystem, bpPanel, "Blood pressure panel with all children optional")
		code.Text = "Blood pressure"
		r := b.observation(code)
		r.Component = []r4.ObservationComponent{
			{Code: newConcept(loincSystem, bpSystolic, "Systolic blood pressure"),
				ObservationValue: r4.ObservationValue{ValueQuantity: ucumQuantity(*v.Systolic, "mmHg", "mm[Hg]")}},
			{Code: newConcept(loincSystem, bpDiastolic, "Diastolic blood pressure"),
				ObservationValue: r4.ObservationValue{ValueQuantity: ucumQuantity(*v.Diastolic, "mmHg", "mm[Hg]")}},
		}
		if err := b.create("Observation/"+bpPanel, bpPanel, &r, &r.Identifier); err != nil {
			return err
		}
		made = true
	}
	for _, s := range vitalSpecs {
		x := s.value(v)
		if x == nil {
			continue
		}
		code := newConcept(loincSystem, s.code, s.display)
		if s.extraCode != "" {
			code.Coding = append(code.Coding, r4.Coding{System: loincSystem, Code: s.extraCode, Display: s.extra})
		}
		code.Text = s.display
		r := b.observation(code)
		r.ValueQuantity = ucumQuantity(*x, s.unit, s.ucum)
		if err := b.create("Observation/"+s.code, s.code, &r, &r.Identifier); err != nil {
			return err
		}
		made = true
	}
	if w, ok := acvpuWords[v.Consciousness]; ok {
		code := newConcept(loincSystem, consciousness, "Level of responsiveness")
		code.Text = "Consciousness (ACVPU)"
		r := b.observation(code)
		r.ValueCodeableConcept = new(ccText(w))
		if err := b.create("Observation/"+consciousness, consciousness, &r, &r.Identifier); err != nil {
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
		text = clinical.ResusWords[cs.Level]
	}
	if n := strings.TrimPrefix(cs.Level, "dnr-"); n != cs.Level {
		if _, ok := clinical.BelgianDNRCode(text); !ok {
			text = "DNR " + n + " – " + text
		}
	}
	code := ccText(text)
	switch {
	case cs.Level == clinical.ResusFullCode:
		code.Coding = []r4.Coding{{System: snomedSystem, Code: "304252001", Display: "For resuscitation"}}
	case clinical.NotResuscitated(cs.Level):
		code.Coding = []r4.Coding{{System: snomedSystem, Code: "304253006", Display: "Not for resuscitation"}}
	}
	r := r4.Flag{
		Resource:  header("Flag"),
		Status:    "active",
		Code:      code,
		Subject:   b.patient(),
		Period:    r4.Period{Start: fhirTime(b.e.ClinicalTime)},
		Encounter: b.encounter(),
		Author:    refDisplay(b.clinician()),
	}
	return b.create("Flag", "", &r, &r.Identifier)
}

// Note.

func (b *builder) note() error {
	title := "Nursing note (documented during downtime)"
	typ := newConcept(loincSystem, "34746-8", "Nurse Note")
	typ.Text = "Nurse note"
	r := r4.DocumentReference{
		Resource: header("DocumentReference"),
		Status:   "current",
		Type:     typ,
		Subject:  b.patient(),
		Date:     fhirTime(b.e.ClinicalTime),
		Author:   []r4.Reference{refDisplay(b.clinician())},
		Content: []r4.DocumentContent{{Attachment: r4.Attachment{
			ContentType: "text/plain; charset=utf-8",
			Data:        base64.StdEncoding.EncodeToString([]byte(b.e.Note.Text)),
			Title:       title,
			Creation:    fhirTime(b.e.ClinicalTime),
		}}},
		Context: r4.DocumentContext{Period: r4.Period{Start: fhirTime(b.e.ClinicalTime)}},
	}
	if enc := b.encounter(); enc.Reference != "" {
		r.Context.Encounter = []r4.Reference{enc}
	}
	return b.create("DocumentReference", "", &r, &r.Identifier)
}

// Allergy.

func (b *builder) allergy() error {
	a := b.e.Allergy
	r := r4.AllergyIntolerance{
		Resource:           header("AllergyIntolerance"),
		ClinicalStatus:     newConcept(allergyClinSys, "active", "Active"),
		VerificationStatus: newConcept(allergyVerSys, "unconfirmed", "Unconfirmed"),
		Type:               a.Type,
		Criticality:        a.Criticality,
		Code:               ccText(a.Substance),
		Patient:            b.patient(),
		Encounter:          b.encounter(),
		RecordedDate:       fhirTime(b.e.ClinicalTime),
		Recorder:           refDisplay(b.clinician()),
	}
	if a.Category != "" {
		r.Category = []string{a.Category}
	}
	switch {
	case a.Reaction != "":
		r.Reaction = []r4.AllergyReaction{{Manifestation: []r4.CodeableConcept{ccText(a.Reaction)}, Severity: a.Severity}}
	case a.Severity != "":
		// A severity belongs to a reaction, which needs a manifestation:
		// without one it is kept as a note.
		r.Note = []r4.Annotation{annotation("reaction severity: " + a.Severity + " (the reaction was not described)")}
	}
	return b.create("AllergyIntolerance", "", &r, &r.Identifier)
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
		p := r4.Patient{
			Resource:   header("Patient"),
			Identifier: []r4.Identifier{{Use: "temp", System: b.cfg.temporarySystem(), Value: g.TemporaryID}},
			Active:     new(true),
			Gender:     g.Sex,
			BirthDate:  g.BirthDate,
		}
		if g.Family != "" || g.Given != "" {
			name := r4.HumanName{Family: g.Family}
			if g.Given != "" {
				name.Given = []string{g.Given}
			}
			p.Name = []r4.HumanName{name}
		}
		if err := b.create("Patient", "", &p, &p.Identifier); err != nil {
			return err
		}
		subject, _ = RegistrationFullURLs(b.e.ID)
	}
	start := fhirTime(b.e.ClinicalTime)
	enc := r4.Encounter{
		Resource: header("Encounter"),
		Status:   "in-progress",
		Class:    r4.Coding{System: actCodeSystem, Code: "IMP", Display: "inpatient encounter"},
		Subject:  r4.Reference{Reference: subject},
		Period:   r4.Period{Start: start},
		Location: []r4.EncounterLocation{{
			Location: refDisplay(placeText(g.Ward, g.Room, g.Bed)),
			Status:   "active",
			Period:   r4.Period{Start: start},
		}},
	}
	return b.create("Encounter", "", &enc, &enc.Identifier)
}

// Changes of server resources: transfer, discharge, cancellation.

// object is a JSON object as the server wrote it, each member kept as it
// came (numbers as written), so that a change sends back unchanged what
// Lifeboat does not model. The members a change reads or writes go
// through their r4 types.
type object map[string]json.RawMessage

func parseObject(raw json.RawMessage) (object, bool) {
	var o object
	if json.Unmarshal(raw, &o) != nil || o == nil {
		return nil, false
	}
	return o, true
}

// get decodes member name into v; false when it is absent or not of v's
// type.
func (o object) get(name string, v any) bool {
	raw, ok := o[name]
	return ok && json.Unmarshal(raw, v) == nil
}

// object is member name when it is an object.
func (o object) object(name string) (object, bool) {
	raw, ok := o[name]
	if !ok {
		return nil, false
	}
	return parseObject(raw)
}

// set writes v (an r4 value, a string, a bool, an object or a list of
// raw members, which always encode) as member name.
func (o object) set(name string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("reconcile: a member could not be written as JSON: " + err.Error())
	}
	o[name] = raw
}

// serverBody reads a server resource for a change.
func serverBody(s ServerResource) (object, error) {
	if s.Type == "" || s.ID == "" {
		return nil, errors.New("a resource to change has no type or id")
	}
	if s.Version == "" {
		return nil, fmt.Errorf("the %s to change has no version, so it cannot be changed safely", s.Type)
	}
	r, ok := parseObject(s.Body)
	if !ok {
		return nil, fmt.Errorf("the server's %s could not be read", s.Type)
	}
	var typ, id string
	if !r.get("resourceType", &typ) || !r.get("id", &id) || typ != s.Type || id != s.ID {
		return nil, fmt.Errorf("the server's %s body is not the resource it names", s.Type)
	}
	return r, nil
}

// hasEntryIdentifier says whether r carries the identifier of entry id,
// and whether one that does marks a change.
func (b *builder) hasEntryIdentifier(r object, id string) (has, changed bool) {
	var list []json.RawMessage
	r.get("identifier", &list)
	var ids, changes []r4.Identifier
	for _, raw := range list {
		var x r4.Identifier
		if json.Unmarshal(raw, &x) != nil {
			continue
		}
		ids = append(ids, x)
		if x.Type.Text == changeMark {
			changes = append(changes, x)
		}
	}
	sys := b.cfg.entrySystem()
	return entryIdentified(ids, nil, sys, id, true), entryIdentified(changes, nil, sys, id, true)
}

// change adds a PUT of s as changed by edit, unless the entry's change is
// there already (a previous attempt got through): then only the
// Provenance names it.
func (b *builder) change(s ServerResource, edit func(object) error) error {
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
	id.Type = ccText(changeMark)
	var ids []json.RawMessage
	r.get("identifier", &ids)
	r.set("identifier", append(ids, mustJSON(id)))
	if m, ok := r.object("meta"); ok {
		delete(m, "versionId")
		delete(m, "lastUpdated")
		if len(m) == 0 {
			delete(r, "meta")
		} else {
			r.set("meta", m)
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

func mustJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("reconcile: a value could not be written as JSON: " + err.Error())
	}
	return raw
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
	var r r4.Encounter
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
func closeLocations(r object, end time.Time) error {
	var locs []json.RawMessage
	if !r.get("location", &locs) {
		return nil
	}
	for i, raw := range locs {
		l, ok := parseObject(raw)
		if !ok {
			continue
		}
		period, _ := l.object("period")
		var status string
		l.get("status", &status)
		_, ended := period["end"]
		if status != "active" && (status != "" || ended) {
			continue
		}
		if period == nil {
			period = object{}
		}
		var start string
		if period.get("start", &start); startsAfter(start, end) {
			return errors.New("the encounter's current location began after the time of the entry")
		}
		period.set("end", fhirTime(end))
		l.set("period", period)
		l.set("status", "completed")
		locs[i] = mustJSON(l)
	}
	r.set("location", locs)
	return nil
}

func (b *builder) transfer() error {
	if err := b.checkEncounter("transfer"); err != nil {
		return err
	}
	b.activity = "UPDATE"
	t := b.e.Transfer
	return b.change(*b.c.Encounter, func(r object) error {
		if err := closeLocations(r, b.e.ClinicalTime); err != nil {
			return err
		}
		var locs []json.RawMessage
		r.get("location", &locs)
		r.set("location", append(locs, mustJSON(r4.EncounterLocation{
			Location: refDisplay(placeText(t.Ward, t.Room, t.Bed)),
			Status:   "active",
			Period:   r4.Period{Start: fhirTime(b.e.ClinicalTime)},
		})))
		return nil
	})
}

func (b *builder) discharge() error {
	if err := b.checkEncounter("discharge"); err != nil {
		return err
	}
	b.activity = "UPDATE"
	return b.change(*b.c.Encounter, func(r object) error {
		period, ok := r.object("period")
		if !ok {
			period = object{}
		}
		var start string
		if period.get("start", &start); startsAfter(start, b.e.ClinicalTime) {
			return errors.New("the encounter began after the time of the discharge")
		}
		if err := closeLocations(r, b.e.ClinicalTime); err != nil {
			return err
		}
		period.set("end", fhirTime(b.e.ClinicalTime))
		r.set("period", period)
		r.set("status", "finished")
		if d := strings.TrimSpace(b.e.Discharge.Destination); d != "" {
			h, ok := r.object("hospitalization")
			if !ok {
				h = object{}
			}
			h.set("dischargeDisposition", ccText(d))
			r.set("hospitalization", h)
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
		err = b.change(s, func(r object) error {
			switch s.Type {
			case "MedicationAdministration", "Observation", "DocumentReference", "Encounter", "Flag":
				r.set("status", "entered-in-error")
			case "AllergyIntolerance":
				r.set("verificationStatus", newConcept(allergyVerSys, "entered-in-error", "Entered in Error"))
				delete(r, "clinicalStatus") // ait-2: none when entered in error
			case "Patient":
				r.set("active", false)
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

func provAgent(code, who string) r4.ProvenanceAgent {
	return r4.ProvenanceAgent{Type: newConcept(participantSys, code, ""), Who: refDisplay(who)}
}

func (b *builder) provenance() error {
	targets := make([]r4.Reference, len(b.targets))
	for i, t := range b.targets {
		targets[i] = r4.Reference{Reference: t}
	}
	activity := newConcept(dataOperation, b.activity, "")
	activity.Text = downtimeText
	var agents []r4.ProvenanceAgent
	if t := b.e.Transcription; t != nil {
		agents = append(agents, provAgent("author", t.FromPaperSignedBy), provAgent("enterer", b.e.Author))
		activity.Text = fmt.Sprintf("%s; transcribed from paper by %s, signed by %s", downtimeText, b.e.Author, t.FromPaperSignedBy)
	} else {
		agents = append(agents, provAgent("author", b.e.Author))
	}
	kiosk := "Lifeboat kiosk"
	if b.e.KioskID != "" {
		kiosk += " " + b.e.KioskID
	}
	agents = append(agents, provAgent("assembler", kiosk))
	entities := []r4.ProvenanceEntity{{Role: "source", What: r4.Reference{
		Identifier: new(b.entryIdentifier("")), Display: "Lifeboat downtime journal entry"}}}
	if b.e.Supersedes != "" {
		entities = append(entities, r4.ProvenanceEntity{Role: "revision", What: r4.Reference{
			Identifier: &r4.Identifier{System: b.cfg.entrySystem(), Value: b.e.Supersedes},
			Display:    "Lifeboat downtime journal entry it supersedes"}})
	}
	r := r4.Provenance{
		Resource:         header("Provenance"),
		Target:           targets,
		OccurredDateTime: fhirTime(b.e.ClinicalTime),
		Recorded:         fhirTime(b.e.EnteredAt),
		Reason:           []r4.CodeableConcept{ccText(downtimeText)},
		Activity:         activity,
		Agent:            agents,
		Entity:           entities,
	}
	return b.create("Provenance", "", &r, nil)
}
