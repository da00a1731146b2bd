package kiosk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store/storetest"
)

// recordWard seals a synthetic ward of 12, the rest of the record as the
// FHIR reader makes it, with a few changes: pat-000005's diet is nil by
// mouth, and pat-000006's contacts and devices could not all be read.
func recordWard(t *testing.T, asOf time.Time) (string, []clinical.Chart) {
	t.Helper()
	charts := storetest.SyntheticCharts(t, 12, 1, asOf)
	for i := range charts {
		c := &charts[i]
		switch c.Patient.ID {
		case "pat-000005":
			c.Diet.Items[0].NilByMouth = true
		case "pat-000006":
			c.Contacts.Unreadable, c.Devices.Unreadable = true, true
		}
	}
	return sealedWard(t, asOf, 0, charts...), charts
}

// The words the tests look for in each language: a section's title on
// each tab, and the header's line for a treatment limitation.
var recordWords = map[i18n.Lang]struct{ directives, devices, limitations, unreadable string }{
	i18n.English: {"Advance directives and treatment limitations", "Lines, drains and devices", "TREATMENT LIMITATIONS: ",
		"Some records of this section could not be read and are not shown."},
	i18n.Dutch: {"Wilsverklaringen en therapiebeperkingen", "Lijnen, drains en materiaal", "THERAPIEBEPERKINGEN: ",
		"Sommige gegevens van dit onderdeel konden niet gelezen worden en worden niet getoond."},
	i18n.French: {"Directives anticipées et limitations thérapeutiques", "Cathéters, drains et dispositifs", "LIMITATIONS THÉRAPEUTIQUES : ",
		"Certaines données de cette section n'ont pas pu être lues et ne sont pas affichées."},
}

// Every patient's Summary shows who the patient is after the sections it
// had, and the Orders and devices tab what is ordered and in or on the
// patient: the source's words of each row, the titles in the language in
// use, nothing looked up without a translation; a treatment limitation
// is in the header, seen from every tab.
func TestTheRestOfTheRecordShowsOnTheSummaryAndItsTabInEveryLanguage(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	dir, charts := recordWard(t, now.Add(-time.Hour))
	t.Cleanup(i18n.ResetMissing)
	for _, lang := range i18n.Langs {
		i18n.ResetMissing()
		k := kioskAt(t, dir, now, lang, false)
		words := recordWords[lang]
		for _, c := range charts {
			k.openPatient(c.Patient.ID)
			if k.chart.tabs == nil {
				t.Fatalf("%s: %s: no chart", lang, c.Patient.ID)
			}
			summary, orders := tabText(k, present.TabSummary), tabText(k, present.TabOrders)
			if k.chart.tabs.items[present.TabOrders].Text != i18n.T("Orders and devices") {
				t.Errorf("%s: the 7th tab is %q", lang, k.chart.tabs.items[present.TabOrders].Text)
			}
			// After what the Summary showed: the notes are last of those.
			notes, directives := strings.Index(summary, "\n"+i18n.T("Notes")+"\n"), strings.Index(summary, words.directives)
			if notes < 0 || directives < notes {
				t.Errorf("%s: %s: the directives (at %d) do not follow the notes (at %d):\n%s", lang, c.Patient.ID, directives, notes, summary)
			}
			if !strings.Contains(orders, words.devices) || strings.Contains(summary, words.devices) {
				t.Errorf("%s: %s: the devices are not on their tab alone", lang, c.Patient.ID)
			}
			var contacts []clinical.Contact
			for _, k := range c.Contacts.Items {
				if k.Kind != clinical.ContactLanguage {
					contacts = append(contacts, k)
				}
			}
			summaryWords := slices.Concat(
				fieldOf(contacts, func(k clinical.Contact) string { return k.Name }),
				fieldOf(c.CareTeam.Items, func(m clinical.CareMember) string { return m.Name }),
				fieldOf(c.Procedures.Items, func(p clinical.Procedure) string { return p.Name }),
				fieldOf(c.Immunizations.Items, func(i clinical.Immunization) string { return i.Vaccine }),
				fieldOf(slices.Concat(c.BloodGroup.Items, c.Pregnancy.Items), func(o clinical.Observation) string { return o.Value }))
			tabWords := slices.Concat(
				fieldOf(c.Orders.Items, func(o clinical.Order) string { return o.Text }),
				fieldOf(c.Diet.Items, func(d clinical.Diet) string { return d.Text }),
				fieldOf(c.Devices.Items, func(d clinical.Device) string { return d.Name }),
				fieldOf(c.Devices.Items, func(d clinical.Device) string { return present.Since("inserted", d.Inserted) }))
			for _, in := range []struct {
				what, text string
				words      []string
			}{
				{"the Summary", summary, summaryWords}, {"the orders and devices tab", orders, tabWords},
			} {
				for _, w := range in.words {
					if !strings.Contains(in.text, w) {
						t.Errorf("%s: %s: %s lacks %q", lang, c.Patient.ID, in.what, w)
					}
				}
			}
			limited := slices.ContainsFunc(c.AdvanceDirectives.Items, func(d clinical.Directive) bool {
				return d.Kind == clinical.DirectiveLimitation
			})
			if showsText(k.chart.content, words.limitations) != limited {
				t.Errorf("%s: %s: a limitation (%v) in the header: %v", lang, c.Patient.ID, limited, !limited)
			}
		}
		if m := i18n.Missing(); lang != i18n.English && len(m) > 0 {
			t.Errorf("%s: not in the catalogue: %q", lang, m)
		}
	}
}

