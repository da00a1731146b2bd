package fhir

import (
	"slices"
	"strings"
	"testing"

	"lifeboat/clinical"
)

// recordChart reads NDJSON lines (a Patient "p1" first) and gives p1's
// chart and the import.
func recordChart(t *testing.T, lines ...string) (clinical.Chart, *Import) {
	t.Helper()
	im, err := ReadBytes("test", []byte(ndjson(append([]string{`{"resourceType":"Patient","id":"p1"}`}, lines...)...)))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil || len(charts) != 1 {
		t.Fatalf("charts %d, %v", len(charts), err)
	}
	return charts[0], im
}

// readCharts reads the inputs and gives every patient's chart.
func readCharts(t *testing.T, paths ...string) (*Import, []clinical.Chart) {
	t.Helper()
	im, err := Read(paths...)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return im, charts
}

// The fixture has one resource of each kind read: each reaches its
// section, worded as a nurse reads it, with its source.
func TestTheRestOfTheRecordReachesItsSections(t *testing.T) {
	im, charts := readCharts(t, "testdata/record.json")
	c := charts[0]
	if im.MalformedTotal != 0 || len(im.NotShown()) != 0 {
		t.Fatalf("malformed %v, not shown %q", im.Malformed, im.NotShown())
	}
	contacts := names(c.Contacts.Items, func(k clinical.Contact) string {
		return strings.Join([]string{k.Kind, k.Name, k.Relationship, k.Phone, k.Language}, "|")
	})
	if want := []string{"contact|Anna Testperson|Daughter|+32 3 555 01 01|", "language||||Dutch", "related-person|Piet Testperson|Husband|+32 3 555 02 02|"}; !slices.Equal(contacts, want) {
		t.Errorf("contacts\n got %q\nwant %q", contacts, want)
	}
	if l := c.Contacts.Items[1]; !l.Interpreter || !l.Preferred {
		t.Errorf("language %+v: want preferred, interpreter needed", l)
	}
	team := names(c.CareTeam.Items, func(m clinical.CareMember) string { return m.Kind + "|" + m.Name + "|" + m.Role })
	if want := []string{"general-practitioner|Jan Huisarts|general practitioner", "care-team|Dr. Eva Internist|Attending physician",
		"encounter|Nurse Bram|Primary nurse"}; !slices.Equal(team, want) {
		t.Errorf("care team\n got %q\nwant %q", team, want)
	}
	dirs := names(c.AdvanceDirectives.Items, func(d clinical.Directive) string { return d.Kind + "|" + d.Text })
	if want := []string{"limitation|Do not perform: Intubation", "limitation|Advance directive – refused: ICU admission, intubation",
		"document|Advance directive: Living will, signed"}; !slices.Equal(dirs, want) {
		t.Errorf("directives\n got %q\nwant %q", dirs, want)
	}
	orders := names(c.Orders.Items, func(o clinical.Order) string { return o.Kind + "|" + o.Text + "|" + o.Priority + "|" + o.Note })
	if want := []string{"laboratory|Blood cultures x2|urgent|before antibiotics; draw from two sites", "nursing|Fluid balance chart||every 4 h",
		"care plan|Pressure ulcer care||Reposition every 2 h; Air mattress in place"}; !slices.Equal(orders, want) {
		t.Errorf("orders\n got %q\nwant %q", orders, want)
	}
	if d := c.Diet.Items; len(d) != 1 || d[0].Fluids != "Honey thick" || !strings.HasPrefix(d[0].Text, "Dysphagia diet") || d[0].NilByMouth {
		t.Errorf("diet %+v", d)
	}
	// The cannula is stated in use: shown once, as the statement says.
	devs := names(c.Devices.Items, func(d clinical.Device) string { return d.Name + "|" + d.Site + "|" + d.Source.Type })
	if want := []string{"Peripheral IV cannula 20G|left forearm|DeviceUseStatement", "Cardiac pacemaker||Device"}; !slices.Equal(devs, want) {
		t.Errorf("devices\n got %q\nwant %q", devs, want)
	}
	if c.Devices.Items[0].Inserted.IsZero() {
		t.Error("the cannula has no insertion date")
	}
	if p := names(c.Procedures.Items, func(p clinical.Procedure) string { return p.Name }); !slices.Equal(p, []string{"Appendectomy", "Hip replacement"}) {
		t.Errorf("procedures %q", p)
	}
	if i := c.Immunizations.Items; len(i) != 1 || i[0].Vaccine != "Influenza, seasonal" || i[0].Code != "140" {
		t.Errorf("immunizations %+v", i)
	}
	if b := names(c.BloodGroup.Items, func(o clinical.Observation) string { return o.Code + " " + o.Value }); !slices.Equal(b, []string{"882-1 A Rh positive", "890-4 Negative"}) {
		t.Errorf("blood group %q", b)
	}
	if p := c.Pregnancy.Items; len(p) != 1 || p[0].Value != "Not pregnant" {
		t.Errorf("pregnancy %+v", p)
	}
	// The blood group is not among the labs too.
	if len(c.Labs.Items) != 0 {
		t.Errorf("labs %+v", c.Labs.Items)
	}
	clinical.EachSource(&c, func(s *clinical.Source) {
		if len(s.JSON) == 0 {
			t.Errorf("%s/%s without its JSON", s.Type, s.ID)
		}
	})
}

