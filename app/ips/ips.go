// Package ips makes a patient's transfer summary: an HL7 International
// Patient Summary as a FHIR R4 document Bundle, from the chart as the
// snapshot holds it and what was documented during the downtime, with the
// same sections in words for its printed copy.
//
// The Bundle's first entry is a Composition (LOINC 60591-5 "Patient
// summary Document") whose subject is the Patient and whose sections list
// their resources by the entries' fullUrls (urn:uuid), each with its text
// in words. A chart row's source resource goes in as the snapshot kept it,
// with its references to resources of the Bundle pointed at their
// fullUrls; a medication or a device it names that the snapshot does not
// keep is made from the row. What was documented during the downtime goes
// in as the resources reconciliation would send (sync/reconcile), so the
// receiving hospital reads the same as the EHR will. A section with
// nothing in it says why: "nilknown" only when the record asserts none
// known, otherwise the source's empty reason or "unavailable" (empty is
// not unknown).
//
// # Language
//
// The summary's words (section titles, lines, empty sections, the PDF) are
// in the language in use (app/i18n): the window's, or the command's
// --lang. The Composition's narrative is made of the same lines as the
// PDF, so it is in that language too, and the Composition says which
// (language); the codes (LOINC, the resources' own) are what a receiving
// system reads, and they are the same in every language.
package ips

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"strings"
	"time"

	"github.com/google/uuid"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
	"lifeboat/sync/reconcile"
)

const (
	loinc       = "http://loinc.org"
	emptyReason = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
	xhtml       = `<div xmlns="http://www.w3.org/1999/xhtml">`
	// Generator is who the Composition names as its author.
	Generator = "Lifeboat downtime kiosk"
)

// Input is what a summary is made of.
type Input struct {
	Chart *clinical.Chart
	// Entries are the patient's downtime entries still in force
	// (cancelled and corrected ones left out), newest first.
	Entries []clinical.Entry
	AsOf    time.Time // the snapshot's data time
	Now     time.Time // when the summary is made
	By      string    // who made it (the audit trail's actor)
	// Warnings are said first, in the Composition's own text and on
	// paper: a snapshot past its freshness threshold, a journal that could
	// not be read whole.
	Warnings []string
}

// Section is one section of the summary in words, as in the Composition's
// narrative and on paper.
type Section struct {
	Title   string
	Code    string // LOINC
	Lines   []string
	Empty   string // what an empty section says
	Warning string // that some of its records could not be read
}

// Summary is a made summary: the Bundle's JSON and its sections in words.
type Summary struct {
	Bundle   []byte
	ID       string // the document's identifier (urn:uuid:…)
	Sections []Section
	Entries  int // resources in the Bundle
}

// ipsSection is one section of the IPS.
type ipsSection struct {
	code, title string
	required    bool // the IPS asks for it even when empty
}

var (
	secAllergies  = ipsSection{"48765-2", "Allergies and intolerances", true}
	secMeds       = ipsSection{"10160-0", "Medication summary", true}
	secProblems   = ipsSection{"11450-4", "Problem list", true}
	secAlerts     = ipsSection{"104605-1", "Alerts", false}
	secDirectives = ipsSection{"42348-3", "Advance directives", false}
	secImmunize   = ipsSection{"11369-6", "Immunizations", false}
	secProcedures = ipsSection{"47519-4", "History of procedures", false}
	secDevices    = ipsSection{"46264-8", "Medical devices", false}
	secResults    = ipsSection{"30954-2", "Results", false}
	secVitals     = ipsSection{"8716-3", "Vital signs", false}
	secPregnancy  = ipsSection{"10162-6", "Pregnancy", false}
	secPlan       = ipsSection{"18776-5", "Plan of care", false}
	secNotes      = ipsSection{"34109-9", "Notes", false}
)

// builder gathers the Bundle's resources before it is written.
type builder struct {
	space   uuid.UUID
	patient string // the Patient's fullUrl
	items   []item
	urls    map[string]string // "Type/id" (and a source's own urn:uuid) -> fullUrl
}

type item struct {
	fullURL string
	json    []byte
}

