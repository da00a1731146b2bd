package clinical

import (
	"strings"
	"testing"
)

// Temporary ids as nurses write them by hand: Crockford's reading (any
// case, O for 0, I and L for 1, hyphens and spaces optional), while the
// check character still refuses a real typo.
func TestTemporaryIDsAreReadAsNursesWriteThem(t *testing.T) {
	const id = "T-6AFB-1574-NH0C" // valid: C is the check character of 6AFB1574NH0
	if !IsTemporaryID(id) {
		t.Fatalf("%s is not a valid id", id)
	}
	for _, typed := range []string{
		id, "t-6afb-1574-nh0c",
		"t-6afb-1574-nhoc", // as the nurse wrote it: an O for the 0
		"T-6AFB-1574-NHOC",
		"T6AFB1574NH0C", "t 6afb 1574 nhoc", " t6afb-1574 nhoc ",
		"T-6AFB-I574-NH0C", "t-6afb-l574-nhoc", // I or L for the 1
	} {
		if got, ok := ParseTemporaryID(typed); !ok || got != id {
			t.Errorf("%q read as %q, %v", typed, got, ok)
		}
		if exact, _ := MatchTemporaryID(id, typed); !exact {
			t.Errorf("%q does not match %s exactly", typed, id)
		}
	}
	// Without its "T": still the whole id, for a search.
	for _, typed := range []string{"6afb-1574-nhoc", "6AFB 1574 NH0C"} {
		if exact, _ := MatchTemporaryID(id, typed); !exact {
			t.Errorf("%q does not match %s exactly", typed, id)
		}
	}
	// A real typo: every other symbol in every place is refused, by the
	// parse and by the search.
	for i := 2; i < len(id); i++ {
		if id[i] == '-' {
			continue
		}
		for _, c := range tempSymbols {
			if byte(c) == id[i] {
				continue
			}
			typo := id[:i] + string(c) + id[i+1:]
			if _, ok := ParseTemporaryID(typo); ok {
				t.Fatalf("the typo %q was read as a valid id", typo)
			}
			if exact, partial := MatchTemporaryID(id, typo); exact || partial {
				t.Fatalf("the typo %q matches %s", typo, id)
			}
		}
	}
	// Part of it, as a search: four symbols or more, anywhere.
	for typed, want := range map[string]bool{
		"nhoc": true, "1574-nh": true, "6afb 1574": true, "t-6afb": true, "t6af": true, "I574": true,
		"nh0": false, "6afb-1575": false, "U": false, "Peeters": false, "": false,
	} {
		if exact, partial := MatchTemporaryID(id, typed); partial != want || exact {
			t.Errorf("%q: exact %v partial %v, want partial %v", typed, exact, partial, want)
		}
	}
	if exact, partial := MatchTemporaryID("p1", "p1"); exact || partial {
		t.Error("a snapshot id is not a temporary id")
	}
}

func TestTemporaryIdentifiersAreUniqueReadableAndCatchTypingErrors(t *testing.T) {
	seen := map[string]bool{}
	for range 20000 {
		id, err := NewTemporaryID()
		if err != nil {
			t.Fatal(err)
		}
		if seen[id] || !IsTemporaryID(id) || len(id) != len("T-XXXX-XXXX-XXXX") || strings.ContainsAny(id[2:], "ILOU") {
			t.Fatalf("%q", id)
		}
		seen[id] = true
	}
	id, _ := NewTemporaryID()
	code := strings.ReplaceAll(id[2:], "-", "")
	if got, ok := ParseTemporaryID(" t" + strings.ToLower(code) + " "); !ok || got != id {
		t.Fatalf("typed in lower case without hyphens: %q %v", got, ok)
	}
	for i := range code {
		for _, s := range tempSymbols {
			if byte(s) == code[i] {
				continue
			}
			typo := "T-" + code[:i] + string(s) + code[i+1:]
			if _, ok := ParseTemporaryID(typo); ok {
				t.Fatalf("the typo %q of %q was accepted", typo, id)
			}
		}
	}
	swapsCaught := 0
	for i := 0; i+1 < len(code); i++ {
		if code[i] == code[i+1] {
			swapsCaught++
			continue
		}
		swapped := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
		if _, ok := ParseTemporaryID("T-" + swapped); !ok {
			swapsCaught++
		}
	}
	if swapsCaught < len(code)-2 {
		t.Fatalf("only %d of %d swaps caught in %q", swapsCaught, len(code)-1, id)
	}
}
