package present

import (
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// TestWordsInCatalogue checks the words present keeps in English lists and
// looks up at run time (tabs, columns, choices, the nouns of the empty
// sections, order and problem statuses): each must be in the catalogue,
// or a Dutch or French window would show it in English.
func TestWordsInCatalogue(t *testing.T) {
	var words []string
	words = append(words, ChartTabs...)
	words = append(words, CensusSorts...)
	words = append(words, CensusFilters...)
	words = append(words, VitalColumns...)
	words = append(words, LabColumns...)
	words = append(words, NoTiming, OffTheGrid, OrderEnded, OrderStarts, AuditUnavailable)
	for _, s := range Shifts {
		words = append(words, s.Label)
	}
	for _, o := range Outcomes {
		words = append(words, o.Label)
	}
	for _, cs := range [][]Choice{AllergyTypes, Categories, Severities, Criticalities, Sexes} {
		words = append(words, Labels(cs)...)
	}
	for _, n := range vitalNames {
		words = append(words, n)
	}
	words = append(words, TrendHeartRate, TrendSystolic, TrendTemperature, TrendSpO2, "Weight", "Height")
	words = append(words, clinical.OutcomeHeld, clinical.OutcomeRefused)
	for _, s := range []string{"active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"} {
		words = append(words, "order status|"+s)
	}
	for _, s := range []string{"active", "recurrence", "relapse", "inactive", "remission", "resolved"} {
		words = append(words, "problem status|"+s)
	}
	for _, s := range []string{"unconfirmed", "provisional", "differential", "refuted"} {
		words = append(words, "problem verification|"+s)
	}
	for _, s := range []string{"mild", "moderate", "severe"} {
		words = append(words, "severity|"+s)
	}
	for _, s := range []string{"female", "male", "other"} {
		words = append(words, "sex|"+s)
	}
	for _, noun := range []string{"allergies", "medications", "administrations", "vital signs", "laboratory results",
		"problems", "notes"} {
		for _, st := range []clinical.SectionStatus{clinical.NoneKnown, clinical.NoneRecorded} {
			words = append(words, Empty(st, noun))
		}
	}
	// The rest of the record: titles, empty sections, the words of its
	// lines looked up at run time.
	for _, s := range RecordOf(&clinical.Chart{}, time.Time{}).All() {
		words = append(words, s.Title)
	}
	for _, noun := range []string{"contacts", "care team members", "advance directives", "orders", "diet orders", "devices",
		"procedures", "immunizations", "blood group results", "pregnancy status"} {
		for _, st := range []clinical.SectionStatus{clinical.NoneKnown, clinical.NoneRecorded} {
			words = append(words, Empty(st, noun))
		}
	}
	words = append(words, readerWords...)
	for _, w := range DateWords {
		words = append(words, "before a date|"+w)
	}
	for _, k := range clinical.OrderKinds {
		words = append(words, "order kind|"+k)
	}
	for _, p := range []string{"routine", "urgent", "asap", "stat"} {
		words = append(words, "order priority|"+p)
	}
	for _, field := range []string{"heart rate", "respiratory rate", "temperature", "SpO2", "pain score",
		"systolic pressure", "diastolic pressure", "dose"} {
		words = append(words, NotANumber(field))
	}
	for _, w := range words {
		if !i18n.Has(w) {
			t.Errorf("%q is not in the catalogue", w)
		}
	}
}

// TestDutchAndFrench reads a few of the sentences a nurse sees first in
// each language: the banner, the allergy banner, ages and dates.
func TestDutchAndFrench(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local)
	m := store.Manifest{AsOf: asOf, Generation: 12}
	now := asOf.Add(2*time.Hour + 17*time.Minute)
	none := &clinical.Chart{Allergies: clinical.Section[clinical.Allergy]{Status: clinical.NoneKnown}}
	for _, tc := range []struct {
		lang              i18n.Lang
		banner, allergies string
	}{
		{i18n.English, "DOWNTIME – data as of 26/11/2026 06:15, 2 h 17 min old (generation 12)",
			"ALLERGIES: NO KNOWN ALLERGIES (STATED IN THE RECORD)"},
		{i18n.Dutch, "DOWNTIME – gegevens van 26/11/2026 06:15, 2 u 17 min oud (generatie 12)",
			"ALLERGIEËN: GEEN GEKENDE ALLERGIEËN (VERMELD IN HET DOSSIER)"},
		{i18n.French, "MODE DÉGRADÉ – données du 26/11/2026 06:15, il y a 2 h 17 min (génération 12)",
			"ALLERGIES : AUCUNE ALLERGIE CONNUE (INDIQUÉ DANS LE DOSSIER)"},
	} {
		i18n.Set(tc.lang)
		if got := Freshness(m, now); got != tc.banner {
			t.Errorf("%s banner %q, want %q", tc.lang, got, tc.banner)
		}
		if got := AllergyBanner(none); got != tc.allergies {
			t.Errorf("%s allergies %q, want %q", tc.lang, got, tc.allergies)
		}
	}
}
