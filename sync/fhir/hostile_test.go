//go:build unix

package fhir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lifeboat/store"
)

// Inputs written as an attacker who can write the import folder would:
// special files, giant strings, giant Bundles, deep nesting, two versions
// of one resource, and files cut short. None may hang the reader, poison a
// chart, or pass unsaid; no message names a file or holds patient data.

const secretName = "Vanderbroecke"

// readWithin runs Read and fails the test, instead of hanging it, when
// Read does not return: a FIFO must never block the reader.
func readWithin(t *testing.T, paths ...string) (*Import, error) {
	t.Helper()
	type result struct {
		im  *Import
		err error
	}
	done := make(chan result, 1)
	go func() { im, err := Read(paths...); done <- result{im, err} }()
	select {
	case r := <-done:
		return r.im, r.err
	case <-time.After(30 * time.Second):
		t.Fatal("Read hung on a special file")
		return nil, nil
	}
}

func noNames(t *testing.T, msg string, names ...string) {
	t.Helper()
	for _, n := range append(names, secretName) {
		if strings.Contains(msg, n) {
			t.Errorf("%q names %q", msg, n)
		}
	}
}

func TestAFIFOIsRefusedWithoutWaitingForAWriter(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "0-ward.ndjson", ndjson(patient("p1", "Peeters")))
	fifo := filepath.Join(dir, secretName+"_An.ndjson") // Synthea names files after patients
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// given as a file, and found inside a folder
	for _, paths := range [][]string{{good, fifo}, {dir}} {
		_, err := readWithin(t, paths...)
		if !errors.Is(err, store.ErrNotRegular) {
			t.Fatalf("%d paths: err = %v, want ErrNotRegular", len(paths), err)
		}
		if want := "input file 2 is not a regular file (a FIFO, a device or a socket); nothing was imported."; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
		noNames(t, err.Error(), dir)
	}
}

func TestDevicesAreRefused(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/null", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		_, err := readWithin(t, dev)
		if !errors.Is(err, store.ErrNotRegular) || !strings.HasPrefix(err.Error(), "input file 1 is not a regular file") {
			t.Errorf("%s: err = %v, want ErrNotRegular for input file 1", dev, err)
		}
	}
}

func TestADocumentTooLargeToReadWholeIsRefusedBeforeItIsRead(t *testing.T) {
	// A sparse file: a Bundle's first bytes, then nothing, larger than a
	// document may be. It is refused by its size, not read into memory.
	p := writeFile(t, t.TempDir(), "export.json", `{"resourceType":"Bundle","entry":[`)
	if err := os.Truncate(p, MaxDocument+1); err != nil {
		t.Fatal(err)
	}
	_, err := readWithin(t, p)
	if !errors.Is(err, store.ErrTooLarge) || !strings.HasPrefix(err.Error(), "input file 1 is too large") {
		t.Fatalf("err = %v, want ErrTooLarge for input file 1", err)
	}
}

// huge is a 50 MB string, as a big name or an embedded attachment.
var huge = strings.Repeat("A", 50<<20)

func TestAResourceTooLargeToKeepIsRefusedAndCounted(t *testing.T) {
	note := `{"resourceType":"DocumentReference","id":"n1","status":"current","subject":{"reference":"Patient/p1"},` +
		`"type":{"coding":[{"system":"http://loinc.org","code":"34746-8"}]},"date":"2026-11-26T06:00:00Z",` +
		`"content":[{"attachment":{"contentType":"application/pdf","data":"` + huge + `"}}]}`
	dir := t.TempDir()
	lines := writeFile(t, dir, "a.ndjson", ndjson(patient("p1", "Peeters"), patient("p2", secretName+huge), note, patient("p3", "Maes")))
	bundle := writeFile(t, dir, "b.json", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":`+
		patient("p4", "Dubois")+`},{"resource":`+strings.Replace(note, `"n1"`, `"n2"`, 1)+`}]}`)
	im, err := readWithin(t, lines, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if im.TooLarge != 3 || im.MalformedTotal != 0 || im.Counts["Patient"] != 3 {
		t.Fatalf("too large %d, malformed %d, counts %v", im.TooLarge, im.MalformedTotal, im.Counts)
	}
	sum := im.Summary()
	if !strings.Contains(sum, "3 larger than 4 MiB skipped (input file 1, line 2; input file 1, line 3; input file 2, entry[1])") {
		t.Errorf("summary %q", sum)
	}
	noNames(t, sum)
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Patient.ID == "p2" {
			t.Error("a patient too large to keep was kept")
		}
		// The notes too large to keep were p1's (the line's subject was
		// read from its first part): only p1's notes are incomplete.
		if c.Notes.Unreadable != (c.Patient.ID == "p1") {
			t.Errorf("%s: notes unreadable %v", c.Patient.ID, c.Notes.Unreadable)
		}
	}
	// What is kept can be built and sealed, and opens.
	if _, err := store.BuildWard(t.Context(), charts); err != nil {
		t.Fatal(err)
	}
}

