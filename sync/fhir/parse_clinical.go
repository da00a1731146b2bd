package fhir

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"html"
	"mime"
	"strings"
	"unicode/utf8"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// medicine is the name, code and matching keys of medication[x], read
// alike for orders, administrations and reported medications: a
// CodeableConcept; a reference to a Medication contained in the resource
// ("#id"), read here, its display naming it when given; or any other
// reference (relative, absolute or urn:uuid), returned as medRef to be
// resolved when the chart is built. ok is false, and the entry bad, when
// there is no medication.
func (e *entry) medicine(cc *r4.CodeableConcept, ref *r4.Reference, contained []json.RawMessage) (name, code, medRef string, codes []string, ok bool) {
	switch {
	case cc != nil && (strings.TrimSpace(cc.Text) != "" || len(cc.Coding) > 0):
		return medName(*cc), preferredCode(*cc), "", codeKeys(*cc), true
	case ref != nil && strings.HasPrefix(strings.TrimSpace(ref.Reference), "#"):
		if c, found := containedMedicationCode(contained, strings.TrimPrefix(strings.TrimSpace(ref.Reference), "#")); found {
			name, code, codes = medName(c), preferredCode(c), codeKeys(c)
		}
		if d := strings.TrimSpace(ref.Display); d != "" {
			name = d
		}
		return name, code, "", codes, true
	case ref != nil && (strings.TrimSpace(ref.Reference) != "" || strings.TrimSpace(ref.Display) != ""):
		return strings.TrimSpace(ref.Display), "", strings.TrimSpace(ref.Reference), nil, true
	}
	e.bad = e.rtype + ": missing medication"
	return "", "", "", nil, false
}

// containedMedicationCode finds the code of the contained Medication with
// the id.
func containedMedicationCode(list []json.RawMessage, id string) (r4.CodeableConcept, bool) {
	for _, raw := range list {
		var c struct { // only what is read: a broken member elsewhere hides no name
			ResourceType string             `json:"resourceType"`
			ID           string             `json:"id"`
			Code         r4.CodeableConcept `json:"code"`
		}
		if json.Unmarshal(raw, &c) == nil && c.ResourceType == "Medication" && strings.TrimSpace(c.ID) == id {
			return c.Code, true
		}
	}
	return r4.CodeableConcept{}, false
}

func (e *entry) medicationRequest() any {
	var j r4.MedicationRequest
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	name, code, medRef, codes, ok := e.medicine(j.MedicationCodeableConcept, j.MedicationReference, j.Contained)
	if !ok {
		return nil
	}
	switch {
	case j.Status == "entered-in-error" || j.Status == "draft":
		// kept to be counted, never shown (see hiddenMed)
		return medRow{Medication: clinical.Medication{Status: j.Status, Source: e.source()}}
	case j.Intent == "proposal":
		return medRow{Medication: clinical.Medication{Status: intentProposal, Source: e.source()}}
	case j.MedicationCodeableConcept != nil:
		if row, ok := e.absent(*j.MedicationCodeableConcept, secMedications, "", j.AuthoredOn); ok {
			return row
		}
	}
	m := medRow{Medication: clinical.Medication{Name: name, Code: code, Status: j.Status, Source: e.source()}, medRef: medRef, codes: codes, raw: e.at}
	var start, end string
	if d := dosageOf(&m.Medication, j.DosageInstruction); d != nil {
		m.MaxDose = maxDoseOf(*d)
		if r := d.Timing.Repeat; r != nil {
			start, end = r.BoundsPeriod.Start, r.BoundsPeriod.End
		}
	}
	if m.MaxDose == nil {
		m.MaxDose = clinical.ParseMaxDose(m.Dosage) // "max 3 per 24 h" in the text
	}
	m.Start = when(start, j.AuthoredOn)
	m.End = when(end, j.DispenseRequest.ValidityPeriod.End)
	return m
}

func (e *entry) medicationAdministration() any {
	var j r4.MedicationAdministration
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	name, _, medRef, codes, ok := e.medicine(j.MedicationCodeableConcept, j.MedicationReference, j.Contained)
	if !ok {
		return nil
	}
	if j.Status == "entered-in-error" {
		// kept to be counted, never shown nor counted as given (see hiddenAdmin)
		return adminRow{Administration: clinical.Administration{Status: j.Status, Source: e.source()}}
	}
	a := adminRow{Administration: clinical.Administration{
		Medication: name,
		Status:     j.Status,
		Time:       when(j.EffectiveDateTime, j.EffectivePeriod.Start),
		Source:     e.source(),
	}, medRef: medRef, request: j.Request.Reference, codes: codes, raw: e.at}
	if d := j.Dosage; d != nil {
		a.Dose, a.Route = quantityText(d.Dose), routeText(d.Route)
	}
	var why []string
	for _, r := range j.StatusReason {
		if t := conceptText(r); t != "" {
			why = append(why, t)
		}
	}
	a.Reason = strings.Join(why, "; ")
	return a
}

