package fhir

import (
	"encoding/json"
	"slices"
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// composition files a Composition under its patient, to be read again
// when the chart is built: its sections say which parts of the chart the
// source asserts empty ("nilknown") or says nothing about, and why.
func (e *entry) composition() any {
	var j r4.Composition
	if !e.decode(&j) {
		return nil
	}
	if strings.TrimSpace(j.Subject.Reference) == "" {
		return nil // about no one
	}
	e.subject = refKey(j.Subject.Reference)
	if j.Status == "entered-in-error" {
		e.dropped = "status entered-in-error" // withdrawn
		return nil
	}
	return assertion{sec: secComposition, src: e.source(), when: when(j.Date, e.meta.LastUpdated), raw: e.at}
}

// chartSection is one Composition section that maps to a chart section.
type chartSection struct {
	sec         section
	emptyReason string         // list-empty-reason code, when the section has no entries
	entries     []r4.Reference // its entries and those of its sub-sections
}

// chartSections reads a Composition's sections that map to chart sections
// (allergies, problems, medications, by their LOINC codes), sub-sections
// included.
func chartSections(raw []byte) []chartSection {
	var j struct { // only what is read: a broken member elsewhere hides no section
		Section []r4.CompositionSection `json:"section"`
	}
	if json.Unmarshal(raw, &j) != nil {
		return nil
	}
	var out []chartSection
	var walk func([]r4.CompositionSection)
	walk = func(list []r4.CompositionSection) {
		for _, s := range list {
			if sec, ok := listSection(s.Code); ok {
				cs := chartSection{sec: sec, entries: slices.Clone(s.Entry)}
				var sub func([]r4.CompositionSection)
				sub = func(l []r4.CompositionSection) {
					for _, x := range l {
						cs.entries = append(cs.entries, x.Entry...)
						sub(x.Section)
					}
				}
				sub(s.Section)
				if len(cs.entries) == 0 && s.EmptyReason != nil {
					cs.emptyReason = strings.TrimSpace(firstCode(*s.EmptyReason, sysListEmpty))
				}
				out = append(out, cs)
				continue
			}
			walk(s.Section)
		}
	}
	walk(j.Section)
	return out
}

// sysListEmpty is the code system of list and section empty reasons.
const sysListEmpty = "http://terminology.hl7.org/CodeSystem/list-empty-reason"

// compositions applies the patient's Compositions to the chart. Only the
// newest version of a Composition counts (as for any resource read
// twice), and for each section only the newest Composition that has it
// (by date, else lastUpdated) has a say: an older document's "nilknown"
// never speaks over a newer one that lists entries or gives another
// reason. A section that is empty with the reason "nilknown" is an
// assertion of none known (held to the same rules as any other: a
// current item contradicts it), any other reason is kept as the
// section's EmptyReason (none recorded, and why).
func (im *Import) compositions(f *fetcher, b *bucket, c *clinical.Chart) {
	var comps []assertion
	for _, a := range b.asserts {
		if a.sec == secComposition {
			comps = append(comps, a)
		}
	}
	slices.SortStableFunc(comps, func(x, y assertion) int { return x.when.Compare(y.when) })
	decided := map[section]bool{}
	for i := len(comps) - 1; i >= 0; i-- { // newest first
		src := comps[i].src
		f.fill(&src, comps[i].raw)
		// A section may appear more than once in a document: it is
		// empty only if no appearance has entries.
		var order []section
		reasons := map[section]string{}
		for _, cs := range chartSections(src.JSON) {
			if decided[cs.sec] {
				continue
			}
			r, seen := reasons[cs.sec]
			if !seen {
				order = append(order, cs.sec)
			}
			switch {
			case len(cs.entries) > 0:
				reasons[cs.sec] = hasEntries
			case !seen || r == "":
				reasons[cs.sec] = cs.emptyReason
			}
		}
		for _, sec := range order {
			decided[sec] = true
			reason := reasons[sec]
			if reason == "" || reason == hasEntries {
				continue
			}
			switch sec {
			case secAllergies:
				applyEmpty(&c.Allergies, reason, &src, clinical.Allergy.Active)
			case secProblems:
				applyEmpty(&c.Problems, reason, &src, func(p clinical.Problem) bool { return !inactive(p.ClinicalStatus) })
			case secMedications:
				applyEmpty(&c.Medications, reason, &src, clinical.Medication.Current)
			case secDirectives:
				applyEmpty(&c.AdvanceDirectives, reason, &src, anyItem[clinical.Directive])
			case secDevices:
				applyEmpty(&c.Devices, reason, &src, anyItem[clinical.Device])
			case secProcedures:
				applyEmpty(&c.Procedures, reason, &src, anyItem[clinical.Procedure])
			case secImmunizations:
				applyEmpty(&c.Immunizations, reason, &src, anyItem[clinical.Immunization])
			}
		}
	}
}

// anyItem says that any item of the section contradicts a "none known".
func anyItem[T any](T) bool { return true }

// hasEntries marks a section with entries (no empty reason applies).
const hasEntries = "\x00entries"

// applyEmpty applies one section's empty reason: "nilknown" asserts
// none known unless the chart has a current item in the section.
func applyEmpty[T any](s *clinical.Section[T], reason string, src *clinical.Source, current func(T) bool) {
	if reason == "nilknown" {
		if !slices.ContainsFunc(s.Items, current) {
			s.Assertion = src
		}
		return
	}
	s.EmptyReason = reason
}
