package fhir

import (
	"cmp"
	"slices"

	"lifeboat/clinical"
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
	src clinical.Source // without JSON
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
	see := func(src *clinical.Source, at rawAt) {
		k := src.Type + "/" + src.ID
		v := version{clinical.Source{Type: src.Type, ID: src.ID, VersionID: src.VersionID, LastUpdated: src.LastUpdated}, at}
		if n, ok := newest[k]; !ok || laterVersion(v, n) > 0 {
			newest[k] = v
		}
	}
	for k := range b.dropped {
		d := b.dropped[k]
		see(&d.src, d.at)
	}
	b.eachRow(see)
	superseded := func(src *clinical.Source, at rawAt) bool {
		return laterVersion(newest[src.Type+"/"+src.ID], version{*src, at}) > 0
	}
	b.allergies = withoutSuperseded(b.allergies, superseded)
	b.problems = withoutSuperseded(b.problems, superseded)
	b.meds = withoutSuperseded(b.meds, superseded)
	b.admins = withoutSuperseded(b.admins, superseded)
	b.asserts = withoutSuperseded(b.asserts, superseded)
	b.alerts = withoutSuperseded(b.alerts, superseded)
	b.notes = withoutSuperseded(b.notes, superseded)
	b.encounters = withoutSuperseded(b.encounters, superseded)
	b.records = withoutSuperseded(b.records, superseded)
	for k, list := range b.obs {
		list = withoutSuperseded(list, superseded)
		if len(list) == 0 {
			delete(b.obs, k)
		} else {
			b.obs[k] = list
		}
	}
}

// eachRow calls fn with the source and place of every row of the bucket.
func (b *bucket) eachRow(fn func(*clinical.Source, rawAt)) {
	eachPlaced(b.allergies, fn)
	eachPlaced(b.problems, fn)
	eachPlaced(b.meds, fn)
	eachPlaced(b.admins, fn)
	eachPlaced(b.asserts, fn)
	eachPlaced(b.alerts, fn)
	eachPlaced(b.notes, fn)
	eachPlaced(b.encounters, fn)
	eachPlaced(b.records, fn)
	for _, list := range b.obs {
		eachPlaced(list, fn)
	}
}

// placed is a row of a bucket: its source, and where it was read.
type placed[T any] interface {
	*T
	place() (*clinical.Source, rawAt)
}

func (r *allergyRow) place() (*clinical.Source, rawAt)   { return &r.Source, r.raw }
func (r *problemRow) place() (*clinical.Source, rawAt)   { return &r.Source, r.raw }
func (r *medRow) place() (*clinical.Source, rawAt)       { return &r.Source, r.raw }
func (r *adminRow) place() (*clinical.Source, rawAt)     { return &r.Source, r.raw }
func (r *assertion) place() (*clinical.Source, rawAt)    { return &r.src, r.raw }
func (r *alertRow) place() (*clinical.Source, rawAt)     { return &r.Source, r.raw }
func (r *noteRow) place() (*clinical.Source, rawAt)      { return &r.Source, r.raw }
func (r *encounterRow) place() (*clinical.Source, rawAt) { return &r.src, r.raw }
func (r *recordRow) place() (*clinical.Source, rawAt)    { return &r.src, r.raw }
func (r *obsRow) place() (*clinical.Source, rawAt)       { return &r.Source, r.raw }

// eachPlaced calls fn with the source and place of each row.
func eachPlaced[T any, P placed[T]](rows []T, fn func(*clinical.Source, rawAt)) {
	for i := range rows {
		fn(P(&rows[i]).place())
	}
}

// withoutSuperseded are the rows that superseded does not drop.
func withoutSuperseded[T any, P placed[T]](rows []T, superseded func(*clinical.Source, rawAt) bool) []T {
	return slices.DeleteFunc(rows, func(r T) bool { return superseded(P(&r).place()) })
}
