package fhir

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"lifeboat/clinical"
)

// sameImport checks that two imports of the same bytes found the same
// things and build the same charts.
func sameImport(t *testing.T, fromFile, fromBytes *Import) {
	t.Helper()
	if !reflect.DeepEqual(fromFile.Counts, fromBytes.Counts) || !reflect.DeepEqual(fromFile.Skipped, fromBytes.Skipped) ||
		fromFile.MalformedTotal != fromBytes.MalformedTotal || fromFile.Unlinked != fromBytes.Unlinked {
		t.Errorf("file: counts %v skipped %v malformed %d unlinked %d; bytes: counts %v skipped %v malformed %d unlinked %d",
			fromFile.Counts, fromFile.Skipped, fromFile.MalformedTotal, fromFile.Unlinked,
			fromBytes.Counts, fromBytes.Skipped, fromBytes.MalformedTotal, fromBytes.Unlinked)
	}
	for i := range fromFile.Malformed {
		a, b := fromFile.Malformed[i], fromBytes.Malformed[i]
		if a.File != "input file 1" || b.File != "demo ward" || a.Position != b.Position || a.Reason != b.Reason {
			t.Errorf("malformed[%d]: file %v, bytes %v", i, a, b)
		}
	}
	ca, err := fromFile.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := fromBytes.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ca, cb) {
		t.Errorf("the charts differ")
	}
	for _, c := range cb {
		if len(c.Patient.Source.JSON) == 0 {
			t.Errorf("%s: no raw JSON", c.Patient.ID)
		}
	}
}

func TestReadBytesGivesTheSameChartsAsReadingTheSameBytesFromAFile(t *testing.T) {
	ward, err := os.ReadFile(wardFixture)
	if err != nil {
		t.Fatal(err)
	}
	longNote := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("Long note. ", 150_000)))
	for _, tc := range []struct{ name, content string }{
		{"the ward fixture", string(ward)},
		{"a one-line Bundle", bundle("collection",
			[2]string{"urn:uuid:7d3c0e1a-0000-4000-8000-00000000000a", patientX},
			[2]string{"urn:uuid:7d3c0e1a-0000-4000-8000-00000000000b", hrOfX},
			[2]string{"", `{"resourceType":"Claim","id":"c1"}`},
			[2]string{"", `{"resourceType":"Observation","id":"bad","code":{"text":"HR"},"subject":{"reference":"Patient/x"},"valueQuantity":{"value":"high"}}`})},
		{"NDJSON with a byte order mark, CRLF and a line over a megabyte", "\ufeff" + strings.ReplaceAll(ndjson(
			`{"resourceType":"Patient","id":"p1"}`,
			`{"resourceType":"DocumentReference","id":"d1","status":"current","subject":{"reference":"Patient/p1"},"content":[{"attachment":{"contentType":"text/plain","data":"`+longNote+`"}}]}`,
			`{"resourceType":"Flag","id":"f1","status":"active","subject":{"reference":"Patient/p1"},"code":{"text":"DNR"}}`,
			`[1]`,
		), "\n", "\r\n")},
		{"one resource", "\n  " + `{"resourceType":"Patient","id":"p1","deceasedBoolean":true}` + "\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fromFile, err := Read(writeFile(t, t.TempDir(), "in.json", tc.content))
			if err != nil {
				t.Fatal(err)
			}
			fromBytes, err := ReadBytes("demo ward", []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			sameImport(t, fromFile, fromBytes)
		})
	}
}

func TestReadBytesOfDataThatIsNotFHIRWrapsErrNotFHIR(t *testing.T) {
	for _, data := range []string{"", "Handover: bed 3 needs a chest X-ray.", `{"theme":"dark"}`, `{"resourceType":"Bundle",]`} {
		_, err := ReadBytes("demo ward", []byte(data))
		if !errors.Is(err, ErrNotFHIR) || !strings.HasPrefix(err.Error(), "demo ward is not FHIR JSON: ") {
			t.Errorf("%q: err = %v, want ErrNotFHIR naming the demo ward", data, err)
		}
	}
}

