package fhir

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// The rest of the essential record: contacts, care team, advance
// directives, orders, diet, devices, procedures, immunizations, blood
// group and pregnancy. Each resource becomes one recordRow of its
// section; like the other rows, a row whose resource is entered in error
// or no longer in force is kept to be counted (hidden), so that its
// newest version decides (see bucket.settle), and never shown.

// recordRow is one row of a section of the rest of the record.
type recordRow struct {
	sec    section
	item   any             // *clinical.Contact, *clinical.Device...; nil for a hidden row
	src    clinical.Source // without JSON
	hidden string          // why it is not shown, "" when it is
	at     time.Time       // newest first
	ref    string          // what names it, resolved when the chart is built (a Practitioner, a Device)
	raw    rawAt
}

// record returns the row of a shown item.
func (e *entry) record(sec section, item any, at time.Time) recordRow {
	return recordRow{sec: sec, item: item, src: e.source(), at: at, raw: e.at}
}

// hiddenRecord returns the row of a resource read but not shown, and why.
func (e *entry) hiddenRecord(sec section, why string) recordRow {
	return recordRow{sec: sec, src: e.source(), hidden: why, raw: e.at}
}

// Extensions read.
const (
	extInterpreter = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
	sysCVX         = "http://hl7.org/fhir/sid/cvx"
)

// patientContacts are the contact parties of a Patient (next of kin,
// emergency contacts) and the languages it speaks; interpreter says
// whether the patient-interpreterRequired extension is true.
func patientContacts(j *r4.Patient) []clinical.Contact {
	var out []clinical.Contact
	for _, c := range j.Contact {
		k := clinical.Contact{Kind: clinical.ContactParty, Relationship: concepts(c.Relationship), Phone: phone(c.Telecom)}
		if c.Name != nil {
			k.Name = personName(*c.Name)
		}
		if k.Name != "" || k.Phone != "" || k.Relationship != "" {
			out = append(out, k)
		}
	}
	interpreter := false
	for _, x := range j.Extension {
		if x.URL == extInterpreter && x.ValueBoolean != nil && *x.ValueBoolean {
			interpreter = true
		}
	}
	for _, c := range j.Communication {
		if l := languageName(c.Language); l != "" {
			out = append(out, clinical.Contact{Kind: clinical.ContactLanguage, Language: l, Preferred: c.Preferred, Interpreter: interpreter})
		}
	}
	if interpreter && len(j.Communication) == 0 {
		out = append(out, clinical.Contact{Kind: clinical.ContactLanguage, Language: "language not recorded", Interpreter: true})
	}
	return out
}

// languages are the English names of common languages, by their BCP 47
// primary subtag, for a language coded without text or display.
var languages = map[string]string{
	"nl": "Dutch", "fr": "French", "de": "German", "en": "English", "tr": "Turkish", "ar": "Arabic", "es": "Spanish",
	"it": "Italian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "uk": "Ukrainian",
	"zh": "Chinese", "bg": "Bulgarian", "fa": "Persian", "ti": "Tigrinya", "so": "Somali", "ber": "Berber",
}

// languageName is a language's text or display, else the name of its
// code's language with the code ("Turkish (tr)"), else the code.
func languageName(c r4.CodeableConcept) string {
	if t := conceptText(c); t != "" {
		return t
	}
	code := firstCode(c, "")
	primary, _, _ := strings.Cut(strings.ToLower(code), "-")
	if n, ok := languages[primary]; ok {
		return n + " (" + code + ")"
	}
	return code
}

// personName is "Given Family", else the name's text.
func personName(n r4.HumanName) string {
	if s := joinNonEmpty(" ", strings.Join(strings.Fields(strings.Join(n.Given, " ")), " "), strings.TrimSpace(n.Family)); s != "" {
		return s
	}
	return strings.TrimSpace(n.Text)
}

// phone is the first telephone number (the lowest rank first), else the
// first contact point of any kind.
func phone(list []r4.ContactPoint) string {
	best := -1
	for i, c := range list {
		if c.System == "phone" && strings.TrimSpace(c.Value) != "" && (best < 0 || (c.Rank > 0 && (list[best].Rank == 0 || c.Rank < list[best].Rank))) {
			best = i
		}
	}
	if best >= 0 {
		return strings.TrimSpace(list[best].Value)
	}
	for _, c := range list {
		if v := strings.TrimSpace(c.Value); v != "" {
			return v
		}
	}
	return ""
}

// concepts is the words of each concept, joined.
func concepts(list []r4.CodeableConcept) string {
	var out []string
	for _, c := range list {
		t := conceptText(c)
		if t == "" {
			t = firstCode(c, "")
		}
		if t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, ", ")
}

