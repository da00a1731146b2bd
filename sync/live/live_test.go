package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhir"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
	"lifeboat/sync/synthetic"
)

// ward writes a synthetic ward of n patients (two wards) as NDJSON.
func ward(t testing.TB, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: n, Seed: 11, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func vault(t testing.TB) (string, *store.Keys) {
	t.Helper()
	v := storetest.NewVault(t)
	return v.Dir, v.Keys
}

func client(t testing.TB, url string, opt rest.Options) *rest.Client {
	t.Helper()
	if opt.MinBackoff == 0 {
		opt.MinBackoff = 10 * time.Millisecond
	}
	if opt.MaxBackoff == 0 {
		opt.MaxBackoff = 50 * time.Millisecond
	}
	c, err := rest.New(url, opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func puller(t testing.TB, srv *fhirtest.Server, dir string, keys *store.Keys, census live.Census, opt rest.Options) *live.Puller {
	t.Helper()
	p := &live.Puller{Client: client(t, srv.URL, opt), Census: census, Dir: dir, Keys: keys}
	t.Cleanup(p.Close)
	return p
}

func step(t testing.TB, p *live.Puller) *live.Result {
	t.Helper()
	res, err := p.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func open(t testing.TB, dir string, keys *store.Keys) *store.Snapshot {
	t.Helper()
	s, err := store.Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// chartJSON is a chart as JSON with its sources' raw JSON, for comparing.
func chartJSON(t testing.TB, c *clinical.Chart) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var raw []string
	clinical.EachSource(c, func(s *clinical.Source) { raw = append(raw, string(s.JSON)) })
	return string(b) + strings.Join(raw, "\n")
}

func TestAFullPullGivesTheChartsThatTheSameFilesGive(t *testing.T) {
	samePullAsFiles(t, ward(t, 40))
}

// TestReportedMedicationsComeFromTheServerAsFromFiles adds what a patient
// takes at home, as MedicationStatements (one active, by reference to a
// Medication coded in ATC only; one stopped), and pulls.
func TestReportedMedicationsComeFromTheServerAsFromFiles(t *testing.T) {
	files := ward(t, 12)
	patient := firstOnWard(t, files)
	extra := fmt.Sprintf(`{"resourceType":"Medication","id":"home-med-1","meta":{"versionId":"1","lastUpdated":"2026-11-20T08:00:00Z"},"code":{"coding":[{"system":"http://www.whocc.no/atc","code":"B01AF01","display":"rivaroxaban"}]}}
{"resourceType":"MedicationStatement","id":"home-1","meta":{"versionId":"1","lastUpdated":"2026-11-20T08:00:00Z"},"status":"active","medicationReference":{"reference":"Medication/home-med-1"},"subject":{"reference":"Patient/%[1]s"},"dateAsserted":"2026-11-20","dosage":[{"text":"20 mg once daily with the evening meal"}]}
{"resourceType":"MedicationStatement","id":"home-2","meta":{"versionId":"1","lastUpdated":"2026-11-20T08:00:00Z"},"status":"stopped","medicationCodeableConcept":{"text":"Omeprazole 20 mg"},"subject":{"reference":"Patient/%[1]s"}}
{"resourceType":"MedicationStatement","id":"home-3","meta":{"versionId":"1","lastUpdated":"2026-11-20T08:00:00Z"},"status":"completed","medicationCodeableConcept":{"text":"Amoxicillin 500 mg"},"subject":{"reference":"Patient/%[1]s"}}
`, patient)
	if err := os.WriteFile(filepath.Join(files, "zz-home-medications.ndjson"), []byte(extra), 0o600); err != nil {
		t.Fatal(err)
	}
	s := samePullAsFiles(t, files)
	c, err := s.Chart(context.Background(), patient)
	if err != nil {
		t.Fatal(err)
	}
	var reported []string
	for _, m := range c.Medications.Items {
		if m.Reported() {
			reported = append(reported, m.Name)
		}
	}
	if len(reported) != 1 || !strings.Contains(strings.ToLower(reported[0]), "rivaroxaban") {
		t.Fatalf("reported medications from the server: %q", reported)
	}
	// Those that are history are counted in the generation, as a file
	// import counts them (samePullAsFiles compares the whole count).
	for _, want := range []string{"1 MedicationStatement not shown: status completed", "1 MedicationStatement not shown: status stopped"} {
		if !slices.Contains(s.Manifest.NotShown, want) {
			t.Errorf("notShown %q lacks %q", s.Manifest.NotShown, want)
		}
	}
}

// firstOnWard is the id of the first patient of ward-1 in the files.
func firstOnWard(t *testing.T, files string) string {
	t.Helper()
	im, err := fhir.Read(files)
	if err != nil {
		t.Fatal(err)
	}
	census, err := im.Census(fhir.Selection{Ward: "ward-1"})
	if err != nil || len(census) == 0 {
		t.Fatalf("census: %v", err)
	}
	return census[0].Patient.ID
}

// samePullAsFiles pulls ward-1 from a server loaded with files and
// requires every chart to be, byte for byte, the chart that reading the
// same files gives. It returns the pulled snapshot.
func samePullAsFiles(t *testing.T, files string) *store.Snapshot {
	t.Helper()
	srv := fhirtest.Start(t, fhirtest.Options{}, files)
	dir, keys := vault(t)
	res := step(t, puller(t, srv, dir, keys, live.Census{Ward: "ward-1"}, rest.Options{}))
	if !res.Full || res.Patients == 0 {
		t.Fatalf("result %+v", res)
	}
	s := open(t, dir, keys)
	if s.Manifest.Source != srv.URL || s.Manifest.Census.Ward != "ward-1" {
		t.Fatalf("manifest %+v", s.Manifest)
	}

	im, err := fhir.Read(files)
	if err != nil {
		t.Fatal(err)
	}
	want, err := im.Census(fhir.Selection{Ward: "ward-1"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Census(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d patients from the server, %d from the files", len(rows), len(want))
	}
	// What is read but not shown is counted alike, for the census's
	// patients.
	by := im.NotShownByPatient()
	var counts [][]fhir.NotShownCount
	for _, c := range want {
		counts = append(counts, by[c.Patient.ID])
	}
	if w := fhir.NotShownLines(counts...); !slices.Equal(s.Manifest.NotShown, w) {
		t.Errorf("notShown from the server %q,\nfrom the files %q", s.Manifest.NotShown, w)
	}
	for i, r := range rows {
		if r.ID != want[i].Patient.ID {
			t.Fatalf("census order differs at %d: %s, files %s", i, r.ID, want[i].Patient.ID)
		}
		got, err := s.Chart(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := chartJSON(t, got), chartJSON(t, &want[i]); g != w {
			at := 0
			for at < min(len(g), len(w)) && g[at] == w[at] {
				at++
			}
			from := max(at-200, 0)
			t.Fatalf("chart %s differs at byte %d:\nserver …%.400s\nfiles  …%.400s", r.ID, at, g[from:], w[from:])
		}
	}
	return s
}

// resource reads one resource from the server as a map, to change it.
func resource(t testing.TB, c *rest.Client, typ, id string) map[string]any {
	t.Helper()
	raw, err := c.Read(context.Background(), typ, id)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func put(t testing.TB, srv *fhirtest.Server, m map[string]any) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	srv.Put(b)
}

// first finds the id of the first resource of a search.
func first(t testing.TB, c *rest.Client, typ string, q map[string]string) string {
	t.Helper()
	vals := map[string][]string{}
	for k, v := range q {
		vals[k] = []string{v}
	}
	id := ""
	err := c.Search(context.Background(), typ, vals, func(raw json.RawMessage) error {
		var r struct{ ID string }
		json.Unmarshal(raw, &r)
		if id == "" {
			id = r.ID
		}
		return nil
	})
	if err != nil || id == "" {
		t.Fatalf("no %s for %v: %v", typ, q, err)
	}
	return id
}

func TestARefreshSealsOnlyWhatChangedAndFollowsTheCensus(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 40))
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{Ward: "ward-1"}, rest.Options{})
	full := step(t, p)
	c := p.Client
	before := open(t, dir, keys)
	rows, _ := before.Census(context.Background())
	var stay, leave string
	for _, r := range rows {
		switch {
		case stay == "" && r.Allergies > 0:
			stay = r.ID
		case leave == "":
			leave = r.ID
		}
	}

	// An allergy entered in error, a new heart rate, a patient discharged
	// and one of ward-2 moved in.
	allergyID := first(t, c, "AllergyIntolerance", map[string]string{"patient": "Patient/" + stay})
	a := resource(t, c, "AllergyIntolerance", allergyID)
	delete(a, "clinicalStatus") // FHIR invariant ait-2
	a["verificationStatus"] = map[string]any{"coding": []any{map[string]any{
		"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "entered-in-error"}}}
	put(t, srv, a)
	put(t, srv, map[string]any{"resourceType": "Observation", "id": "obs-refresh-1", "status": "final",
		"category": []any{map[string]any{"coding": []any{map[string]any{
			"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}}}},
		"code":              map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}}},
		"subject":           map[string]any{"reference": "Patient/" + stay},
		"effectiveDateTime": time.Now().UTC().Format(time.RFC3339),
		"valueQuantity":     map[string]any{"value": 131, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}})
	enc := resource(t, c, "Encounter", first(t, c, "Encounter", map[string]string{"subject": "Patient/" + leave, "status": "in-progress"}))
	enc["status"] = "finished"
	put(t, srv, enc)
	var arriving string
	{
		im, err := fhir.Read(ward(t, 40))
		if err != nil {
			t.Fatal(err)
		}
		other, err := im.Census(fhir.Selection{Ward: "ward-2"})
		if err != nil {
			t.Fatal(err)
		}
		arriving = other[0].Patient.ID
		enc := resource(t, c, "Encounter", other[0].Patient.EncounterID)
		enc["location"] = []any{map[string]any{"location": map[string]any{"reference": "Location/ward-1"}}}
		put(t, srv, enc)
	}

	res := step(t, p)
	if res.Full || res.Entered != 1 || res.Left != 1 || res.Changed != 2 || res.Patients != full.Patients {
		t.Fatalf("refresh %+v", res)
	}
	m := res.Manifest
	if m.Kind != store.KindDelta || m.Parent != full.Manifest.Generation || m.CipherSize*5 > full.Manifest.CipherSize {
		t.Fatalf("delta manifest %+v (full was %d bytes)", m, full.Manifest.CipherSize)
	}
	s := open(t, dir, keys)
	if s.Manifest.Generation != m.Generation {
		t.Fatalf("opened generation %d", s.Manifest.Generation)
	}
	if _, err := s.Chart(context.Background(), leave); !errors.Is(err, clinical.ErrNoPatient) {
		t.Fatalf("the discharged patient is still there: %v", err)
	}
	if _, err := s.Chart(context.Background(), arriving); err != nil {
		t.Fatalf("the arriving patient is missing: %v", err)
	}
	ch, err := s.Chart(context.Background(), stay)
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range ch.Allergies.Items {
		if al.Source.ID == allergyID {
			t.Fatal("an allergy entered in error is still shown")
		}
	}
	found := false
	for _, v := range ch.Vitals.Items {
		found = found || v.Source.ID == "obs-refresh-1"
	}
	if !found {
		t.Fatal("the new heart rate is not in the chart")
	}
	// What is not shown is counted for the census as it now is: the
	// refreshed patients anew, the others as before; as a full pull of
	// the same server counts it.
	if !slices.Contains(m.NotShown, "1 AllergyIntolerance not shown: verification entered-in-error") {
		t.Errorf("refresh notShown %q", m.NotShown)
	}
	fresh, freshKeys := vault(t)
	if again := step(t, puller(t, srv, fresh, freshKeys, live.Census{Ward: "ward-1"}, rest.Options{})); !slices.Equal(again.Manifest.NotShown, m.NotShown) {
		t.Errorf("notShown of the refresh %q,\nof a full pull %q", m.NotShown, again.Manifest.NotShown)
	}
	// Nothing changed: the refresh still seals, so that the data age is true.
	res = step(t, p)
	if res.Changed != 0 || res.Manifest.AsOf.Before(m.AsOf) {
		t.Fatalf("empty refresh %+v", res)
	}
}

func TestDeletionsShowAtTheNextFullPull(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 12))
	dir, keys := vault(t)
	now := time.Now()
	p := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{})
	p.Now = func() time.Time { return now }
	step(t, p)
	id := first(t, p.Client, "AllergyIntolerance", map[string]string{})
	srv.Delete("AllergyIntolerance", id)
	now = now.Add(time.Minute)
	if res := step(t, p); res.Full {
		t.Fatal("a refresh was a full pull")
	}
	now = now.Add(live.DefaultFullEvery)
	if res := step(t, p); !res.Full {
		t.Fatal("no full pull after FullEvery")
	}
	s := open(t, dir, keys)
	if _, err := s.Resource(context.Background(), "AllergyIntolerance", id); err == nil {
		t.Fatal("a deleted allergy is still in the snapshot after a full pull")
	}
}

func TestPagingWithAndWithoutNextLinksGivesEveryResource(t *testing.T) {
	files := ward(t, 12)
	var counts []map[string]int
	for _, links := range []bool{false, true} {
		srv := fhirtest.Start(t, fhirtest.Options{NextLinks: links}, files)
		dir, keys := vault(t)
		res := step(t, puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{PageSize: 7}))
		counts = append(counts, res.Manifest.Counts)
	}
	im, err := fhir.Read(files)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.BuildWard(context.Background(), charts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	want, _ := w.Count(context.Background())
	for i, c := range counts {
		if fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("links=%v: counts %v, files give %v", i == 1, c, want)
		}
	}
}

func TestBearerAndSMARTBackendServicesAuthorise(t *testing.T) {
	files := ward(t, 6)
	t.Run("bearer", func(t *testing.T) {
		srv := fhirtest.Start(t, fhirtest.Options{Bearer: "s3cret-token"}, files)
		dir, keys := vault(t)
		_, err := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{}).Step(context.Background())
		if !errors.Is(err, rest.ErrAuth) || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("without the token: %v", err)
		}
		if _, gens, _ := store.Inspect(dir); len(gens) != 0 {
			t.Fatal("a refused pull wrote a generation")
		}
		step(t, puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Auth: rest.Bearer("s3cret-token")}))
	})
	t.Run("SMART", func(t *testing.T) {
		testSMART(t, files)
	})
}

