package clinical

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Review is the check an entry gets before it is recorded, against what the
// kiosk knows: the patient's chart in the snapshot and the journal so far.
// It never blocks on a warning. The same review serves the command line
// and the kiosk's forms, so that both refuse and warn alike.

// DuplicateWindow is how close two doses of the same medication must be
// to look like one dose documented twice.
const DuplicateWindow = time.Hour

// EntryError says which entry of a batch was refused, and why.
type EntryError struct {
	Index int // from 0
	Err   error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %d: %v", e.Index+1, e.Err) }
func (e *EntryError) Unwrap() error { return e.Err }

// Warning is something about an entry that the person recording it should
// see before saving, but that may well be right. Text is one sentence; it
// may name a medication or allergy, never who the patient is.
type Warning struct {
	Entry int    `json:"entry"` // the entry's index in the batch, from 0
	Rule  string `json:"rule"`  // unusual, allergy, duplicate, order, patient, time, snapshot
	Text  string `json:"text"`
	// Stop marks a hard stop: a dose that matches an allergy of high
	// criticality or with anaphylaxis. Confirming is not enough: the
	// entry needs a witness and a reason (Administered.Override).
	Stop bool `json:"stop,omitempty"`
	// Msg is Text in words the window translates; Text is Msg in English.
	Msg Message `json:"-"`
}

// Same says whether two warnings are the same warning of the same entry.
func (w Warning) Same(o Warning) bool {
	return w.Entry == o.Entry && w.Rule == o.Rule && w.Text == o.Text && w.Stop == o.Stop && w.Msg.Equal(o.Msg)
}

// ruleStop is review's rule for a hard stop, reported as an allergy
// warning with Stop set.
const ruleStop = "allergy-stop"

// Unwitnessed lists, from 0, the entries of a batch that a hard stop
// holds back: a Stop warning and no witness and reason on the entry.
func Unwitnessed(batch []Entry, warnings []Warning) []int {
	var out []int
	for _, w := range warnings {
		if !w.Stop || w.Entry < 0 || w.Entry >= len(batch) || slices.Contains(out, w.Entry) {
			continue
		}
		if m := batch[w.Entry].Medication; m == nil || m.Override == nil {
			out = append(out, w.Entry)
		}
	}
	return out
}

// Charts is what review reads of the ward's snapshot: *store.Ward is the
// one the kiosk and the command line give it.
type Charts interface {
	// Find returns the FHIR id of the patient whose id or identifier
	// value (the MRN) is key: ErrNoPatient when none has it,
	// ErrAmbiguousPatient when more than one has.
	Find(ctx context.Context, key string) (string, error)
	// ChartByID reads the chart of the patient with that FHIR id.
	ChartByID(ctx context.Context, patientID string) (*Chart, error)
	// Resource returns a source resource the snapshot holds, and an
	// error when it holds none of that type and id.
	Resource(ctx context.Context, typ, id string) (Source, error)
}

// Errors of looking a patient up (Charts.Find).
var (
	ErrNoPatient        = errors.New("no patient with that id or identifier in this snapshot")
	ErrAmbiguousPatient = errors.New("more than one patient has that identifier; use the patient's FHIR id")
)

// journaled is an entry of the journal or of the batch as review keeps
// them, with whether a later one superseded it.
type journaled struct {
	Entry
	superseded bool
}

func (e *journaled) Documented() *Entry { return &e.Entry }
func (e *journaled) Superseded() bool   { return e.superseded }
func (e *journaled) SupersedeBy(*Entry) { e.superseded = true }

// Review prepares a batch of stamped entries for recording and checks it.
// It resolves each patient in the snapshot (by FHIR id or identifier, such
// as the MRN) to the FHIR id, adds the versions of the patient and of the
// named order that the entry is based on, and fills a medication's name
// from its order. Then it refuses the first entry with an impossible value
// or an impossible correction (an *EntryError), and returns the warnings of
// all of them. ward is the snapshot, or nil when none could be opened (a
// nil *store.Ward reads as nil too); history is the journal so far, as
// the journal lists it. Nothing is recorded.
func Review[J any, P Journaled[J]](ctx context.Context, ward Charts, history []J, batch []Entry, now time.Time) ([]Warning, error) {
	if v := reflect.ValueOf(ward); ward != nil && v.Kind() == reflect.Pointer && v.IsNil() {
		ward = nil // no snapshot, not one to read
	}
	known := make([]journaled, len(history), len(history)+len(batch))
	for i := range history {
		known[i] = journaled{Entry: *P(&history[i]).Documented(), superseded: P(&history[i]).Superseded()}
	}
	var out []Warning
	for i := range batch {
		ws, err := review(ctx, ward, known, &batch[i], now)
		if err != nil {
			return nil, &EntryError{Index: i, Err: err}
		}
		for _, w := range ws {
			if w.rule == ruleStop {
				out = append(out, Warning{Entry: i, Rule: "allergy", Text: w.msg.English(), Stop: true, Msg: w.msg})
				continue
			}
			out = append(out, Warning{Entry: i, Rule: w.rule, Text: w.msg.English(), Msg: w.msg})
		}
		known = append(known, journaled{Entry: batch[i]})
		MarkSuperseded(known)
	}
	return out, nil
}

// review checks one entry and gives its findings.
func review(ctx context.Context, ward Charts, known []journaled, e *Entry, now time.Time) ([]finding, error) {
	target := -1
	for k, p := range known {
		if e.Supersedes != "" && p.ID == e.Supersedes {
			target = k
		}
	}
	if target >= 0 && e.Patient == "" {
		e.Patient = known[target].Patient // a cancellation need not repeat the patient
	}
	temporary := IsTemporaryID(e.Patient)
	chart, err := patientChart(ctx, ward, e, temporary)
	if err != nil {
		return nil, err
	}
	warn := checkedAgainst(ward, chart, e, temporary)
	order, orderWarn, err := orderOf(ctx, ward, chart, e)
	if err != nil {
		return nil, err
	}
	warn = append(warn, orderWarn...)
	if err := e.Validate(now); err != nil {
		return nil, err
	}
	for _, u := range e.unusual() {
		warn = append(warn, finding{"unusual", u})
	}
	if e.Supersedes != "" {
		var t Entry
		if target >= 0 {
			t = known[target].Entry
		}
		if err := CheckSupersession(e, t, target >= 0, target >= 0 && known[target].Superseded()); err != nil {
			return nil, err
		}
	}
	active := activeFor(known, e)
	patientWarn, err := patientWarnings(e, chart, known, active, temporary)
	if err != nil {
		return nil, err
	}
	warn = append(warn, patientWarn...)
	switch e.Kind {
	case KindMedication:
		warn = append(warn, medicationWarnings(e, chart, order, active)...)
	case KindAllergy:
		warn = append(warn, newAllergyWarnings(e, chart, active)...)
	}
	return warn, nil
}

// checkedAgainst says when the entry could not be checked against a chart:
// no snapshot, or a patient the snapshot does not have. A chart found
// gives the entry the version of the patient it was based on.
func checkedAgainst(ward Charts, chart *Chart, e *Entry, temporary bool) []finding {
	switch {
	case chart != nil:
		addVersion(e, chart.Patient.Source)
	case temporary || e.Kind == KindRegistration:
	case ward == nil:
		return []finding{{"snapshot", msg("no snapshot could be opened, so the chart (allergies, orders, earlier doses) was not checked")}}
	default:
		return []finding{{"patient", msg("the patient is not in this kiosk's snapshot, so the chart could not be checked")}}
	}
	return nil
}

// orderOf finds the order a dose names, gives the entry its version and,
// when the dose names no medication, the order's; it warns of an order
// not active or not in the snapshot.
func orderOf(ctx context.Context, ward Charts, chart *Chart, e *Entry) (*Medication, []finding, error) {
	if e.Medication == nil || e.Medication.OrderID == "" || ward == nil {
		return nil, nil, nil
	}
	order, err := findOrder(ctx, ward, chart, e.Medication.OrderID)
	switch {
	case err != nil:
		return nil, nil, err
	case order != nil:
		addVersion(e, order.Source)
		if strings.TrimSpace(e.Medication.Medication) == "" {
			e.Medication.Medication = order.Name
		}
		if order.Status != "active" {
			return order, []finding{{"order", msg("the order was %s in the snapshot, not active", orNotStated(order.Status))}}, nil
		}
	case chart != nil:
		return nil, []finding{{"order", msg("the order is not in the snapshot")}}, nil
	}
	return order, nil, nil
}

// activeFor is what the journal says about the entry's patient, without
// what was corrected or cancelled, and without what the entry corrects.
func activeFor(known []journaled, e *Entry) []Entry {
	var active []Entry
	for _, p := range known {
		if p.Patient == e.Patient && !p.Superseded() && p.Kind != KindCancellation && p.ID != e.Supersedes {
			active = append(active, p.Entry)
		}
	}
	return active
}

// patientWarnings are about the patient rather than the entry: a
// temporary patient registered twice (refused) or never on this kiosk,
// care before the admission, a patient deceased or discharged.
func patientWarnings(e *Entry, chart *Chart, known []journaled, active []Entry, temporary bool) ([]finding, error) {
	var warn []finding
	if e.Kind == KindRegistration {
		if slices.ContainsFunc(active, func(p Entry) bool { return p.Kind == KindRegistration }) {
			return nil, invalid("this temporary identifier is already registered; correct that registration instead")
		}
	} else if temporary && !slices.ContainsFunc(known, func(p journaled) bool {
		return p.Patient == e.Patient && p.Kind == KindRegistration
	}) {
		warn = append(warn, finding{"patient", msg("this temporary patient was not registered on this kiosk")})
	}
	if e.Kind == KindCancellation {
		return warn, nil
	}
	if chart != nil && e.Kind != KindRegistration {
		if a := chart.Patient.Admitted; !a.IsZero() && e.ClinicalTime.Before(a) {
			warn = append(warn, finding{"time", msg("the clinical time is before the patient's admission")})
		}
		if chart.Patient.Deceased {
			warn = append(warn, finding{"patient", msg("the snapshot records this patient as deceased")})
		}
	}
	for _, p := range active {
		if p.Kind == KindDischarge && p.ClinicalTime.Before(e.ClinicalTime) {
			warn = append(warn, finding{"patient", msg("the patient was discharged earlier in this journal")})
			break
		}
	}
	return warn, nil
}

// newAllergyWarnings: the allergy is already recorded, or the patient
// takes a medication it matches.
func newAllergyWarnings(e *Entry, chart *Chart, active []Entry) []finding {
	var warn []finding
	if matchingAllergy(chart, active, func(substance, _ string) bool {
		return sameWords(substance, e.Allergy.Substance)
	}) != "" {
		warn = append(warn, finding{"allergy", msg("this allergy is already recorded for the patient")})
	}
	if m := currentMedicationMatching(chart, e.Allergy.Substance); m != nil {
		what := msg("an active order")
		if m.Reported() {
			what = msg("a reported (home) medication")
		}
		warn = append(warn, finding{"allergy", msg("the patient has %s, %s, which matches this allergy", what, m.Name)})
	}
	return warn
}

// patientChart finds the entry's patient in the snapshot and puts the FHIR
// id in the entry; it is nil for a patient the snapshot does not have.
func patientChart(ctx context.Context, ward Charts, e *Entry, temporary bool) (*Chart, error) {
	if ward == nil || temporary || e.Kind == KindRegistration || e.Patient == "" {
		return nil, nil
	}
	id, err := ward.Find(ctx, e.Patient)
	switch {
	case errors.Is(err, ErrNoPatient):
		return nil, nil
	case errors.Is(err, ErrAmbiguousPatient):
		return nil, invalid("%v", err)
	case err != nil:
		return nil, err
	}
	e.Patient = id
	return ward.ChartByID(ctx, id)
}

// findOrder finds a MedicationRequest in the patient's chart. An order
// that is in the snapshot but on another patient's chart is refused: it is
// the wrong patient or the wrong order.
func findOrder(ctx context.Context, ward Charts, chart *Chart, id string) (*Medication, error) {
	if chart != nil {
		for i, m := range chart.Medications.Items {
			if m.Source.Type == "MedicationRequest" && m.Source.ID == id {
				return &chart.Medications.Items[i], nil
			}
		}
	}
	if _, err := ward.Resource(ctx, "MedicationRequest", id); err == nil {
		return nil, invalid("the order belongs to another patient")
	}
	return nil, nil
}

func addVersion(e *Entry, s Source) {
	if s.Type == "" || s.ID == "" {
		return
	}
	for _, v := range e.BasedOn {
		if v.Type == s.Type && v.ID == s.ID {
			return
		}
	}
	e.BasedOn = append(e.BasedOn, Version{Type: s.Type, ID: s.ID, VersionID: s.VersionID, LastUpdated: s.LastUpdated})
}

// CheckSupersession refuses a correction or cancellation that cannot be:
// of an entry not in the journal, already superseded, itself a
// cancellation, of another patient or (for a correction) of another kind.
// Review checks it, and the journal again under its write lock.
func CheckSupersession(e *Entry, target Entry, found, already bool) error {
	switch {
	case !found:
		return invalid("the entry it supersedes is not in this journal")
	case already:
		return invalid("the entry it supersedes was already corrected or cancelled; supersede the latest one instead")
	case target.Kind == KindCancellation:
		return invalid("a cancellation cannot be corrected or cancelled; record the entry again instead")
	case target.Patient != e.Patient:
		return invalid("a correction must be for the same patient as the entry it supersedes")
	case e.Kind != KindCancellation && e.Kind != target.Kind:
		return invalid("a correction must be of the same kind as the entry it supersedes (%s), or a cancellation", target.Kind)
	}
	return nil
}

func medicationWarnings(e *Entry, chart *Chart, order *Medication, active []Entry) []finding {
	m := e.Medication
	if m.Outcome != OutcomeGiven && m.Outcome != OutcomePartial {
		return nil
	}
	var warn []finding
	if m.OrderID == "" {
		warn = append(warn, finding{"order", msg("this dose has no order, and will be marked \"no order\": check that it was prescribed")})
	}
	var codes []string
	if order != nil {
		codes = append([]string{order.Code}, order.Codes...)
	}
	warn = append(warn, allergyWarnings(m.Medication, codes, allergyFacts(chart, active))...)
	sameDrug := func(orderID, name string) bool {
		if m.OrderID != "" && orderID != "" {
			return m.OrderID == orderID
		}
		return sameWords(m.Medication, name)
	}
	for _, p := range active {
		q := p.Medication
		if p.Kind != KindMedication || p.ID == e.ID || (q.Outcome != OutcomeGiven && q.Outcome != OutcomePartial) {
			continue
		}
		if sameDrug(q.OrderID, q.Medication) && sameDose(m.Dose, q.Dose) && near(p.ClinicalTime, e.ClinicalTime) {
			warn = append(warn, finding{"duplicate", msg("the same dose is already recorded in this journal %s", apart(p.ClinicalTime, e.ClinicalTime))})
			break
		}
	}
	if chart != nil {
		for _, a := range chart.Administrations.Items {
			if a.Status == "completed" && sameDrug(a.OrderID, a.Medication) && near(a.Time, e.ClinicalTime) &&
				(a.Dose == "" || m.Dose == nil || sameWords(a.Dose, num(m.Dose.Value)+" "+m.Dose.Unit)) {
				warn = append(warn, finding{"duplicate", msg("the snapshot already records this medication as given %s", apart(a.Time, e.ClinicalTime))})
				break
			}
		}
	}
	if order != nil && order.PRN {
		var amount float64
		var unit string
		if m.Dose != nil {
			amount, unit = m.Dose.Value, m.Dose.Unit
		}
		others := slices.DeleteFunc(slices.Clone(active), func(p Entry) bool { return p.ID == e.ID }) // this entry apart
		warn = append(warn, prnWarnings(*order, PRNGiven(*order, chart, others), e.ClinicalTime, amount, unit)...)
	}
	return warn
}

// currentMedicationMatching is the first medication of the chart that may be
// taken now, ordered or reported, that matches an allergy to substance (by
// name, see allergyMatches, or by drug class, see allergyClassMatch;
// cross-reactivity is not enough), or nil.
func currentMedicationMatching(chart *Chart, substance string) *Medication {
	if chart == nil || strings.TrimSpace(substance) == "" {
		return nil
	}
	for i, m := range chart.Medications.Items {
		if level, _ := allergyClassMatch(allergyFact{Substance: substance}, m.Name, append([]string{m.Code}, m.Codes...)); m.Current() && level == matchSame {
			return &chart.Medications.Items[i]
		}
	}
	return nil
}

// matchingAllergy returns the substance of the first active allergy, in
// the chart or recorded in the journal, that match accepts, or "".
func matchingAllergy(chart *Chart, active []Entry, match func(substance, code string) bool) string {
	for _, a := range allergyFacts(chart, active) {
		if match(a.Substance, a.Code) {
			return a.Substance
		}
	}
	return ""
}

// allergyFacts are the active allergies of the chart and those recorded in
// the journal.
func allergyFacts(chart *Chart, active []Entry) []allergyFact {
	var out []allergyFact
	if chart != nil {
		for _, a := range chart.Allergies.Items {
			if a.Active() {
				out = append(out, allergyFact{Substance: a.Substance, Code: a.Code, Codes: a.Codes, Criticality: a.Criticality, Reaction: a.Reaction})
			}
		}
	}
	for _, p := range active {
		if p.Kind == KindAllergy && p.Allergy != nil {
			a := p.Allergy
			out = append(out, allergyFact{Substance: a.Substance, Criticality: a.Criticality, Reaction: a.Reaction})
		}
	}
	return out
}

// allergyWarnings checks a medication (its name and codes) against every
// allergy: one warning for the first allergy that matches it as the same
// substance or class, a hard stop when that allergy is of high
// criticality or with anaphylaxis; otherwise one for the first that can
// cross-react.
func allergyWarnings(name string, codes []string, allergies []allergyFact) []finding {
	var cross []finding
	var same []finding
	for _, a := range allergies {
		level, why := allergyClassMatch(a, name, codes)
		switch {
		case level == matchSame && a.hardStop():
			return []finding{{ruleStop, msg("hard stop: allergy to %s (%s): %s; a second person must witness the dose and a reason be given", a.Substance, a.risk(), why)}}
		case level == matchSame && same == nil:
			same = []finding{{"allergy", msg("the patient has an active allergy to %s, which matches this medication: %s", a.Substance, why)}}
		case level == matchCross && cross == nil:
			cross = []finding{{"allergy", msg("possible cross-reactivity with the allergy to %s: %s", a.Substance, why)}}
		}
	}
	if same != nil {
		return same
	}
	return cross
}

func sameDose(a, b *Quantity) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Value == b.Value && strings.EqualFold(strings.TrimSpace(a.Unit), strings.TrimSpace(b.Unit))
}

