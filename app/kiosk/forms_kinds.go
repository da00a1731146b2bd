package kiosk

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The three forms: each lays out its fields in Tab order and says how to
// make its entry from them. Validation of the values themselves is the
// store's (Validate and Review), so that the forms and the command line
// refuse and warn alike; here only what cannot be read at all is refused.

const timeLayout = "02/01/2006 15:04"

// clinicalTime adds the "When" field, set to now.
func (f *entryForm) clinicalTime() *formEntry {
	e := f.entry(i18n.T(present.TimeLabel), timeLayout)
	e.SetText(f.v.k.opt.Now().Local().Format(timeLayout))
	return e
}

// vitals is the vital-signs form.
func (f *entryForm) vitals() {
	f.title = i18n.T(present.VitalsTitle)
	when := f.clinicalTime()
	bp := f.entry(i18n.T(present.BloodPressure), present.BloodPressureHint)
	hr := f.entry(i18n.T(present.HeartRate), "")
	rr := f.entry(i18n.T(present.RespiratoryRate), "")
	temp := f.entry(i18n.T(present.TemperatureLabel), "")
	spo2 := f.entry(i18n.T(present.SpO2Label), "")
	pain := f.entry(i18n.T(present.PainLabel), "")
	// NEWS2's other parameters: air or oxygen (with flow and FiO2),
	// the SpO2 target (scale 2 only when prescribed), ACVPU; and glucose.
	_, oxygen := f.choice(i18n.T(present.OxygenLabel), "", present.OxygenChoices)
	flow := f.entry(i18n.T(present.O2FlowLabel), "")
	fio2 := f.entry(i18n.T(present.FiO2Label), "")
	targetSelect, target := f.choice(i18n.T(present.SpO2TargetLabel), "", present.SpO2Targets)
	targetSelect.SetSelectedIndex(0) // scale 1 unless a scale-2 target is prescribed
	_, acvpu := f.choice(i18n.T(present.ConsciousnessLabel), "", present.Consciousness)
	glucose := f.entry(i18n.T(present.GlucoseLabel), "")
	f.first = bp
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		v := &clinical.VitalSigns{}
		if v.Systolic, v.Diastolic, err = parseBloodPressure(bp.Text); err != nil {
			return clinical.Entry{}, err
		}
		for _, n := range []struct {
			into  **float64
			text  string
			field string
		}{
			{&v.HeartRate, hr.Text, "heart rate"},
			{&v.RespiratoryRate, rr.Text, "respiratory rate"},
			{&v.Temperature, temp.Text, "temperature"},
			{&v.SpO2, spo2.Text, "SpO2"},
			{&v.O2Flow, flow.Text, "oxygen flow"},
			{&v.FiO2, fio2.Text, "FiO2"},
			{&v.Glucose, glucose.Text, "blood glucose"},
			{&v.Pain, pain.Text, "pain score"},
		} {
			if *n.into, err = parseNumber(n.text, n.field); err != nil {
				return clinical.Entry{}, err
			}
		}
		switch o := oxygen(); {
		case o != "":
			onO2 := o == present.ChoiceOxygen
			v.OnOxygen = &onO2
		case v.O2Flow != nil || v.FiO2 != nil:
			onO2 := true // a flow or an FiO2 is oxygen
			v.OnOxygen = &onO2
		}
		v.SpO2Scale2 = target() == present.ChoiceScale2
		v.Consciousness = acvpu()
		return clinical.Entry{Kind: clinical.KindVitals, ClinicalTime: at, Vitals: v}, nil
	}
}

// note is the nursing-note form.
func (f *entryForm) note() {
	f.title = i18n.T(present.NoteTitle)
	when := f.clinicalTime()
	text := newFormEntry(f.keys, true)
	text.OnChanged = func(string) { f.changed() }
	f.add(i18n.T(present.NoteLabel), text)
	f.first = text
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		if err != nil {
			return clinical.Entry{}, err
		}
		return clinical.Entry{Kind: clinical.KindNote, ClinicalTime: at, Note: &clinical.NursingNote{Text: strings.TrimSpace(text.Text)}}, nil
	}
}

// orders are the patient's medication orders, active ones first, then
// those on hold, then the others, each in the chart's order.
func orders(c *clinical.Chart) []clinical.Medication {
	var out []clinical.Medication
	for _, m := range c.Medications.Items {
		if m.Source.Type == "MedicationRequest" && m.Source.ID != "" {
			out = append(out, m)
		}
	}
	return present.ActiveFirst(out)
}

