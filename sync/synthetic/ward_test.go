package synthetic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTheSameSeedGivesTheSameWard(t *testing.T) {
	opt := Options{Patients: 20, Seed: 42, AsOf: downtime}
	a, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two bundles of the same options differ")
	}
	opt.Seed = 43
	c, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 gave the same ward")
	}
}

func TestAddingPatientsLeavesThePatientsAlreadyThereUnchanged(t *testing.T) {
	small := byPatient(generate(t, Options{Patients: 5, Seed: 9, AsOf: downtime}))
	big := byPatient(generate(t, Options{Patients: 40, Seed: 9, AsOf: downtime}))
	for pat, rs := range small {
		if pat == "" {
			continue
		}
		if len(big[pat]) != len(rs) {
			t.Fatalf("%s has %d resources alone, %d among more patients", pat, len(rs), len(big[pat]))
		}
		for i := range rs {
			if !bytes.Equal(rs[i].raw, big[pat][i].raw) {
				t.Fatalf("%s changed when patients were added:\n%s\n%s", rs[i].key(), rs[i].raw, big[pat][i].raw)
			}
		}
	}
}

var fhirID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

func TestEveryResourceIsValidJSONWithATypeAnIDAndMeta(t *testing.T) {
	rs := fixture(t, standard)
	seen := map[string]bool{}
	for _, r := range rs {
		if !json.Valid(r.raw) || bytes.ContainsAny(r.raw, "\n") {
			t.Fatalf("%s is not compact JSON", r.raw)
		}
		if got := str(r.m, "resourceType"); got != r.typ {
			t.Fatalf("emitted as %s but resourceType is %q", r.typ, got)
		}
		if !fhirID.MatchString(r.id()) {
			t.Fatalf("%s: bad id %q", r.typ, r.id())
		}
		if seen[r.key()] {
			t.Fatalf("%s appears twice", r.key())
		}
		seen[r.key()] = true
		if str(r.m, "meta", "versionId") == "" {
			t.Fatalf("%s has no meta.versionId", r.key())
		}
		if updated := when(t, str(r.m, "meta", "lastUpdated")); updated.After(downtime) {
			t.Fatalf("%s was last updated at %s, after the as-of time", r.key(), updated)
		}
		if _, ok := r.m["text"]; ok {
			t.Fatalf("%s carries a narrative", r.key())
		}
	}
}

func TestNoTimeInTheWardLiesAfterTheAsOfTime(t *testing.T) {
	rs := fixture(t, standard)
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(key, c)
				// An order's due time and an expected date of delivery
				// may lie ahead.
				due := (strings.HasPrefix(key, "ServiceRequest/") && k == "occurrenceDateTime") || k == "valueDateTime"
				if s, ok := c.(string); ok && !due && (strings.HasSuffix(k, "DateTime") || k == "start" || k == "end" ||
					k == "date" || k == "authoredOn" || k == "recordedDate" || k == "lastUpdated") {
					if at := when(t, s); at.After(downtime) {
						t.Fatalf("%s: %s %s is after the as-of time", key, k, s)
					}
				}
			}
		case []any:
			for _, c := range x {
				walk(key, c)
			}
		}
	}
	for _, r := range rs {
		walk(r.key(), r.m)
	}
}

func TestEveryReferenceResolvesWithinTheWard(t *testing.T) {
	rs := fixture(t, standard)
	have := map[string]bool{}
	for _, r := range rs {
		have[r.key()] = true
	}
	n := 0
	for _, r := range rs {
		for _, ref := range references(r.m) {
			n++
			if !have[ref] {
				t.Fatalf("%s refers to %s, which is not in the ward", r.key(), ref)
			}
		}
	}
	if n == 0 {
		t.Fatal("no references at all")
	}
}

func TestOneBedWithOnePatientWorks(t *testing.T) {
	rs := generate(t, Options{Patients: 1, BedsPerWard: 1, Seed: 5, AsOf: downtime})
	locs := ofType(rs, "Location")
	if len(locs) != 3 { // ward, room, bed
		t.Fatalf("one bed gave %d Locations", len(locs))
	}
	if len(ofType(rs, "Patient")) != 1 || len(ofType(rs, "Encounter")) != 1 {
		t.Fatal("one bed did not give one patient with one encounter")
	}
	if got := WardIDs(Options{Patients: 1, BedsPerWard: 1, AsOf: downtime}); !slices.Equal(got, []string{"ward-1"}) {
		t.Fatalf("ward ids %v", got)
	}
}

