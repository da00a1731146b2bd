package present

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// The rest of the record, in the language in use: whom to call, the care
// team, advance directives and limitations, orders, diet, devices,
// procedures, immunizations, blood group and pregnancy. `lifeboat chart`
// prints them all (Record.All); the window shows who the patient is on
// its Summary tab (Record.Summary) and what is ordered and in or on the
// patient on a tab of their own (Record.OrdersAndDevices); the pack puts
// whom to call and what was decided on page 1 (Record.FirstPage).

// RecentProcedures is how far before the data time a procedure counts as
// recent (recent surgery).
const RecentProcedures = 30 * 24 * time.Hour

// Record is the rest of the record laid out, a section each. Each keeps
// "none known" apart from "none recorded", and says when some of it could
// not be read. The lines that must stand out at the bedside are Marked: a
// treatment limitation, an interpreter needed, nil by mouth, a recent
// procedure; they also come first in their section.
type Record struct {
	Contacts, CareTeam, Directives, Orders, Diet, Devices, Procedures, Immunizations, BloodGroup, Pregnancy Section
}

// RecordOf lays out chart c's rest of the record; asOf (the snapshot's
// data time) says which procedures are recent, none when it is zero.
func RecordOf(c *clinical.Chart, asOf time.Time) Record {
	r := &c.RecordSections
	return Record{
		Contacts: recordSection("Contacts and language", r.Contacts, "contacts", interpreterFirst, contactLine),
		CareTeam: recordSection("Care team", r.CareTeam, "care team members", nil, func(m clinical.CareMember) (string, bool) {
			role := m.Role
			if m.Kind == clinical.CareGP {
				role = i18n.T("general practitioner")
			}
			return JoinSome(" – ", readerWord(m.Name), role, m.Team), false
		}),
		Directives: recordSection("Advance directives and treatment limitations", r.AdvanceDirectives, "advance directives",
			limitationsFirst, func(d clinical.Directive) (string, bool) {
				return JoinSome("; ", DirectiveText(d), Since("dated", d.Date)), d.Kind == clinical.DirectiveLimitation
			}),
		Orders: recordSection("Orders (besides medications)", r.Orders, "orders", urgentFirst, func(o clinical.Order) (string, bool) {
			return OrderLine(o), false
		}),
		Diet: recordSection("Diet", r.Diet, "diet orders", nilByMouthFirst, func(d clinical.Diet) (string, bool) {
			return DietLine(d), d.NilByMouth
		}),
		Devices: recordSection("Lines, drains and devices", r.Devices, "devices", nil, func(d clinical.Device) (string, bool) {
			return JoinSome("; ", readerWord(d.Name), d.Site, Since("inserted", d.Inserted)), false
		}),
		Procedures: recordSection("Procedures", r.Procedures, "procedures", func(ps []clinical.Procedure) {
			recentFirst(ps, asOf)
		}, func(p clinical.Procedure) (string, bool) {
			s := JoinSome("; ", readerWord(p.Name), Since("on", p.Performed))
			if recent(p, asOf) {
				return i18n.T("RECENT: ") + s, true
			}
			return s, false
		}),
		Immunizations: recordSection("Immunizations", r.Immunizations, "immunizations", nil, func(i clinical.Immunization) (string, bool) {
			s := JoinSome("; ", readerWord(i.Vaccine), Since("on", i.Date))
			switch i.Status {
			case "", "completed":
			case "not-done":
				s += " (" + i18n.T("not given") + ")"
			default:
				s += " (" + i.Status + ")"
			}
			return s, false
		}),
		BloodGroup: recordSection("Blood group and antibodies", withLatest(r.BloodGroup), "blood group results", nil, observationRow),
		Pregnancy:  recordSection("Pregnancy", withLatest(r.Pregnancy), "pregnancy status", nil, observationRow),
	}
}

// RecordSections are the sections of the rest of the record in the order
// `lifeboat chart` prints them (Record.All).
func RecordSections(c *clinical.Chart, asOf time.Time) []Section { return RecordOf(c, asOf).All() }

// All are the sections in the record's order.
func (r Record) All() []Section {
	return []Section{r.Contacts, r.CareTeam, r.Directives, r.Orders, r.Diet, r.Devices, r.Procedures, r.Immunizations,
		r.BloodGroup, r.Pregnancy}
}

// Summary are the sections that say who the patient is, in the order a
// nurse needs them: what was decided (the limitations obeyed at the
// bedside), whom to call and in what language, who cares for the
// patient, the blood group, pregnancy, procedures (recent surgery first),
// then immunizations.
func (r Record) Summary() []Section {
	return []Section{r.Directives, r.Contacts, r.CareTeam, r.BloodGroup, r.Pregnancy, r.Procedures, r.Immunizations}
}

