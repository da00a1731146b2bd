package clinical

import "time"

// The rest of the essential record: whom to call, who cares for the
// patient, what was decided, what is ordered besides drugs, the diet,
// what is in or on the patient, procedures, immunizations. Each row keeps
// its source resource, as the other sections' rows do. Blood group and
// pregnancy are Observations (Section[Observation]).

// Contact kinds.
const (
	ContactParty    = "contact"        // Patient.contact: next of kin, emergency contact
	ContactRelated  = "related-person" // a RelatedPerson
	ContactLanguage = "language"       // Patient.communication
)

// Contact is someone to call, or a language the patient speaks (Kind
// ContactLanguage, with whether an interpreter is needed).
type Contact struct {
	Kind         string `json:"kind"`
	Name         string `json:"name,omitempty"`
	Relationship string `json:"relationship,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Language     string `json:"language,omitempty"`
	Preferred    bool   `json:"preferred,omitempty"`
	// Interpreter is true when the source says an interpreter is needed
	// (the patient-interpreterRequired extension); false says nothing.
	Interpreter bool   `json:"interpreterNeeded,omitempty"`
	Source      Source `json:"source,omitzero"`
}

// Care team member kinds.
const (
	CareGP         = "general-practitioner" // Patient.generalPractitioner
	CareTeamMember = "care-team"            // a CareTeam's participant
	CareEncounter  = "encounter"            // a participant of the current stay
)

// CareMember is one of the people who care for the patient.
type CareMember struct {
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
	Role   string    `json:"role,omitempty"`
	Team   string    `json:"team,omitempty"`
	Since  time.Time `json:"since,omitzero"`
	Source Source    `json:"source,omitzero"`
}

// Directive kinds.
const (
	DirectiveConsent    = "consent"    // a Consent
	DirectiveDocument   = "document"   // a DocumentReference of an advance-directive type
	DirectiveLimitation = "limitation" // a treatment limitation: a Consent's denial, a do-not-perform order
)

// Directive is an advance directive, a consent, or a treatment limitation
// beyond the code status ("no ICU", "no intubation").
type Directive struct {
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
	Status string    `json:"status,omitempty"`
	Date   time.Time `json:"date,omitzero"`
	Source Source    `json:"source,omitzero"`
}

// Order kinds.
const (
	OrderLab     = "laboratory"
	OrderImaging = "imaging"
	OrderNursing = "nursing"
	OrderPlan    = "care plan" // a CarePlan: what the team intends, as activities
	OrderOther   = "other"
)

// OrderKinds are the kinds an order can be.
var OrderKinds = []string{OrderLab, OrderImaging, OrderNursing, OrderPlan, OrderOther}

// Order is an active order besides drugs (a ServiceRequest), or a care
// plan in force (a CarePlan: its activities in Note).
type Order struct {
	Kind     string    `json:"kind"`
	Text     string    `json:"text"`
	Code     string    `json:"code,omitempty"`
	Status   string    `json:"status"`
	Priority string    `json:"priority,omitempty"` // routine, urgent, asap, stat
	Due      time.Time `json:"due,omitzero"`
	Note     string    `json:"note,omitempty"`
	Source   Source    `json:"source,omitzero"`
}

// Diet is a nutrition order: the diet, nil by mouth, thickened fluids.
type Diet struct {
	Text       string    `json:"text"`
	NilByMouth bool      `json:"nilByMouth,omitempty"`
	Fluids     string    `json:"fluids,omitempty"` // fluid consistency: "honey thick"
	Status     string    `json:"status"`
	Since      time.Time `json:"since,omitzero"`
	Source     Source    `json:"source,omitzero"`
}

// Device is a line, drain, catheter, implant or pacemaker in or on the
// patient, with when it was put in when the source says.
type Device struct {
	Name     string    `json:"name"`
	Code     string    `json:"code,omitempty"`
	Status   string    `json:"status,omitempty"`
	Site     string    `json:"site,omitempty"`
	Inserted time.Time `json:"inserted,omitzero"`
	Source   Source    `json:"source,omitzero"`
}

// Procedure is something done to the patient.
type Procedure struct {
	Name      string    `json:"name"`
	Code      string    `json:"code,omitempty"`
	Status    string    `json:"status,omitempty"`
	Performed time.Time `json:"performed,omitzero"`
	Source    Source    `json:"source,omitzero"`
}

// Immunization is a vaccine given, or recorded as not given.
type Immunization struct {
	Vaccine string    `json:"vaccine"`
	Code    string    `json:"code,omitempty"`
	Status  string    `json:"status,omitempty"`
	Date    time.Time `json:"date,omitzero"`
	Source  Source    `json:"source,omitzero"`
}

func (c *Contact) source() *Source      { return &c.Source }
func (m *CareMember) source() *Source   { return &m.Source }
func (d *Directive) source() *Source    { return &d.Source }
func (o *Order) source() *Source        { return &o.Source }
func (d *Diet) source() *Source         { return &d.Source }
func (d *Device) source() *Source       { return &d.Source }
func (p *Procedure) source() *Source    { return &p.Source }
func (i *Immunization) source() *Source { return &i.Source }

// SourceOf is the source of a row of any chart section (a pointer to an
// Allergy, a Contact...), or nil for anything else.
func SourceOf(row any) *Source {
	if r, ok := row.(interface{ source() *Source }); ok {
		return r.source()
	}
	return nil
}

// RecordSections are the sections of the rest of the record.
type RecordSections struct {
	Contacts          Section[Contact]      `json:"contacts"`
	CareTeam          Section[CareMember]   `json:"careTeam"`
	AdvanceDirectives Section[Directive]    `json:"advanceDirectives"`
	Orders            Section[Order]        `json:"orders"`
	Diet              Section[Diet]         `json:"diet"`
	Devices           Section[Device]       `json:"devices"`
	Procedures        Section[Procedure]    `json:"procedures"`
	Immunizations     Section[Immunization] `json:"immunizations"`
	BloodGroup        Section[Observation]  `json:"bloodGroup"`
	Pregnancy         Section[Observation]  `json:"pregnancy"`
}

func (r *RecordSections) settle() {
	r.Contacts.Settle()
	r.CareTeam.Settle()
	r.AdvanceDirectives.Settle()
	r.Orders.Settle()
	r.Diet.Settle()
	r.Devices.Settle()
	r.Procedures.Settle()
	r.Immunizations.Settle()
	r.BloodGroup.Settle()
	r.Pregnancy.Settle()
}

func (r *RecordSections) walk(fn func(string, *Source)) {
	walk[Contact]("contacts", &r.Contacts, fn)
	walk[CareMember]("careTeam", &r.CareTeam, fn)
	walk[Directive]("advanceDirectives", &r.AdvanceDirectives, fn)
	walk[Order]("orders", &r.Orders, fn)
	walk[Diet]("diet", &r.Diet, fn)
	walk[Device]("devices", &r.Devices, fn)
	walk[Procedure]("procedures", &r.Procedures, fn)
	walk[Immunization]("immunizations", &r.Immunizations, fn)
	walk[Observation]("bloodGroup", &r.BloodGroup, fn)
	walk[Observation]("pregnancy", &r.Pregnancy, fn)
}

// sizes adds the rows of the sections that have any, so that the counts
// of a ward without them read as before.
func (r *RecordSections) sizes(m map[string]int) {
	for k, n := range map[string]int{
		"contacts": len(r.Contacts.Items), "careTeam": len(r.CareTeam.Items),
		"advanceDirectives": len(r.AdvanceDirectives.Items), "orders": len(r.Orders.Items), "diet": len(r.Diet.Items),
		"devices": len(r.Devices.Items), "procedures": len(r.Procedures.Items), "immunizations": len(r.Immunizations.Items),
		"bloodGroup": len(r.BloodGroup.Items), "pregnancy": len(r.Pregnancy.Items),
	} {
		if n > 0 {
			m[k] = n
		}
	}
}
