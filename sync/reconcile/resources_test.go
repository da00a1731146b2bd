package reconcile

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"lifeboat/clinical"
	"lifeboat/sync/fhirtest"
)

// The entries of these tests happen on 10 March 2025, in Brussels time.
var (
	rqZone = time.FixedZone("CET", 3600)
	rqAt   = time.Date(2025, 3, 10, 8, 0, 0, 0, rqZone)
	rqNow  = rqAt.Add(48 * time.Hour)
)

func rqNum(x float64) *float64 { return &x }

// rqEntry is a valid entry of kind with payload set by set.
func rqEntry(t *testing.T, kind clinical.Kind, set func(*clinical.Entry)) clinical.Entry {
	t.Helper()
	e := clinical.Entry{ID: uuid.NewString(), Kind: kind, Patient: "rq-p1", Author: "Nurse Nora Example",
		KioskID: "ward3-kiosk1", ClinicalTime: rqAt, EnteredAt: rqAt.Add(10 * time.Minute)}
	set(&e)
	if err := e.Validate(rqNow); err != nil {
		t.Fatalf("the test's %s entry is not valid: %v", kind, err)
	}
	return e
}

func rqTempID(t *testing.T) string {
	t.Helper()
	id, err := clinical.NewTemporaryID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The kinds of entry that create resources, one entry or more each.
func rqCreatingEntries(t *testing.T) map[string]clinical.Entry {
	t.Helper()
	return map[string]clinical.Entry{
		"medication given": rqEntry(t, clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication = &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Paracetamol 500 mg tablet",
				OrderID: "rq-mr1", Dose: &clinical.Quantity{Value: 500, Unit: "mg"}, Route: "oral"}
		}),
		"medication held": rqEntry(t, clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication = &clinical.Administered{Outcome: clinical.OutcomeHeld, Medication: "Paracetamol 500 mg tablet",
				OrderID: "rq-mr1", Dose: &clinical.Quantity{Value: 500, Unit: "mg"}, Route: "oral", Reason: "nil by mouth"}
		}),
		"medication partial": rqEntry(t, clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication = &clinical.Administered{Outcome: clinical.OutcomePartial, Medication: "Amoxicillin 1 g IV",
				Dose: &clinical.Quantity{Value: 0.5, Unit: "g"}, Route: "intravenous", Site: "left forearm", Reason: "line occluded"}
		}),
		"medication refused, odd unit": rqEntry(t, clinical.KindMedication, func(e *clinical.Entry) {
			e.Medication = &clinical.Administered{Outcome: clinical.OutcomeRefused, Medication: "Lactulose",
				Dose: &clinical.Quantity{Value: 2, Unit: "sachets"}, Reason: "patient refused"}
		}),
		"vitals": rqEntry(t, clinical.KindVitals, func(e *clinical.Entry) {
			e.Vitals = &clinical.VitalSigns{Systolic: rqNum(128), Diastolic: rqNum(76), HeartRate: rqNum(88),
				RespiratoryRate: rqNum(16), Temperature: rqNum(37.8), SpO2: rqNum(96), Pain: rqNum(3)}
		}),
		"note": rqEntry(t, clinical.KindNote, func(e *clinical.Entry) {
			e.Note = &clinical.NursingNote{Text: "Slept well. Mobilised with one assist — no pain.\nFamily informed."}
		}),
		"note transcribed": rqEntry(t, clinical.KindNote, func(e *clinical.Entry) {
			e.EnteredAt = rqAt.Add(30 * time.Hour)
			e.Transcription = &clinical.Transcription{By: e.Author, FromPaperSignedBy: "Nurse Paula Paper"}
			e.Note = &clinical.NursingNote{Text: "Night round from the paper form."}
		}),
		"allergy": rqEntry(t, clinical.KindAllergy, func(e *clinical.Entry) {
			e.Allergy = &clinical.NewAllergy{Substance: "Penicillin", Type: "allergy", Category: "medication",
				Reaction: "urticaria", Severity: "moderate", Criticality: "high"}
		}),
		"allergy, severity only": rqEntry(t, clinical.KindAllergy, func(e *clinical.Entry) {
			e.Allergy = &clinical.NewAllergy{Substance: "Latex", Severity: "mild"}
		}),
		"registration": rqEntry(t, clinical.KindRegistration, func(e *clinical.Entry) {
			e.Patient = rqTempID(t)
			e.Registration = &clinical.Registration{TemporaryID: e.Patient, Family: "Doe", Given: "Jane Marie",
				Sex: "female", BirthDate: "1961-04", BirthDateEstimated: true, Ward: "Ward 3", Room: "14", Bed: "B"}
		}),
		"registration, unknown": rqEntry(t, clinical.KindRegistration, func(e *clinical.Entry) {
			e.Patient = rqTempID(t)
			e.Registration = &clinical.Registration{TemporaryID: e.Patient, Sex: "unknown", Ward: "Emergency"}
		}),
	}
}

