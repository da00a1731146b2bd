package fhir

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"lifeboat/clinical"
)

// chart builds one patient's essential record, with the raw JSON of every
// row fetched by f. It copies what it sorts, so the Import stays
// unchanged.
func (im *Import) chart(f *fetcher, id, ward string) clinical.Chart {
	pr := im.patients[id]
	p := pr.Patient
	p.Identifiers = slices.Clone(p.Identifiers)
	f.fill(&p.Source, pr.raw)
	b := im.charts[id]
	if b == nil {
		b = &bucket{}
	}
	c := clinical.Chart{Patient: p}
	im.place(&c.Patient, b.encounters, ward)
	c.Allergies = allergies(f, b)
	c.Problems = problems(f, b)
	c.Medications, c.Administrations = im.meds(f, b)
	c.Vitals, c.Labs = observations(f, b)
	c.Patient.Weight = latestMeasure(b.obs[obsKey{false, loincWeight}])
	c.Patient.Height = latestMeasure(b.obs[obsKey{false, loincHeight}])
	c.Alerts = alerts(f, b)
	c.Notes = im.notes(f, b)
	unreadable := b.unreadable | im.unreadableAll | pr.unreadable
	im.record(f, b, pr, &c)
	im.compositions(f, b, &c)
	unreadableRecord(&c.RecordSections, unreadable)
	// A section with data that could not be read is not known to be
	// empty: its "none known" assertion goes, whatever the readable
	// resources say. Only these three sections take assertions.
	// Every section with unreadable data says so.
	if unreadable.has(secAllergies) {
		c.Allergies.Assertion, c.Allergies.Unreadable = nil, true
	}
	if unreadable.has(secProblems) {
		c.Problems.Assertion, c.Problems.Unreadable = nil, true
	}
	if unreadable.has(secMedications) {
		c.Medications.Assertion, c.Medications.Unreadable = nil, true
	}
	c.Administrations.Unreadable = unreadable.has(secAdministrations)
	c.Vitals.Unreadable = unreadable.has(secVitals)
	c.Labs.Unreadable = unreadable.has(secLabs)
	c.Alerts.Unreadable = unreadable.has(secAlerts)
	c.Notes.Unreadable = unreadable.has(secNotes)
	c.Settle()
	return c
}

// assertionFor is the newest "none known" assertion for the section.
func (b *bucket) assertionFor(f *fetcher, sec section) *clinical.Source {
	var best *assertion
	for i := range b.asserts {
		a := &b.asserts[i]
		if a.sec == sec && (best == nil || !a.when.Before(best.when)) {
			best = a
		}
	}
	if best == nil {
		return nil
	}
	src := best.src
	f.fill(&src, best.raw)
	return &src
}

// inactive says whether a Condition's clinical status puts it off the
// active problem list. (Allergies use clinical.Allergy.Active.)
func inactive(clinical string) bool {
	switch clinical {
	case "inactive", "resolved", "remission":
		return true
	}
	return false
}

var criticalityRank = map[string]int{"high": 0, "unable-to-assess": 1, "": 2, "low": 3}

// allergies: active first (clinical.Allergy.Active), high criticality
// first, newest first; the others after them. A "none known" assertion
// stays only when no allergy is active: a real active allergy contradicts
// it.
func allergies(f *fetcher, b *bucket) clinical.Section[clinical.Allergy] {
	rows := shown(slices.Clone(b.allergies), hiddenAllergy)
	slices.SortStableFunc(rows, func(x, y allergyRow) int {
		if r := cmpBool(!x.Active(), !y.Active()); r != 0 {
			return r
		}
		if r := cmpInt(criticalityRank[x.Criticality], criticalityRank[y.Criticality]); r != 0 {
			return r
		}
		if r := y.Recorded.Compare(x.Recorded); r != 0 {
			return r
		}
		return cmp.Or(natural(x.Substance, y.Substance), bySource(&x.Source, &y.Source))
	})
	s := clinical.Section[clinical.Allergy]{}
	for _, r := range rows {
		f.fill(&r.Source, r.raw)
		s.Items = append(s.Items, r.Allergy)
	}
	if !slices.ContainsFunc(s.Items, clinical.Allergy.Active) {
		s.Assertion = b.assertionFor(f, secAllergies)
	}
	return s
}