// The stay's attending physician, also on the care team in that role, is
// listed once; a language coded only is named.
func TestACareTeamMemberIsListedOnceAndALanguageCodedOnlyIsNamed(t *testing.T) {
	im, err := ReadBytes("test", []byte(ndjson(
		`{"resourceType":"Patient","id":"p1","communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"tr"}]}}]}`,
		`{"resourceType":"Encounter","id":"e1","status":"in-progress","subject":{"reference":"Patient/p1"},"participant":[`+
			`{"type":[{"text":"Attending physician"}],"individual":{"display":"Dr. A"}},{"type":[{"text":"Resident"}],"individual":{"display":"Dr. B"}}]}`,
		`{"resourceType":"CareTeam","id":"t1","status":"active","subject":{"reference":"Patient/p1"},"participant":[`+
			`{"role":[{"text":"Attending physician"}],"member":{"display":"Dr. A"}}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	c := charts[0]
	team := names(c.CareTeam.Items, func(m clinical.CareMember) string { return m.Kind + "|" + m.Name })
	if want := []string{"care-team|Dr. A", "encounter|Dr. B"}; !slices.Equal(team, want) {
		t.Errorf("care team %q, want %q", team, want)
	}
	if l := c.Contacts.Items; len(l) != 1 || l[0].Language != "Turkish (tr)" {
		t.Errorf("contacts %+v", l)
	}
}

const (
	imm   = `{"resourceType":"Immunization","id":"i1","meta":{"versionId":"%s","lastUpdated":"%s"},"status":"%s","vaccineCode":{"text":"Tetanus"},"patient":{"reference":"Patient/p1"},"occurrenceDateTime":"2020-01-01"}`
	noImm = `{"resourceType":"Immunization","id":"none","status":"completed","vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"%s"}]},"patient":{"reference":"Patient/p1"},"occurrenceString":"unknown"}`
)

// An immunization entered in error is never shown, and hides its older
// version whatever the order they come in; it is counted as not shown.
func TestAnImmunizationEnteredInErrorHidesItsOlderVersion(t *testing.T) {
	v1 := sprintf(imm, "1", "2026-01-01T00:00:00Z", "completed")
	v2 := sprintf(imm, "2", "2026-02-01T00:00:00Z", "entered-in-error")
	for _, order := range [][]string{{v1, v2}, {v2, v1}} {
		c, im := recordChart(t, order...)
		if c.Immunizations.Status != clinical.NoneRecorded || len(c.Immunizations.Items) != 0 {
			t.Errorf("immunizations %s %+v", c.Immunizations.Status, c.Immunizations.Items)
		}
		if got := im.NotShown(); !slices.Equal(got, []string{"1 Immunization not shown: status entered-in-error"}) {
			t.Errorf("not shown %q", got)
		}
	}
	// A newer version that is no longer in error shows again.
	c, _ := recordChart(t, v2, sprintf(imm, "3", "2026-03-01T00:00:00Z", "completed"))
	if len(c.Immunizations.Items) != 1 {
		t.Errorf("immunizations %+v", c.Immunizations.Items)
	}
}

// "None known" only when the source asserts it; "no information" is no
// assertion; a real item contradicts one; nothing said is none recorded.
func TestTheRestOfTheRecordIsNoneKnownOnlyWhenAsserted(t *testing.T) {
	c, _ := recordChart(t)
	for name, s := range map[string]clinical.SectionStatus{"contacts": c.Contacts.Status, "careTeam": c.CareTeam.Status,
		"advanceDirectives": c.AdvanceDirectives.Status, "orders": c.Orders.Status, "diet": c.Diet.Status,
		"devices": c.Devices.Status, "procedures": c.Procedures.Status, "immunizations": c.Immunizations.Status,
		"bloodGroup": c.BloodGroup.Status, "pregnancy": c.Pregnancy.Status} {
		if s != clinical.NoneRecorded {
			t.Errorf("%s: %s with nothing said, want none-recorded", name, s)
		}
	}
	c, _ = recordChart(t, sprintf(noImm, "no-known-immunizations"))
	if c.Immunizations.Status != clinical.NoneKnown || c.Immunizations.Assertion == nil || c.Immunizations.Assertion.ID != "none" {
		t.Errorf("asserted: %s %+v", c.Immunizations.Status, c.Immunizations.Assertion)
	}
	c, im := recordChart(t, sprintf(noImm, "no-immunization-info"))
	if c.Immunizations.Status != clinical.NoneRecorded || !slices.Equal(im.NotShown(), []string{"1 Immunization not shown: says only that it is unknown"}) {
		t.Errorf("unknown: %s, not shown %q", c.Immunizations.Status, im.NotShown())
	}
	c, _ = recordChart(t, sprintf(noImm, "no-known-immunizations"), sprintf(imm, "1", "2026-01-01T00:00:00Z", "completed"))
	if c.Immunizations.Status != clinical.Recorded || c.Immunizations.Assertion != nil {
		t.Errorf("contradicted: %s %+v", c.Immunizations.Status, c.Immunizations.Assertion)
	}
	// The IPS list of procedures and devices, emptied as nil known.
	for _, k := range []struct {
		loinc string
		sec   func(clinical.Chart) clinical.SectionStatus
	}{
		{"47519-4", func(c clinical.Chart) clinical.SectionStatus { return c.Procedures.Status }},
		{"46264-8", func(c clinical.Chart) clinical.SectionStatus { return c.Devices.Status }},
		{"42348-3", func(c clinical.Chart) clinical.SectionStatus { return c.AdvanceDirectives.Status }},
	} {
		c, _ := recordChart(t, `{"resourceType":"List","id":"l1","status":"current","mode":"snapshot","code":{"coding":[{"system":"http://loinc.org","code":"`+k.loinc+
			`"}]},"subject":{"reference":"Patient/p1"},"emptyReason":{"coding":[{"code":"nilknown"}]}}`)
		if got := k.sec(c); got != clinical.NoneKnown {
			t.Errorf("List %s: %s, want none-known", k.loinc, got)
		}
	}
	// An IPS Composition's immunization section emptied as nil known,
	// and one emptied as not asked.
	for reason, want := range map[string]clinical.SectionStatus{"nilknown": clinical.NoneKnown, "notasked": clinical.NoneRecorded} {
		im, err := ReadBytes("test", []byte(compositionDoc(emptySection("11369-6", reason))))
		if err != nil {
			t.Fatal(err)
		}
		charts, _ := im.Census(Selection{All: true})
		if s := charts[0].Immunizations; s.Status != want || (want == clinical.NoneRecorded && s.EmptyReason != reason) {
			t.Errorf("Composition %s: %s (%q)", reason, s.Status, s.EmptyReason)
		}
	}
}

// A resource that cannot be read never leaves its section "none known":
// the section says some of it could not be read.
func TestAnUnreadableRecordResourceIsNeverNoneKnown(t *testing.T) {
	broken := map[string]string{
		"immunizations": `{"resourceType":"Immunization","id":"b","status":"completed","vaccineCode":"not a concept","patient":{"reference":"Patient/p1"}}`,
		"devices":       `{"resourceType":"DeviceUseStatement","id":"b","status":"active","subject":{"reference":"Patient/p1"},"device":7}`,
		"procedures":    `{"resourceType":"Procedure","id":"b","status":"completed","code":["x"],"subject":{"reference":"Patient/p1"}}`,
		"directives":    `{"resourceType":"Consent","id":"b","status":"active","provision":"x","patient":{"reference":"Patient/p1"}}`,
	}
	asserts := map[string]string{
		"immunizations": sprintf(noImm, "no-known-immunizations"),
		"devices":       `{"resourceType":"Device","id":"nd","type":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"no-known-devices"}]},"patient":{"reference":"Patient/p1"}}`,
		"procedures":    `{"resourceType":"Procedure","id":"np","status":"completed","code":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"no-known-procedures"}]},"subject":{"reference":"Patient/p1"}}`,
		"directives":    `{"resourceType":"List","id":"l1","status":"current","code":{"coding":[{"system":"http://loinc.org","code":"42348-3"}]},"subject":{"reference":"Patient/p1"},"emptyReason":{"coding":[{"code":"nilknown"}]}}`,
	}
	sec := func(c clinical.Chart, name string) (clinical.SectionStatus, bool, *clinical.Source) {
		switch name {
		case "immunizations":
			return c.Immunizations.Status, c.Immunizations.Unreadable, c.Immunizations.Assertion
		case "devices":
			return c.Devices.Status, c.Devices.Unreadable, c.Devices.Assertion
		case "procedures":
			return c.Procedures.Status, c.Procedures.Unreadable, c.Procedures.Assertion
		}
		return c.AdvanceDirectives.Status, c.AdvanceDirectives.Unreadable, c.AdvanceDirectives.Assertion
	}
	for name, bad := range broken {
		c, _ := recordChart(t, asserts[name])
		if s, _, _ := sec(c, name); s != clinical.NoneKnown {
			t.Errorf("%s: %s without the broken resource, want none-known", name, s)
		}
		c, im := recordChart(t, asserts[name], bad)
		if s, u, a := sec(c, name); s != clinical.NoneRecorded || !u || a != nil || im.MalformedTotal != 1 {
			t.Errorf("%s: %s, unreadable %v, assertion %v, malformed %d", name, s, u, a, im.MalformedTotal)
		}
	}
	// Without a readable patient reference, every chart's section is
	// incomplete.
	c, _ := recordChart(t, asserts["immunizations"], `{"resourceType":"Immunization","id":"b","status":"completed","patient":"p1"}`)
	if c.Immunizations.Status != clinical.NoneRecorded || !c.Immunizations.Unreadable {
		t.Errorf("no patient: %s, unreadable %v", c.Immunizations.Status, c.Immunizations.Unreadable)
	}
}

// Orders, diets and devices no longer in force, inactive relations and
// care teams are read, counted, and not shown.
func TestRecordResourcesNoLongerInForceAreCountedNotShown(t *testing.T) {
	c, im := recordChart(t,
		`{"resourceType":"ServiceRequest","id":"s1","status":"completed","intent":"order","code":{"text":"CBC"},"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"ServiceRequest","id":"s2","status":"active","intent":"proposal","code":{"text":"MRI"},"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"NutritionOrder","id":"n1","status":"revoked","intent":"order","patient":{"reference":"Patient/p1"},"oralDiet":{"type":[{"text":"Nil by mouth"}]}}`,
		`{"resourceType":"DeviceUseStatement","id":"d1","status":"completed","subject":{"reference":"Patient/p1"},"device":{"display":"Urinary catheter"}}`,
		`{"resourceType":"RelatedPerson","id":"r1","active":false,"patient":{"reference":"Patient/p1"},"name":[{"text":"Ex"}]}`,
		`{"resourceType":"CareTeam","id":"t1","status":"inactive","subject":{"reference":"Patient/p1"},"participant":[{"member":{"display":"Dr A"}},{"member":{"display":"Dr B"}}]}`,
		`{"resourceType":"Consent","id":"c1","status":"entered-in-error","patient":{"reference":"Patient/p1"}}`,
		`{"resourceType":"NutritionOrder","id":"n2","status":"active","intent":"order","patient":{"reference":"Patient/p1"},"oralDiet":{"type":[{"text":"NPO from midnight"}]}}`,
	)
	want := []string{
		"1 CareTeam not shown: status inactive",
		"1 Consent not shown: status entered-in-error",
		"1 DeviceUseStatement not shown: status completed",
		"1 NutritionOrder not shown: status revoked",
		"1 RelatedPerson not shown: inactive",
		"1 ServiceRequest not shown: intent proposal",
		"1 ServiceRequest not shown: status completed",
	}
	if got := im.NotShown(); !slices.Equal(got, want) {
		t.Errorf("not shown\n got %q\nwant %q", got, want)
	}
	if len(c.Orders.Items)+len(c.Devices.Items)+len(c.Contacts.Items)+len(c.CareTeam.Items)+len(c.AdvanceDirectives.Items) != 0 {
		t.Errorf("shown: %+v", c.RecordSections)
	}
	if d := c.Diet.Items; len(d) != 1 || !d[0].NilByMouth || d[0].Text != "NPO from midnight" {
		t.Errorf("diet %+v", d)
	}
}

// An assertion of "none known" entered in error (or no longer in force)
// asserts nothing: the section stays none recorded, and the resource is
// counted, not shown.
func TestANoneKnownRecordEnteredInErrorAssertsNothing(t *testing.T) {
	absent := func(typ, member, subject, status, code string) string {
		return `{"resourceType":"` + typ + `","id":"none","status":"` + status + `","` + member +
			`":{"coding":[{"system":"http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips","code":"` + code +
			`"}]},"` + subject + `":{"reference":"Patient/p1"}}`
	}
	for _, k := range []struct {
		line string
		sec  func(clinical.Chart) (clinical.SectionStatus, *clinical.Source)
	}{
		{absent("Immunization", "vaccineCode", "patient", "entered-in-error", "no-known-immunizations"),
			func(c clinical.Chart) (clinical.SectionStatus, *clinical.Source) {
				return c.Immunizations.Status, c.Immunizations.Assertion
			}},
		{absent("Procedure", "code", "subject", "entered-in-error", "no-known-procedures"),
			func(c clinical.Chart) (clinical.SectionStatus, *clinical.Source) {
				return c.Procedures.Status, c.Procedures.Assertion
			}},
		{absent("Device", "type", "patient", "entered-in-error", "no-known-devices"),
			func(c clinical.Chart) (clinical.SectionStatus, *clinical.Source) {
				return c.Devices.Status, c.Devices.Assertion
			}},
	} {
		c, im := recordChart(t, k.line)
		if s, a := k.sec(c); s != clinical.NoneRecorded || a != nil {
			t.Errorf("%.40s…: %s (asserted by %v), want none recorded", k.line, s, a != nil)
		}
		if len(im.NotShown()) != 1 {
			t.Errorf("%.40s…: not shown %q", k.line, im.NotShown())
		}
	}
}

// A Patient whose contacts or general practitioner are written with the
// wrong JSON types stays on the ward: those sections say they hold what
// could not be read. A member the header shows, of the wrong type, still
// makes the Patient malformed.
func TestAPatientsContactsOfTheWrongTypeCostOnlyTheirSections(t *testing.T) {
	for _, members := range []string{
		`"contact":{"name":{"family":"Peeters"}}`,
		`"contact":[{"name":[{"family":"Peeters"}],"telecom":[{"system":"phone","value":"1","rank":"1"}]}]`,
		`"communication":[{"language":"nl"}],"extension":{"url":"x"}`,
		`"generalPractitioner":"Practitioner/gp-1"`,
	} {
		im, err := ReadBytes("test", []byte(`{"resourceType":"Patient","id":"p1","name":[{"family":"Janssens"}],`+members+`}`))
		if err != nil {
			t.Fatal(err)
		}
		charts, err := im.Census(Selection{All: true})
		if err != nil || len(charts) != 1 || im.MalformedTotal != 0 || im.Ignored != 1 {
			t.Fatalf("%s: %d charts (%v), malformed %v, ignored %d", members, len(charts), err, im.Malformed, im.Ignored)
		}
		c := charts[0]
		if c.Patient.Name != "Janssens" {
			t.Errorf("%s: name %q", members, c.Patient.Name)
		}
		gp := strings.Contains(members, "generalPractitioner")
		if c.Contacts.Unreadable == gp || c.CareTeam.Unreadable != gp {
			t.Errorf("%s: contacts unreadable %v, care team unreadable %v", members, c.Contacts.Unreadable, c.CareTeam.Unreadable)
		}
	}
	im, err := ReadBytes("test", []byte(`{"resourceType":"Patient","id":"p1","gender":5,"contact":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if im.MalformedTotal != 1 {
		t.Errorf("gender a number: malformed %d, want 1", im.MalformedTotal)
	}
}

// An Encounter whose participants are written with the wrong JSON type
// still places its patient on the ward; the care team says it holds what
// could not be read.
func TestAStayWithParticipantsOfTheWrongTypeStillPlacesThePatient(t *testing.T) {
	im, err := ReadBytes("test", []byte(ndjson(
		`{"resourceType":"Location","id":"ward-1","name":"Ward 1"}`,
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Janssens"}]}`,
		`{"resourceType":"Encounter","id":"e1","status":"in-progress","subject":{"reference":"Patient/p1"},`+
			`"location":[{"location":{"reference":"Location/ward-1"}}],"participant":[{"individual":"Practitioner/x"}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{Ward: "ward-1"})
	if err != nil || len(charts) != 1 || im.MalformedTotal != 0 {
		t.Fatalf("%d charts on the ward (%v), malformed %v", len(charts), err, im.Malformed)
	}
	if !charts[0].CareTeam.Unreadable || charts[0].Contacts.Unreadable {
		t.Errorf("care team unreadable %v, contacts unreadable %v", charts[0].CareTeam.Unreadable, charts[0].Contacts.Unreadable)
	}
}

// A care plan in force is an order of its own kind, with the activities
// not yet done; one completed, proposed or only an option is counted and
// not shown.
func TestCarePlansInForceAreOrdersWithTheirActivities(t *testing.T) {
	c, im := recordChart(t,
		`{"resourceType":"CarePlan","id":"a","status":"active","intent":"plan","category":[{"text":"Wound care"}],"subject":{"reference":"Patient/p1"},"period":{"start":"2026-11-30"},`+
			`"activity":[{"detail":{"code":{"text":"Dressing change"},"status":"in-progress"}},{"detail":{"code":{"text":"Dressing change"},"status":"scheduled"}},`+
			`{"detail":{"code":{"text":"Suture removal"},"status":"completed"}},{"detail":{"description":"Check the wound each shift","status":"not-started"}},{"reference":{"reference":"ServiceRequest/x"}}],`+
			`"note":[{"text":"Moist dressing"}]}`,
		`{"resourceType":"CarePlan","id":"b","status":"completed","intent":"order","category":[{"text":"Self care"}],"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"CarePlan","id":"c","status":"active","intent":"proposal","title":"Physiotherapy","subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"CarePlan","id":"d","status":"on-hold","intent":"order","title":"Fall prevention","subject":{"reference":"Patient/p1"}}`,
	)
	got := names(c.Orders.Items, func(o clinical.Order) string { return strings.Join([]string{o.Kind, o.Text, o.Status, o.Note}, "|") })
	want := []string{"care plan|Wound care|active|Dressing change, Check the wound each shift; Moist dressing", "care plan|Fall prevention|on-hold|"}
	if !slices.Equal(got, want) {
		t.Errorf("orders\n got %q\nwant %q", got, want)
	}
	if c.Orders.Items[0].Source.Type != "CarePlan" || len(c.Orders.Items[0].Source.JSON) == 0 {
		t.Errorf("the care plan's source is not kept: %+v", c.Orders.Items[0].Source)
	}
	if got, want := im.NotShown(), []string{"1 CarePlan not shown: intent proposal", "1 CarePlan not shown: status completed"}; !slices.Equal(got, want) {
		t.Errorf("not shown\n got %q\nwant %q", got, want)
	}
}