func TestFaultsFailInOneSentenceAndKeepTheLastGoodSnapshot(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 12))
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Retries: 2, Timeout: 2 * time.Second})
	if err := live.Run(context.Background(), p, 0, nil); err != nil {
		t.Fatal(err)
	}
	// A few 500s are retried away.
	srv.Fault("500", 0, 2)
	if err := live.Run(context.Background(), p, 0, nil); err != nil {
		t.Fatal(err)
	}
	good := uint64(2)

	for _, tc := range []struct {
		mode string
		ms   int
		is   error
	}{
		{"500", 0, rest.ErrRefused},
		{"truncate", 0, rest.ErrNotFHIR},
		{"html", 0, rest.ErrNotFHIR},
		{"slow", 3000, rest.ErrUnreachable},
	} {
		srv.Fault(tc.mode, tc.ms, 0)
		var got error
		err := live.Run(context.Background(), p, 0, func(_ *live.Result, err error) { got = err })
		srv.Fault("none", 0, 0)
		if !errors.Is(err, tc.is) || got == nil || strings.Count(err.Error(), ". ") > 0 {
			t.Errorf("%s: %v", tc.mode, err)
			continue
		}
		st, ok, _ := store.ReadSyncState(dir)
		if !ok || st.LastError == "" || st.LastErrorAt.IsZero() || st.LastGeneration != good {
			t.Errorf("%s: sync state %+v", tc.mode, st)
		}
		if s := open(t, dir, keys); s.Manifest.Generation != good {
			t.Errorf("%s: the newest generation is %d, want the last good %d", tc.mode, s.Manifest.Generation, good)
		}
	}
	// After the faults, a pull succeeds again and says so.
	if err := live.Run(context.Background(), p, 0, nil); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := store.ReadSyncState(dir); st.LastError != "" || st.Failures != 0 || st.LastSuccess.IsZero() {
		t.Fatalf("sync state after recovery %+v", st)
	}
}