// dose is the medication-administration form.
func (f *entryForm) dose() {
	f.title = i18n.T(present.DoseTitle)
	list := orders(f.chart)
	var options []string
	for _, m := range list {
		label := present.OrderChoice(m)
		for slices.Contains(options, label) { // two orders that read alike stay apart
			label += " "
		}
		options = append(options, label)
	}
	options = append(options, i18n.T(present.AnotherMedication))
	when := f.clinicalTime()
	var order *clinical.Medication // nil: none chosen, or another medication
	var another bool
	var name, amount, route *formEntry
	var prefilled struct{ dose, route string }
	choice := newFormSelect(f.keys, options, func(s string) {
		i := slices.Index(options, s)
		order, another = nil, i == len(list)
		if i >= 0 && i < len(list) {
			order = &list[i]
		}
		f.changed()
		if another {
			name.Enable()
			name.SetText("")
			return
		}
		name.SetText(order.Name)
		name.Disable()
		// The order's dose and route, unless something else was typed.
		if amount.Text == "" || amount.Text == prefilled.dose {
			prefilled.dose = i18n.Decimals(order.Dose) // 0,5 mg in Dutch and French
			amount.SetText(prefilled.dose)
		}
		if route.Text == "" || route.Text == prefilled.route {
			route.SetText(order.Route)
			prefilled.route = order.Route
		}
	})
	choice.PlaceHolder = i18n.T(present.OrderHint)
	f.add(i18n.T(present.OrderLabel), choice)
	name = f.entry(i18n.T(present.MedicationLabel), "")
	name.Disable()
	var outcome string
	var labels []string
	for _, o := range present.Outcomes {
		labels = append(labels, i18n.T(o.Label))

	}
	outcomes := newFormSelect(f.keys, labels, func(s string) {
		outcome = present.Outcomes[slices.Index(labels, s)].Value
		f.changed()
		if outcome == clinical.OutcomeHeld || outcome == clinical.OutcomeRefused {
			amount.Disable() // nothing was given
		} else {
			amount.Enable()
		}
	})
	outcomes.PlaceHolder = i18n.T(present.OutcomeHint)
	f.add(i18n.T(present.OutcomeLabel), outcomes)
	amount = f.entry(i18n.T(present.DoseLabel), present.DoseHint)
	route = f.entry(i18n.T(present.RouteLabel), "")
	site := f.entry(i18n.T(present.SiteLabel), "")
	reason := f.entry(i18n.T(present.ReasonLabel), "")
	f.first = choice
	f.build = func() (clinical.Entry, error) {
		at, err := parseWhen(when.Text, f.v.k.opt.Now())
		switch {
		case err != nil:
			return clinical.Entry{}, err
		case order == nil && !another:
			return clinical.Entry{}, errors.New(i18n.T(present.ChooseOrder))
		case outcome == "":
			return clinical.Entry{}, errors.New(i18n.T(present.ChooseOutcome))
		}
		a := &clinical.Administered{Outcome: outcome, Medication: strings.TrimSpace(name.Text),
			Route: strings.TrimSpace(route.Text), Site: strings.TrimSpace(site.Text), Reason: strings.TrimSpace(reason.Text)}
		if order != nil {
			a.OrderID = order.Source.ID
		}
		if outcome == clinical.OutcomeGiven || outcome == clinical.OutcomePartial {
			if a.Dose, err = parseDose(amount.Text); err != nil {
				return clinical.Entry{}, err
			}
		}
		if outcome == clinical.OutcomePartial && order != nil && a.Dose != nil {
			if whole, err := parseDose(order.Dose); err == nil && whole != nil && *whole == *a.Dose {
				return clinical.Entry{}, errors.New(i18n.T(present.PartialWholeDose))
			}
		}
		return clinical.Entry{Kind: clinical.KindMedication, ClinicalTime: at, Medication: a}, nil
	}
}

// parseWhen reads the clinical time: dd/mm/yyyy hh:mm in local time, or
// only hh:mm for the last such time (today's, or yesterday's when today's
// is still to come).
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if t, err := time.ParseInLocation("2/1/2006 15:04", s, time.Local); err == nil {
		return t, nil
	}
	hm, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, errors.New(i18n.T(present.TimeFormat))
	}
	n := now.Local()
	t := time.Date(n.Year(), n.Month(), n.Day(), hm.Hour(), hm.Minute(), 0, 0, time.Local)
	if t.After(now.Add(clinical.ClockSkew)) {
		t = t.AddDate(0, 0, -1)
	}
	return t, nil
}

// parseNumber reads a measurement, with a decimal comma or point in any
// language (i18n.ParseNumber); empty is "not measured". A number that
// could be read with a thousands separator ("1,000") is refused with a
// sentence that says so.
func parseNumber(s, field string) (*float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	x, err := i18n.ParseNumber(s)
	switch {
	case errors.Is(err, i18n.ErrThousands):
		return nil, errors.New(i18n.F(present.ThousandsNumber, strings.TrimSpace(s)))
	case err != nil:
		return nil, errors.New(present.NotANumber(field))
	}
	return &x, nil
}

// parseBloodPressure reads "120/80"; empty is "not measured".
func parseBloodPressure(s string) (systolic, diastolic *float64, err error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return nil, nil, errors.New(i18n.T(present.BloodPressureParts))
	}
	systolic, err1 := parseNumber(parts[0], "systolic pressure")
	diastolic, err2 := parseNumber(parts[1], "diastolic pressure")
	if err1 != nil || err2 != nil || systolic == nil || diastolic == nil {
		return nil, nil, errors.New(i18n.T(present.BloodPressureParts))
	}
	return systolic, diastolic, nil
}

// exponent is the start of a number's exponent ("e3", "E-2") where a
// dose's unit should begin.
var exponent = regexp.MustCompile(`^[eE][+\-−]?\p{Nd}`)

// parseDose reads "500 mg", "500mg" or "0,5 mg"; empty is no dose.
func parseDose(s string) (*clinical.Quantity, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != ',' })
	if i <= 0 {
		return nil, errors.New(i18n.T(present.DoseFormat))
	}
	x, err := i18n.ParseNumber(s[:i])
	if errors.Is(err, i18n.ErrThousands) {
		return nil, errors.New(i18n.F(present.ThousandsNumber, s[:i]))
	}
	// A unit begins with a letter or a sign (µg, %): "1 000 mg" is not a
	// dose of 1 in "000 mg", and "1.5e3 mg" not 1.5 of "e3 mg" (an
	// exponent is refused, as in a measurement).
	unit := strings.TrimSpace(s[i:])
	if r, _ := utf8.DecodeRuneInString(unit); err != nil || unit == "" || unicode.IsDigit(r) || strings.ContainsRune(".,'’", r) ||
		exponent.MatchString(unit) {
		return nil, errors.New(i18n.T(present.DoseFormat))
	}
	return &clinical.Quantity{Value: x, Unit: unit}, nil
}
