package present

import (
	"strings"
	"testing"
)

func TestPackCodeRoundTrip(t *testing.T) {
	for _, id := range []string{"p1", "a-b-c", "9f1c.2", "0d4f0c2e-4f4d-4b8e-9a52-7f2b1c3d4e5f"} {
		code := PackCode(id, "ABCDEF0123456789ffff")
		got, hash, ok := ParsePackCode(code)
		if !ok || got != id || hash != "abcdef0123456789" {
			t.Errorf("%q -> %q %q %v", code, got, hash, ok)
		}
	}
}

func TestParsePackCodeRefusesOtherText(t *testing.T) {
	for _, s := range []string{"", "MRN-000123", "LB1-", "LB1-abcdef0123456789-", "LB1-zzzzzzzzzzzzzzzz-p1",
		"LB1-abcdef0123456789-p 1", "LB1-abcdef0123456789xp1", "LB1-abcdef-p1",
		"LB1-abcdef0123456789-" + strings.Repeat("0", 65)} {
		if id, _, ok := ParsePackCode(s); ok {
			t.Errorf("%q parsed as a pack code for %q", s, id)
		}
	}
}
