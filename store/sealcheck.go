package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// ErrUnreadableChart says a chart could not be stored so that it opens
// again: it is larger than a chart may be once unpacked (MaxChart), or its
// document does not read back. Nothing is sealed then: a generation that
// says it is good must open, every chart of it.
var ErrUnreadableChart = errors.New("a chart could not be stored so that it opens")

// MaxChart is the most a chart's document may hold once unpacked: opening
// refuses to unpack more (a bound on what a planted snapshot can make a
// kiosk allocate), so sealing refuses to store more.
const MaxChart = maxChart

// chartError is the one sentence for chart n (1-based, in the order of the
// generation's own census), never naming the patient.
func chartError(n int, why string) error {
	return fmt.Errorf("%w: chart %d %s; no generation was sealed", ErrUnreadableChart, n, why)
}

// checkCharts reads every chart of w back as opening does (unpack the
// document, within MaxChart, and check its JSON, which json.Marshal wrote
// from the store's own types), on all cores, before a generation is
// sealed from w. It stops at the first chart that does not read back.
func (w *Ward) checkCharts(ctx context.Context) error {
	rows, err := w.conn.QueryContext(ctx, `SELECT seq, chart FROM patient ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("reading the charts back: %w", err)
	}
	defer rows.Close()
	type job struct {
		n   int
		doc []byte
	}
	jobs := make(chan job, 2*runtime.GOMAXPROCS(0))
	var (
		mu    sync.Mutex
		first error
		bad   = -1
		wg    sync.WaitGroup
	)
	fail := func(n int, e error) {
		mu.Lock()
		defer mu.Unlock()
		if bad < 0 || n < bad {
			bad, first = n, e
		}
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				doc, err := unpack(j.doc)
				switch {
				case err != nil:
					fail(j.n, chartError(j.n, fmt.Sprintf("cannot be unpacked again (more than %d MiB unpacked, or damaged)", maxChart>>20)))
				case !json.Valid(doc):
					fail(j.n, chartError(j.n, "does not read back as JSON (nested too deeply, or damaged)"))
				}
				clear(doc)
			}
		})
	}
	var scanErr error
	for rows.Next() {
		var seq int
		var doc []byte
		if scanErr = rows.Scan(&seq, &doc); scanErr != nil {
			break
		}
		jobs <- job{seq + 1, doc}
	}
	close(jobs)
	wg.Wait()
	if scanErr == nil {
		scanErr = rows.Err()
	}
	if scanErr != nil {
		return fmt.Errorf("reading the charts back: %w", scanErr)
	}
	return first
}
