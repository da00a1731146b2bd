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
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
)

// wardScreen is the most common ward PC screen.
var wardScreen = fyne.NewSize(1366, 768)

// windowScreens are the ward screen and the window's own size on it
// (kiosk.go), its taskbar left.
var windowScreens = []fyne.Size{wardScreen, fyne.NewSize(1280, 720)}

// fitWard is a ward of long names (synthetic) and every kind of code
// status and allergy state the census shows; p1 has the rest of the
// record too, its long words among them.
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
	p1 := clinical.Chart{Patient: patient("p1", "Vandenbroucke-Dehaené, Marie-Françoise", "401-A"), Alerts: code("DNR code 2"), Allergies: allergy("a1")}
	r := &p1.RecordSections
	r.Contacts.Items = []clinical.Contact{
		{Kind: clinical.ContactParty, Name: "Jean-Baptiste Vandenbroucke-Dehaené", Relationship: "Emergency Contact, Son", Phone: "+32 475 12 34 56", Source: src("Patient", "p1")},
		{Kind: clinical.ContactLanguage, Language: "Tigrinya (ti)", Interpreter: true, Source: src("Patient", "p1")},
	}
	r.AdvanceDirectives.Items = []clinical.Directive{
		{Kind: clinical.DirectiveLimitation, Text: "Advance care directive – refused: Intubation and mechanical ventilation; Dialysis", Source: src("Consent", "c1")},
		{Kind: clinical.DirectiveLimitation, Text: "Do not perform: Admission to intensive care unit", Source: src("ServiceRequest", "dnp1")},
	}
	r.Orders.Items = []clinical.Order{{Kind: clinical.OrderNursing, Text: "Wound care, dressing change daily (hydrocolloid)", Status: "active",
		Priority: "routine", Due: asOf.Add(20 * time.Hour), Source: src("ServiceRequest", "s1")}}
	r.Diet.Items = []clinical.Diet{{Text: "Nil by mouth from midnight (theatre)", NilByMouth: true, Fluids: "Mildly thick fluids", Status: "active",
		Since: asOf.Add(-3 * time.Hour), Source: src("NutritionOrder", "n1")}}
	r.Devices.Items = []clinical.Device{{Name: "Indwelling urinary catheter", Site: "urethral", Inserted: asOf.Add(-30 * time.Hour),
		Source: src("DeviceUseStatement", "d1")}}
	r.Procedures.Items = []clinical.Procedure{{Name: "Hemiarthroplasty of hip", Performed: asOf.Add(-50 * time.Hour), Source: src("Procedure", "pr1")}}
	return sealedWard(t, asOf, 0,
		p1,
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
				if min := k.win.Content().MinSize(); min.Width > windowScreens[1].Width || min.Height > windowScreens[1].Height {
					t.Errorf("%s: the window needs %v, more than its own size %v", what, min, windowScreens[1])
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

// tabBar is the buttons of the chart's tabs shown, and whether the "…"
// that lists the others is.
func tabBar(k *Kiosk) (shown int, more bool) {
	bar := test.WidgetRenderer(k.chart.tabs.tabs).Objects()[0].(*fyne.Container)
	shown = len(bar.Objects[0].(*fyne.Container).Objects)
	for _, o := range bar.Objects[1:] {
		more = more || o.Visible()
	}
	return shown, more
}

// TestTheSevenTabsTitlesShowBesideTheCensus: beside the census, on the
// ward screen and at the window's own size, the titles of the chart's
// seven tabs show whole in every language; with large text those that do
// not fit are listed under the "…" of the tab bar, and Ctrl+7 still
// opens the last.
func TestTheSevenTabsTitlesShowBesideTheCensus(t *testing.T) {
	now := time.Now()
	dir := fitWard(t, now.Add(-time.Hour))
	for _, c := range windowCases {
		for _, screen := range windowScreens {
			t.Run(fmt.Sprintf("%s large=%v %v", c.lang, c.large, screen), func(t *testing.T) {
				k := kioskAt(t, dir, now, c.lang, c.large)
				k.win.Resize(screen)
				k.openPatient("p1")
				k.win.Resize(screen) // laid out again, the chart shown
				shown, more := tabBar(k)
				switch {
				case shown == len(present.ChartTabs) && !more:
				case c.large && shown < len(present.ChartTabs) && more:
					t.Logf("%d of the %d tabs' titles show, the others under the \"…\"", shown, len(present.ChartTabs))
				default:
					t.Errorf("%d of the %d tabs' titles show (the \"…\" shown: %v), the tabs %v px wide", shown,
						len(present.ChartTabs), more, k.chart.tabs.tabs.Size().Width)
				}
				k.tabKey(fyne.Key7, fyne.KeyModifierShortcutDefault)
				if k.chart.selectedTab() != present.TabOrders {
					t.Errorf("Ctrl+7 opens tab %d", k.chart.selectedTab())
				}
			})
		}
	}
}