func TestAServerKilledInTheMiddleOfAPullLeavesTheVaultAsItWas(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 60))
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Retries: 1, PageSize: 20})
	good := step(t, p).Manifest.Generation
	before, _ := os.ReadDir(filepath.Join(dir, "snapshots"))

	// Slow answers keep the pull going while the server is killed.
	srv.Fault("slow", 100, 0)
	errc := make(chan error, 1)
	p2 := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{Retries: 1, PageSize: 20})
	go func() { _, err := p2.Step(context.Background()); errc <- err }()
	time.Sleep(500 * time.Millisecond)
	srv.Kill()
	err := <-errc
	if !errors.Is(err, rest.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadDir(filepath.Join(dir, "snapshots"))
	if len(after) != len(before) {
		t.Fatalf("%d files before, %d after", len(before), len(after))
	}
	if s := open(t, dir, keys); s.Manifest.Generation != good {
		t.Fatalf("opened %d", s.Manifest.Generation)
	}
}

func TestASharpCensusDropIsRefusedUnlessAccepted(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 40))
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{Ward: "ward-1"}, rest.Options{})
	full := step(t, p)
	s := open(t, dir, keys)
	rows, _ := s.Census(context.Background())
	for _, r := range rows[:len(rows)*2/3] {
		ch, _ := s.Chart(context.Background(), r.ID)
		enc := resource(t, p.Client, "Encounter", ch.Patient.EncounterID)
		enc["status"] = "finished"
		put(t, srv, enc)
	}
	_, err := p.Step(context.Background())
	if !errors.Is(err, live.ErrCensusDrop) {
		t.Fatalf("err = %v", err)
	}
	// A new process compares with the newest generation.
	p2 := puller(t, srv, dir, keys, live.Census{Ward: "ward-1"}, rest.Options{})
	if _, err := p2.Step(context.Background()); !errors.Is(err, live.ErrCensusDrop) {
		t.Fatalf("new process: err = %v", err)
	}
	p2.AcceptDrop = true
	res := step(t, p2)
	if res.Patients >= full.Patients/2 {
		t.Fatalf("%d patients after the drop", res.Patients)
	}
	ids := []string{}
	rows2, _ := open(t, dir, keys).Census(context.Background())
	for _, r := range rows2 {
		ids = append(ids, r.ID)
	}
	if slices.Contains(ids, rows[0].ID) {
		t.Fatal("a discharged patient is still in the census")
	}
}

