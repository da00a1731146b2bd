package fhir

import (
	"cmp"
	"slices"

	"lifeboat/store"
)

// The newest version of a resource decides whether it is shown. A chart
// row is kept only while no newer version of the same resource (same
// type and id) was read: a newer version that is left out as it is read
// (an Observation entered in error, a List retired, an Encounter
// cancelled...) withdraws the rows of the older ones, and a newer
// version that is kept under another row (an Observation whose code
// changed, an AllergyIntolerance that became a "no known allergies"
// record) replaces them. The input order does not matter: the versions
// may come in any order, across files or within a Bundle.

// version is one version of a resource, and where it was read.
type version struct {
	src store.Source // without JSON
	at  rawAt
}

// laterVersion compares two versions of a resource: by lastUpdated, then
// by a numeric versionId; when neither tells, the one read later (later
// input, later in it) is the newer. It is 0 only for the very same place.
// It is the one comparison of versions: settle, drop, keepNewest and the
// patients all use it.
func laterVersion(a, b version) int {
	if c := compareVersions(&a.src, &b.src); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.at.file, b.at.file), cmp.Compare(a.at.off, b.at.off))
}

// settle drops, once the bucket holds all of a patient's rows, every row
// of which a newer version was read (see above), so that the chart, the
// census and NotShown all see the same rows. The counts of rows left out
// for being older than those kept are not changed.
func (b *bucket) settle() {
	newest := map[string]version{}
	see := func(src *store.Source, at rawAt) {
		k := src.Type + "/" + src.ID
		v := version{store.Source{Type: src.Type, ID: src.ID, VersionID: src.VersionID, LastUpdated: src.LastUpdated}, at}
		if n, ok := newest[k]; !ok || laterVersion(v, n) > 0 {
			newest[k] = v
		}
	}
	for k := range b.dropped {
		d := b.dropped[k]
		see(&d.src, d.at)
	}
	b.eachRow(see)
	superseded := func(src *store.Source, at rawAt) bool {
		return laterVersion(newest[src.Type+"/"+src.ID], version{*src, at}) > 0
	}
	b.allergies = slices.DeleteFunc(b.allergies, func(r allergyRow) bool { return superseded(&r.Source, r.raw) })
	b.problems = slices.DeleteFunc(b.problems, func(r problemRow) bool { return superseded(&r.Source, r.raw) })
	b.meds = slices.DeleteFunc(b.meds, func(r medRow) bool { return superseded(&r.Source, r.raw) })
	b.admins = slices.DeleteFunc(b.admins, func(r adminRow) bool { return superseded(&r.Source, r.raw) })
	b.asserts = slices.DeleteFunc(b.asserts, func(r assertion) bool { return superseded(&r.src, r.raw) })
	b.alerts = slices.DeleteFunc(b.alerts, func(r alertRow) bool { return superseded(&r.Source, r.raw) })
	b.notes = slices.DeleteFunc(b.notes, func(r noteRow) bool { return superseded(&r.Source, r.raw) })
	b.encounters = slices.DeleteFunc(b.encounters, func(r encounterRow) bool { return superseded(&r.src, r.raw) })
	b.records = slices.DeleteFunc(b.records, func(r recordRow) bool { return superseded(&r.src, r.raw) })
	for k, list := range b.obs {
		list = slices.DeleteFunc(list, func(r obsRow) bool { return superseded(&r.Source, r.raw) })
		if len(list) == 0 {
			delete(b.obs, k)
		} else {
			b.obs[k] = list
		}
	}
}

// eachRow calls fn with the source and place of every row of the bucket.
func (b *bucket) eachRow(fn func(*store.Source, rawAt)) {
	for i := range b.allergies {
		fn(&b.allergies[i].Source, b.allergies[i].raw)
	}
	for i := range b.problems {
		fn(&b.problems[i].Source, b.problems[i].raw)
	}
	for i := range b.meds {
		fn(&b.meds[i].Source, b.meds[i].raw)
	}
	for i := range b.admins {
		fn(&b.admins[i].Source, b.admins[i].raw)
	}
	for i := range b.asserts {
		fn(&b.asserts[i].src, b.asserts[i].raw)
	}
	for i := range b.alerts {
		fn(&b.alerts[i].Source, b.alerts[i].raw)
	}
	for i := range b.notes {
		fn(&b.notes[i].Source, b.notes[i].raw)
	}
	for i := range b.encounters {
		fn(&b.encounters[i].src, b.encounters[i].raw)
	}
	for i := range b.records {
		fn(&b.records[i].src, b.records[i].raw)
	}
	for _, list := range b.obs {
		for i := range list {
			fn(&list[i].Source, list[i].raw)
		}
	}
}
