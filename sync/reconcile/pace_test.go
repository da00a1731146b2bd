package reconcile

import (
	"testing"
	"time"
)

// TestPace: Bundles start at one entry and double while answered, up to
// --batch, the size refused and what the target time allows at the
// measured pace; a timeout halves the next Bundle and lengthens its
// timeout, which grows with the Bundle and stays bounded; the quiet
// period after an unanswered Bundle is at least as long as it was out,
// and grows with each in a row.
func TestPace(t *testing.T) {
	p := newPace(50, 2*time.Second, time.Minute, 10*time.Second)
	if n := p.size(); n != 1 {
		t.Errorf("the first Bundle carries %d requests, want 1 (one entry)", n)
	}
	if d := p.timeout(1); d != 2*time.Second {
		t.Errorf("before any answer a Bundle gets %v, want the client's timeout", d)
	}
	for _, want := range []int{2, 4, 8, 16, 32, 50, 50} {
		p.answered(p.size(), 10*time.Millisecond*time.Duration(p.size()))
		if n := p.size(); n != want {
			t.Fatalf("after a fast answer the next Bundle carries %d requests, want %d", n, want)
		}
	}
	if d := p.timeout(50); d != 2*time.Second+50*paceMargin*10*time.Millisecond {
		t.Errorf("a Bundle of 50 at 10 ms per request gets %v", d)
	}
	p.refused(50)
	if n := p.size(); n != 25 {
		t.Errorf("after a refusal of 50 the next Bundle carries %d, want 25", n)
	}
	for range 5 {
		p.answered(p.size(), 10*time.Millisecond)
	}
	if n := p.size(); n != 25 {
		t.Errorf("a refused size was tried again: %d, want 25 at most", n)
	}

	// The server slows down: 2 s per request, 10 s a Bundle.
	p.answered(25, 50*time.Second)
	if n := p.size(); n != 5 {
		t.Errorf("at 2 s per request the next Bundle carries %d requests, want 5 (10 s)", n)
	}
	before := p.timeout(4)
	if q := p.unanswered(4, before, true, time.Second); q < before {
		t.Errorf("the quiet period after a timeout of %v is %v, shorter", before, q)
	}
	if n := p.size(); n > 2 {
		t.Errorf("after a timeout of 4 requests the next Bundle carries %d, want 2 at most", n)
	}
	if d := p.timeout(4); d <= before {
		t.Errorf("after a timeout of %v a Bundle of the same size gets %v, not longer", before, d)
	}
	q1 := p.unanswered(1, p.timeout(1), true, time.Second)
	q2 := p.unanswered(1, p.timeout(1), true, time.Second)
	if q2 <= q1*5/4 {
		t.Errorf("the quiet periods of timeouts in a row do not grow: %v then %v", q1, q2)
	}
	if n := p.size(); n != 1 {
		t.Errorf("after a timeout of one request the next Bundle carries %d, want 1", n)
	}
	for range 20 {
		p.unanswered(1, p.timeout(1), true, time.Second)
	}
	if !p.atMost(1) || p.timeout(1000) != time.Minute {
		t.Errorf("the timeout is not bounded: %v, %v", p.timeout(1), p.timeout(1000))
	}
	if q := p.unanswered(1, time.Hour, true, time.Second); q > maxQuiet*5/4 {
		t.Errorf("the quiet period is not bounded: %v", q)
	}
	// Answers come back: the pace comes down, the Bundles grow again.
	p.answered(1, time.Second)
	for range 30 {
		p.answered(p.size(), 50*time.Millisecond*time.Duration(p.size()))
	}
	if n := p.size(); n != 25 {
		t.Errorf("once the server is fast again the Bundles carry %d, want 25", n)
	}
}
