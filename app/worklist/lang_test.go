package worklist

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/ui"
)

// words are the words on screen under o: labels, texts, buttons, form
// labels, choices and placeholders.
func words(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		case *container.Split:
			walk(x.Leading)
			walk(x.Trailing)
		case *widget.Label:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *widget.Entry:
			out = append(out, x.PlaceHolder)
		case *textArea:
			out = append(out, x.PlaceHolder)
		case *widget.Select:
			out = append(out, x.Selected)
			out = append(out, x.Options...)
		case *widget.Form:
			for _, it := range x.Items {
				out = append(out, it.Text)
				walk(it.Widget)
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

func wantWords(t *testing.T, o fyne.CanvasObject, want ...string) {
	t.Helper()
	s := words(o)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%q is not on screen:\n%s", w, s)
		}
	}
	for _, w := range []string{"Push anyway", "Skip", "Why it waits", "To do", "Unlock", "EHR now"} {
		if strings.Contains(s, w) {
			t.Errorf("%q is still on screen in Dutch", w)
		}
	}
}

// TestTheWorklistOpensInTheKiosksLanguage remembers Dutch as the kiosk's
// unlock screen does, opens the worklist and reads the unlock screen, the
// list, a conflict, a registration to link and the edit form in Dutch,
// the plan's reasons included. Nothing looked up lacks a translation.
func TestTheWorklistOpensInTheKiosksLanguage(t *testing.T) {
	f := newFixture(t)
	t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })
	a := test.NewTempApp(t)
	a.Preferences().SetString(ui.LangKey, "nl")
	i18n.ResetMissing()
	w := Show(a, f.dir, Options{})
	lockAtEnd(t, w)

	if i18n.Current() != i18n.Dutch || w.Window().Title() != "Lifeboat – reconciliatiewerklijst" {
		t.Fatalf("the worklist opens in %s, titled %q", i18n.Current(), w.Window().Title())
	}
	wantWords(t, w.Content(), "Reconciliatiewerklijst", "Bestand met de herstelsleutel", "Uw naam of personeelsnummer",
		"Geregistreerd als auteur van elke beslissing", "Ontgrendelen")
	unlockWith(w, f.keyFile, "", "HIM Janssens")
	if !w.Unlocked() {
		t.Fatalf("not unlocked: %q", w.unlock.Message.Text)
	}
	m := w.main
	wantWords(t, w.Content(), "Te doen (3)", "Conflicten (1)", "Te koppelen (1)", "Beslissingen op naam van HIM Janssens",
		"12 aangemaakt · 3 al aanwezig · 0 gekoppeld · 0 overgeslagen · 1 in conflict · 1 te koppelen · 1 geweigerd")
	if got := rowTitle(m.shown[1]); !strings.HasPrefix(got, "CONFLICT · medicatie · ") {
		t.Errorf("row %q", got)
	}
	if got := rowLine(m.shown[0]); got != "een patiënt geregistreerd tijdens downtime: koppel aan een EPD-dossier of maak een nieuw dossier aan" {
		t.Errorf("the registration's reason reads %q", got)
	}

	d := choose(t, w, f.med.ID)
	wantWords(t, d.content, "CONFLICT · medicatie · het voorschrift werd gestopt", "Downtime (deze kiosk)", "EPD nu",
		"door Dr Claes", "record MedicationRequest/m1", "Waarom het wacht: het voorschrift is nu gestopt in het EPD",
		"Toch doorsturen", "Overslaan", "Verbeteren en doorsturen…")

	d = choose(t, w, f.reg.ID)
	wantWords(t, d.content, "TE KOPPELEN · patiëntregistratie", "Koppelen aan deze patiënt", "Als nieuwe patiënt aanmaken",
		"1. Doe, Jane · geboren 02/04/1961 · vrouw · score 95")

	d = choose(t, w, f.allergy.ID)
	test.Tap(d.skip)
	if d.message.Text != "Zeg waarom het overgeslagen wordt: typ eerst de reden." {
		t.Errorf("skip without a reason: %q", d.message.Text)
	}
	test.Tap(d.edit)
	wantWords(t, d.content, "Verbeter deze registratie (allergie) en stuur de verbetering door", "Stof", "Reactie",
		"Ernst", "Licht", "niet vermeld", "Verbetering bewaren en doorsturen", "Annuleren")

	if missing := i18n.Missing(); len(missing) > 0 {
		t.Errorf("looked up without a translation:\n%s", strings.Join(missing, "\n"))
	}
}

// TestThePlansWordsAreReconcilesWords checks that the plan's words the
// worklist translates are still written, word for word, by sync/reconcile:
// a reason reworded there would otherwise be shown in English.
func TestThePlansWordsAreReconcilesWords(t *testing.T) {
	files, _ := filepath.Glob("../../sync/reconcile/*.go")
	var src strings.Builder
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	s := src.String()
	for _, w := range append(append([]string{}, planSentences...), matchWords...) {
		if !strings.Contains(s, strconv.Quote(w)) {
			t.Errorf("sync/reconcile no longer writes %q", w)
		}
	}
	for _, format := range []string{orderStatusFmt, refusedFmt, mergedFmt, sameFmt, twiceFmt, followedFmt} {
		before, _, _ := strings.Cut(format, "%s")
		if !strings.Contains(s, strconv.Quote(format)) && !strings.Contains(s, strconv.Quote(before)) {
			t.Errorf("sync/reconcile no longer writes %q", format)
		}
	}
}

// The hint under the unlock form is said in the language chosen, as the
// kiosk's is.
func TestTheUnlockHintIsTranslated(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	i18n.Set(i18n.Dutch)
	test.NewTempApp(t)
	w := NewContent(newFixture(t).dir, Options{Hint: "Demo ward of synthetic patients. The passphrase is “lifeboat-demo”; any name will do."})
	lockAtEnd(t, w)
	if got := words(w.Content()); !strings.Contains(got, "Demo-afdeling met fictieve patiënten.") {
		t.Errorf("the hint is not in Dutch: %q", got)
	}
}