func (e *entry) observation() any {
	var j r4.Observation
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	code := firstCode(j.Code, sysLOINC)
	if code == "" && j.Code.Text == "" {
		e.bad = "Observation: missing code"
		return nil
	}
	if j.Status == "entered-in-error" || j.Status == "cancelled" {
		e.dropped = statusReason("status", j.Status)
		return nil
	}
	var lab bool
	rec, isRec := recordObservations[code]
	switch {
	case isRec:
	case hasCategory(j.Category, "vital-signs"):
	case hasCategory(j.Category, "laboratory"):
		lab = true
	case vitalCodes[code]:
	default:
		e.dropped = categoryReason(j.Category)
		return nil
	}
	o := clinical.Observation{
		Code: code,
		Name: conceptText(j.Code),
		Time: when(j.EffectiveDateTime, j.EffectivePeriod.Start, j.EffectiveInstant, j.Issued),
	}
	if o.Name == "" {
		o.Name = code
	}
	if len(j.Interpretation) > 0 {
		o.Flag = firstCode(j.Interpretation[0], sysInterp)
	}
	var sys, dia *r4.Quantity
	var sysRange []r4.ObservationRange
	for _, c := range j.Component {
		switch firstCode(c.Code, sysLOINC) {
		case loincSystolic:
			sys, sysRange = c.ValueQuantity, c.ReferenceRange
		case loincDiastolic:
			dia = c.ValueQuantity
		}
	}
	ranges := j.ReferenceRange
	switch {
	case sys != nil && sys.Value != nil && dia != nil && dia.Value != nil:
		s, d := rounded(*sys.Value, loincSystolic), rounded(*dia.Value, loincDiastolic)
		o.Code, o.Value, o.Number, o.Unit = loincBPPanel, plainNumber(s)+"/"+plainNumber(d), &s, "mm[Hg]"
		if len(ranges) == 0 {
			ranges = sysRange
		}
	case !setValue(&o, j.ObservationValue):
		e.dropped = "no value"
		return nil
	}
	if len(ranges) > 0 {
		r := ranges[0]
		if r.Low != nil && r.Low.Value != nil {
			o.Low = r.Low.Value
		}
		if r.High != nil && r.High.Value != nil {
			o.High = r.High.Value
		}
		o.RangeText = strings.TrimSpace(r.Text)
	}
	o.Abnormal = !normalFlags[o.Flag] ||
		(o.Number != nil && ((o.Low != nil && *o.Number < *o.Low) || (o.High != nil && *o.Number > *o.High)))
	o.Source = e.source()
	o.Code, o.Name, o.Unit, o.Flag, o.RangeText = e.intern(o.Code), e.intern(o.Name), e.intern(o.Unit), e.intern(o.Flag), e.intern(o.RangeText)
	if isRec {
		return e.record(rec, &o, o.Time)
	}
	return obsRow{lab: lab, Observation: o, raw: e.at}
}

// setValue fills Value (and Number, Unit) from value[x], or from
// dataAbsentReason in parentheses. It reports false when there is none.
func setValue(o *clinical.Observation, v r4.ObservationValue) bool {
	switch {
	case v.ValueQuantity != nil && v.ValueQuantity.Value != nil:
		n := rounded(*v.ValueQuantity.Value, o.Code)
		o.Number, o.Unit = &n, unitOf(v.ValueQuantity)
		o.Value = v.ValueQuantity.Comparator + plainNumber(n)
	case v.ValueString != nil && strings.TrimSpace(*v.ValueString) != "":
		o.Value = strings.TrimSpace(*v.ValueString)
	case v.ValueCodeableConcept != nil && conceptText(*v.ValueCodeableConcept) != "":
		o.Value = conceptText(*v.ValueCodeableConcept)
	case v.ValueInteger != nil:
		n := *v.ValueInteger
		o.Number, o.Value = &n, plainNumber(n)
	case v.ValueDateTime != nil && strings.TrimSpace(*v.ValueDateTime) != "":
		o.Value = strings.TrimSpace(*v.ValueDateTime)
	case v.ValueBoolean != nil:
		o.Value = map[bool]string{true: "yes", false: "no"}[*v.ValueBoolean]
	case v.DataAbsentReason != nil && conceptText(*v.DataAbsentReason) != "":
		o.Value = "(" + conceptText(*v.DataAbsentReason) + ")"
	default:
		return false
	}
	return true
}

