package pack

import (
	"testing"
	"time"

	"lifeboat/store"
)

// An hour's cell stays shaded while fewer doses were given (G) or partly
// given (P) in it than are due: a dose held (H) or refused (R) is not a
// dose given, and one given of two due leaves one to give.
func TestAnHourStaysShadedUntilItsDosesAreGiven(t *testing.T) {
	at := asOf.Add(2 * time.Hour)
	mark := func(outcome string) store.JournalEntry {
		return dose("mr-para", "Paracetamol 1 g tablet", outcome, "", at)
	}
	G, P, H, R := mark(store.OutcomeGiven), mark(store.OutcomePartial), mark(store.OutcomeHeld), mark(store.OutcomeRefused)
	for _, c := range []struct {
		name  string
		due   int
		marks []store.JournalEntry
		want  bool
	}{
		{"due, nothing recorded", 1, nil, true},
		{"due, given", 1, []store.JournalEntry{G}, false},
		{"due, partly given", 1, []store.JournalEntry{P}, false},
		{"due, held", 1, []store.JournalEntry{H}, true},
		{"due, refused", 1, []store.JournalEntry{R}, true},
		{"due, held then given", 1, []store.JournalEntry{H, G}, false},
		{"two due, one given", 2, []store.JournalEntry{G}, true},
		{"two due, one given, one refused", 2, []store.JournalEntry{G, R}, true},
		{"two due, two given", 2, []store.JournalEntry{G, P}, false},
		{"none due, given", 0, []store.JournalEntry{G}, false},
		{"none due", 0, nil, false},
	} {
		if got := shaded(c.due, c.marks); got != c.want {
			t.Errorf("%s: shaded %v, want %v", c.name, got, c.want)
		}
	}
}
