package present

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// The rest of the record keeps "none known" apart from "none recorded",
// with the source's reason, and says when a section could not be read.
func TestRecordSectionsEmptyIsNotUnknown(t *testing.T) {
	c := &clinical.Chart{}
	c.Devices.Assertion = &clinical.Source{Type: "List", ID: "devices"}
	c.Diet.EmptyReason = "notasked"
	c.Contacts.Unreadable = true
	c.Settle()
	got := map[string]Section{}
	for _, s := range RecordSections(c, time.Time{}) {
		got[s.Title] = s
	}
	for title, want := range map[string]string{
		"Lines, drains and devices": "No known devices (stated in the record)",
		"Diet":                      "No diet orders recorded – this does not mean there are none (not asked)",
		"Contacts and language":     "No contacts recorded – this does not mean there are none",
		"Procedures":                "No procedures recorded – this does not mean there are none",
	} {
		if got[title].Empty != want {
			t.Errorf("%s: %q, want %q", title, got[title].Empty, want)
		}
	}
	if got["Contacts and language"].Warning != UnreadableSection || got["Diet"].Warning != "" {
		t.Errorf("unreadable contacts %q, diet %q", got["Contacts and language"].Warning, got["Diet"].Warning)
	}
}

// recordChart has a row of each kind the rest of the record shows, the
// reader's own words among them.
func recordChart(asOf time.Time) *clinical.Chart {
	src := func(typ, id string) clinical.Source { return clinical.Source{Type: typ, ID: id} }
	c := &clinical.Chart{}
	r := &c.RecordSections
	r.Contacts.Items = []clinical.Contact{
		{Kind: clinical.ContactParty, Name: "Anna Testperson", Relationship: "Daughter", Phone: "+32 3 555 01 01", Source: src("Patient", "p")},
		{Kind: clinical.ContactLanguage, Language: "Turkish (tr)", Preferred: true, Interpreter: true, Source: src("Patient", "p")},
	}
	r.CareTeam.Items = []clinical.CareMember{{Kind: clinical.CareGP, Name: "Jan Huisarts", Role: "general practitioner", Source: src("Patient", "p")}}
	r.AdvanceDirectives.Items = []clinical.Directive{
		{Kind: clinical.DirectiveDocument, Text: "advance directive", Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Source: src("DocumentReference", "d")},
		{Kind: clinical.DirectiveLimitation, Text: "Advance directive – refused: ICU admission", Source: src("Consent", "c")},
		{Kind: clinical.DirectiveLimitation, Text: "Do not perform: Intubation", Source: src("ServiceRequest", "dnp")},
	}
	r.Orders.Items = []clinical.Order{
		{Kind: clinical.OrderNursing, Text: "Fluid balance chart", Status: "active", Source: src("ServiceRequest", "s1")},
		{Kind: clinical.OrderLab, Text: "Blood cultures x2", Status: "active", Priority: "urgent", Due: asOf.Add(time.Hour), Source: src("ServiceRequest", "s2")},
		{Kind: clinical.OrderImaging, Text: "Chest X-ray", Status: "on-hold", Priority: "stat", Source: src("ServiceRequest", "s3")},
	}
	r.Diet.Items = []clinical.Diet{
		{Text: "Diabetic diet", Status: "on-hold", Source: src("NutritionOrder", "n1")},
		{Text: "Nil by mouth from midnight", NilByMouth: true, Fluids: "Honey thick", Status: "active", Since: asOf.Add(-2 * time.Hour), Source: src("NutritionOrder", "n2")},
	}
	r.Devices.Items = []clinical.Device{{Name: "Peripheral IV cannula 20G", Site: "left forearm", Inserted: asOf.Add(-26 * time.Hour), Source: src("DeviceUseStatement", "u")}}
	r.Procedures.Items = []clinical.Procedure{
		{Name: "Hip replacement", Performed: time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC), Source: src("Procedure", "p1")},
		{Name: "unnamed procedure", Source: src("Procedure", "p2")},
		{Name: "Appendectomy", Performed: asOf.Add(-5 * 24 * time.Hour), Source: src("Procedure", "p3")},
		{Name: "Cataract surgery", Performed: time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC), Source: src("Procedure", "p4")},
	}
	r.Immunizations.Items = []clinical.Immunization{{Vaccine: "Influenza, seasonal", Status: "not-done", Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Source: src("Immunization", "i")}}
	r.BloodGroup.Items = []clinical.Observation{{Code: "882-1", Name: "ABO and Rh group", Value: "A Rh positive", Time: asOf.Add(-3 * time.Hour), Source: src("Observation", "bg")}}
	c.Settle()
	return c
}

