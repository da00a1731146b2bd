package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/synthetic"
)

// Fuzz targets for the FHIR reader: whatever a file or a server sends, the
// reader gives one error or an Import, never a panic; an Import's census
// gives one error or charts; and every chart re-serialises to the same
// chart, so that what is sealed is what was built. See FUZZING.md.

// maxFuzzInput bounds the inputs tried, so that a call on one finishes in
// well under a second: the reader's own limits (depth, resource size) are
// what is fuzzed, not the machine's memory. Seeds stay small too (a few
// resources of each type): Go's fuzzer mutates large inputs slowly.
const maxFuzzInput = 64 << 10

var fuzzAsOf = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// checkReads is the property of both targets.
func checkReads(t *testing.T, data []byte) {
	if len(data) > maxFuzzInput {
		return
	}
	im, err := ReadBytes("the fuzzed input", data)
	if err != nil {
		if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
			t.Fatalf("the error is not one sentence: %q", msg)
		}
		if im != nil {
			t.Fatal("an error and an Import")
		}
		return
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		if !errors.Is(err, ErrEmptyCensus) && len(im.patients) > 0 {
			t.Fatalf("a census of all %d patients failed: %v", len(im.patients), err)
		}
		return
	}
	if len(charts) != len(im.patients) {
		t.Fatalf("%d charts for %d patients", len(charts), len(im.patients))
	}
	for i, c := range charts {
		once, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("chart %d does not serialise: %v", i, err)
		}
		var back clinical.Chart
		if err := json.Unmarshal(once, &back); err != nil {
			t.Fatalf("chart %d does not read back: %v", i, err)
		}
		twice, err := json.Marshal(back)
		if err != nil {
			t.Fatalf("chart %d read back does not serialise: %v", i, err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("chart %d re-serialises differently:\n%s\n%s", i, once, twice)
		}
	}
}

func addSmallSeeds(f *testing.F) {
	f.Add([]byte(patient("p1", "Peeters") + "\n"))
	f.Add([]byte(bundle("collection", [2]string{"urn:uuid:1", patient("p1", "Peeters")},
		[2]string{"", `{"resourceType":"AllergyIntolerance","id":"a1","patient":{"reference":"urn:uuid:1"},"code":{"text":"Penicillin"},"criticality":"high"}`})))
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{"resourceType":"Patient"`))
	f.Add([]byte(strings.Repeat("[", 200) + strings.Repeat("]", 200)))
	f.Add([]byte(`{"resourceType":"Patient","id":"p1","name":[{"family":"` + strings.Repeat("é", 100) + `"}]}`))
	f.Add([]byte("\xef\xbb\xbf{\"resourceType\":\"Patient\",\"id\":\"p1\"}"))
	f.Add([]byte(`{"resourceType":"Observation","id":"o1","status":"final","subject":{"reference":"Patient/p1"},"valueQuantity":{"value":1e400}}`))
}

// smallWard is a generated ward of one patient cut down to the first few
// resources of each type, in the order the ward emits them: the NDJSON
// lines and the same resources as a collection Bundle.
func smallWard(f *testing.F, seed uint64) (ndjsonLines []byte, asBundle []byte) {
	var lines [][2]string
	per := map[string]int{}
	err := synthetic.Ward(synthetic.Options{Patients: 1, Seed: seed, AsOf: fuzzAsOf, BedsPerWard: 1}, func(typ string, res []byte) error {
		if per[typ]++; per[typ] <= 3 {
			lines = append(lines, [2]string{"", string(res)})
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	var nd []string
	for _, l := range lines {
		nd = append(nd, l[1])
	}
	return []byte(ndjson(nd...)), []byte(bundle("collection", lines...))
}

// FuzzReadBundle: FHIR JSON documents (Bundles and single resources), seeded
// with the IPS medication sample, part of the hand-made ward fixture and a
// generated ward as a Bundle.
func FuzzReadBundle(f *testing.F) {
	b, err := os.ReadFile("testdata/ips-meds.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	if b, err = os.ReadFile(wardFixture); err != nil {
		f.Fatal(err)
	}
	var fixture struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(b, &fixture); err != nil {
		f.Fatal(err)
	}
	for i := 0; i < len(fixture.Entry); i += 12 {
		part := fixture.Entry[i:min(i+12, len(fixture.Entry))]
		doc, _ := json.Marshal(map[string]any{"resourceType": "Bundle", "type": "transaction", "entry": part})
		f.Add(doc)
	}
	_, asBundle := smallWard(f, 7)
	f.Add(asBundle)
	addSmallSeeds(f)
	f.Fuzz(checkReads)
}

// FuzzReadNDJSON: Bulk Data NDJSON, one resource a line, seeded with a
// generated ward as its NDJSON export writes it.
func FuzzReadNDJSON(f *testing.F) {
	lines, _ := smallWard(f, 11)
	f.Add(lines)
	f.Add([]byte(ndjson(patient("p1", "Peeters"), patient("p2", "Dubois"), `{"resourceType":"Flag","id":"f1","status":"active","subject":{"reference":"Patient/p1"},"code":{"text":"DNR"}}`)))
	f.Add([]byte(ndjson(patient("p1", "Peeters"), `{"resourceType":"Patient","id":"p1","meta":{"versionId":"2"}}`, `{`)))
	f.Add([]byte("\n\n" + patient("p1", "Peeters") + "\r\n"))
	addSmallSeeds(f)
	f.Fuzz(checkReads)
}