// Build makes the summary of in.Chart's patient.
func Build(in Input) (*Summary, error) {
	c := in.Chart
	if c == nil {
		return nil, errors.New("no chart to summarise")
	}
	docID := uuid.New()
	b := &builder{space: docID, urls: map[string]string{}}

	// The Patient first, so that every reference to it resolves.
	pat := c.Patient.Source
	if len(pat.JSON) == 0 {
		raw, err := json.Marshal(patientOf(c.Patient))
		if err != nil {
			return nil, err
		}
		pat = clinical.Source{Type: "Patient", ID: c.Patient.ID, JSON: raw}
	}
	b.patient = b.add(pat)

	// What was documented during the downtime, by kind, goes first in its
	// section: it is newer than anything in the snapshot.
	dt, err := b.downtime(in.Entries)
	if err != nil {
		return nil, err
	}
	var secs []builtSection
	sec := func(s ipsSection, status clinical.SectionStatus, reason, noun string, unreadable bool, parts ...part) {
		bs := builtSection{ipsSection: s, status: status, reason: reason, noun: noun, unreadable: unreadable}
		for _, p := range parts {
			bs.refs, bs.lines = append(bs.refs, p.refs...), append(bs.lines, p.lines...)
			if len(p.refs) > 0 {
				bs.status = clinical.Recorded
			}
		}
		secs = append(secs, bs)
	}
	sec(secAllergies, c.Allergies.Status, c.Allergies.EmptyReason, "allergies", c.Allergies.Unreadable, dt[clinical.KindAllergy],
		rows(b, c.Allergies.Items, func(a clinical.Allergy) (clinical.Source, string) { return a.Source, allergyLine(a) }))

	// Medications: the doses given during the downtime, the orders and
	// reported medications, the doses of the day before the data time.
	var recent []clinical.Administration
	for _, a := range c.Administrations.Items {
		if in.AsOf.IsZero() || !a.Time.Before(in.AsOf.Add(-24*time.Hour)) {
			recent = append(recent, a)
		}
	}
	sec(secMeds, c.Medications.Status, c.Medications.EmptyReason, "medications", c.Medications.Unreadable, dt[clinical.KindMedication],
		rows(b, c.Medications.Items, func(m clinical.Medication) (clinical.Source, string) {
			b.medicationOf(m)
			return m.Source, present.MedicationLine(m)
		}),
		rows(b, recent, func(a clinical.Administration) (clinical.Source, string) {
			return a.Source, present.AdministrationLine(a)
		}))

	sec(secProblems, c.Problems.Status, c.Problems.EmptyReason, "problems", c.Problems.Unreadable,
		rows(b, c.Problems.Items, func(p clinical.Problem) (clinical.Source, string) {
			return p.Source, present.JoinSome("; ", p.Name, present.Since("since", p.Onset))
		}))
	sec(secAlerts, c.Alerts.Status, c.Alerts.EmptyReason, "alerts", c.Alerts.Unreadable, dt[clinical.KindCodeStatus],
		rows(b, c.Alerts.Items, func(a clinical.Alert) (clinical.Source, string) { return a.Source, a.Text }))

	r := &c.RecordSections
	sec(secDirectives, r.AdvanceDirectives.Status, r.AdvanceDirectives.EmptyReason, "advance directives", r.AdvanceDirectives.Unreadable,
		rows(b, r.AdvanceDirectives.Items, func(d clinical.Directive) (clinical.Source, string) {
			return d.Source, present.JoinSome("; ", d.Text, present.Since("dated", d.Date))
		}))
	sec(secImmunize, r.Immunizations.Status, r.Immunizations.EmptyReason, "immunizations", r.Immunizations.Unreadable,
		rows(b, r.Immunizations.Items, func(i clinical.Immunization) (clinical.Source, string) {
			s := present.JoinSome("; ", i.Vaccine, present.Since("on", i.Date))
			if i.Status != "" && i.Status != "completed" {
				s += " (" + i.Status + ")"
			}
			return i.Source, s
		}))
	sec(secProcedures, r.Procedures.Status, r.Procedures.EmptyReason, "procedures", r.Procedures.Unreadable,
		rows(b, r.Procedures.Items, func(p clinical.Procedure) (clinical.Source, string) {
			return p.Source, present.JoinSome("; ", p.Name, present.Since("on", p.Performed))
		}))
	sec(secDevices, r.Devices.Status, r.Devices.EmptyReason, "devices", r.Devices.Unreadable,
		rows(b, r.Devices.Items, func(d clinical.Device) (clinical.Source, string) {
			b.deviceOf(d)
			return d.Source, present.JoinSome("; ", d.Name, d.Site, present.Since("inserted", d.Inserted))
		}))

	// Vital signs and results as the chart says them, the newest of each
	// code, with their units; blood group and pregnancy as its record
	// sections do.
	obs := func(o clinical.Observation) (clinical.Source, string) {
		return o.Source, present.ObservationName(o) + ": " + present.Observation(o) + " — " + present.DateTime(o.Time)
	}
	fact := func(o clinical.Observation) (clinical.Source, string) { return o.Source, present.ObservationLine(o) }
	sec(secResults, c.Labs.Status, c.Labs.EmptyReason, "results", c.Labs.Unreadable || r.BloodGroup.Unreadable,
		rows(b, clinical.Latest(r.BloodGroup.Items), fact), rows(b, clinical.Latest(c.Labs.Items), obs))
	sec(secVitals, c.Vitals.Status, c.Vitals.EmptyReason, "vital signs", c.Vitals.Unreadable, dt[clinical.KindVitals],
		rows(b, clinical.Latest(c.Vitals.Items), obs))
	sec(secPregnancy, r.Pregnancy.Status, r.Pregnancy.EmptyReason, "pregnancy status", r.Pregnancy.Unreadable,
		rows(b, clinical.Latest(r.Pregnancy.Items), fact))
	sec(secPlan, r.Orders.Status, r.Orders.EmptyReason, "orders", r.Orders.Unreadable || r.Diet.Unreadable,
		rows(b, r.Orders.Items, func(o clinical.Order) (clinical.Source, string) { return o.Source, present.OrderLine(o) }),
		rows(b, r.Diet.Items, func(d clinical.Diet) (clinical.Source, string) {
			return d.Source, i18n.T("Diet: ") + present.DietLine(d)
		}))
	sec(secNotes, c.Notes.Status, "", "notes", c.Notes.Unreadable, dt[clinical.KindNote],
		rows(b, c.Notes.Items, func(n clinical.Note) (clinical.Source, string) {
			return n.Source, present.JoinSome(" – ", n.Title, present.Since("on", n.Time), n.Author) + ": " + n.Text
		}))

	// Whom to call: the Patient holds its contacts; RelatedPersons and care
	// teams go in as they are, in no section of the IPS.
	rows(b, r.Contacts.Items, func(x clinical.Contact) (clinical.Source, string) { return x.Source, "" })
	for _, m := range r.CareTeam.Items {
		if m.Source.Type == "CareTeam" {
			b.add(m.Source)
		}
	}

	comp, words := composition(c, b, secs, in)
	compJSON, err := json.Marshal(languageComposition{Composition: comp, Language: languageTag(i18n.Current())})
	if err != nil {
		return nil, err
	}
	entries := []r4.BundleEntry{{FullURL: b.fullURL("Composition"), Resource: compJSON}}
	for _, it := range b.items {
		entries = append(entries, r4.BundleEntry{FullURL: it.fullURL, Resource: b.rewrite(it.json)})
	}
	id := "urn:uuid:" + docID.String()
	bundle := r4.Bundle{
		Resource:   r4.Resource{ResourceType: "Bundle", ID: docID.String()},
		Identifier: &r4.Identifier{System: "urn:ietf:rfc:3986", Value: id},
		Type:       "document",
		Timestamp:  fhirTime(in.Now),
		Entry:      entries,
	}
	out, err := json.MarshalIndent(bundle, "", "  ")
	if err != nil {
		return nil, err
	}
	return &Summary{Bundle: append(out, '\n'), ID: id, Sections: words, Entries: len(entries)}, nil
}

