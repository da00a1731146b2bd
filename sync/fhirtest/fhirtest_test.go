package fhirtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"lifeboat/sync/fhirtest"
	"lifeboat/sync/synthetic"
)

// asOf is the ward's "now": the morning of the outage.
var asOf = time.Date(2025, 3, 10, 6, 32, 0, 0, time.FixedZone("CET", 3600))

// ward is a synthetic ward written as NDJSON, and its resources by type, to
// work out what a search should find.
type ward struct {
	files  []string
	byType map[string][]res
}

// res holds the fields of a resource the tests search on.
type res struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Meta         struct {
		VersionID   string `json:"versionId"`
		LastUpdated string `json:"lastUpdated"`
	} `json:"meta"`
	Status   string `json:"status"`
	Subject  ref    `json:"subject"`
	Patient  ref    `json:"patient"`
	Location []struct {
		Location ref `json:"location"`
	} `json:"location"`
}

type ref struct {
	Reference string `json:"reference"`
}

func makeWard(t *testing.T, patients int) ward {
	t.Helper()
	dir := t.TempDir()
	if _, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: patients, Seed: 3, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no NDJSON written: %v", err)
	}
	w := ward{files: files, byType: map[string][]res{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			var r res
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			w.byType[r.ResourceType] = append(w.byType[r.ResourceType], r)
		}
	}
	return w
}

// ids returns the sorted ids of the resources of typ that keep says.
func (w ward) ids(typ string, keep func(res) bool) []string {
	var out []string
	for _, r := range w.byType[typ] {
		if keep(r) {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	return out
}

type bundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Total        *int   `json:"total"`
	Link         []struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	} `json:"link"`
	Entry []struct {
		FullURL  string          `json:"fullUrl"`
		Search   json.RawMessage `json:"search"`
		Resource json.RawMessage `json:"resource"`
		Response *struct {
			Status   string `json:"status"`
			Location string `json:"location"`
		} `json:"response"`
	} `json:"entry"`
}

func (b bundle) ids() []string {
	var out []string
	for _, e := range b.Entry {
		var r res
		json.Unmarshal(e.Resource, &r)
		out = append(out, r.ID)
	}
	return out
}

