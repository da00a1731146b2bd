package fhirtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lifeboat/sync/fhirtest"
)

// txOf is a transaction Bundle of n conditional creates of Observations
// identified entry-1 ... entry-n, each with its Provenance after it when
// prov is set.
func txOf(patient, entry string, n int, prov bool) []byte {
	var parts []string
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-%d", entry, i)
		full := fmt.Sprintf("urn:uuid:5b9e4f0e-0f43-4a43-9a9e-%012d", i)
		parts = append(parts, `{"fullUrl":"`+full+`","request":{"method":"POST","url":"Observation","ifNoneExist":"identifier=urn:lifeboat:entry|`+id+`"},
  "resource":{"resourceType":"Observation","status":"final","identifier":[{"system":"urn:lifeboat:entry","value":"`+id+`"}],
   "code":{"text":"Pulse"},"subject":{"reference":"Patient/`+patient+`"},"valueQuantity":{"value":80,"unit":"/min"}}}`)
		if prov {
			parts = append(parts, `{"request":{"method":"POST","url":"Provenance"},"resource":{"resourceType":"Provenance",
  "meta":{"tag":[{"system":"urn:lifeboat:entry","code":"`+id+`"}]},"recorded":"2025-03-10T08:00:00+01:00",
  "target":[{"reference":"`+full+`"}],"agent":[{"who":{"display":"RN A. Peeters"}}]}}`)
		}
	}
	return []byte(`{"resourceType":"Bundle","type":"transaction","entry":[` + strings.Join(parts, ",") + `]}`)
}

// TestFaultsFailEntryAndNoRollback: a transaction failed at its Nth write
// leaves nothing behind on the default server and its first N-1 writes on
// one started with NoRollback, whether the failure comes from FailEntry,
// from the header or from an entry the server refuses.
func TestFaultsFailEntryAndNoRollback(t *testing.T) {
	t.Parallel()
	w := makeWard(t, 1)
	p := w.byType["Patient"][0].ID
	for _, noRollback := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoRollback=%v", noRollback), func(t *testing.T) {
			t.Parallel()
			srv := fhirtest.Start(t, fhirtest.Options{NoRollback: noRollback}, w.files...)
			base := srv.URL
			count := func(param, value, typ string) int {
				return len(search(t, base, typ+"?"+param+"="+url.QueryEscape("urn:lifeboat:entry|"+value)).ids())
			}
			left := func(entry string, n int) (obs, prov int) {
				for i := 1; i <= n; i++ {
					id := fmt.Sprintf("%s-%d", entry, i)
					obs += count("identifier", id, "Observation")
					prov += count("_tag", id, "Provenance")
				}
				return obs, prov
			}
			// want is what a failed transaction of two Observations, each
			// with its Provenance (creates in Bundle order), leaves when it
			// fails at its third write.
			wantObs, wantProv := 0, 0
			if noRollback {
				wantObs, wantProv = 1, 1
			}

			// A GET is not a Bundle: it does not use up the fault.
			srv.FailEntry(3, 1)
			search(t, base, "Patient")
			r := call(t, http.MethodPost, base, txOf(p, "control", 2, true))
			if r.status != 500 || !strings.Contains(outcomeText(t, r.body), "Internal server error") {
				t.Errorf("a transaction failed by FailEntry: %d %.300s", r.status, r.body)
			}
			if o, pr := left("control", 2); o != wantObs || pr != wantProv {
				t.Errorf("FailEntry(3) left %d Observations and %d Provenances, want %d and %d", o, pr, wantObs, wantProv)
			}
			// The fault is used up: the same Bundle goes through, and its
			// conditional creates find what stayed.
			if r := call(t, http.MethodPost, base, txOf(p, "control", 2, true)); r.status != 200 {
				t.Fatalf("the transaction after the fault: %d %.300s", r.status, r.body)
			}
			if o, _ := left("control", 2); o != 2 {
				t.Errorf("%d Observations after the retry, want 2", o)
			}

			r = call(t, http.MethodPost, base, txOf(p, "header", 2, true), fhirtest.FailEntryHeader, "3")
			if r.status != 500 {
				t.Errorf("a transaction failed by the header: %d %.300s", r.status, r.body)
			}
			if o, pr := left("header", 2); o != wantObs || pr != wantProv {
				t.Errorf("the header left %d Observations and %d Provenances, want %d and %d", o, pr, wantObs, wantProv)
			}

			// An entry the server refuses: the Provenance without a target.
			bad := strings.TrimSuffix(string(txOf(p, "refused", 2, false)), `]}`) + `,{"request":{"method":"POST","url":"Provenance"},"resource":{"resourceType":"Provenance","recorded":"not a date"}}]}`
			r = call(t, http.MethodPost, base, []byte(bad))
			if r.status != 400 {
				t.Errorf("a transaction with a refused entry: %d %.300s", r.status, r.body)
			}
			if o, _ := left("refused", 2); (o == 2) != noRollback || (o == 0) == noRollback {
				t.Errorf("a refused transaction left %d of its 2 Observations (NoRollback %v)", o, noRollback)
			}

			// More than 8 entries with a conditional create: refused
			// whole, before anything is written.
			r = call(t, http.MethodPost, base, txOf(p, "nine", 9, false))
			if r.status != 400 || !strings.Contains(outcomeText(t, r.body), "too many entries") {
				t.Errorf("a transaction of 9 conditional creates: %d %.300s", r.status, r.body)
			}
			if o, _ := left("nine", 9); o != 0 {
				t.Errorf("a transaction refused whole left %d Observations", o)
			}
			if r := call(t, http.MethodPost, base, txOf(p, "eight", 8, false)); r.status != 200 {
				t.Errorf("a transaction of 8 conditional creates: %d %.300s", r.status, r.body)
			}

			srv.Fault("none", 0, 0)
		})
	}
}
