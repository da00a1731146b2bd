package clinical

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
)

// A temporary identifier names a patient registered during downtime until
// reconciliation links them to their real record. It is printed on a
// wristband label and read aloud, so it is short, has no letters that look
// like digits, and ends with a check character that catches a mistyped or
// swapped character: "T-4GQ7-2MXK-A9WR".
//
// Kiosks make them with no coordination at all (the network is down), so
// uniqueness comes from randomness: 11 random symbols are 55 bits, and a
// hospital registering 100,000 patients across all its kiosks during
// outages has about one chance in seven million of any two alike.
const (
	tempPrefix  = "T-"
	tempRandom  = 11
	tempSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // Crockford's base 32: no I, L, O, U
)

// NewTemporaryID makes a new temporary patient identifier.
func NewTemporaryID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("making a temporary identifier: %w", err)
	}
	bits := binary.BigEndian.Uint64(b[:])
	code := make([]byte, 0, tempRandom+1)
	for range tempRandom {
		code = append(code, tempSymbols[bits&31])
		bits >>= 5
	}
	code = append(code, tempSymbols[checkSymbol(code)])
	return formatTemporaryID(code), nil
}

// ParseTemporaryID reads a temporary identifier as typed or scanned (any
// case, with or without hyphens and spaces, O for 0 and I or L for 1) and
// returns its printed form. ok is false when it is not one, or when its
// check character does not match.
func ParseTemporaryID(s string) (id string, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "T") {
		return "", false
	}
	code, ok := crockford(s[1:])
	if !ok || len(code) != tempRandom+1 || checkSymbol(code[:tempRandom]) != strings.IndexByte(tempSymbols, code[tempRandom]) {
		return "", false
	}
	return formatTemporaryID(code), true
}

// crockford reads s as Crockford's base 32 is read by people: any case,
// hyphens and spaces left out, O as 0, I and L as 1. ok is false for any
// other character (U among them).
func crockford(s string) (code []byte, ok bool) {
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(tempSymbols, byte(r)) < 0 {
			return nil, false
		}
		code = append(code, byte(r))
	}
	return code, true
}

// MinTemporaryIDPart is the fewest symbols a typed part of a temporary
// identifier must have to find it: fewer would find too many by chance.
const MinTemporaryIDPart = 4

// MatchTemporaryID says how typed, as a nurse writes it (any case,
// hyphens and spaces optional, O for 0, I or L for 1, the "T" prefix
// optional), matches the temporary identifier id: exact when it is the
// whole identifier with a matching check character, partial when it is
// a run of at least MinTemporaryIDPart of its symbols. A mistyped
// character matches neither.
func MatchTemporaryID(id, typed string) (exact, partial bool) {
	if !IsTemporaryID(id) {
		return false, false
	}
	for _, whole := range []string{typed, "T" + strings.TrimSpace(typed)} { // with or without its "T"
		if p, ok := ParseTemporaryID(whole); ok && p == id {
			return true, true
		}
	}
	q, ok := crockford(strings.TrimSpace(typed))
	if !ok || len(q) < MinTemporaryIDPart {
		return false, false
	}
	code, _ := crockford(id) // "T" and the 12 symbols
	return false, strings.Contains(string(code), string(q))
}

// LooksTemporary says whether s is written in a temporary identifier's
// printed shape (T-XXXX-XXXX-XXXX, in any case), as a nurse types one:
// a FHIR id that only parses as one ("t4gq72mxka9wr") is not.
func LooksTemporary(s string) bool { return looksTemporary.MatchString(s) }

// IsTemporaryID says whether s is a temporary identifier in its printed form.
func IsTemporaryID(s string) bool {
	id, ok := ParseTemporaryID(s)
	return ok && id == s
}

func formatTemporaryID(code []byte) string {
	return tempPrefix + string(code[0:4]) + "-" + string(code[4:8]) + "-" + string(code[8:12])
}

// checkSymbol is the Luhn mod 32 check of code: it catches every single
// wrong character and most swaps of neighbours.
func checkSymbol(code []byte) int {
	const n = len(tempSymbols)
	factor, sum := 2, 0
	for i := len(code) - 1; i >= 0; i-- {
		v := factor * strings.IndexByte(tempSymbols, code[i])
		sum += v/n + v%n
		factor = 3 - factor
	}
	return (n - sum%n) % n
}
