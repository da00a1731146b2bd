package synthetic

import (
	"math"
	"math/rand/v2"
	"time"
)

// stamp writes a FHIR dateTime/instant with the offset of t's location.
func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// day writes a FHIR date.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// span draws a duration uniformly in [lo, hi]; hi below lo gives lo.
func span(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
}

// minutes draws a whole number of minutes in [lo, hi].
func minutes(r *rand.Rand, lo, hi int) time.Duration {
	if hi <= lo {
		return time.Duration(lo) * time.Minute
	}
	return time.Duration(lo+r.IntN(hi-lo+1)) * time.Minute
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// normal draws from a normal distribution.
func normal(r *rand.Rand, mean, sd float64) float64 { return mean + sd*r.NormFloat64() }

// round rounds v to the given number of decimals.
func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// clockTimes lists the wall-clock times hh:mm (in loc) from the day of
// from to the day of to, keeping those within [from, to]. Daylight saving
// changes are handled by time.Date.
func clockTimes(from, to time.Time, hhmm []int, loc *time.Location) []time.Time {
	var out []time.Time
	y, m, d := from.In(loc).Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, loc); !day.After(to); day = day.AddDate(0, 0, 1) {
		dy, dm, dd := day.Date()
		for _, t := range hhmm {
			at := time.Date(dy, dm, dd, t/100, t%100, 0, 0, loc)
			if !at.Before(from) && !at.After(to) {
				out = append(out, at)
			}
		}
	}
	return out
}

// staff names a member of staff ("RN M. Peeters", "Dr. A. Dubois").
func staff(title string, r *rand.Rand) string {
	return title + " " + pick(r, staffInitials) + " " + pick(r, staffFamilies)
}

// shiftNurse is the nurse caring for a ward during the shift that holds t:
// the same name for every patient of the ward in that shift.
func (g *generator) shiftNurse(ward int, t time.Time) string {
	lt := t.In(g.loc)
	shift := 0 // night 23:00-07:00, early 07:00-15:00, late 15:00-23:00
	h := lt.Hour()
	switch {
	case h >= 7 && h < 15:
		shift = 1
	case h >= 15 && h < 23:
		shift = 2
	}
	if h >= 23 {
		lt = lt.AddDate(0, 0, 1) // the night shift is named after the day it ends
	}
	y, m, d := lt.Date()
	k := splitmix(g.opt.Seed ^ uint64(ward)<<40 ^ uint64(y*10000+int(m)*100+d)<<4 ^ uint64(shift))
	return "RN " + staffInitials[k%uint64(len(staffInitials))] + " " + staffFamilies[(k>>20)%uint64(len(staffFamilies))]
}
