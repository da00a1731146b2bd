package reconcile

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir/r4"
)

// Outcome is what the plan decided for an entry not yet reconciled.
type Outcome string

// The outcomes. Only create and already-there (and what a person decided)
// change anything; conflict and needs-link wait for a person.
const (
	Create       Outcome = "create"        // push it: new to the EHR
	AlreadyThere Outcome = "already-there" // an earlier attempt got through: record it
	Conflict     Outcome = "conflict"      // what it was based on changed in the EHR: a person decides
	NeedsLink    Outcome = "needs-link"    // a temporary patient not yet linked to an EHR record
	Skip         Outcome = "skip"          // a person decided not to push it
	Nothing      Outcome = "nothing"       // nothing to push: a decision, or corrected or cancelled before it was pushed
	Failed       Outcome = "failed"        // the server refused it on its own; the reason says why
)

// Item is the plan for one entry. Downtime and Server put the two sides of
// a conflict next to each other, as a person needs them.
type Item struct {
	Entry        string            `json:"entry"`
	Seq          int64             `json:"seq"`
	Kind         clinical.Kind     `json:"kind"`
	Patient      string            `json:"patient"`               // as the journal names it: a snapshot id or a temporary id
	EHRPatient   string            `json:"ehrPatient,omitempty"`  // Patient/… in the EHR, once known
	PatientName  string            `json:"patientName,omitempty"` // the EHR's name of EHRPatient, read when planned (the hub has no snapshot to name it)
	Author       string            `json:"author"`                // who documented it
	ClinicalTime time.Time         `json:"clinicalTime"`          // when the care happened
	Outcome      Outcome           `json:"outcome"`               //
	Conflict     string            `json:"conflict,omitempty"`    // one of the Conflict kinds
	Reason       string            `json:"reason,omitempty"`      // one sentence: why it waits, failed or was skipped
	Downtime     string            `json:"downtime"`              // the downtime value, in one line
	Server       *Side             `json:"server,omitempty"`      // the EHR's current value, for a conflict
	Candidates   []Match           `json:"candidates,omitempty"`  // for a registration to link, best first
	SameAs       string            `json:"sameAs,omitempty"`      // the registration of the same person on another kiosk, which this one follows
	Decision     *Decided          `json:"decision,omitempty"`    // the decision that applies, if any
	Resources    []store.ServerRef `json:"resources,omitempty"`   // for already-there: what was found

	requests []Request
	state    string // the final state it gets when pushed or recorded
}

// Side is one side of a conflict as the EHR holds it now.
type Side struct {
	Reference string `json:"reference"`
	Value     string `json:"value"`
	By        string `json:"by,omitempty"`
	At        string `json:"at,omitempty"`
}

// Match is an EHR patient proposed for a temporary one.
type Match struct {
	Patient   string `json:"patient"` // FHIR id
	Name      string `json:"name"`
	BirthDate string `json:"birthDate,omitempty"`
	Sex       string `json:"sex,omitempty"`
	Score     int    `json:"score"`
	Why       string `json:"why"`
}

