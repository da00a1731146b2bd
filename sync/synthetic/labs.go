package synthetic

import (
	"lifeboat/sync/fhir/r4"
	"math"
	"time"
)

// labDef is a laboratory test (LOINC code and the short name a lab report
// prints) with its reference range (female, male),
// critical limits (0: none) and the bounds every value stays within.
type labDef struct {
	code, name, unit, ucum   string
	decimals                 int
	lowF, highF, lowM, highM float64
	critLow, critHigh        float64
	min, max                 float64
}

var labs = []labDef{
	{"718-7", "Haemoglobin", "g/dL", "g/dL", 1, 12.0, 16.0, 13.5, 17.5, 7.0, 0, 5.0, 19.5},
	{"6690-2", "White blood cells", "10*3/uL", "10*3/uL", 1, 4.0, 10.0, 4.0, 10.0, 1.0, 30, 0.3, 45},
	{"777-3", "Platelets", "10*3/uL", "10*3/uL", 0, 150, 400, 150, 400, 30, 1000, 10, 900},
	{"2951-2", "Sodium", "mmol/L", "mmol/L", 0, 135, 145, 135, 145, 125, 155, 115, 162},
	{"2823-3", "Potassium", "mmol/L", "mmol/L", 1, 3.5, 5.1, 3.5, 5.1, 2.8, 6.2, 2.4, 7.0},
	{"2160-0", "Creatinine", "mg/dL", "mg/dL", 2, 0.5, 1.0, 0.7, 1.2, 0, 0, 0.3, 12},
	{"2345-7", "Glucose", "mg/dL", "mg/dL", 0, 70, 110, 70, 110, 50, 400, 35, 600},
	{"1988-5", "C-reactive protein", "mg/L", "mg/L", 1, 0, 5, 0, 5, 0, 0, 0.2, 400},
}

// rangeFor is the reference range for the patient's sex.
func (l *labDef) rangeFor(gender string) (low, high float64) {
	if gender == "male" {
		return l.lowM, l.highM
	}
	return l.lowF, l.highF
}

// interpret flags a value against its range: HH/LL beyond the critical
// limits, H/L outside the range, N inside.
func (l *labDef) interpret(v, low, high float64) string {
	switch {
	case l.critHigh > 0 && v > l.critHigh:
		return "HH"
	case l.critLow > 0 && v < l.critLow:
		return "LL"
	case v > high:
		return "H"
	case v < low:
		return "L"
	}
	return "N"
}

// labBase is the patient's own normal for each test, in the order of labs.
type labBase [8]float64

func (p *patient) labBaseline() labBase {
	r := p.r
	hb := 13.0
	creat := 0.75
	if p.gender == "male" {
		hb, creat = 14.6, 0.95
	}
	if p.age >= 75 {
		hb -= 0.8
	}
	return labBase{
		normal(r, hb, 0.8),
		clamp(normal(r, 7, 1.4), 4.5, 9.5),
		clamp(normal(r, 250, 50), 160, 380),
		normal(r, 139.5, 1.8),
		clamp(normal(r, 4.2, 0.3), 3.6, 4.9),
		creat * clamp(normal(r, 1, 0.12), 0.75, 1.25),
		clamp(normal(r, 96, 9), 75, 108),
		1 + 3*r.Float64(),
	}
}

// labValues are the results of a draw at t, before rounding.
func (p *patient) labValues(b labBase, t time.Time) [8]float64 {
	r := p.r
	fx := p.fxAt(t)
	marrow := math.Min(fx.marrow, 0.95)
	return [8]float64{
		b[0] - 3.2*math.Min(fx.anaem, 1.3) + normal(r, 0, 0.3),
		(b[1] + 9*fx.infl + normal(r, 0, 0.6)) * (1 - 0.9*marrow),
		(b[2]+normal(r, 0, 15))*(1-0.6*math.Min(fx.lowPlt, 1))*(1-0.85*marrow) + 8,
		b[3] - 9*fx.lowNa + normal(r, 0, 1),
		b[4] + 1.5*fx.highK - 1.0*fx.lowK + normal(r, 0, 0.15),
		b[5] * (1 + 1.8*fx.renal) * clamp(normal(r, 1, 0.05), 0.85, 1.15),
		b[6] + 75*fx.gluc + 25*math.Min(fx.infl, 1) + normal(r, 0, 10),
		b[7] + 170*math.Min(fx.infl, 1.3) + 20*fx.fever + math.Abs(normal(r, 0, 2)),
	}
}

// writeLabs writes the admission panel and the morning draws (06:00, daily
// or every other day, less often after the first days), each result once
// it is back from the lab.
func (p *patient) writeLabs() error {
	r, now := p.r, p.g.asOf
	base := p.labBaseline()
	every := 1 + r.IntN(2)
	draws := []time.Time{p.admitted.Add(minutes(r, 30, 75))}
	mornings := clockTimes(p.admitted.Add(3*time.Hour), now, []int{600}, p.g.loc)
	for i, t := range mornings {
		if (i < 4 && i%every == 0) || (i >= 4 && i%(every+1) == 0) {
			draws = append(draws, t.Add(minutes(r, 0, 40)))
		}
	}
	for i, at := range draws {
		resulted := at.Add(minutes(r, 45, 120))
		if resulted.After(now) {
			break // not back yet
		}
		values := p.labValues(base, at)
		for j := range labs {
			l := &labs[j]
			if i > 0 && j >= 6 && chance(r, 0.25) {
				continue // glucose and CRP are not asked every morning
			}
			v := clamp(round(values[j], l.decimals), l.min, l.max)
			low, high := l.rangeFor(p.gender)
			o := p.obs(catLab, r4.CodeableConcept{Coding: []r4.Coding{{System: sysLOINC, Code: l.code}}, Text: l.name}, at, resulted)
			o.ValueQuantity = ucum(v, l.unit, l.ucum)
			o.Interpretation = []r4.CodeableConcept{code(sysInterp, l.interpret(v, low, high), "")}
			lq, hq := r4.Quantity{Value: &low, Unit: l.unit}, r4.Quantity{Value: &high, Unit: l.unit}
			o.ReferenceRange = []r4.ObservationRange{{Low: &lq, High: &hq}}
			if err := p.g.put("Observation", o.ID, o); err != nil {
				return err
			}
		}
	}
	return nil
}
