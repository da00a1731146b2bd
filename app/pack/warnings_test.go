package pack

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The warnings of issue 18: a sheet taken out of a patient's folder still
// carries the code status and the allergies, the MAR says what the kiosk
// recorded of each dose, and a vitals chart can be scored on paper.

// inLanguages runs f once per language the paper is checked in.
func inLanguages(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer i18n.Set(i18n.English)
	for _, l := range i18n.Langs {
		t.Run(string(l), func(t *testing.T) {
			i18n.Set(l)
			f(t)
		})
	}
}

func TestEveryPageOfAPatientCarriesTheCodeStatusAndAllergyBanners(t *testing.T) {
	needPoppler(t)
	inLanguages(t, func(t *testing.T) {
		c := emile()
		// Enough problems that the summary goes on to a second page.
		for i := range 60 {
			c.Problems.Items = append(c.Problems.Items, clinical.Problem{Name: fmt.Sprintf("Problem %d", i+1), ClinicalStatus: "active", Source: src("Condition", fmt.Sprintf("c-%d", i+2))})
		}
		c.Settle()
		path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}, {Chart: noneRecorded()}}})
		ps := pages(t, path)
		if len(ps) < 5 {
			t.Fatalf("%d pages; want at least 5: a summary of 2, the MAR, the vitals chart, the next patient's", len(ps))
		}
		code, allergy := squeeze(present.CodeStatus(c)), squeeze(present.AllergyBanner(c))
		none := noneRecorded()
		noCode, noAllergy := squeeze(present.CodeStatus(none)), squeeze(present.AllergyBanner(none))
		for i, p := range ps {
			text := squeeze(p)
			wantCode, wantAllergy := code, allergy
			if strings.Contains(text, "Claes, Mieke") {
				wantCode, wantAllergy = noCode, noAllergy
			}
			if n := strings.Count(text, wantCode); n != 1 {
				t.Errorf("page %d has the code status banner %q %d times, want once:\n%s", i+1, wantCode, n, p)
			}
			if n := strings.Count(text, wantAllergy); n != 1 {
				t.Errorf("page %d has the allergy banner %q %d times, want once:\n%s", i+1, wantAllergy, n, p)
			}
		}
	})
}

func TestABelgianDNRCodeIsOnEveryPage(t *testing.T) {
	needPoppler(t)
	c := emile()
	c.Alerts.Items[0] = clinical.Alert{Kind: clinical.AlertCodeStatus, Text: "DNR 2", Status: "active", Source: src("Flag", "fl-1")}
	c.Settle()
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}}})
	want := squeeze(present.CodeStatus(c))
	for i, p := range pages(t, path) {
		if !strings.Contains(squeeze(p), want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}

// dose is a downtime entry of a dose of order id.
func dose(id, order, outcome, reason string, at time.Time) store.JournalEntry {
	a := &clinical.Administered{Outcome: outcome, Medication: order, OrderID: id, Reason: reason}
	return store.JournalEntry{Entry: clinical.Entry{ID: "e-" + id + outcome, Kind: clinical.KindMedication, Patient: "pt-emile",
		Author: "RN Claes", ClinicalTime: at, EnteredAt: at.Add(2 * time.Minute), Medication: a}}
}

// marRow is the lines of an order's row: the one naming it and the two
// after it, where the marks of its hours are.
func marRow(t *testing.T, page, order string) string {
	t.Helper()
	ls := strings.Split(page, "\n")
	for i, l := range ls {
		if strings.Contains(l, order) {
			return squeeze(strings.Join(ls[i:min(i+3, len(ls))], " "))
		}
	}
	t.Fatalf("no MAR row for %s in:\n%s", order, page)
	return ""
}

// marPage is the text of the pack's MAR page.
func marPage(t *testing.T, ps []string) string {
	t.Helper()
	title := squeeze(present.MARTitle(asOf, asOf.Add(present.PackMARWindow)))
	for _, p := range ps {
		if strings.Contains(squeeze(p), title) {
			return p
		}
	}
	t.Fatalf("no page titled %q", title)
	return ""
}

func TestTheMARMarksTheDosesRecordedAtTheKioskAndAHeldDoseIsNotGiven(t *testing.T) {
	needPoppler(t)
	inLanguages(t, func(t *testing.T) {
		given := dose("mr-biso", "Bisoprolol 2.5 mg tablet", clinical.OutcomeGiven, "", asOf.Add(110*time.Minute))                       // 08:05
		held := dose("mr-para", "Paracetamol 1 g tablet", clinical.OutcomeHeld, "nil by mouth", asOf.Add(355*time.Minute))               // 12:10
		refused := dose("mr-enox", "Enoxaparin 40 mg injection", clinical.OutcomeRefused, "patient declines", asOf.Add(707*time.Minute)) // 18:02
		path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed,
			Patients: []Patient{{Chart: emile(), Downtime: []store.JournalEntry{given, held, refused}}}})
		mar := marPage(t, pages(t, path))
		if line := marRow(t, mar, "Bisoprolol"); !strings.Contains(line, "G 08:05") {
			t.Errorf("the Bisoprolol row lacks G 08:05: %q", line)
		}
		if line := marRow(t, mar, "Paracetamol"); !strings.Contains(line, "H 12:10") {
			t.Errorf("the Paracetamol row lacks H 12:10: %q", line)
		}
		if line := marRow(t, mar, "Enoxaparin"); !strings.Contains(line, "R 18:02") {
			t.Errorf("the Enoxaparin row lacks R 18:02: %q", line)
		}
		text := squeeze(mar)
		lastGiven := strings.ToLower(strings.TrimSuffix(i18n.T("Last given %s"), " %s"))
		// The held dose is said, and the last dose given stays the snapshot's.
		for _, want := range []string{
			lastGiven + " " + present.DateTime(asOf.Add(-15*time.Minute)),
			i18n.T("held") + " " + present.DateTime(held.ClinicalTime) + ": nil by mouth",
			i18n.T("refused") + " " + present.DateTime(refused.ClinicalTime) + ": patient declines",
			lastGiven + " " + present.DateTime(given.ClinicalTime),
			squeeze(i18n.T(marKey)),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the MAR lacks %q:\n%s", want, mar)
			}
		}
		for _, e := range []store.JournalEntry{held, refused} {
			if bad := lastGiven + " " + present.DateTime(e.ClinicalTime); strings.Contains(text, bad) {
				t.Errorf("a dose %s counts as given: %q", e.Medication.Outcome, bad)
			}
		}
	})
}