type builtSection struct {
	ipsSection
	refs       []string
	lines      []string
	status     clinical.SectionStatus
	reason     string
	noun       string
	unreadable bool // some of the section's source could not be read
}

// part is some of a section's resources (fullUrls) and their lines.
type part struct{ refs, lines []string }

// composition is the document's Composition and its sections in words.
func composition(c *clinical.Chart, b *builder, secs []builtSection, in Input) (r4.Composition, []Section) {
	comp := r4.Composition{
		Resource:   r4.Resource{ResourceType: "Composition", ID: b.space.String()},
		Identifier: &r4.Identifier{System: "urn:ietf:rfc:3986", Value: "urn:uuid:" + b.space.String()},
		Status:     "final",
		Type:       concept(loinc, "60591-5", "Patient summary Document"),
		Subject:    r4.Reference{Reference: b.patient, Display: c.Patient.Name},
		Date:       fhirTime(in.Now),
		Author:     []r4.Reference{{Display: Generator}},
		Title:      i18n.F("Patient summary (transfer during a downtime), data as of %s", fhirTime(in.AsOf)),
	}
	comp.Text = narrative(Section{Lines: append([]string{comp.Title}, in.Warnings...)})
	var words []Section
	for _, s := range secs {
		if len(s.refs) == 0 && !s.required && s.status != clinical.NoneKnown && !s.unreadable {
			continue // an optional section with nothing to say is left out
		}
		// The title in the summary's language; the code's display as LOINC
		// has it.
		title := i18n.X("summary section", s.title)
		cs := r4.CompositionSection{Title: title, Code: concept(loinc, s.code, s.title)}
		w := Section{Title: title, Code: s.code, Lines: s.lines}
		if s.unreadable {
			w.Warning = i18n.T(present.UnreadableSection)
		}
		for _, ref := range s.refs {
			cs.Entry = append(cs.Entry, r4.Reference{Reference: ref})
		}
		if len(s.refs) == 0 {
			w.Lines = nil
			reason := "unavailable"
			switch {
			case s.status == clinical.NoneKnown:
				reason = "nilknown"
			case s.reason != "":
				reason = s.reason
			}
			cs.EmptyReason = &r4.CodeableConcept{Coding: []r4.Coding{{System: emptyReason, Code: reason}}}
			w.Empty = present.EmptyOf(clinical.Section[struct{}]{Status: s.status, EmptyReason: s.reason}, s.noun)
		}
		cs.Text = narrative(w)
		comp.Section = append(comp.Section, cs)
		words = append(words, w)
	}
	return comp, words
}

