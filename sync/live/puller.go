package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/fhirjson"
	"lifeboat/sync/rest"
)

// Puller pulls one census from one server into a vault.
type Puller struct {
	Client *rest.Client
	Census Census
	Dir    string
	Keys   *store.Keys
	// Margin is taken off the last pull's start for _lastUpdated=gt: it
	// covers clock skew between kiosk and server and writes that became
	// visible late. Changes seen twice are merged once.
	Margin time.Duration
	// FullEvery is how often a full pull replaces refreshes (drift,
	// deletions a server does not show, compaction).
	FullEvery time.Duration
	// MaxChain is how many deltas may follow a full generation.
	MaxChain int
	// MinKeep refuses a pull whose census shrank below this fraction of
	// the last one (a broken query, not a ward emptied in a minute).
	MinKeep    float64
	AcceptDrop bool
	Now        func() time.Time

	st         *state
	ward       *store.Ward     // the ward of generation parent, kept to apply deltas to
	parent     *store.Manifest // the newest generation this puller sealed
	lastFull   time.Time
	baseCipher int64 // bytes of the last full generation
	deltaSum   int64 // bytes of the deltas sealed since
}

// Result says what one pull or refresh did.
type Result struct {
	Full     bool
	Manifest *store.Manifest // nil when nothing changed and nothing was sealed
	Patients int
	Changed  int // patients whose chart changed (all, for a full pull)
	Entered  int
	Left     int
	Requests int
}

// ErrCensusDrop refuses a census that shrank sharply; it is the store's,
// whose rule file imports share.
var ErrCensusDrop = store.ErrCensusDrop

// Defaults.
const (
	DefaultMargin    = 2 * time.Minute
	DefaultFullEvery = time.Hour
	DefaultMaxChain  = 120
	DefaultMinKeep   = store.MinKeep
)

func (p *Puller) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Puller) defaults() {
	if p.Margin <= 0 {
		p.Margin = DefaultMargin
	}
	if p.FullEvery <= 0 {
		p.FullEvery = DefaultFullEvery
	}
	if p.MaxChain <= 0 {
		p.MaxChain = DefaultMaxChain
	}
	if p.MinKeep <= 0 {
		p.MinKeep = DefaultMinKeep
	}
}

// Close releases the ward held between refreshes.
func (p *Puller) Close() {
	if p.ward != nil {
		p.ward.Close()
		p.ward = nil
	}
}

// Step runs one pull: a full one the first time, when the last attempt
// failed in a way that leaves the state unsure, when FullEvery has passed
// or when deltas piled up; a refresh otherwise. A failed step changes
// nothing on disk.
func (p *Puller) Step(ctx context.Context) (*Result, error) {
	p.defaults()
	if !p.Census.valid() {
		return nil, errors.New("choose the census with exactly one of a ward, a group, a list of patients or all patients")
	}
	if p.st == nil || p.parent == nil || p.now().Sub(p.lastFull) >= p.FullEvery || p.parent.Chain >= p.MaxChain ||
		p.deltaSum > p.baseCipher/2 {
		return p.full(ctx)
	}
	res, err := p.refresh(ctx)
	if errors.Is(err, store.ErrStaleParent) {
		// Another writer sealed in between: start over from the server.
		p.invalidate()
		return p.full(ctx)
	}
	if err != nil {
		// The ward may be ahead of the vault: the next step starts over.
		if p.st != nil && !errors.Is(err, ErrCensusDrop) {
			p.invalidate()
		}
		return nil, err
	}
	return res, nil
}

func (p *Puller) invalidate() {
	p.Close()
	p.st, p.parent = nil, nil
}

// census asks the server who is in the census now. For a ward it also
// returns the ward's Locations, which charts need to place patients.
func (p *Puller) census(ctx context.Context, c *collector) ([]string, error) {
	switch {
	case p.Census.Ward != "":
		return p.wardCensus(ctx, c, strings.TrimPrefix(p.Census.Ward, "Location/"))
	case p.Census.Group != "":
		return p.groupCensus(ctx)
	case len(p.Census.Patients) > 0:
		return p.listedCensus(ctx)
	}
	var ids []string
	err := p.Client.Search(ctx, "Patient", url.Values{"_elements": {"id"}}, func(raw json.RawMessage) error {
		var h idOnly
		if err := json.Unmarshal(raw, &h); err != nil {
			return err
		}
		ids = append(ids, h.ID)
		return nil
	})
	return ids, err
}