func TestAnEmptyWardHasItsBedsAndNoPatients(t *testing.T) {
	rs := generate(t, Options{Patients: 0, Seed: 5, AsOf: downtime})
	if len(rs) != 1+15+30 {
		t.Fatalf("an empty ward of 30 beds gave %d resources", len(rs))
	}
	for _, r := range rs {
		if r.typ != "Location" {
			t.Fatalf("an empty ward has a %s", r.typ)
		}
		if str(r.m, "physicalType", "coding", "0", "code") == "bd" && str(r.m, "operationalStatus", "code") != "U" {
			t.Fatalf("%s of an empty ward is not unoccupied", r.key())
		}
	}
}

func TestAThousandPatientsWorkWithUniqueMRNsAndAWideMixOfPeople(t *testing.T) {
	opt := Options{Patients: 1000, Seed: 11, AsOf: downtime}
	counts := map[string]int{}
	mrns := map[string]bool{}
	var ids []string
	size, young, nonagenarian, nonASCII, genders := 0, 0, 0, 0, map[string]int{}
	err := Ward(opt, func(typ string, raw []byte) error {
		counts[typ]++
		size += len(raw)
		if typ != "Patient" {
			return nil
		}
		var p struct {
			ID, Gender, BirthDate string
			Identifier            []struct {
				Type struct {
					Coding []struct{ System, Code string }
				}
				System, Value string
			}
			Name []struct {
				Family string
				Given  []string
			}
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		ids = append(ids, p.ID)
		id := p.Identifier[0]
		if id.System != sysMRN || id.Type.Coding[0].Code != "MR" || id.Type.Coding[0].System != sysV2IDType ||
			len(id.Value) != 10 || !strings.HasPrefix(id.Value, "MRN") || strings.Trim(id.Value[3:], "0123456789") != "" {
			t.Fatalf("%s: bad MRN identifier %+v", p.ID, id)
		}
		if mrns[id.Value] {
			t.Fatalf("MRN %s given twice", id.Value)
		}
		mrns[id.Value] = true
		switch age := downtime.Sub(when(t, p.BirthDate)).Hours() / 24 / 365.25; {
		case age < 18 || age > 105:
			t.Fatalf("%s is %.0f years old", p.ID, age)
		case age < 40:
			young++
		case age >= 90:
			nonagenarian++
		}
		if n := p.Name[0].Family + strings.Join(p.Name[0].Given, ""); len(n) != utf8.RuneCountInString(n) {
			nonASCII++
		}
		genders[p.Gender]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1000 || counts["Encounter"] != 1000 || ids[0] != "pat-000001" || ids[999] != "pat-001000" {
		t.Fatalf("%d patients (%s to %s) and %d encounters", len(ids), ids[0], ids[len(ids)-1], counts["Encounter"])
	}
	if wards := WardIDs(opt); len(wards) != 34 || wards[33] != "ward-34" {
		t.Fatalf("1000 patients in beds of 30 gave wards %v", wards)
	}
	if young < 20 || nonagenarian < 20 || nonASCII < 50 || genders["female"] < 350 || genders["male"] < 350 ||
		genders["other"]+genders["unknown"] == 0 {
		t.Fatalf("%d young adults, %d in their nineties, %d non-ASCII names, genders %v", young, nonagenarian, nonASCII, genders)
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	perPatient, bytesPerPatient := total/1000, size/1000
	t.Logf("%d resources/patient, %d bytes/patient, %v", perPatient, bytesPerPatient, counts)
	if perPatient < 80 || perPatient > 220 || bytesPerPatient > 110_000 {
		t.Fatalf("%d resources and %d bytes per patient: outside the budget", perPatient, bytesPerPatient)
	}
}

func TestTheWardDoesNotDependOnTheNumberOfWorkers(t *testing.T) {
	opt := Options{Patients: 25, Seed: 13, AsOf: downtime}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GOMAXPROCS(4)
	four, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, four) {
		t.Fatal("one worker and four workers made different wards")
	}
}

func TestBadOptionsAreRefusedInOneSentence(t *testing.T) {
	for _, opt := range []Options{
		{Patients: 1},
		{Patients: -1, AsOf: downtime},
		{Patients: MaxPatients + 1, AsOf: downtime},
		{Patients: 1, BedsPerWard: -3, AsOf: downtime},
		{Patients: 1, BedsPerWard: MaxBedsPerWard + 1, AsOf: downtime},
	} {
		err := Ward(opt, func(string, []byte) error { return nil })
		if err == nil || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%+v: got %v", opt, err)
		}
		if WardIDs(opt) != nil {
			t.Fatalf("%+v: ward ids for bad options", opt)
		}
		if _, err := Bundle(opt); err == nil {
			t.Fatalf("%+v: a bundle for bad options", opt)
		}
	}
}

func TestAnEmitErrorStopsTheWard(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	err := Ward(Options{Patients: 30, Seed: 1, AsOf: downtime}, func(typ string, _ []byte) error {
		n++
		if typ == "Patient" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("got %v", err)
	}
	if n != 46+1 {
		t.Fatalf("emit was called %d times after it failed", n-47)
	}
}

func TestTheBundleHoldsTheWardInOrder(t *testing.T) {
	opt := Options{Patients: 3, Seed: 4, AsOf: downtime}
	raw, err := Bundle(opt)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		ResourceType, Type string
		Entry              []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		}
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	rs := generate(t, opt)
	if b.ResourceType != "Bundle" || b.Type != "collection" || len(b.Entry) != len(rs) {
		t.Fatalf("%s %s with %d entries for %d resources", b.ResourceType, b.Type, len(b.Entry), len(rs))
	}
	for i, e := range b.Entry {
		if !bytes.Equal(e.Resource, rs[i].raw) || e.FullURL != fullURLBase+rs[i].key() {
			t.Fatalf("entry %d is %s, not %s", i, e.FullURL, rs[i].key())
		}
	}
}

func TestWriteNDJSONWritesOneResourcePerLinePerType(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	opt := Options{Patients: 35, Seed: 8, AsOf: downtime}
	sum, err := WriteNDJSON(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Patients != 35 || !slices.Equal(sum.Wards, []string{"ward-1", "ward-2"}) {
		t.Fatalf("summary %+v", sum)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(sum.Resources) {
		t.Fatalf("%d files for %d resource types", len(entries), len(sum.Resources))
	}
	want := map[string]int{}
	for _, r := range generate(t, opt) {
		want[r.typ]++
	}
	for typ, n := range want {
		f, err := os.Open(filepath.Join(dir, typ+".ndjson"))
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines++
			var r struct{ ResourceType string }
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.ResourceType != typ {
				t.Fatalf("%s.ndjson line %d: %v %q", typ, lines, err, r.ResourceType)
			}
		}
		f.Close()
		if lines != n || sum.Resources[typ] != n {
			t.Fatalf("%s: %d lines, summary %d, generated %d", typ, lines, sum.Resources[typ], n)
		}
	}
	// Writing again replaces the files with the same content.
	if _, err := WriteNDJSON(dir, opt); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadDir(dir)
	if len(again) != len(entries) {
		t.Fatalf("a second write left %d files, not %d", len(again), len(entries))
	}
}

func TestWriteNDJSONRefusesBadOptionsWithoutWriting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := WriteNDJSON(dir, Options{Patients: 3}); err == nil {
		t.Fatal("no error without an as-of time")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the directory was made: %v", err)
	}
}

func TestWriteNDJSONIntoAFileFailsAndLeavesNothingBehind(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteNDJSON(filepath.Join(file, "export"), Options{Patients: 2, AsOf: downtime}); err == nil {
		t.Fatal("writing under a file succeeded")
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "Flag.ndjson"), 0o700); err != nil { // a rename target that cannot be replaced
		t.Fatal(err)
	}
	if _, err := WriteNDJSON(dir, Options{Patients: 30, Seed: 1, AsOf: downtime}); err == nil {
		t.Fatal("replacing a directory with a file succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("%s left behind", e.Name())
		}
	}
}

func TestSchedulesKeepToTheWallClockAcrossADaylightSavingChange(t *testing.T) {
	// Summer time began on 30 March 2025 at 02:00 in Brussels.
	asOf := time.Date(2025, 3, 31, 9, 0, 0, 0, brussels)
	rs := generate(t, Options{Patients: 30, Seed: 6, AsOf: asOf})
	times := map[string][]any{} // order -> timeOfDay
	for _, r := range ofType(rs, "MedicationRequest") {
		times["MedicationRequest/"+r.id()], _ = get(r.m, "dosageInstruction", "0", "timing", "repeat", "timeOfDay").([]any)
	}
	checked := 0
	for _, r := range ofType(rs, "MedicationAdministration") {
		at := when(t, str(r.m, "effectiveDateTime")).In(brussels)
		due := times[str(r.m, "request", "reference")]
		if len(due) == 0 {
			continue
		}
		near := false
		for _, d := range due {
			h, m := 0, 0
			for i, c := range d.(string)[:5] {
				switch {
				case i < 2:
					h = h*10 + int(c-'0')
				case i > 2:
					m = m*10 + int(c-'0')
				}
			}
			y, mo, dd := at.Date()
			for _, day := range []int{dd - 1, dd, dd + 1} {
				scheduled := time.Date(y, mo, day, h, m, 0, 0, brussels)
				near = near || (at.Sub(scheduled) >= -20*time.Minute && at.Sub(scheduled) <= 30*time.Minute)
			}
		}
		if !near {
			t.Fatalf("%s given at %s, not near its times %v", r.key(), at, due)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d fixed-time administrations", checked)
	}
}