// narrative is a section's text as XHTML.
func narrative(s Section) *r4.Narrative {
	var d strings.Builder
	d.WriteString(xhtml)
	if s.Warning != "" {
		d.WriteString("<p><b>" + html.EscapeString(s.Warning) + "</b></p>")
	}
	if len(s.Lines) == 0 {
		d.WriteString("<p>" + html.EscapeString(s.Empty) + "</p>")
	} else {
		d.WriteString("<ul>")
		for _, l := range s.Lines {
			d.WriteString("<li>" + html.EscapeString(l) + "</li>")
		}
		d.WriteString("</ul>")
	}
	d.WriteString("</div>")
	return &r4.Narrative{Status: "generated", Div: d.String()}
}

// rows adds the source of each row and returns their fullUrls and lines;
// a row whose source the snapshot did not keep is shown, not listed.
func rows[T any](b *builder, items []T, of func(T) (clinical.Source, string)) part {
	var p part
	for _, it := range items {
		src, line := of(it)
		if u := b.add(src); u != "" {
			p.refs = append(p.refs, u)
			p.lines = append(p.lines, line)
		}
	}
	return p
}

// add adds a source resource once and returns its fullUrl ("" without
// JSON).
func (b *builder) add(src clinical.Source) string {
	if len(src.JSON) == 0 || src.Type == "" {
		return ""
	}
	key := src.Type + "/" + src.ID
	if u, ok := b.urls[key]; ok {
		return u
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, src.JSON); err != nil {
		return ""
	}
	u := b.fullURL(key)
	// A source whose id is a UUID (Synthea's) keeps it as its urn, so that
	// the references of the source Bundle still lead to it.
	if id, err := uuid.Parse(src.ID); err == nil && id.String() == src.ID {
		if _, taken := b.urls["urn:uuid:"+src.ID]; !taken {
			u = "urn:uuid:" + src.ID
		}
	}
	b.urls[key] = u
	b.urls["urn:uuid:"+src.ID] = u
	b.items = append(b.items, item{fullURL: u, json: compact.Bytes()})
	return u
}

// addNew adds a resource made here under key ("Medication/x"), unless the
// Bundle has it.
func (b *builder) addNew(key string, r any) {
	if _, ok := b.urls[key]; ok {
		return
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return
	}
	u := b.fullURL(key)
	b.urls[key] = u
	b.items = append(b.items, item{fullURL: u, json: raw})
}

func (b *builder) fullURL(key string) string {
	return "urn:uuid:" + uuid.NewSHA1(b.space, []byte(key)).String()
}

// rewrite points a resource's references to resources of the Bundle at
// their fullUrls. The JSON is compact, so a reference reads exactly
// "reference":"Type/id"; text that merely contains it is escaped and does
// not match.
func (b *builder) rewrite(raw []byte) json.RawMessage {
	for key, u := range b.urls {
		if key == u || !bytes.Contains(raw, []byte(key)) {
			continue
		}
		k, _ := json.Marshal(key)
		v, _ := json.Marshal(u)
		raw = bytes.ReplaceAll(raw, append([]byte(`"reference":`), k...), append([]byte(`"reference":`), v...))
	}
	return raw
}

// medicationOf adds the Medication an order or statement names by
// reference, made from the row, when the snapshot does not keep it.
func (b *builder) medicationOf(m clinical.Medication) {
	var ref struct {
		MedicationReference *r4.Reference `json:"medicationReference"`
	}
	if json.Unmarshal(m.Source.JSON, &ref) != nil || ref.MedicationReference == nil {
		return
	}
	key := refPath(ref.MedicationReference.Reference)
	if !strings.HasPrefix(key, "Medication/") {
		return
	}
	b.addNew(key, r4.Medication{Resource: r4.Resource{ResourceType: "Medication", ID: strings.TrimPrefix(key, "Medication/")},
		Code: r4.CodeableConcept{Text: m.Name}})
}

