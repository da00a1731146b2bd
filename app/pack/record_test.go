package pack

import (
	"strings"
	"testing"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The titles of page 1's record sections, as a reader of each language
// looks for them.
var pageOneTitles = map[i18n.Lang][]string{
	i18n.English: {"Advance directives and treatment limitations", "Contacts and language", "Care team"},
	i18n.Dutch:   {"Wilsverklaringen en therapiebeperkingen", "Contactpersonen en taal", "Zorgteam"},
	i18n.French:  {"Directives anticipées et limitations thérapeutiques", "Personnes de contact et langue", "Équipe soignante"},
}

// missingFrom is what the text of a pack lacks of a section as it was
// printed: its title, then each of its lines or what its emptiness means.
func missingFrom(text string, s present.Section) (missing []string) {
	want := append([]string{s.Title}, s.Lines...)
	if len(s.Lines) == 0 {
		want = append(want, s.Empty)
	}
	for _, w := range want {
		if w = squeeze(paper.Printable(w)); !strings.Contains(text, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

// Page 1 of each patient carries what was decided and whom to call,
// between the banners and the medications; the rest of the record follows
// the chart's sections: in each language, every word of it translated.
func TestPageOneCarriesTheDirectivesAndContactsAndTheRestFollows(t *testing.T) {
	needPoppler(t)
	var ward []clinical.Chart
	for _, c := range syntheticWard(t) {
		// pat-000002 has two limitations and a directive, pat-000003 needs
		// an interpreter.
		if c.Patient.ID == "pat-000002" || c.Patient.ID == "pat-000003" {
			ward = append(ward, c)
		}
	}
	if len(ward) != 2 {
		t.Fatalf("the synthetic ward has %d of the 2 patients wanted", len(ward))
	}
	t.Cleanup(i18n.ResetMissing)
	inLanguages(t, func(t *testing.T) {
		i18n.ResetMissing()
		path, res := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: patients(ward)})
		ps := pages(t, path)
		for i, s := range res.Sections {
			c := &ward[i]
			r := present.RecordOf(c, asOf)
			page1 := squeeze(ps[s.First-1])
			for _, title := range pageOneTitles[i18n.Current()] {
				if !strings.Contains(page1, title) {
					t.Errorf("%s: page 1 lacks %q:\n%s", c.Patient.ID, title, ps[s.First-1])
				}
			}
			for _, sec := range r.FirstPage() {
				if m := missingFrom(page1, sec); len(m) > 0 {
					t.Errorf("%s: page 1 lacks %q", c.Patient.ID, m)
				}
			}
			if d, m := strings.Index(page1, r.Directives.Title), strings.Index(page1, i18n.T("Medications")); d < 0 || m >= 0 && m < d {
				t.Errorf("%s: the directives (at %d) do not come before the medications (at %d) on page 1", c.Patient.ID, d, m)
			}
			all := squeeze(strings.Join(ps[s.First-1:s.Last], "\n"))
			for _, sec := range r.Rest() {
				if m := missingFrom(all, sec); len(m) > 0 {
					t.Errorf("%s: the pack lacks %q", c.Patient.ID, m)
				}
			}
		}
		if m := i18n.Missing(); i18n.Current() != i18n.English && len(m) > 0 {
			t.Errorf("not in the catalogue: %q", m)
		}
	})
}
