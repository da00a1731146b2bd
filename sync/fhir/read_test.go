package fhir

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	patientX = `{"resourceType":"Patient","name":[{"family":"Xavier","given":["Xena"]}],"identifier":[{"value":"MRN-X"}]}`
	hrOfX    = `{"resourceType":"Observation","id":"hr-x","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"urn:uuid:7d3c0e1a-0000-4000-8000-00000000000a"},"effectiveDateTime":"2025-03-02T06:00:00Z","valueQuantity":{"value":72,"unit":"/min"}}`
)

func TestBundlesOfEveryTypeResolveUrnUUIDReferences(t *testing.T) {
	for _, typ := range []string{"transaction", "batch", "collection", "searchset", "document", "message", "history", "transaction-response"} {
		t.Run(typ, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "b.json", bundle(typ,
				[2]string{"urn:uuid:7d3c0e1a-0000-4000-8000-00000000000a", patientX},
				[2]string{"urn:uuid:7d3c0e1a-0000-4000-8000-00000000000b", hrOfX}))
			im, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			charts, err := im.Census(Selection{All: true})
			if err != nil {
				t.Fatal(err)
			}
			c := charts[0]
			if c.Patient.ID != "7d3c0e1a-0000-4000-8000-00000000000a" {
				t.Errorf("patient id = %q, want the uuid of its fullUrl", c.Patient.ID)
			}
			if len(c.Vitals.Items) != 1 || c.Vitals.Items[0].Value != "72" {
				t.Errorf("vitals = %+v, want the heart rate that references the patient by urn:uuid", c.Vitals.Items)
			}
		})
	}
}