// What must stand out does: an interpreter needed and a limitation in
// the header and first in bold red in their sections, nil by mouth first
// on the orders tab; a section not wholly read says so where it is shown.
func TestWhatMustStandOutDoesAndAnUnreadableSectionSaysSo(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	dir, _ := recordWard(t, now.Add(-time.Hour))
	for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
		k := kioskAt(t, dir, now, lang, false)
		words := recordWords[lang]
		k.openPatient("pat-000003") // needs an interpreter
		interpreter := i18n.T(" – INTERPRETER NEEDED")
		if l := labelWith(t, k, present.TabSummary, interpreter); l.Importance != widget.DangerImportance || !l.TextStyle.Bold {
			t.Errorf("%s: the interpreter needed is not in bold red: %q", lang, l.Text)
		}
		if !showsText(k.chart.content, i18n.F("INTERPRETER NEEDED: %s", "English (en)")) {
			t.Errorf("%s: the interpreter needed is not in the header", lang)
		}
		k.openPatient("pat-000002") // two limitations, then a directive
		if l := labelWith(t, k, present.TabSummary, i18n.F("Do not perform: %s", "Intubation")); l.Importance != widget.DangerImportance {
			t.Errorf("%s: the limitation is not in red", lang)
		}
		summary := tabText(k, present.TabSummary)
		at := strings.Index(summary, words.directives)
		if next := strings.Split(summary[at:], "\n"); len(next) < 2 || !strings.Contains(next[1], i18n.F("Do not perform: %s", "Intubation")) {
			t.Errorf("%s: the limitations do not come first:\n%s", lang, summary[at:])
		}
		k.openPatient("pat-000005") // nil by mouth
		if l := labelWith(t, k, present.TabOrders, i18n.T("NIL BY MOUTH – ")); l.Importance != widget.DangerImportance || !l.TextStyle.Bold {
			t.Errorf("%s: nil by mouth is not in bold red", lang)
		}
		k.openPatient("pat-000006") // contacts and devices not wholly read
		summary, orders := tabText(k, present.TabSummary), tabText(k, present.TabOrders)
		contacts := i18n.T("Contacts and language")
		if !strings.Contains(summary, contacts+"\n"+words.unreadable) {
			t.Errorf("%s: the contacts do not say some could not be read:\n%s", lang, summary)
		}
		if !strings.Contains(orders, words.devices+"\n"+words.unreadable) {
			t.Errorf("%s: the devices do not say some could not be read:\n%s", lang, orders)
		}
		if strings.Count(orders, words.unreadable) != 1 {
			t.Errorf("%s: the orders tab says %d times that a section could not be read", lang, strings.Count(orders, words.unreadable))
		}
	}
}

// fieldOf is a field of each row.
func fieldOf[T any](rows []T, field func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = field(r)
	}
	return out
}
