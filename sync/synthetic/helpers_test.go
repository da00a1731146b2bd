package synthetic

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the ward's clock is Europe/Brussels wherever the tests run
)

// brussels is the ward's time zone in the tests.
var brussels = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	return loc
}()

// downtime is the as-of time of most tests: the morning the servers went down.
var downtime = time.Date(2025, 3, 14, 6, 32, 0, 0, brussels)

// standard is the ward most tests look at: five wards of 30 beds.
var standard = Options{Patients: 150, Seed: 26, AsOf: downtime}

var (
	fixtureMu sync.Mutex
	fixtures  = map[Options][]resource{}
)

// fixture generates a ward once per test binary; tests only read it.
func fixture(t testing.TB, opt Options) []resource {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if rs, ok := fixtures[opt]; ok {
		return rs
	}
	rs := generate(t, opt)
	fixtures[opt] = rs
	return rs
}

// resource is one generated resource, raw and parsed.
type resource struct {
	typ string
	raw []byte
	m   map[string]any
}

func (r resource) id() string  { return str(r.m, "id") }
func (r resource) key() string { return r.typ + "/" + r.id() }

// generate collects and parses every resource of a ward.
func generate(t testing.TB, opt Options) []resource {
	t.Helper()
	var out []resource
	err := Ward(opt, func(typ string, raw []byte) error {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s is not JSON: %v\n%s", typ, err, raw)
		}
		out = append(out, resource{typ, raw, m})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// byPatient groups resources by the patient they are about ("" for Locations).
func byPatient(rs []resource) map[string][]resource {
	out := map[string][]resource{}
	for _, r := range rs {
		out[patientOf(r)] = append(out[patientOf(r)], r)
	}
	return out
}

func patientOf(r resource) string {
	switch r.typ {
	case "Location":
		return ""
	case "Patient":
		return "Patient/" + r.id()
	case "AllergyIntolerance":
		return str(r.m, "patient", "reference")
	}
	return str(r.m, "subject", "reference")
}

func ofType(rs []resource, typ string) []resource {
	var out []resource
	for _, r := range rs {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	return out
}

// get walks a path of object keys and array indexes ("0").
func get(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

func num(v any, path ...string) (float64, bool) {
	f, ok := get(v, path...).(float64)
	return f, ok
}

// when parses a FHIR dateTime (full or date only).
func when(t testing.TB, s string) time.Time {
	t.Helper()
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if at, err := time.Parse(layout, s); err == nil {
			return at
		}
	}
	t.Fatalf("not a FHIR dateTime: %q", s)
	return time.Time{}
}

// hasCode says whether a CodeableConcept has the code.
func hasCode(cc any, code string) bool {
	codings, _ := get(cc, "coding").([]any)
	for _, c := range codings {
		if str(c, "code") == code {
			return true
		}
	}
	return false
}

// references lists every "reference" string in a resource.
func references(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && k == "reference" {
				out = append(out, s)
			} else {
				out = append(out, references(c)...)
			}
		}
	case []any:
		for _, c := range x {
			out = append(out, references(c)...)
		}
	}
	return out
}

func isVital(r resource) bool {
	return r.typ == "Observation" && strings.Contains(string(r.raw), `"vital-signs"`)
}

// isLab says whether r is a numeric lab result: a laboratory
// Observation, not the blood group or antibody screen (coded results).
func isLab(r resource) bool {
	return r.typ == "Observation" && strings.Contains(string(r.raw), `"laboratory"`) && !strings.HasPrefix(r.id(), "bg-")
}
