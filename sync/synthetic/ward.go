package synthetic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"lifeboat/sync/fhir/r4"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"
)

// Options says which ward to generate.
type Options struct {
	// Patients is how many patients lie on the ward(s), 0 to MaxPatients.
	// Patients fill beds in order; zero gives one empty ward.
	Patients int
	// Seed makes the ward: the same Seed, Patients, AsOf and BedsPerWard
	// always give byte-identical output.
	Seed uint64
	// AsOf is the "now" of the ward: every record is at or before it. Its
	// location is the ward's clock: schedules ("08:00") are wall-clock times
	// there and every timestamp is written with its offset. Required.
	AsOf time.Time
	// BedsPerWard is the size of each ward, 1 to MaxBedsPerWard; 0 means 30.
	BedsPerWard int
}

const (
	// MaxPatients bounds Options.Patients (patient ids have six digits).
	MaxPatients = 999_999
	// MaxBedsPerWard bounds Options.BedsPerWard (room numbers have two
	// digits after the ward number: Room 101 to Room 199).
	MaxBedsPerWard = 198
	// DefaultBedsPerWard is used when Options.BedsPerWard is zero.
	DefaultBedsPerWard = 30
)

// Summary describes what WriteNDJSON wrote.
type Summary struct {
	Patients  int
	Wards     []string       // ward Location ids, in order
	Resources map[string]int // resource count by resource type
}

// normalize validates the options and fills defaults.
func (o Options) normalize() (Options, error) {
	if o.BedsPerWard == 0 {
		o.BedsPerWard = DefaultBedsPerWard
	}
	switch {
	case o.Patients < 0 || o.Patients > MaxPatients:
		return o, fmt.Errorf("synthetic: patients must be between 0 and %d, not %d", MaxPatients, o.Patients)
	case o.BedsPerWard < 1 || o.BedsPerWard > MaxBedsPerWard:
		return o, fmt.Errorf("synthetic: beds per ward must be between 1 and %d, not %d", MaxBedsPerWard, o.BedsPerWard)
	case o.AsOf.IsZero():
		return o, errors.New("synthetic: the as-of time is required")
	}
	o.AsOf = o.AsOf.Truncate(time.Second)
	return o, nil
}

func (o Options) wardCount() int {
	return max(1, (o.Patients+o.BedsPerWard-1)/o.BedsPerWard)
}

// WardIDs returns the ids of the ward Locations the options produce
// ("ward-1", "ward-2", ...), or nil when the options are invalid.
func WardIDs(opt Options) []string {
	o, err := opt.normalize()
	if err != nil {
		return nil
	}
	ids := make([]string, o.wardCount())
	for i := range ids {
		ids[i] = wardID(i + 1)
	}
	return ids
}

// Ward streams every resource of the ward to emit, one compact JSON FHIR R4
// resource at a time, in a stable order: all Locations (each ward, then its
// rooms and beds), then per patient its Patient, Encounter and the rest.
// emit is called on the caller's goroutine, one resource at a time, and
// owns the slice it is given. Generation stops at the first error emit
// returns, and Ward returns that error. Patients are made on several
// goroutines ahead of their turn; the output is the same on any number.
func Ward(opt Options, emit func(resourceType string, resource []byte) error) error {
	o, err := opt.normalize()
	if err != nil {
		return err
	}
	g := &generator{opt: o, asOf: o.AsOf, loc: o.AsOf.Location(),
		emit: func(typ, _ string, res []byte) error { return emit(typ, res) }}
	return g.run()
}

// run emits the Locations, then every patient.
func (g *generator) run() error {
	if err := g.locations(); err != nil {
		return err
	}
	return g.patients()
}

// rendered is one resource made ahead of its turn.
type rendered struct {
	typ, id string
	res     []byte
}

// job is one patient being made by a worker.
type job struct {
	n   int
	out chan []rendered // buffered: a worker never waits on it
	err error           // set before out is sent
}