// OrdersAndDevices are what is ordered besides drugs and what is in or on
// the patient: the orders, the diet, the lines, drains and devices.
func (r Record) OrdersAndDevices() []Section { return []Section{r.Orders, r.Diet, r.Devices} }

// FirstPage are the sections a pack's page 1 carries beside the code
// status and allergies: what was decided, and whom to call.
func (r Record) FirstPage() []Section { return []Section{r.Directives, r.Contacts, r.CareTeam} }

// Rest are the sections the pack prints after the chart's: what is
// ordered and in or on the patient, then the rest of who the patient is.
func (r Record) Rest() []Section {
	return []Section{r.Orders, r.Diet, r.Devices, r.BloodGroup, r.Pregnancy, r.Procedures, r.Immunizations}
}

// RecordAlerts are the header's lines from the rest of the record, seen
// from every tab as the code status is: the treatment limitations beyond
// it ("no ICU", "no intubation"), and an interpreter needed.
func RecordAlerts(c *clinical.Chart) []string {
	var limits, langs []string
	for _, d := range c.AdvanceDirectives.Items {
		if d.Kind == clinical.DirectiveLimitation {
			limits = append(limits, DirectiveText(d))
		}
	}
	for _, k := range c.Contacts.Items {
		if k.Kind == clinical.ContactLanguage && k.Interpreter {
			langs = append(langs, readerWord(k.Language))
		}
	}
	var out []string
	if len(limits) > 0 {
		out = append(out, i18n.F("TREATMENT LIMITATIONS: %s", strings.Join(limits, " · ")))
	}
	if len(langs) > 0 {
		out = append(out, i18n.F("INTERPRETER NEEDED: %s", strings.Join(langs, ", ")))
	}
	return out
}

func withLatest(s clinical.Section[clinical.Observation]) clinical.Section[clinical.Observation] {
	s.Items = clinical.Latest(s.Items)
	return s
}

// recordSection lays out a section: its rows ordered by order (when not
// nil; the chart is left as it is), each a line and whether it is marked.
func recordSection[T any](title string, s clinical.Section[T], noun string, order func([]T), line func(T) (string, bool)) Section {
	out := Section{Title: i18n.T(title)}
	items := s.Items
	if order != nil {
		items = slices.Clone(items)
		order(items)
	}
	marked := false
	for _, it := range items {
		l, m := line(it)
		out.Lines = append(out.Lines, l)
		out.Marked = append(out.Marked, m)
		marked = marked || m
	}
	if !marked {
		out.Marked = nil
	}
	if len(out.Lines) == 0 {
		out.Empty = EmptyOf(s, noun)
	}
	if s.Unreadable {
		out.Warning = i18n.T(UnreadableSection)
	}
	return out
}

// firstWhen moves the rows for which first holds before the others,
// keeping the order within each.
func firstWhen[T any](rows []T, first func(T) bool) {
	slices.SortStableFunc(rows, func(a, b T) int {
		switch fa, fb := first(a), first(b); {
		case fa && !fb:
			return -1
		case fb && !fa:
			return 1
		}
		return 0
	})
}

func interpreterFirst(ks []clinical.Contact) {
	firstWhen(ks, func(k clinical.Contact) bool { return k.Kind == clinical.ContactLanguage && k.Interpreter })
}

func limitationsFirst(ds []clinical.Directive) {
	firstWhen(ds, func(d clinical.Directive) bool { return d.Kind == clinical.DirectiveLimitation })
}

func nilByMouthFirst(ds []clinical.Diet) {
	firstWhen(ds, func(d clinical.Diet) bool { return d.NilByMouth })
}

// urgentFirst orders the orders active before on hold, then stat, asap,
// urgent, routine and those without a priority.
func urgentFirst(os []clinical.Order) {
	rank := func(o clinical.Order) int {
		r := slices.Index([]string{"stat", "asap", "urgent", "routine"}, o.Priority)
		if r < 0 {
			r = 4
		}
		if o.Status != "active" {
			r += 10
		}
		return r
	}
	slices.SortStableFunc(os, func(a, b clinical.Order) int { return cmp.Compare(rank(a), rank(b)) })
}

// recent says whether a procedure was done in the RecentProcedures before
// asOf (a day after it allowed, for a date without a time).
func recent(p clinical.Procedure, asOf time.Time) bool {
	return !asOf.IsZero() && !p.Performed.IsZero() && asOf.Sub(p.Performed) <= RecentProcedures &&
		!p.Performed.After(asOf.Add(24*time.Hour))
}

