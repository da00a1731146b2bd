package pack

import (
	"context"
	"errors"

	"lifeboat/store"
)

// Selection is what a pack holds: one patient, every patient of the
// census, the census table, or the census table and every patient.
type Selection struct {
	Patient string // a patient's FHIR id or identifier (e.g. MRN), or ""
	All     bool   // every patient of the census, each from a new page
	Census  bool   // the census table first
}

// ErrEmptyWard is returned for a census or ward pack of a snapshot that
// holds no patient.
var ErrEmptyWard = errors.New("the snapshot holds no patient to print")

// Gather reads the charts a selection needs from an opened snapshot's ward
// and pairs each with its entries of the downtime journal (entries may be
// nil). It fills p.Census and p.Patients.
func Gather(ctx context.Context, ward *store.Ward, entries []store.JournalEntry, sel Selection, p *Pack) error {
	load := func(key string) (Patient, error) {
		c, err := ward.Chart(ctx, key)
		if err != nil {
			return Patient{}, err
		}
		return Patient{Chart: c, Downtime: store.ForPatient(entries, c.Patient.ID)}, nil
	}
	p.Census, p.Patients = nil, nil
	if sel.All || sel.Census {
		rows, err := ward.Census(ctx)
		if err != nil {
			return err
		}
		all := make([]Patient, 0, len(rows))
		for _, r := range rows {
			pt, err := load(r.ID)
			if err != nil {
				return err
			}
			all = append(all, pt)
		}
		if len(all) == 0 {
			return ErrEmptyWard
		}
		if sel.Census {
			p.Census = all
		}
		if sel.All {
			p.Patients = all
		}
	}
	if sel.Patient != "" && !sel.All {
		pt, err := load(sel.Patient)
		if err != nil {
			return err
		}
		p.Patients = []Patient{pt}
	}
	return nil
}
