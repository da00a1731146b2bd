package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// Fuzz target for the entries file of `record`. See FUZZING.md.

// fuzzSecret is a patient name put in the seeds' values: no error about
// an entries file may repeat it.
const fuzzSecret = "Vanderbroecke"

// entrySeeds are the entries files of the script tests, with their
// placeholders for times ("@NOW-5m@") and ids ("@file:x.id@") filled in.
func entrySeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, script := range []string{"journal.txtar", "allergystop.txtar"} {
		b, err := os.ReadFile(filepath.Join("testdata", "script", script))
		if err != nil {
			f.Fatal(err)
		}
		parts := regexp.MustCompile(`(?m)^-- ([^ ]+) --\n`).Split(string(b), -1)
		names := regexp.MustCompile(`(?m)^-- ([^ ]+) --\n`).FindAllStringSubmatch(string(b), -1)
		for i, n := range names {
			if !strings.HasSuffix(n[1], ".json") || strings.Contains(parts[i+1], "resourceType") {
				continue
			}
			s := regexp.MustCompile(`@NOW[^@]*@`).ReplaceAllString(parts[i+1], "2026-11-26T08:00:00+01:00")
			s = regexp.MustCompile(`@file:[^@]*@`).ReplaceAllString(s, "0b6f1b7e-3c1a-4a53-9b44-5d7f0d1e2a3b")
			seeds = append(seeds, []byte(s))
		}
	}
	if len(seeds) < 10 {
		f.Fatalf("only %d entries files found in the script tests", len(seeds))
	}
	return seeds
}

// secretAsKey says whether the input uses the secret in a field name,
// which an error may repeat (names of fields are not patient data).
var secretAsKey = regexp.MustCompile(fuzzSecret + `[^"]*"\s*:`)

// FuzzReadEntries: any bytes in an entries file give one error of one
// line that repeats no value of the file, or 1 to maxEntriesPerFile
// entries that set nothing the kiosk fills in itself. Each entry read,
// stamped as the kiosk stamps it, validates or is refused with
// ErrInvalidEntry, never a panic; and it writes back to JSON that reads
// again as the same entry.
func FuzzReadEntries(f *testing.F) {
	for _, s := range entrySeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"kind": "note", "patient": "p1", "clinicalTime": "2026-11-26T08:00:00+01:00", "note": {"text": "` + fuzzSecret + ` fell"}}`))
	f.Add([]byte(`{"kind": "registration", "clinicalTime": "2026-11-26T08:00:00+01:00", "registration": {"temporaryId": "T-4GQ7-2MXK-A9WR", "familyName": "` + fuzzSecret + `"}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{}, 1]`))
	f.Add([]byte(`{"kind": "vitals"} {"kind": "note"}`))
	path := filepath.Join(f.TempDir(), "entries.json")
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		entries, err := readEntries(path)
		if err != nil {
			msg := err.Error()
			if entries != nil || msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("not one error of one line: %q (%d entries)", msg, len(entries))
			}
			if strings.Contains(msg, fuzzSecret) && !secretAsKey.Match(data) {
				t.Fatalf("the error repeats a value of the file: %q", msg)
			}
			return
		}
		if len(entries) == 0 || len(entries) > maxEntriesPerFile {
			t.Fatalf("%d entries read", len(entries))
		}
		for i, e := range entries {
			if e.ID != "" || e.Author != "" || e.KioskID != "" || !e.EnteredAt.IsZero() || len(e.BasedOn) > 0 ||
				e.Transcription != nil && e.Transcription.By != "" || e.Medication != nil && e.Medication.Override != nil {
				t.Fatalf("entry %d sets what the kiosk fills in", i+1)
			}
			once, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("entry %d does not write back: %v", i+1, err)
			}
			var back clinical.Entry
			dec := json.NewDecoder(bytes.NewReader(once))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("entry %d written back does not read again: %v", i+1, err)
			}
			if twice, _ := json.Marshal(back); !bytes.Equal(once, twice) {
				t.Fatalf("entry %d reads again differently:\n%s\n%s", i+1, once, twice)
			}
			e.ID, e.Author, e.KioskID, e.EnteredAt = "0b6f1b7e-3c1a-4a53-9b44-5d7f0d1e2a3b", "RN Peeters", "kiosk-1", now
			if err := e.Validate(now); err != nil && (!errors.Is(err, clinical.ErrInvalidEntry) || strings.Contains(err.Error(), "\n")) {
				t.Fatalf("entry %d refused with something else than one invalid-entry sentence: %q", i+1, err)
			}
		}
	})
}