func notes(list []r4.Annotation) string {
	var out []string
	for _, n := range list {
		if t := strings.TrimSpace(n.Text); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, "; ")
}

func (e *entry) relatedPerson() any {
	var j r4.RelatedPerson
	if !e.decode(&j) || !e.needSubject(j.Patient, "patient") {
		return nil
	}
	if j.Active != nil && !*j.Active {
		return e.hiddenRecord(secContacts, "inactive")
	}
	c := &clinical.Contact{Kind: clinical.ContactRelated, Relationship: concepts(j.Relationship), Phone: phone(j.Telecom)}
	if len(j.Name) > 0 {
		c.Name = personName(pickName(j.Name))
	}
	if c.Name == "" {
		c.Name = "unnamed contact"
	}
	return e.record(secContacts, c, when(j.Period.Start))
}

func (e *entry) careTeam() any {
	var j r4.CareTeam
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	if j.Status != "active" && j.Status != "" {
		return e.hiddenRecord(secCareTeam, statusReason("status", j.Status))
	}
	var rows []recordRow
	for _, p := range j.Participant {
		m := &clinical.CareMember{Kind: clinical.CareTeamMember, Name: strings.TrimSpace(p.Member.Display), Role: concepts(p.Role),
			Team: strings.TrimSpace(j.Name), Since: when(p.Period.Start, j.Period.Start)}
		r := e.record(secCareTeam, m, m.Since)
		r.ref = p.Member.Reference
		if m.Name != "" || r.ref != "" {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return e.hiddenRecord(secCareTeam, "no participant")
	}
	return rows
}

// Advance directive document types (LOINC): advance directives, living
// will, power of attorney, DNR and other orders, POLST.
var directiveTypes = map[string]bool{
	"42348-3": true, "75320-2": true, "86533-7": true, "64298-3": true, "92664-4": true, "93037-0": true, "81351-9": true,
	"100826-7": true,
}

func (e *entry) consent() any {
	var j r4.Consent
	if !e.decode(&j) || !e.needSubject(j.Patient, "patient") {
		return nil
	}
	if j.Status != "active" {
		return e.hiddenRecord(secDirectives, statusReason("status", j.Status))
	}
	d := &clinical.Directive{Kind: clinical.DirectiveConsent, Text: concepts(j.Category), Status: j.Status, Date: when(j.DateTime)}
	if d.Text == "" {
		d.Text = conceptText(j.Scope)
	}
	var denied []string
	var walk func(p *r4.ConsentProvision, deny bool)
	walk = func(p *r4.ConsentProvision, deny bool) {
		if p.Type != "" {
			deny = p.Type == "deny"
		}
		if deny {
			if t := concepts(slices.Concat(p.Code, p.Action)); t != "" {
				denied = append(denied, t)
			}
		}
		for i := range p.Provision {
			walk(&p.Provision[i], deny)
		}
	}
	if j.Provision != nil {
		walk(j.Provision, false)
	}
	if len(denied) > 0 {
		d.Kind = clinical.DirectiveLimitation
		d.Text = joinNonEmpty(" – ", d.Text, "refused: "+strings.Join(denied, "; "))
	}
	if d.Text == "" {
		d.Text = "consent"
	}
	return e.record(secDirectives, d, d.Date)
}

// directiveDocument is a DocumentReference of an advance-directive type.
func (e *entry) directiveDocument(j *r4.DocumentReference) any {
	d := &clinical.Directive{Kind: clinical.DirectiveDocument, Text: joinNonEmpty(": ", conceptText(j.Type), strings.TrimSpace(j.Description)),
		Status: j.Status, Date: when(j.Date, j.Context.Period.Start)}
	if d.Text == "" {
		d.Text = "advance directive"
	}
	return e.record(secDirectives, d, d.Date)
}

func isDirectiveDocument(c r4.CodeableConcept) bool {
	for _, cd := range c.Coding {
		if (cd.System == sysLOINC || cd.System == "") && directiveTypes[cd.Code] {
			return true
		}
	}
	return false
}

// Service request categories (SNOMED CT) and their order kinds.
var orderKinds = map[string]string{
	"108252007": clinical.OrderLab,
	"363679005": clinical.OrderImaging,
	"9632001":   clinical.OrderNursing,
	"409063005": clinical.OrderNursing,
	"387713003": clinical.OrderOther,
}

func (e *entry) serviceRequest() any {
	var j r4.ServiceRequest
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	text, ok := e.named(j.Code)
	if !ok {
		return nil
	}
	switch {
	case j.Status != "active" && j.Status != "on-hold":
		return e.hiddenRecord(secOrders, statusReason("status", j.Status))
	case j.Intent == "proposal" || j.Intent == "plan":
		return e.hiddenRecord(secOrders, statusReason("intent", j.Intent))
	case j.DoNotPerform != nil && *j.DoNotPerform:
		// "Do not intubate", "no ICU admission": a treatment limitation.
		d := &clinical.Directive{Kind: clinical.DirectiveLimitation, Text: "Do not perform: " + text, Status: j.Status, Date: when(j.AuthoredOn)}
		return e.record(secDirectives, d, d.Date)
	}
	o := &clinical.Order{Text: text, Code: firstCode(j.Code, ""), Status: j.Status, Priority: j.Priority,
		Due: when(j.OccurrenceDateTime, j.OccurrencePeriod.Start), Note: joinNonEmpty("; ", strings.TrimSpace(j.PatientInstruction), notes(j.Note))}
	if j.OccurrenceTiming != nil {
		if r := j.OccurrenceTiming.Repeat; r != nil && o.Due.IsZero() {
			o.Due = when(r.BoundsPeriod.Start)
		}
		if f := frequencyText(j.OccurrenceTiming.Repeat, j.OccurrenceTiming.Code, false); f != "" {
			o.Note = joinNonEmpty("; ", f, o.Note)
		}
	}
	o.Kind = orderKind(j.Category)
	return e.record(secOrders, o, when(j.AuthoredOn))
}

// carePlan reads a plan of care in force as an order of kind "care plan":
// its category or title, and the activities not yet done in its note. A
// proposal or an option was never decided on, and is not shown.
func (e *entry) carePlan() any {
	var j r4.CarePlan
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	switch {
	case j.Status != "active" && j.Status != "on-hold":
		return e.hiddenRecord(secOrders, statusReason("status", j.Status))
	case j.Intent == "proposal" || j.Intent == "option":
		return e.hiddenRecord(secOrders, statusReason("intent", j.Intent))
	}
	var activities []string
	for _, a := range j.Activity {
		d := a.Detail
		if d == nil || slices.Contains([]string{"completed", "cancelled", "stopped", "entered-in-error"}, d.Status) {
			continue
		}
		if t := cmp.Or(conceptText(d.Code), strings.TrimSpace(d.Description)); t != "" && !slices.Contains(activities, t) {
			activities = append(activities, t)
		}
	}
	text := cmp.Or(strings.TrimSpace(j.Title), concepts(j.Category), strings.TrimSpace(j.Description), "care plan")
	o := &clinical.Order{Kind: clinical.OrderPlan, Text: text, Status: j.Status,
		Note: joinNonEmpty("; ", strings.Join(activities, ", "), notes(j.Note))}
	if len(j.Category) > 0 {
		o.Code = firstCode(j.Category[0], sysSNOMED)
	}
	return e.record(secOrders, o, when(j.Period.Start))
}

// orderKind is the kind of order the first telling category says: by
// its SNOMED CT code, else by its words ("Laboratory procedure").
func orderKind(categories []r4.CodeableConcept) string {
	for _, c := range categories {
		for _, cd := range c.Coding {
			if k, ok := orderKinds[cd.Code]; ok && (cd.System == sysSNOMED || cd.System == "") {
				return k
			}
		}
		if t := strings.ToLower(conceptText(c)); t != "" {
			for _, k := range []string{clinical.OrderLab, clinical.OrderImaging, clinical.OrderNursing} {
				if strings.Contains(t, k[:5]) {
					return k
				}
			}
		}
	}
	return clinical.OrderOther
}

// nilByMouth says whether a diet's words say nothing by mouth: "nil by
// mouth", "nothing by mouth", or NPO or NBM as a word.
func nilByMouth(text string) bool {
	t := strings.ToLower(text)
	if strings.Contains(t, "nil by mouth") || strings.Contains(t, "nothing by mouth") {
		return true
	}
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return (r < 'a' || r > 'z') }) {
		if w == "npo" || w == "nbm" {
			return true
		}
	}
	return false
}