// Decided is a person's decision as the plan applies it.
type Decided struct {
	Entry  string    `json:"entry"` // the decision entry
	Action string    `json:"action"`
	Reason string    `json:"reason,omitempty"`
	LinkTo string    `json:"linkTo,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Plan is the plan for every entry not yet reconciled, in journal order,
// with the count of those reconciled before.
type Plan struct {
	Items []Item          `json:"items"`
	Done  map[string]int  `json:"done"` // entries already in a final state, by state
	Count map[Outcome]int `json:"count"`
	// Unverified is what verification of the journal found: forged,
	// altered or missing entries, which are never pushed and wait for a
	// person to look into them.
	Unverified []store.JournalProblem `json:"unverified,omitempty"`
}

// journalView is the journal as the planner reads it.
type journalView struct {
	entries   []store.JournalEntry
	byID      map[string]*store.JournalEntry
	decisions map[string]*store.JournalEntry // the latest decision on each entry
	regs      map[string]*store.JournalEntry // the registration of each temporary patient
	resources map[string][]store.ServerRef
	problems  []store.JournalProblem
	// sameAs is, for the registration of a person already registered on
	// another kiosk (a patient transferred during the downtime), the
	// first registration, whose link it follows.
	sameAs map[string]string
	// corrections are, by entry, the entries that correct or cancel it.
	// One journal takes one; two are possible across journals: a hub's
	// correction and a kiosk's own handed in later.
	corrections map[string][]*store.JournalEntry
	// patients are the EHR's patients the plan read, by id (nil: asked
	// for, not there).
	patients map[string]*found[r4.Patient]
}

func (r *Reconciler) view(ctx context.Context) (*journalView, error) {
	entries, err := r.Journal.List(ctx)
	if err != nil {
		return nil, err
	}
	res, err := r.Journal.Resources(ctx)
	if err != nil {
		return nil, err
	}
	// List verified every row; Check adds journal.head as it is now (entries
	// removed from the end), which Problems would take from the opening.
	// Its second pass reads only rows recorded since List, and the head.
	check, err := r.Journal.Check(ctx)
	if err != nil {
		return nil, err
	}
	v := &journalView{entries: entries, byID: map[string]*store.JournalEntry{}, decisions: map[string]*store.JournalEntry{},
		regs: map[string]*store.JournalEntry{}, resources: res, problems: check.Problems, sameAs: map[string]string{},
		corrections: map[string][]*store.JournalEntry{}, patients: map[string]*found[r4.Patient]{}}
	first := map[string]*store.JournalEntry{} // the first registration of each person, by who they are
	for i := range entries {
		e := &entries[i]
		v.byID[e.ID] = e
		if e.Supersedes != "" {
			v.corrections[e.Supersedes] = append(v.corrections[e.Supersedes], e)
		}
		if e.Kind == clinical.KindRegistration && !e.Cancelled && !e.Superseded() {
			if k := samePerson(e.Registration); k != "" {
				switch f := first[k]; {
				case f == nil:
					first[k] = e
				case f.KioskID != e.KioskID:
					v.sameAs[e.ID] = f.ID
				}
			}
		}
		switch {
		case e.Kind == clinical.KindDecision:
			v.decisions[e.Decision.Entry] = e // in sequence order: the latest wins
		case e.Kind == clinical.KindRegistration && !e.Cancelled:
			if p := v.regs[e.Patient]; p == nil || p.Superseded() {
				v.regs[e.Patient] = e
			}
		}
	}
	return v, nil
}

// otherCorrection is another correction (or cancellation) of what e
// corrects, or of what that corrected, up its line: two lines of
// corrections of one entry. Nil when e's line is the only one.
func (v *journalView) otherCorrection(e *store.JournalEntry) *store.JournalEntry {
	for seen := 0; e.Supersedes != "" && seen < len(v.entries); seen++ {
		for _, c := range v.corrections[e.Supersedes] {
			if c.ID != e.ID {
				return c
			}
		}
		t := v.byID[e.Supersedes]
		if t == nil {
			return nil
		}
		e = t
	}
	return nil
}

func (v *journalView) decided(id string) *Decided {
	d := v.decisions[id]
	if d == nil {
		if first := v.sameAs[id]; first != "" {
			return v.followed(first)
		}
		return nil
	}
	return &Decided{Entry: d.ID, Action: d.Decision.Action, Reason: d.Decision.Reason, LinkTo: d.Decision.LinkTo,
		By: d.Author, At: d.ClinicalTime}
}

// samePerson is who a registration names, to tell the same person
// registered on two kiosks: family and given name, birth date and sex;
// "" when it names too little to tell.
func samePerson(r *clinical.Registration) string {
	if r == nil {
		return ""
	}
	family, given := strings.ToLower(strings.TrimSpace(r.Family)), strings.ToLower(strings.TrimSpace(r.Given))
	if family == "" || given == "" || r.BirthDate == "" || r.BirthDateEstimated {
		return ""
	}
	return family + "\x00" + given + "\x00" + r.BirthDate + "\x00" + r.Sex
}

// followed is the link a later registration of the same person takes
// from the first one's decision: its link, or the EHR patient it was
// created as once it was. Nothing until then: the later one waits.
func (v *journalView) followed(first string) *Decided {
	d := v.decisions[first]
	if d == nil {
		return nil
	}
	why := "the same person as registration " + first + " on another kiosk"
	link := func(to string) *Decided {
		return &Decided{Entry: d.ID, Action: clinical.DecisionLink, Reason: why, LinkTo: to, By: d.Author, At: d.ClinicalTime}
	}
	switch d.Decision.Action {
	case clinical.DecisionLink:
		return link(d.Decision.LinkTo)
	case clinical.DecisionNewPatient:
		if reg := v.byID[first]; reg != nil && pushed(reg.State) {
			for _, ref := range v.resources[first] {
				if ref.Type == "Patient" {
					return link(ref.ID)
				}
			}
		}
	}
	return nil
}

// pushed says whether an entry reached the EHR.
func pushed(state string) bool {
	return state == store.StateCreated || state == store.StateAlreadyThere || state == store.StateLinked
}

// ehrPatient is the EHR patient an entry is for, or why it is not known yet.
func (v *journalView) ehrPatient(e *store.JournalEntry) (string, string) {
	if d := v.decided(e.ID); d != nil && d.Action == clinical.DecisionLink {
		return "Patient/" + d.LinkTo, ""
	}
	if !clinical.IsTemporaryID(e.Patient) {
		return "Patient/" + e.Patient, ""
	}
	reg := v.regs[e.Patient]
	switch {
	case reg == nil:
		return "", "the temporary patient's registration is not in this journal: link the patient"
	case reg.ID == e.ID:
		return "", "the temporary patient is not linked to an EHR record yet"
	case reg.State == store.StateLinked:
		if d := v.decided(reg.ID); d != nil && d.Action == clinical.DecisionLink {
			return "Patient/" + d.LinkTo, ""
		}
	case pushed(reg.State):
		for _, ref := range v.resources[reg.ID] {
			if ref.Type == "Patient" {
				return ref.Reference(), ""
			}
		}
	}
	return "", "waiting for the temporary patient to be linked to an EHR record or created"
}

// Plan reads the journal and the server and decides what to do with each
// entry not yet reconciled. It changes nothing anywhere.
func (r *Reconciler) Plan(ctx context.Context) (*Plan, error) {
	v, err := r.view(ctx)
	if err != nil {
		return nil, err
	}
	return r.plan(ctx, v, nil)
}

// plan classifies the pending entries; failed are entries the server
// refused on their own earlier in this run, with the reason.
func (r *Reconciler) plan(ctx context.Context, v *journalView, failed map[string]string) (*Plan, error) {
	p := &Plan{Done: map[string]int{}, Count: map[Outcome]int{}, Unverified: v.problems}
	var open []*Item
	for i := range v.entries {
		e := &v.entries[i]
		if e.State != store.StatePending {
			p.Done[e.State]++
			continue
		}
		it := Item{Entry: e.ID, Seq: e.Seq, Kind: e.Kind, Patient: e.Patient, Author: e.Author, ClinicalTime: e.ClinicalTime,
			Decision: v.decided(e.ID)}
		if why, ok := failed[e.ID]; ok {
			it.Outcome, it.Reason = Failed, why
		} else {
			r.classify(v, e, &it)
		}
		p.Items = append(p.Items, it)
	}
	recordedTwice(v, p.Items)
	for i := range p.Items {
		if p.Items[i].Outcome == "" {
			open = append(open, &p.Items[i])
		}
	}
	if err := r.check(ctx, v, open); err != nil {
		return nil, err
	}
	var links []*Item
	for i := range p.Items {
		if it := &p.Items[i]; it.Outcome == NeedsLink && it.Kind == clinical.KindRegistration {
			links = append(links, it)
		}
	}
	candidates, err := r.candidates(ctx, v, links)
	if err != nil {
		return nil, err
	}
	for _, it := range links {
		it.Candidates = candidates[it.Entry]
	}
	if err := r.name(ctx, v, p.Items); err != nil {
		return nil, err
	}
	for i := range p.Items {
		it := &p.Items[i]
		p.Count[it.Outcome]++
		if r.Describe != nil {
			it.Downtime = r.Describe(v.byID[it.Entry].Entry)
		}
	}
	return p, nil
}

// classify decides what the journal alone can: decisions, supersessions,
// skips and patients to link. What needs the server is left to check.
func (r *Reconciler) classify(v *journalView, e *store.JournalEntry, it *Item) {
	d := it.Decision
	switch {
	case e.Kind == clinical.KindDecision:
		it.Outcome, it.state = Nothing, store.StateLocal
		return
	case e.Superseded():
		it.Outcome, it.state, it.Reason = Nothing, store.StateSuperseded, "corrected or cancelled before it was pushed"
		return
	case d != nil && d.Action == clinical.DecisionSkip:
		it.Outcome, it.state, it.Reason = Skip, store.StateSkipped, d.Reason
		return
	}
	if e.Kind == clinical.KindCancellation {
		t := v.byID[e.Supersedes]
		if t == nil || !pushed(t.State) {
			it.Outcome, it.state, it.Reason = Nothing, store.StateLocal, "the entry it cancels was never pushed"
			return
		}
	}
	if other := v.otherCorrection(e); other != nil && (d == nil || d.Action != clinical.DecisionPush) {
		// Two corrections of one entry, from two journals: neither is
		// pushed until a person says which stand.
		it.Outcome, it.Conflict = Conflict, ConflictCorrectedTwice
		it.Reason = fmt.Sprintf("what it corrects was corrected also by entry %s of kiosk %s: push this one too, or skip it", other.ID, other.KioskID)
		value := string(other.Kind)
		if r.Describe != nil {
			value = r.Describe(other.Entry)
		}
		it.Server = &Side{Reference: "entry " + other.ID, Value: value, By: other.Author, At: other.ClinicalTime.UTC().Format(time.RFC3339)}
		return
	}
	if t := v.byID[e.Supersedes]; t != nil && e.Kind != clinical.KindCancellation && pushed(t.State) && (d == nil || d.Action != clinical.DecisionPush) {
		// A correction whose original is in the EHR: pushed, it is a second
		// record beside the first, which a person must mark in error there.
		it.Outcome, it.Conflict = Conflict, ConflictCorrectsPushed
		it.Reason = "it corrects an entry already in the EHR: push it as a new record and mark the first in error there, or skip it"
		return
	}
	if e.Kind == clinical.KindRegistration {
		switch {
		case (d == nil || d.Action == clinical.DecisionPush) && v.sameAs[e.ID] != "":
			it.Outcome, it.SameAs = NeedsLink, v.sameAs[e.ID]
			it.Reason = "the same person was registered on another kiosk too: deciding that registration links this one with it"
			return
		case d == nil || d.Action == clinical.DecisionPush:
			it.Outcome, it.Reason = NeedsLink, "a patient registered during downtime: link to an EHR record or create a new one"
			return
		case d.Action == clinical.DecisionLink:
			it.EHRPatient = "Patient/" + d.LinkTo
		}
		return
	}
	ref, why := v.ehrPatient(e)
	if ref == "" {
		it.Outcome, it.Reason = NeedsLink, why
		return
	}
	it.EHRPatient = ref
}

// name gives each item the EHR's name of its patient, as the plan read
// it, reading those of the items a person acts on (conflicts, links,
// failures) that checking did not: the hospital's worklist at the hub has
// no snapshot to name them from.
func (r *Reconciler) name(ctx context.Context, v *journalView, items []Item) error {
	var ids []string
	for _, it := range items {
		id := strings.TrimPrefix(it.EHRPatient, "Patient/")
		if _, asked := v.patients[id]; id != "" && !asked && (it.Outcome == Conflict || it.Outcome == NeedsLink || it.Outcome == Failed) {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		read, err := byID[r4.Patient](ctx, reader{r.Client}, "Patient", ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			v.patients[id] = read[id]
		}
	}
	for i := range items {
		if p := v.patients[strings.TrimPrefix(items[i].EHRPatient, "Patient/")]; p != nil {
			items[i].PatientName = patientName(p.R)
		}
	}
	return nil
}

// check reads what the open items depend on from the server and decides
// them: already there, conflict, or create.
func (r *Reconciler) check(ctx context.Context, v *journalView, open []*Item) error {
	if len(open) == 0 {
		return nil
	}
	rd := reader{r.Client}
	ids := func(pick func(*Item) string) []string {
		var out []string
		for _, it := range open {
			if s := pick(it); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	entry := func(it *Item) *store.JournalEntry { return v.byID[it.Entry] }

	asked := ids(func(it *Item) string { return strings.TrimPrefix(it.EHRPatient, "Patient/") })
	patients, err := byID[r4.Patient](ctx, rd, "Patient", asked)
	if err != nil {
		return err
	}
	for _, id := range asked {
		v.patients[id] = patients[id]
	}
	orders, err := byID[order](ctx, rd, "MedicationRequest", ids(func(it *Item) string {
		if m := entry(it).Medication; m != nil {
			return m.OrderID
		}
		return ""
	}))
	if err != nil {
		return err
	}
	allergies, err := search[r4.AllergyIntolerance](ctx, rd, "AllergyIntolerance", "patient", ids(func(it *Item) string {
		if it.Kind == clinical.KindAllergy {
			return it.EHRPatient
		}
		return ""
	}), nil)
	if err != nil {
		return err
	}
	encounters, err := search[r4.Encounter](ctx, rd, "Encounter", "subject", ids(func(it *Item) string {
		if it.EHRPatient != "" && it.Kind != clinical.KindRegistration {
			return it.EHRPatient
		}
		return ""
	}), nil)
	if err != nil {
		return err
	}
	current := currentEncounters(encounters)
	cancelled, err := r.cancelledResources(ctx, v, open)
	if err != nil {
		return err
	}

	for _, it := range open {
		e := entry(it)
		c := Context{Patient: it.EHRPatient}
		enc := current[it.EHRPatient]
		if enc != nil {
			c.Encounter = enc.server()
		}
		if e.Kind == clinical.KindCancellation {
			c.Cancelled = cancelled[e.ID]
		}
		if e.Kind == clinical.KindRegistration && it.EHRPatient != "" {
			it.state = store.StateLinked
		} else if e.Kind == clinical.KindRegistration {
			c.Patient = "" // a new Patient is made
		}
		if it.Decision == nil || it.Decision.Action != clinical.DecisionPush {
			r.conflicts(ctx, rd, e, it, patients, orders, allergies, encounters, current)
		}
		if enc != nil && e.ID != "" && entryIdentified(enc.R.Identifier, enc.R.Meta.Tag, r.Config.entrySystem(), e.ID, true) {
			// An earlier attempt changed the encounter: Requests leaves the
			// change out, and the resource is the entry's all the same.
			it.Resources = append(it.Resources, store.ServerRef{Type: "Encounter", ID: c.Encounter.ID, Version: c.Encounter.Version})
		}
		reqs, err := Requests(e.Entry, c, r.Config)
		switch {
		case err == nil:
			it.requests = reqs
		case it.Outcome != Conflict:
			it.Outcome, it.Reason = Failed, err.Error()
		}
	}
	return r.findExisting(ctx, rd, open)
}

// probe is a search that finds one resource an entry becomes: by its
// conditional create, or by the entry identifier a change adds (target is
// then the resource changed).
type probe struct{ typ, param, value, target string }

func (r *Reconciler) probes(it *Item) []probe {
	tok := escapeToken(r.Config.entrySystem(), it.Entry)
	var out []probe
	for _, q := range it.requests {
		switch q.Method {
		case "POST":
			if param, value, ok := condition(q.IfNoneExist); ok {
				out = append(out, probe{q.Type, param, value, ""})
			}
		case "PUT":
			out = append(out, probe{q.Type, "identifier", tok, q.URL})
		}
	}
	if len(it.requests) == 0 && (it.Kind == clinical.KindTransfer || it.Kind == clinical.KindDischarge) {
		// No request could be built (the encounter is closed): the change
		// may be what closed it.
		out = append(out, probe{"Encounter", "identifier", tok, ""}, probe{"Provenance", "_tag", tok, ""})
	}
	return out
}

// findExisting looks for what an earlier attempt created or changed: an
// entry all of whose resources are there is already there; one with some
// missing is pushed again, and its conditional creates skip those found.
func (r *Reconciler) findExisting(ctx context.Context, rd reader, open []*Item) error {
	type query struct{ typ, param string }
	values := map[query][]string{}
	for _, it := range open {
		for _, pr := range r.probes(it) {
			q := query{pr.typ, pr.param}
			values[q] = append(values[q], pr.value)
		}
	}
	found := map[probe][]store.ServerRef{}
	for q, vals := range values {
		rs, err := search[resource](ctx, rd, q.typ, q.param, vals, nil)
		if err != nil {
			return err
		}
		for _, res := range rs {
			for _, val := range slices.Compact(slices.Sorted(slices.Values(vals))) {
				if matches(res.R, q.param, val) {
					k := probe{q.typ, q.param, val, ""}
					found[k] = append(found[k], res.ref())
				}
			}
		}
	}
	for _, it := range open {
		prs := r.probes(it)
		if len(prs) == 0 {
			continue
		}
		var refs []store.ServerRef
		var left []Request
		missing := 0
		for i, pr := range prs {
			var ref *store.ServerRef
			for _, f := range found[probe{pr.typ, pr.param, pr.value, ""}] {
				if pr.target == "" || f.Reference() == pr.target {
					ref = &f
					break
				}
			}
			if ref != nil {
				refs = append(refs, *ref)
			} else {
				missing++
				if i < len(it.requests) {
					left = append(left, it.requests[i])
				}
			}
			if i < len(it.requests) && ref != nil && it.requests[i].Method == "POST" {
				// A conditional create finds it again: sent, it changes nothing,
				// and the Provenance can still point at it.
				left = append(left, it.requests[i])
			}
		}
		switch {
		case missing == 0:
			it.Outcome, it.Resources, it.requests = AlreadyThere, append(it.Resources, refs...), nil
			it.Conflict, it.Server, it.Reason = "", nil, ""
			if it.state == "" {
				it.state = store.StateAlreadyThere
			}
		case it.Outcome == Conflict || it.Outcome == Failed:
			it.requests = nil // waits for a person
		default:
			it.Outcome, it.requests, it.Resources = Create, left, append(it.Resources, refs...)
			if it.state == "" {
				it.state = store.StateCreated
			}
		}
	}
	return nil
}

// condition reads an IfNoneExist query of one parameter.
func condition(q string) (param, value string, ok bool) {
	vals, err := url.ParseQuery(q)
	if err != nil || len(vals) != 1 {
		return "", "", false
	}
	for k, v := range vals {
		if len(v) == 1 {
			return k, v[0], true
		}
	}
	return "", "", false
}

// matches says whether a found resource is the one the condition names
// (a comma-list search returns the matches of all its values together).
func matches(res *resource, param, value string) bool {
	sys, val := splitToken(value)
	switch param {
	case "identifier":
		return entryIdentified(res.Identifier, nil, sys, val, false)
	case "_tag":
		return entryIdentified(nil, res.Meta.Tag, sys, val, false)
	}
	return false
}

// currentEncounters is each patient's current encounter: in progress,
// arrived or on leave, the latest started first.
func currentEncounters(all []*found[r4.Encounter]) map[string]*found[r4.Encounter] {
	out := map[string]*found[r4.Encounter]{}
	for _, e := range all {
		if e.R.Subject.Reference == "" || !slices.Contains([]string{"in-progress", "arrived", "onleave", "triaged"}, e.R.Status) {
			continue
		}
		p := e.R.Subject.Reference
		if o := out[p]; o == nil || e.R.Period.Start > o.R.Period.Start {
			out[p] = e
		}
	}
	return out
}

// cancelledResources reads, for each cancellation to push, the resources
// the cancelled entry became, as the server holds them now.
func (r *Reconciler) cancelledResources(ctx context.Context, v *journalView, open []*Item) (map[string][]ServerResource, error) {
	byType := map[string][]string{}
	for _, it := range open {
		if it.Kind != clinical.KindCancellation {
			continue
		}
		for _, ref := range v.resources[v.byID[it.Entry].Supersedes] {
			if ref.Type != "Provenance" {
				byType[ref.Type] = append(byType[ref.Type], ref.ID)
			}
		}
	}
	now := map[string]*found[resource]{}
	for typ, ids := range byType {
		got, err := byID[resource](ctx, reader{r.Client}, typ, ids)
		if err != nil {
			return nil, err
		}
		for id, res := range got {
			now[typ+"/"+id] = res
		}
	}
	out := map[string][]ServerResource{}
	for _, it := range open {
		if it.Kind != clinical.KindCancellation {
			continue
		}
		for _, ref := range v.resources[v.byID[it.Entry].Supersedes] {
			if res := now[ref.Reference()]; res != nil {
				out[it.Entry] = append(out[it.Entry], *res.server())
			}
		}
	}
	return out, nil
}