// The census decodes only the members it reads, so that a member it does
// not read (an Encounter's class as an array, a meta.tag as an object)
// cannot stop it. One it reads that is of the wrong type still does: a
// census is never guessed.
type (
	idOnly struct {
		ID string `json:"id"`
	}
	reference struct {
		Reference string `json:"reference"`
	}
	encounterSubject struct {
		Subject reference `json:"subject"`
	}
	patientIDs struct {
		ID         string `json:"id"`
		Identifier []struct {
			Value string `json:"value"`
		} `json:"identifier"`
	}
	groupMembers struct {
		ResourceType string `json:"resourceType"`
		Member       []struct {
			Entity   reference `json:"entity"`
			Inactive bool      `json:"inactive"`
		} `json:"member"`
	}
)

// wardCensus is the patients of the ward's current encounters (in
// progress or on leave) at the ward or any Location under it, eight levels
// deep; the Locations go into c.
func (p *Puller) wardCensus(ctx context.Context, c *collector, ward string) ([]string, error) {
	client := p.Client
	raw, err := client.Read(ctx, "Location", ward)
	if err != nil {
		if errors.Is(err, rest.ErrRefused) && strings.Contains(err.Error(), "answered 404") {
			return nil, fmt.Errorf("%w: ward %q is not a Location on the FHIR server", fhir.ErrUnknownWard, ward)
		}
		return nil, err
	}
	if err := c.add(raw); err != nil {
		return nil, err
	}
	// The ward and every Location under it, level by level.
	locs, frontier := []string{ward}, []string{ward}
	for depth := 0; len(frontier) > 0 && depth < 8; depth++ {
		var next []string
		for _, b := range chunks(frontier, batch) {
			err := client.Search(ctx, "Location", url.Values{"partof": {refs("Location", b)}}, func(raw json.RawMessage) error {
				if err := c.add(raw); err != nil {
					return err
				}
				var h idOnly
				if json.Unmarshal(raw, &h) == nil && !slices.Contains(locs, h.ID) {
					locs, next = append(locs, h.ID), append(next, h.ID)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		frontier = next
	}
	seen := map[string]bool{}
	var ids []string
	for _, b := range chunks(locs, batch) {
		q := url.Values{"location": {refs("Location", b)}, "status": {"in-progress,onleave"}}
		err := client.Search(ctx, "Encounter", q, func(raw json.RawMessage) error {
			var h encounterSubject
			if err := json.Unmarshal(raw, &h); err != nil {
				return err
			}
			if id := fhirjson.Target(h.Subject.Reference, "Patient"); id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// groupCensus is the active members of the census's Group.
func (p *Puller) groupCensus(ctx context.Context) ([]string, error) {
	raw, err := p.Client.Read(ctx, "Group", p.Census.Group)
	if err != nil {
		return nil, err
	}
	var h groupMembers
	if err := json.Unmarshal(raw, &h); err != nil || h.ResourceType != "Group" {
		return nil, fmt.Errorf("%w: the Group is not a Group", rest.ErrNotFHIR)
	}
	var ids []string
	for _, m := range h.Member {
		if id := fhirjson.Target(m.Entity.Reference, "Patient"); id != "" && !m.Inactive && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// listedCensus is the patients the census lists, by id or identifier;
// every one of them must be on the server.
func (p *Puller) listedCensus(ctx context.Context) ([]string, error) {
	found, taken := map[string]bool{}, map[string]bool{}
	var ids []string
	for _, b := range chunks(p.Census.Patients, batch) {
		for _, param := range []string{"_id", "identifier"} {
			err := p.Client.Search(ctx, "Patient", url.Values{param: {strings.Join(b, ",")}}, func(raw json.RawMessage) error {
				var h patientIDs
				if err := json.Unmarshal(raw, &h); err != nil {
					return err
				}
				found[h.ID] = true
				for _, i := range h.Identifier {
					found[i.Value] = true
				}
				if !taken[h.ID] {
					taken[h.ID] = true
					ids = append(ids, h.ID)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	missing := 0
	for _, want := range p.Census.Patients {
		if !found[want] {
			missing++
		}
	}
	if missing > 0 {
		return nil, fmt.Errorf("%w: %d of the %d requested patients are not on the FHIR server",
			fhir.ErrPatientsNotFound, missing, len(p.Census.Patients))
	}
	return ids, nil
}

// referenced fetches the shared resources that collected ones point at and
// that neither c nor have holds yet: medications, authors, encounter
// locations and the Locations they are part of.
func (p *Puller) referenced(ctx context.Context, c *collector, have *state) error {
	for round := 0; round < 6; round++ {
		want := map[string][]string{}
		c.mu.Lock()
		for _, ri := range c.info {
			for typ, r := range ri.refs {
				for _, id := range r {
					key := typ + "/" + id
					if _, ok := c.got[key]; ok {
						continue
					}
					if have.has(key) {
						continue
					}
					if !slices.Contains(want[typ], id) {
						want[typ] = append(want[typ], id)
					}
				}
			}
		}
		c.mu.Unlock()
		if len(want) == 0 {
			return nil
		}
		var jobs []func(context.Context) error
		for typ, ids := range want {
			for _, b := range chunks(ids, batch) {
				jobs = append(jobs, search(c, p.Client, typ, url.Values{"_id": {strings.Join(b, ",")}}))
			}
		}
		before := len(c.got)
		if err := searches(ctx, jobs); err != nil {
			return err
		}
		if len(c.got) == before {
			return nil // pointed at, but not on the server: the reader says so
		}
	}
	return nil
}

// references are the shared resources a resource of type typ points at,
// by type: a medication, a Location's parent, a document's authors, an
// encounter's locations and participants, a patient's general
// practitioner, a care team's members, the device a statement of use
// names. The resource is walked, not decoded.
func references(typ string, raw []byte) map[string][]string {
	out := map[string][]string{}
	add := func(t string, i int) {
		if id := fhirjson.Target(fhirjson.Reference(raw, i), t); id != "" {
			out[t] = append(out[t], id)
		}
	}
	fhirjson.Fields(raw, 0, func(k []byte, start, end int) bool {
		switch key := string(k); {
		case key == "medicationReference":
			add("Medication", start)
		case key == "partOf" && typ == "Location":
			add("Location", start)
		case key == "author" && typ == "DocumentReference":
			fhirjson.Items(raw, start, func(s, _ int) { add("Practitioner", s) })
		case key == "location" && typ == "Encounter":
			fhirjson.Items(raw, start, func(s, _ int) {
				fhirjson.Fields(raw, s, func(k []byte, start, _ int) bool {
					if string(k) == "location" {
						add("Location", start)
					}
					return true
				})
			})
		case key == "participant" && (typ == "Encounter" || typ == "CareTeam"):
			fhirjson.Items(raw, start, func(s, _ int) {
				fhirjson.Fields(raw, s, func(k []byte, start, _ int) bool {
					if string(k) == "individual" || string(k) == "member" {
						add("Practitioner", start)
					}
					return true
				})
			})
		case key == "generalPractitioner" && typ == "Patient":
			fhirjson.Items(raw, start, func(s, _ int) { add("Practitioner", s) })
		case key == "device" && typ == "DeviceUseStatement":
			add("Device", start)
		}
		return true
	})
	return out
}

// full pulls the whole census and seals it as a full generation.
func (p *Puller) full(ctx context.Context) (*Result, error) {
	start := p.now()
	if err := p.Client.Metadata(ctx); err != nil {
		return nil, err
	}
	c := newCollector()
	ids, err := p.census(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := p.checkCensus(ids); err != nil {
		return nil, err
	}
	st := newState()
	st.merge(c)
	// Batch by batch: while one batch's shared resources are fetched and
	// its charts built and packed (on one core, beside the server's), the
	// next batch is fetched. The last batch is built after the last
	// answer, with nothing left to wait for: in two halves at once.
	batches := chunks(ids, batch)
	parts := make([]builtPart, len(batches))
	var builds sync.WaitGroup
	for i, b := range batches {
		bc := newCollector()
		if err := searches(ctx, compartmentJobs(bc, p.Client, b, nil)); err != nil {
			builds.Wait()
			return nil, err
		}
		builds.Go(func() {
			if err := p.referenced(ctx, bc, st); err != nil {
				parts[i].err = err
				return
			}
			st.merge(bc)
			present := st.present(b)
			if i < len(batches)-1 || len(present) < 2 {
				parts[i] = st.buildPart(present, p.wardID())
				return
			}
			var halves [2]builtPart
			var both sync.WaitGroup
			for h, half := range chunks(present, (len(present)+1)/2) {
				both.Go(func() { halves[h] = st.buildPart(half, p.wardID()) })
			}
			both.Wait()
			parts[i] = joinParts(halves[:])
		})
	}
	builds.Wait()
	all := joinParts(parts)
	if all.err != nil {
		return nil, all.err
	}
	// Each batch counted its patients' unusable resources only: the
	// shared ones, read by every batch, are counted once.
	sharedBad, err := st.sharedUnusable()
	if err != nil {
		return nil, err
	}
	maps.Copy(st.notShown, all.notShown)
	st.census = st.present(ids)
	// From here the work is local: a stop signal lets it finish.
	sctx := context.WithoutCancel(ctx)
	ward, err := store.BuildWardFrom(sctx, fhir.ComparePlace, all.prepared...)
	if err != nil {
		return nil, err
	}
	req := store.SealRequest{AsOf: start, Source: p.Client.Base(), Census: p.Census.Describe(), Malformed: all.malformed + sharedBad,
		NotShown: st.notShownLines(st.census)}
	m, err := store.Seal(sctx, p.Dir, p.Keys, ward, req)
	if err != nil && m == nil {
		ward.Close()
		return nil, err
	}
	// A seal that wrote the generation but could not prune old ones is
	// a success with a warning.
	p.Close()
	p.ward, p.parent, p.st, p.lastFull, p.baseCipher, p.deltaSum = ward, m, st, start, m.CipherSize, 0
	st.started = start
	st.remember(all.charts, all.hashes)
	return &Result{Full: true, Manifest: m, Patients: len(all.charts), Changed: len(all.charts)}, err
}

// builtPart is one batch of a full pull, built and packed.
type builtPart struct {
	charts    []clinical.Chart
	hashes    [][32]byte // of charts, in order
	prepared  []*store.Prepared
	malformed int                             // the batch's patients' unusable resources
	notShown  map[string][]fhir.NotShownCount // of the batch's patients
	err       error
}

// buildPart builds, hashes and packs the charts of one batch on one core.
func (s *state) buildPart(ids []string, ward string) builtPart {
	charts, im, err := s.build(ids, ward)
	if err != nil {
		return builtPart{err: err}
	}
	by := im.NotShownByPatient()
	notShown := map[string][]fhir.NotShownCount{}
	for _, id := range ids {
		if c := by[id]; len(c) > 0 {
			notShown[id] = c
		}
	}
	hashes := make([][32]byte, len(charts))
	for i := range charts {
		hashes[i] = chartHash(&charts[i])
	}
	return builtPart{charts: charts, hashes: hashes, prepared: []*store.Prepared{store.Prepare(charts, 1)},
		malformed: im.Unusable() - im.UnusableIn(sharedPart), notShown: notShown}
}

// joinParts is parts in order as one, with the first error.
func joinParts(parts []builtPart) builtPart {
	all := builtPart{notShown: map[string][]fhir.NotShownCount{}}
	for _, pt := range parts {
		if pt.err != nil {
			return builtPart{err: pt.err}
		}
		all.charts = append(all.charts, pt.charts...)
		all.hashes = append(all.hashes, pt.hashes...)
		all.prepared = append(all.prepared, pt.prepared...)
		all.malformed += pt.malformed
		maps.Copy(all.notShown, pt.notShown)
	}
	return all
}

// has tells whether a resource is held.
func (s *state) has(key string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.res[key]
	return ok
}

// merge adds what a collector gathered.
func (s *state) merge(c *collector) {
	for key, raw := range c.got {
		s.put(key, c.info[key].patient, raw)
	}
}

func (p *Puller) wardID() string { return strings.TrimPrefix(p.Census.Ward, "Location/") }

// checkCensus refuses an empty census, and one that shrank below MinKeep
// of the last one pulled (or, in a new process, of the newest good
// generation): a server answering a broken query must not empty a ward's
// snapshot. AcceptDrop lets a real one through.
func (p *Puller) checkCensus(ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: the FHIR server lists nobody in the census", fhir.ErrEmptyCensus)
	}
	var last int
	if p.st != nil {
		last = len(p.st.census)
	} else {
		last = store.NewestGoodPatients(p.Dir, p.Census.Describe())
	}
	return store.CheckCensusDrop(last, len(ids), p.MinKeep, p.AcceptDrop)
}

// present keeps the ids whose Patient resource is held, in order.
func (s *state) present(ids []string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, id := range ids {
		if _, ok := s.res["Patient/"+id]; ok {
			out = append(out, id)
		}
	}
	return out
}

// remember keeps each chart's place and hash (hashes[i] is charts[i]'s),
// to order the census and to tell changed charts from rebuilt but equal
// ones.
func (s *state) remember(charts []clinical.Chart, hashes [][32]byte) {
	for i := range charts {
		p := charts[i].Patient
		p.Source, p.Identifiers = clinical.Source{}, nil
		s.place[p.ID], s.hash[p.ID] = &p, hashes[i]
	}
}

// refresh asks the server for what changed since the last pull and seals
// it as a delta.
func (p *Puller) refresh(ctx context.Context) (*Result, error) {
	start := p.now()
	st := p.st
	since := st.started.Add(-p.Margin).UTC().Format(time.RFC3339)
	c := newCollector()
	ids, err := p.census(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := p.checkCensus(ids); err != nil {
		return nil, err
	}
	was := map[string]bool{}
	for _, id := range st.census {
		was[id] = true
	}
	now := map[string]bool{}
	var entering []string
	for _, id := range ids {
		now[id] = true
		if !was[id] {
			entering = append(entering, id)
		}
	}
	var leaving []string
	for _, id := range st.census {
		if !now[id] {
			leaving = append(leaving, id)
		}
	}
	changedQ := url.Values{"_lastUpdated": {"gt" + since}}
	jobs := compartmentJobs(c, p.Client, entering, nil)
	for _, typ := range append([]string{"Patient"}, shared...) {
		jobs = append(jobs, search(c, p.Client, typ, changedQ))
	}
	for _, t := range compartment {
		jobs = append(jobs, search(c, p.Client, t.typ, changedQ))
	}
	if err := searches(ctx, jobs); err != nil {
		return nil, err
	}
	if err := p.referenced(ctx, c, st); err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	sharedChanged := false
	for key, raw := range c.got {
		o := c.info[key].patient
		if o != "" && !now[o] {
			continue // another ward's patient
		}
		if st.put(key, o, raw) {
			if o == "" {
				sharedChanged = true
			} else {
				changed[o] = true
			}
		}
	}
	if len(leaving) > 0 {
		gone := map[string]bool{}
		for _, id := range leaving {
			gone[id] = true
			delete(st.place, id)
			delete(st.hash, id)
			delete(st.notShown, id)
		}
		for key, o := range st.owner {
			if gone[o] {
				st.drop(key)
			}
		}
	}
	census := st.present(ids)
	var rebuild []string
	for _, id := range census {
		if sharedChanged || changed[id] || !was[id] {
			rebuild = append(rebuild, id)
		}
	}
	var upsert []clinical.Chart
	var im *fhir.Import
	if len(rebuild) > 0 {
		charts, imp, err := st.build(rebuild, p.wardID())
		if err != nil {
			return nil, err
		}
		im = imp
		st.countNotShown(rebuild, im)
		var hashes [][32]byte
		for i := range charts {
			if h := chartHash(&charts[i]); h != st.hash[charts[i].Patient.ID] {
				upsert = append(upsert, charts[i])
				hashes = append(hashes, h)
			}
		}
		st.remember(upsert, hashes)
	}
	order := slices.Clone(census)
	slices.SortFunc(order, func(a, b string) int { return fhir.ComparePlace(st.place[a], st.place[b]) })
	// Unreadable resources are counted by the reader per build: the
	// refresh knows only those of the patients it rebuilt, so the ward's
	// count is the larger of that and the last generation's.
	// What is not shown is counted by patient: the rebuilt patients'
	// counts are new, the others' are those of their last build.
	req := store.SealRequest{AsOf: start, Source: p.Client.Base(), Census: p.Census.Describe(), Malformed: p.parent.Malformed,
		NotShown: st.notShownLines(census)}
	if im != nil {
		req.Malformed = max(req.Malformed, im.Unusable())
	}
	m, err := store.SealDelta(context.WithoutCancel(ctx), p.Dir, p.Keys, p.ward, p.parent, store.Delta{Upsert: upsert, Remove: leaving, Order: order}, req)
	if err != nil {
		return nil, err
	}
	st.census, st.started = census, start
	p.parent = m
	p.deltaSum += m.CipherSize
	return &Result{Manifest: m, Patients: len(census), Changed: len(upsert), Entered: len(entering), Left: len(leaving)}, nil
}