// patients makes the patients on several workers and emits them in bed
// order. Each worker renders a whole patient (about 100 KB) in memory and
// at most a few patients per worker are in flight, so memory stays flat
// whatever the ward's size. Patients are independent (each has its own
// random streams), so the output does not depend on the number of workers.
func (g *generator) patients() error {
	workers := min(runtime.GOMAXPROCS(0), 8, g.opt.Patients)
	if workers <= 1 {
		for n := 1; n <= g.opt.Patients; n++ {
			if err := g.patient(n); err != nil {
				return err
			}
		}
		return nil
	}
	jobs := make(chan *job)
	queue := make(chan *job, 2*workers) // jobs in bed order
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				var out []rendered
				w := *g
				w.emit = func(typ, id string, res []byte) error {
					out = append(out, rendered{typ, id, res})
					return nil
				}
				j.err = w.patient(j.n)
				j.out <- out
			}
		})
	}
	wg.Go(func() {
		defer close(jobs)
		defer close(queue)
		for n := 1; n <= g.opt.Patients; n++ {
			j := &job{n: n, out: make(chan []rendered, 1)}
			select {
			case queue <- j:
			case <-quit:
				return
			}
			select {
			case jobs <- j:
			case <-quit:
				return
			}
		}
	})
	err := func() error {
		for j := range queue {
			out := <-j.out
			if j.err != nil {
				return j.err
			}
			for _, r := range out {
				if err := g.emit(r.typ, r.id, r.res); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	close(quit)
	wg.Wait()
	return err
}

// Bundle returns the whole ward as one FHIR collection Bundle, its entries
// in the order Ward emits them. It holds everything in memory: meant for
// small wards and tests; use WriteNDJSON for big ones.
func Bundle(opt Options) ([]byte, error) {
	o, err := opt.normalize()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	head, err := json.Marshal(r4.Bundle{Resource: header("Bundle", fmt.Sprintf("synthetic-ward-%x", o.Seed), "1", stamp(o.AsOf)),
		Type: "collection", Timestamp: stamp(o.AsOf)})
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1])
	b.WriteString(`,"entry":[`)
	first := true
	g := &generator{opt: o, asOf: o.AsOf, loc: o.AsOf.Location(), emit: func(typ, id string, res []byte) error {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(`{"fullUrl":"` + fullURLBase + typ + "/" + id + `","resource":`)
		b.Write(res)
		b.WriteByte('}')
		return nil
	}}
	if err := g.run(); err != nil {
		return nil, err
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// generator holds what every part of the ward shares.
type generator struct {
	opt  Options
	asOf time.Time
	loc  *time.Location
	emit func(typ, id string, res []byte) error
}

// put marshals and emits one resource.
func (g *generator) put(typ, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("synthetic: encoding %s/%s: %w", typ, id, err)
	}
	return g.emit(typ, id, b)
}

// Random streams: every patient draws from its own streams, so a patient
// does not change when others are added, and the bed list can know the
// admission time without generating the patient.
const (
	streamAdmission = iota + 1
	streamPatient
	streamLocations
	streamRecord // the rest of the record (record.go)
)

func (g *generator) rng(n int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opt.Seed, splitmix(uint64(n)<<8|stream)))
}

// splitmix scrambles a counter into a well-spread 64-bit seed.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// admitted is patient n's admission time: 2 hours to 14 days before AsOf,
// skewed towards recent admissions (median about 4 days), on the minute.
func (g *generator) admitted(n int) time.Time {
	r := g.rng(n, streamAdmission)
	span := float64(14*24*time.Hour - 2*time.Hour)
	ago := 2*time.Hour + time.Duration(span*math.Pow(r.Float64(), 1.7))
	return g.asOf.Add(-ago).Truncate(time.Minute)
}

// Locations: ward, room and bed ids and names.

func wardID(w int) string { return fmt.Sprintf("ward-%d", w) }

func wardName(w int) string {
	return fmt.Sprintf("Ward %d – %s", w, specialties[(w-1)%len(specialties)].name)
}

// bedOf places patient n (1-based): ward number, room number and bed label.
func (o Options) bedOf(n int) (ward, room int, bed string) {
	slot := (n - 1) % o.BedsPerWard
	ward = (n-1)/o.BedsPerWard + 1
	room = ward*100 + slot/2 + 1
	return ward, room, fmt.Sprintf("%d-%c", room, 'A'+slot%2)
}

func (g *generator) locations() error {
	r := g.rng(0, streamLocations)
	wardType := code(sysLocType, "wa", "Ward")
	roomType := code(sysLocType, "ro", "Room")
	bedType := code(sysLocType, "bd", "Bed")
	built := g.asOf.AddDate(-3, 0, 0).Truncate(24 * time.Hour)
	for w := 1; w <= g.opt.wardCount(); w++ {
		wid := wardID(w)
		updated := built.Add(time.Duration(r.IntN(400*24)) * time.Hour)
		err := g.put("Location", wid, r4.Location{Resource: header("Location", wid, "1", stamp(updated)),
			Status: "active", Name: wardName(w), Mode: "instance", PhysicalType: wardType})
		if err != nil {
			return err
		}
		for slot := 0; slot < g.opt.BedsPerWard; slot++ {
			n := (w-1)*g.opt.BedsPerWard + slot + 1
			_, room, bed := g.opt.bedOf(n)
			roomID := fmt.Sprintf("room-%d", room)
			if slot%2 == 0 {
				err := g.put("Location", roomID, r4.Location{Resource: header("Location", roomID, "1", stamp(updated)),
					Status: "active", Name: fmt.Sprintf("Room %d", room), Mode: "instance", PhysicalType: roomType,
					PartOf: r4.Reference{Reference: "Location/" + wid}})
				if err != nil {
					return err
				}
			}
			status := r4.Coding{System: sysBedStatus, Code: "U", Display: "Unoccupied"}
			bedUpdated, version := updated, "1"
			if n <= g.opt.Patients {
				status = r4.Coding{System: sysBedStatus, Code: "O", Display: "Occupied"}
				bedUpdated, version = g.admitted(n), "2"
			}
			err := g.put("Location", "bed-"+bed, r4.Location{Resource: header("Location", "bed-"+bed, version, stamp(bedUpdated)),
				Status: "active", OperationalStatus: &status, Name: bed, Mode: "instance", PhysicalType: bedType,
				PartOf: r4.Reference{Reference: "Location/" + roomID}})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
