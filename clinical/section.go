package clinical

// row is a pointer to a chart row type, which carries its source.
type row[T any] interface {
	*T
	source() *Source
}

func (a *Allergy) source() *Source        { return &a.Source }
func (p *Problem) source() *Source        { return &p.Source }
func (m *Medication) source() *Source     { return &m.Source }
func (a *Administration) source() *Source { return &a.Source }
func (o *Observation) source() *Source    { return &o.Source }
func (a *Alert) source() *Source          { return &a.Source }
func (n *Note) source() *Source           { return &n.Source }

// EachSectionSource calls fn for every source resource a chart keeps, with the
// section it feeds ("patient" for the patient itself).
func EachSectionSource(c *Chart, fn func(section string, src *Source)) {
	fn("patient", &c.Patient.Source)
	walk[Allergy]("allergies", &c.Allergies, fn)
	walk[Medication]("medications", &c.Medications, fn)
	walk[Administration]("administrations", &c.Administrations, fn)
	walk[Problem]("problems", &c.Problems, fn)
	walk[Observation]("vitals", &c.Vitals, fn)
	walk[Observation]("labs", &c.Labs, fn)
	walk[Alert]("alerts", &c.Alerts, fn)
	walk[Note]("notes", &c.Notes, fn)
	c.RecordSections.walk(fn)
}

func walk[T any, P row[T]](name string, s *Section[T], fn func(string, *Source)) {
	if s.Assertion != nil {
		fn(name, s.Assertion)
	}
	for i := range s.Items {
		fn(name, P(&s.Items[i]).source())
	}
}

// SectionSizes counts the rows of each section, for the manifest.
func (c *Chart) SectionSizes() map[string]int {
	m := map[string]int{
		"allergies": len(c.Allergies.Items), "medications": len(c.Medications.Items),
		"administrations": len(c.Administrations.Items), "problems": len(c.Problems.Items),
		"vitals": len(c.Vitals.Items), "labs": len(c.Labs.Items), "alerts": len(c.Alerts.Items),
		"notes": len(c.Notes.Items),
	}
	c.RecordSections.sizes(m)
	return m
}

// EachSource calls fn with every source resource of a chart's rows.
func EachSource(c *Chart, fn func(*Source)) {
	EachSectionSource(c, func(_ string, s *Source) { fn(s) })
}