func TestTheVitalsChartHasARowPerNEWS2ParameterWithItsBands(t *testing.T) {
	needPoppler(t)
	inLanguages(t, func(t *testing.T) {
		path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: emile()}}})
		ps := pages(t, path)
		title := squeeze(i18n.F("Vital signs and NEWS2 – %s to %s", present.DateTime(asOf), present.DateTime(asOf.Add(12*time.Hour))))
		var chart string
		for _, p := range ps {
			if strings.Contains(squeeze(p), title) {
				chart = squeeze(p)
			}
		}
		if chart == "" {
			t.Fatalf("no page titled %q", title)
		}
		// The bands of the Royal College of Physicians' chart, as printed
		// (the font has no ≤ or ≥: paper.Printable spells them out).
		for _, want := range []string{
			i18n.T("Respiratory rate (/min)"), "≤8: 3 · 9–11: 1 · 12–20: 0 · 21–24: 2 · ≥25: 3",
			i18n.T("SpO2 scale 1 (%)"), "≤91: 3 · 92–93: 2 · 94–95: 1 · ≥96: 0",
			i18n.T("SpO2 scale 2 (%), only if prescribed"), i18n.T("on oxygen") + " ≤83: 3 · 84–85: 2 · 86–87: 1 · 88–92: 0 · 93–94: 1 · 95–96: 2 · ≥97: 3",
			i18n.T("Air or oxygen"), i18n.T("air") + ": 0 · " + i18n.T("oxygen") + ": 2",
			i18n.T("Systolic (mmHg)"), "≤90: 3 · 91–100: 2 · 101–110: 1 · 111–219: 0 · ≥220: 3",
			i18n.T("Heart rate (/min)"), "≤40: 3 · 41–50: 1 · 51–90: 0 · 91–110: 1 · 111–130: 2 · ≥131: 3",
			i18n.T("Consciousness (ACVPU)"), "A: 0 · C, V, P, U: 3",
			i18n.T("Temperature (°C)"), "≤" + i18n.Fixed(35, 1) + ": 3 · " + i18n.Fixed(35.1, 1) + "–" + i18n.Fixed(36, 1) + ": 1 · " +
				i18n.Fixed(36.1, 1) + "–" + i18n.Fixed(38, 1) + ": 0 · " + i18n.Fixed(38.1, 1) + "–" + i18n.Fixed(39, 1) + ": 1 · ≥" + i18n.Fixed(39.1, 1) + ": 2",
			i18n.T("NEWS2 total"), "0–4: " + present.RiskWords(clinical.RiskLow), "≥7: " + present.RiskWords(clinical.RiskHigh),
		} {
			if want = squeeze(paper.Printable(want)); !strings.Contains(chart, want) {
				t.Errorf("the vitals chart lacks %q:\n%s", want, chart)
			}
		}
		// Belgian usage in Dutch and French: the decimal comma.
		if sep := map[i18n.Lang]string{i18n.English: "38.1", i18n.Dutch: "38,1", i18n.French: "38,1"}[i18n.Current()]; !strings.Contains(chart, sep) {
			t.Errorf("%s: the vitals chart lacks %q", i18n.Current(), sep)
		}
		// The hours of the MAR, 06 to 18.
		if !strings.Contains(chart, "06 07 08 09 10 11 12 13 14 15 16 17 18") {
			t.Errorf("the chart's hours are not 06 to 18:\n%s", chart)
		}
	})
}