func TestReadBytesKeepsTheDataWithoutCopyingIt(t *testing.T) {
	// A one-line Bundle of 16 MB, read without holding a second copy: its
	// Claims are skipped without decoding, so reading allocates little.
	pad := strings.Repeat("x", 64<<10)
	entries := [][2]string{{"", `{"resourceType":"Patient","id":"p1"}`}}
	for i := range 256 {
		entries = append(entries, [2]string{"", `{"resourceType":"Claim","id":"c` + sprintf("%d", i) + `","text":{"div":"` + pad + `"}}`})
	}
	data := []byte(bundle("collection", entries...))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	im, err := ReadBytes("demo ward", data)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if im.Skipped["Claim"] != 256 {
		t.Fatalf("skipped %v", im.Skipped)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > uint64(len(data))/4 {
		t.Errorf("reading %d MB in memory allocated %d MB", len(data)>>20, n>>20)
	}

	// Census fetches the raw JSON from the data itself: changed data is
	// noticed, never charted.
	if _, err := im.Census(Selection{All: true}); err != nil {
		t.Fatal(err)
	}
	copy(data[strings.Index(string(data), `"p1"`):], `"p9"`)
	_, err = im.Census(Selection{All: true})
	if !errors.Is(err, ErrInputChanged) || err.Error() != "demo ward changed after it was read; read the FHIR input again." {
		t.Errorf("err = %v, want ErrInputChanged", err)
	}
}

func TestFileNamesThatArePatientNamesAppearInNoMessage(t *testing.T) {
	const name = "Peeters"
	dir := t.TempDir()
	leaks := func(what, s string) {
		t.Helper()
		if strings.Contains(s, name) || strings.Contains(s, dir) {
			t.Errorf("%s names the file: %q", what, s)
		}
	}
	notFHIR := writeFile(t, dir, "Jan_Peeters_1234.json", "Jan Peeters, bed 4: fine.\n")
	malformed := writeFile(t, dir, "Jan_Peeters_5678.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1","name":[{"family":"Peeters","given":["Jan"]}]}`,
		`{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"HR"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":"Peeters"}}`,
		`{"resourceType":"Condition","subject":{"reference":"Patient/p1"},"code":{"text":"Peeters syndrome"}}`,
	))

	_, err := Read(malformed, notFHIR)
	if !errors.Is(err, ErrNotFHIR) || err.Error() != "input file 2 is not FHIR JSON: it does not hold a JSON object." {
		t.Errorf("err = %v", err)
	}
	leaks("the not-FHIR error", err.Error())

	_, err = Read(filepath.Join(dir, "Jan_Peeters_9999.json"))
	if err == nil {
		t.Fatal("a missing file was read")
	}
	leaks("the not-found error", err.Error())

	_, err = Read(filepath.Join(dir, "Jan_Peeters_1234.json", "x.json"))
	if err == nil {
		t.Fatal("a file under a file was read")
	}
	leaks("the not-a-directory error", err.Error())

	im, err := Read(malformed)
	if err != nil {
		t.Fatal(err)
	}
	if im.MalformedTotal != 2 {
		t.Fatalf("malformed %v", im.Malformed)
	}
	for _, m := range im.Malformed {
		leaks("a malformed record", m.File+" "+m.Position+" "+m.Reason)
		leaks("a malformed record", m.String())
	}
	leaks("the summary", im.Summary())

	writeFile(t, dir, "Jan_Peeters_5678.ndjson", "")
	_, err = im.Census(Selection{All: true})
	if !errors.Is(err, ErrInputChanged) {
		t.Fatalf("err = %v, want ErrInputChanged", err)
	}
	leaks("the changed-input error", err.Error())
}

