package clinical

import (
	"strings"
	"testing"
)

// FuzzTemporaryID: any string is a temporary identifier or not, never a
// panic; one accepted comes back in its printed form, which parses to
// itself and matches what was typed exactly. And for any 55 random bits,
// the identifier made from them parses back to itself, in any case and
// without its hyphens.
func FuzzTemporaryID(f *testing.F) {
	for _, s := range []string{"T-4GQ7-2MXK-A9WR", "t4gq72mxka9wr", "T-0000-0000-0000", "T-OOOO-IIII-LLLL", "T-", "", "T-ÿÿÿÿ-ÿÿÿÿ-ÿÿÿÿ", "T -4GQ7 2MXK-A9WU"} {
		f.Add(s, uint64(0))
	}
	f.Add("", uint64(1<<55-1))
	f.Add("x", uint64(0x123456789abcdef))

	f.Fuzz(func(t *testing.T, s string, random uint64) {
		bits := random
		if id, ok := ParseTemporaryID(s); ok {
			if !IsTemporaryID(id) || len(id) != len("T-XXXX-XXXX-XXXX") {
				t.Fatalf("accepted as %q, which is not a printed identifier", id)
			}
			if again, ok := ParseTemporaryID(id); !ok || again != id {
				t.Fatalf("%q parses to %q, %v", id, again, ok)
			}
			if exact, _ := MatchTemporaryID(id, s); !exact {
				t.Fatalf("%q is not an exact match for %q, which parses to it", s, id)
			}
		}
		MatchTemporaryID("T-4GQ7-2MXK-A9WR", s)

		code := make([]byte, 0, tempRandom+1)
		for range tempRandom {
			code = append(code, tempSymbols[bits&31])
			bits >>= 5
		}
		code = append(code, tempSymbols[checkSymbol(code)])
		id := formatTemporaryID(code)
		for _, typed := range []string{id, strings.ToLower(id), strings.ReplaceAll(id, "-", ""), " " + strings.ReplaceAll(id, "-", " ") + " "} {
			if got, ok := ParseTemporaryID(typed); !ok || got != id {
				t.Fatalf("%q parses to %q, %v; want %q", typed, got, ok, id)
			}
		}
		// One wrong character is caught by the check character.
		for i := 2; i < len(id); i++ {
			if id[i] == '-' {
				continue
			}
			wrong := []byte(id)
			wrong[i] = tempSymbols[(strings.IndexByte(tempSymbols, id[i])+1+int(random%31))%len(tempSymbols)]
			if _, ok := ParseTemporaryID(string(wrong)); ok {
				t.Fatalf("%q with one wrong character (%q) is accepted", id, wrong)
			}
		}
	})
}
