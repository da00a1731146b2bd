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

// Puller pulls one census from one server into a vault (Census, Dir and
// Keys), or several wards at once into a vault each (Wards): one census
// and one set of searches for all of them, the patients then split by
// ward, each ward sealed on its own (see sync/hub).
type Puller struct {
	Client *rest.Client
	Census Census
	Dir    string
	Keys   *store.Keys
	// Wards, when set, replaces Census, Dir and Keys. It may change
	// between steps: a ward added is pulled from the next step on, and a
	// ward whose keys seal to other recipients gets a full generation.
	Wards []Target
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

	st       *state // the resources of every ward's patients
	targets  []*target
	lastFull time.Time
}

// Target is one ward of a Puller that pulls several: its Location id,
// the vault folder its generations are sealed into, and the keys that
// seal them.
type Target struct {
	Ward string
	Dir  string
	Keys *store.Keys
	// Whole seals the ward's next generation whole, whatever was sealed
	// before (its numbering was raised: a delta would not follow).
	Whole bool
}

// target is what a puller keeps of one census between steps.
type target struct {
	census Census
	dir    string
	keys   *store.Keys
	to     []string // the recipients keys seal to, to tell a change

	ids        []string                     // the census as last pulled (nil: not yet, or unsure)
	place      map[string]*clinical.Patient // id -> the patient's chart header, for census order
	hash       map[string][32]byte          // id -> hash of the chart as sealed
	notShown   map[string][]fhir.NotShownCount
	ward       *store.Ward     // the ward of generation parent, kept to apply deltas to
	parent     *store.Manifest // the newest generation sealed for this census
	baseCipher int64           // bytes of the last full generation
	deltaSum   int64           // bytes of the deltas sealed since
}

func newTarget(c Census, dir string, keys *store.Keys) *target {
	return &target{census: c, dir: dir, keys: keys, to: keys.SealsTo(), place: map[string]*clinical.Patient{},
		hash: map[string][32]byte{}, notShown: map[string][]fhir.NotShownCount{}}
}