// deviceOf adds the Device a DeviceUseStatement names, made from the row.
func (b *builder) deviceOf(d clinical.Device) {
	if d.Source.Type != "DeviceUseStatement" {
		return
	}
	var st r4.DeviceUseStatement
	if json.Unmarshal(d.Source.JSON, &st) != nil {
		return
	}
	key := refPath(st.Device.Reference)
	if !strings.HasPrefix(key, "Device/") {
		return
	}
	b.addNew(key, r4.Device{Resource: r4.Resource{ResourceType: "Device", ID: strings.TrimPrefix(key, "Device/")},
		Status: "active", DeviceName: []r4.DeviceName{{Name: d.Name, Type: "user-friendly-name"}},
		Patient: r4.Reference{Reference: b.patient}})
}

// downtime adds the resources of the entries, as reconciliation makes
// them (its Provenance aside), and returns their fullUrls and lines by
// the entry's kind. An entry that makes several resources (a set of
// vital signs) has one line.
func (b *builder) downtime(entries []clinical.Entry) (map[clinical.Kind]part, error) {
	out := map[clinical.Kind]part{}
	for _, e := range entries {
		switch e.Kind {
		case clinical.KindAllergy, clinical.KindMedication, clinical.KindCodeStatus, clinical.KindVitals, clinical.KindNote:
		default:
			continue // registrations, moves and cancellations are no section of a summary
		}
		reqs, err := reconcile.Requests(e, reconcile.Context{Patient: b.patient}, reconcile.Config{})
		if err != nil {
			return nil, err
		}
		p := out[e.Kind]
		p.lines = append(p.lines, present.EntrySummary(e)+i18n.F(" (documented during the downtime, %s)", present.EntryAttribution(e)))
		for _, r := range reqs {
			if r.Method != "POST" || r.Type == "Provenance" {
				continue
			}
			b.urls[r.FullURL] = r.FullURL
			b.items = append(b.items, item{fullURL: r.FullURL, json: r.Resource})
			p.refs = append(p.refs, r.FullURL)
		}
		out[e.Kind] = p
	}
	return out, nil
}

// patientOf is a Patient made from the chart, for a patient whose source
// the snapshot did not keep.
func patientOf(p clinical.Patient) r4.Patient {
	r := r4.Patient{Resource: r4.Resource{ResourceType: "Patient", ID: p.ID}, BirthDate: p.BirthDate, Gender: p.Sex}
	if p.Family != "" || p.Given != "" {
		n := r4.HumanName{Family: p.Family}
		if p.Given != "" {
			n.Given = []string{p.Given}
		}
		r.Name = []r4.HumanName{n}
	} else if p.Name != "" {
		r.Name = []r4.HumanName{{Text: p.Name}}
	}
	for _, id := range p.Identifiers {
		r.Identifier = append(r.Identifier, r4.Identifier{System: id.System, Value: id.Value})
	}
	return r
}

func concept(system, code, display string) r4.CodeableConcept {
	return r4.CodeableConcept{Coding: []r4.Coding{{System: system, Code: code, Display: display}}, Text: display}
}

// languageComposition is a Composition that says the language of its
// words.
type languageComposition struct {
	r4.Composition
	Language string `json:"language,omitempty"`
}

// languageTag is a language of the window as BCP 47, as the hospitals of
// the catalogue speak it.
func languageTag(l i18n.Lang) string {
	switch l {
	case i18n.Dutch:
		return "nl-BE"
	case i18n.French:
		return "fr-BE"
	}
	return "en"
}

func fhirTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// refPath is the "Type/id" of a relative or absolute reference.
func refPath(ref string) string {
	parts := strings.Split(strings.TrimRight(ref, "/"), "/")
	if len(parts) < 2 || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "urn:") {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

func allergyLine(a clinical.Allergy) string {
	s := present.JoinSome(" – ", a.Substance, a.Reaction, a.Severity)
	if a.Criticality == "high" {
		s += i18n.T(" (high criticality)")
	}
	switch a.VerificationStatus {
	case "", "confirmed":
	case "unconfirmed":
		s += " (" + i18n.T("unconfirmed") + ")"
	default:
		s += " (" + a.VerificationStatus + ")" // a code, as the record has it
	}
	return s
}
