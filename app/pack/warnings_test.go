package pack

import (
	"strings"
	"testing"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/store"
)

// The warnings of issue 18: a sheet taken out of a patient's folder still
// carries the code status and the allergies, the MAR says what the kiosk
// recorded of each dose, and a vitals chart can be scored on paper.

// inLanguages runs f once per language the paper is checked in.
func inLanguages(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer i18n.Set(i18n.English)
	for _, l := range []i18n.Lang{i18n.English, i18n.Dutch} {
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
		path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}, {Chart: noneRecorded()}}})
		ps := pages(t, path)
		if len(ps) < 4 {
			t.Fatalf("%d pages; want at least 2 a patient", len(ps))
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
	c.Alerts.Items[0] = store.Alert{Kind: store.AlertCodeStatus, Text: "DNR 2", Status: "active", Source: src("Flag", "fl-1")}
	c.Settle()
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}}})
	want := squeeze(present.CodeStatus(c))
	for i, p := range pages(t, path) {
		if !strings.Contains(squeeze(p), want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}
