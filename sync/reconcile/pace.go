package reconcile

import (
	"math/rand/v2"
	"time"
)

// How a push adapts to a slow, busy server (after an outage every EHR is
// both: that is normal, not an error).
//
//   - Size. The first Bundle of a run carries one entry; each Bundle
//     answered in time lets the next carry twice the requests, up to
//     --batch, to the size the server last refused (never more again), and
//     to what the server does in about TargetBundle at its measured pace.
//     A Bundle that times out is treated as one refused: the next carries
//     half its requests, down to one entry. An entry that times out alone
//     is not refused: it is sent again later, with a longer timeout.
//   - Timeout. A Bundle of k requests is given the client's timeout
//     (--timeout) plus k times paceMargin times the server's measured time
//     per request, at most MaxTimeout. The measure is taken from every
//     answered Bundle (its time divided by its requests; it goes up at
//     once, down by half the difference), and a timeout raises it to at
//     least the time given divided by the requests, so that the next
//     timeout is longer (paceMargin times at least).
//   - Never two at once. Lifeboat sends one transaction at a time, and
//     takes one that got no answer (it timed out, or the connection broke
//     after it was sent) to be possibly still running on the server: the
//     server had already spent that long on it and may need as long again.
//     So before the server is read again (and the entries re-planned) it
//     waits a quiet period as long as the request had been out, doubled
//     for each such failure in a row, at least the Reconciler's Wait, at
//     most maxQuiet, plus up to a quarter more at random. A Bundle that
//     was answered, even with an error, is over on the server: the wait
//     before the next round is then the back-off of failed rounds (Wait,
//     doubled for each failed round in a row, at most maxQuiet).
const (
	// DefaultMaxTimeout bounds the timeout of one transaction.
	DefaultMaxTimeout = 10 * time.Minute
	// DefaultTargetBundle is about how long one Bundle should take at the
	// server's measured pace: short enough that little is lost to a
	// timeout, and that progress is seen.
	DefaultTargetBundle = 15 * time.Second
	// SlowRequest is a measured time per request from which progress says
	// that the server answers slowly.
	SlowRequest = time.Second

	paceMargin = 3               // the timeout allows this many times the measured time per request
	maxQuiet   = 5 * time.Minute // the longest wait between rounds
)

// pace is what a run has learned of the server's speed and size limit.
type pace struct {
	batch    int           // --batch: the most requests a Bundle carries
	ceiling  int           // the largest size not refused (starts at batch)
	window   int           // requests of the next Bundle
	perReq   time.Duration // the server's measured time per request; 0 until measured
	base     time.Duration // the client's timeout, given to every Bundle
	max      time.Duration // the most a Bundle is given
	target   time.Duration // about how long a Bundle should take
	timeouts int           // Bundles in a row that got no answer
}

func newPace(batch int, base, maxTimeout, target time.Duration) *pace {
	if maxTimeout <= 0 {
		maxTimeout = DefaultMaxTimeout
	}
	if target <= 0 {
		target = DefaultTargetBundle
	}
	if base <= 0 || base > maxTimeout {
		base = min(time.Minute, maxTimeout)
	}
	return &pace{batch: batch, ceiling: batch, window: 1, base: base, max: maxTimeout, target: target}
}

// size is the most requests the next Bundle carries (an entry's requests
// stay together, so one entry may go over it).
func (p *pace) size() int {
	n := min(p.window, p.ceiling)
	if p.perReq > 0 {
		n = min(n, max(1, int(p.target/p.perReq)))
	}
	return max(1, n)
}

// timeout is what a Bundle of k requests is given.
func (p *pace) timeout(k int) time.Duration {
	d := p.base + time.Duration(k*paceMargin)*p.perReq
	if d > p.max || d < 0 {
		d = p.max
	}
	return d
}

// answered learns from a Bundle of k requests answered (in time) after
// took.
func (p *pace) answered(k int, took time.Duration) {
	p.timeouts = 0
	sample := took / time.Duration(max(k, 1))
	switch {
	case sample >= p.perReq:
		p.perReq = sample
	default:
		p.perReq -= (p.perReq - sample) / 2
	}
	p.window = min(max(p.window, k)*2, p.ceiling)
}

// refused learns that the server refused a Bundle of k requests as it
// was: sizes from k up are not tried again.
func (p *pace) refused(k int) {
	p.ceiling = max(1, k/2)
	p.window = min(p.window, p.ceiling)
}

// unanswered learns that a Bundle of k requests got no answer after took
// (a timeout when timedOut); it returns the quiet period to wait before
// the server is read again, during which the Bundle may still be running.
func (p *pace) unanswered(k int, took time.Duration, timedOut bool, wait time.Duration) time.Duration {
	p.timeouts++
	if timedOut {
		p.perReq = max(p.perReq, took/time.Duration(max(k, 1)))
		p.window = max(1, k/2)
	}
	return jitter(min(max(took, wait)<<min(p.timeouts-1, 16), maxQuiet))
}

// atMost says whether a timeout of k requests was already the most given.
func (p *pace) atMost(k int) bool { return p.timeout(k) >= p.max }

// backoff is the wait after the n-th failed round in a row (n from 1).
func backoff(wait time.Duration, n int) time.Duration {
	return jitter(min(wait<<min(max(n-1, 0), 16), maxQuiet))
}

// jitter adds up to a quarter, so that kiosks or runs that failed together
// do not come back together; it never shortens a wait.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + time.Duration(rand.Int64N(int64(d/4)+1))
}
