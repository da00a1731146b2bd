package store

import (
	"errors"
	"fmt"
)

// ErrCensusDrop refuses a census that shrank sharply: a broken query, a
// truncated export or a half-copied folder, not a ward emptied in a
// minute. The live sync and file imports share the rule (CheckCensusDrop).
var ErrCensusDrop = errors.New("the census dropped sharply")

// The shrink guard: a census of fewer than MinKeep of the last one's
// patients is refused, once the last one had at least DropFloor patients
// (below that, a few discharges are half the ward).
const (
	MinKeep   = 0.5
	DropFloor = 10
)

// NewestGoodPatients is the number of patients of the vault's newest good
// generation when it holds the same census (the same ward, or the same
// mode), or 0: when there is none, when it cannot be inspected (sealing
// will say what is wrong), or when the census was chosen otherwise (a list
// of two patients after a whole ward is a choice, not a drop).
func NewestGoodPatients(dir string, census Census) int {
	_, gens, err := Inspect(dir)
	if err != nil {
		return 0
	}
	for _, g := range gens {
		if g.Good && g.Manifest != nil {
			if g.Manifest.Census != census {
				return 0
			}
			return g.Manifest.Counts["patients"]
		}
	}
	return 0
}

// CheckCensusDrop refuses a census of now patients that is below minKeep
// (MinKeep when 0) of last, when last is at least DropFloor, unless
// accept (--accept-drop) says the drop is real.
func CheckCensusDrop(last, now int, minKeep float64, accept bool) error {
	if minKeep <= 0 {
		minKeep = MinKeep
	}
	if accept || last < DropFloor || float64(now) >= minKeep*float64(last) {
		return nil
	}
	return fmt.Errorf("%w: from %d to %d patients; the last snapshot stays (if the ward really emptied, run once with --accept-drop)",
		ErrCensusDrop, last, now)
}
