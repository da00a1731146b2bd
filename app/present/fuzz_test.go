package present

import (
	"regexp"
	"strings"
	"testing"
)

// Fuzz target for the pack code scanned from a paper page. See FUZZING.md.

var (
	fhirID  = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	hexHash = regexp.MustCompile(`^[0-9a-fA-F]*$`)
)

// FuzzPackCode: any scanned text is a pack code or not, never a panic; one
// accepted names a FHIR id and 16 lowercase hex digits, and is the code
// PackCode makes for them (up to the case of its prefix and hash). And
// for any FHIR id and hex hash, parse(PackCode(id, hash)) gives the id
// and the hash's first 16 digits (padded with 0) back.
func FuzzPackCode(f *testing.F) {
	for _, s := range []string{"LB1-abcdef0123456789-p1", " lb1-ABCDEF0123456789-0d4f0c2e-4f4d-4b8e-9a52-7f2b1c3d4e5f\n",
		"MRN-000123", "LB1-", "LB1-abcdef0123456789-", "LB1-zzzzzzzzzzzzzzzz-p1", "LB1-abcdef0123456789-p 1", "LB1-abcdef-p1",
		"LB1-abcdef0123456789-p1é", "T-4GQ7-2MXK-A9WR"} {
		f.Add(s, "p1", "ABCDEF0123456789ffff")
	}
	f.Add("", "a-b-c", "")
	f.Add("", "9f1c.2", "0")
	f.Add("", "x", strings.Repeat("f", 64))

	f.Fuzz(func(t *testing.T, scanned, id, hash string) {
		if pid, h, ok := ParsePackCode(scanned); ok {
			if !fhirID.MatchString(pid) {
				t.Fatalf("%q accepted with id %q", scanned, pid)
			}
			if len(h) != 16 || h != strings.ToLower(h) || !hexHash.MatchString(h) {
				t.Fatalf("%q accepted with hash %q", scanned, h)
			}
			if code := PackCode(pid, h); !strings.EqualFold(code[:20], strings.TrimSpace(scanned)[:20]) || code[20:] != strings.TrimSpace(scanned)[20:] {
				t.Fatalf("%q accepted, but the code for what it names is %q", scanned, code)
			}
		}
		if !fhirID.MatchString(id) || !hexHash.MatchString(hash) {
			return
		}
		want := strings.ToLower(hash + strings.Repeat("0", 16))[:16]
		code := PackCode(id, hash)
		if got, h, ok := ParsePackCode(code); !ok || got != id || h != want {
			t.Fatalf("PackCode(%q, %q) = %q parses to %q %q %v", id, hash, code, got, h, ok)
		}
	})
}