func (b bundle) sortedIDs() []string {
	out := b.ids()
	sort.Strings(out)
	return out
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// call makes one request; body may be nil. Header pairs follow.
func call(t *testing.T, method, u string, body []byte, header ...string) response {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	return response{resp.StatusCode, resp.Header, out}
}

// search GETs base/query and decodes the searchset Bundle.
func search(t *testing.T, base, query string) bundle {
	t.Helper()
	r := call(t, http.MethodGet, base+"/"+query, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", query, r.status, r.body)
	}
	var b bundle
	if err := json.Unmarshal(r.body, &b); err != nil || b.Type != "searchset" {
		t.Fatalf("GET %s: not a searchset Bundle (%v): %.300s", query, err, r.body)
	}
	return b
}

func total(b bundle) int {
	if b.Total == nil {
		return -1
	}
	return *b.Total
}

// outcomeText is the first issue's text of an OperationOutcome body.
func outcomeText(t *testing.T, body []byte) string {
	t.Helper()
	var oo struct {
		ResourceType string `json:"resourceType"`
		Issue        []struct {
			Details struct {
				Text string `json:"text"`
			} `json:"details"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &oo); err != nil || oo.ResourceType != "OperationOutcome" || len(oo.Issue) == 0 {
		t.Fatalf("not an OperationOutcome (%v): %.300s", err, body)
	}
	return oo.Issue[0].Details.Text
}

func TestSearchesASyncClientMakes(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 10)
	srv := fhirtest.Start(t, fhirtest.Options{}, w.files...)
	base := srv.URL
	pats := w.ids("Patient", func(res) bool { return true })
	a, b := pats[0], pats[3]

	t.Run("metadata is a CapabilityStatement", func(t *testing.T) {
		r := call(t, http.MethodGet, base+"/metadata", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/fhir+json") {
			t.Fatalf("metadata: %d %s", r.status, r.header.Get("Content-Type"))
		}
		var cs struct {
			ResourceType string `json:"resourceType"`
			FhirVersion  string `json:"fhirVersion"`
			Rest         []struct {
				Resource []struct {
					Type        string `json:"type"`
					SearchParam []struct {
						Name string `json:"name"`
					} `json:"searchParam"`
				} `json:"resource"`
			} `json:"rest"`
		}
		if err := json.Unmarshal(r.body, &cs); err != nil || cs.ResourceType != "CapabilityStatement" || cs.FhirVersion != "4.0.1" {
			t.Fatalf("metadata: %v %.200s", err, r.body)
		}
		var obsParams []string
		for _, rs := range cs.Rest[0].Resource {
			if rs.Type == "Observation" {
				for _, p := range rs.SearchParam {
					obsParams = append(obsParams, p.Name)
				}
			}
		}
		for _, want := range []string{"subject", "patient", "_lastUpdated", "_id", "code", "date"} {
			if !slices.Contains(obsParams, want) {
				t.Errorf("metadata: Observation lacks the search parameter %s", want)
			}
		}
	})

	t.Run("loaded resources keep their ids and meta", func(t *testing.T) {
		r := call(t, http.MethodGet, base+"/Patient/"+a, nil)
		var got res
		json.Unmarshal(r.body, &got)
		want := w.byType["Patient"][0]
		if r.status != 200 || got.ID != a || got.Meta != want.Meta {
			t.Fatalf("Patient/%s: %d, meta %+v, want %+v", a, r.status, got.Meta, want.Meta)
		}
		if etag := r.header.Get("ETag"); etag != `W/"`+want.Meta.VersionID+`"` {
			t.Errorf("ETag %q, want W/%q", etag, want.Meta.VersionID)
		}
		if r.header.Get("Last-Modified") == "" {
			t.Error("no Last-Modified")
		}
	})

	t.Run("paging with _count and _offset, total always, no links", func(t *testing.T) {
		var seen []string
		for off := 0; off < 10; off += 4 {
			page := search(t, base, fmt.Sprintf("Patient?_count=4&_offset=%d", off))
			if total(page) != 10 {
				t.Errorf("offset %d: total %d, want 10", off, total(page))
			}
			if want := min(4, 10-off); len(page.Entry) != want {
				t.Errorf("offset %d: %d entries, want %d", off, len(page.Entry), want)
			}
			if len(page.Link) != 0 {
				t.Errorf("offset %d: links %+v; the engine gives none", off, page.Link)
			}
			for _, e := range page.Entry {
				if e.FullURL != "" || e.Search != nil {
					t.Errorf("an entry has fullUrl %q or search %s; the engine gives neither", e.FullURL, e.Search)
				}
			}
			seen = append(seen, page.ids()...)
		}
		if !slices.Equal(seen, pats) {
			t.Errorf("pages gave %v, want every patient once in load order %v", seen, pats)
		}
		if p := search(t, base, "Patient?_count=4&_offset=10"); len(p.Entry) != 0 || total(p) != 10 {
			t.Errorf("past the end: %d entries, total %d", len(p.Entry), total(p))
		}
		for _, q := range []string{"Patient?_count=5&_total=accurate", "Patient?_count=5&_total=none", "Patient?_count=5"} {
			if p := search(t, base, q); total(p) != 10 {
				t.Errorf("%s: total %d, want 10", q, total(p))
			}
		}
		if p := search(t, base, "Patient?_summary=count"); len(p.Entry) != 0 || total(p) != 10 {
			t.Errorf("_summary=count: %d entries, total %d", len(p.Entry), total(p))
		}
		// Without _count the engine returns every match.
		obs := len(w.byType["Observation"])
		if p := search(t, base, "Observation"); len(p.Entry) != obs {
			t.Errorf("Observation without _count: %d entries, want all %d", len(p.Entry), obs)
		}
	})

	t.Run("Encounter by location and status", func(t *testing.T) {
		enc := w.byType["Encounter"][2]
		bed := enc.Location[0].Location.Reference
		want := w.ids("Encounter", func(r res) bool {
			return r.Status == "in-progress" && len(r.Location) > 0 && r.Location[0].Location.Reference == bed
		})
		got := search(t, base, "Encounter?location="+url.QueryEscape(bed)+"&status=in-progress").sortedIDs()
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("Encounter?location=%s&status=in-progress: %v, want %v", bed, got, want)
		}
		if got := search(t, base, "Encounter?location="+url.QueryEscape(bed)+"&status=finished"); len(got.Entry) != 0 {
			t.Errorf("status=finished found %v", got.ids())
		}
	})

	t.Run("a comma is OR on subject, patient and _id", func(t *testing.T) {
		either := func(r ref) bool { return r.Reference == "Patient/"+a || r.Reference == "Patient/"+b }
		wantObs := w.ids("Observation", func(r res) bool { return either(r.Subject) })
		got := search(t, base, "Observation?_count=10000&subject=Patient/"+a+",Patient/"+b)
		if !slices.Equal(got.sortedIDs(), wantObs) || total(got) != len(wantObs) {
			t.Errorf("Observation?subject=a,b: %d found, want %d", len(got.Entry), len(wantObs))
		}
		if p := search(t, base, "Observation?_count=10000&patient=Patient/"+a+",Patient/"+b); !slices.Equal(p.sortedIDs(), wantObs) {
			t.Errorf("Observation?patient=a,b: %d found, want %d", len(p.Entry), len(wantObs))
		}
		wantAlg := w.ids("AllergyIntolerance", func(r res) bool { return either(r.Patient) })
		if p := search(t, base, "AllergyIntolerance?patient=Patient/"+a+",Patient/"+b); !slices.Equal(p.sortedIDs(), wantAlg) {
			t.Errorf("AllergyIntolerance?patient=a,b: %v, want %v", p.sortedIDs(), wantAlg)
		}
		if p := search(t, base, "Patient?_id="+a+","+b); !slices.Equal(p.sortedIDs(), []string{a, b}) {
			t.Errorf("Patient?_id=a,b: %v", p.ids())
		}
	})

	t.Run("_lastUpdated compares instants", func(t *testing.T) {
		since := asOf.Add(-36 * time.Hour)
		want := w.ids("Observation", func(r res) bool {
			lu, err := time.Parse(time.RFC3339, r.Meta.LastUpdated)
			return err == nil && lu.After(since)
		})
		for _, v := range []string{since.UTC().Format(time.RFC3339), since.Format(time.RFC3339)} {
			got := search(t, base, "Observation?_count=10000&_lastUpdated=gt"+url.QueryEscape(v))
			if len(want) == 0 || len(want) == len(w.byType["Observation"]) || !slices.Equal(got.sortedIDs(), want) {
				t.Errorf("_lastUpdated=gt%s: %d found, want %d of %d", v, len(got.Entry), len(want), len(w.byType["Observation"]))
			}
		}
	})

	t.Run("searches the engine would get wrong are refused", func(t *testing.T) {
		for _, q := range []string{
			"Observation?patient=" + a, // a bare id: the engine matches none
			"AllergyIntolerance?patient=" + a,
			"Patient?_id=" + a + "&_revinclude=AllergyIntolerance:patient",
			"Encounter?_include=Encounter:subject",
			"Patient?_has:Group:member:_id=g1",
			"Encounter?location.partof=Location/ward-1",
			"Patient?nosuch=1",
			"Observation?value-quantity=gt5",
			"Patient?name:exact=Peeters",
			"Observation?_sort=nosuch",
		} {
			r := call(t, http.MethodGet, base+"/"+q, nil)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400: %.200s", q, r.status, r.body)
				continue
			}
			t.Logf("%s: 400 %s", q, outcomeText(t, r.body))
		}
	})

	t.Run("search by POST", func(t *testing.T) {
		r := call(t, http.MethodPost, base+"/Patient/_search?_count=1", []byte("_id="+a+","+b),
			"Content-Type", "application/x-www-form-urlencoded")
		var got bundle
		json.Unmarshal(r.body, &got)
		if r.status != 200 || total(got) != 2 || len(got.Entry) != 1 {
			t.Errorf("POST Patient/_search: %d, total %d, %d entries", r.status, total(got), len(got.Entry))
		}
	})
}

func TestWritesHistoryAndDeletes(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 3)
	srv := fhirtest.Start(t, fhirtest.Options{}, w.files...)
	base := srv.URL
	p := w.byType["Patient"][0]

	var stored res
	t.Run("PUT with If-Match", func(t *testing.T) {
		body := []byte(`{"resourceType":"Patient","id":"` + p.ID + `","active":false}`)
		r := call(t, http.MethodPut, base+"/Patient/"+p.ID, body, "If-Match", `W/"`+p.Meta.VersionID+`"`)
		if r.status != 200 {
			t.Fatalf("PUT with the current version: %d %s", r.status, r.body)
		}
		json.Unmarshal(r.body, &stored)
		if stored.Meta.VersionID == "" || stored.Meta.VersionID == p.Meta.VersionID {
			t.Errorf("new versionId %q", stored.Meta.VersionID)
		}
		if r.header.Get("ETag") != `W/"`+stored.Meta.VersionID+`"` {
			t.Errorf("ETag %q after PUT", r.header.Get("ETag"))
		}
		r = call(t, http.MethodPut, base+"/Patient/"+p.ID, body, "If-Match", `W/"`+p.Meta.VersionID+`"`)
		if r.status != http.StatusPreconditionFailed {
			t.Errorf("PUT with a stale version: %d, want 412", r.status)
		}
		t.Logf("versionId of an update: %s, lastUpdated %s", stored.Meta.VersionID, stored.Meta.LastUpdated)
	})

	t.Run("_lastUpdated honours the precision of its value", func(t *testing.T) {
		lu, err := time.Parse(time.RFC3339Nano, stored.Meta.LastUpdated)
		if err != nil {
			t.Fatalf("lastUpdated %q: %v", stored.Meta.LastUpdated, err)
		}
		found := func(v string) bool {
			return slices.Contains(search(t, base, "Patient?_lastUpdated="+url.QueryEscape(v)).ids(), p.ID)
		}
		ms := "2006-01-02T15:04:05.000Z07:00"
		if !found("gt" + lu.Add(-time.Millisecond).Format(ms)) {
			t.Error("gt a millisecond before: not found")
		}
		if found("gt" + lu.Format(ms)) {
			t.Error("gt the exact instant: found")
		}
		// gt a value in seconds means after the whole second.
		if found("gt" + lu.Truncate(time.Second).Format(time.RFC3339)) {
			t.Error("gt the same second, without milliseconds: found")
		}
		if !found("ge" + lu.Truncate(time.Second).Format(time.RFC3339)) {
			t.Error("ge the same second: not found")
		}
	})

	t.Run("instance history and vread; no type history", func(t *testing.T) {
		for range 2 { // the engine reversed its list on every read
			var h bundle
			r := call(t, http.MethodGet, base+"/Patient/"+p.ID+"/_history", nil)
			json.Unmarshal(r.body, &h)
			var vids []string
			for _, e := range h.Entry {
				var v res
				json.Unmarshal(e.Resource, &v)
				vids = append(vids, v.Meta.VersionID)
			}
			if r.status != 200 || h.Type != "history" || !slices.Equal(vids, []string{stored.Meta.VersionID, p.Meta.VersionID}) {
				t.Errorf("history: %d %s %v", r.status, h.Type, vids)
			}
		}
		r := call(t, http.MethodGet, base+"/Patient/"+p.ID+"/_history/"+p.Meta.VersionID, nil)
		var v res
		json.Unmarshal(r.body, &v)
		if r.status != 200 || v.Meta != p.Meta {
			t.Errorf("vread: %d %+v", r.status, v.Meta)
		}
		for _, q := range []string{"Patient/_history?_since=2020-01-01T00:00:00Z", "_history?_since=2020-01-01T00:00:00Z"} {
			r := call(t, http.MethodGet, base+"/"+q, nil)
			if r.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404 (not supported)", q, r.status)
			}
			t.Logf("%s: %d %s", q, r.status, outcomeText(t, r.body))
		}
	})

	t.Run("delete", func(t *testing.T) {
		c := w.byType["Condition"][0]
		r := call(t, http.MethodDelete, base+"/Condition/"+c.ID, nil)
		if r.status != 200 {
			t.Fatalf("DELETE: %d %s", r.status, r.body)
		}
		for _, u := range []string{"/Condition/" + c.ID, "/Condition/" + c.ID + "/_history"} {
			if r := call(t, http.MethodGet, base+u, nil); r.status != http.StatusNotFound {
				t.Errorf("GET %s after delete: %d, want 404", u, r.status)
			}
		}
		if ids := search(t, base, "Condition?_id="+c.ID).ids(); len(ids) != 0 {
			t.Errorf("search finds the deleted resource")
		}
		if r := call(t, http.MethodDelete, base+"/Condition/"+c.ID, nil); r.status != http.StatusNotFound {
			t.Errorf("deleting again: %d", r.status)
		}
	})

	t.Run("POST assigns the id and meta", func(t *testing.T) {
		body := []byte(`{"resourceType":"Flag","id":"mine","meta":{"versionId":"7","lastUpdated":"2001-01-01T00:00:00Z"},` +
			`"status":"active","code":{"text":"Falls risk"},"subject":{"reference":"Patient/` + p.ID + `"}}`)
		r := call(t, http.MethodPost, base+"/Flag", body)
		var f res
		json.Unmarshal(r.body, &f)
		if r.status != 201 || f.ID == "mine" || f.ID == "" || f.Meta.VersionID == "7" || strings.HasPrefix(f.Meta.LastUpdated, "2001") {
			t.Errorf("POST: %d %s", r.status, r.body)
		}
		if loc := r.header.Get("Location"); !strings.HasPrefix(loc, base+"/Flag/"+f.ID+"/_history/") {
			t.Errorf("Location %q", loc)
		}
		r = call(t, http.MethodPost, base+"/Flag", []byte(`{"resourceType":"Flag","status":"active","bogus":1}`))
		if r.status != 400 {
			t.Errorf("POST of an invalid Flag: %d", r.status)
		}
	})

	t.Run("transactions are all or nothing; conditional create once", func(t *testing.T) {
		tx := func(kind, entry, recorded string) []byte {
			return []byte(`{"resourceType":"Bundle","type":"` + kind + `","entry":[
 {"fullUrl":"urn:uuid:5b9e4f0e-0f43-4a43-9a9e-1c2f0a6f6b01","request":{"method":"POST","url":"Observation","ifNoneExist":"identifier=urn:lifeboat:entry|` + entry + `"},
  "resource":{"resourceType":"Observation","status":"final","identifier":[{"system":"urn:lifeboat:entry","value":"` + entry + `"}],
   "code":{"text":"Pulse"},"subject":{"reference":"Patient/` + p.ID + `"},"valueQuantity":{"value":80,"unit":"/min"}}},
 {"request":{"method":"POST","url":"Provenance"},"resource":{"resourceType":"Provenance",` + recorded + `,
  "target":[{"reference":"urn:uuid:5b9e4f0e-0f43-4a43-9a9e-1c2f0a6f6b01"}],"agent":[{"who":{"display":"RN A. Peeters"}}]}}]}`)
		}
		post := func(body []byte) (int, bundle, []byte) {
			r := call(t, http.MethodPost, base, body)
			var b bundle
			json.Unmarshal(r.body, &b)
			return r.status, b, r.body
		}
		found := func(entry string) []string {
			return search(t, base, "Observation?identifier="+url.QueryEscape("urn:lifeboat:entry|"+entry)).ids()
		}
		good := `"recorded":"2025-03-10T08:00:00+01:00"`
		st, b, body := post(tx("transaction", "e-1", good))
		if st != 200 || b.Type != "transaction-response" || len(b.Entry) != 2 || b.Entry[0].Response.Status != "201" {
			t.Fatalf("transaction: %d %.400s", st, body)
		}
		first := found("e-1")
		var prov struct {
			Target []ref `json:"target"`
		}
		json.Unmarshal(b.Entry[1].Resource, &prov)
		if len(first) != 1 || len(prov.Target) != 1 || prov.Target[0].Reference != "Observation/"+first[0] {
			t.Errorf("the urn:uuid reference was not resolved: %v %+v", first, prov.Target)
		}
		st, b, _ = post(tx("transaction", "e-1", good))
		if st != 200 || b.Entry[0].Response.Status != "200" || !slices.Equal(found("e-1"), first) {
			t.Errorf("the same conditional create again: %d, entry status %s, found %v", st, b.Entry[0].Response.Status, found("e-1"))
		}
		st, _, body = post(tx("transaction", "e-2", `"recorded":"not a date"`))
		if st != 400 || len(found("e-2")) != 0 {
			t.Errorf("a failing transaction: %d, left %v: %.300s", st, found("e-2"), body)
		}
		st, b, _ = post(tx("batch", "e-3", `"recorded":"not a date"`))
		if st != 200 || b.Type != "batch-response" || b.Entry[0].Response.Status != "201" ||
			b.Entry[1].Response.Status != "400" || len(found("e-3")) != 1 {
			t.Errorf("a batch with a bad entry: %d %+v, found %v", st, b.Type, found("e-3"))
		}
	})

	t.Run("Put and Delete controls, and Group members", func(t *testing.T) {
		p2, p3 := w.byType["Patient"][1].ID, w.byType["Patient"][2].ID
		before := search(t, base, "Patient?_count=100").ids() // fills the engine's search cache
		group := srv.Put(json.RawMessage(`{"resourceType":"Group","id":"ward-1-census","type":"person","actual":true,
			"member":[{"entity":{"reference":"Patient/` + p2 + `"}},{"entity":{"reference":"Patient/` + p3 + `"}}]}`))
		var g res
		json.Unmarshal(group, &g)
		if g.ID != "ward-1-census" || g.Meta.VersionID == "" {
			t.Errorf("Put returned %s", group)
		}
		got := search(t, base, "Group?member=Patient/"+p3).ids()
		if !slices.Equal(got, []string{"ward-1-census"}) {
			t.Errorf("Group?member=Patient/p3: %v", got)
		}
		srv.Delete("Patient", p2)
		after := search(t, base, "Patient?_count=100").ids()
		if len(after) != len(before)-1 || slices.Contains(after, p2) {
			t.Errorf("after Delete: %v, before %v", after, before)
		}
		// The Group still lists the deleted patient: nothing cascades.
		r := call(t, http.MethodGet, base+"/Group/ward-1-census", nil)
		if r.status != 200 || !bytes.Contains(r.body, []byte("Patient/"+p2)) {
			t.Errorf("Group read: %d %s", r.status, r.body)
		}
	})
}

func TestBearerTokens(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 1)
	tokens := filepath.Join(t.TempDir(), "tokens")
	srv := fhirtest.Start(t, fhirtest.Options{Bearer: "static-token", TokensFile: tokens}, w.files...)
	get := func(token string) response {
		if token == "" {
			return call(t, http.MethodGet, srv.URL+"/Patient", nil)
		}
		return call(t, http.MethodGet, srv.URL+"/Patient", nil, "Authorization", "Bearer "+token)
	}
	for _, tok := range []string{"", "wrong", "minted-1"} {
		r := get(tok)
		if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: %d, WWW-Authenticate %q", tok, r.status, r.header.Get("WWW-Authenticate"))
			continue
		}
		outcomeText(t, r.body)
	}
	if r := get("static-token"); r.status != 200 {
		t.Errorf("the static token: %d", r.status)
	}
	if err := os.WriteFile(tokens, []byte("other\nminted-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := get("minted-1"); r.status != 200 {
		t.Errorf("a token from the file: %d", r.status)
	}
	if r := call(t, http.MethodGet, srv.URL+"/metadata", nil); r.status != 200 {
		t.Errorf("metadata without a token: %d", r.status)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 1)
	srv := fhirtest.Start(t, fhirtest.Options{}, w.files...)
	u := srv.URL + "/Patient"
	get := func() (*http.Response, []byte, error) {
		resp, err := http.Get(u)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}

	srv.Fault("500", 0, 2)
	for i := range 3 {
		resp, body, err := get()
		if err != nil {
			t.Fatal(err)
		}
		want := 500
		if i == 2 {
			want = 200
		}
		if resp.StatusCode != want {
			t.Errorf("request %d after a 500 fault for 2: %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == 500 {
			outcomeText(t, body)
		}
	}

	srv.Fault("slow", 300, 1)
	start := time.Now()
	if resp, _, err := get(); err != nil || resp.StatusCode != 200 || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slow: %v after %v", err, time.Since(start))
	}

	srv.Fault("truncate", 0, 1)
	if _, _, err := get(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncate: %v, want an unexpected EOF", err)
	}

	srv.Fault("html", 0, 0) // every request, until cleared
	for range 2 {
		resp, body, err := get()
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!bytes.Contains(body, []byte("<html")) {
			t.Errorf("html: %v %v", err, resp)
		}
	}
	srv.Fault("none", 0, 0)
	if resp, _, err := get(); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/fhir+json") {
		t.Errorf("after none: %v %v", err, resp)
	}
}

func TestNextLinksOption(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 7)
	srv := fhirtest.Start(t, fhirtest.Options{NextLinks: true}, w.files...)
	next := srv.URL + "/Patient?_count=3"
	var ids []string
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		r := call(t, http.MethodGet, next, nil)
		var b bundle
		json.Unmarshal(r.body, &b)
		ids = append(ids, b.ids()...)
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = l.URL
			}
		}
	}
	if want := w.ids("Patient", func(res) bool { return true }); !slices.Equal(ids, want) {
		t.Errorf("following next: %v, want %v", ids, want)
	}
}

func TestBundleFilesAndFolders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ward, err := synthetic.Bundle(synthetic.Options{Patients: 2, Seed: 8, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	wardFile := filepath.Join(dir, "ward.json")
	// A Bundle whose entries refer to each other by urn:uuid, as Synthea writes them.
	linked := `{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:0d4c1a55-1f6e-4c8e-9a52-7d1d2f3b4a01","resource":{"resourceType":"Patient","id":"0d4c1a55-1f6e-4c8e-9a52-7d1d2f3b4a01"},
  "request":{"method":"POST","url":"Patient"}},
 {"fullUrl":"urn:uuid:0d4c1a55-1f6e-4c8e-9a52-7d1d2f3b4a02","resource":{"resourceType":"Condition","id":"c1",
  "code":{"text":"Asthma"},"subject":{"reference":"urn:uuid:0d4c1a55-1f6e-4c8e-9a52-7d1d2f3b4a01"}},
  "request":{"method":"POST","url":"Condition"}}]}`
	sub := filepath.Join(dir, "more")
	os.Mkdir(sub, 0o755)
	for f, data := range map[string][]byte{
		wardFile:                          ward,
		filepath.Join(sub, "linked.json"): []byte(linked),
		filepath.Join(sub, "one.json"):    []byte(`{"resourceType":"Practitioner","id":"dr-1"}`),
	} {
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv := fhirtest.Start(t, fhirtest.Options{}, wardFile, sub)
	if got := search(t, srv.URL, "Patient?_summary=count"); total(got) != 3 {
		t.Errorf("%d patients, want 3", total(got))
	}
	if got := search(t, srv.URL, "Condition?subject=Patient/0d4c1a55-1f6e-4c8e-9a52-7d1d2f3b4a01").ids(); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("the urn:uuid reference: %v", got)
	}
	if r := call(t, http.MethodGet, srv.URL+"/Practitioner/dr-1", nil); r.status != 200 {
		t.Errorf("the single resource: %d", r.status)
	}
	if st := srv.Stats(); st.Loaded == 0 || st.Resources["Patient"] != 3 {
		t.Errorf("stats: %+v", st)
	}
}

func TestTheServerExitsWhenItsStdinCloses(t *testing.T) {
	t.Parallel()
	srv := fhirtest.Start(t, fhirtest.Options{}, makeWard(t, 1).files...)
	if !srv.Stop() {
		t.Errorf("the server did not exit by itself when its stdin closed:\n%s", srv.Stderr())
	}
}

func TestKill(t *testing.T) {
	t.Parallel()
	srv := fhirtest.Start(t, fhirtest.Options{}, makeWard(t, 1).files...)
	srv.Kill()
	if _, err := http.Get(srv.URL + "/metadata"); err == nil {
		t.Error("the killed server still answers")
	}
}

func TestABadFileStopsTheStartWithTheServersWords(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.ndjson")
	os.WriteFile(bad, []byte("{\"resourceType\":\"Patient\",\"id\":\"x\"}\nnot json\n"), 0o600)
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { recover() }()
		fhirtest.Start(ft, fhirtest.Options{}, bad)
	}()
	if !strings.Contains(ft.msg, "bad.ndjson:2") {
		t.Errorf("starting with a bad file: %q", ft.msg)
	}
}

// fatalRecorder records a Fatalf instead of failing the test, and stops the
// caller with a panic.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f.msg)
}

// TestAThousandPatients measures the server on a big ward. It runs only
// with FHIRTEST_BIG=1: it takes some 30 seconds and a gigabyte.
func TestAThousandPatients(t *testing.T) {
	if os.Getenv("FHIRTEST_BIG") != "1" {
		t.Skip("set FHIRTEST_BIG=1 to measure the FHIR server on 1,000 patients")
	}
	dir := t.TempDir()
	sum, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: 1000, Seed: 11, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range sum.Resources {
		n += c
	}
	start := time.Now()
	srv := fhirtest.Start(t, fhirtest.Options{}, dir)
	ready := time.Since(start)
	st := srv.Stats()
	t.Logf("%d resources (%d Observations): ready in %v (definitions %d ms, loading %d ms); rss %d MiB, heap %d MiB",
		n, sum.Resources["Observation"], ready.Round(time.Millisecond), st.IndexMs, st.LoadMs, st.Memory.RSS>>20, st.Memory.HeapUsed>>20)
	if st.Loaded != n {
		t.Errorf("loaded %d of %d", st.Loaded, n)
	}

	var fifty []string
	for i := range 50 {
		fifty = append(fifty, fmt.Sprintf("Patient/pat-%06d", i+1))
	}
	list := strings.Join(fifty, ",")
	timed := func(query string) bundle {
		t.Helper()
		start := time.Now()
		b := search(t, srv.URL, query)
		q := query
		if len(q) > 70 {
			q = q[:70] + "..."
		}
		t.Logf("%8v  total %6d, %5d entries  %s", time.Since(start).Round(time.Millisecond), total(b), len(b.Entry), q)
		return b
	}
	bySubject := timed("Observation?_count=1000&subject=" + list)
	timed("Observation?_count=1000&_offset=1000&subject=" + list) // the next page
	byPatient := timed("Observation?_count=1000&patient=" + list)
	if total(bySubject) != total(byPatient) || total(bySubject) == 0 {
		t.Errorf("subject gave %d, patient %d", total(bySubject), total(byPatient))
	}
	timed("Observation?_count=1000&subject=Patient/pat-000007")
	timed("Observation?_count=1000&patient=Patient/pat-000007")
	timed("MedicationAdministration?_count=1000&subject=" + list)
	timed("AllergyIntolerance?_count=1000&patient=" + list)
	timed("Encounter?_count=1000&status=in-progress&location=Location/bed-101-A")
	timed("Observation?_count=100&_lastUpdated=gt" + url.QueryEscape(asOf.Add(-6*time.Hour).Format(time.RFC3339)))
	timed("Observation?_count=1000&_lastUpdated=gt" + url.QueryEscape(asOf.Add(-6*time.Hour).Format(time.RFC3339)) + "&subject=" + list)
	timed("Observation?_count=100&code=" + url.QueryEscape("http://loinc.org|8867-4"))
	timed("Observation?_count=100&_sort=-_lastUpdated")
	timed("Observation?_count=1000&_offset=100000")
	st = srv.Stats()
	t.Logf("after the searches: rss %d MiB, heap %d MiB", st.Memory.RSS>>20, st.Memory.HeapUsed>>20)
}
