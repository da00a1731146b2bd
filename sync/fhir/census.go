package fhir

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"lifeboat/clinical"
)

// Selection says which patients a census holds. Exactly one field must be
// set: a ward (a Location id; patients whose in-progress (or on-leave) Encounter is at
// that Location or anywhere under it), a list of patients (each a
// Patient.id or any identifier value, such as an MRN), or all patients.
type Selection struct {
	Ward     string
	Patients []string
	All      bool
}

// Census builds the chart of every selected patient, sorted by ward,
// room, bed, then name (patients without a place last). A selection that
// finds nobody is an error (ErrEmptyCensus): an empty census must never
// pass for a good one.
func (im *Import) Census(sel Selection) ([]clinical.Chart, error) {
	set := 0
	for _, b := range []bool{sel.Ward != "", len(sel.Patients) > 0, sel.All} {
		if b {
			set++
		}
	}
	if set != 1 {
		return nil, sentence(ErrBadSelection, "Choose exactly one of a ward, a list of patients, or all patients.")
	}
	var ids []string
	ward := strings.TrimPrefix(strings.TrimSpace(sel.Ward), "Location/")
	switch {
	case sel.Ward != "":
		if im.locations[ward] == nil {
			return nil, sentence(ErrUnknownWard, fmt.Sprintf("Ward %q is not a Location in the FHIR input.", ward))
		}
		ids = im.onWard(ward)
		if len(ids) == 0 {
			return nil, sentence(ErrEmptyCensus, fmt.Sprintf("Ward %q has no patients with an in-progress (or on-leave) encounter in the FHIR input.", ward))
		}
	case len(sel.Patients) > 0:
		var missing int
		ids, missing = im.match(sel.Patients)
		if missing > 0 {
			return nil, sentence(ErrPatientsNotFound, fmt.Sprintf("%d of the %d requested patients are not in the FHIR input.", missing, len(sel.Patients)))
		}
	default:
		for id := range im.patients {
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil, sentence(ErrEmptyCensus, "The FHIR input holds no patients.")
		}
	}
	return im.Charts(ids, ward)
}

// Charts builds the charts of the patients with the given Patient ids,
// placed on ward when it is set (see Selection), in census order. A live
// sync uses it to rebuild only the patients whose data changed.
func (im *Import) Charts(ids []string, ward string) ([]clinical.Chart, error) {
	f := &fetcher{im: im}
	defer f.close()
	charts := make([]clinical.Chart, 0, len(ids))
	for _, id := range ids {
		if im.patients[id] == nil {
			return nil, sentence(ErrPatientsNotFound, "A patient of the census is not in the FHIR input.")
		}
		charts = append(charts, im.chart(f, id, ward))
		if f.err != nil {
			return nil, f.err
		}
	}
	slices.SortFunc(charts, func(a, b clinical.Chart) int { return ComparePlace(&a.Patient, &b.Patient) })
	return charts, nil
}

// ComparePlace is census order: by ward, room, bed (numbers within them
// compared as numbers), then name and id; patients without a place last.
func ComparePlace(pa, pb *clinical.Patient) int {
	if (pa.Ward == "") != (pb.Ward == "") {
		if pa.Ward == "" {
			return 1
		}
		return -1
	}
	for _, c := range [][2]string{{pa.Ward, pb.Ward}, {pa.Room, pb.Room}, {pa.Bed, pb.Bed}, {pa.Name, pb.Name}} {
		if r := natural(c[0], c[1]); r != 0 {
			return r
		}
	}
	return strings.Compare(pa.ID, pb.ID)
}

