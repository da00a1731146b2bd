package store

import "encoding/json"

// section lets the database store and load every chart section the same
// way, whatever its row type.
type section interface {
	status() SectionStatus
	assertion() *Source
	eachItem(fn func(i int, src Source, body []byte) error) error
	load(status SectionStatus, assertion *Source, read func(add func(body []byte, src Source) error) error) error
}

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

type sectionOf[T any, P row[T]] struct{ s *Section[T] }

func (x sectionOf[T, P]) status() SectionStatus { return x.s.Status }
func (x sectionOf[T, P]) assertion() *Source    { return x.s.Assertion }

func (x sectionOf[T, P]) eachItem(fn func(int, Source, []byte) error) error {
	for i := range x.s.Items {
		// The source is stored once, in the resource table.
		item := x.s.Items[i]
		src := *P(&item).source()
		*P(&item).source() = Source{}
		body, err := json.Marshal(&item)
		if err != nil {
			return err
		}
		if err := fn(i, src, body); err != nil {
			return err
		}
	}
	return nil
}

func (x sectionOf[T, P]) load(status SectionStatus, assertion *Source, read func(func([]byte, Source) error) error) error {
	x.s.Status, x.s.Assertion, x.s.Items = status, assertion, []T{}
	return read(func(body []byte, src Source) error {
		var item T
		if err := json.Unmarshal(body, &item); err != nil {
			return err
		}
		*P(&item).source() = src
		x.s.Items = append(x.s.Items, item)
		return nil
	})
}

// forEachSection calls fn for every section of c with its stored name.
func forEachSection(c *Chart, fn func(name string, s section) error) error {
	for _, s := range []struct {
		name string
		s    section
	}{
		{"allergies", sectionOf[Allergy, *Allergy]{&c.Allergies}},
		{"medications", sectionOf[Medication, *Medication]{&c.Medications}},
		{"administrations", sectionOf[Administration, *Administration]{&c.Administrations}},
		{"problems", sectionOf[Problem, *Problem]{&c.Problems}},
		{"vitals", sectionOf[Observation, *Observation]{&c.Vitals}},
		{"labs", sectionOf[Observation, *Observation]{&c.Labs}},
		{"alerts", sectionOf[Alert, *Alert]{&c.Alerts}},
		{"notes", sectionOf[Note, *Note]{&c.Notes}},
	} {
		if err := fn(s.name, s.s); err != nil {
			return err
		}
	}
	return nil
}
