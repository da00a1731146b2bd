package synthetic

import (
	"lifeboat/sync/fhir/r4"
	"time"
)

// Allergies, problems and flags.

func (p *patient) writeAllergies() error {
	r := p.r
	state := allergyRecorded
	switch u := r.Float64(); {
	case u < 0.30:
		state = allergyNoneRecorded
	case u < 0.55:
		state = allergyNoneKnown
	}
	switch state {
	case allergyNoneRecorded:
		return nil
	case allergyNoneKnown:
		at := p.notAfterNow(p.admitted.Add(minutes(r, 10, 90)))
		id := p.rid("alg", 1)
		return p.g.put("AllergyIntolerance", id, r4.AllergyIntolerance{
			Resource:           header("AllergyIntolerance", id, "1", stamp(at)),
			ClinicalStatus:     code(sysAllergyCl, "active", "Active"),
			VerificationStatus: code(sysAllergyVer, "confirmed", "Confirmed"),
			Code:               codeText(sysSNOMED, "716186003", "No known allergy", "No known allergies"),
			Patient:            p.ref,
			RecordedDate:       stamp(at),
			Recorder:           r4.Reference{Display: p.g.shiftNurse(p.team, at)},
		})
	}
	count := 1
	if chance(r, 0.35) {
		count = 2 + r.IntN(2)
	}
	total := 0
	for _, a := range allergens {
		total += a.weight
	}
	var chosen []int
	for try := 0; try < 10 && len(chosen) < count; try++ {
		w, i := r.IntN(total), 0
		for ; w >= allergens[i].weight; i++ {
			w -= allergens[i].weight
		}
		dup := false
		for _, c := range chosen {
			dup = dup || c == i
		}
		if !dup {
			chosen = append(chosen, i)
		}
	}
	for k, i := range chosen {
		if err := p.writeAllergy(k+1, &allergens[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *patient) writeAllergy(k int, a *allergyDef) error {
	r := p.r
	react := reactionByKey(pick(r, a.reactions))
	severity := pick(r, react.severities)
	criticality := "low"
	if react.high {
		criticality = "high"
	}
	verification := "confirmed"
	if chance(r, 0.3) {
		verification = "unconfirmed"
		if !react.high && chance(r, 0.3) {
			criticality = "unable-to-assess"
		}
	}
	// Most allergies come from earlier stays; some are found on admission.
	recorded := p.admitted.Add(minutes(r, 10, 120))
	if chance(r, 0.7) {
		years := max(1, p.age-18)
		recorded = p.admitted.AddDate(-r.IntN(years), -r.IntN(12), -1-r.IntN(28)).Truncate(time.Hour)
	}
	recorded = p.notAfterNow(recorded)
	clinical, version, updated := "active", "1", recorded
	if a.class != "" && severity != "severe" && chance(r, 0.08) {
		clinical, version = "resolved", "2"
		updated = p.notAfterNow(latest(recorded, p.admitted).Add(minutes(r, 60, 24*60)))
	}
	c := r4.CodeableConcept{Text: a.text}
	if a.code != "" {
		c = codeText(sysSNOMED, a.code, a.display, a.text)
	}
	if clinical == "active" && a.class != "" {
		p.classes = append(p.classes, a.class)
	}
	id := p.rid("alg", k)
	return p.g.put("AllergyIntolerance", id, r4.AllergyIntolerance{
		Resource:           header("AllergyIntolerance", id, version, stamp(updated)),
		ClinicalStatus:     code(sysAllergyCl, clinical, titleCase(clinical)),
		VerificationStatus: code(sysAllergyVer, verification, titleCase(verification)),
		Type:               a.typ,
		Category:           []string{a.category},
		Criticality:        criticality,
		Code:               c,
		Patient:            p.ref,
		RecordedDate:       stamp(recorded),
		Reaction: []r4.AllergyReaction{{
			Manifestation: []r4.CodeableConcept{code(sysSNOMED, react.code, react.display)},
			Severity:      severity,
		}},
	})
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func (p *patient) writeProblems() error {
	for _, pr := range p.problems {
		updated, version := pr.recorded, "1"
		c := r4.Condition{
			Resource:           r4.Resource{ResourceType: "Condition", ID: pr.id},
			ClinicalStatus:     code(sysCondCl, pr.status, titleCase(pr.status)),
			VerificationStatus: code(sysCondVer, pr.verificationCode, titleCase(pr.verificationCode)),
			Category:           []r4.CodeableConcept{code(sysCondCat, pr.category, categoryDisplay(pr.category))},
			Code:               codeText(sysSNOMED, pr.def.code, pr.def.display, pr.def.display),
			Subject:            p.ref,
			OnsetDateTime:      stamp(pr.onset),
			RecordedDate:       stamp(pr.recorded),
		}
		if pr.category == "encounter-diagnosis" {
			c.Encounter = p.enc
		}
		if pr.dateOnly {
			c.OnsetDateTime, c.RecordedDate = day(pr.onset), day(pr.recorded)
		}
		if !pr.abated.IsZero() {
			c.AbatementDateTime = stamp(pr.abated)
			updated, version = latest(pr.abated, pr.recorded), "2"
		}
		c.Meta = metaOf(version, stamp(p.notAfterNow(updated)))
		if err := p.g.put("Condition", c.ID, c); err != nil {
			return err
		}
	}
	return nil
}

func categoryDisplay(c string) string {
	if c == "problem-list-item" {
		return "Problem List Item"
	}
	return "Encounter Diagnosis"
}

// writeFlags writes code status, isolation and fall risk.
func (p *patient) writeFlags() error {
	r := p.r
	var flags []r4.Flag
	flag := func(cat, catDisplay string, c r4.CodeableConcept, start time.Time, author string) {
		start = p.notAfterNow(start)
		f := r4.Flag{
			Resource:  header("Flag", p.rid("flg", len(flags)+1), "1", stamp(start)),
			Status:    "active",
			Category:  []r4.CodeableConcept{code(sysFlagCat, cat, catDisplay)},
			Code:      c,
			Subject:   p.ref,
			Period:    r4.Period{Start: stamp(start)},
			Encounter: p.enc,
		}
		if author != "" {
			f.Author = r4.Reference{Display: author}
		}
		flags = append(flags, f)
	}
	// Code status: recorded for about 90%, DNR more likely with age.
	if chance(r, 0.9) {
		pDNR := 0.04
		switch {
		case p.age >= 85:
			pDNR = 0.6
		case p.age >= 75:
			pDNR = 0.3
		case p.age >= 65:
			pDNR = 0.12
		}
		if p.has("lungca", "dementia") {
			pDNR += 0.2
		}
		c := codeText(sysSNOMED, "304252001", "For resuscitation", "Full code – for resuscitation")
		if chance(r, pDNR) {
			c = codeText(sysSNOMED, "304253006", "Not for resuscitation", "DNR – not for resuscitation")
		}
		flag("advance-directive", "Advance Directive", c, p.admitted.Add(minutes(r, 30, 8*60)), staff("Dr.", r))
	}
	// Isolation, for infections that need it.
	for _, pr := range p.problems {
		if pr.def.isolation != "" && pr.status == "active" {
			flag("clinical", "Clinical", r4.CodeableConcept{Text: pr.def.isolation}, latest(pr.recorded, p.admitted).Add(minutes(r, 5, 60)), "")
			break
		}
	}
	// Fall risk, mostly the old and the confused.
	pFall := 0.03
	switch {
	case p.age >= 85:
		pFall = 0.32
	case p.age >= 75:
		pFall = 0.18
	case p.age >= 65:
		pFall = 0.08
	}
	if p.has("delirium", "delirium2", "dementia", "parkinson", "fall", "hipfx", "stroke") {
		pFall += 0.3
	}
	if chance(r, pFall) {
		flag("safety", "Safety", codeText(sysSNOMED, "129839007", "At risk for falls", "Fall risk"),
			p.admitted.Add(minutes(r, 60, 12*60)), "")
	}
	for _, f := range flags {
		if err := p.g.put("Flag", f.ID, f); err != nil {
			return err
		}
	}
	return nil
}
