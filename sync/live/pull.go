// Package live keeps a vault's snapshot fresh from a FHIR R4 server while
// the EHR is up: a full pull of the census and each patient's essential
// resources, then incremental refreshes (_lastUpdated=gt the last pull,
// less a safety margin) sealed as small delta generations, with a periodic
// full pull that corrects drift and compacts the chain.
package live

import (
	"bytes"
	"context"
	"crypto/sha256"
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

// Census says which patients to pull. Exactly one field is set.
type Census struct {
	Ward     string   // a Location id: in-progress (or on-leave) encounters there or anywhere under it
	Group    string   // a Group id: its active Patient members
	Patients []string // Patient ids or identifier values (such as MRNs)
	All      bool     // every patient on the server
}

// Describe is the census for a manifest; it names no patient.
func (c Census) Describe() store.Census {
	switch {
	case c.Ward != "":
		return store.Census{Mode: "ward", Ward: c.Ward}
	case c.Group != "":
		return store.Census{Mode: "group", Ward: c.Group}
	case len(c.Patients) > 0:
		return store.Census{Mode: "patients"}
	}
	return store.Census{Mode: "all"}
}

func (c Census) valid() bool {
	n := 0
	for _, b := range []bool{c.Ward != "", c.Group != "", len(c.Patients) > 0, c.All} {
		if b {
			n++
		}
	}
	return n == 1
}

// compartment lists the patient's resources pulled, each with the search
// parameter that names the patient. Observation uses subject, which
// servers index far better than patient.
var compartment = []struct{ typ, param string }{
	{"Encounter", "subject"},
	{"AllergyIntolerance", "patient"},
	{"Condition", "subject"},
	{"MedicationRequest", "subject"},
	{"MedicationAdministration", "subject"},
	{"MedicationStatement", "subject"},
	{"Observation", "subject"},
	{"Flag", "subject"},
	{"DocumentReference", "subject"},
	{"List", "subject"},
	// the rest of the record
	{"RelatedPerson", "patient"},
	{"CareTeam", "subject"},
	{"Consent", "patient"},
	{"ServiceRequest", "subject"},
	{"CarePlan", "subject"},
	{"NutritionOrder", "patient"},
	{"Device", "patient"},
	{"DeviceUseStatement", "subject"},
	{"Procedure", "subject"},
	{"Immunization", "patient"},
}

// shared are the types that belong to no patient but that charts read.
// A Device is shared while it is in or on no patient (a statement of use
// names it), and its patient's when it is.
var shared = []string{"Location", "Medication", "Practitioner"}

// batch is how many patients one search names.
const batch = 100

// state is what the last pull knew: every resource of every census's
// patients by "Type/id", and whose patient each belongs to ("" for shared
// ones).
type state struct {
	mu      sync.RWMutex // over res and owner: a full pull builds batches while it fetches the next
	res     map[string]json.RawMessage
	owner   map[string]string
	started time.Time // when the pull that led here began (local clock)
}

func newState() *state {
	return &state{res: map[string]json.RawMessage{}, owner: map[string]string{}}
}

// countNotShown keeps what an Import counts as not shown for the
// patients built from it, and forgets what was counted before for them.
// notShown is, for each patient of the census, what was read of theirs
// but is not shown, as counted when their chart was last built: a
// refresh rebuilds the changed patients only, and keeps the others'.
func (t *target) countNotShown(ids []string, im *fhir.Import) {
	by := im.NotShownByPatient()
	for _, id := range ids {
		if c := by[id]; len(c) > 0 {
			t.notShown[id] = c
		} else {
			delete(t.notShown, id)
		}
	}
}

// notShownLines adds up what is not shown of the census's patients, for
// the generation's manifest (store.Manifest.NotShown).
func (t *target) notShownLines(census []string) []string {
	all := make([][]fhir.NotShownCount, 0, len(census))
	for _, id := range census {
		all = append(all, t.notShown[id])
	}
	return fhir.NotShownLines(all...)
}

// ownerSnapshot is a copy of whose each resource is.
func (s *state) ownerSnapshot() map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.owner)
}

// put stores a resource; it reports whether it is new or different.
func (s *state) put(key, owner string, raw json.RawMessage) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.res[key]
	if ok && bytes.Equal(old, raw) {
		return false
	}
	s.res[key] = raw
	s.owner[key] = owner
	return true
}

func (s *state) drop(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.res, key)
	delete(s.owner, key)
}

// collector gathers resources from concurrent searches, with what the
// puller needs of each: its type, its patient and, for the types that
// point at shared resources, those references. Only those types are
// decoded here; the rest are walked (fhirjson.Peek), and everything is
// decoded once, by the reader, when charts are built.
type collector struct {
	mu   sync.Mutex
	got  map[string]json.RawMessage
	info map[string]resInfo
}

