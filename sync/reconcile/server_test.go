package reconcile

import (
	"strings"
	"testing"
)

// A resource a search cannot decode fails the search, named by type and
// id and the member at fault, never by what it holds.
func TestUnreadableNamesTheResourceNotItsContent(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{`{"resourceType":"MedicationRequest","id":"o1","dosageInstruction":[{"timing":{"repeat":{"frequency":"thrice"}}}]}`,
			"the server's MedicationRequest/o1 could not be read (its dosageInstruction.timing.repeat.frequency is not"},
		{`{"resourceType":"MedicationRequest","id":"o1","status":12345}`,
			"the server's MedicationRequest/o1 could not be read (its status is not"},
		{`{"resourceType":"MedicationRequest","id":7}`,
			"a MedicationRequest on the server without a readable id could not be read"},
	} {
		_, err := decode[order]([]byte(c.raw))
		if err == nil {
			t.Fatalf("%s decoded", c.raw)
		}
		got := unreadable("MedicationRequest", []byte(c.raw), err).Error()
		if !strings.HasPrefix(got, c.want) || strings.Contains(got, "thrice") || strings.Contains(got, "12345") {
			t.Errorf("got %q, want it to start %q and hold nothing of the resource", got, c.want)
		}
	}
}
