package synthetic

import (
	"lifeboat/sync/fhir/r4"
	"math"
	"time"
)

// Vital signs and laboratory results.

var (
	catVitals = []r4.CodeableConcept{code(sysObsCat, "vital-signs", "")}
	catLab    = []r4.CodeableConcept{code(sysObsCat, "laboratory", "")}

	loincHR     = code(sysLOINC, "8867-4", "Heart rate")
	loincRR     = code(sysLOINC, "9279-1", "Respiratory rate")
	loincBP     = code(sysLOINC, "85354-9", "Blood pressure panel with all children optional")
	loincSys    = code(sysLOINC, "8480-6", "Systolic blood pressure")
	loincDia    = code(sysLOINC, "8462-4", "Diastolic blood pressure")
	loincTemp   = code(sysLOINC, "8310-5", "Body temperature")
	loincSpO2   = code(sysLOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
	loincPain   = code(sysLOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
	loincWeight = code(sysLOINC, "29463-7", "Body weight")
	loincHeight = code(sysLOINC, "8302-2", "Body height")
)

// vitalLimits are the bounds every generated vital sign stays within, by
// LOINC code (for the blood pressure panel: systolic and diastolic codes).
// They are physiologically possible values for an adult inpatient.
var vitalLimits = map[string][2]float64{
	"8867-4":  {40, 165},    // heart rate /min
	"9279-1":  {8, 36},      // respiratory rate /min
	"8480-6":  {75, 210},    // systolic mm[Hg]
	"8462-4":  {40, 120},    // diastolic mm[Hg]
	"8310-5":  {35.2, 40.6}, // temperature Cel
	"59408-5": {80, 100},    // SpO2 %
	"72514-3": {0, 10},      // pain score
	"29463-7": {35, 180},    // weight kg
	"8302-2":  {140, 205},   // height cm
}

func limit(loinc string, v float64) float64 {
	l := vitalLimits[loinc]
	return clamp(v, l[0], l[1])
}

// vitalBase is a patient's own normal.
type vitalBase struct {
	hr, rr, sys, dia, temp, spo2, pain float64
}

func (p *patient) obs(cat []r4.CodeableConcept, c r4.CodeableConcept, at time.Time, updated time.Time) r4.Observation {
	p.nObs++
	return r4.Observation{
		Resource:          header("Observation", p.rid("obs", p.nObs), "1", stamp(p.notAfterNow(updated))),
		Status:            "final",
		Category:          cat,
		Code:              c,
		Subject:           p.ref,
		Encounter:         p.enc,
		EffectiveDateTime: stamp(at),
	}
}

func (p *patient) writeVitals() error {
	r, now := p.r, p.g.asOf
	b := vitalBase{
		hr:   clamp(normal(r, 78, 9), 55, 100),
		rr:   float64(14 + r.IntN(5)),
		sys:  clamp(normal(r, 122+0.3*float64(p.age-50), 12), 100, 165),
		dia:  clamp(normal(r, 76, 7), 55, 95),
		temp: clamp(normal(r, 36.8, 0.2), 36.2, 37.3),
		spo2: clamp(normal(r, 97, 1)-4*p.chronic.hypox, 90, 99),
		pain: float64(r.IntN(3)),
	}
	hours := []int{200, 600, 1000, 1400, 1800, 2200}
	switch u := r.Float64(); {
	case u < 0.35:
		hours = []int{600, 1400, 2200}
	case u > 0.9 && p.sev > 0.8:
		hours = []int{0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000, 2200}
	}
	from := latest(p.admitted, now.Add(-72*time.Hour))
	var rounds []time.Time
	if !p.admitted.Before(from) {
		rounds = append(rounds, p.admitted.Add(minutes(r, 10, 30)))
	}
	for _, t := range clockTimes(from.Add(90*time.Minute), now, hours, p.g.loc) {
		rounds = append(rounds, t.Add(minutes(r, -10, 25)))
	}
	for i, at := range rounds {
		if at.After(now) {
			continue
		}
		if err := p.vitalRound(b, at, i == 0 && !p.admitted.Before(from)); err != nil {
			return err
		}
	}
	return p.writeBody()
}

// vitalRound writes one round of vital signs taken at t.
func (p *patient) vitalRound(b vitalBase, at time.Time, full bool) error {
	r := p.r
	fx := p.fxAt(at)
	hr := b.hr + 28*fx.tachy + 14*fx.fever + normal(r, 0, 4)
	rr := b.rr + 8*fx.hypox + 3*fx.fever + normal(r, 0, 1.2)
	sys := b.sys - 28*fx.hypot + normal(r, 0, 7)
	dia := b.dia - 14*fx.hypot + normal(r, 0, 5)
	temp := b.temp + 1.9*math.Min(fx.fever, 1.2) + normal(r, 0, 0.15)
	spo2 := b.spo2 - 7*math.Min(fx.hypox, 1.3) + normal(r, 0, 0.8)
	pain := b.pain + 6*math.Min(fx.pain, 1) + normal(r, 0, 1)
	if chance(r, 0.04) { // an odd value now and then
		switch r.IntN(3) {
		case 0:
			temp += 1.2
		case 1:
			hr += 25
		default:
			spo2 -= 5
		}
	}
	sys = math.Round(limit("8480-6", sys))
	dia = math.Round(limit("8462-4", math.Min(dia, sys-20)))
	updated := at.Add(minutes(r, 1, 15))
	skip := func() bool { return !full && chance(r, 0.04) }
	night := at.In(p.g.loc).Hour() < 5
	var out []r4.Observation
	one := func(c r4.CodeableConcept, v float64, unit, ucumCode string) {
		o := p.obs(catVitals, c, at, updated)
		o.ValueQuantity = ucum(v, unit, ucumCode)
		out = append(out, o)
	}
	if !skip() {
		one(loincHR, math.Round(limit("8867-4", hr)), "/min", "/min")
	}
	if !skip() {
		one(loincRR, math.Round(limit("9279-1", rr)), "/min", "/min")
	}
	if !skip() {
		o := p.obs(catVitals, loincBP, at, updated)
		o.Component = []r4.ObservationComponent{
			{Code: loincSys, ObservationValue: r4.ObservationValue{ValueQuantity: ucum(sys, "mmHg", "mm[Hg]")}},
			{Code: loincDia, ObservationValue: r4.ObservationValue{ValueQuantity: ucum(dia, "mmHg", "mm[Hg]")}},
		}
		out = append(out, o)
	}
	if !skip() {
		one(loincTemp, round(limit("8310-5", temp), 1), "°C", "Cel")
	}
	if !skip() {
		one(loincSpO2, math.Round(limit("59408-5", spo2)), "%", "%")
	}
	if full || !night || chance(r, 0.4) { // asleep patients are not woken for a pain score
		one(loincPain, math.Round(limit("72514-3", pain)), "{score}", "{score}")
	}
	for _, o := range out {
		if err := p.g.put("Observation", o.ID, o); err != nil {
			return err
		}
	}
	return nil
}

// writeBody writes weight and height, measured once at admission.
func (p *patient) writeBody() error {
	r := p.r
	weight, height := normal(r, 67, 12), normal(r, 164, 6.5)
	if p.gender == "male" {
		weight, height = normal(r, 80, 13), normal(r, 176, 7)
	}
	if p.has("obesity") {
		weight += 28
	}
	if p.age >= 80 {
		weight, height = weight-6, height-3
	}
	at := p.notAfterNow(p.admitted.Add(minutes(r, 20, 60)))
	w := p.obs(catVitals, loincWeight, at, at.Add(minutes(r, 1, 10)))
	w.ValueQuantity = ucum(round(limit("29463-7", weight), 1), "kg", "kg")
	h := p.obs(catVitals, loincHeight, at, at.Add(minutes(r, 1, 10)))
	h.ValueQuantity = ucum(math.Round(limit("8302-2", height)), "cm", "cm")
	if err := p.g.put("Observation", w.ID, w); err != nil {
		return err
	}
	return p.g.put("Observation", h.ID, h)
}
