package clinical

import (
	"fmt"
	"testing"
)

func TestSimilarNames(t *testing.T) {
	cases := []struct {
		a, b         string
		yearA, yearB string
		want         bool
	}{
		{"De Smet, Jozef", "De Smet, Jozef Luc", "1941-03-02", "1950-07-01", true},
		{"Peeters, An", "Peeters, Ann", "1960-01-01", "1970-01-01", true},
		{"Peeters, An", "Peeters, Jan-Willem", "1960-01-01", "1970-01-01", false},
		{"Peeters, An", "Peeters, Jan-Willem", "1960-01-01", "1960-12-31", true}, // same birth year
		{"Dubois, Hélène", "DUBOIS, Helene", "1960-01-01", "1970-01-01", true},   // accents and case
		{"Müller, Jürgen", "Muller, Jurgen", "", "", true},
		{"De Smet, Jozef", "de  smet, Josef", "1941-03-02", "1950-07-01", true}, // one edit
		{"Janssens, Maria Louisa", "Janssens, Maria", "", "", true},             // same first given name
		{"Janssens, Marc", "Janssens, Luc", "1960-01-01", "1970-01-01", false},
		{"De Smet, Jozef", "Desmet, Jozef", "", "", false}, // other family name
		{"Claes, Jan", "Peeters, Jan", "1960-01-01", "1960-01-01", false},
		{"Wouters, Els", "Wouters, Eva", "", "", true}, // two edits
		{"Wouters, Els", "Wouters, Emma", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.a+"/"+c.b, func(t *testing.T) {
			a := CensusRow{ID: "a", Name: c.a, BirthDate: c.yearA}
			b := CensusRow{ID: "b", Name: c.b, BirthDate: c.yearB}
			if got := SimilarNames(a, b); got != c.want {
				t.Errorf("SimilarNames(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
			}
			if got := SimilarNames(b, a); got != c.want {
				t.Errorf("SimilarNames(%q, %q) = %v, want %v (reversed)", c.b, c.a, got, c.want)
			}
		})
	}
}

func TestLookAlikes(t *testing.T) {
	rows := []CensusRow{
		{ID: "p1", Name: "De Smet, Jozef", Bed: "101-A"},
		{ID: "p2", Name: "Peeters, An", Bed: "102-A", BirthDate: "1960-01-01"},
		{ID: "p3", Name: "De Smet, Jozef Luc", Bed: "101-B"},
		{ID: "T-6AFB-1574-NH0C", Name: "Peeters, Ann", Bed: "105-A"}, // registered during downtime
		{ID: "p5", Name: "Claes, Marie"},
	}
	got := LookAlikes(rows)
	if len(got["p1"]) != 1 || got["p1"][0].ID != "p3" || len(got["p3"]) != 1 || got["p3"][0].ID != "p1" {
		t.Errorf("De Smet: %+v", got)
	}
	if len(got["p2"]) != 1 || got["p2"][0].ID != "T-6AFB-1574-NH0C" || len(got["T-6AFB-1574-NH0C"]) != 1 {
		t.Errorf("Peeters: %+v", got)
	}
	if _, ok := got["p5"]; ok {
		t.Errorf("Claes has no look-alike: %+v", got["p5"])
	}
}

// A large ward is grouped by family name, not compared pair by pair.
func TestLookAlikesLargeWard(t *testing.T) {
	rows := make([]CensusRow, 5000)
	for i := range rows {
		rows[i] = CensusRow{ID: fmt.Sprint(i), Name: fmt.Sprintf("Family%d, Given", i)}
	}
	rows[4999].Name = "Family0, Givens"
	got := LookAlikes(rows)
	if len(got) != 2 || got["0"][0].ID != "4999" {
		t.Errorf("got %d patients with look-alikes: %+v", len(got), got)
	}
}
