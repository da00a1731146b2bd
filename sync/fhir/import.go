package fhir

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// Import is everything read from the FHIR input, ready for census selection.
// It is not changed after Read returns, so Census may be called from
// several goroutines.
type Import struct {
	// Counts is how many resources of each used type were read (whether
	// or not they end up in a chart, e.g. finished encounters).
	Counts map[string]int
	// Skipped counts resources of types this package does not use.
	Skipped map[string]int
	// Malformed lists resources that were skipped because they could not
	// be used, up to MaxMalformed of them; MalformedTotal counts them all.
	Malformed      []Malformed
	MalformedTotal int
	// Unlinked counts rows whose patient reference leads to no Patient in
	// the input; they are in no chart.
	Unlinked int
	// TooLarge counts resources larger than MaxResource: refused, never
	// kept, and their sections never "none known" (like Malformed ones).
	TooLarge int
	// EmptyEntries counts Bundle entries without a resource (deletes in
	// a history, responses, or padding).
	EmptyEntries int
	// Duplicates counts resources read again (same type and id) with
	// other content. Of each, the newest version is kept: the later
	// meta.lastUpdated, then the higher numeric meta.versionId, else the
	// one read last (Location, Medication and Practitioner: the one read
	// last). Versions not kept in a chart anyway (vitals beyond the
	// newest, notes beyond the newest 20) are not compared. A newest
	// version left out as read (entered in error...) withdraws the older
	// ones from the charts (see bucket.settle); it is not counted here.
	Duplicates int
	// Ignored counts resources used without members of the wrong type
	// that Lifeboat does not read (an Encounter whose class is an array,
	// an Observation whose meta.tag is an object): those members are
	// left out, the rest is used. Those of a member read for one
	// section only (a Patient's contacts, see partial) are counted here
	// too, and that section says it holds data that could not be read.
	// IgnoredAt says where the first MaxMalformed of them were and which
	// members, by path only.
	Ignored   int
	IgnoredAt []Malformed

	tooLargeAt   []Malformed       // where the first TooLarge were, for Summary
	inputs       []input           // what was read, in reading order, for fetching raw JSON
	seed         maphash.Seed      // for rawAt.sum
	refs         map[string]string // fullUrl -> "Type/id"
	patients     map[string]*patientRow
	locations    map[string]*locationRow
	medications  map[string]*medicationRow
	devices      map[string]*deviceRow
	practitioner map[string]string // id -> display name
	// inputKeys are hashes (seed) of the "Type/id" and fullUrl of every
	// resource of the input, sorted once read, to tell a Composition's
	// entries that are not in it; kept only when a Composition was read.
	inputKeys []uint64
	buckets   map[string]*bucket // raw patient reference -> rows
	charts    map[string]*bucket // Patient.id -> rows, after link
	seq       int                // reading order, for ties
	// unreadableAll are the sections that hold unreadable data of a
	// patient nobody can tell: no chart may call them "none known".
	unreadableAll sections
	written       time.Time // see Written
}

// Written is when the input data is known to be from: the earliest of
// each input file's modification time and each Bundle's timestamp (the
// Bundle's own timestamp element, when it has one that can be read). It
// is conservative on purpose: the command line uses it as the snapshot's
// "data as of", so that an old export is never shown as fresh, and one
// old file among new ones makes the whole snapshot as old as that file.
//
// Data given to ReadBytes has no modification time: only Bundle
// timestamps count. When nothing tells (data in memory without a Bundle
// timestamp), Written is the zero time, which means unknown, never now:
// the caller must then say the age is unknown, or use a time it knows
// the data is from.
func (im *Import) Written() time.Time { return im.written }

// writtenBy lowers Written to t when t is earlier; a zero t tells nothing.
func (im *Import) writtenBy(t time.Time) {
	if !t.IsZero() && (im.written.IsZero() || t.Before(im.written)) {
		im.written = t
	}
}

// MaxMalformed bounds the Malformed details kept; MalformedTotal keeps
// counting past it.
const MaxMalformed = 1000

