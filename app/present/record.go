package present

import (
	"time"

	"lifeboat/clinical"
)

// The rest of the record as `lifeboat chart` prints it, in English (the
// window's Summary and orders tabs, in three languages, come later).

// RecentProcedures is how far before the data time a procedure counts as
// recent (recent surgery).
const RecentProcedures = 30 * 24 * time.Hour

// RecordSections lays out the rest of the record: whom to call, the care
// team, advance directives and limitations, orders, diet, devices,
// procedures (those of the 30 days before asOf marked), immunizations,
// blood group and pregnancy. Each section keeps "none known" apart from
// "none recorded", and says when some of it could not be read.
func RecordSections(c *clinical.Chart, asOf time.Time) []Section {
	r := &c.RecordSections
	return []Section{
		recordSection("Contacts and language", r.Contacts, "contacts", contactLine),
		recordSection("Care team", r.CareTeam, "care team members", func(m clinical.CareMember) string {
			return JoinSome(" – ", m.Name, m.Role, m.Team)
		}),
		recordSection("Advance directives and treatment limitations", r.AdvanceDirectives, "advance directives", func(d clinical.Directive) string {
			return JoinSome("; ", d.Text, Since("dated", d.Date))
		}),
		recordSection("Orders (besides medications)", r.Orders, "orders", OrderLine),
		recordSection("Diet", r.Diet, "diet orders", DietLine),
		recordSection("Lines, drains and devices", r.Devices, "devices", func(d clinical.Device) string {
			return JoinSome("; ", d.Name, d.Site, Since("inserted", d.Inserted))
		}),
		recordSection("Procedures", r.Procedures, "procedures", func(p clinical.Procedure) string {
			s := JoinSome("; ", p.Name, Since("on", p.Performed))
			if !asOf.IsZero() && !p.Performed.IsZero() && asOf.Sub(p.Performed) <= RecentProcedures && !p.Performed.After(asOf.Add(24*time.Hour)) {
				s = "RECENT: " + s
			}
			return s
		}),
		recordSection("Immunizations", r.Immunizations, "immunizations", func(i clinical.Immunization) string {
			s := JoinSome("; ", i.Vaccine, Since("on", i.Date))
			if i.Status != "" && i.Status != "completed" {
				s += " (" + i.Status + ")"
			}
			return s
		}),
		recordSection("Blood group and antibodies", withLatest(r.BloodGroup), "blood group results", ObservationLine),
		recordSection("Pregnancy", withLatest(r.Pregnancy), "pregnancy status", ObservationLine),
	}
}

func withLatest(s clinical.Section[clinical.Observation]) clinical.Section[clinical.Observation] {
	s.Items = clinical.Latest(s.Items)
	return s
}

func recordSection[T any](title string, s clinical.Section[T], noun string, line func(T) string) Section {
	out := Section{Title: title}
	for _, it := range s.Items {
		out.Lines = append(out.Lines, line(it))
	}
	if len(out.Lines) == 0 {
		out.Empty = EmptyOf(s, noun)
	}
	if s.Unreadable {
		out.Warning = UnreadableSection
	}
	return out
}

func contactLine(k clinical.Contact) string {
	if k.Kind == clinical.ContactLanguage {
		s := "Language: " + k.Language
		if k.Preferred {
			s += " (preferred)"
		}
		if k.Interpreter {
			s += " – INTERPRETER NEEDED"
		}
		return s
	}
	return JoinSome(" – ", k.Name, k.Relationship, k.Phone)
}

// OrderLine is an order row: "nursing: Fluid balance chart; routine".
func OrderLine(o clinical.Order) string {
	s := JoinSome("; ", o.Kind+": "+o.Text, o.Priority, o.Note, Since("due", o.Due))
	if o.Status != "active" {
		s += " (" + o.Status + ")"
	}
	return s
}

// DietLine is a diet row, nil by mouth first.
func DietLine(d clinical.Diet) string {
	s := d.Text
	if d.NilByMouth {
		s = "NIL BY MOUTH – " + s
	}
	if d.Fluids != "" {
		s += "; fluids: " + d.Fluids
	}
	s = JoinSome("; ", s, Since("since", d.Since))
	if d.Status != "active" {
		s += " (" + d.Status + ")"
	}
	return s
}

// ObservationLine is a blood group, pregnancy or other observation row:
// "ABO and Rh group: O Rh(D) positive; on 02/03/2020".
func ObservationLine(o clinical.Observation) string {
	return JoinSome("; ", o.Name+": "+o.Value, Since("on", o.Time))
}

// Since is "inserted 28/11/2026 11:00" (a date alone for a FHIR date), or
// "" for no time.
func Since(word string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if u := t.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 {
		return word + " " + u.Format("02/01/2006") // a FHIR date, without a time of day
	}
	return word + " " + DateTime(t)
}