func near(a, b time.Time) bool {
	d := a.Sub(b)
	return d < DuplicateWindow && d > -DuplicateWindow
}

// apart says when the earlier one was, relative to this entry's time.
func apart(earlier, t time.Time) Message {
	d := t.Sub(earlier).Round(time.Minute)
	switch {
	case d > 0:
		return msg("%d min before", int(d.Minutes()))
	case d < 0:
		return msg("%d min after", int(-d.Minutes()))
	}
	return msg("at the same time")
}

// orNotStated is an order's status, in the words the window gives it.
func orNotStated(s string) Message {
	if s == "" {
		return msg("without a status")
	}
	return inContext("order status", s)
}

// notSubstance are words of an allergy's name that name no substance.
var notSubstance = map[string]bool{"allergy": true, "allergic": true, "intolerance": true, "to": true, "and": true,
	"or": true, "of": true, "the": true, "drug": true, "drugs": true, "medication": true, "medicine": true,
	"class": true, "group": true, "products": true, "product": true, "containing": true}

// allergyMatches says whether a medication's name contains a word of the
// allergy's substance, in any case and singular or plural: "Penicillins"
// matches "Penicillin V 500 mg". It knows no drug classes: an allergy to
// penicillins does not match amoxicillin by name (a coded order and
// allergy with the same code do match, see medicationWarnings).
func allergyMatches(substance, medication string) bool {
	med := map[string]bool{}
	for _, w := range words(medication) {
		med[w], med[singular(w)] = true, true
	}
	for _, w := range words(substance) {
		if len(w) >= 3 && !notSubstance[w] && (med[w] || med[singular(w)]) {
			return true
		}
	}
	return false
}

// sameWords says whether two names have the same words, in any case.
func sameWords(a, b string) bool {
	return slices.Equal(words(a), words(b)) && len(words(a)) > 0
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") {
		return strings.TrimSuffix(w, "s")
	}
	return w
}

// SameSubstance says whether two allergy substances name the same thing
// (the same words, or a word of one that names the other, such as
// "penicillin" and "Penicillin G"), as reconciliation compares a downtime
// allergy with those recorded in the EHR meanwhile.
func SameSubstance(a, b string) bool {
	return sameWords(a, b) || allergyMatches(a, b) || allergyMatches(b, a)
}
