package fhir

import (
	"cmp"
	"slices"

	"lifeboat/clinical"
)

// record builds the sections of the rest of the record. The patient's
// own contacts and general practitioner come first, from the Patient;
// then the rows of each section, newest first (the care team's members
// before the stay's other participants). A section with data that
// could not be read says so, and loses its "none known" assertion.
func (im *Import) record(f *fetcher, b *bucket, pr *patientRow, c *clinical.Chart) {
	r := &c.RecordSections
	for _, k := range pr.contacts {
		k.Source = c.Patient.Source
		r.Contacts.Items = append(r.Contacts.Items, k)
	}
	r.Contacts.Items = append(r.Contacts.Items, records[clinical.Contact](f, b, secContacts, nil).Items...)

	for _, g := range pr.gp {
		m := clinical.CareMember{Kind: clinical.CareGP, Name: im.nameOf(g.Reference, g.Display), Role: "general practitioner", Source: c.Patient.Source}
		if m.Name != "" {
			r.CareTeam.Items = append(r.CareTeam.Items, m)
		}
	}
	r.CareTeam.Items = append(r.CareTeam.Items, records(f, b, secCareTeam, func(m *clinical.CareMember, row *recordRow) {
		if m.Name == "" {
			m.Name = cmp.Or(im.nameOf(row.ref, ""), "unnamed member")
		}
	}).Items...)
	// The stay's participants, but for those a care team already lists
	// in the same role.
	for _, e := range b.encounters {
		for _, p := range e.team {
			m := p.member
			if m.Name == "" {
				m.Name = im.nameOf(p.ref, "")
			}
			if m.Name == "" {
				m.Name = "unnamed participant"
			}
			if slices.ContainsFunc(r.CareTeam.Items, func(x clinical.CareMember) bool { return x.Name == m.Name && x.Role == m.Role }) {
				continue
			}
			m.Source = e.src
			f.fill(&m.Source, e.raw)
			r.CareTeam.Items = append(r.CareTeam.Items, m)
		}
	}

	r.AdvanceDirectives = records[clinical.Directive](f, b, secDirectives, nil)
	r.Orders = records[clinical.Order](f, b, secOrders, nil)
	r.Diet = records[clinical.Diet](f, b, secDiet, nil)
	// A Device also stated in use is shown once, as the statement says it
	// (with its site and since when).
	stated := map[string]bool{}
	for _, row := range b.records {
		if row.sec == secDevices && row.hidden == "" && row.src.Type == "DeviceUseStatement" {
			stated[im.idOf(row.ref, "Device")] = true
		}
	}
	r.Devices = records(f, b, secDevices, func(d *clinical.Device, row *recordRow) {
		if row.ref == "" {
			return
		}
		if dev := im.devices[im.idOf(row.ref, "Device")]; dev != nil {
			d.Name, d.Code = dev.name, cmp.Or(d.Code, dev.code)
		}
		if d.Name == "" {
			d.Name = "unnamed device"
		}
	}, func(row *recordRow) bool { return row.src.Type == "Device" && stated[row.src.ID] })
	r.Procedures = records[clinical.Procedure](f, b, secProcedures, nil)
	r.Immunizations = records[clinical.Immunization](f, b, secImmunizations, nil)
	r.BloodGroup = records[clinical.Observation](f, b, secBloodGroup, nil)
	r.Pregnancy = records[clinical.Observation](f, b, secPregnancy, nil)

	for _, s := range []struct {
		sec section
		a   **clinical.Source
		n   int
	}{
		{secDirectives, &r.AdvanceDirectives.Assertion, len(r.AdvanceDirectives.Items)},
		{secDevices, &r.Devices.Assertion, len(r.Devices.Items)},
		{secProcedures, &r.Procedures.Assertion, len(r.Procedures.Items)},
		{secImmunizations, &r.Immunizations.Assertion, len(r.Immunizations.Items)},
	} {
		if s.n == 0 {
			*s.a = b.assertionFor(f, s.sec)
		}
	}
}

// unreadableRecord marks the sections with data that could not be read: they
// say so, and lose their "none known" assertion.
func unreadableRecord(r *clinical.RecordSections, secs sections) {
	for _, s := range []struct {
		sec section
		u   *bool
		a   **clinical.Source
	}{
		{secContacts, &r.Contacts.Unreadable, &r.Contacts.Assertion},
		{secCareTeam, &r.CareTeam.Unreadable, &r.CareTeam.Assertion},
		{secDirectives, &r.AdvanceDirectives.Unreadable, &r.AdvanceDirectives.Assertion},
		{secOrders, &r.Orders.Unreadable, &r.Orders.Assertion},
		{secDiet, &r.Diet.Unreadable, &r.Diet.Assertion},
		{secDevices, &r.Devices.Unreadable, &r.Devices.Assertion},
		{secProcedures, &r.Procedures.Unreadable, &r.Procedures.Assertion},
		{secImmunizations, &r.Immunizations.Unreadable, &r.Immunizations.Assertion},
		{secBloodGroup, &r.BloodGroup.Unreadable, &r.BloodGroup.Assertion},
		{secPregnancy, &r.Pregnancy.Unreadable, &r.Pregnancy.Assertion},
	} {
		if secs.has(s.sec) {
			*s.u, *s.a = true, nil
		}
	}
}

// records is one section's shown rows, newest first, each with its
// source; fix completes a row (names from references), and skip leaves a
// row out of this section (shown elsewhere).
func records[T any](f *fetcher, b *bucket, sec section, fix func(*T, *recordRow), skip ...func(*recordRow) bool) clinical.Section[T] {
	var rows []*recordRow
	for i := range b.records {
		row := &b.records[i]
		if row.sec != sec || row.hidden != "" || slices.ContainsFunc(skip, func(s func(*recordRow) bool) bool { return s(row) }) {
			continue
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(x, y *recordRow) int {
		return cmp.Or(y.at.Compare(x.at), bySource(&x.src, &y.src))
	})
	s := clinical.Section[T]{}
	for _, row := range rows {
		v := *row.item.(*T)
		src := clinical.SourceOf(&v)
		*src = row.src
		f.fill(src, row.raw)
		if fix != nil {
			fix(&v, row)
		}
		s.Items = append(s.Items, v)
	}
	return s
}

// nameOf is a reference's display, else the name of the Practitioner it
// points at.
func (im *Import) nameOf(ref, display string) string {
	if display != "" {
		return display
	}
	return im.practitioner[im.idOf(ref, "Practitioner")]
}
