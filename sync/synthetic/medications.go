package synthetic

import (
	"fmt"
	"lifeboat/sync/fhir/r4"
	"slices"
	"strings"
	"time"
)

// order is one MedicationRequest of the patient.
type order struct {
	def      *medDef
	id       string
	status   string
	reason   string    // why an order is on hold
	start    time.Time // boundsPeriod.start
	stop     time.Time // when it was stopped or put on hold; zero while active
	authored time.Time
	problem  string // Condition id the order treats, if any
}

var (
	holdReasons    = []string{"NPO for procedure", "low blood pressure", "awaiting kidney function", "patient off ward", "on request of physician"}
	notDoneReasons = []string{"patient refused", "patient refused", "held: NPO", "held: patient off ward", "held: patient vomiting"}
)

// drawOrders chooses the patient's medication orders: what the problems
// call for, what most inpatients get, then fillers up to 2-9 orders; none
// ruled out by an allergy and no two of the same kind.
func (p *patient) drawOrders() {
	r := p.r
	if chance(r, 0.03) {
		return
	}
	target := 2 + r.IntN(8)
	have := map[string]bool{} // groups ordered; only looked up, never iterated
	add := func(keys, problem string) {
		if len(p.orders) >= 9 {
			return
		}
		d := medByKey(pick(r, strings.Split(keys, "|")))
		if have[d.group] || (d.class != "" && slices.Contains(p.classes, d.class)) {
			return
		}
		have[d.group] = true
		p.orders = append(p.orders, order{def: d, problem: problem})
	}
	for _, pr := range p.problems {
		if pr.status != "active" {
			continue
		}
		for _, m := range pr.def.meds {
			add(m, pr.id)
		}
	}
	for _, c := range commonOrders {
		if len(p.orders) < target && chance(r, c.chance) {
			add(c.keys, "")
		}
	}
	for try := 0; try < 20 && len(p.orders) < target; try++ {
		add(pick(r, fillerOrders), "")
	}
	for i := range p.orders {
		p.timeOrder(i)
	}
}

// timeOrder sets an order's id, dates and status.
func (p *patient) timeOrder(i int) {
	r, o, now := p.r, &p.orders[i], p.g.asOf
	o.id = p.rid("mrq", i+1)
	o.start = p.admitted.Add(minutes(r, 30, 180))
	if o.problem == "" && chance(r, 0.35) {
		o.start = p.admitted.Add(span(r, 0, p.elapsed()*7/10))
	}
	o.start = earliest(o.start, now.Add(-15*time.Minute)).Truncate(time.Minute)
	o.authored = latest(p.admitted, o.start.Add(-minutes(r, 5, 30)))
	o.status = "active"
	switch u := r.Float64(); {
	case u < 0.07 && now.Sub(o.start) > 3*time.Hour:
		o.status, o.reason = "on-hold", pick(r, holdReasons)
		o.stop = o.start.Add(span(r, 2*time.Hour, now.Sub(o.start)-10*time.Minute)).Truncate(time.Minute)
	case u >= 0.07 && u < 0.20 && now.Sub(o.start) > 12*time.Hour:
		o.status = "stopped"
		o.stop = o.start.Add(span(r, 6*time.Hour, now.Sub(o.start)-time.Hour)).Truncate(time.Minute)
	}
}

