package fhir

import (
	"cmp"
	"slices"
	"strings"

	"lifeboat/clinical"
)

// notShownKey is a resource type and why its resources are not shown.
type notShownKey struct{ rtype, reason string }

// Reasons for rows left out for being older than those kept.
const (
	olderVitals  = "older than the newest 24 of its code"
	olderLabs    = "older than the newest 10 of its code"
	olderNotes   = "older than the newest 20 notes"
	olderAdmins  = "older than the newest 60 administrations"
	notReadHere  = "not read by Lifeboat"
	unresolved   = "unresolved reference"
	compositions = "Composition entry"
)

// NotShownCount is how many resources of a type were read for a patient
// but are not shown, and why ("status completed"). It holds no patient
// data.
type NotShownCount struct {
	Type, Reason string
	N            int
}

// NotShown counts, by type and reason, the clinical resources that were
// read for a patient of the input but that no chart shows, so that
// nothing is dropped in silence: "1 MedicationStatement not shown: status
// completed". They are
//   - rows read and kept but hidden (see hidden.go): an allergy or
//     problem entered in error or refuted, a draft or proposed order, an
//     administration entered in error, an inactive flag, a
//     MedicationStatement that is history;
//   - resources left out as they are read: an Observation entered in
//     error or cancelled, of a category the chart does not show, or
//     without a value; a DocumentReference superseded or entered in
//     error; an Encounter that is not in progress or on leave; a List
//     that is no allergy, problem or medication list, or not current; a
//     "no known ..." statement that is no longer current, or a resource
//     that says only that it is unknown; a Composition entered in error;
//   - rows older than the newest kept: vitals beyond the newest 24 of a
//     code, labs beyond 10, notes beyond 20, administrations beyond 60;
//   - resources of the clinical types this package does not read
//     (DiagnosticReport, Goal, ImagingStudy...): "not read by Lifeboat";
//   - the entries of a Composition's allergy, problem or medication
//     sections that are not in the input: "1 Composition entry not
//     shown: unresolved reference". An entry for a resource that is in
//     the input is counted, if it is not shown, under that resource's
//     own type and reason only.
//
// Each resource is counted once, by its newest version; a resource whose
// newest version is shown is not counted (its older versions are in no
// chart: see bucket.settle). Resources that lead to no
// patient are counted apart (Import.Unlinked), and the types that are
// not clinical (Claim, Coverage...) are only skipped. The lines are in a
// fixed order.
func (im *Import) NotShown() []string {
	var all [][]NotShownCount
	for _, c := range im.NotShownByPatient() {
		all = append(all, c)
	}
	return NotShownLines(all...)
}

// NotShownByPatient is what NotShown counts, for each patient of the
// input (by Patient.id) that has anything not shown. A caller that
// builds the charts of a ward in parts (the live sync) adds up those of
// the patients it keeps with NotShownLines.
func (im *Import) NotShownByPatient() map[string][]NotShownCount {
	f := &fetcher{im: im}
	defer f.close()
	out := map[string][]NotShownCount{}
	for id, b := range im.charts {
		if c := im.notShown(f, b); len(c) > 0 {
			out[id] = c
		}
	}
	return out
}

// NotShownLines adds up counts and writes them one line each, in a fixed
// order: "2 Observation not shown: category survey".
func NotShownLines(counts ...[]NotShownCount) []string {
	sum := map[notShownKey]int{}
	for _, list := range counts {
		for _, c := range list {
			sum[notShownKey{c.Type, c.Reason}] += c.N
		}
	}
	keys := make([]notShownKey, 0, len(sum))
	for k, n := range sum {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b notShownKey) int {
		return cmp.Or(strings.Compare(a.rtype, b.rtype), strings.Compare(a.reason, b.reason))
	})
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, thousands(sum[k])+" "+k.rtype+" not shown: "+k.reason)
	}
	return out
}

// notShown counts one patient's resources not shown.
func (im *Import) notShown(f *fetcher, b *bucket) []NotShownCount {
	counts := map[notShownKey]int{}
	count := func(src *clinical.Source, why string) {
		if why != "" {
			counts[notShownKey{src.Type, why}]++
		}
	}
	for _, r := range b.allergies {
		count(&r.Source, hiddenAllergy(&r))
	}
	for _, r := range b.problems {
		count(&r.Source, hiddenProblem(&r))
	}
	for _, r := range b.meds {
		count(&r.Source, hiddenMed(&r))
	}
	admins := 0
	for _, r := range b.admins {
		why := hiddenAdmin(&r)
		if why == "" {
			admins++
		}
		count(&r.Source, why)
	}
	if admins > keepAdmins {
		counts[notShownKey{"MedicationAdministration", olderAdmins}] += admins - keepAdmins
	}
	for _, r := range b.alerts {
		count(&r.Source, hiddenAlert(&r))
	}
	seenRec := map[string]bool{} // a CareTeam is one resource, of many rows
	for _, r := range b.records {
		if k := r.src.Type + "/" + r.src.ID; r.hidden != "" && !seenRec[k] {
			seenRec[k] = true
			count(&r.src, r.hidden)
		}
	}
	if len(b.dropped) > 0 {
		kept := b.keptKeys()
		for k, d := range b.dropped {
			if !kept[k] {
				count(&d.src, d.reason)
			}
		}
	}
	for k, n := range b.older {
		counts[k] += n
	}
	for t, n := range b.notRead {
		counts[notShownKey{t, notReadHere}] += n
	}
	// The entries an IPS Composition lists for the allergies, problems or
	// medications that are not in the input. One in the input is counted
	// under its own type when it is not shown, not here.
	seen := map[string]bool{}
	for _, a := range b.asserts {
		if a.sec != secComposition || seen[a.src.ID] {
			continue
		}
		seen[a.src.ID] = true
		src := a.src
		f.fill(&src, a.raw)
		for _, cs := range chartSections(src.JSON) {
			for _, r := range cs.entries {
				ref := strings.TrimSpace(r.Reference)
				if ref != "" && !strings.HasPrefix(ref, "#") && !im.inInput(ref) {
					counts[notShownKey{compositions, unresolved}]++
				}
			}
		}
	}
	out := make([]NotShownCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, NotShownCount{Type: k.rtype, Reason: k.reason, N: n})
	}
	slices.SortFunc(out, func(a, b NotShownCount) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Reason, b.Reason))
	})
	return out
}

// keptKeys are the "Type/id" of the resources the bucket has rows of: a
// resource left out in one version and kept in another is not counted.
func (b *bucket) keptKeys() map[string]bool {
	kept := map[string]bool{}
	b.eachRow(func(s *clinical.Source, _ rawAt) { kept[s.Type+"/"+s.ID] = true })
	return kept
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