func TestNDJSONIsReadLineByLineWithBlankLinesAndAbsoluteOrVersionedReferences(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "Patient.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1","name":[{"family":"One"}]}`,
		``,
		`  {"resourceType":"Patient","id":"p2","name":[{"family":"Two"}]}  `,
		`{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"https://ehr.example/fhir/Patient/p1"},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":60}}`,
		`{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p2/_history/4"},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":70}}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if im.Counts["Patient"] != 2 || im.Counts["Observation"] != 2 || im.MalformedTotal != 0 {
		t.Fatalf("counts %v, malformed %v", im.Counts, im.Malformed)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if len(c.Vitals.Items) != 1 {
			t.Errorf("%s has %d vitals, want 1", c.Patient.ID, len(c.Vitals.Items))
		}
	}
}

func TestAResourceLineLongerThanOneMegabyteIsRead(t *testing.T) {
	text := strings.Repeat("Long note. ", 200_000) // 2.2 MB of text, 2.9 MB in base64
	doc := `{"resourceType":"DocumentReference","id":"d1","status":"current","subject":{"reference":"Patient/p1"},"date":"2025-03-01","content":[{"attachment":{"contentType":"text/plain","data":"` +
		base64.StdEncoding.EncodeToString([]byte(text)) + `"}}]}`
	p := writeFile(t, t.TempDir(), "docs.ndjson", ndjson(`{"resourceType":"Patient","id":"p1"}`, doc))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := charts[0].Notes.Items; len(n) != 1 || n[0].Text != strings.TrimSpace(text) {
		t.Fatalf("the long note did not survive")
	}
}

func TestMalformedResourcesAreSkippedAndCountedWithoutPatientDataAndReadingGoesOn(t *testing.T) {
	p := writeFile(t, t.TempDir(), "mixed.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Goodman"}]}`,
		`{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"HR"},"subject":"Patient/Secretname","valueQuantity":{"value":1}}`,
		`{"resourceType":"Observation","id":"o2","status":"final","code":{"text":"HR"},"valueQuantity":{"value":1}}`,
		`{"resourceType":"Condition","subject":{"reference":"Patient/p1"},"code":{"text":"Secret diagnosis"}}`,
		`{"resourceType":"Observation","id":"o3","code":{"text":"HR"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":"one hundred and four"}}`,
		`[1,2,3]`,
		`{"id":"x"}`,
		`{"resourceType":"Claim","id":"c1"}`,
		`{"resourceType":"Claim","id":"c2"}`,
		`{"resourceType":"ExplanationOfBenefit","id":"e1"}`,
		`{"resourceType":"Observation","id":"o4","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":64}}`,
	))
	im, err := Read(p)
	if err != nil {
		t.Fatalf("a malformed resource must not stop reading: %v", err)
	}
	want := []Malformed{
		{"input file 1", "line 2", "Observation: field subject is not an object"},
		{"input file 1", "line 3", "Observation: missing subject reference"},
		{"input file 1", "line 4", "Condition: missing id"},
		{"input file 1", "line 5", "Observation: field valueQuantity.value is not a number"},
		{"input file 1", "line 6", "line is not a JSON object"},
		{"input file 1", "line 7", "missing resourceType"},
	}
	if len(im.Malformed) != len(want) || im.MalformedTotal != len(want) {
		t.Fatalf("malformed = %v, want %v", im.Malformed, want)
	}
	for i := range want {
		if im.Malformed[i] != want[i] {
			t.Errorf("malformed[%d] = %v, want %v", i, im.Malformed[i], want[i])
		}
		for _, secret := range []string{"Secret", "one hundred", "mixed"} {
			if strings.Contains(im.Malformed[i].String(), secret) {
				t.Errorf("malformed[%d] leaks data: %s", i, im.Malformed[i])
			}
		}
	}
	if im.Skipped["Claim"] != 2 || im.Skipped["ExplanationOfBenefit"] != 1 {
		t.Errorf("skipped = %v, want 2 Claim and 1 ExplanationOfBenefit", im.Skipped)
	}
	if got := im.Malformed[3].String(); got != "input file 1, line 5: Observation: field valueQuantity.value is not a number" {
		t.Errorf("String() = %q", got)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if v := charts[0].Vitals.Items; len(v) != 1 || v[0].Value != "64" {
		t.Errorf("the good heart rate after the bad lines = %+v", v)
	}
}

func TestAMalformedBundleEntryIsSkippedByItsIndex(t *testing.T) {
	p := writeFile(t, t.TempDir(), "b.json", bundle("collection",
		[2]string{"", `{"resourceType":"Patient","id":"p1"}`},
		[2]string{"", `{"resourceType":"AllergyIntolerance","id":"a1","code":{"text":"Nuts"}}`},
		[2]string{"", `{"resourceType":"Bundle","type":"collection","entry":[]}`},
		[2]string{"", `"just a string"`},
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Malformed{
		{"input file 1", "entry[1]", "AllergyIntolerance: missing patient reference"},
		{"input file 1", "entry[3]", "entry resource is not a JSON object"},
	}
	if len(im.Malformed) != 2 || im.Malformed[0] != want[0] || im.Malformed[1] != want[1] {
		t.Errorf("malformed = %v, want %v", im.Malformed, want)
	}
	if im.Skipped["Bundle"] != 1 {
		t.Errorf("a nested Bundle must be skipped and counted: %v", im.Skipped)
	}
}

func TestFilesThatAreNotFHIRAreOneSentenceErrorsNamingTheFileByItsNumber(t *testing.T) {
	for _, tc := range []struct {
		name, content, why string
	}{
		{"notes.txt", "Patient in bed 4 is fine.\n", "it does not hold a JSON object"},
		{"empty.json", "", "it is empty"},
		{"blank.ndjson", "\n\n  \n", "it is empty"},
		{"config.json", "{\n \"theme\": \"dark\"\n}\n", "it has no resourceType"},
		{"lines.ndjson", `{"theme":"dark"}` + "\n" + `{"theme":"light"}` + "\n", "its first line has no resourceType"},
		{"array.json", `[{"resourceType":"Patient"}]`, "it does not hold a JSON object"},
		{"broken.json", "{\n \"resourceType\": \"Bundle\",\n \"entry\": [,]\n}\n", "it is not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			good := writeFile(t, dir, "good.ndjson", ndjson(`{"resourceType":"Patient","id":"p1"}`))
			p := writeFile(t, dir, tc.name, tc.content)
			_, err := Read(good, p)
			if !errors.Is(err, ErrNotFHIR) {
				t.Fatalf("err = %v, want ErrNotFHIR", err)
			}
			want := "input file 2 is not FHIR JSON: " + tc.why + "."
			if err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			_, err = ReadBytes("demo ward", []byte(tc.content))
			if want := "demo ward is not FHIR JSON: " + tc.why + "."; !errors.Is(err, ErrNotFHIR) || err.Error() != want {
				t.Errorf("ReadBytes: err = %v, want %q wrapping ErrNotFHIR", err, want)
			}
		})
	}
}

func TestAMissingPathIsAnErrorNamingItByTheNumberItsFileWouldHave(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "secret-dir", "export.ndjson"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if err.Error() != "input file 1 was not found." {
		t.Errorf("err = %q", err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		t.Errorf("the error wraps the path: %v", pe)
	}

	// A folder of two files comes first: the missing path would be the
	// third file.
	dir := t.TempDir()
	writeFile(t, dir, "a.json", `{"resourceType":"Patient","id":"p1"}`)
	writeFile(t, dir, "b.json", `{"resourceType":"Patient","id":"p2"}`)
	_, err = Read(dir, filepath.Join(dir, "c.json"))
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "input file 3 was not found." {
		t.Errorf("err = %v", err)
	}
}

func TestAFolderReadsItsJSONAndNDJSONFilesInNameOrder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "b.ndjson", ndjson(`{"resourceType":"Patient","id":"p2"}`))
	writeFile(t, dir, "a.JSON", `{"resourceType":"Patient","id":"p1"}`)
	writeFile(t, dir, "README.txt", "not FHIR, and not read")
	writeFile(t, dir, "._a.json", "\x00\x05 resource fork")
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	one := writeFile(t, t.TempDir(), "one.json", `{"resourceType":"Patient","id":"p0"}`)
	im, err := Read(one, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range im.inputs {
		got = append(got, in.label+"="+filepath.Base(in.path))
	}
	if strings.Join(got, ",") != "input file 1=one.json,input file 2=a.JSON,input file 3=b.ndjson" || im.Counts["Patient"] != 3 {
		t.Errorf("inputs %v, counts %v", got, im.Counts)
	}
	_, err = Read(one, t.TempDir())
	if !errors.Is(err, ErrNotFHIR) || err.Error() != "folder 2 of the inputs holds no .json or .ndjson files." {
		t.Errorf("an empty folder: err = %v, want ErrNotFHIR", err)
	}
}

func TestEveryRowKeepsItsResourceCompacted(t *testing.T) {
	charts, err := readWard(t).Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	orig := map[string]json.RawMessage{}
	var b struct {
		Entry []struct{ Resource json.RawMessage }
	}
	raw, _ := os.ReadFile(wardFixture)
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entry {
		var h struct{ ResourceType, ID string }
		json.Unmarshal(e.Resource, &h)
		var c bytes.Buffer
		json.Compact(&c, e.Resource)
		orig[h.ResourceType+"/"+h.ID] = c.Bytes()
	}
	n := 0
	check := func(typ, id, version string, js json.RawMessage) {
		n++
		want, ok := orig[typ+"/"+id]
		if id == "00000002-0000-4000-8000-000000000002" {
			want, ok = orig["Patient/"], true // the patient without an id
		}
		if !ok || !bytes.Equal(js, want) {
			t.Errorf("%s/%s: raw JSON %.60s... is not the compacted resource", typ, id, js)
		}
		if version != "1" && typ != "Medication" {
			t.Errorf("%s/%s: versionId %q, want 1", typ, id, version)
		}
	}
	for _, c := range charts {
		s := c.Patient.Source
		check(s.Type, s.ID, s.VersionID, s.JSON)
		for _, x := range c.Allergies.Items {
			check(x.Source.Type, x.Source.ID, x.Source.VersionID, x.Source.JSON)
		}
		if a := c.Allergies.Assertion; a != nil {
			check(a.Type, a.ID, a.VersionID, a.JSON)
		}
		for _, x := range c.Medications.Items {
			check(x.Source.Type, x.Source.ID, x.Source.VersionID, x.Source.JSON)
		}
		for _, x := range c.Vitals.Items {
			check(x.Source.Type, x.Source.ID, x.Source.VersionID, x.Source.JSON)
		}
		for _, x := range c.Notes.Items {
			check(x.Source.Type, x.Source.ID, x.Source.VersionID, x.Source.JSON)
		}
	}
	if n < 20 {
		t.Errorf("only %d rows checked", n)
	}
}

func TestAFileChangedBetweenReadAndCensusIsAnErrorNotWrongData(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "p.ndjson", ndjson(`{"resourceType":"Patient","id":"p1"}`))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "p.ndjson", ndjson(`{"resourceType":"Patient","id":"p9"}`))
	_, err = im.Census(Selection{All: true})
	if !errors.Is(err, ErrInputChanged) {
		t.Fatalf("err = %v, want ErrInputChanged", err)
	}
	if want := "input file 1 changed after it was read; read the FHIR input again."; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestByteOrderMarksAndWindowsLineEndingsAreRead(t *testing.T) {
	dir := t.TempDir()
	nd := "\ufeff" + strings.ReplaceAll(ndjson(
		`{"resourceType":"Patient","id":"p1"}`,
		`{"resourceType":"Flag","id":"f1","status":"active","subject":{"reference":"Patient/p1"},"code":{"text":"DNR"}}`,
	), "\n", "\r\n")
	pretty := "\ufeff\r\n  " + strings.ReplaceAll(`{
  "resourceType": "Bundle",
  "type": "searchset",
  "entry": [
    { "fullUrl": "https://ehr.example/fhir/Patient/p2",
      "resource": { "resourceType": "Patient", "id": "p2" } },
    { "resource": { "resourceType": "Flag", "id": "f2", "status": "active",
                    "subject": { "reference": "https://ehr.example/fhir/Patient/p2" },
                    "code": { "text": "Fall risk" } } }
  ]
}`, "\n", "\r\n")
	writeFile(t, dir, "a.ndjson", nd)
	writeFile(t, dir, "b.json", pretty)
	im, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if len(c.Alerts.Items) != 1 || !json.Valid(c.Alerts.Items[0].Source.JSON) || !json.Valid(c.Patient.Source.JSON) {
			t.Errorf("%s: alerts %+v", c.Patient.ID, c.Alerts.Items)
		}
	}
	if want := `{"resourceType":"Flag","id":"f2","status":"active","subject":{"reference":"https://ehr.example/fhir/Patient/p2"},"code":{"text":"Fall risk"}}`; string(charts[1].Alerts.Items[0].Source.JSON) != want {
		t.Errorf("raw = %s", charts[1].Alerts.Items[0].Source.JSON)
	}
}