type resInfo struct {
	typ, patient string
	refs         map[string][]string // shared resources pointed at, by type
}

// pointers are the types whose references to shared resources are read.
var pointers = map[string]bool{"Location": true, "DocumentReference": true, "Encounter": true,
	"MedicationRequest": true, "MedicationAdministration": true, "MedicationStatement": true,
	"Patient": true, "CareTeam": true, "DeviceUseStatement": true}

func newCollector() *collector {
	return &collector{got: map[string]json.RawMessage{}, info: map[string]resInfo{}}
}

func (c *collector) add(raw json.RawMessage) error {
	typ, id, patient, ok := fhirjson.Peek(raw)
	if !ok || typ == "" || id == "" {
		return fmt.Errorf("%w: a search returned a resource without type or id", rest.ErrNotFHIR)
	}
	ri := resInfo{typ: typ, patient: patient}
	if slices.Contains(shared, typ) || (typ == "Device" && patient == "") {
		ri.patient = ""
	} else if patient == "" {
		return nil // of no patient (a Group's observation, say): in no chart
	}
	if pointers[typ] {
		ri.refs = references(typ, raw)
	}
	key := typ + "/" + id
	c.mu.Lock()
	c.got[key], c.info[key] = raw, ri
	c.mu.Unlock()
	return nil
}

// searches runs jobs concurrently (the client bounds requests in flight)
// and returns the first error.
func searches(ctx context.Context, jobs []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, job := range jobs {
		wg.Go(func() {
			if err := job(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	if first != nil && ctx.Err() != nil && errors.Is(first, context.Canceled) {
		return ctx.Err()
	}
	return first
}

func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func refs(typ string, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = typ + "/" + id
	}
	return strings.Join(out, ",")
}

// search adds every result of one search to c.
func search(c *collector, client *rest.Client, typ string, q url.Values) func(context.Context) error {
	return func(ctx context.Context) error { return client.Search(ctx, typ, q, c.add) }
}

// compartmentJobs searches every compartment type for the patients in ids,
// batched, with extra parameters (e.g. _lastUpdated).
func compartmentJobs(c *collector, client *rest.Client, ids []string, extra url.Values) []func(context.Context) error {
	var jobs []func(context.Context) error
	for _, b := range chunks(ids, batch) {
		q := url.Values{"_id": {strings.Join(b, ",")}}
		for k, v := range extra {
			q[k] = v
		}
		jobs = append(jobs, search(c, client, "Patient", q))
		for _, t := range compartment {
			q := url.Values{t.param: {refs("Patient", b)}}
			for k, v := range extra {
				q[k] = v
			}
			jobs = append(jobs, search(c, client, t.typ, q))
		}
	}
	return jobs
}

// chartHash identifies a chart's content, sources included.
func chartHash(c *clinical.Chart) [32]byte {
	h := sha256.New()
	j, _ := json.Marshal(c)
	h.Write(j)
	clinical.EachSource(c, func(s *clinical.Source) { h.Write(s.JSON) })
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// The two parts build reads: the shared resources, and the patients'.
const (
	sharedPart  = "the FHIR server's shared resources"
	patientPart = "the FHIR server's answers"
)

// build reads the resources of the given patients (and every shared one)
// as the file reader would, and returns their charts in census order.
// The shared resources are read as a part of their own (sharedPart), so
// that those that cannot be used can be told from the patients'.
func (s *state) build(ids []string, ward string) ([]clinical.Chart, *fhir.Import, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var parts []fhir.Part
	for _, pt := range []fhir.Part{s.part(sharedPart, func(o string) bool { return o == "" }),
		s.part(patientPart, func(o string) bool { return o != "" && want[o] })} {
		if len(pt.Data) > 0 { // an empty input is refused
			parts = append(parts, pt)
		}
	}
	im, err := fhir.ReadParts(parts...)
	if err != nil {
		return nil, nil, err
	}
	charts, err := im.Charts(ids, ward)
	return charts, im, err
}

// part is the resources whose owner (a patient id, "" for shared) keep
// tells, as NDJSON in key order: the same input gives the same charts.
func (s *state) part(name string, keep func(owner string) bool) fhir.Part {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.res))
	for k := range s.res {
		if keep(s.owner[k]) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	for _, k := range keys {
		buf.Write(s.res[k])
		buf.WriteByte('\n')
	}
	return fhir.Part{Name: name, Data: buf.Bytes()}
}

// sharedUnusable is how many shared resources held cannot be used.
func (s *state) sharedUnusable() (int, error) {
	pt := s.part(sharedPart, func(o string) bool { return o == "" })
	if len(pt.Data) == 0 {
		return 0, nil
	}
	im, err := fhir.ReadParts(pt)
	if err != nil {
		return 0, err
	}
	return im.Unusable(), nil
}