// The rest of the record reads in the language in use, the limitations,
// the interpreter, nil by mouth and recent surgery first and marked.
func TestTheRestOfTheRecordReadsInEachLanguage(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })
	asOf := time.Date(2026, 11, 30, 9, 0, 0, 0, time.Local)
	c := recordChart(asOf)
	for _, tc := range []struct {
		lang i18n.Lang
		want map[string][]string // a section's title: its lines, in order
	}{
		{i18n.English, map[string][]string{
			"Contacts and language": {"Language: Turkish (tr) (preferred) – INTERPRETER NEEDED", "Anna Testperson – Daughter – +32 3 555 01 01"},
			"Care team":             {"Jan Huisarts – general practitioner"},
			"Advance directives and treatment limitations": {"Advance directive – refused: ICU admission", "Do not perform: Intubation",
				"advance directive; dated 01/03/2024"},
			"Orders (besides medications)": {"laboratory: Blood cultures x2; urgent; due " + DateTime(asOf.Add(time.Hour)),
				"nursing: Fluid balance chart", "imaging: Chest X-ray; stat (on-hold)"},
			"Diet": {"NIL BY MOUTH – Nil by mouth from midnight; fluids: Honey thick; since " + DateTime(asOf.Add(-2*time.Hour)),
				"Diabetic diet (on-hold)"},
			"Lines, drains and devices": {"Peripheral IV cannula 20G; left forearm; inserted " + DateTime(asOf.Add(-26*time.Hour))},
			"Procedures": {"RECENT: Appendectomy; on " + DateTime(asOf.Add(-5*24*time.Hour)), "Cataract surgery; on 01/02/2020",
				"Hip replacement; on 01/06/2015", "unnamed procedure"},
			"Immunizations":              {"Influenza, seasonal; on 01/10/2026 (not given)"},
			"Blood group and antibodies": {"ABO and Rh group: A Rh positive; on " + DateTime(asOf.Add(-3*time.Hour))},
		}},
		{i18n.Dutch, map[string][]string{
			"Contactpersonen en taal": {"Taal: Turkish (tr) (voorkeur) – TOLK NODIG", "Anna Testperson – Daughter – +32 3 555 01 01"},
			"Zorgteam":                {"Jan Huisarts – huisarts"},
			"Wilsverklaringen en therapiebeperkingen": {"Advance directive – geweigerd: ICU admission", "Niet uitvoeren: Intubation",
				"wilsverklaring; gedateerd 01/03/2024"},
			"Orders (naast medicatie)": {"labo: Blood cultures x2; dringend; gepland op " + DateTime(asOf.Add(time.Hour)),
				"verpleegkundig: Fluid balance chart", "beeldvorming: Chest X-ray; onmiddellijk (opgeschort)"},
			"Dieet":       {"NUCHTER – Nil by mouth from midnight; dranken: Honey thick; sinds " + DateTime(asOf.Add(-2*time.Hour)), "Diabetic diet (opgeschort)"},
			"Ingrepen":    {"RECENT: Appendectomy; op " + DateTime(asOf.Add(-5*24*time.Hour)), "Cataract surgery; op 01/02/2020", "Hip replacement; op 01/06/2015", "ingreep zonder naam"},
			"Vaccinaties": {"Influenza, seasonal; op 01/10/2026 (niet toegediend)"},
		}},
		{i18n.French, map[string][]string{
			"Personnes de contact et langue":                      {"Langue : Turkish (tr) (préférée) – INTERPRÈTE NÉCESSAIRE", "Anna Testperson – Daughter – +32 3 555 01 01"},
			"Directives anticipées et limitations thérapeutiques": {"Advance directive – refusé : ICU admission", "Ne pas pratiquer : Intubation", "directive anticipée; daté du 01/03/2024"},
			"Cathéters, drains et dispositifs":                    {"Peripheral IV cannula 20G; left forearm; posé le " + DateTime(asOf.Add(-26*time.Hour))},
			"Grossesse":                                           nil,
			"Prescriptions (hors médicaments)": {"laboratoire : Blood cultures x2; urgent; prévu le " + DateTime(asOf.Add(time.Hour)),
				"soins infirmiers : Fluid balance chart", "imagerie : Chest X-ray; immédiat (suspendue)"},
		}},
	} {
		i18n.Set(tc.lang)
		i18n.ResetMissing()
		got := map[string]Section{}
		for _, s := range RecordSections(c, asOf) {
			got[s.Title] = s
		}
		for title, lines := range tc.want {
			s, ok := got[title]
			if !ok {
				t.Errorf("%s: no section %q", tc.lang, title)
				continue
			}
			if strings.Join(s.Lines, "\n") != strings.Join(lines, "\n") {
				t.Errorf("%s: %s:\n%s\nwant\n%s", tc.lang, title, strings.Join(s.Lines, "\n"), strings.Join(lines, "\n"))
			}
		}
		if m := i18n.Missing(); len(m) > 0 {
			t.Errorf("%s: not in the catalogue: %q", tc.lang, m)
		}
	}
	i18n.Set(i18n.English)
	r := RecordOf(c, asOf)
	for _, tc := range []struct {
		s    Section
		want []bool
	}{
		{r.Contacts, []bool{true, false}},
		{r.Directives, []bool{true, true, false}},
		{r.Diet, []bool{true, false}},
		{r.Procedures, []bool{true, false, false, false}},
		{r.Orders, nil},
	} {
		if !slices.Equal(tc.s.Marked, tc.want) {
			t.Errorf("%s: marked %v, want %v", tc.s.Title, tc.s.Marked, tc.want)
		}
	}
	if got := RecordAlerts(c); !slices.Equal(got, []string{
		"TREATMENT LIMITATIONS: Advance directive – refused: ICU admission · Do not perform: Intubation",
		"INTERPRETER NEEDED: Turkish (tr)"}) {
		t.Errorf("the header's lines: %q", got)
	}
	if got := RecordAlerts(&clinical.Chart{}); got != nil {
		t.Errorf("a chart without limitations or interpreter has header lines %q", got)
	}
	if c.Procedures.Items[0].Name != "Hip replacement" {
		t.Error("laying out the procedures reordered the chart's")
	}
}

// A care plan the source names by nothing reads as its kind alone, in
// the nurse's language, not "care plan" in English after it.
func TestAnUnnamedCarePlanIsSaidInTheLanguageInUse(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	o := clinical.Order{Kind: clinical.OrderPlan, Text: "care plan", Status: "active"}
	if got := OrderLine(o); got != "care plan" {
		t.Errorf("English: %q", got)
	}
	i18n.Set(i18n.Dutch)
	if got := OrderLine(o); strings.Contains(got, "care plan") || got == "" {
		t.Errorf("Dutch: %q", got)
	}
}