func TestAMillionEmptyBundleEntriesAreCounted(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + patient("p1", "Peeters") + `}`)
	for range 1_000_000 {
		b.WriteString(",{}")
	}
	b.WriteString("]}")
	im, err := readWithin(t, writeFile(t, t.TempDir(), "big.json", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if im.EmptyEntries != 1_000_000 || im.Counts["Patient"] != 1 {
		t.Fatalf("empty %d, counts %v", im.EmptyEntries, im.Counts)
	}
	if sum := im.Summary(); !strings.Contains(sum, "1,000,000 Bundle entries hold no resource.") {
		t.Errorf("summary %q", sum)
	}
}

func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestNestingDeeperThanTheLimitIsSaidSo(t *testing.T) {
	dir := t.TempDir()
	doc := writeFile(t, dir, "deep.json", `{"resourceType":"Patient","id":"p1","extension":`+deep(100_000)+`}`)
	_, err := readWithin(t, doc)
	if !errors.Is(err, ErrTooDeep) || err.Error() != "input file 1 is nested deeper than 100 levels; nothing was imported." {
		t.Fatalf("err = %v, want ErrTooDeep for input file 1", err)
	}
	// One resource of an NDJSON file, deep but still JSON that Go reads,
	// or deeper: refused as malformed, saying why; the rest is read.
	lines := writeFile(t, dir, "deep.ndjson", ndjson(patient("p1", "Peeters"),
		`{"resourceType":"Patient","id":"p2","extension":`+deep(MaxDepth)+`}`,
		`{"resourceType":"Patient","id":"p3","extension":`+deep(100_000)+`}`, patient("p4", "Maes")))
	im, err := readWithin(t, lines)
	if err != nil {
		t.Fatal(err)
	}
	want := "Patient: nested deeper than 100 levels"
	if im.MalformedTotal != 2 || im.Malformed[0].Reason != want || im.Malformed[1].Reason != want || im.Counts["Patient"] != 2 {
		t.Fatalf("malformed %v, counts %v", im.Malformed, im.Counts)
	}
}

func TestTwoVersionsOfOneResourceAreCountedAndTheNewestKept(t *testing.T) {
	versioned := func(family, version, updated string) string {
		return `{"resourceType":"Patient","id":"p1","meta":{"versionId":"` + version + `","lastUpdated":"` + updated +
			`"},"name":[{"family":"` + family + `"}]}`
	}
	obs := func(v string) string {
		return `{"resourceType":"Observation","id":"o1","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],` +
			`"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/p1"},` +
			`"effectiveDateTime":"2026-11-26T06:00:00Z","valueQuantity":{"value":` + v + `,"unit":"/min"}}`
	}
	flag := `{"resourceType":"Flag","id":"f1","status":"active","code":{"text":"Fall risk"},"subject":{"reference":"Patient/p1"}}`
	dir := t.TempDir()
	// the newer version first, then an older one, an identical copy
	// (not a duplicate), and a second vital-sign value for one id
	a := writeFile(t, dir, "a.ndjson", ndjson(versioned("Newer", "3", "2026-11-26T06:00:00Z"), obs("72"), flag))
	b := writeFile(t, dir, "b.ndjson", ndjson(versioned("Older", "2", "2026-11-25T06:00:00Z"), obs("95"), flag))
	im, err := readWithin(t, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if im.Duplicates != 2 {
		t.Fatalf("duplicates %d, want 2", im.Duplicates)
	}
	if sum := im.Summary(); !strings.Contains(sum, "2 resources were read again with other content (same type and id): the newest version was kept") {
		t.Errorf("summary %q", sum)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if charts[0].Patient.Family != "Newer" {
		t.Errorf("kept %q, want the newer version", charts[0].Patient.Family)
	}
	if len(charts[0].Alerts.Items) != 1 {
		t.Errorf("alerts %v", charts[0].Alerts.Items)
	}
	// Read in the other order, the same version is kept: the rule does
	// not depend on which file came first when versions tell.
	im, err = readWithin(t, b, a)
	if err != nil {
		t.Fatal(err)
	}
	if charts, err := im.Census(Selection{All: true}); err != nil || charts[0].Patient.Family != "Newer" {
		t.Errorf("other order: %v, %v", charts, err)
	}
}

func TestAFileCutShortStopsTheImport(t *testing.T) {
	dir := t.TempDir()
	full := ndjson(patient("p1", "Peeters"), patient("p2", "Maes"), patient("p3", secretName))
	cut := full[:len(full)-30]
	good := writeFile(t, dir, "a.ndjson", ndjson(patient("p9", "Dubois")))
	for name, content := range map[string]string{
		"cut.ndjson": cut,
		"cut.json":   `{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + patient("p1", secretName) + `},{"resou`,
	} {
		_, err := readWithin(t, good, writeFile(t, dir, name, content))
		if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "input file 2 ends in the middle of a resource") {
			t.Errorf("%s: err = %v, want ErrTruncated for input file 2", name, err)
			continue
		}
		noNames(t, err.Error(), name)
	}
	// A broken line that is not the last is one malformed resource, and
	// a last line without its newline but whole is read.
	lines := strings.Split(strings.TrimSpace(full), "\n")
	im, err := readWithin(t, writeFile(t, dir, "mid.ndjson", lines[0]+"\n"+lines[1][:40]+"\n"+lines[2]))
	if err != nil || im.MalformedTotal != 1 || im.Counts["Patient"] != 2 {
		t.Fatalf("err %v, import %+v", err, im)
	}
}

func TestACompactBundleLongerThanALineMayBeIsReadAsOneDocument(t *testing.T) {
	// One line of more than MaxResource, ending in a newline: not an
	// NDJSON line too large to keep, but a Bundle read whole.
	var b strings.Builder
	b.WriteString(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + patient("p1", "Peeters") + `}`)
	for b.Len() <= MaxResource+maxLine {
		b.WriteString(`,{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000000","request":{"method":"DELETE","url":"Patient/x"}}`)
	}
	b.WriteString("]}\n")
	im, err := readWithin(t, writeFile(t, t.TempDir(), "compact.json", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if im.Counts["Patient"] != 1 || im.TooLarge != 0 || im.EmptyEntries == 0 {
		t.Fatalf("counts %v, too large %d, empty %d", im.Counts, im.TooLarge, im.EmptyEntries)
	}
}

// A last NDJSON line longer than a line may be, with no newline after
// it, is a resource too large to keep, said so, never one cut short and
// read (or the file called truncated); the same whole or with the
// newline, and read from a file or from memory.
func TestALastNDJSONLineTooLongIsTooLargeWithOrWithoutItsNewline(t *testing.T) {
	note := func(size int) string {
		head := `{"resourceType":"DocumentReference","id":"n1","status":"current","subject":{"reference":"Patient/p1"},` +
			`"content":[{"attachment":{"contentType":"text/plain","data":"`
		tail := `"}}]}`
		return head + strings.Repeat("A", size-len(head)-len(tail)) + tail
	}
	for _, c := range []struct {
		size int
		end  string
	}{{maxLine + 1, ""}, {maxLine + 1, "\n"}, {maxLine + 3<<20, ""}, {maxLine + 3<<20, "\n"}} {
		note, end := note(c.size), c.end
		content := patient("p1", "Peeters") + "\n" + patient("p2", "Maes") + "\n" + note + end
		for name, read := range map[string]func() (*Import, error){
			"file":   func() (*Import, error) { return readWithin(t, writeFile(t, t.TempDir(), "a.ndjson", content)) },
			"memory": func() (*Import, error) { return ReadBytes("a.ndjson", []byte(content)) },
		} {
			im, err := read()
			if err != nil {
				t.Fatalf("%s, end %q: %v", name, end, err)
			}
			if im.TooLarge != 1 || im.MalformedTotal != 0 || im.Counts["Patient"] != 2 || im.Counts["DocumentReference"] != 0 {
				t.Errorf("%s, end %q: too large %d, malformed %d, counts %v", name, end, im.TooLarge, im.MalformedTotal, im.Counts)
			}
		}
	}
}
