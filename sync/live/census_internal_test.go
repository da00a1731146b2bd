package live

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"lifeboat/sync/rest"
)

// censusServer answers reads and searches with the given resources, by
// type, whatever the query; it listens on 127.0.0.1 only.
func censusServer(t *testing.T, byType map[string][]string) *rest.Client {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/fhir+json")
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		list := byType[parts[0]]
		if len(parts) == 2 { // a read
			for _, res := range list {
				if strings.Contains(res, `"id":"`+parts[1]+`"`) {
					_, _ = w.Write([]byte(res))
					return
				}
			}
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("partof") != "" {
			list = nil // no Location under the ward
		}
		var entries []string
		for _, res := range list {
			entries = append(entries, `{"resource":`+res+`}`)
		}
		_, _ = w.Write([]byte(`{"resourceType":"Bundle","type":"searchset","entry":[` + strings.Join(entries, ",") + `]}`))
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := rest.New(srv.URL, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An Encounter or Patient with a member of the wrong type that the census
// does not read (class an array, meta.tag an object, an address a
// string) leaves the census whole; one it reads (the subject, an
// identifier) still stops it.
func TestTheCensusReadsOnlyWhatItNeeds(t *testing.T) {
	ward := `{"resourceType":"Location","id":"w1","name":"Ward 1"}`
	odd := `{"resourceType":"Encounter","id":"e1","status":"in-progress","class":[{"code":"IMP"}],"meta":{"tag":{"code":"x"}},` +
		`"hospitalization":"x","subject":{"reference":"Patient/p1"}}`
	plain := `{"resourceType":"Encounter","id":"e2","status":"in-progress","subject":{"reference":"Patient/p2"}}`
	p := &Puller{Client: censusServer(t, map[string][]string{"Location": {ward}, "Encounter": {odd, plain}}), Census: Census{Ward: "w1"}}
	ids, err := p.census(context.Background(), p.Census, newCollector())
	if err != nil || !slices.Equal(ids, []string{"p1", "p2"}) {
		t.Errorf("ward census: %v, %v; want p1 and p2", ids, err)
	}

	bad := `{"resourceType":"Encounter","id":"e3","status":"in-progress","subject":"Patient/p3"}`
	p = &Puller{Client: censusServer(t, map[string][]string{"Location": {ward}, "Encounter": {plain, bad}}), Census: Census{Ward: "w1"}}
	if _, err := p.census(context.Background(), p.Census, newCollector()); err == nil {
		t.Error("an Encounter whose subject is a string did not stop the census")
	}

	patient := `{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:mrn","value":"MRN1","type":"x"}],"address":"x","link":{"other":1},"meta":{"tag":{}}}`
	p = &Puller{Client: censusServer(t, map[string][]string{"Patient": {patient}}), Census: Census{Patients: []string{"MRN1"}}}
	if ids, err := p.census(context.Background(), p.Census, newCollector()); err != nil || !slices.Equal(ids, []string{"p1"}) {
		t.Errorf("listed census: %v, %v; want p1", ids, err)
	}
	wrongMRN := `{"resourceType":"Patient","id":"p1","identifier":[{"value":{"x":1}}]}`
	p = &Puller{Client: censusServer(t, map[string][]string{"Patient": {wrongMRN}}), Census: Census{Patients: []string{"p1"}}}
	if _, err := p.census(context.Background(), p.Census, newCollector()); err == nil {
		t.Error("a Patient whose identifier value is an object did not stop the census")
	}

	group := `{"resourceType":"Group","id":"g1","type":"person","actual":true,"meta":{"tag":{}},"characteristic":"x",` +
		`"member":[{"entity":{"reference":"Patient/p1"},"period":"x"},{"entity":{"reference":"Patient/p2"},"inactive":true}]}`
	p = &Puller{Client: censusServer(t, map[string][]string{"Group": {group}}), Census: Census{Group: "g1"}}
	if ids, err := p.census(context.Background(), p.Census, newCollector()); err != nil || !slices.Equal(ids, []string{"p1"}) {
		t.Errorf("group census: %v, %v; want p1", ids, err)
	}
}