// problems: active first, newest onset first.
func problems(f *fetcher, b *bucket) clinical.Section[clinical.Problem] {
	rows := shown(slices.Clone(b.problems), hiddenProblem)
	slices.SortStableFunc(rows, func(x, y problemRow) int {
		if r := cmpBool(inactive(x.ClinicalStatus), inactive(y.ClinicalStatus)); r != 0 {
			return r
		}
		if r := y.sortAt.Compare(x.sortAt); r != 0 {
			return r
		}
		return cmp.Or(natural(x.Name, y.Name), bySource(&x.Source, &y.Source))
	})
	s := clinical.Section[clinical.Problem]{}
	for _, r := range rows {
		f.fill(&r.Source, r.raw)
		s.Items = append(s.Items, r.Problem)
	}
	if !slices.ContainsFunc(s.Items, func(p clinical.Problem) bool { return !inactive(p.ClinicalStatus) }) {
		s.Assertion = b.assertionFor(f, secProblems)
	}
	return s
}

var medStatusRank = map[string]int{"active": 0, "on-hold": 1}

func medRank(m clinical.Medication) int {
	if r, ok := medStatusRank[m.Status]; ok {
		return r
	}
	if m.Current() {
		return 1 // a reported medication intended
	}
	return 2
}

// meds: orders active and on-hold first, by name, then the others
// (stopped, completed...) newest first; each with the time it was last
// given. Then the reported medications (MedicationStatements) that may be
// current, in the same order; those that are history are left out.
// Administrations newest first, the newest keepAdmins.
func (im *Import) meds(f *fetcher, b *bucket) (clinical.Section[clinical.Medication], clinical.Section[clinical.Administration]) {
	admins := shown(slices.Clone(b.admins), hiddenAdmin)
	for i := range admins {
		a := &admins[i]
		a.OrderID = im.idOf(a.request, "MedicationRequest")
		if a.medRef != "" {
			name, codes := im.medicine(a.medRef)
			if a.Medication == "" {
				a.Medication = name
			}
			a.codes = slices.Concat(a.codes, codes)
		}
		if a.Medication == "" {
			a.Medication = "unnamed medication"
		}
	}
	slices.SortStableFunc(admins, func(x, y adminRow) int {
		return cmp.Or(y.Time.Compare(x.Time), bySource(&x.Source, &y.Source))
	})

	rows := shown(slices.Clone(b.meds), hiddenMed)
	meds := clinical.Section[clinical.Medication]{}
	for _, m := range rows {
		if m.medRef != "" {
			name, codes := im.medicine(m.medRef)
			if m.Name == "" {
				m.Name = name
			}
			if m.Code == "" {
				m.Code = im.medicationCode(m.medRef)
			}
			m.codes = slices.Concat(m.codes, codes)
		}
		if m.Name == "" {
			m.Name = "unnamed medication"
		}
		// Every coding, for matching: the same medication across
		// resources, and a dose's drug class against the allergies.
		m.Codes = slices.Clone(m.codes)
		if m.Reported() {
			// Never given here: a dose given on the ward has an order.
			m.ReportedBy = im.informant(m.ReportedBy)
		} else {
			m.LastGiven = lastGiven(m, admins)
		}
		f.fill(&m.Source, m.raw)
		meds.Items = append(meds.Items, m.Medication)
	}
	slices.SortStableFunc(meds.Items, func(x, y clinical.Medication) int {
		if r := cmpBool(x.Reported(), y.Reported()); r != 0 {
			return r
		}
		if r := cmpInt(medRank(x), medRank(y)); r != 0 {
			return r
		}
		if medRank(x) == 2 {
			if r := y.Start.Compare(x.Start); r != 0 {
				return r
			}
		}
		return cmp.Or(natural(x.Name, y.Name), bySource(&x.Source, &y.Source))
	})
	if !slices.ContainsFunc(meds.Items, clinical.Medication.Current) {
		meds.Assertion = b.assertionFor(f, secMedications)
	}

	given := clinical.Section[clinical.Administration]{}
	for i, a := range admins {
		if i == keepAdmins {
			break
		}
		f.fill(&a.Source, a.raw)
		given.Items = append(given.Items, a.Administration)
	}
	return meds, given
}

