package kiosk

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/ui"
	"lifeboat/clinical"
)

// wardScreen is the most common ward PC screen.
var wardScreen = fyne.NewSize(1366, 768)

// fitWard is a ward of long names (synthetic) and every kind of code
// status and allergy state the census shows.
func fitWard(t *testing.T, asOf time.Time) string {
	t.Helper()
	nka := func(id string) *clinical.Source { s := src("List", id); return &s }
	patient := func(id, name, bed string) clinical.Patient {
		return clinical.Patient{ID: id, Name: name, BirthDate: "1941-03-09", Sex: "female", Bed: bed, Source: src("Patient", id)}
	}
	code := func(text string) clinical.Section[clinical.Alert] {
		return clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Text: text, Status: "active",
			Source: src("Flag", "f-"+text)}}}
	}
	allergy := func(id string) clinical.Section[clinical.Allergy] {
		return clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
			ClinicalStatus: "active", Source: src("AllergyIntolerance", id)}}}
	}
	return sealedWard(t, asOf, 0,
		clinical.Chart{Patient: patient("p1", "Vandenbroucke-Dehaené, Marie-Françoise", "401-A"), Alerts: code("DNR code 2"), Allergies: allergy("a1")},
		clinical.Chart{Patient: patient("p2", "Van der Heyden-Verstraeten, Godelieve", "401-B"), Alerts: code("Full code"),
			Allergies: clinical.Section[clinical.Allergy]{Assertion: nka("nka2")}},
		clinical.Chart{Patient: patient("p3", "Wouters, Godelieve Anne-Sophie", "402-A"), Alerts: code("DNR 0")},
		clinical.Chart{Patient: patient("p4", "Claeys-Bouuaert, Jean-Baptiste", "402-B"), Alerts: code("Not for resuscitation"), Allergies: allergy("a4")},
		clinical.Chart{Patient: patient("p5", "Lambrechts, Ann", "403-A")},
		clinical.Chart{Patient: patient("p6", "Deprez, Anne-Catherine", "403-B"), Alerts: code("DNR code 3"),
			Allergies: clinical.Section[clinical.Allergy]{Assertion: nka("nka6")}},
	)
}

// windowCases are the window's languages, and large text in English and
// French (the longest words).
var windowCases = []struct {
	lang  i18n.Lang
	large bool
}{{i18n.English, false}, {i18n.Dutch, false}, {i18n.French, false}, {i18n.English, true}, {i18n.French, true}}

// kioskAt is a kiosk in language lang, with large text or not, its window
// at the ward screen's size, unlocked.
func kioskAt(t *testing.T, dir string, now time.Time, lang i18n.Lang, large bool) *Kiosk {
	t.Helper()
	t.Cleanup(func() { i18n.Set(i18n.English) })
	a := test.NewTempApp(t)
	a.Preferences().SetBool(ui.LargeTextKey, large)
	ui.ApplyTheme(a)
	k := New(a, Options{Dir: dir, Now: func() time.Time { return now }, Lang: lang})
	t.Cleanup(k.Lock)
	k.win.Resize(wardScreen)
	unlockWith(k, passphrase, "RN Peeters")
	if !k.Unlocked() {
		t.Fatal("not unlocked")
	}
	return k
}

// renderedCensusRows are the census rows the window draws, as laid out.
func renderedCensusRows(k *Kiosk) []*fyne.Container {
	var out []*fyne.Container
	walk(k.win.Canvas().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok && o.Visible() {
			if _, ok := c.Layout.(*censusRowLayout); ok && c.Size().Width > 0 {
				out = append(out, c)
			}
		}
	})
	return out
}

// TestTheCensusAtAWardScreenShowsSafetyTextWhole: at 1366×768, in every
// language and with large text, the window fits (the census, and a chart
// beside it on each of its tabs), and every census row the
// window draws shows its code status and allergy state whole and the
// patient's whole name, read back from the widgets: with the census alone
// and beside an open chart.
func TestTheCensusAtAWardScreenShowsSafetyTextWhole(t *testing.T) {
	now := time.Now()
	dir := fitWard(t, now.Add(-time.Hour))
	for _, c := range windowCases {
		t.Run(fmt.Sprintf("%s large=%v", c.lang, c.large), func(t *testing.T) {
			k := kioskAt(t, dir, now, c.lang, c.large)
			fits := func(what string) {
				t.Helper()
				if min := k.win.Content().MinSize(); min.Width > wardScreen.Width || min.Height > wardScreen.Height {
					t.Errorf("%s: the window needs %v, more than the screen's %v", what, min, wardScreen)
				}
			}
			fits("the census")
			names := map[string]clinical.CensusRow{}
			for _, r := range k.census.shown {
				names[r.Name] = r
			}
			for _, when := range []string{"census alone", "beside a chart"} {
				if when == "beside a chart" {
					k.openPatient("p1")
					for i := range k.chart.tabs.tabs.Items {
						k.chart.tabs.tabs.SelectIndex(i)
						fits(fmt.Sprintf("the chart's tab %q", k.chart.tabs.tabs.Items[i].Text))
					}
					k.chart.tabs.tabs.SelectIndex(0)
					if h := k.chart.body.Size().Height; h < chartTabsHeight {
						t.Errorf("the chart's tabs have %v px of height under its header, less than %v", h, chartTabsHeight)
					}
				}
				rows := renderedCensusRows(k)
				if len(rows) < len(names) {
					t.Fatalf("%s: %d census rows drawn, want %d", when, len(rows), len(names))
				}
				for _, row := range rows {
					name := row.Objects[1].(*widget.Label)
					var r clinical.CensusRow
					var found bool
					for n, x := range names {
						if strings.HasPrefix(name.Text, n) {
							r, found = x, true
						}
					}
					if !found {
						t.Errorf("%s at %v px: the name cell %q does not start with a whole name", when, row.Size().Width, name.Text)
						continue
					}
					words, _, _ := censusCodeStatus(r)
					code := row.Objects[censusCodeCell].(*fyne.Container)
					if l := code.Objects[1].(*widget.Label); !code.Visible() || l.Text != words || code.Size().Width < code.MinSize().Width {
						t.Errorf("%s: %s: code status %q (want %q), %v px of the %v it needs", when, r.Name, l.Text, words,
							code.Size().Width, code.MinSize().Width)
					}
					want, _ := censusAllergy(r, "")
					allergy := row.Objects[censusAllergyCell].(*widget.Label)
					if !allergy.Visible() || allergy.Text != want || allergy.Size().Width < allergy.MinSize().Width {
						t.Errorf("%s: %s: allergy state %q (want %q), %v px of the %v it needs", when, r.Name, allergy.Text, want,
							allergy.Size().Width, allergy.MinSize().Width)
					}
					if need := textWidth(r.Name, name.TextStyle); name.Size().Width < need {
						t.Errorf("%s: %s: the name cell has %v px, the name needs %v", when, r.Name, name.Size().Width, need)
					}
				}
			}
		})
	}
}

// showsText says whether a label under o has text in it, whatever the
// width it wraps at.
func showsText(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && o.Visible() && strings.Contains(l.Text, text) {
			found = true
		}
	})
	return found
}