// Malformed is one resource that was skipped. File names the input by
// its number, never by its name: "input file 3" (see Read), or the name
// given to ReadBytes. Position is "entry[3]" for a Bundle entry (0-based,
// as in FHIRPath), "line 7" for NDJSON (1-based), "line 7 entry[3]" for a
// Bundle on an NDJSON line, "resource" for an input holding one resource.
// Reason names the resource type and the fields at fault, never their
// values.
type Malformed struct {
	File     string
	Position string
	Reason   string
}

// String is "input file 3, line 7: Observation: missing code".
func (m Malformed) String() string {
	return joinNonEmpty(", ", m.File, m.Position) + ": " + m.Reason
}

// Unusable is how many resources could not be used: malformed or too
// large (the count a snapshot's manifest shows beside its data).
func (im *Import) Unusable() int { return im.MalformedTotal + im.TooLarge }

// UnusableIn is how many resources of the part named name (see ReadParts)
// could not be used.
func (im *Import) UnusableIn(name string) int {
	n := 0
	for _, in := range im.inputs {
		if in.label == strings.TrimSpace(name) {
			n += in.unusable
		}
	}
	return n
}

// summaryExamples is how many Malformed records Summary quotes.
const summaryExamples = 3

// Summary says in one or two plain sentences what was read, for the
// command line: "Read 12 input files: 5,123 resources used, 8,345 of
// other types skipped, 2 malformed skipped (input file 3, entry[7]:
// Observation: field valueQuantity.value is not a number; ...)." A second
// sentence counts rows that lead to no patient, when there are any. Like
// every message of this package it holds no patient data and no file
// names: inputs by number, reasons by type and field.
func (im *Import) Summary() string {
	what := plural(len(im.inputs), "input file", "input files")
	if len(im.inputs) == 1 && im.inputs[0].inMemory {
		what = im.inputs[0].label
	}
	var sb strings.Builder
	sb.WriteString("Read " + what + ": " + plural(sumCounts(im.Counts), "resource", "resources") + " used, " +
		thousands(sumCounts(im.Skipped)) + " of other types skipped, ")
	if im.TooLarge > 0 {
		sb.WriteString(fmt.Sprintf("%s larger than %d MiB skipped (", thousands(im.TooLarge), MaxResource>>20))
		writeExamples(&sb, im.tooLargeAt, im.TooLarge, func(m Malformed) string { return joinNonEmpty(", ", m.File, m.Position) })
		sb.WriteString("), ")
	}
	if im.MalformedTotal == 0 {
		sb.WriteString("none malformed.")
	} else {
		sb.WriteString(thousands(im.MalformedTotal) + " malformed skipped (")
		writeExamples(&sb, im.Malformed, im.MalformedTotal, Malformed.String)
		sb.WriteString(").")
	}
	if im.EmptyEntries > 0 {
		sb.WriteString(" " + plural(im.EmptyEntries, "Bundle entry holds", "Bundle entries hold") + " no resource.")
	}
	if im.Duplicates > 0 {
		sb.WriteString(" " + plural(im.Duplicates, "resource was", "resources were") + " read again with other content" +
			" (same type and id): the newest version was kept (later meta.lastUpdated, then higher meta.versionId, else the one read last).")
	}
	if im.Ignored > 0 {
		sb.WriteString(" " + plural(im.Ignored, "resource was", "resources were") + " used without members of the wrong type that Lifeboat does not read (")
		writeExamples(&sb, im.IgnoredAt, im.Ignored, Malformed.String)
		sb.WriteString(").")
	}
	if im.Unlinked > 0 {
		sb.WriteString(" " + plural(im.Unlinked, "row refers", "rows refer") + " to no patient in the input and " +
			map[bool]string{true: "is", false: "are"}[im.Unlinked == 1] + " in no chart.")
	}
	return sb.String()
}