func (e *entry) documentReference() any {
	var j r4.DocumentReference
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	switch {
	case j.Status != "current" && j.Status != "":
		e.dropped = statusReason("status", j.Status)
		return nil
	case j.DocStatus == "entered-in-error":
		e.dropped = "docStatus entered-in-error"
		return nil
	case isDirectiveDocument(j.Type):
		return e.directiveDocument(&j)
	}
	n := noteRow{raw: e.at, Note: clinical.Note{
		Title: joinNonEmpty("", j.Description),
		Time:  when(j.Date, j.Context.Period.Start),
	}}
	if n.Title == "" {
		n.Title = conceptText(j.Type)
	}
	if n.Title == "" {
		n.Title = "Note"
	}
	if len(j.Author) > 0 {
		n.Author, n.authorRef = strings.TrimSpace(j.Author[0].Display), j.Author[0].Reference
	}
	n.Text = "(no content)"
	for i, c := range j.Content {
		ct := strings.TrimSpace(c.Attachment.ContentType)
		if text, ok := attachmentText(ct, c.Attachment.Data); ok {
			n.Text = text
			break
		}
		if i == 0 {
			if ct == "" {
				ct = "unknown type"
			}
			n.Text = "(attachment not shown: " + ct + ")"
		}
	}
	n.Source = e.source()
	return n
}

// attachmentText decodes inline text/* data to a string.
func attachmentText(contentType, data string) (string, bool) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "text/") || data == "" {
		return "", false
	}
	data = strings.Join(strings.Fields(data), "")
	var b []byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(data); err == nil {
			break
		}
	}
	if err != nil {
		return "", false
	}
	cs := strings.ToLower(params["charset"])
	var s string
	if cs == "iso-8859-1" || cs == "latin1" || cs == "windows-1252" || !utf8.Valid(b) {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	} else {
		s = string(b)
	}
	s = strings.TrimPrefix(s, "\ufeff")
	if mt == "text/html" {
		s = stripTags(s)
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")), true
}

// stripTags turns simple HTML into text: tags go, line breaks at block
// ends, entities decoded.
func stripTags(s string) string {
	var sb strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			sb.WriteString(s)
			break
		}
		sb.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := strings.ToLower(s[i+1 : i+j])
		if strings.HasPrefix(tag, "br") || strings.HasPrefix(tag, "/p") || strings.HasPrefix(tag, "/div") || strings.HasPrefix(tag, "/li") {
			sb.WriteString("\n")
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(sb.String())
}

// maxDoseOf reads a dosage's maxDosePerPeriod (a Ratio: "1200 mg" per
// "24 h", or "3" doses per "1 d"); nil when absent, unreadable or out of
// bounds (see clinical.MaxDoseOf), and the order's text is read instead.
func maxDoseOf(d r4.Dosage) *clinical.MaxDose {
	r := d.MaxDosePerPeriod
	if r == nil || r.Numerator == nil || r.Numerator.Value == nil {
		return nil
	}
	num, den := r.Numerator, cmp.Or(r.Denominator, &r4.Quantity{})
	per := 1.0
	if den.Value != nil {
		per = *den.Value
	}
	hours := per * clinical.PeriodHours(cmp.Or(strings.TrimSpace(den.Code), den.Unit))
	return clinical.MaxDoseOf(*num.Value, cmp.Or(strings.TrimSpace(num.Unit), num.Code), hours)
}

// dosageOf fills a medication's dose, route, frequency, PRN and timing
// from its first dosage, and its dosage text from all of them (each one's
// own text, else its parts in words), and returns the first, if any. Orders
// and reported medications read their dosages alike.
func dosageOf(m *clinical.Medication, ds []r4.Dosage) *r4.Dosage {
	var texts []string
	for i, d := range ds {
		prn := (d.AsNeededBoolean != nil && *d.AsNeededBoolean) || d.AsNeededCodeableConcept != nil
		reason := ""
		if d.AsNeededCodeableConcept != nil {
			reason = conceptText(*d.AsNeededCodeableConcept)
		}
		dose, route, freq := doseText(d), routeText(d.Route), frequencyText(d.Timing.Repeat, d.Timing.Code, prn)
		if i == 0 {
			m.Dose, m.Route, m.Frequency, m.PRN, m.PRNReason = dose, route, freq, prn, reason
			m.Timing = timingOf(d.Timing.Repeat)
			m.Rate = rateText(d)
		}
		if t := strings.TrimSpace(d.Text); t != "" {
			texts = append(texts, t)
			continue
		}
		if reason != "" {
			freq += " for " + reason
		}
		if t := joinNonEmpty(" ", dose, route, freq); t != "" {
			texts = append(texts, t)
		}
	}
	m.Dosage = strings.Join(texts, "; ")
	if len(ds) == 0 {
		return nil
	}
	return &ds[0]
}