// reset forgets what was sealed: the next generation is a full one.
func (t *target) reset() {
	if t.ward != nil {
		t.ward.Close()
		t.ward = nil
	}
	t.parent = nil
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

// WardResult is what a step did for one ward of a Puller with Wards:
// a Result, or the error that left that ward's last generation as it was.
type WardResult struct {
	Ward string
	*Result
	Err error
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

// Close releases the wards held between refreshes.
func (p *Puller) Close() {
	for _, t := range p.targets {
		t.reset()
	}
}

// Step runs one pull: a full one the first time, when the last attempt
// failed in a way that leaves the state unsure, when FullEvery has passed
// or when deltas piled up; a refresh otherwise. A failed step changes
// nothing on disk.
func (p *Puller) Step(ctx context.Context) (*Result, error) {
	if len(p.Wards) > 0 {
		return nil, errors.New("a puller of several wards steps with StepWards")
	}
	if !p.Census.valid() {
		return nil, errors.New("choose the census with exactly one of a ward, a group, a list of patients or all patients")
	}
	if len(p.targets) == 0 {
		p.targets = []*target{newTarget(p.Census, p.Dir, p.Keys)}
	}
	res, err := p.step(ctx)
	if err != nil {
		return nil, err
	}
	return res[0].Result, res[0].Err
}

// StepWards runs one pull of every ward of Wards, as Step does, with one
// census and one set of searches for them all. A ward whose census or
// seal fails keeps its last generation and is said in its WardResult;
// the error is for a failure of the whole step (the server unreachable).
func (p *Puller) StepWards(ctx context.Context) ([]WardResult, error) {
	if len(p.Wards) == 0 {
		return nil, errors.New("the puller has no wards")
	}
	p.syncTargets()
	return p.step(ctx)
}

// syncTargets follows Wards: new wards get a target, removed ones lose
// theirs, and a ward whose keys seal to other recipients (a delta would
// be unreadable to a new kiosk), or that is to be sealed Whole, starts
// over with a full generation.
func (p *Puller) syncTargets() {
	var kept []*target
	for _, w := range p.Wards {
		c := Census{Ward: w.Ward}
		i := slices.IndexFunc(p.targets, func(t *target) bool { return t.census.Ward == w.Ward && t.dir == w.Dir })
		if i < 0 {
			kept = append(kept, newTarget(c, w.Dir, w.Keys))
			continue
		}
		t := p.targets[i]
		if to := w.Keys.SealsTo(); !slices.Equal(to, t.to) || w.Whole {
			t.reset()
			t.to = to
		}
		t.keys = w.Keys
		kept = append(kept, t)
	}
	for _, t := range p.targets {
		if !slices.Contains(kept, t) {
			t.reset()
		}
	}
	p.targets = kept
}

func (p *Puller) step(ctx context.Context) ([]WardResult, error) {
	p.defaults()
	if p.st == nil || p.now().Sub(p.lastFull) >= p.FullEvery {
		return p.full(ctx)
	}
	res, err := p.refresh(ctx)
	if err != nil {
		// Wards may be ahead of their vaults: the next step starts over.
		p.invalidate()
		return nil, err
	}
	return res, nil
}

func (p *Puller) invalidate() {
	p.Close()
	p.st = nil
}

// wardResults are empty results for every target, to be filled in.
func (p *Puller) wardResults() []WardResult {
	out := make([]WardResult, len(p.targets))
	for i, t := range p.targets {
		out[i].Ward = t.census.Ward
	}
	return out
}

// censuses asks the server who is in each target's census now: for
// wards, one census for all of them. errs[i] is target i's own failure
// (an unknown ward, an empty or sharply shrunk census); err one of the
// whole census.
func (p *Puller) censuses(ctx context.Context, c *collector) (ids [][]string, errs []error, err error) {
	ids, errs = make([][]string, len(p.targets)), make([]error, len(p.targets))
	var wards []string
	for i, t := range p.targets {
		if t.census.Ward == "" {
			if ids[i], err = p.census(ctx, t.census, c); err != nil && !errors.Is(err, fhir.ErrPatientsNotFound) {
				return nil, nil, err
			}
			errs[i] = err
			continue
		}
		wards = append(wards, strings.TrimPrefix(t.census.Ward, "Location/"))
	}
	if len(wards) > 0 {
		byWard, err := p.wardCensus(ctx, c, wards)
		if err != nil {
			return nil, nil, err
		}
		for i, t := range p.targets {
			if w := strings.TrimPrefix(t.census.Ward, "Location/"); w != "" {
				if got, ok := byWard[w]; ok {
					ids[i] = got
				} else {
					errs[i] = fmt.Errorf("%w: ward %q is not a Location on the FHIR server", fhir.ErrUnknownWard, w)
				}
			}
		}
	}
	for i, t := range p.targets {
		if errs[i] == nil {
			errs[i] = p.checkCensus(t, ids[i])
		}
	}
	return ids, errs, nil
}

// census asks the server who is in one census now. For a ward it also
// returns the ward's Locations, which charts need to place patients.
func (p *Puller) census(ctx context.Context, census Census, c *collector) ([]string, error) {
	switch {
	case census.Ward != "":
		w := strings.TrimPrefix(census.Ward, "Location/")
		byWard, err := p.wardCensus(ctx, c, []string{w})
		if err != nil {
			return nil, err
		}
		ids, ok := byWard[w]
		if !ok {
			return nil, fmt.Errorf("%w: ward %q is not a Location on the FHIR server", fhir.ErrUnknownWard, w)
		}
		return ids, nil
	case census.Group != "":
		return p.groupCensus(ctx, census.Group)
	case len(census.Patients) > 0:
		return p.listedCensus(ctx, census.Patients)
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
	encounterLocations struct {
		Location []struct {
			Location reference `json:"location"`
		} `json:"location"`
	}
	locationParent struct {
		PartOf reference `json:"partOf"`
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

// wardCensus is, for each ward, the patients of its current encounters
// (in progress or on leave) at the ward or any Location under it, eight
// levels deep; the Locations go into c. A ward that is not a Location on
// the server is absent from the result. Several wards are asked for in
// the same searches, and each encounter is given to the wards of the
// Locations it names (to the one ward, when only one is asked for).
func (p *Puller) wardCensus(ctx context.Context, c *collector, wards []string) (map[string][]string, error) {
	client := p.Client
	under := map[string][]string{} // Location -> the wards it is (under)
	var found []string
	for _, b := range chunks(wards, batch) {
		err := client.Search(ctx, "Location", url.Values{"_id": {strings.Join(b, ",")}}, func(raw json.RawMessage) error {
			var h idOnly
			if err := json.Unmarshal(raw, &h); err != nil {
				return err
			}
			if !slices.Contains(b, h.ID) || slices.Contains(found, h.ID) {
				return nil
			}
			found = append(found, h.ID)
			under[h.ID] = []string{h.ID}
			return c.add(raw)
		})
		if err != nil {
			return nil, err
		}
	}
	// Every Location under the wards, level by level.
	locs, frontier := slices.Clone(found), slices.Clone(found)
	for depth := 0; len(frontier) > 0 && depth < 8; depth++ {
		var next []string
		for _, b := range chunks(frontier, batch) {
			err := client.Search(ctx, "Location", url.Values{"partof": {refs("Location", b)}}, func(raw json.RawMessage) error {
				if err := c.add(raw); err != nil {
					return err
				}
				var h idOnly
				if json.Unmarshal(raw, &h) != nil {
					return nil
				}
				var up locationParent
				_ = json.Unmarshal(raw, &up) // a partOf it cannot read places the Location under no ward
				for _, w := range under[fhirjson.Target(up.PartOf.Reference, "Location")] {
					if !slices.Contains(under[h.ID], w) {
						under[h.ID] = append(under[h.ID], w)
					}
				}
				if len(under[h.ID]) == 0 && len(found) == 1 {
					under[h.ID] = found // a server that answers partof loosely: the one ward asked for
				}
				if !slices.Contains(locs, h.ID) {
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
	out := map[string][]string{}
	seen := map[string]map[string]bool{}
	for _, w := range found {
		out[w], seen[w] = []string{}, map[string]bool{}
	}
	for _, b := range chunks(locs, batch) {
		q := url.Values{"location": {refs("Location", b)}, "status": {"in-progress,onleave"}}
		err := client.Search(ctx, "Encounter", q, func(raw json.RawMessage) error {
			var h encounterSubject
			if err := json.Unmarshal(raw, &h); err != nil {
				return err
			}
			id := fhirjson.Target(h.Subject.Reference, "Patient")
			if id == "" {
				return nil
			}
			to := found
			if len(found) > 1 {
				var at encounterLocations
				if err := json.Unmarshal(raw, &at); err != nil {
					return err
				}
				to = nil
				for _, l := range at.Location {
					for _, w := range under[fhirjson.Target(l.Location.Reference, "Location")] {
						if !slices.Contains(to, w) {
							to = append(to, w)
						}
					}
				}
			}
			for _, w := range to {
				if !seen[w][id] {
					seen[w][id] = true
					out[w] = append(out[w], id)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// groupCensus is the active members of the census's Group.
func (p *Puller) groupCensus(ctx context.Context, group string) ([]string, error) {
	raw, err := p.Client.Read(ctx, "Group", group)
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
func (p *Puller) listedCensus(ctx context.Context, patients []string) ([]string, error) {
	found, taken := map[string]bool{}, map[string]bool{}
	var ids []string
	for _, b := range chunks(patients, batch) {
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
	for _, want := range patients {
		if !found[want] {
			missing++
		}
	}
	if missing > 0 {
		return nil, fmt.Errorf("%w: %d of the %d requested patients are not on the FHIR server",
			fhir.ErrPatientsNotFound, missing, len(patients))
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

// full pulls every census afresh and seals each as a full generation.
func (p *Puller) full(ctx context.Context) ([]WardResult, error) {
	start := p.now()
	if err := p.Client.Metadata(ctx); err != nil {
		return nil, err
	}
	c := newCollector()
	ids, errs, err := p.censuses(ctx, c)
	if err != nil {
		return nil, err
	}
	out := p.wardResults()
	var all []string // every census's patients, each once
	in := make([]map[string]bool, len(p.targets))
	for i := range p.targets {
		out[i].Err, in[i] = errs[i], map[string]bool{}
		if errs[i] != nil {
			continue
		}
		for _, id := range ids[i] {
			in[i][id] = true
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	st := newState()
	st.merge(c)
	// Batch by batch: while one batch's shared resources are fetched and
	// its charts built and packed (on one core, beside the server's), the
	// next batch is fetched. The last batch is built after the last
	// answer, with nothing left to wait for: in two halves at once.
	batches := chunks(all, batch)
	parts := make([][]builtPart, len(p.targets)) // parts[target][batch]
	for i := range parts {
		parts[i] = make([]builtPart, len(batches))
	}
	var builds sync.WaitGroup
	for bi, b := range batches {
		bc := newCollector()
		if err := searches(ctx, compartmentJobs(bc, p.Client, b, nil)); err != nil {
			builds.Wait()
			return nil, err
		}
		builds.Go(func() {
			if err := p.referenced(ctx, bc, st); err != nil {
				for i := range parts {
					parts[i][bi].err = err
				}
				return
			}
			st.merge(bc)
			var jobs []buildJob
			for i, t := range p.targets {
				if errs[i] == nil {
					present := st.present(slices.DeleteFunc(slices.Clone(b), func(id string) bool { return !in[i][id] }))
					jobs = append(jobs, buildJob{target: i, ids: present, ward: t.wardID()})
				}
			}
			if bi < len(batches)-1 {
				for _, j := range jobs {
					parts[j.target][bi] = st.buildPart(j.ids, j.ward)
				}
				return
			}
			// The last batch: every ward's part at once, or the one
			// ward's in two halves.
			if len(jobs) == 1 && len(jobs[0].ids) >= 2 {
				j := jobs[0]
				halves := chunks(j.ids, (len(j.ids)+1)/2)
				jobs = []buildJob{{j.target, halves[0], j.ward}, {j.target, halves[1], j.ward}}
			}
			built := make([]builtPart, len(jobs))
			var each sync.WaitGroup
			for k, j := range jobs {
				each.Go(func() { built[k] = st.buildPart(j.ids, j.ward) })
			}
			each.Wait()
			for i := range p.targets {
				var mine []builtPart
				for k, j := range jobs {
					if j.target == i {
						mine = append(mine, built[k])
					}
				}
				parts[i][bi] = joinParts(mine)
			}
		})
	}
	builds.Wait()
	// Each batch counted its patients' unusable resources only: the
	// shared ones, read by every batch, are counted once.
	sharedBad, err := st.sharedUnusable()
	if err != nil {
		return nil, err
	}
	p.Close()
	p.st, p.lastFull, st.started = st, start, start
	for i, t := range p.targets {
		if errs[i] != nil {
			t.ids = nil
			continue
		}
		joined := joinParts(parts[i])
		if joined.err != nil {
			return nil, joined.err
		}
		t.place, t.hash, t.notShown = map[string]*clinical.Patient{}, map[string][32]byte{}, joined.notShown
		census := st.present(ids[i])
		out[i].Result, out[i].Err = p.sealFull(ctx, t, census, joined, sharedBad, start)
	}
	return out, nil
}

// buildJob is the charts of some of a target's patients to build.
type buildJob struct {
	target int
	ids    []string
	ward   string
}

// sealFull seals a target's whole census, built, as a full generation.
func (p *Puller) sealFull(ctx context.Context, t *target, census []string, built builtPart, malformed int, start time.Time) (*Result, error) {
	// From here the work is local: a stop signal lets it finish.
	sctx := context.WithoutCancel(ctx)
	ward, err := store.BuildWardFrom(sctx, fhir.ComparePlace, built.prepared...)
	if err != nil {
		t.reset()
		return nil, err
	}
	req := store.SealRequest{AsOf: start, Source: p.Client.Base(), Census: t.census.Describe(), Malformed: built.malformed + malformed,
		NotShown: t.notShownLines(census)}
	m, err := store.Seal(sctx, t.dir, t.keys, ward, req)
	if err != nil && m == nil {
		ward.Close()
		t.reset()
		return nil, err
	}
	// A seal that wrote the generation but could not prune old ones is
	// a success with a warning.
	t.reset()
	t.ward, t.parent, t.ids, t.baseCipher, t.deltaSum = ward, m, census, m.CipherSize, 0
	t.remember(built.charts, built.hashes)
	return &Result{Full: true, Manifest: m, Patients: len(built.charts), Changed: len(built.charts)}, err
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

func (t *target) wardID() string { return strings.TrimPrefix(t.census.Ward, "Location/") }

// checkCensus refuses an empty census, and one that shrank below MinKeep
// of the last one pulled (or, in a new process, of the newest good
// generation): a server answering a broken query must not empty a ward's
// snapshot. AcceptDrop lets a real one through.
func (p *Puller) checkCensus(t *target, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: the FHIR server lists nobody in the census", fhir.ErrEmptyCensus)
	}
	last := len(t.ids)
	if t.ids == nil {
		last = store.NewestGoodPatients(t.dir, t.census.Describe())
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
func (t *target) remember(charts []clinical.Chart, hashes [][32]byte) {
	for i := range charts {
		p := charts[i].Patient
		p.Source, p.Identifiers = clinical.Source{}, nil
		t.place[p.ID], t.hash[p.ID] = &p, hashes[i]
	}
}

// refresh asks the server, once for every census, what changed since the
// last pull, and seals each census's changes as a delta; a census that
// has no generation to build on (new, re-keyed, failed before) or whose
// deltas piled up is sealed whole from what is held, without a full pull.
func (p *Puller) refresh(ctx context.Context) ([]WardResult, error) {
	start := p.now()
	st := p.st
	since := st.started.Add(-p.Margin).UTC().Format(time.RFC3339)
	c := newCollector()
	ids, errs, err := p.censuses(ctx, c)
	if err != nil {
		return nil, err
	}
	// held are the patients whose resources are kept: every census's,
	// or its last one when it could not be had now.
	was, held := map[string]bool{}, map[string]bool{}
	for i, t := range p.targets {
		for _, id := range t.ids {
			was[id] = true
		}
		keep := ids[i]
		if errs[i] != nil {
			keep = t.ids
		}
		for _, id := range keep {
			held[id] = true
		}
	}
	var entering []string
	for id := range held {
		if !was[id] {
			entering = append(entering, id)
		}
	}
	slices.Sort(entering)
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
		if o != "" && !held[o] {
			continue // the patient of no census
		}
		if st.put(key, o, raw) {
			if o == "" {
				sharedChanged = true
			} else {
				changed[o] = true
			}
		}
	}
	gone := map[string]bool{}
	for id := range was {
		if !held[id] {
			gone[id] = true
		}
	}
	if len(gone) > 0 {
		for key, o := range st.ownerSnapshot() {
			if gone[o] {
				st.drop(key)
			}
		}
	}
	st.started = start
	out := p.wardResults()
	for i, t := range p.targets {
		if errs[i] != nil {
			out[i].Err = errs[i]
			continue
		}
		out[i].Result, out[i].Err = p.refreshTarget(ctx, t, ids[i], changed, sharedChanged, start)
		if out[i].Err != nil && !errors.Is(out[i].Err, ErrCensusDrop) {
			t.reset() // its ward may be ahead of its vault: sealed whole next time
		}
	}
	return out, nil
}

// refreshTarget seals one census's changes, from what the state holds.
func (p *Puller) refreshTarget(ctx context.Context, t *target, ids []string, changed map[string]bool, sharedChanged bool, start time.Time) (*Result, error) {
	st := p.st
	census := st.present(ids)
	if t.parent == nil || t.parent.Chain >= p.MaxChain || t.deltaSum > t.baseCipher/2 {
		built := st.buildPart(census, t.wardID())
		if built.err != nil {
			return nil, built.err
		}
		shared, err := st.sharedUnusable()
		if err != nil {
			return nil, err
		}
		t.place, t.hash, t.notShown = map[string]*clinical.Patient{}, map[string][32]byte{}, built.notShown
		return p.sealFull(ctx, t, census, built, shared, start)
	}
	was, now := map[string]bool{}, map[string]bool{}
	for _, id := range t.ids {
		was[id] = true
	}
	var entering, leaving []string
	for _, id := range ids {
		now[id] = true
		if !was[id] {
			entering = append(entering, id)
		}
	}
	for _, id := range t.ids {
		if !now[id] {
			leaving = append(leaving, id)
			delete(t.place, id)
			delete(t.hash, id)
			delete(t.notShown, id)
		}
	}
	var rebuild []string
	for _, id := range census {
		if sharedChanged || changed[id] || !was[id] {
			rebuild = append(rebuild, id)
		}
	}
	var upsert []clinical.Chart
	var im *fhir.Import
	if len(rebuild) > 0 {
		charts, imp, err := st.build(rebuild, t.wardID())
		if err != nil {
			return nil, err
		}
		im = imp
		t.countNotShown(rebuild, im)
		var hashes [][32]byte
		for i := range charts {
			if h := chartHash(&charts[i]); h != t.hash[charts[i].Patient.ID] {
				upsert = append(upsert, charts[i])
				hashes = append(hashes, h)
			}
		}
		t.remember(upsert, hashes)
	}
	order := slices.Clone(census)
	slices.SortFunc(order, func(a, b string) int { return fhir.ComparePlace(t.place[a], t.place[b]) })
	// Unreadable resources are counted by the reader per build: the
	// refresh knows only those of the patients it rebuilt, so the ward's
	// count is the larger of that and the last generation's.
	// What is not shown is counted by patient: the rebuilt patients'
	// counts are new, the others' are those of their last build.
	req := store.SealRequest{AsOf: start, Source: p.Client.Base(), Census: t.census.Describe(), Malformed: t.parent.Malformed,
		NotShown: t.notShownLines(census)}
	if im != nil {
		req.Malformed = max(req.Malformed, im.Unusable())
	}
	m, err := store.SealDelta(context.WithoutCancel(ctx), t.dir, t.keys, t.ward, t.parent, store.Delta{Upsert: upsert, Remove: leaving, Order: order}, req)
	if err != nil {
		return nil, err
	}
	t.ids, t.parent = census, m
	t.deltaSum += m.CipherSize
	return &Result{Manifest: m, Patients: len(census), Changed: len(upsert), Entered: len(entering), Left: len(leaving)}, nil
}
