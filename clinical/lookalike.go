package clinical

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Look-alike names: two patients on the same ward whose names a nurse can
// take one for the other ("De Smet, Jozef" in 101-A and "De Smet, Jozef
// Luc" in 101-B). Two census rows look alike when their family names are
// the same, ignoring case, accents and spacing, and either their given
// names are similar (one a prefix of the other, within two edits, or the
// same first given name) or they were born the same year.

// SimilarNames says whether the two census rows' names look alike.
func SimilarNames(a, b CensusRow) bool {
	fa, ga := splitName(a.Name)
	fb, gb := splitName(b.Name)
	if fa == "" || fa != fb {
		return false
	}
	return similarGiven(ga, gb) || sameBirthYear(a.BirthDate, b.BirthDate)
}

// LookAlikes finds, for every row of the census that has one, the other
// rows whose names look alike, in census order. The rows are grouped by
// family name first, so only patients sharing one are compared: a ward of
// thousands costs one pass.
func LookAlikes(rows []CensusRow) map[string][]CensusRow {
	groups := map[string][]int{}
	for i, r := range rows {
		if f, _ := splitName(r.Name); f != "" {
			groups[f] = append(groups[f], i)
		}
	}
	var out map[string][]CensusRow
	for _, g := range groups {
		for x := 0; x < len(g); x++ {
			for y := x + 1; y < len(g); y++ {
				a, b := rows[g[x]], rows[g[y]]
				if a.ID == b.ID || !SimilarNames(a, b) {
					continue
				}
				if out == nil {
					out = map[string][]CensusRow{}
				}
				out[a.ID] = append(out[a.ID], b)
				out[b.ID] = append(out[b.ID], a)
			}
		}
	}
	return out
}

// splitName folds "Family, Given Names" into its family name and given
// names, each lower case, without accents, with single spaces; a name
// without a comma is taken as given names then the family name.
func splitName(name string) (family string, given []string) {
	name = foldLetters(name)
	if f, g, ok := strings.Cut(name, ","); ok {
		return strings.Join(strings.Fields(f), " "), strings.Fields(g)
	}
	words := strings.Fields(name)
	if len(words) == 0 {
		return "", nil
	}
	return words[len(words)-1], words[:len(words)-1]
}

// foldLetters is s in lower case without accents ("Jérôme" "jerome").
func foldLetters(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func similarGiven(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if a[0] == b[0] {
		return true
	}
	ja, jb := strings.Join(a, " "), strings.Join(b, " ")
	if strings.HasPrefix(ja, jb) || strings.HasPrefix(jb, ja) {
		return true
	}
	return editDistanceAtMost(ja, jb, 2)
}

// editDistanceAtMost says whether a and b are within max insertions,
// deletions or substitutions of each other (Levenshtein, on runes).
func editDistanceAtMost(a, b string, max int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= max
}

func sameBirthYear(a, b string) bool {
	return len(a) >= 4 && len(b) >= 4 && a[:4] == b[:4]
}
