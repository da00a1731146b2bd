package fhir

import (
	"os"
	"testing"
	"time"
)

// stamped is a one-patient Bundle with the given timestamp member (""
// leaves it out), before or after its entries.
func stamped(timestamp string, afterEntries bool) string {
	b := bundle("collection", [2]string{"", `{"resourceType":"Patient","id":"p1"}`})
	if timestamp == "" {
		return b
	}
	if afterEntries {
		return b[:len(b)-1] + `,"timestamp":` + timestamp + `}`
	}
	return `{"timestamp":` + timestamp + `,` + b[1:]
}

func setModTime(t *testing.T, path string, mod time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestWrittenIsTheEarliestModificationTimeOfTheFilesRead(t *testing.T) {
	dir := t.TempDir()
	older, newer := time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC), time.Date(2025, 3, 2, 6, 0, 0, 0, time.UTC)
	a := writeFile(t, dir, "a.ndjson", ndjson(`{"resourceType":"Patient","id":"p1"}`))
	b := writeFile(t, dir, "b.ndjson", ndjson(`{"resourceType":"Patient","id":"p2"}`))
	setModTime(t, a, newer)
	setModTime(t, b, older)
	for _, paths := range [][]string{{a, b}, {b, a}, {dir}} {
		im, err := Read(paths...)
		if err != nil {
			t.Fatal(err)
		}
		if got := im.Written(); !got.Equal(older) {
			t.Errorf("Written() = %v, want the older file's %v", got, older)
		}
	}
	im, err := Read(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := im.Written(); !got.Equal(newer) {
		t.Errorf("one file: Written() = %v, want %v", got, newer)
	}
}

func TestWrittenIsABundleTimestampWhenItIsOlderThanTheFile(t *testing.T) {
	dir := t.TempDir()
	mod := time.Date(2025, 3, 2, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, timestamp string
		after           bool
		want            time.Time
	}{
		{"older, before the entries", `"2025-03-01T23:30:00+01:00"`, false, time.Date(2025, 3, 1, 22, 30, 0, 0, time.UTC)},
		{"older, after the entries", `"2025-03-01T22:30:00Z"`, true, time.Date(2025, 3, 1, 22, 30, 0, 0, time.UTC)},
		{"newer than the file", `"2025-03-02T07:00:00Z"`, false, mod}, // copied back in time? the file is older
		{"not a time", `"yesterday"`, false, mod},
		{"not a string", `20250301`, false, mod},
		{"none", ``, false, mod},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "b.json", stamped(tc.timestamp, tc.after))
			setModTime(t, p, mod)
			im, err := Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := im.Written(); !got.Equal(tc.want) {
				t.Errorf("Written() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWrittenOfDataInMemoryIsItsBundleTimestampOrUnknown(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       time.Time
	}{
		{"a Bundle with a timestamp", stamped(`"2025-03-02T05:00:00.123+01:00"`, false), time.Date(2025, 3, 2, 4, 0, 0, 123e6, time.UTC)},
		{"NDJSON of two Bundles", ndjson(stamped(`"2025-03-02T05:00:00Z"`, false), stamped(`"2025-03-01T05:00:00Z"`, true)), time.Date(2025, 3, 1, 5, 0, 0, 0, time.UTC)},
		{"a Bundle without a timestamp", stamped("", false), time.Time{}},
		{"a Bundle with an unreadable timestamp", stamped(`"soon"`, false), time.Time{}},
		{"NDJSON of resources", ndjson(`{"resourceType":"Patient","id":"p1","meta":{"lastUpdated":"2025-03-02T05:00:00Z"}}`, `{"resourceType":"Patient","id":"p2"}`), time.Time{}},
		{"one resource", `{"resourceType":"Patient","id":"p1"}`, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ReadBytes("demo ward", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := im.Written(); !got.Equal(tc.want) || got.IsZero() != tc.want.IsZero() {
				t.Errorf("Written() = %v, want %v", got, tc.want)
			}
			if n := im.Counts["Patient"]; n == 0 {
				t.Errorf("no patient was read: %v", im.Malformed)
			}
		})
	}
}

func TestANestedBundleTimestampDoesNotCount(t *testing.T) {
	// The nested Bundle is skipped whole: its timestamp says nothing about
	// the data read.
	data := bundle("collection",
		[2]string{"", `{"resourceType":"Patient","id":"p1"}`},
		[2]string{"", `{"resourceType":"Bundle","type":"collection","timestamp":"2001-01-01T00:00:00Z","entry":[]}`})
	im, err := ReadBytes("demo ward", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := im.Written(); !got.IsZero() {
		t.Errorf("Written() = %v, want zero", got)
	}
}

func TestOnlyTheFirstEntryMemberOfABundleIsRead(t *testing.T) {
	data := `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}],` +
		`"entry":[{"resource":{"resourceType":"Patient","id":"p2"}}],"timestamp":"2025-03-01T00:00:00Z"}`
	im, err := ReadBytes("demo ward", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if im.Counts["Patient"] != 1 || im.patients["p1"] == nil {
		t.Errorf("counts %v", im.Counts)
	}
	if !im.Written().Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Written() = %v", im.Written())
	}
}
