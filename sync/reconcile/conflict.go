package reconcile

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir/r4"
)

// What makes an entry a conflict: what it was based on (an order, the
// patient, an allergy, the current encounter) changed in the EHR since
// the snapshot, so that pushing it as it stands could be wrong. A
// conflict waits for a person (reconcile decide, or the worklist), with
// both sides shown; the plan (plan.go) asks conflicts for each entry it
// would otherwise create.

// Conflict kinds.
const (
	ConflictOrderStopped    = "order-stopped"    // the MedicationRequest was stopped, cancelled, completed or entered in error
	ConflictOrderChanged    = "order-changed"    // its dose, timing or medication changed
	ConflictOrderMissing    = "order-missing"    // the EHR no longer has it
	ConflictAllergyExists   = "allergy-exists"   // an allergy to the same substance was recorded meanwhile
	ConflictPatientMerged   = "patient-merged"   // the patient's record was merged into another
	ConflictPatientMissing  = "patient-missing"  // the EHR no longer has the patient, or marks the record inactive
	ConflictEncounterClosed = "encounter-closed" // no current encounter to transfer or discharge: already discharged
	ConflictCorrectsPushed  = "corrects-pushed"  // a correction of an entry already in the EHR
	ConflictRecordedTwice   = "recorded-twice"   // the same dose recorded on two kiosks (the hospital's reconciliation)
	ConflictCorrectedTwice  = "corrected-twice"  // one entry corrected twice, at the hub and on its kiosk (the hospital's reconciliation)
)

// twiceWindow is how close two doses of one order, recorded on two
// kiosks, are taken for the same dose recorded twice: closer than any
// order is given twice, except some as needed, which a person then
// pushes both of.
const twiceWindow = time.Hour

// recordedTwice makes a conflict of a dose given on one kiosk when a
// dose of the same order for the same patient, within twiceWindow, was
// recorded on another (a patient transferred mid-round, two nurses each
// charting it): pushed as they stand they would be two administrations.
// A person pushes one and skips the other, or pushes both if both were
// given. A dose pushed already, or decided on, is a partner still.
func recordedTwice(v *journalView, items []Item) {
	given := func(e *store.JournalEntry) bool {
		m := e.Medication
		return e.Kind == clinical.KindMedication && m != nil && m.OrderID != "" && !e.Superseded() &&
			(m.Outcome == clinical.OutcomeGiven || m.Outcome == clinical.OutcomePartial) &&
			e.State != store.StateSkipped && (v.decided(e.ID) == nil || v.decided(e.ID).Action != clinical.DecisionSkip)
	}
	type dose struct{ patient, order string }
	doses := map[dose][]*store.JournalEntry{}
	for i := range v.entries {
		if e := &v.entries[i]; given(e) {
			k := dose{e.Patient, e.Medication.OrderID}
			doses[k] = append(doses[k], e)
		}
	}
	for i := range items {
		it := &items[i]
		e := v.byID[it.Entry]
		if it.Outcome != "" || !given(e) || it.Decision != nil && it.Decision.Action == clinical.DecisionPush {
			continue
		}
		for _, o := range doses[dose{e.Patient, e.Medication.OrderID}] {
			if o.KioskID == e.KioskID || e.ClinicalTime.Sub(o.ClinicalTime).Abs() > twiceWindow {
				continue
			}
			it.Outcome, it.Conflict = Conflict, ConflictRecordedTwice
			it.Reason = fmt.Sprintf("the same dose was also recorded on kiosk %s (entry %s): push one and skip the other, or push both if both were given",
				o.KioskID, o.ID)
			it.Server = &Side{Reference: "entry " + o.ID, Value: o.Medication.Medication + ", " + o.Medication.Outcome, By: o.Author,
				At: o.ClinicalTime.UTC().Format(time.RFC3339)}
			break
		}
	}
}

