package kiosk

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
)

// TestReviewWarningsAndNumbersInTheNursesLanguage: a form's warnings from
// the review are in the window's language, with its decimal separator, and
// a decimal comma or point is read in every language.
func TestReviewWarningsAndNumbersInTheNursesLanguage(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })
	for _, c := range []struct {
		lang  i18n.Lang
		typed string
		want  string
	}{
		{i18n.English, "39,6", "⚠ The temperature of 39.6 °C is unusually high (above 39)."},
		{i18n.Dutch, "39.6", "⚠ Temperatuur van 39,6 °C is ongewoon hoog (boven 39)."},
		{i18n.French, "39,6", "⚠ Température de 39,6 °C : valeur inhabituellement élevée (au-dessus de 39)."},
	} {
		i18n.Set(i18n.English)
		k, _, _ := chartOfP1(t) // the chart opens in English (the preference); the form in the language set
		i18n.Set(c.lang)
		i18n.ResetMissing()
		f := openForm(t, k, present.RecordVitalsButton)
		temp := field[*formEntry](t, f, i18n.T(present.TemperatureLabel))
		test.Type(temp, c.typed)
		enter(k, temp)
		if w := warningTexts(f); !strings.Contains(w, c.want) {
			t.Errorf("%s: warnings = %q, want %q", c.lang, w, c.want)
		}
		tapSave(k, f.anyway)
		if all := recorded(t, k); len(all) != 1 || *all[0].Vitals.Temperature != 39.6 {
			t.Fatalf("%s: %d entries, or not 39.6", c.lang, len(all))
		}
		if m := i18n.Missing(); len(m) > 0 {
			t.Errorf("%s: not translated: %q", c.lang, m)
		}
	}
}

// TestAThousandsSeparatorIsNeverGuessed: "1,000 mg" and "1.000 mg" could
// be a gram or a milligram; the dose form asks again and records nothing.
func TestAThousandsSeparatorIsNeverGuessed(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	for _, l := range i18n.Langs {
		i18n.Set(i18n.English)
		k, _, _ := chartOfP1(t)
		i18n.Set(l)
		f := openForm(t, k, present.RecordDoseButton)
		field[*formSelect](t, f, i18n.T(present.OrderLabel)).TypedRune('p') // Paracetamol
		field[*formSelect](t, f, i18n.T(present.OutcomeLabel)).TypedRune([]rune(strings.ToLower(i18n.T("Given")))[0])
		dose := field[*formEntry](t, f, i18n.T(present.DoseLabel))
		for _, typed := range []string{"1,000 mg", "1.000 mg"} {
			dose.SetText(typed)
			enter(k, dose)
			if want := i18n.F(present.ThousandsNumber, typed[:5]); f.message.Text != want || len(recorded(t, k)) != 0 {
				t.Fatalf("%s: %q: message %q, want %q", l, typed, f.message.Text, want)
			}
		}
		dose.SetText("1 000 mg")
		enter(k, dose)
		if f.message.Text != i18n.T(present.DoseFormat) || len(recorded(t, k)) != 0 {
			t.Fatalf("%s: 1 000 mg: message %q", l, f.message.Text)
		}
		dose.SetText("0,5 g")
		enter(k, dose)
		if all := recorded(t, k); len(all) != 1 || all[0].Medication.Dose.Value != 0.5 || all[0].Medication.Dose.Unit != "g" {
			t.Fatalf("%s: 0,5 g: %d entries (%q)", l, len(all), f.message.Text)
		}
	}
}

// TestADoseWithAnExponentIsRefused: "1.5e3 mg" is not 1.5 of a unit
// "e3 mg"; a unit that merely begins with an e is still a unit.
func TestADoseWithAnExponentIsRefused(t *testing.T) {
	for _, s := range []string{"1.5e3 mg", "1,5E3mg", "2e-1 g", "5 e3 mg", "5E+2 mg"} {
		if q, err := parseDose(s); err == nil {
			t.Errorf("%q reads %+v", s, *q)
		}
	}
	for s, want := range map[string]float64{"2 each": 2, "0,5 g": 0.5, "500 mg": 500} {
		if q, err := parseDose(s); err != nil || q.Value != want {
			t.Errorf("%q: %v, %v", s, q, err)
		}
	}
}