func (e *entry) nutritionOrder() any {
	var j r4.NutritionOrder
	if !e.decode(&j) || !e.needSubject(j.Patient, "patient") {
		return nil
	}
	if j.Status != "active" && j.Status != "on-hold" {
		return e.hiddenRecord(secDiet, statusReason("status", j.Status))
	}
	d := &clinical.Diet{Status: j.Status, Since: when(j.DateTime)}
	var words []string
	if od := j.OralDiet; od != nil {
		for _, t := range od.Type {
			for _, cd := range t.Coding {
				d.NilByMouth = d.NilByMouth || nilByMouth(cd.Display)
			}
			d.NilByMouth = d.NilByMouth || nilByMouth(conceptText(t))
		}
		words = append(words, concepts(od.Type))
		d.Fluids = concepts(od.FluidConsistencyType)
		words = append(words, strings.TrimSpace(od.Instruction))
	}
	if ex := concepts(j.ExcludeFoodModifier); ex != "" {
		words = append(words, "without "+ex)
	}
	words = append(words, concepts(j.FoodPreferenceModifier), notes(j.Note))
	d.Text = joinNonEmpty("; ", words...)
	if d.Text == "" {
		d.Text = "nutrition order"
	}
	return e.record(secDiet, d, d.Since)
}

// deviceRow is a Device: its name for the statements that point at it,
// and a row of its patient's devices when it names one.
type deviceRow struct {
	name, code string
	row        *recordRow
}