func TestSummaryCountsWhatWasReadInPlainSentences(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.json", bundle("collection",
		[2]string{"", `{"resourceType":"Patient","id":"p1"}`},
		[2]string{"", `{"resourceType":"Claim","id":"c1"}`},
	))
	var lines []string
	for i := range 1200 {
		lines = append(lines, `{"resourceType":"Observation","id":"o`+sprintf("%d", i)+`","status":"final","code":{"text":"HR"},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-01-01","valueQuantity":{"value":70}}`)
	}
	lines = append(lines,
		`{"resourceType":"Observation","id":"bad1","code":{"text":"HR"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":"high"}}`,
		`{"resourceType":"Flag","id":"bad2","status":"active","subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"Condition","subject":{"reference":"Patient/p1"},"code":{"text":"Secret"}}`,
		`[1]`,
		`{"resourceType":"Flag","id":"f1","status":"active","subject":{"reference":"Patient/nobody"},"code":{"text":"DNR"}}`,
	)
	mixed := writeFile(t, dir, "mixed.ndjson", ndjson(lines...))

	for _, tc := range []struct {
		name string
		read func() (*Import, error)
		want string
	}{
		{"one clean file", func() (*Import, error) { return Read(good) },
			"Read 1 input file: 1 resource used, 1 of other types skipped, none malformed."},
		{"malformed and unlinked", func() (*Import, error) { return Read(good, mixed) },
			"Read 2 input files: 1,202 resources used, 1 of other types skipped, 4 malformed skipped (" +
				"input file 2, line 1201: Observation: field valueQuantity.value is not a number; " +
				"input file 2, line 1202: Flag: missing code; " +
				"input file 2, line 1203: Condition: missing id; and 1 more). " +
				"1 row refers to no patient in the input and is in no chart."},
		{"bytes", func() (*Import, error) {
			return ReadBytes("demo ward", []byte(ndjson(`{"resourceType":"Patient","id":"p1"}`, `{"resourceType":"Flag","id":"f1","subject":{"reference":"Patient/p1"}}`)))
		}, "Read demo ward: 1 resource used, 0 of other types skipped, 1 malformed skipped (demo ward, line 2: Flag: missing code)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			if got := im.Summary(); got != tc.want {
				t.Errorf("Summary()\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	if s := (&Import{}).Summary(); s == "" {
		t.Error("the summary of nothing is empty")
	}
	if s := readWard(t).Summary(); !strings.HasPrefix(s, "Read 1 input file: ") || !strings.HasSuffix(s, ".") {
		t.Errorf("the ward's summary = %q", s)
	}
}

func TestDeceasedComesFromDeceasedBooleanOrDeceasedDateTime(t *testing.T) {
	im, err := ReadBytes("test", []byte(ndjson(
		`{"resourceType":"Patient","id":"alive"}`,
		`{"resourceType":"Patient","id":"false","deceasedBoolean":false}`,
		`{"resourceType":"Patient","id":"true","deceasedBoolean":true}`,
		`{"resourceType":"Patient","id":"dated","deceasedDateTime":"2025-03-01T23:10:00+01:00"}`,
		`{"resourceType":"Patient","id":"year","deceasedDateTime":"2019"}`,
		`{"resourceType":"Patient","id":"unreadable","deceasedDateTime":"last winter"}`,
		`{"resourceType":"Patient","id":"wrong","deceasedBoolean":"yes"}`,
	)))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Malformed) != 1 || im.Malformed[0].String() != "test, line 7: Patient: field deceasedBoolean is not a boolean" {
		t.Errorf("malformed = %v", im.Malformed)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]clinical.Patient{}
	for _, c := range charts {
		got[c.Patient.ID] = c.Patient
	}
	for id, want := range map[string]struct {
		deceased bool
		at       string
	}{
		"alive": {false, ""}, "false": {false, ""}, "true": {true, ""},
		"dated": {true, "2025-03-01T22:10:00Z"}, "year": {true, "2019-01-01T00:00:00Z"}, "unreadable": {true, ""},
	} {
		p := got[id]
		at := ""
		if !p.DeceasedAt.IsZero() {
			at = p.DeceasedAt.Format("2006-01-02T15:04:05Z07:00")
		}
		if p.Deceased != want.deceased || at != want.at {
			t.Errorf("%s: deceased %v at %q, want %v at %q", id, p.Deceased, at, want.deceased, want.at)
		}
	}
}