// scheduleText says when an order is given, the way it is written on a chart.
func scheduleText(d *medDef) string {
	switch {
	case d.prn != "":
		return fmt.Sprintf("every %d h as needed for %s", d.every, d.prn)
	case d.every > 0:
		return fmt.Sprintf("every %d h", d.every)
	case len(d.times) == 1:
		return "daily at " + hhmm(d.times[0])
	}
	s := make([]string, len(d.times))
	for i, t := range d.times {
		s[i] = hhmm(t)
	}
	return "at " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func hhmm(t int) string { return fmt.Sprintf("%02d:%02d", t/100, t%100) }

func medConcept(d *medDef) r4.CodeableConcept {
	return codeText(sysRxNorm, d.rx, d.rxDisplay, d.text)
}

func routeConcept(d *medDef) r4.CodeableConcept {
	return codeText(sysSNOMED, d.route.code, d.route.display, d.route.text)
}

func (p *patient) writeOrders() error {
	p.drawOrders()
	for _, o := range p.orders {
		d := o.def
		rep := r4.TimingRepeat{BoundsPeriod: r4.Period{Start: stamp(o.start)}}
		if len(d.times) > 0 {
			rep.Frequency, rep.Period, rep.PeriodUnit = float64(len(d.times)), 1, "d"
			for _, t := range d.times {
				rep.TimeOfDay = append(rep.TimeOfDay, hhmm(t)+":00")
			}
		} else {
			rep.Frequency, rep.Period, rep.PeriodUnit = 1, float64(d.every), "h"
		}
		version, updated := "1", o.authored
		if o.status == "stopped" {
			rep.BoundsPeriod.End = stamp(o.stop)
		}
		if !o.stop.IsZero() {
			version, updated = "2", o.stop
		}
		dose := r4.Dosage{
			Text:        d.doseText + " " + d.route.text + " " + scheduleText(d),
			Timing:      r4.Timing{Repeat: &rep},
			Route:       routeConcept(d),
			DoseAndRate: []r4.DoseAndRate{{DoseQuantity: ucum(d.dose, d.unit, d.ucum)}},
		}
		if d.prn != "" {
			dose.AsNeededCodeableConcept = &r4.CodeableConcept{Text: d.prn}
			// At most a dose every interval: "400 mg every 8 h" is 1200 mg per 24 h.
			dose.MaxDosePerPeriod = &r4.Ratio{Numerator: ucum(d.dose*float64(24/d.every), d.unit, d.ucum),
				Denominator: ucum(24, "h", "h")}
		}
		m := r4.MedicationRequest{
			Resource:                  header("MedicationRequest", o.id, version, stamp(updated)),
			Status:                    o.status,
			Intent:                    "order",
			MedicationCodeableConcept: new(medConcept(d)),
			Subject:                   p.ref,
			Encounter:                 p.enc,
			AuthoredOn:                stamp(o.authored),
			Requester:                 r4.Reference{Display: p.doctor},
			DosageInstruction:         []r4.Dosage{dose},
		}
		if o.reason != "" {
			m.StatusReason = &r4.CodeableConcept{Text: o.reason}
		}
		if o.problem != "" {
			m.ReasonReference = []r4.Reference{{Reference: "Condition/" + o.problem}}
		}
		if err := p.g.put("MedicationRequest", m.ID, m); err != nil {
			return err
		}
	}
	return nil
}

// writeAdministrations records the last 48 hours of the MAR: every
// scheduled dose due by now (a few not done), and some as-needed doses.
func (p *patient) writeAdministrations() error {
	r, now := p.r, p.g.asOf
	k := 0
	for _, o := range p.orders {
		from, to := latest(o.start, now.Add(-48*time.Hour)), now
		if !o.stop.IsZero() {
			to = o.stop
		}
		if to.Before(from) {
			continue
		}
		var given []time.Time
		if o.def.prn == "" {
			times := o.def.times
			if len(times) == 0 {
				times = intervalTimes(o.def.every)
			}
			for _, t := range clockTimes(from, to, times, p.g.loc) {
				at := t.Add(minutes(r, -20, 30))
				if at.Before(o.start) {
					at = t
				}
				if !at.After(now) {
					given = append(given, at)
				}
			}
		} else {
			doses := r.IntN(3)
			if p.fxAt(now).pain > 0.3 || chance(r, 0.2) {
				doses += 1 + r.IntN(2)
			}
			var drawn []time.Time
			for range doses {
				drawn = append(drawn, from.Add(span(r, 0, to.Sub(from))).Truncate(time.Minute))
			}
			slices.SortFunc(drawn, func(a, b time.Time) int { return a.Compare(b) })
			for _, t := range drawn { // no closer than the minimum interval
				if len(given) == 0 || t.Sub(given[len(given)-1]) >= time.Duration(o.def.every)*time.Hour {
					given = append(given, t)
				}
			}
		}
		for _, at := range given {
			k++
			a := r4.MedicationAdministration{
				Resource:                  header("MedicationAdministration", p.rid("mad", k), "1", stamp(p.notAfterNow(at.Add(minutes(r, 0, 10))))),
				Status:                    "completed",
				MedicationCodeableConcept: new(medConcept(o.def)),
				Subject:                   p.ref,
				Context:                   p.enc,
				EffectiveDateTime:         stamp(at),
				Performer:                 []r4.MedicationAdministrationActor{{Actor: r4.Reference{Display: p.g.shiftNurse(p.team, at)}}},
				Request:                   r4.Reference{Reference: "MedicationRequest/" + o.id},
				Dosage:                    &r4.MedicationAdministrationDosage{Route: routeConcept(o.def), Dose: ucum(o.def.dose, o.def.unit, o.def.ucum)},
			}
			if o.def.prn == "" && chance(r, 0.03) {
				a.Status = "not-done"
				a.StatusReason = []r4.CodeableConcept{{Text: pick(r, notDoneReasons)}}
				a.Dosage = nil
			}
			if err := p.g.put("MedicationAdministration", a.ID, a); err != nil {
				return err
			}
		}
	}
	return nil
}
