package synthetic

import (
	"fmt"
	"math/rand/v2"
	"time"

	"lifeboat/sync/fhir/r4"
)

// The rest of the essential record: next of kin and language, the GP,
// the care team, advance directives and limitations, orders besides
// drugs, the diet, lines and devices, procedures, immunizations, blood
// group and pregnancy. Drawn from the patient's own stream (streamRecord),
// so that the rest of a patient stays as the older generator made it.

const (
	sysNOK       = "http://terminology.hl7.org/CodeSystem/v2-0131"
	sysCVX       = "http://hl7.org/fhir/sid/cvx"
	sysPartType  = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	sysListEmpty = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
	extInterp    = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
)

// record is what the patient's record holds besides the rest, drawn
// before anything is written.
type record struct {
	r           *rand.Rand
	kin         *r4.PatientContact
	interpreter bool
	gp          string
}

// drawRecord draws the parts of the record written into the Patient.
func (p *patient) drawRecord() {
	r := p.g.rng(p.n, streamRecord)
	p.rec = record{r: r}
	if chance(r, 0.88) {
		rel := pick(r, []struct{ code, display, text string }{
			{"C", "Emergency Contact", "Daughter"}, {"C", "Emergency Contact", "Son"}, {"N", "Next-of-Kin", "Spouse"},
			{"N", "Next-of-Kin", "Partner"}, {"N", "Next-of-Kin", "Sister"}, {"C", "Emergency Contact", "Neighbour"},
		})
		given := pick(r, []string{"Ann", "Tom", "Sofie", "Karel", "Nadia", "Lieve", "Marc", "Julie"})
		p.rec.kin = &r4.PatientContact{
			Relationship: []r4.CodeableConcept{codeText(sysNOK, rel.code, rel.display, rel.text)},
			Name:         &r4.HumanName{Family: p.family, Given: []string{given}},
			Telecom:      []r4.ContactPoint{{System: "phone", Value: fmt.Sprintf("+32 4%02d %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100)), Use: "mobile"}},
		}
	}
	p.rec.interpreter = p.lang != "nl-BE" && p.lang != "fr-BE" && chance(r, 0.5)
	if chance(r, 0.9) {
		p.rec.gp = staff("Dr.", r)
	}
}

// patientRecord adds the contact, the GP and whether an interpreter is
// needed to the Patient.
func (p *patient) patientRecord(pt *r4.Patient) {
	if p.rec.kin != nil {
		pt.Contact = []r4.PatientContact{*p.rec.kin}
	}
	if p.rec.gp != "" {
		pt.GeneralPractitioner = []r4.Reference{{Display: p.rec.gp}}
	}
	if p.rec.interpreter {
		pt.Extension = []r4.Extension{{URL: extInterp, ValueBoolean: new(true)}}
	}
}

// writeRecord writes the resources of the rest of the record.
func (p *patient) writeRecord() error {
	r := p.rec.r
	var out []struct {
		typ, id string
		v       any
	}
	put := func(typ, id string, v any) {
		out = append(out, struct {
			typ, id string
			v       any
		}{typ, id, v})
	}
	at := func(d time.Duration) string { return stamp(p.notAfterNow(p.admitted.Add(d))) }
	hdr := func(typ, prefix string, i int, d time.Duration) r4.Resource {
		return header(typ, p.rid(prefix, i), "1", at(d))
	}

	// A second person to call, with a record of their own.
	if chance(r, 0.3) {
		rp := r4.RelatedPerson{Resource: hdr("RelatedPerson", "rp", 1, time.Hour), Active: new(true), Patient: p.ref,
			Relationship: []r4.CodeableConcept{{Text: pick(r, []string{"Brother", "Niece", "Friend", "Guardian"})}},
			Name:         []r4.HumanName{{Family: pick(r, staffFamilies), Given: []string{pick(r, []string{"Eva", "Paul", "Ines", "Bram"})}}},
			Telecom:      []r4.ContactPoint{{System: "phone", Value: fmt.Sprintf("+32 3 %03d %02d %02d", r.IntN(1000), r.IntN(100), r.IntN(100))}}}
		put("RelatedPerson", rp.ID, rp)
	}
	// The ward's care team: the attending physician and a specialist nurse
	// or therapist.
	if chance(r, 0.6) {
		ct := r4.CareTeam{Resource: hdr("CareTeam", "ct", 1, 2*time.Hour), Status: "active", Name: p.spec.name + " team",
			Subject: p.ref, Period: r4.Period{Start: stamp(p.admitted)},
			Participant: []r4.CareTeamParticipant{
				{Role: []r4.CodeableConcept{{Text: "Attending physician"}}, Member: r4.Reference{Display: p.doctor}},
				{Role: []r4.CodeableConcept{{Text: pick(r, []string{"Physiotherapist", "Dietitian", "Wound care nurse", "Social worker"})}},
					Member: r4.Reference{Display: pick(r, staffInitials) + " " + pick(r, staffFamilies)}},
			}}
		put("CareTeam", ct.ID, ct)
	}
	// Advance directives: the old more often; a few state there are none.
	switch x := r.Float64(); {
	case p.age >= 75 && x < 0.35, x < 0.06:
		c := r4.Consent{Resource: hdr("Consent", "adv", 1, 3*time.Hour), Status: "active",
			Scope:    codeText("http://terminology.hl7.org/CodeSystem/consentscope", "adr", "Advanced Care Directive", "Advance care directive"),
			Category: []r4.CodeableConcept{codeText(sysLOINC, "59284-0", "Patient Consent", "Advance directive")},
			Patient:  p.ref, DateTime: day(p.admitted.AddDate(-1-r.IntN(4), -r.IntN(12), 0)),
			// R4 asks a Consent for a policy or a policy rule (ppc-1).
			PolicyRule: r4.CodeableConcept{Text: "The patient's own advance directive"},
			Provision: &r4.ConsentProvision{Type: "deny", Code: []r4.CodeableConcept{
				pick(r, []r4.CodeableConcept{{Text: "ICU admission"}, {Text: "Intubation and mechanical ventilation"}, {Text: "Dialysis"}}),
			}}}
		put("Consent", c.ID, c)
		if chance(r, 0.5) {
			d := r4.DocumentReference{Resource: hdr("DocumentReference", "advdoc", 1, 3*time.Hour), Status: "current",
				Type:    code(sysLOINC, "75320-2", "Advance directive"),
				Subject: p.ref, Date: stamp(p.admitted.AddDate(-1, 0, 0)), Description: "Living will (scanned, in the paper file)",
				// R4 asks a DocumentReference for its content (1..*): here
				// the paper, by its title.
				Content: []r4.DocumentContent{{Attachment: r4.Attachment{Title: "Living will (paper file)"}}}}
			put("DocumentReference", d.ID, d)
		}
	case x < 0.2:
		l := r4.List{Resource: hdr("List", "advnone", 1, 3*time.Hour), Status: "current",
			Code: code(sysLOINC, "42348-3", "Advance directives"), Subject: p.ref, Date: at(3 * time.Hour),
			EmptyReason: &r4.CodeableConcept{Coding: []r4.Coding{{System: sysListEmpty, Code: "nilknown", Display: "Nil Known"}}}}
		put("List", l.ID, l)
	}
	// Orders besides drugs: tomorrow morning's bloods, sometimes imaging,
	// and nursing orders.
	tomorrow := p.g.asOf.In(p.g.loc).Add(24 * time.Hour)
	morning := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 6, 0, 0, 0, p.g.loc)
	sr := func(i int, cat r4.CodeableConcept, c r4.CodeableConcept, due string, prio string) {
		s := r4.ServiceRequest{Resource: hdr("ServiceRequest", "sr", i, time.Duration(i)*time.Hour), Status: "active", Intent: "order",
			Category: []r4.CodeableConcept{cat}, Priority: prio, Code: c, Subject: p.ref, OccurrenceDateTime: due, AuthoredOn: at(time.Duration(i) * time.Hour)}
		put("ServiceRequest", s.ID, s)
	}
	lab := code(sysSNOMED, "108252007", "Laboratory procedure")
	sr(1, lab, pick(r, []r4.CodeableConcept{codeText(sysLOINC, "58410-2", "CBC panel", "Full blood count"),
		codeText(sysLOINC, "24323-8", "Comprehensive metabolic panel", "Urea, creatinine and electrolytes")}), stamp(morning), "routine")
	n := 2
	if chance(r, 0.25) {
		sr(n, code(sysSNOMED, "363679005", "Imaging"), pick(r, []r4.CodeableConcept{{Text: "Chest X-ray"}, {Text: "CT head"}, {Text: "Abdominal ultrasound"}}),
			stamp(morning.Add(time.Duration(2+r.IntN(6))*time.Hour)), pick(r, []string{"routine", "urgent"}))
		n++
	}
	if chance(r, 0.5) {
		sr(n, code(sysSNOMED, "9632001", "Nursing procedure"), pick(r, []r4.CodeableConcept{{Text: "Fluid balance chart"},
			{Text: "Wound care, dressing change daily"}, {Text: "Fall precautions, bed alarm"}, {Text: "Blood glucose before meals"}}), "", "")
		n++
	}
	if p.age >= 80 && chance(r, 0.25) { // some of the very old: not for intubation
		dnp := r4.ServiceRequest{Resource: hdr("ServiceRequest", "sr", n, 4*time.Hour), Status: "active", Intent: "order", DoNotPerform: new(true),
			Code: r4.CodeableConcept{Text: "Intubation"}, Subject: p.ref, AuthoredOn: at(4 * time.Hour)}
		put("ServiceRequest", dnp.ID, dnp)
	}
	// The diet.
	if chance(r, 0.85) {
		no := r4.NutritionOrder{Resource: hdr("NutritionOrder", "diet", 1, 90*time.Minute), Status: "active", Intent: "order",
			Patient: p.ref, DateTime: at(90 * time.Minute), OralDiet: &r4.NutritionOralDiet{}}
		switch {
		case p.has("stroke", "dementia", "aspiration") && chance(r, 0.7):
			no.OralDiet.Type = []r4.CodeableConcept{{Text: "Dysphagia diet, minced and moist"}}
			no.OralDiet.FluidConsistencyType = []r4.CodeableConcept{{Text: "Mildly thick fluids"}}
		case p.has("hipfx") && p.elapsed() < 24*time.Hour:
			no.OralDiet.Type = []r4.CodeableConcept{{Text: "Nil by mouth from midnight (theatre)"}}
		case p.has("t2dm"):
			no.OralDiet.Type = []r4.CodeableConcept{{Text: "Diabetic diet"}}
		default:
			no.OralDiet.Type = []r4.CodeableConcept{{Text: pick(r, []string{"Normal diet", "Normal diet", "Low salt diet", "Soft diet"})}}
		}
		put("NutritionOrder", no.ID, no)
	}
	// Lines, catheters and implants.
	dev := 0
	device := func(name, snomed, site string, inserted time.Time, implant bool) {
		dev++
		d := r4.Device{Resource: hdr("Device", "dev", dev, time.Hour), Status: "active",
			DeviceName: []r4.DeviceName{{Name: name, Type: "user-friendly-name"}}, Type: code(sysSNOMED, snomed, name), Patient: p.ref}
		put("Device", d.ID, d)
		if implant {
			return
		}
		u := r4.DeviceUseStatement{Resource: hdr("DeviceUseStatement", "dus", dev, time.Hour), Status: "active", Subject: p.ref,
			TimingDateTime: stamp(p.notAfterNow(inserted)), RecordedOn: stamp(p.notAfterNow(inserted)),
			Device: r4.Reference{Reference: "Device/" + d.ID}, BodySite: r4.CodeableConcept{Text: site}}
		put("DeviceUseStatement", u.ID, u)
	}
	if chance(r, 0.7) {
		device("Peripheral IV cannula 20G", "468002003", pick(r, []string{"left forearm", "right forearm", "left hand", "right antecubital fossa"}),
			p.admitted.Add(minutes(r, 10, 120)), false)
	}
	if chance(r, 0.15) {
		device("Indwelling urinary catheter", "20568009", "urethral", p.admitted.Add(minutes(r, 60, 600)), false)
	}
	if p.age >= 70 && chance(r, 0.08) {
		device("Cardiac pacemaker", "14106009", "", time.Time{}, true)
	}
	// Procedures: recent surgery for a fracture, and significant past ones.
	proc := 0
	procedure := func(c r4.CodeableConcept, when string) {
		proc++
		pr := r4.Procedure{Resource: hdr("Procedure", "proc", proc, 2*time.Hour), Status: "completed", Code: c, Subject: p.ref, PerformedDateTime: when}
		put("Procedure", pr.ID, pr)
	}
	if p.has("hipfx") && p.elapsed() > 24*time.Hour {
		procedure(codeText(sysSNOMED, "179344006", "Hemiarthroplasty of hip", "Hip hemiarthroplasty"), stamp(p.admitted.Add(20*time.Hour)))
	}
	for range r.IntN(3) {
		c := pick(r, []r4.CodeableConcept{codeText(sysSNOMED, "80146002", "Appendectomy", "Appendectomy"),
			codeText(sysSNOMED, "38102005", "Cholecystectomy", "Cholecystectomy"), codeText(sysSNOMED, "232717009", "Coronary artery bypass grafting", "CABG"),
			codeText(sysSNOMED, "52734007", "Total hip replacement", "Total hip replacement"), codeText(sysSNOMED, "54885007", "Cataract extraction", "Cataract surgery")})
		procedure(c, day(p.admitted.AddDate(-1-r.IntN(max(1, min(30, p.age-2))), -r.IntN(12), 0)))
	}
	// Immunizations: last autumn's influenza and a few others.
	imm := 0
	vaccine := func(cvx, display string, on time.Time) {
		imm++
		i := r4.Immunization{Resource: hdr("Immunization", "imm", imm, time.Hour), Status: "completed",
			VaccineCode: code(sysCVX, cvx, display), Patient: p.ref, OccurrenceDateTime: day(on), PrimarySource: new(false)}
		put("Immunization", i.ID, i)
	}
	if p.age >= 65 && chance(r, 0.6) {
		y := p.admitted.Year()
		if p.admitted.Month() < time.October {
			y--
		}
		vaccine("140", "Influenza, seasonal, injectable, preservative free", time.Date(y, time.October, 5+r.IntN(40), 0, 0, 0, 0, time.UTC))
	}
	if chance(r, 0.4) {
		vaccine("115", "Tdap", p.admitted.AddDate(-1-r.IntN(9), -r.IntN(12), 0))
	}
	if chance(r, 0.5) {
		vaccine("208", "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", p.admitted.AddDate(-1-r.IntN(3), -r.IntN(12), 0))
	}
	// Blood group and antibody screen, for most.
	if chance(r, 0.6) {
		when := stamp(p.notAfterNow(p.admitted.Add(minutes(r, 30, 300))))
		group := pick(r, []string{"O Rh(D) positive", "A Rh(D) positive", "B Rh(D) positive", "O Rh(D) negative", "A Rh(D) negative", "AB Rh(D) positive"})
		obs := func(i int, loinc, display, value string) {
			o := r4.Observation{Resource: hdr("Observation", "bg", i, 5*time.Hour), Status: "final",
				Category: []r4.CodeableConcept{code(sysObsCat, "laboratory", "Laboratory")}, Code: code(sysLOINC, loinc, display),
				Subject: p.ref, Encounter: p.enc, EffectiveDateTime: when}
			o.ValueCodeableConcept = &r4.CodeableConcept{Text: value}
			put("Observation", o.ID, o)
		}
		obs(1, "882-1", "ABO and Rh group [Type] in Blood", group)
		obs(2, "890-4", "Blood group antibody screen [Presence] in Serum or Plasma", pick(r, []string{"Negative", "Negative", "Negative", "Positive"}))
	}
	// Pregnancy status, for women of child-bearing age.
	if p.gender == "female" && p.age >= 15 && p.age <= 50 {
		o := r4.Observation{Resource: hdr("Observation", "preg", 1, 2*time.Hour), Status: "final",
			Category: []r4.CodeableConcept{code(sysObsCat, "social-history", "Social History")},
			Code:     code(sysLOINC, "82810-3", "Pregnancy status"), Subject: p.ref, EffectiveDateTime: at(2 * time.Hour)}
		status := codeText(sysSNOMED, "60001007", "Not pregnant", "Not pregnant")
		pregnant := chance(r, 0.05)
		if pregnant {
			status = codeText(sysSNOMED, "77386006", "Pregnant", "Pregnant")
		}
		o.ValueCodeableConcept = &status
		put("Observation", o.ID, o)
		if pregnant {
			edd := day(p.admitted.AddDate(0, 1+r.IntN(7), r.IntN(28)))
			e := r4.Observation{Resource: hdr("Observation", "preg", 2, 2*time.Hour), Status: "final",
				Code: code(sysLOINC, "11778-8", "Delivery date Estimated"), Subject: p.ref, EffectiveDateTime: at(2 * time.Hour)}
			e.ValueDateTime = &edd
			put("Observation", e.ID, e)
		}
	}
	// Care plans: pressure ulcer prevention for the frail, self-management
	// for diabetics; an earlier plan done with (not shown).
	plan := 0
	carePlan := func(status, category, snomed string, since time.Time, activities ...string) {
		plan++
		cp := r4.CarePlan{Resource: hdr("CarePlan", "plan", plan, 3*time.Hour), Status: status, Intent: "plan",
			Category: []r4.CodeableConcept{code(sysSNOMED, snomed, category)}, Subject: p.ref, Period: r4.Period{Start: stamp(since)}}
		for _, a := range activities {
			cp.Activity = append(cp.Activity, r4.CarePlanActivity{Detail: &r4.CarePlanDetail{Code: r4.CodeableConcept{Text: a}, Status: "in-progress"}})
		}
		put("CarePlan", cp.ID, cp)
	}
	if (p.age >= 75 || p.has("hipfx", "stroke")) && chance(r, 0.6) {
		carePlan("active", "Pressure ulcer prevention", "225358003", p.notAfterNow(p.admitted.Add(minutes(r, 60, 600))),
			"Reposition every 2 h", "Skin check each shift", "Pressure-relieving mattress")
	}
	if p.has("t2dm") && chance(r, 0.5) {
		carePlan("active", "Diabetes self management plan", "698360004", p.admitted.AddDate(-1-r.IntN(5), 0, 0),
			"Blood glucose before meals", "Foot check daily")
	}
	if chance(r, 0.1) {
		carePlan("completed", "Respiratory therapy", "53950000", p.admitted.AddDate(-2, 0, 0), "Breathing exercises")
	}
	for _, x := range out {
		if err := p.g.put(x.typ, x.id, x.v); err != nil {
			return err
		}
	}
	return nil
}