// writeExamples writes the first summaryExamples of at, each as say puts
// it, "; " between them, and "; and N more" for the rest of total.
func writeExamples(sb *strings.Builder, at []Malformed, total int, say func(Malformed) string) {
	shown := at[:min(len(at), summaryExamples)]
	for i, m := range shown {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(say(m))
	}
	if more := total - len(shown); more > 0 {
		sb.WriteString("; and " + thousands(more) + " more")
	}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// plural is "1 input file", "12 input files", "5,123 resources".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func newImport() *Import {
	return &Import{
		Counts:       map[string]int{},
		Skipped:      map[string]int{},
		seed:         maphash.MakeSeed(),
		refs:         map[string]string{},
		patients:     map[string]*patientRow{},
		locations:    map[string]*locationRow{},
		medications:  map[string]*medicationRow{},
		devices:      map[string]*deviceRow{},
		practitioner: map[string]string{},
		buckets:      map[string]*bucket{},
	}
}

// Rows kept between reading and census. Each keeps where its resource's
// JSON is (raw) instead of the JSON itself: Census fetches it again for the
// selected patients only.

// rawAt is where a resource's JSON is: file (index into inputs), offset
// and length, and a hash of the bytes to know them again.
type rawAt struct {
	file int32
	n    int32
	off  int64
	sum  uint64
}

type patientRow struct {
	clinical.Patient
	contacts []clinical.Contact // Patient.contact and communication
	gp       []r4.Reference     // Patient.generalPractitioner
	// unreadable are the sections fed by members of the wrong type
	// (see partial).
	unreadable sections
	raw        rawAt
}

// careRef is a care team member to be named by a reference's resource
// when it has no display.
type careRef struct {
	ref    string
	member clinical.CareMember
}

type allergyRow struct {
	clinical.Allergy
	raw rawAt
}

type alertRow struct {
	clinical.Alert
	raw rawAt
}

type locationRow struct {
	name, phys, partOf string
}

type medicationRow struct {
	name, code string
	codes      []string
}

type encLocation struct {
	ref, status string
	start       time.Time
}

type encounterRow struct {
	id    string
	start time.Time
	seq   int
	locs  []encLocation
	team  []careRef       // participants
	src   clinical.Source // its version, without JSON
	raw   rawAt
}

type assertion struct {
	sec  section
	src  clinical.Source
	when time.Time
	raw  rawAt
}

type problemRow struct {
	clinical.Problem
	sortAt time.Time // onset, else recorded date
	raw    rawAt
}

type medRow struct {
	clinical.Medication
	medRef string
	codes  []string
	raw    rawAt
}

type adminRow struct {
	clinical.Administration
	medRef, request string
	codes           []string
	raw             rawAt
}

type obsRow struct {
	clinical.Observation
	lab bool
	raw rawAt
}

type noteRow struct {
	clinical.Note
	authorRef string
	raw       rawAt
}

type obsKey struct {
	lab  bool
	code string
}

// bucket holds one patient's rows, and the sections for which the patient
// has data that could not be read (see reader.unreadable).
type bucket struct {
	unreadable sections
	allergies  []allergyRow
	problems   []problemRow
	meds       []medRow
	admins     []adminRow
	asserts    []assertion
	obs        map[obsKey][]obsRow
	alerts     []alertRow
	notes      []noteRow
	encounters []encounterRow
	records    []recordRow // the rest of the record (parse_record.go)
	// What is read but in no row, to be counted (see Import.NotShown):
	// resources left out as they are read, newest version by "Type/id";
	// versions beyond what is kept (keepVitals...); and resources of
	// types this package does not read, by type.
	dropped map[string]droppedRow
	older   map[notShownKey]int
	notRead map[string]int
}

// droppedRow is a resource left out as it was read, and why.
type droppedRow struct {
	src    clinical.Source
	at     rawAt
	reason string
}

// drop files a resource left out as it was read; of two versions, the
// newest says why.
func (b *bucket) drop(src clinical.Source, at rawAt, reason string) {
	if b.dropped == nil {
		b.dropped = map[string]droppedRow{}
	}
	k := src.Type + "/" + src.ID
	if old, ok := b.dropped[k]; ok && laterVersion(version{src, at}, version{old.src, old.at}) < 0 {
		return
	}
	b.dropped[k] = droppedRow{src: src, at: at, reason: reason}
}