func (e *entry) device() any {
	var j r4.Device
	if !e.decode(&j) {
		return nil
	}
	d := deviceRow{name: conceptText(j.Type), code: firstCode(j.Type, sysSNOMED)}
	for _, n := range j.DeviceName {
		if t := strings.TrimSpace(n.Name); t != "" {
			d.name = t
			break
		}
	}
	if d.name == "" {
		d.name = cmp.Or(d.code, "unnamed device")
	}
	if strings.TrimSpace(j.Patient.Reference) == "" {
		return &d // not (yet) in or on a patient
	}
	e.subject = refKey(j.Patient.Reference)
	// The status first: a "no known devices" entered in error asserts
	// nothing.
	if j.Status != "active" && j.Status != "" {
		r := e.hiddenRecord(secDevices, statusReason("status", j.Status))
		d.row = &r
		return &d
	}
	if row, ok := e.absent(j.Type, secDevices, ""); ok {
		return row
	}
	r := e.record(secDevices, &clinical.Device{Name: d.name, Code: d.code, Status: j.Status}, time.Time{})
	d.row = &r
	return &d
}

func (e *entry) deviceUseStatement() any {
	var j r4.DeviceUseStatement
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	if j.Status != "active" && j.Status != "intended" && j.Status != "on-hold" {
		return e.hiddenRecord(secDevices, statusReason("status", j.Status))
	}
	d := &clinical.Device{Name: strings.TrimSpace(j.Device.Display), Status: j.Status, Site: conceptText(j.BodySite),
		Inserted: when(j.TimingPeriod.Start, j.TimingDateTime)}
	r := e.record(secDevices, d, d.Inserted)
	r.ref = j.Device.Reference
	if d.Name == "" && r.ref == "" {
		e.bad = "DeviceUseStatement: missing device"
		return nil
	}
	return r
}

func (e *entry) procedure() any {
	var j r4.Procedure
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	if j.Status == "entered-in-error" || j.Status == "not-done" || j.Status == "preparation" {
		return e.hiddenRecord(secProcedures, statusReason("status", j.Status))
	}
	if row, ok := e.absent(j.Code, secProcedures, ""); ok {
		return row
	}
	p := &clinical.Procedure{Name: conceptText(j.Code), Code: firstCode(j.Code, sysSNOMED), Status: j.Status,
		Performed: when(j.PerformedDateTime, j.PerformedPeriod.Start)}
	if p.Name == "" {
		p.Name = cmp.Or(p.Code, "unnamed procedure")
	}
	return e.record(secProcedures, p, p.Performed)
}

func (e *entry) immunization() any {
	var j r4.Immunization
	if !e.decode(&j) || !e.needSubject(j.Patient, "patient") {
		return nil
	}
	if j.Status == "entered-in-error" {
		return e.hiddenRecord(secImmunizations, "status entered-in-error")
	}
	if row, ok := e.absent(j.VaccineCode, secImmunizations, ""); ok {
		return row
	}
	i := &clinical.Immunization{Vaccine: conceptText(j.VaccineCode), Code: firstCode(j.VaccineCode, sysCVX), Status: j.Status,
		Date: when(j.OccurrenceDateTime)}
	if i.Vaccine == "" {
		i.Vaccine = cmp.Or(i.Code, "unnamed vaccine")
	}
	return e.record(secImmunizations, i, i.Date)
}

// Blood group and pregnancy Observations (LOINC), each in its section
// whatever its category.
var recordObservations = map[string]section{
	"882-1":   secBloodGroup, // ABO and Rh group
	"883-9":   secBloodGroup, // ABO group
	"10331-7": secBloodGroup, // Rh type
	"890-4":   secBloodGroup, // antibody screen
	"82810-3": secPregnancy,  // pregnancy status
	"11778-8": secPregnancy,  // delivery date, estimated
	"11449-6": secPregnancy,  // pregnancy status (older code)
}
