package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"lifeboat/internal/benchenv"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
)

// recorder keeps the URL of every GET a pull makes, to replay them.
type recorder struct {
	mu   sync.Mutex
	urls []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	urls := r.urls
	r.urls = nil
	return urls
}

// replay is the floor of a pull: the same GETs with the same number in
// flight and the same connection pool, bodies read and thrown away.
func replay(b *testing.B, urls []string) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = rest.DefaultConcurrency
	hc := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var wg sync.WaitGroup
	next := make(chan string)
	for range rest.DefaultConcurrency {
		wg.Go(func() {
			for u := range next {
				resp, err := hc.Get(u)
				if err != nil {
					b.Error(err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	for _, u := range urls {
		next <- u
	}
	close(next)
	wg.Wait()
}

// BenchmarkPull measures a full pull of 1,000 synthetic patients (census,
// batched searches, reading, building and sealing) and a refresh after 1%
// of the patients changed, each side by side with its floor: the same GET
// requests replayed by a plain loop with as many in flight, against the
// same local Medplum server. Each iteration runs the pull and then its
// floor, so that both see the same load on a shared machine; the metrics
// are the two times and their ratio, and the refresh's bytes written.
func BenchmarkPull(b *testing.B) {
	const n = 1000
	srv := fhirtest.Start(b, fhirtest.Options{}, ward(b, n))
	dir, keys := vault(b)
	rec := &recorder{}
	var fullBytes int64
	b.Run(fmt.Sprintf("full/%d", n), func(b *testing.B) {
		var pull, floor time.Duration
		iters := 0
		for ; b.Loop(); iters++ {
			p := &live.Puller{Client: client(b, srv.URL, rest.Options{Transport: rec}), Census: live.Census{All: true}, Dir: dir, Keys: keys}
			flush(srv)
			start := time.Now()
			res, err := p.Step(context.Background())
			pull += time.Since(start)
			p.Close()
			if err != nil {
				b.Fatal(err)
			}
			fullBytes = res.Manifest.CipherSize
			urls := rec.take()
			flush(srv)
			start = time.Now()
			replay(b, urls)
			floor += time.Since(start)
			b.ReportMetric(float64(len(urls)), "requests")
		}
		report(b, iters, pull, floor)
	})
	b.Run(fmt.Sprintf("refresh-1pct/%d", n), func(b *testing.B) {
		p := &live.Puller{Client: client(b, srv.URL, rest.Options{Transport: rec}), Census: live.Census{All: true}, Dir: dir, Keys: keys}
		defer p.Close()
		if _, err := p.Step(context.Background()); err != nil {
			b.Fatal(err)
		}
		rec.take()
		var written int64
		var pull, floor time.Duration
		steps := 0
		for i := 0; b.Loop(); i++ {
			// 1% of the patients get a new heart rate.
			for k := range n / 100 {
				obs, _ := json.Marshal(map[string]any{"resourceType": "Observation", "id": fmt.Sprintf("bench-%d-%d", i, k),
					"status": "final", "code": map[string]any{"coding": []any{map[string]any{"system": "http://loinc.org", "code": "8867-4"}}},
					"category": []any{map[string]any{"coding": []any{map[string]any{
						"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}}}},
					"subject":           map[string]any{"reference": fmt.Sprintf("Patient/pat-%06d", 1+k*100+i%100)},
					"effectiveDateTime": time.Now().UTC().Format(time.RFC3339),
					"valueQuantity":     map[string]any{"value": 70 + k, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}})
				srv.Put(obs)
			}
			start := time.Now()
			res, err := p.Step(context.Background())
			pull += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if res.Full || res.Changed != n/100 {
				b.Fatalf("refresh %+v", res)
			}
			written += res.Manifest.CipherSize
			steps++
			flush(srv)
			start = time.Now()
			replay(b, rec.take())
			floor += time.Since(start)
		}
		report(b, steps, pull, floor)
		b.ReportMetric(float64(written)/float64(steps), "bytes/refresh")
		if fullBytes > 0 {
			b.ReportMetric(100*float64(written)/float64(steps)/float64(fullBytes), "%-of-full")
		}
	})
}

// flush makes the test server forget the searches it keeps for paging (it
// drops them on any write), so that neither a pull nor its floor is
// answered from what the other asked.
func flush(srv *fhirtest.Server) {
	srv.Put([]byte(`{"resourceType":"Organization","id":"bench-flush","name":"Benchmark"}`))
}

// report gives the pull's and the floor's time per iteration and their
// ratio.
func report(b *testing.B, iters int, pull, floor time.Duration) {
	b.ReportMetric(pull.Seconds()/float64(iters), "pull-s")
	b.ReportMetric(floor.Seconds()/float64(iters), "floor-s")
	b.ReportMetric(pull.Seconds()/floor.Seconds(), "ratio")
	benchenv.ReportLoad(b)
}