func (b *bucket) countOlder(rtype, reason string, n int) {
	if n == 0 {
		return
	}
	if b.older == nil {
		b.older = map[notShownKey]int{}
	}
	b.older[notShownKey{rtype, reason}] += n
}

// Newest rows kept per code and per patient.
const (
	keepVitals = 24
	keepLabs   = 10
	keepAdmins = 60
	keepNotes  = 20
)

func (im *Import) bucket(key string) *bucket {
	b := im.buckets[key]
	if b == nil {
		b = &bucket{obs: map[obsKey][]obsRow{}}
		im.buckets[key] = b
	}
	return b
}

func (b *bucket) size() int {
	n := len(b.allergies) + len(b.problems) + len(b.meds) + len(b.admins) + len(b.asserts) +
		len(b.alerts) + len(b.notes) + len(b.encounters) + len(b.records)
	for _, o := range b.obs {
		n += len(o)
	}
	return n
}

// addObs and addNote keep the newest rows, and say how many versions of
// a resource with other content met (0 or 1).
// The rows that are not kept are counted as not shown.
func (b *bucket) addObs(k obsKey, o obsRow) (dup int) {
	n, why := keepVitals, olderVitals
	if k.lab {
		n, why = keepLabs, olderLabs
	}
	var out int
	b.obs[k], dup, out = keepNewest(b.obs[k], o, n, func(o *obsRow) (time.Time, *clinical.Source, rawAt) { return o.Time, &o.Source, o.raw })
	b.countOlder("Observation", why, out)
	return dup
}

func (b *bucket) addNote(n noteRow) (dup int) {
	var out int
	b.notes, dup, out = keepNewest(b.notes, n, keepNotes, func(n *noteRow) (time.Time, *clinical.Source, rawAt) { return n.Time, &n.Source, n.raw })
	b.countOlder("DocumentReference", olderNotes, out)
	return dup
}

// merge moves the rows of o into b, and says how many versions of a
// resource with other content met.
func (b *bucket) merge(o *bucket) (dups int) {
	b.unreadable |= o.unreadable
	b.allergies = append(b.allergies, o.allergies...)
	b.problems = append(b.problems, o.problems...)
	b.meds = append(b.meds, o.meds...)
	b.admins = append(b.admins, o.admins...)
	b.asserts = append(b.asserts, o.asserts...)
	b.alerts = append(b.alerts, o.alerts...)
	b.encounters = append(b.encounters, o.encounters...)
	b.records = append(b.records, o.records...)
	for _, d := range o.dropped {
		b.drop(d.src, d.at, d.reason)
	}
	for k, n := range o.older {
		b.countOlder(k.rtype, k.reason, n)
	}
	for t, n := range o.notRead {
		if b.notRead == nil {
			b.notRead = map[string]int{}
		}
		b.notRead[t] += n
	}
	for _, n := range o.notes {
		dups += b.addNote(n)
	}
	for k, list := range o.obs {
		for _, x := range list {
			dups += b.addObs(k, x)
		}
	}
	return dups
}

// duplicates counts the rows of b whose resource (type and id) came
// before with other content; the charts keep the newest (see bucket.settle).
func (b *bucket) duplicates() int {
	return countDuplicates(b.allergies, func(a *allergyRow) (*clinical.Source, uint64) { return &a.Source, a.raw.sum }) +
		countDuplicates(b.problems, func(p *problemRow) (*clinical.Source, uint64) { return &p.Source, p.raw.sum }) +
		countDuplicates(b.meds, func(m *medRow) (*clinical.Source, uint64) { return &m.Source, m.raw.sum }) +
		countDuplicates(b.admins, func(a *adminRow) (*clinical.Source, uint64) { return &a.Source, a.raw.sum }) +
		countDuplicates(b.alerts, func(a *alertRow) (*clinical.Source, uint64) { return &a.Source, a.raw.sum }) +
		countDuplicates(b.asserts, func(a *assertion) (*clinical.Source, uint64) { return &a.src, a.raw.sum }) +
		countDuplicates(b.records, func(r *recordRow) (*clinical.Source, uint64) { return &r.src, r.raw.sum })
}