// rqServer starts the engine with a patient, an encounter and an order.
func rqServer(t *testing.T) *fhirtest.Server {
	t.Helper()
	return fhirtest.Start(t, fhirtest.Options{}, "testdata/requests-seed.ndjson")
}

// rqBundle is the transaction Bundle of the requests.
func rqBundle(t *testing.T, reqs ...Request) []byte {
	t.Helper()
	type request struct {
		Method      string `json:"method"`
		URL         string `json:"url"`
		IfNoneExist string `json:"ifNoneExist,omitempty"`
		IfMatch     string `json:"ifMatch,omitempty"`
	}
	type entry struct {
		FullURL  string          `json:"fullUrl,omitempty"`
		Resource json.RawMessage `json:"resource"`
		Request  request         `json:"request"`
	}
	b := struct {
		ResourceType string  `json:"resourceType"`
		Type         string  `json:"type"`
		Entry        []entry `json:"entry"`
	}{ResourceType: "Bundle", Type: "transaction"}
	for _, r := range reqs {
		b.Entry = append(b.Entry, entry{r.FullURL, r.Resource, request{r.Method, r.URL, r.IfNoneExist, r.IfMatch}})
	}
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rqAnswer is one entry of a transaction's answer.
type rqAnswer struct {
	Status   string          // "201 Created"
	Location string          // Type/id
	Resource json.RawMessage // the resource as stored
}

// rqTransact posts the requests as one transaction and returns the HTTP
// status and the answer's entries.
func rqTransact(t *testing.T, srv *fhirtest.Server, reqs ...Request) (int, []rqAnswer, string) {
	t.Helper()
	resp, err := http.Post(srv.URL, "application/fhir+json", bytes.NewReader(rqBundle(t, reqs...)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, string(body)
	}
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
			Response struct {
				Status   string `json:"status"`
				Location string `json:"location"`
			} `json:"response"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("the transaction's answer: %v", err)
	}
	var out []rqAnswer
	for _, e := range b.Entry {
		loc := e.Response.Location
		if i := strings.Index(loc, "/_history/"); i >= 0 {
			loc = loc[:i]
		}
		out = append(out, rqAnswer{e.Response.Status, loc, e.Resource})
	}
	return resp.StatusCode, out, string(body)
}

// rqPush posts the requests and fails unless every one got want (200 or
// 201) or, when want is 0, 200 or 201.
func rqPush(t *testing.T, srv *fhirtest.Server, want int, reqs ...Request) []rqAnswer {
	t.Helper()
	for _, r := range reqs {
		rqCheckCodes(t, r.Resource)
	}
	status, answers, body := rqTransact(t, srv, reqs...)
	if status != http.StatusOK {
		t.Fatalf("the transaction got %d: %s", status, body)
	}
	if len(answers) != len(reqs) {
		t.Fatalf("the transaction answered %d entries for %d requests", len(answers), len(reqs))
	}
	for i, a := range answers {
		code := strings.Fields(a.Status + " 0")[0]
		ok := code == "200" || code == "201"
		if want != 0 {
			ok = code == strconv.Itoa(want)
		}
		if !ok {
			t.Errorf("request %d (%s %s) got %q, want %d", i, reqs[i].Method, reqs[i].URL, a.Status, want)
		}
	}
	return answers
}

// rqSearch returns the resources of a search.
func rqSearch(t *testing.T, srv *fhirtest.Server, typ string, q url.Values) []json.RawMessage {
	t.Helper()
	resp, err := http.Get(srv.URL + "/" + typ + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("searching %s?%s got %d: %s", typ, q.Encode(), resp.StatusCode, body)
	}
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	for _, e := range b.Entry {
		out = append(out, e.Resource)
	}
	return out
}

// rqRead reads a resource as the planner would hand it to Requests.
func rqRead(t *testing.T, srv *fhirtest.Server, ref string) ServerResource {
	t.Helper()
	resp, err := http.Get(srv.URL + "/" + ref)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reading %s got %d: %s", ref, resp.StatusCode, body)
	}
	return rqServerResource(t, body)
}

func rqServerResource(t *testing.T, body json.RawMessage) ServerResource {
	t.Helper()
	var r struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
		Meta         struct {
			VersionID string `json:"versionId"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return ServerResource{Type: r.ResourceType, ID: r.ID, Version: r.Meta.VersionID, Body: body}
}

// rqCounts counts, by type, the resources on the server that the entry
// made, found as the planner finds them.
func rqCounts(t *testing.T, srv *fhirtest.Server, entryID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, typ := range []string{"MedicationAdministration", "Observation", "DocumentReference",
		"AllergyIntolerance", "Patient", "Encounter", "Provenance"} {
		found := rqSearch(t, srv, typ, EntryResourcesQuery(typ, entryID, Config{}))
		for _, r := range found {
			if !Identifies(r, entryID, Config{}) {
				t.Errorf("a %s found by the entry's query is not identified as the entry's", typ)
			}
		}
		if len(found) > 0 {
			out[typ] = len(found)
		}
	}
	return out
}

// rqCreated counts the requests by type: what the entry should make.
func rqCreated(reqs []Request) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		out[r.Type]++
	}
	return out
}

func rqSameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// rqProvenanceTargets reads the entry's Provenance and returns its targets.
func rqProvenanceTargets(t *testing.T, srv *fhirtest.Server, entryID string) []string {
	t.Helper()
	found := rqSearch(t, srv, "Provenance", EntryResourcesQuery("Provenance", entryID, Config{}))
	if len(found) != 1 {
		t.Fatalf("found %d Provenances of the entry, want 1", len(found))
	}
	var p struct {
		Target []struct {
			Reference string `json:"reference"`
		} `json:"target"`
	}
	if err := json.Unmarshal(found[0], &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range p.Target {
		out = append(out, x.Reference)
	}
	return out
}

func rqField(t *testing.T, raw json.RawMessage, path ...string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := int(p[0] - '0')
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// TestRequestsCreateValidResourcesOnceAgainstTheEngine pushes one entry of
// each kind that creates resources, as its own transaction, twice: the
// engine accepts every resource (it validates them against R4), the second
// push creates nothing, and the Provenance points at what was created.
func TestRequestsCreateValidResourcesOnceAgainstTheEngine(t *testing.T) {
	srv := rqServer(t)
	enc := rqRead(t, srv, "Encounter/rq-e1")
	for name, e := range rqCreatingEntries(t) {
		t.Run(name, func(t *testing.T) {
			c := Context{Patient: "Patient/rq-p1", Encounter: &enc}
			if e.Kind == clinical.KindRegistration {
				c = Context{}
			}
			reqs, err := Requests(e, c, Config{})
			if err != nil {
				t.Fatal(err)
			}
			first := rqPush(t, srv, 201, reqs...)
			want := rqCreated(reqs)
			if got := rqCounts(t, srv, e.ID); !rqSameCounts(got, want) {
				t.Fatalf("after the first push the server holds %v, want %v", got, want)
			}
			// The Provenance, last, points at every other resource, by the
			// references the urn:uuid fullUrls became.
			var made []string
			for _, a := range first[:len(first)-1] {
				made = append(made, a.Location)
			}
			if got := rqProvenanceTargets(t, srv, e.ID); !slices.Equal(got, made) {
				t.Errorf("the Provenance targets %v, want %v", got, made)
			}
			if e.Kind == clinical.KindRegistration {
				// The Encounter's subject is the Patient just made.
				if got := rqField(t, first[1].Resource, "subject", "reference"); got != first[0].Location {
					t.Errorf("the registration's Encounter is of %v, want %s", got, first[0].Location)
				}
			}

			// The very same Bundle again: every conditional create finds
			// what the first made.
			again, err := Requests(e, c, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rqBundle(t, again...), rqBundle(t, reqs...)) {
				t.Fatal("building the entry's requests twice gave two different Bundles")
			}
			second := rqPush(t, srv, 200, again...)
			for i := range second {
				if second[i].Location != first[i].Location {
					t.Errorf("request %d found %s, want %s", i, second[i].Location, first[i].Location)
				}
			}
			if got := rqCounts(t, srv, e.ID); !rqSameCounts(got, want) {
				t.Fatalf("after the second push the server holds %v, want %v", got, want)
			}
		})
	}
}

// TestRequestsProvenanceFindsResourcesAnEarlierAttemptCreated: a push that
// got the main resource through but not the Provenance (a non-rolling-back
// server, or a batch) is completed by the full Bundle, whose Provenance
// then points at the resource that was already there.
func TestRequestsProvenanceFindsResourcesAnEarlierAttemptCreated(t *testing.T) {
	srv := rqServer(t)
	enc := rqRead(t, srv, "Encounter/rq-e1")
	c := Context{Patient: "Patient/rq-p1", Encounter: &enc}
	entries := rqCreatingEntries(t)
	for _, name := range []string{"note", "vitals", "registration"} {
		t.Run(name, func(t *testing.T) {
			e := entries[name]
			if e.Kind == clinical.KindRegistration {
				c = Context{}
			}
			reqs, err := Requests(e, c, Config{})
			if err != nil {
				t.Fatal(err)
			}
			// The first attempt: only the first resource got through.
			early := rqPush(t, srv, 201, reqs[0])
			answers := rqPush(t, srv, 0, reqs...)
			if answers[0].Status[:3] != "200" || answers[0].Location != early[0].Location {
				t.Errorf("the resource already there was answered %q at %s, want 200 at %s",
					answers[0].Status, answers[0].Location, early[0].Location)
			}
			for i, a := range answers[1:] {
				if a.Status[:3] != "201" {
					t.Errorf("request %d was answered %q, want 201", i+1, a.Status)
				}
			}
			targets := rqProvenanceTargets(t, srv, e.ID)
			if len(targets) == 0 || targets[0] != early[0].Location {
				t.Errorf("the Provenance targets %v, want first %s", targets, early[0].Location)
			}
			for _, x := range targets {
				if strings.HasPrefix(x, "urn:") {
					t.Errorf("the Provenance target %s was not resolved", x)
				}
			}
			if got, want := rqCounts(t, srv, e.ID), rqCreated(reqs); !rqSameCounts(got, want) {
				t.Errorf("the server holds %v, want %v", got, want)
			}
		})
	}
}

// TestRequestsTransferAndDischargeUpdateTheEncounterOnce moves the patient,
// then discharges them, each as a PUT with If-Match of the encounter read
// from the server.
func TestRequestsTransferAndDischargeUpdateTheEncounterOnce(t *testing.T) {
	srv := rqServer(t)
	transfer := rqEntry(t, clinical.KindTransfer, func(e *clinical.Entry) {
		e.Transfer = &clinical.Transfer{Ward: "ICU", Room: "2", Bed: "1"}
	})
	discharge := rqEntry(t, clinical.KindDischarge, func(e *clinical.Entry) {
		e.ClinicalTime = rqAt.Add(time.Hour)
		e.EnteredAt = rqAt.Add(time.Hour + time.Minute)
		e.Discharge = &clinical.Discharge{Destination: "home"}
	})

	if _, err := Requests(transfer, Context{Patient: "Patient/rq-p1"}, Config{}); err == nil ||
		err.Error() != "no current encounter to transfer" {
		t.Errorf("a transfer without an encounter: %v", err)
	}

	enc := rqRead(t, srv, "Encounter/rq-e1")
	reqs, err := Requests(transfer, Context{Patient: "Patient/rq-p1", Encounter: &enc}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 || reqs[0].Method != "PUT" || reqs[0].URL != "Encounter/rq-e1" || reqs[0].IfMatch != `W/"1"` {
		t.Fatalf("the transfer's requests: %+v", reqs)
	}
	rqPush(t, srv, 0, reqs...)
	moved := rqRead(t, srv, "Encounter/rq-e1")
	if got := rqField(t, moved.Body, "location", "0", "status"); got != "completed" {
		t.Errorf("the old location is %v, want completed", got)
	}
	if got := rqField(t, moved.Body, "location", "0", "period", "end"); got != "2025-03-10T08:00:00+01:00" {
		t.Errorf("the old location ended %v", got)
	}
	if got := rqField(t, moved.Body, "location", "1", "location", "display"); got != "ICU / 2 / 1" {
		t.Errorf("the new location is %v", got)
	}
	if got := rqField(t, moved.Body, "location", "1", "status"); got != "active" {
		t.Errorf("the new location is %v, want active", got)
	}
	if !Identifies(moved.Body, transfer.ID, Config{}) {
		t.Error("the moved encounter does not carry the transfer's identifier")
	}
	if got := rqField(t, moved.Body, "identifier", "0", "value"); got != "V-0001" {
		t.Errorf("the encounter's own identifier was lost: %v", got)
	}
	if targets := rqProvenanceTargets(t, srv, transfer.ID); !slices.Equal(targets, []string{"Encounter/rq-e1"}) {
		t.Errorf("the transfer's Provenance targets %v", targets)
	}

	// The same Bundle again is refused (the encounter has changed since):
	// a PUT is never blind. Planned again from what the server holds, the
	// transfer is found done and only its Provenance is sent, again.
	if status, _, _ := rqTransact(t, srv, reqs...); status != http.StatusPreconditionFailed {
		t.Errorf("the same transfer again got %d, want 412", status)
	}
	again, err := Requests(transfer, Context{Patient: "Patient/rq-p1", Encounter: &moved}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].Type != "Provenance" {
		t.Fatalf("a transfer already done gave %d requests, want its Provenance only", len(again))
	}
	rqPush(t, srv, 200, again...)
	if now := rqRead(t, srv, "Encounter/rq-e1"); now.Version != moved.Version {
		t.Error("a transfer already done changed the encounter again")
	}

	reqs, err = Requests(discharge, Context{Patient: "Patient/rq-p1", Encounter: &moved}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	rqPush(t, srv, 0, reqs...)
	gone := rqRead(t, srv, "Encounter/rq-e1")
	for path, want := range map[string]any{
		"status":     "finished",
		"period/end": "2025-03-10T09:00:00+01:00",
		"hospitalization/dischargeDisposition/text": "home",
		"location/0/status":                         "completed",
		"location/1/status":                         "completed",
		"location/1/period/end":                     "2025-03-10T09:00:00+01:00",
	} {
		if got := rqField(t, gone.Body, strings.Split(path, "/")...); got != want {
			t.Errorf("after the discharge %s is %v, want %v", path, got, want)
		}
	}
	if !Identifies(gone.Body, discharge.ID, Config{}) || !Identifies(gone.Body, transfer.ID, Config{}) {
		t.Error("the discharged encounter does not carry both entries' identifiers")
	}

	// Another patient's encounter is never changed.
	other := rqEntry(t, clinical.KindTransfer, func(e *clinical.Entry) { e.Transfer = &clinical.Transfer{Ward: "ICU"} })
	if _, err := Requests(other, Context{Patient: "Patient/someone-else", Encounter: &gone}, Config{}); err == nil {
		t.Error("a transfer of another patient's encounter was accepted")
	}
}

// TestRequestsCancellationMarksResourcesEnteredInError withdraws the
// resources of a vitals entry, an allergy and a registration.
func TestRequestsCancellationMarksResourcesEnteredInError(t *testing.T) {
	srv := rqServer(t)
	enc := rqRead(t, srv, "Encounter/rq-e1")
	entries := rqCreatingEntries(t)
	for _, name := range []string{"vitals", "allergy", "registration", "medication given", "note"} {
		t.Run(name, func(t *testing.T) {
			e := entries[name]
			c := Context{Patient: "Patient/rq-p1", Encounter: &enc}
			if e.Kind == clinical.KindRegistration {
				c = Context{}
			}
			reqs, err := Requests(e, c, Config{})
			if err != nil {
				t.Fatal(err)
			}
			rqPush(t, srv, 201, reqs...)

			cancel := rqEntry(t, clinical.KindCancellation, func(x *clinical.Entry) {
				x.Patient = e.Patient
				x.Supersedes = e.ID
				x.ClinicalTime = rqAt.Add(time.Minute)
				x.EnteredAt = rqAt.Add(20 * time.Minute)
				x.Cancellation = &clinical.Cancellation{Reason: "documented for the wrong patient"}
			})
			if reqs, err := Requests(cancel, Context{}, Config{}); err != nil || len(reqs) != 0 {
				t.Fatalf("a cancellation with nothing to withdraw gave %d requests, %v", len(reqs), err)
			}
			// What the planner hands over: the entry's resources as the
			// server holds them now (its Provenance is left alone).
			var cancelled []ServerResource
			for typ := range rqCreated(reqs) {
				for _, raw := range rqSearch(t, srv, typ, EntryResourcesQuery(typ, e.ID, Config{})) {
					cancelled = append(cancelled, rqServerResource(t, raw))
				}
			}
			creq, err := Requests(cancel, Context{Cancelled: cancelled}, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if len(creq) != len(cancelled) {
				t.Fatalf("the cancellation gave %d requests for %d resources (with a Provenance)", len(creq), len(cancelled))
			}
			rqPush(t, srv, 200, creq[:len(creq)-1]...)
			// ...the Provenance was left out: planned again, the changes
			// are found done and only it is sent.
			var now []ServerResource
			for _, s := range cancelled {
				if s.Type == "Provenance" {
					continue
				}
				r := rqRead(t, srv, s.Reference())
				now = append(now, r)
				if !Identifies(r.Body, cancel.ID, Config{}) || !Identifies(r.Body, e.ID, Config{}) {
					t.Errorf("the withdrawn %s does not carry both entries' identifiers", s.Type)
				}
				var got any
				switch s.Type {
				case "AllergyIntolerance":
					got = rqField(t, r.Body, "verificationStatus", "coding", "0", "code")
					if rqField(t, r.Body, "clinicalStatus") != nil {
						t.Error("the withdrawn allergy still has a clinical status")
					}
				case "Patient":
					if rqField(t, r.Body, "active") == false {
						got = "entered-in-error"
					}
				default:
					got = rqField(t, r.Body, "status")
				}
				if got != "entered-in-error" {
					t.Errorf("the withdrawn %s reads %v, want entered-in-error", s.Type, got)
				}
			}
			again, err := Requests(cancel, Context{Cancelled: now}, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 || again[0].Type != "Provenance" {
				t.Fatalf("a cancellation already done gave %d requests, want its Provenance only", len(again))
			}
			rqPush(t, srv, 201, again...)
			var want []string
			for _, s := range now {
				want = append(want, s.Reference())
			}
			if got := rqProvenanceTargets(t, srv, cancel.ID); !slices.Equal(got, want) {
				t.Errorf("the cancellation's Provenance targets %v, want %v", got, want)
			}
			for _, s := range now {
				if r := rqRead(t, srv, s.Reference()); r.Version != s.Version {
					t.Errorf("a cancellation already done changed the %s again", s.Type)
				}
			}
		})
	}
}

// TestRequestsShape checks what needs no server: identifiers, conditions,
// fullUrls, the Provenance, and refusals.
func TestRequestsShape(t *testing.T) {
	entries := rqCreatingEntries(t)
	enc := ServerResource{Type: "Encounter", ID: "rq-e1", Version: "3",
		Body: json.RawMessage(`{"resourceType":"Encounter","id":"rq-e1","status":"in-progress","subject":{"reference":"Patient/rq-p1"}}`)}
	c := Context{Patient: "Patient/rq-p1", Encounter: &enc}
	cfg := Config{EntrySystem: "https://hospital.example/downtime", TemporarySystem: "https://hospital.example/temp"}

	vitals := entries["vitals"]
	reqs, err := Requests(vitals, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := rqCreated(reqs); got["Observation"] != 6 || got["Provenance"] != 1 || len(got) != 2 {
		t.Fatalf("a full set of vitals gave %v", got)
	}
	seen := map[string]bool{}
	for i, r := range reqs {
		if r.Method != "POST" || r.URL != r.Type || !strings.HasPrefix(r.FullURL, "urn:uuid:") || seen[r.FullURL] {
			t.Errorf("request %d: %s %s %s", i, r.Method, r.URL, r.FullURL)
		}
		seen[r.FullURL] = true
		q, err := url.ParseQuery(r.IfNoneExist)
		if err != nil || len(q) != 1 {
			t.Errorf("request %d's condition %q is not one search parameter", i, r.IfNoneExist)
		}
		if r.Type == "Provenance" {
			if want := "https://hospital.example/downtime|" + vitals.ID; q.Get("_tag") != want {
				t.Errorf("the Provenance's condition is %q", r.IfNoneExist)
			}
			if got := rqField(t, r.Resource, "meta", "tag", "0", "code"); got != vitals.ID {
				t.Errorf("the Provenance's tag is %v", got)
			}
			continue
		}
		value := rqField(t, r.Resource, "identifier", "0", "value").(string)
		if q.Get("identifier") != "https://hospital.example/downtime|"+value || !strings.HasPrefix(value, vitals.ID+"/") {
			t.Errorf("request %d: identifier %s, condition %q", i, value, r.IfNoneExist)
		}
		if !Identifies(r.Resource, vitals.ID, cfg) || Identifies(r.Resource, vitals.ID, Config{}) {
			t.Errorf("request %d: Identifies does not follow the configured system", i)
		}
		if got := rqField(t, r.Resource, "encounter", "reference"); got != "Encounter/rq-e1" {
			t.Errorf("request %d's encounter is %v", i, got)
		}
	}
	q := EntryResourcesQuery("Observation", vitals.ID, cfg)
	if n := strings.Count(q.Get("identifier"), ","); n != 10 {
		t.Errorf("the Observation query names %d values, want 11: %s", n+1, q.Encode())
	}
	// The NEWS2 parameters beyond the classic ones: oxygen flow, FiO2,
	// glucose and ACVPU each become an Observation.
	news := vitals
	on := true
	news.Vitals = &clinical.VitalSigns{OnOxygen: &on, O2Flow: rqNum(2), FiO2: rqNum(28), Glucose: rqNum(6.1),
		Consciousness: clinical.ConsciousVoice}
	reqs, err = Requests(news, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]any{}
	for _, r := range reqs {
		if r.Type == "Observation" {
			code := rqField(t, r.Resource, "code", "coding", "0", "code").(string)
			if v := rqField(t, r.Resource, "valueQuantity", "value"); v != nil {
				codes[code] = v
			} else {
				codes[code] = rqField(t, r.Resource, "valueCodeableConcept", "text")
			}
		}
	}
	if codes["3151-8"] != 2.0 || codes["3150-0"] != 28.0 || codes["15074-8"] != 6.1 || codes["67775-7"] != "Responds to voice" || len(codes) != 4 {
		t.Errorf("the NEWS2 parameters became %v", codes)
	}
	if q := EntryResourcesQuery("Provenance", vitals.ID, cfg); q.Get("_tag") != "https://hospital.example/downtime|"+vitals.ID {
		t.Errorf("the Provenance query is %s", q.Encode())
	}

	// A dose without an order, given despite a hard stop, says both.
	stopped := rqEntry(t, clinical.KindMedication, func(e *clinical.Entry) {
		e.Medication = &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Augmentin 1 g", Route: "IV",
			Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Override: &clinical.Override{Witness: "Dr Claes", Reason: "tolerated before"}}
	})
	reqs, err = Requests(stopped, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := rqField(t, reqs[0].Resource, "note", "0", "text"); got != "given without an order in the downtime snapshot" {
		t.Errorf("the first note is %v", got)
	}
	if got := rqField(t, reqs[0].Resource, "note", "1", "text"); got != "given despite an allergy hard stop; witnessed by Dr Claes; reason: tolerated before" {
		t.Errorf("the second note is %v", got)
	}

	// Paper back-entry: the care was done by who signed the paper.
	note := entries["note transcribed"]
	reqs, err = Requests(note, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := rqField(t, reqs[0].Resource, "author", "0", "display"); got != "Nurse Paula Paper" {
		t.Errorf("the transcribed note's author is %v", got)
	}
	prov := reqs[len(reqs)-1].Resource
	for path, want := range map[string]any{
		"agent/0/type/coding/0/code": "author", "agent/0/who/display": "Nurse Paula Paper",
		"agent/1/type/coding/0/code": "enterer", "agent/1/who/display": "Nurse Nora Example",
		"agent/2/type/coding/0/code": "assembler", "agent/2/who/display": "Lifeboat kiosk ward3-kiosk1",
		"activity/text": "documented during downtime; transcribed from paper by Nurse Nora Example, signed by Nurse Paula Paper",
		"recorded":      "2025-03-11T14:00:00+01:00", "occurredDateTime": "2025-03-10T08:00:00+01:00",
		"entity/0/role": "source", "entity/0/what/identifier/value": note.ID,
		"target/0/reference": reqs[0].FullURL,
	} {
		if got := rqField(t, prov, strings.Split(path, "/")...); got != want {
			t.Errorf("the Provenance's %s is %v, want %v", path, got, want)
		}
	}

	// A registration keeps its temporary identifier; linked to a record,
	// it makes the encounter only.
	reg := entries["registration"]
	reqs, err = Requests(reg, Context{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 || reqs[0].Type != "Patient" || reqs[1].Type != "Encounter" {
		t.Fatalf("a registration gave %v", rqCreated(reqs))
	}
	if got := rqField(t, reqs[0].Resource, "identifier", "1", "value"); got != reg.Patient {
		t.Errorf("the Patient's temporary identifier is %v", got)
	}
	if patient, encounter := RegistrationFullURLs(reg.ID); patient != reqs[0].FullURL || encounter != reqs[1].FullURL {
		t.Error("RegistrationFullURLs does not name the registration's requests")
	}
	reqs, err = Requests(reg, Context{Patient: "Patient/rq-p1"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 || reqs[0].Type != "Encounter" || rqField(t, reqs[0].Resource, "subject", "reference") != "Patient/rq-p1" {
		t.Errorf("a linked registration gave %v", rqCreated(reqs))
	}

	// Refusals, in one sentence and without patient data.
	med := entries["medication given"]
	for name, tc := range map[string]struct {
		e clinical.Entry
		c Context
	}{
		"no patient record":     {med, Context{}},
		"a decision":            {clinical.Entry{ID: med.ID, Kind: clinical.KindDecision, ClinicalTime: rqAt, EnteredAt: rqAt}, c},
		"no payload":            {clinical.Entry{ID: med.ID, Kind: clinical.KindNote, ClinicalTime: rqAt, EnteredAt: rqAt}, c},
		"a stale encounter":     {rqEntry(t, clinical.KindDischarge, func(e *clinical.Entry) { e.Discharge = &clinical.Discharge{} }), Context{Patient: "Patient/rq-p1", Encounter: &ServerResource{Type: "Encounter", ID: "rq-e1", Body: enc.Body}}},
		"a discharge too early": {rqEntry(t, clinical.KindDischarge, func(e *clinical.Entry) { e.Discharge = &clinical.Discharge{} }), Context{Patient: "Patient/rq-p1", Encounter: &ServerResource{Type: "Encounter", ID: "rq-e1", Version: "1", Body: json.RawMessage(`{"resourceType":"Encounter","id":"rq-e1","status":"in-progress","subject":{"reference":"Patient/rq-p1"},"period":{"start":"2025-03-10T09:00:00+01:00"}}`)}}},
	} {
		_, err := Requests(tc.e, tc.c, cfg)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if msg := err.Error(); strings.Count(msg, ".") > 1 || strings.Contains(msg, "rq-p1") || strings.Contains(msg, med.ID) {
			t.Errorf("%s: %q", name, msg)
		}
	}

	// A transfer's change cannot be withdrawn by a cancellation.
	changed := ServerResource{Type: "Encounter", ID: "rq-e1", Version: "4", Body: json.RawMessage(`{"resourceType":"Encounter","id":"rq-e1","status":"in-progress",` +
		`"identifier":[{"system":"urn:lifeboat:downtime-entry","value":"` + med.ID + `","type":{"text":"` + changeMark + `"}}]}`)}
	cancel := rqEntry(t, clinical.KindCancellation, func(e *clinical.Entry) {
		e.Supersedes = med.ID
		e.Cancellation = &clinical.Cancellation{Reason: "wrong bed"}
	})
	if _, err := Requests(cancel, Context{Cancelled: []ServerResource{changed}}, Config{}); err == nil {
		t.Error("a cancellation withdrew a transfer's change of an encounter")
	}
}

// The engine validates structure, cardinality, formats and the invariants
// of resources, but not required bindings nor the invariants of data types
// (qty-3, per-1): rqCheckCodes checks those for what Requests makes.
var rqRequiredCodes = map[string]map[string][]string{
	"MedicationAdministration": {
		"status": {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"},
	},
	"Observation": {
		"status":               {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
		"category.coding.code": {"vital-signs"},
	},
	"DocumentReference": {"status": {"current", "superseded", "entered-in-error"}},
	"AllergyIntolerance": {
		"type":                           {"allergy", "intolerance"},
		"category":                       {"food", "medication", "environment", "biologic"},
		"criticality":                    {"low", "high", "unable-to-assess"},
		"reaction.severity":              {"mild", "moderate", "severe"},
		"clinicalStatus.coding.code":     {"active", "inactive", "resolved"},
		"verificationStatus.coding.code": {"unconfirmed", "confirmed", "refuted", "entered-in-error"},
	},
	"Patient": {
		"gender":         {"male", "female", "other", "unknown"},
		"identifier.use": {"usual", "official", "temp", "secondary", "old"},
	},
	"Encounter": {
		"status":          {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"},
		"location.status": {"planned", "active", "reserved", "completed"},
		"class.code":      {"IMP"},
	},
	"Provenance": {
		"entity.role":            {"derivation", "revision", "quotation", "source", "removal"},
		"agent.type.coding.code": {"enterer", "performer", "author", "verifier", "legal", "attester", "informant", "custodian", "assembler", "composer"},
		"activity.coding.code":   {"CREATE", "UPDATE", "NULLIFY"},
		"meta.tag.system":        {DefaultEntrySystem},
	},
}

func rqValues(v any, path []string) []any {
	if l, ok := v.([]any); ok {
		var out []any
		for _, x := range l {
			out = append(out, rqValues(x, path)...)
		}
		return out
	}
	if len(path) == 0 {
		return []any{v}
	}
	m, ok := v.(map[string]any)
	if !ok || m[path[0]] == nil {
		return nil
	}
	return rqValues(m[path[0]], path[1:])
}

func rqCheckCodes(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	typ, _ := r["resourceType"].(string)
	for path, allowed := range rqRequiredCodes[typ] {
		for _, v := range rqValues(r, strings.Split(path, ".")) {
			if s, ok := v.(string); !ok || !slices.Contains(allowed, s) {
				t.Errorf("%s.%s is %v, not a code of its value set", typ, path, v)
			}
		}
	}
	var walk func(string, any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case []any:
			for _, y := range x {
				walk(at, y)
			}
		case map[string]any:
			if _, num := x["value"].(float64); num && x["code"] != nil && x["system"] == nil {
				t.Errorf("%s: a quantity with a code and no system (qty-3)", at)
			}
			for k, y := range x {
				if s, ok := y.(string); ok && strings.TrimSpace(s) == "" {
					t.Errorf("%s.%s is empty", at, k)
				}
				if k == "period" {
					p, _ := y.(map[string]any)
					start, _ := time.Parse(time.RFC3339, fmtOr(p["start"]))
					end, _ := time.Parse(time.RFC3339, fmtOr(p["end"]))
					if !start.IsZero() && !end.IsZero() && end.Before(start) {
						t.Errorf("%s.period ends before it starts (per-1)", at)
					}
				}
				walk(at+"."+k, y)
			}
		}
	}
	walk(typ, r)
}

func fmtOr(v any) string {
	s, _ := v.(string)
	return s
}