func TestRunKeepsRefreshingUntilStoppedAndStopsCleanly(t *testing.T) {
	srv := fhirtest.Start(t, fhirtest.Options{}, ward(t, 6))
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{All: true}, rest.Options{})
	ctx, stop := context.WithCancel(context.Background())
	steps := make(chan *live.Result, 100)
	done := make(chan error, 1)
	go func() {
		done <- live.Run(ctx, p, 50*time.Millisecond, func(r *live.Result, err error) {
			if err == nil {
				steps <- r
			}
		})
	}()
	first, second := <-steps, <-steps
	if !first.Full || second.Full || second.Manifest.Parent != first.Manifest.Generation {
		t.Fatalf("a full pull then a refresh: %+v, %+v", first, second)
	}
	stop() // as SIGINT or SIGTERM do
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stopping is not a failure: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop")
	}
	s := open(t, dir, keys)
	if s.Manifest.Generation < second.Manifest.Generation {
		t.Fatalf("opened generation %d", s.Manifest.Generation)
	}
	if _, gens, _ := store.Inspect(dir); len(gens) == 0 || !gens[0].Good {
		t.Fatalf("the newest generation after the stop is not good: %+v", gens)
	}
}

// TestAFullPullCountsEachUnusableResourceOnce pulls a ward of more
// patients than one batch holds, with one unusable shared resource (a
// Location under the ward whose name is a number, read by every batch)
// and one unusable resource of a patient: the snapshot counts two, as
// the files do.
func TestAFullPullCountsEachUnusableResourceOnce(t *testing.T) {
	files := filepath.Join(t.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(files, synthetic.Options{Patients: 180, BedsPerWard: 190, Seed: 11,
		AsOf: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	patient := firstOnWard(t, files)
	bad := `{"resourceType":"Location","id":"bad-room","name":5,"partOf":{"reference":"Location/ward-1"}}` + "\n" +
		`{"resourceType":"AllergyIntolerance","id":"bad-allergy","patient":{"reference":"Patient/` + patient + `"},"code":"peanut"}` + "\n"
	if err := os.WriteFile(filepath.Join(files, "zz-bad.ndjson"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	im, err := fhir.Read(files)
	if err != nil {
		t.Fatal(err)
	}
	if im.Unusable() != 2 {
		t.Fatalf("the files hold %d unusable resources, want 2", im.Unusable())
	}
	s := samePullAsFiles(t, files)
	if s.Manifest.Malformed != 2 {
		t.Errorf("the snapshot counts %d unusable resources, want 2", s.Manifest.Malformed)
	}
}