// conflicts compares what the entry was based on with the server now.
func (r *Reconciler) conflicts(ctx context.Context, rd reader, e *store.JournalEntry, it *Item,
	patients map[string]*found[r4.Patient], orders map[string]*found[order],
	allergies []*found[r4.AllergyIntolerance], encounters []*found[r4.Encounter], current map[string]*found[r4.Encounter]) {
	conflict := func(kind, reason string, side *Side) {
		if it.Outcome != Conflict {
			it.Outcome, it.Conflict, it.Reason, it.Server = Conflict, kind, reason, side
		}
	}
	if id := strings.TrimPrefix(it.EHRPatient, "Patient/"); id != "" {
		p := patients[id]
		switch {
		case p == nil:
			conflict(ConflictPatientMissing, "the EHR has no record of this patient any more", &Side{Reference: it.EHRPatient, Value: "no record"})
		case replacedBy(p.R) != "":
			conflict(ConflictPatientMerged, "the patient's record was merged into another: link the entry to the surviving record",
				&Side{Reference: p.ref().Reference(), Value: "merged into " + replacedBy(p.R), At: p.R.Meta.LastUpdated})
		case p.R.Active != nil && !*p.R.Active:
			conflict(ConflictPatientMissing, "the patient's EHR record is marked inactive", &Side{Reference: p.ref().Reference(), Value: "inactive", At: p.R.Meta.LastUpdated})
		}
	}
	switch e.Kind {
	case clinical.KindMedication:
		if id := e.Medication.OrderID; id != "" {
			r.orderConflict(ctx, rd, e, orders[id], conflict)
		}
	case clinical.KindAllergy:
		for _, f := range allergies {
			a := f.R
			if a.Patient.Reference == "" || a.Patient.Reference != it.EHRPatient || entryIdentified(a.Identifier, nil, r.Config.entrySystem(), e.ID, false) {
				continue
			}
			if a.VerificationStatus.HasCode("entered-in-error") || a.VerificationStatus.HasCode("refuted") {
				continue
			}
			if clinical.SameSubstance(conceptText(&a.Code), e.Allergy.Substance) {
				val := conceptText(&a.Code)
				if a.Criticality != "" {
					val += ", criticality " + a.Criticality
				}
				conflict(ConflictAllergyExists, "an allergy to the same substance is already in the EHR",
					&Side{Reference: f.ref().Reference(), Value: val, By: refText(&a.Recorder), At: cmp.Or(a.RecordedDate, a.Meta.LastUpdated)})
				break
			}
		}
	case clinical.KindTransfer, clinical.KindDischarge:
		if current[it.EHRPatient] == nil {
			side := &Side{Value: "no current encounter"}
			for _, enc := range encounters {
				if e := enc.R; e.Subject.Reference != "" && e.Subject.Reference == it.EHRPatient && e.Status == "finished" {
					side = &Side{Reference: enc.ref().Reference(), Value: "encounter finished", At: e.Meta.LastUpdated}
					if e.Period.End != "" {
						side.At = e.Period.End
					}
				}
			}
			conflict(ConflictEncounterClosed, "the EHR has no current encounter for the patient: were they already discharged?", side)
		}
	}
}

func replacedBy(p *r4.Patient) string {
	for _, l := range p.Link {
		if l.Type == "replaced-by" {
			return l.Other.Reference
		}
	}
	return ""
}

// orderConflict compares the order a dose was given on, as the snapshot
// held it, with the order now.
func (r *Reconciler) orderConflict(ctx context.Context, rd reader, e *store.JournalEntry, now *found[order], conflict func(string, string, *Side)) {
	if now == nil {
		conflict(ConflictOrderMissing, "the order the dose was given on is no longer in the EHR", &Side{Value: "no order"})
		return
	}
	o := &now.R.MedicationRequest
	var was clinical.Version
	for _, b := range e.BasedOn {
		if b.Type == "MedicationRequest" && b.ID == o.ID {
			was = b
		}
	}
	if was.VersionID != "" && was.VersionID == o.Meta.VersionID {
		return // unchanged since the snapshot
	}
	side := &Side{Reference: now.ref().Reference(), Value: orderValue(o), By: refText(&o.Requester), At: o.Meta.LastUpdated}
	switch o.Status {
	case "stopped", "cancelled", "entered-in-error", "completed", "on-hold":
		conflict(ConflictOrderStopped, fmt.Sprintf("the order is %s in the EHR now", o.Status), side)
		return
	}
	if was.VersionID == "" {
		return
	}
	old := version[order](ctx, rd, "MedicationRequest", o.ID, was.VersionID)
	if old == nil {
		return // the server keeps no history: only the status can be compared
	}
	if !sameJSON(old.R.dosage, now.R.dosage) ||
		conceptText(old.R.MedicationCodeableConcept) != conceptText(o.MedicationCodeableConcept) ||
		refText(old.R.MedicationReference) != refText(o.MedicationReference) {
		conflict(ConflictOrderChanged, "the order's medication, dose or timing changed in the EHR since the snapshot", side)
	}
}

// order is a MedicationRequest as the server has it, with its
// dosageInstruction also kept as the server wrote it, so that two
// versions compare whole, with what r4 does not model.
type order struct {
	r4.MedicationRequest
	dosage json.RawMessage
}

// UnmarshalJSON decodes the order in one pass, keeping the
// dosageInstruction member as written; only that member is decoded
// again, into the MedicationRequest.
func (o *order) UnmarshalJSON(b []byte) error {
	var w struct {
		*r4.MedicationRequest
		Dosage json.RawMessage `json:"dosageInstruction"`
	}
	w.MedicationRequest = &o.MedicationRequest
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.dosage = w.Dosage
	if len(w.Dosage) == 0 {
		return nil
	}
	err := json.Unmarshal(w.Dosage, &o.DosageInstruction)
	if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
		te.Field = strings.TrimSuffix("dosageInstruction."+te.Field, ".") // where in the order
	}
	return err
}

func orderValue(o *r4.MedicationRequest) string {
	parts := []string{cmp.Or(conceptText(o.MedicationCodeableConcept), refText(o.MedicationReference))}
	for _, d := range o.DosageInstruction {
		if d.Text != "" {
			parts = append(parts, d.Text)
		}
	}
	return strings.Join(parts, ", ") + " (" + o.Status + ")"
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}