// lastGiven is the newest completed administration of the order: those
// that reference it, or when none does, those of the same medication.
func lastGiven(m medRow, admins []adminRow) time.Time {
	var byOrder, byCode time.Time
	for _, a := range admins {
		if a.Status != "completed" {
			continue
		}
		if a.OrderID != "" && a.OrderID == m.Source.ID {
			byOrder = later(byOrder, a.Time)
		} else if sharesCode(m.codes, a.codes) {
			byCode = later(byCode, a.Time)
		}
	}
	if !byOrder.IsZero() {
		return byOrder
	}
	return byCode
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func sharesCode(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// medicine resolves a medicationReference to the Medication's name and
// codes.
func (im *Import) medicine(ref string) (string, []string) {
	if m := im.medications[im.idOf(ref, "Medication")]; m != nil {
		return m.name, m.codes
	}
	return "", nil
}

func (im *Import) medicationCode(ref string) string {
	if m := im.medications[im.idOf(ref, "Medication")]; m != nil {
		return m.code
	}
	return ""
}

// observations flattens the kept vitals and labs, newest first.
func observations(f *fetcher, b *bucket) (vitals, labs clinical.Section[clinical.Observation]) {
	keys := make([]obsKey, 0, len(b.obs))
	for k := range b.obs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y obsKey) int { return strings.Compare(x.code, y.code) })
	for _, k := range keys {
		for _, o := range b.obs[k] {
			f.fill(&o.Source, o.raw)
			if k.lab {
				labs.Items = append(labs.Items, o.Observation)
			} else {
				vitals.Items = append(vitals.Items, o.Observation)
			}
		}
	}
	newestFirst := func(x, y clinical.Observation) int {
		return cmp.Or(y.Time.Compare(x.Time), bySource(&x.Source, &y.Source))
	}
	slices.SortStableFunc(vitals.Items, newestFirst)
	slices.SortStableFunc(labs.Items, newestFirst)
	return vitals, labs
}

func latestMeasure(list []obsRow) *clinical.Measure {
	for _, o := range list {
		if o.Number != nil {
			return &clinical.Measure{Value: *o.Number, Unit: o.Unit, Time: o.Time}
		}
	}
	return nil
}

// alerts: code status first, then isolation, fall risk, others; newest
// first within each kind.
func alerts(f *fetcher, b *bucket) clinical.Section[clinical.Alert] {
	rows := shown(slices.Clone(b.alerts), hiddenAlert)
	slices.SortStableFunc(rows, func(x, y alertRow) int {
		if r := cmpInt(alertRank[x.Kind], alertRank[y.Kind]); r != 0 {
			return r
		}
		return cmp.Or(y.Start.Compare(x.Start), bySource(&x.Source, &y.Source))
	})
	s := clinical.Section[clinical.Alert]{}
	for _, r := range rows {
		f.fill(&r.Source, r.raw)
		s.Items = append(s.Items, r.Alert)
	}
	return s
}

// notes are kept newest first already; authors without a display get the
// referenced Practitioner's name.
func (im *Import) notes(f *fetcher, b *bucket) clinical.Section[clinical.Note] {
	s := clinical.Section[clinical.Note]{}
	for _, n := range b.notes {
		f.fill(&n.Source, n.raw)
		if n.Author == "" {
			n.Author = im.practitioner[im.idOf(n.authorRef, "Practitioner")]
		}
		s.Items = append(s.Items, n.Note)
	}
	return s
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// bySource breaks ties by the source resource, so that a chart does not
// depend on the order its resources were read in (files, or a server's
// pages).
func bySource(x, y *clinical.Source) int {
	return cmp.Or(strings.Compare(x.Type, y.Type), strings.Compare(x.ID, y.ID))
}