// recentFirst orders the recent procedures first, then the others newest
// first, those without a date last.
func recentFirst(ps []clinical.Procedure, asOf time.Time) {
	slices.SortStableFunc(ps, func(a, b clinical.Procedure) int {
		if c := cmp.Compare(b2i(recent(b, asOf)), b2i(recent(a, asOf))); c != 0 {
			return c
		}
		if a.Performed.IsZero() != b.Performed.IsZero() {
			return cmp.Compare(b2i(a.Performed.IsZero()), b2i(b.Performed.IsZero()))
		}
		return b.Performed.Compare(a.Performed)
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contactLine(k clinical.Contact) (string, bool) {
	if k.Kind == clinical.ContactLanguage {
		s := i18n.F("Language: %s", readerWord(k.Language))
		if k.Preferred {
			s += i18n.T(" (preferred)")
		}
		if k.Interpreter {
			s += i18n.T(" – INTERPRETER NEEDED")
		}
		return s, k.Interpreter
	}
	return JoinSome(" – ", readerWord(k.Name), k.Relationship, k.Phone), false
}

// DirectiveText is a directive's words, those the FHIR reader puts in
// ("Do not perform: …", "refused: …") in the language in use.
func DirectiveText(d clinical.Directive) string {
	if rest, ok := strings.CutPrefix(d.Text, "Do not perform: "); ok {
		return i18n.F("Do not perform: %s", rest)
	}
	if head, denied, ok := strings.Cut(d.Text, "refused: "); ok {
		refused := i18n.F("refused: %s", denied)
		if head == "" {
			return refused
		}
		if what, ok := strings.CutSuffix(head, " – "); ok {
			return readerWord(what) + " – " + refused
		}
	}
	return readerWord(d.Text)
}

// readerWords are the words the FHIR reader (sync/fhir) writes into a
// chart when the source names nothing: shown in the language in use.
// Anything else is the source's own words, shown as written.
var readerWords = []string{"language not recorded", "unnamed contact", "unnamed member", "unnamed participant",
	"unnamed device", "unnamed procedure", "unnamed vaccine", "nutrition order", "consent", "advance directive"}

func readerWord(s string) string {
	if slices.Contains(readerWords, s) {
		return i18n.T(s)
	}
	return s
}

// OrderLine is an order row: "nursing: Fluid balance chart; routine".
func OrderLine(o clinical.Order) string {
	what := i18n.F("%s: %s", orderKind(o.Kind), o.Text)
	if o.Text == o.Kind { // named by its kind alone (an untitled care plan)
		what = orderKind(o.Kind)
	}
	s := JoinSome("; ", what, orderPriority(o.Priority), o.Note, Since("due", o.Due))
	if o.Status != "active" {
		s += " (" + OrderStatus(o.Status) + ")"
	}
	return s
}

// orderKind is an order's kind in words (clinical.OrderLab…).
func orderKind(k string) string {
	if slices.Contains(clinical.OrderKinds, k) {
		return i18n.X("order kind", k)
	}
	return k
}

// orderPriority is a FHIR request priority in words; an unknown code is
// shown as it is.
func orderPriority(p string) string {
	switch p {
	case "routine", "urgent", "asap", "stat":
		return i18n.X("order priority", p)
	}
	return p
}

// DietLine is a diet row, nil by mouth first.
func DietLine(d clinical.Diet) string {
	s := readerWord(d.Text)
	if d.NilByMouth {
		s = i18n.T("NIL BY MOUTH – ") + s
	}
	if d.Fluids != "" {
		s += i18n.F("; fluids: %s", d.Fluids)
	}
	s = JoinSome("; ", s, Since("since", d.Since))
	if d.Status != "active" {
		s += " (" + OrderStatus(d.Status) + ")"
	}
	return s
}

// ObservationLine is a blood group, pregnancy or other observation row:
// "ABO and Rh group: O Rh(D) positive; on 02/03/2020".
func ObservationLine(o clinical.Observation) string {
	return JoinSome("; ", i18n.F("%s: %s", o.Name, o.Value), Since("on", o.Time))
}

func observationRow(o clinical.Observation) (string, bool) { return ObservationLine(o), false }

// DateWords are the words Since puts before a date.
var DateWords = []string{"on", "since", "dated", "due", "inserted"}

// Since is "inserted 28/11/2026 11:00" (a date alone for a FHIR date), or
// "" for no time; word (one of DateWords) is in the language in use.
func Since(word string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	word = i18n.X("before a date", word)
	if u := t.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 {
		return word + " " + u.Format("02/01/2006") // a FHIR date, without a time of day
	}
	return word + " " + DateTime(t)
}
