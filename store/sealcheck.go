package store

import (
	"bytes"
	"context"
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

// checkCharts reads every chart of w back as opening does, on all cores,
// before a generation is sealed from w: it unpacks each document within
// MaxChart and checks that its JSON reads back (see readsBack). It reports
// the first chart, in census order, that does not.
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
			var buf []byte // one buffer a worker, not one a chart
			for j := range jobs {
				doc, err := unpackInto(buf[:0], j.doc)
				buf = doc
				switch {
				case err != nil:
					fail(j.n, chartError(j.n, fmt.Sprintf("cannot be unpacked again (more than %d MiB unpacked, or damaged)", maxChart>>20)))
				case !readsBack(doc):
					fail(j.n, chartError(j.n, "does not read back as JSON (nested too deeply, or damaged)"))
				}
			}
			clear(buf[:cap(buf)])
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

// maxDecodeDepth is how deeply encoding/json nests before it refuses to
// read a document (its scanner's limit).
const maxDecodeDepth = 10000

// readsBack reports whether an unpacked chart document will decode when
// its chart is opened. Its syntax is right by construction: prepare writes
// it from json.Marshal of the store's own types around source JSON that it
// checks with json.Valid, one resource at a time. What that cannot see is
// the whole: the document nests each source three levels down, so a source
// nested just under the decoder's limit makes a chart that does not open,
// and a document must be whole. A document with fewer brackets than the
// limit cannot nest that deep (counting them is far cheaper than a walk).
func readsBack(doc []byte) bool {
	if !bytes.HasPrefix(doc, []byte(`{"chart":`)) || !bytes.HasSuffix(doc, []byte("}}")) {
		return false
	}
	if bytes.Count(doc, []byte("{"))+bytes.Count(doc, []byte("[")) < maxDecodeDepth {
		return true
	}
	depth, complete := shape(doc, maxDecodeDepth)
	return complete && depth < maxDecodeDepth
}

// shape is how deeply doc's objects and arrays nest (up to limit + 1),
// and whether its first value closes: a byte walk that skips strings.
func shape(doc []byte, limit int) (depth int, complete bool) {
	d := 0
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '"':
			for i++; i < len(doc) && doc[i] != '"'; i++ {
				if doc[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if d++; d > depth {
				if depth = d; depth > limit {
					return depth, false
				}
			}
		case '}', ']':
			if d--; d == 0 {
				return depth, true
			}
		}
	}
	return depth, false
}