func countDuplicates[T any](list []T, key func(*T) (*clinical.Source, uint64)) int {
	if len(list) < 2 {
		return 0
	}
	first := make(map[[2]string]uint64, len(list))
	n := 0
	for i := range list {
		s, sum := key(&list[i])
		k := [2]string{s.Type, s.ID}
		if had, ok := first[k]; !ok {
			first[k] = sum
		} else if had != sum {
			n++
		}
	}
	return n
}

// store files one converted resource.
func (im *Import) store(e *entry, item any) {
	subject := e.subject
	switch v := item.(type) {
	case *patientRow:
		old := im.patients[v.ID]
		if old != nil && old.raw.sum != v.raw.sum {
			im.Duplicates++
		}
		if old == nil || laterVersion(version{v.Source, v.raw}, version{old.Source, old.raw}) > 0 {
			im.patients[v.ID] = v
		}
	case *locationRow:
		if old, ok := im.locations[e.id]; ok && *old != *v {
			im.Duplicates++
		}
		im.locations[e.id] = v
	case *medicationRow:
		if old, ok := im.medications[e.id]; ok && (old.name != v.name || old.code != v.code || !slices.Equal(old.codes, v.codes)) {
			im.Duplicates++
		}
		im.medications[e.id] = v
	case practitionerName:
		if old, ok := im.practitioner[e.id]; ok && old != string(v) {
			im.Duplicates++
		}
		im.practitioner[e.id] = string(v)
	case allergyRow:
		im.bucket(subject).allergies = append(im.bucket(subject).allergies, v)
	case problemRow:
		im.bucket(subject).problems = append(im.bucket(subject).problems, v)
	case medRow:
		im.bucket(subject).meds = append(im.bucket(subject).meds, v)
	case adminRow:
		im.bucket(subject).admins = append(im.bucket(subject).admins, v)
	case assertion:
		im.bucket(subject).asserts = append(im.bucket(subject).asserts, v)
	case obsRow:
		k := obsKey{v.lab, v.Code}
		if k.code == "" {
			k.code = "text:" + v.Name
		}
		im.Duplicates += im.bucket(subject).addObs(k, v)
	case alertRow:
		im.bucket(subject).alerts = append(im.bucket(subject).alerts, v)
	case noteRow:
		im.Duplicates += im.bucket(subject).addNote(v)
	case recordRow:
		im.bucket(subject).records = append(im.bucket(subject).records, v)
	case []recordRow:
		im.bucket(subject).records = append(im.bucket(subject).records, v...)
	case *deviceRow:
		if old, ok := im.devices[e.id]; ok && (old.name != v.name || old.code != v.code) {
			im.Duplicates++
		}
		im.devices[e.id] = v
		if v.row != nil {
			im.bucket(subject).records = append(im.bucket(subject).records, *v.row)
		}
	case encounterRow:
		im.seq++
		v.seq = im.seq
		im.bucket(subject).encounters = append(im.bucket(subject).encounters, v)
	}
}

// link files every bucket under the Patient.id its reference leads to.
// Unreadable data under a reference that cannot be resolved (a contained
// or conditional reference, an unknown urn) might be anybody's: it makes
// its sections incomplete for every patient. Under a reference to a
// resource that is not in the input, it is in no chart, like a row.
func (im *Import) link() {
	im.charts = map[string]*bucket{}
	for key, b := range im.buckets {
		target := im.resolve(key)
		id, ok := strings.CutPrefix(target, "Patient/")
		if !ok || im.patients[id] == nil {
			im.Unlinked += b.size()
			if target == "" {
				im.unreadableAll |= b.unreadable
			}
			continue
		}
		if have := im.charts[id]; have != nil {
			im.Duplicates += have.merge(b)
		} else {
			im.charts[id] = b
		}
	}
	im.buckets = nil
	if im.Counts["Composition"] == 0 {
		im.inputKeys = nil
	} else {
		slices.Sort(im.inputKeys)
		im.inputKeys = slices.Compact(im.inputKeys)
	}
	for _, b := range im.charts {
		im.Duplicates += b.duplicates()
		b.settle()
	}
}

