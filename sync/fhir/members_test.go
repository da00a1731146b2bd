package fhir

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"lifeboat/clinical"
)

// fixtureBundle is a fixture as its entries' resources, each as members.
type fixtureBundle struct {
	top     map[string]json.RawMessage
	entries []map[string]json.RawMessage
	res     []map[string]json.RawMessage
}

func loadFixtureBundle(t *testing.T, file string) *fixtureBundle {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b := &fixtureBundle{}
	if err := json.Unmarshal(data, &b.top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.top["entry"], &b.entries); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.entries {
		var r map[string]json.RawMessage
		if err := json.Unmarshal(e["resource"], &r); err != nil {
			t.Fatal(err)
		}
		b.res = append(b.res, r)
	}
	return b
}

// with is the Bundle with entry i's member at path replaced by v, or
// removed when v is nil.
func (b *fixtureBundle) with(t *testing.T, i int, path []string, v json.RawMessage) []byte {
	t.Helper()
	res := map[string]json.RawMessage{}
	for k, x := range b.res[i] {
		res[k] = x
	}
	if len(path) == 1 {
		if v == nil {
			delete(res, path[0])
		} else {
			res[path[0]] = v
		}
	} else {
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(res[path[0]], &inner); err != nil {
			t.Fatal(err)
		}
		if v == nil {
			delete(inner, path[1])
		} else {
			inner[path[1]] = v
		}
		res[path[0]] = mustJSON(t, inner)
	}
	entries := slices.Clone(b.entries)
	e := map[string]json.RawMessage{}
	for k, x := range entries[i] {
		e[k] = x
	}
	e["resource"] = mustJSON(t, res)
	entries[i] = e
	top := map[string]json.RawMessage{}
	for k, x := range b.top {
		top[k] = x
	}
	top["entry"] = mustJSON(t, entries)
	return mustJSON(t, top)
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wrongType is a value of another JSON kind than v: a string for an
// object, an array, a number or a boolean, an object for a string.
func wrongType(v json.RawMessage) json.RawMessage {
	if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '"' {
		return json.RawMessage(`{"x":"y"}`)
	}
	return json.RawMessage(`"x"`)
}

// charts reads one input and gives its charts as JSON (without the
// resources' own JSON) and the import.
func chartsOf(t *testing.T, name string, data []byte) ([]byte, *Import) {
	t.Helper()
	im, err := ReadBytes(name, data)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		return []byte(err.Error()), im // no patient left, say
	}
	return mustJSON(t, charts), im
}

// TestReadMembersMatchTheConverters checks the table read against the
// converters, on every resource of the fixtures, member by member: a
// member whose removal changes a chart is read, and must be in the table;
// a member of the wrong type makes the resource malformed when the table
// says it is read, and else leaves every chart as it was, counted in
// Import.Ignored when the decoded type has it. A converter that starts reading a member, or a table
// that forgets one, fails here.
func TestReadMembersMatchTheConverters(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the fixtures some thousand times")
	}
	seen := map[string]bool{}
	for _, file := range []string{wardFixture, "testdata/ips-meds.json", "testdata/record.json"} {
		b := loadFixtureBundle(t, file)
		base, im0 := chartsOf(t, "fixture", mustJSON(t, b.top))
		if im0.MalformedTotal != 0 || im0.Ignored != 0 {
			t.Fatalf("%s: malformed %v, ignored %v", file, im0.Malformed, im0.IgnoredAt)
		}
		for i, res := range b.res {
			var rtype string
			_ = json.Unmarshal(res["resourceType"], &rtype)
			if converters[rtype] == nil {
				continue
			}
			seen[rtype] = true
			var paths [][]string
			for k := range res {
				if k == "resourceType" {
					continue // says which converter reads it
				}
				paths = append(paths, []string{k})
				if k == "meta" || k == "context" {
					var inner map[string]json.RawMessage
					if json.Unmarshal(res[k], &inner) == nil {
						for ik := range inner {
							paths = append(paths, []string{k, ik})
						}
					}
				}
			}
			sort.Slice(paths, func(a, b int) bool { return strings.Join(paths[a], ".") < strings.Join(paths[b], ".") })
			for _, p := range paths {
				name := strings.Join(p, ".")
				isRead := reads(rtype, name)
				value := res[p[0]]
				if len(p) == 2 {
					var inner map[string]json.RawMessage
					_ = json.Unmarshal(value, &inner)
					value = inner[p[1]]
				}
				// (a) removed: a chart that changes says it is read.
				got, _ := chartsOf(t, "fixture", b.with(t, i, p, nil))
				if !bytes.Equal(got, base) && !isRead {
					t.Errorf("%s entry[%d] %s: the chart changes without member %s, which the table read does not list", file, i, rtype, name)
				}
				// (b) of the wrong type: malformed when read, else
				// left out with every chart unchanged.
				// A partial member is left out, and the chart
				// says its section holds what could not be read.
				got, im := chartsOf(t, "fixture", b.with(t, i, p, wrongType(value)))
				_, isPartial := partialMember(rtype, name)
				switch {
				case isPartial && (im.MalformedTotal != 0 || im.Ignored != 1 || bytes.Equal(got, base)):
					t.Errorf("%s entry[%d] %s: partial member %s of the wrong type: malformed %v, ignored %d, chart changed %v",
						file, i, rtype, name, im.Malformed, im.Ignored, !bytes.Equal(got, base))
				case isPartial:
				case isRead && im.MalformedTotal != 1:
					t.Errorf("%s entry[%d] %s: member %s of the wrong type: %d malformed, want 1", file, i, rtype, name, im.MalformedTotal)
				case !isRead && (im.MalformedTotal != 0 || im.Ignored > 1):
					t.Errorf("%s entry[%d] %s: member %s of the wrong type: malformed %v, ignored %d, want it left out", file, i, rtype, name, im.Malformed, im.Ignored)
				case !isRead && !bytes.Equal(got, base):
					t.Errorf("%s entry[%d] %s: member %s of the wrong type, not read, changes the chart", file, i, rtype, name)
				}
			}
		}
	}
	for rtype := range converters {
		if !seen[rtype] && rtype != "Practitioner" {
			t.Errorf("no fixture resource of type %s to check its members", rtype)
		}
	}
}

