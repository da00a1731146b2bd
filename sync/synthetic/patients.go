package synthetic

import (
	"fmt"
	"lifeboat/sync/fhir/r4"
	"math"
	"math/rand/v2"
	"time"
)

// patient is one patient's profile: everything drawn before the first
// resource is written, small enough that only one lives at a time.
type patient struct {
	g   *generator
	r   *rand.Rand
	n   int
	key string // "000123"
	id  string // "pat-000123"
	ref r4.Reference
	enc r4.Reference

	family, given, gender, lang string
	birth                       time.Time
	age                         int
	ward, room                  int
	bed                         string
	team                        int // nursing team: a few rooms share a nurse
	spec                        specialty
	admitted                    time.Time
	doctor                      string // attending physician

	sev      float64 // severity of the acute illness at admission, 0..1.2
	tau      float64 // hours for the acute illness to settle by 1/e
	problems []problem
	chronic  effects
	classes  []string // medication classes ruled out by allergies
	orders   []order
	nObs     int // Observations written so far
	rec      record
}

// problem is a Condition of the patient.
type problem struct {
	def              *condDef
	id               string
	status           string
	onset, abated    time.Time
	recorded         time.Time
	primary          bool
	category         string
	verificationCode string
	dateOnly         bool // long-standing: onset and recorded as dates
}

// Allergy states.
const (
	allergyNoneRecorded = iota
	allergyNoneKnown
	allergyRecorded
)

// chronicPrevalence weighs comorbidities; old age raises some.
var chronicPrevalence = []struct {
	key     string
	w, wOld int // weight under and over 75
}{
	{"htn", 40, 50}, {"t2dm", 18, 20}, {"caf", 6, 16}, {"chf", 4, 14}, {"copd", 8, 10}, {"ckd", 6, 16},
	{"dementia", 1, 16}, {"oa", 8, 16}, {"hypothyroid", 6, 6}, {"depression", 10, 6}, {"obesity", 10, 4},
	{"parkinson", 1, 3}, {"anaemia", 5, 8}, {"lungca", 2, 3}, {"colonca", 2, 3},
}

var secondaryProblems = []string{"delirium2", "delirium2", "aki2", "uti2", "hypokalaemia", "constipation", "constipation",
	"pressureulcer", "mrsa", "cdiff"}

