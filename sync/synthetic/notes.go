package synthetic

import (
	"encoding/base64"
	"fmt"
	"lifeboat/sync/fhir/r4"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Nursing and progress notes of the last 48 hours.

var (
	typeNurseNote    = code(sysLOINC, "34746-8", "Nurse note")
	typeProgressNote = code(sysLOINC, "11506-3", "Progress note")

	nightOpeners = []string{"Slept well.", "Slept poorly, restless around 03:00.", "Settled after midnight.",
		"Awake several times, reassured.", "Slept in short spells, no distress."}
	earlyOpeners = []string{"Washed with help at the sink.", "Independent with personal care.",
		"Full wash in bed, skin intact.", "Mobilised to the chair for lunch.", "Ate most of breakfast."}
	lateOpeners = []string{"Visitors this evening, in good spirits.", "Ate half of dinner.",
		"Comfortable this evening.", "Quiet evening, no complaints.", "Family visited, questions answered."}
	closers = []string{"No new concerns.", "Call bell within reach.", "Plan discussed with the patient.",
		"Fluid balance chart kept.", "Handed over to the next shift."}
	plans = []string{"continue current treatment", "repeat bloods tomorrow", "mobilise with physiotherapy",
		"start discharge planning with the social worker", "review medication list with the pharmacist"}
)

// problemLine is a nursing remark about the reason for admission.
func problemLine(key string) string {
	switch key {
	case "pneumonia", "aspiration", "influenza", "covid":
		return "Coughing, encouraged deep breathing and fluids."
	case "hf":
		return "Fluid balance negative, ankles less swollen. Daily weight done."
	case "copdx", "asthmax":
		return "Nebulisers given, less breathless at rest."
	case "hipfx", "fall", "anklefx", "kneeoa":
		return "Mobilised with the physiotherapist using a frame."
	case "delirium":
		return "Intermittently disoriented, reoriented; family informed."
	case "stroke", "tia":
		return "Swallow screen passed, neuro observations unchanged."
	case "uti", "pyelonephritis":
		return "Drinking well, urine clearer."
	case "cellulitis":
		return "Redness marked on the leg, not spreading."
	case "gibleed":
		return "No further melaena. Stools checked."
	case "sepsis", "fn":
		return "Antibiotics on time, cannula site clean."
	}
	return "Patient comfortable."
}

func (p *patient) primary() *problem {
	for i := range p.problems {
		if p.problems[i].primary {
			return &p.problems[i]
		}
	}
	return nil
}

func (p *patient) writeNotes() error {
	r, now := p.r, p.g.asOf
	from := latest(p.admitted, now.Add(-48*time.Hour))
	slots := clockTimes(from.Add(time.Hour), now, []int{630, 1030, 1430, 2130}, p.g.loc)
	r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	slots = slots[:min(len(slots), 1+r.IntN(4))]
	slices.SortFunc(slots, func(a, b time.Time) int { return a.Compare(b) })
	if len(slots) == 0 {
		slots = []time.Time{earliest(p.admitted.Add(minutes(r, 40, 90)), now.Add(-time.Minute))}
	}
	for i, t := range slots {
		t = earliest(t.Add(minutes(r, -10, 20)), now)
		typ, title, author, text := typeNurseNote, "", p.g.shiftNurse(p.team, t), ""
		switch h := t.In(p.g.loc).Hour(); {
		case len(slots) == 1 && t.Sub(p.admitted) < 3*time.Hour:
			title, text = "Admission note", p.admissionText()
		case h >= 9 && h < 12:
			typ, title, author, text = typeProgressNote, "Progress note – ward round", p.doctor, p.progressText(r, t)
		case h < 9:
			title, text = "Nursing note – night shift", p.nurseText(r, t, nightOpeners)
		case h < 18:
			title, text = "Nursing note – early shift", p.nurseText(r, t, earlyOpeners)
		default:
			title, text = "Nursing note – late shift", p.nurseText(r, t, lateOpeners)
		}
		d := r4.DocumentReference{
			Resource:    header("DocumentReference", p.rid("doc", i+1), "1", stamp(p.notAfterNow(t.Add(minutes(r, 1, 5))))),
			Status:      "current",
			DocStatus:   "final",
			Type:        typ,
			Subject:     p.ref,
			Date:        stamp(t),
			Author:      []r4.Reference{{Display: author}},
			Description: title,
			Content: []r4.DocumentContent{{Attachment: r4.Attachment{
				ContentType: "text/plain; charset=utf-8",
				Data:        base64.StdEncoding.EncodeToString([]byte(text)),
			}}},
			Context: r4.DocumentContext{Encounter: []r4.Reference{p.enc}},
		}
		if err := p.g.put("DocumentReference", d.ID, d); err != nil {
			return err
		}
	}
	return nil
}

func (p *patient) admissionText() string {
	reason := "for observation"
	if pr := p.primary(); pr != nil {
		reason = "with " + strings.ToLower(pr.def.display)
	}
	return fmt.Sprintf("Admitted to the ward from the emergency department %s. Allergies checked with the patient. "+
		"Belongings listed, orientated to the room. Observations taken.", reason)
}

func (p *patient) nurseText(r *rand.Rand, t time.Time, openers []string) string {
	fx := p.fxAt(t)
	lines := []string{pick(r, openers)}
	switch {
	case fx.fever > 0.5:
		lines = append(lines, "Temperature raised, paracetamol given, fluids encouraged.")
	case fx.hypox > 0.5:
		lines = append(lines, "Oxygen 2 L/min via nasal cannula, saturations acceptable.")
	default:
		lines = append(lines, "Observations stable.")
	}
	if fx.pain > 0.5 {
		lines = append(lines, "Pain on movement, as-needed analgesia given with effect.")
	}
	if pr := p.primary(); pr != nil && chance(r, 0.7) {
		lines = append(lines, problemLine(pr.def.key))
	}
	if p.has("t2dm") && chance(r, 0.5) {
		lines = append(lines, "Capillary glucose checked before meals.")
	}
	lines = append(lines, pick(r, closers))
	return strings.Join(lines, " ")
}

func (p *patient) progressText(r *rand.Rand, t time.Time) string {
	days := int(t.Sub(p.admitted).Hours()/24) + 1
	what := "admission"
	if pr := p.primary(); pr != nil {
		what = strings.ToLower(pr.def.display)
	}
	state := "Clinically improving, observations settling."
	if p.sev*math.Exp(-t.Sub(p.admitted).Hours()/p.tau) > 0.4 {
		state = "Still unwell, observations not yet settled."
	}
	first := r.IntN(len(plans))
	second := (first + 1 + r.IntN(len(plans)-1)) % len(plans)
	return fmt.Sprintf("Ward round, day %d of admission for %s. %s Plan: %s; %s.",
		days, what, state, plans[first], plans[second])
}