// match finds the patients requested by id or identifier value; missing
// counts the requests that matched nobody.
func (im *Import) match(requests []string) (ids []string, missing int) {
	byIdentifier := map[string][]string{}
	for id, p := range im.patients {
		for _, ident := range p.Identifiers {
			byIdentifier[ident.Value] = append(byIdentifier[ident.Value], id)
		}
	}
	seen := map[string]bool{}
	for _, req := range requests {
		req = strings.TrimSpace(req)
		found := byIdentifier[req]
		if id := strings.TrimPrefix(req, "Patient/"); id != "" && im.patients[id] != nil {
			found = append(found, id)
		}
		if req == "" || len(found) == 0 {
			missing++
			continue
		}
		for _, id := range found {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids, missing
}

// onWard lists the patients with an in-progress (or on-leave) Encounter at the ward.
func (im *Import) onWard(ward string) []string {
	var ids []string
	for id, b := range im.charts {
		for _, enc := range b.encounters {
			if _, ok := im.bestLocation(enc, ward); ok {
				ids = append(ids, id)
				break
			}
		}
	}
	return ids
}

// chain lists the Location ids from the referenced location up its partOf
// links.
func (im *Import) chain(ref string) []string {
	var out []string
	id := im.idOf(ref, "Location")
	for id != "" && !slices.Contains(out, id) && len(out) < 16 {
		out = append(out, id)
		loc := im.locations[id]
		if loc == nil {
			break
		}
		id = im.idOf(loc.partOf, "Location")
	}
	return out
}

// bestLocation picks the most specific current location of an encounter
// (under the ward, when one is given): the longest partOf chain, then the
// latest, then the last listed. Locations the patient has left
// (completed) or not yet reached (planned) do not count.
func (im *Import) bestLocation(enc encounterRow, ward string) ([]string, bool) {
	var best []string
	var bestStart time.Time
	for _, l := range enc.locs {
		if l.status == "completed" || l.status == "planned" {
			continue
		}
		ch := im.chain(l.ref)
		if len(ch) == 0 || (ward != "" && !slices.Contains(ch, ward)) {
			continue
		}
		if best == nil || len(ch) > len(best) || (len(ch) == len(best) && !l.start.Before(bestStart)) {
			best, bestStart = ch, l.start
		}
	}
	return best, best != nil
}

// place fills the patient's ward, room, bed and admission from the latest
// in-progress (or on-leave) encounter (at the ward, when one is selected).
func (im *Import) place(p *clinical.Patient, encs []encounterRow, ward string) {
	var enc *encounterRow
	var chain []string
	for i := range encs {
		e := &encs[i]
		ch, ok := im.bestLocation(*e, ward)
		if ward != "" && !ok {
			continue
		}
		// an encounter with a place beats one without, then the later wins
		if enc == nil || (ok && chain == nil) || (ok == (chain != nil) && laterEncounter(e, enc)) {
			enc, chain = e, ch
		}
	}
	if enc == nil {
		return
	}
	p.EncounterID, p.Admitted = enc.id, enc.start
	for i, id := range chain {
		name, phys := id, ""
		if loc := im.locations[id]; loc != nil {
			phys = loc.phys
			if loc.name != "" {
				name = loc.name
			}
		}
		if phys == "" {
			switch {
			case id == ward || (ward == "" && i == len(chain)-1):
				phys = "wa"
			case i == 0:
				phys = "bd"
			default:
				phys = "ro"
			}
		}
		switch {
		case phys == "bd" && p.Bed == "":
			p.Bed = name
		case phys == "ro" && p.Room == "":
			p.Room = name
		case phys == "wa":
			p.Ward, p.WardName = id, name
			return
		}
	}
}

func laterEncounter(a, b *encounterRow) bool {
	if !a.start.Equal(b.start) {
		return a.start.After(b.start)
	}
	return a.seq > b.seq
}

// natural compares strings case-insensitively with digit runs compared as
// numbers, so "Room 9" sorts before "Room 10".
func natural(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		if unicode.IsDigit(ra[i]) && unicode.IsDigit(rb[j]) {
			si, sj := i, j
			for i < len(ra) && unicode.IsDigit(ra[i]) {
				i++
			}
			for j < len(rb) && unicode.IsDigit(rb[j]) {
				j++
			}
			na := strings.TrimLeft(string(ra[si:i]), "0")
			nb := strings.TrimLeft(string(rb[sj:j]), "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if r := strings.Compare(na, nb); r != 0 {
				return r
			}
			continue
		}
		if ra[i] != rb[j] {
			return cmpInt(int(ra[i]), int(rb[j]))
		}
		i++
		j++
	}
	if r := cmpInt(len(ra)-i, len(rb)-j); r != 0 {
		return r
	}
	return strings.Compare(a, b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
