package fhir

import (
	"cmp"
	"slices"
	"strings"

	"lifeboat/store"
)

// NotShown counts, by type and reason, the clinical resources that were
// read for a patient of the input but that no chart shows (see hidden.go:
// an allergy or problem entered in error or refuted, a draft or proposed
// order, an administration entered in error, an inactive flag, a
// MedicationStatement that is history), so that nothing is dropped in
// silence: "1 MedicationStatement not shown: status completed"; and the
// entries of a Composition's sections that are not in the input: "1
// Composition entry not shown: unresolved reference". Resources
// that lead to no patient are counted apart (Import.Unlinked). The lines
// are in a fixed order and hold no patient data.
func (im *Import) NotShown() []string {
	type key struct{ rtype, reason string }
	counts := map[key]int{}
	seen := map[string]bool{}
	for _, b := range im.charts {
		count := func(src *store.Source, why string) {
			if why != "" {
				counts[key{src.Type, why}]++
			}
		}
		for _, r := range dedupe(slices.Clone(b.allergies), func(a *allergyRow) *store.Source { return &a.Source }) {
			count(&r.Source, hiddenAllergy(&r))
		}
		for _, r := range dedupe(slices.Clone(b.problems), func(p *problemRow) *store.Source { return &p.Source }) {
			count(&r.Source, hiddenProblem(&r))
		}
		for _, r := range dedupe(slices.Clone(b.meds), func(m *medRow) *store.Source { return &m.Source }) {
			count(&r.Source, hiddenMed(&r))
		}
		for _, r := range dedupe(slices.Clone(b.admins), func(a *adminRow) *store.Source { return &a.Source }) {
			count(&r.Source, hiddenAdmin(&r))
		}
		for _, r := range dedupe(slices.Clone(b.alerts), func(a *alertRow) *store.Source { return &a.Source }) {
			count(&r.Source, hiddenAlert(&r))
		}
	}
	// Entries an IPS Composition lists for the allergies, problems or
	// medications that are not in the input: a urn:uuid reference no
	// Bundle entry of the input carries. (A relative reference cannot be
	// told apart from one to a resource left out for its status.)
	f := &fetcher{im: im}
	defer f.close()
	for _, b := range im.charts {
		for _, a := range b.asserts {
			if a.sec != secComposition || seen["Composition/"+a.src.ID] {
				continue
			}
			seen["Composition/"+a.src.ID] = true
			src := a.src
			f.fill(&src, a.raw)
			for _, cs := range chartSections(src.JSON) {
				for _, r := range cs.entries {
					ref := strings.TrimSpace(r.Reference)
					if _, ok := im.refs[ref]; !ok && strings.HasPrefix(ref, "urn:") {
						counts[key{"Composition entry", "unresolved reference"}]++
					}
				}
			}
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
// It takes the lines of NotShown, so that a caller that keeps them too
// counts them once.
func NotShownSummary(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "; ") + "."
}
