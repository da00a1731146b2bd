package reconcile

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// maxCandidates is how many EHR patients are proposed for a temporary one.
const maxCandidates = 5

// candidates proposes EHR patients for each registration to link: those
// with the same family name or the same birth date, scored by how much of
// name, birth date and sex agrees, best first. Nothing is linked by this:
// a person chooses.
func (r *Reconciler) candidates(ctx context.Context, v *journalView, open []*Item) (map[string][]Match, error) {
	var families, births []string
	regs := map[string]*clinical.Registration{}
	for _, it := range open {
		e := v.byID[it.Entry]
		if it.Outcome != NeedsLink || e.Kind != clinical.KindRegistration {
			continue
		}
		reg := e.Registration
		regs[e.ID] = reg
		if f := strings.TrimSpace(reg.Family); f != "" {
			families = append(families, strings.ReplaceAll(f, ",", `\,`))
		}
		if reg.BirthDate != "" {
			births = append(births, reg.BirthDate) // a year or month matches the days within it
		}
	}
	if len(regs) == 0 {
		return nil, nil
	}
	rd := reader{r.Client}
	// Birth dates are searched one by one: a comma list of dates is
	// refused by some servers.
	pool, err := search[r4.Patient](ctx, rd, "Patient", "family", families, nil)
	if err != nil {
		return nil, err
	}
	for _, b := range slices.Compact(slices.Sorted(slices.Values(births))) {
		got, err := search[r4.Patient](ctx, rd, "Patient", "birthdate", []string{b}, nil)
		if err != nil {
			return nil, err
		}
		pool = append(pool, got...)
	}
	out := map[string][]Match{}
	for id, reg := range regs {
		seen := map[string]bool{}
		var ms []Match
		for _, p := range pool {
			if seen[p.R.ID] || (p.R.Active != nil && !*p.R.Active) || replacedBy(p.R) != "" {
				continue
			}
			seen[p.R.ID] = true
			if m, ok := score(reg, p.R); ok {
				ms = append(ms, m)
			}
		}
		slices.SortStableFunc(ms, func(a, b Match) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Patient, b.Patient))
		})
		out[id] = ms[:min(len(ms), maxCandidates)]
	}
	return out, nil
}

// nameParts are the family and given names of an EHR patient's first name.
func nameParts(p *r4.Patient) (family, given string) {
	if len(p.Name) > 0 {
		family, given = p.Name[0].Family, strings.Join(p.Name[0].Given, " ")
	}
	return family, given
}

// patientName is an EHR patient's name as a person reads it: "Jan Peeters".
func patientName(p *r4.Patient) string {
	family, given := nameParts(p)
	return strings.TrimSpace(given + " " + family)
}

// score weighs how well an EHR patient matches a registration: family
// name 4, given name 2 (1 for a first letter), full birth date 4 (1 for
// the year alone), sex 1. A candidate needs a name or birth date match.
func score(reg *clinical.Registration, p *r4.Patient) (Match, bool) {
	family, given := nameParts(p)
	m := Match{Patient: p.ID, Name: patientName(p), BirthDate: p.BirthDate, Sex: p.Gender}
	var why []string
	same := func(a, b string) bool {
		return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	if same(reg.Family, family) {
		m.Score += 4
		why = append(why, "family name")
	}
	switch {
	case same(reg.Given, given) || (reg.Given != "" && slices.ContainsFunc(strings.Fields(given), func(g string) bool { return same(g, reg.Given) })):
		m.Score += 2
		why = append(why, "given name")
	case reg.Given != "" && given != "" && strings.EqualFold(reg.Given[:1], given[:1]):
		m.Score++
		why = append(why, "initial")
	}
	switch {
	case reg.BirthDate != "" && reg.BirthDate == p.BirthDate:
		m.Score += 4
		why = append(why, "birth date")
	case reg.BirthDate != "" && strings.HasPrefix(p.BirthDate, reg.BirthDate[:4]):
		m.Score++
		why = append(why, "birth year")
	}
	if m.Score == 0 {
		return Match{}, false
	}
	if reg.Sex != "" && reg.Sex != "unknown" && reg.Sex == p.Gender {
		m.Score++
		why = append(why, "sex")
	}
	m.Why = fmt.Sprintf("same %s", strings.Join(why, ", "))
	return m, true
}