// resolve turns a reference into "Type/id": urn:uuid and other fullUrls
// through the Bundle entries read, "Type/id", absolute URLs and
// "Type/id/_history/n" by their path. It returns "" for what cannot be
// resolved (contained "#id", conditional "Type?query", unknown urn).
func (im *Import) resolve(ref string) string {
	ref = strings.TrimSpace(ref)
	if v, ok := im.refs[ref]; ok {
		return v
	}
	return refPath(ref)
}

// refPath is the "Type/id" of a literal reference, without looking up
// fullUrls.
func refPath(ref string) string {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "urn:") || strings.Contains(ref, "?") {
		return ""
	}
	parts := strings.Split(strings.TrimRight(ref, "/"), "/")
	if n := len(parts); n >= 4 && parts[n-2] == "_history" {
		parts = parts[:n-2]
	}
	n := len(parts)
	if n < 2 || parts[n-2] == "" || parts[n-1] == "" {
		return ""
	}
	return parts[n-2] + "/" + parts[n-1]
}

// refKey is how a patient reference is bucketed while reading: literal
// references by their path, urn references as they are (they are resolved
// once every file is read).
func refKey(ref string) string {
	ref = strings.TrimSpace(ref)
	if p := refPath(ref); p != "" {
		return p
	}
	return ref
}

// idOf returns the id of a reference to a resource of type typ, or "".
func (im *Import) idOf(ref, typ string) string {
	id, ok := strings.CutPrefix(im.resolve(ref), typ+"/")
	if !ok {
		return ""
	}
	return id
}

// compareVersions orders two versions of a resource by lastUpdated, then
// by a numeric versionId; it is 0 when neither tells.
func compareVersions(a, b *clinical.Source) int {
	ta, oka := parseTime(a.LastUpdated)
	tb, okb := parseTime(b.LastUpdated)
	if oka && okb && !ta.Equal(tb) {
		return ta.Compare(tb)
	}
	va, erra := strconv.Atoi(a.VersionID)
	vb, errb := strconv.Atoi(b.VersionID)
	if erra == nil && errb == nil && va != vb {
		return cmp.Compare(va, vb)
	}
	return 0
}

// keepNewest inserts x into list (newest first), keeping at most n rows
// and only the newest version of a resource that appears twice.
// It also says whether x met a version of itself with other content, and
// whether a row (x or one kept before) was left out for being older than
// the n kept (out, 0 or 1).
func keepNewest[T any](list []T, x T, n int, key func(*T) (time.Time, *clinical.Source, rawAt)) (_ []T, dup, out int) {
	xt, xs, xat := key(&x)
	for i := range list {
		_, s, at := key(&list[i])
		if s.ID == xs.ID && s.Type == xs.Type {
			if at.sum != xat.sum {
				dup = 1
			}
			if laterVersion(version{*xs, xat}, version{*s, at}) < 0 {
				return list, dup, 0
			}
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	i := len(list)
	for i > 0 {
		t, _, _ := key(&list[i-1])
		if !xt.After(t) {
			break
		}
		i--
	}
	if i >= n {
		return list, dup, 1
	}
	if len(list) < n && len(list) == cap(list) {
		// grow towards n, not past it: a patient has many short lists
		grown := make([]T, len(list), min(max(4, 2*cap(list)), n))
		copy(grown, list)
		list = grown
	}
	if len(list) < n {
		list = append(list, x)
	} else {
		out = 1 // the oldest falls off
	}
	copy(list[i+1:], list[i:])
	list[i] = x
	return list, dup, out
}
