package fhir

import (
	"cmp"
	"slices"
	"strings"
)

// NotShown counts, by type and reason, the clinical resources that were
// read for a patient of the input but that no chart shows (a
// MedicationStatement that is history, say), so that nothing is dropped in
// silence: "1 MedicationStatement not shown: status completed". Resources
// that lead to no patient are counted apart (Import.Unlinked). The lines
// are in a fixed order and hold no patient data.
func (im *Import) NotShown() []string {
	type key struct{ rtype, reason string }
	counts := map[key]int{}
	seen := map[string]bool{}
	for _, b := range im.charts {
		for _, m := range b.meds {
			if !m.Reported() || shownStatements[m.Status] || seen[m.Source.ID] {
				continue
			}
			seen[m.Source.ID] = true
			counts[key{m.Source.Type, "status " + m.Status}]++
		}
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.rtype, b.rtype), strings.Compare(a.reason, b.reason))
	})
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, thousands(counts[k])+" "+k.rtype+" not shown: "+k.reason)
	}
	return out
}

// NotShownSummary is NotShown as one sentence for the command line, or ""
// when every resource read is shown: "1 MedicationStatement not shown:
// status completed; 2 MedicationStatement not shown: status stopped."
func (im *Import) NotShownSummary() string {
	lines := im.NotShown()
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "; ") + "."
}