func (g *generator) patient(n int) error {
	p := &patient{g: g, r: g.rng(n, streamPatient), n: n, key: fmt.Sprintf("%06d", n)}
	p.id = "pat-" + p.key
	p.ref = r4.Reference{Reference: "Patient/" + p.id}
	p.enc = r4.Reference{Reference: "Encounter/enc-" + p.key}
	p.ward, p.room, p.bed = g.opt.bedOf(n)
	p.team = p.ward*100 + ((n-1)%g.opt.BedsPerWard)/8
	p.spec = specialties[(p.ward-1)%len(specialties)]
	p.admitted = g.admitted(n)
	p.demographics()
	p.doctor = staff("Dr.", p.r)
	p.drawProblems()
	p.drawRecord()
	for _, step := range []func() error{p.writePatient, p.writeEncounter, p.writeAllergies, p.writeProblems,
		p.writeFlags, p.writeOrders, p.writeAdministrations, p.writeVitals, p.writeLabs, p.writeNotes, p.writeRecord} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// rid makes a resource id: "<prefix>-<patient>-<n>".
func (p *patient) rid(prefix string, i int) string { return fmt.Sprintf("%s-%s-%d", prefix, p.key, i) }

// elapsed is how long the patient has been on the ward.
func (p *patient) elapsed() time.Duration { return p.g.asOf.Sub(p.admitted) }

// notAfterNow keeps a time at or before AsOf.
func (p *patient) notAfterNow(t time.Time) time.Time { return earliest(t, p.g.asOf) }

func (p *patient) demographics() {
	r := p.r
	total := 0
	for _, s := range nameSets {
		total += s.weight
	}
	set := nameSets[0]
	for i, w := 0, r.IntN(total); i < len(nameSets); i++ {
		if w -= nameSets[i].weight; w < 0 {
			set = nameSets[i]
			break
		}
	}
	p.lang = set.lang
	switch u := r.Float64(); {
	case u < 0.495:
		p.gender = "female"
	case u < 0.985:
		p.gender = "male"
	case u < 0.995:
		p.gender = "other"
	default:
		p.gender = "unknown"
	}
	given := set.female
	if p.gender == "male" || (p.gender != "female" && chance(r, 0.5)) {
		given = set.male
	}
	p.family, p.given = pick(r, set.families), pick(r, given)
	if chance(r, 0.12) {
		if second := pick(r, given); second != p.given {
			p.given += " " + second
		}
	}
	switch u := r.Float64(); {
	case u < 0.10:
		p.age = 18 + r.IntN(22)
	case u < 0.30:
		p.age = 40 + r.IntN(25)
	case u < 0.75:
		p.age = 65 + r.IntN(20)
	default:
		p.age = 85 + r.IntN(17)
	}
	p.age = max(p.spec.minAge+r.IntN(6), min(103, max(18, p.age+p.spec.ageShift)))
	p.birth = p.g.asOf.AddDate(-p.age, 0, -r.IntN(365))
}

func (p *patient) drawProblems() {
	r := p.r
	p.sev = 0.3 + 0.9*r.Float64()
	p.tau = 24 + 48*r.Float64()
	if chance(r, 0.05) {
		return // none recorded
	}
	// The reason for admission.
	var primary *condDef
	for try := 0; try < 20 && primary == nil; try++ {
		if c := &conditions[condIndex(pick(r, p.spec.reasons))]; c.minAge <= p.age {
			primary = c
		}
	}
	if primary == nil {
		primary = &conditions[condIndex("syncope")]
	}
	p.addProblem(primary, problem{primary: true, status: "active", category: "encounter-diagnosis",
		onset: p.admitted.Add(-minutes(r, 60, 72*60)), recorded: p.admitted.Add(minutes(r, 20, 120))})

	// Comorbidities, more with age.
	want := r.IntN(3)
	if p.age >= 70 {
		want += r.IntN(2)
	}
	for try := 0; try < 12 && len(p.problems) < 1+want; try++ {
		c := p.drawChronic()
		if c == nil {
			continue
		}
		years := min(p.age-c.minAge, 30)
		y, m, d := p.g.asOf.AddDate(-1-r.IntN(years+1), -r.IntN(12), -r.IntN(28)).Date()
		onset := time.Date(y, m, d, 0, 0, 0, 0, p.g.loc)
		p.addProblem(c, problem{status: "active", category: "problem-list-item", onset: onset,
			recorded: onset.AddDate(0, 0, r.IntN(60)), dateOnly: true})
	}
	// A problem that arose during the stay, sometimes already resolved.
	if p.elapsed() > 30*time.Hour && len(p.problems) < 5 && chance(r, 0.12+float64(p.age)/400) {
		c := &conditions[condIndex(pick(r, secondaryProblems))]
		onset := p.admitted.Add(span(r, 12*time.Hour, p.elapsed()-6*time.Hour)).Truncate(time.Minute)
		pr := problem{status: "active", category: "encounter-diagnosis", onset: onset, recorded: onset.Add(minutes(r, 30, 240))}
		if c.key != "mrsa" && p.g.asOf.Sub(onset) > 36*time.Hour && chance(r, 0.5) {
			pr.status = "resolved"
			pr.abated = onset.Add(span(r, 24*time.Hour, p.g.asOf.Sub(onset)-6*time.Hour)).Truncate(time.Minute)
		}
		if c.minAge <= p.age {
			p.addProblem(c, pr)
		}
	}
	for _, pr := range p.problems {
		if pr.def.kind == chronic {
			p.chronic.add(pr.def.fx, 0.7)
		}
	}
}

func (p *patient) drawChronic() *condDef {
	total := 0
	weight := func(i int) int {
		if p.age >= 75 {
			return chronicPrevalence[i].wOld
		}
		return chronicPrevalence[i].w
	}
	for i := range chronicPrevalence {
		total += weight(i)
	}
	w := p.r.IntN(total)
	for i := range chronicPrevalence {
		if w -= weight(i); w < 0 {
			c := &conditions[condIndex(chronicPrevalence[i].key)]
			if c.minAge > p.age {
				return nil
			}
			return c
		}
	}
	return nil
}

// addProblem adds a problem unless the patient already has that diagnosis.
func (p *patient) addProblem(c *condDef, pr problem) {
	for _, have := range p.problems {
		if have.def.code == c.code {
			return
		}
	}
	pr.def = c
	pr.id = p.rid("cnd", len(p.problems)+1)
	pr.onset = p.notAfterNow(pr.onset)
	pr.recorded = p.notAfterNow(latest(pr.recorded, pr.onset))
	pr.verificationCode = "confirmed"
	if pr.primary && chance(p.r, 0.08) {
		pr.verificationCode = "provisional"
	}
	p.problems = append(p.problems, pr)
}

// has says whether the patient has an active problem with that key.
func (p *patient) has(keys ...string) bool {
	for _, pr := range p.problems {
		for _, k := range keys {
			if pr.def.key == k && pr.status == "active" {
				return true
			}
		}
	}
	return false
}

// fxAt is how the patient's problems show at t: chronic ones always, the acute
// illness fades after admission; problems of the stay come and go.
func (p *patient) fxAt(t time.Time) effects {
	fx := p.chronic
	for _, pr := range p.problems {
		switch {
		case pr.primary:
			h := t.Sub(p.admitted).Hours()
			fx.add(pr.def.fx, p.sev*math.Exp(-math.Max(0, h)/p.tau))
		case pr.def.kind != chronic && !t.Before(pr.onset) && (pr.abated.IsZero() || t.Before(pr.abated)):
			fx.add(pr.def.fx, 0.6)
		}
	}
	return fx
}

func (p *patient) writePatient() error {
	place := pick(p.r, places)
	id := []r4.Identifier{{
		Type:   r4.CodeableConcept{Coding: []r4.Coding{{System: sysV2IDType, Code: "MR", Display: "Medical record number"}}},
		System: sysMRN,
		Value:  p.g.mrn(p.n),
	}}
	pt := r4.Patient{
		Resource:      header("Patient", p.id, "1", stamp(p.notAfterNow(p.admitted.Add(minutes(p.r, 3, 40))))),
		Identifier:    id,
		Active:        new(true),
		Name:          []r4.HumanName{{Use: "official", Family: p.family, Given: []string{p.given}}},
		Gender:        p.gender,
		BirthDate:     day(p.birth),
		Address:       []r4.Address{{City: place.city, PostalCode: place.postal, Country: "BE"}},
		Communication: []r4.PatientCommunication{{Language: code(sysBCP47, p.lang, ""), Preferred: true}},
	}
	p.patientRecord(&pt)
	return p.g.put("Patient", p.id, pt)
}

// mrn is patient n's medical record number: "MRN" and seven digits, unique
// within a ward because n -> a*n+b mod 10^7 is a bijection (a is coprime
// to 10^7), and different for different seeds.
func (g *generator) mrn(n int) string {
	const space = 10_000_000
	const a = 7_368_787 // odd, not a multiple of 5
	b := g.opt.Seed % space
	return fmt.Sprintf("MRN%07d", (uint64(n)*a+b)%space)
}

func (p *patient) writeEncounter() error {
	e := r4.Encounter{
		Resource: header("Encounter", "enc-"+p.key, "1", stamp(p.notAfterNow(p.admitted.Add(minutes(p.r, 1, 15))))),
		Status:   "in-progress",
		Class:    r4.Coding{System: sysActCode, Code: "IMP", Display: "inpatient encounter"},
		Subject:  p.ref,
		Period:   r4.Period{Start: stamp(p.admitted)},
		Location: []r4.EncounterLocation{{
			Location: r4.Reference{Reference: "Location/bed-" + p.bed, Display: p.bed},
			Status:   "active",
		}},
		Participant: []r4.EncounterParticipant{{
			Type:       []r4.CodeableConcept{codeText(sysPartType, "ATND", "attender", "Attending physician")},
			Individual: r4.Reference{Display: p.doctor},
		}},
	}
	for _, pr := range p.problems {
		if pr.primary {
			e.ReasonReference = []r4.Reference{{Reference: "Condition/" + pr.id, Display: pr.def.display}}
		}
	}
	return p.g.put("Encounter", e.ID, e)
}