// An Encounter whose class is an array (a member Lifeboat does not read)
// keeps its patient on the ward, said in Summary; one whose status is an
// object is malformed as before, even after such a member.
func TestAWrongTypeMemberNotReadLeavesTheResourceUsed(t *testing.T) {
	b := loadFixtureBundle(t, wardFixture)
	enc := -1
	for i, r := range b.res {
		if string(r["id"]) == `"enc-anna"` {
			enc = i
		}
	}
	if enc < 0 {
		t.Fatal("no enc-anna in the fixture")
	}
	base, _ := chartsOf(t, "fixture", mustJSON(t, b.top))
	data := b.with(t, enc, []string{"class"}, json.RawMessage(`[{"code":"IMP"}]`))
	got, im := chartsOf(t, "fixture", data)
	if !bytes.Equal(got, base) || im.MalformedTotal != 0 || im.Ignored != 1 {
		t.Fatalf("class an array: malformed %v, ignored %v; charts equal %v", im.Malformed, im.IgnoredAt, bytes.Equal(got, base))
	}
	if want := "1 resource was used without members of the wrong type that Lifeboat does not read (fixture, entry[" + sprintf("%d", enc) + "]: Encounter: wrong type, left out: class)."; !strings.Contains(im.Summary(), want) {
		t.Errorf("Summary %q\nwant it to hold %q", im.Summary(), want)
	}
	charts, err := im.Census(Selection{Ward: "ward-1"})
	if err != nil || !slices.ContainsFunc(charts, func(c clinical.Chart) bool { return c.Patient.ID == "pat-anna" }) {
		t.Errorf("pat-anna left the ward census: %v", err)
	}

	// Two wrong members, the second one read: malformed.
	var both map[string]json.RawMessage
	_ = json.Unmarshal(b.with(t, enc, []string{"class"}, json.RawMessage(`[]`)), &both)
	b2 := loadFixtureBundleBytes(t, both)
	_, im = chartsOf(t, "fixture", b2.with(t, enc, []string{"status"}, json.RawMessage(`{"x":1}`)))
	if im.MalformedTotal != 1 || im.Ignored != 0 || !strings.Contains(im.Malformed[0].Reason, "field status is not a string") {
		t.Errorf("class and status of the wrong type: malformed %v, ignored %d", im.Malformed, im.Ignored)
	}

	// meta.tag an object: used; meta.versionId an object: malformed.
	_, im = chartsOf(t, "fixture", b.with(t, enc, []string{"meta", "tag"}, json.RawMessage(`{"code":"x"}`)))
	if im.MalformedTotal != 0 || im.Ignored != 1 || im.IgnoredAt[0].Reason != "Encounter: wrong type, left out: meta.tag" {
		t.Errorf("meta.tag an object: malformed %v, ignored %v", im.Malformed, im.IgnoredAt)
	}
	_, im = chartsOf(t, "fixture", b.with(t, enc, []string{"meta", "versionId"}, json.RawMessage(`{"x":1}`)))
	if im.MalformedTotal != 1 {
		t.Errorf("meta.versionId an object: malformed %v", im.Malformed)
	}
}

func loadFixtureBundleBytes(t *testing.T, top map[string]json.RawMessage) *fixtureBundle {
	t.Helper()
	p := writeFile(t, t.TempDir(), "b.json", string(mustJSON(t, top)))
	return loadFixtureBundle(t, p)
}
