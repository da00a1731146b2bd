package kiosk

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/ui"
	"lifeboat/app/ui/uitest"
)

// texts are the words on screen under o: labels, texts, buttons, the
// selected choices, placeholders, check boxes and tab names.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Select:
			out = append(out, w.Selected)
			out = append(out, w.Options...)
		case *widget.Entry:
			out = append(out, w.PlaceHolder)
		case *searchEntry:
			out = append(out, w.PlaceHolder)

		case *container.AppTabs:
			for _, it := range w.Items {
				out = append(out, it.Text)
				walk(it.Content)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case *container.Split:
			walk(w.Leading)
			walk(w.Trailing)
		}
	}
	walk(o)
	return out
}

func screenText(k *Kiosk) string { return strings.Join(texts(k.root), "\n") }

func wantOnScreen(t *testing.T, k *Kiosk, words ...string) {
	t.Helper()
	s := screenText(k)
	for _, w := range words {
		if !strings.Contains(s, w) {
			t.Errorf("%q is not on screen in %s:\n%s", w, i18n.Current().Name(), s)
		}
	}
}

func notOnScreen(t *testing.T, k *Kiosk, words ...string) {
	t.Helper()
	s := screenText(k)
	for _, w := range words {
		if strings.Contains(s, w) {
			t.Errorf("%q is still on screen in %s", w, i18n.Current().Name())
		}
	}
}

// visitChart opens p1's chart and every one of its tabs, so that all of
// their words are laid out.
func visitChart(t *testing.T, k *Kiosk) {
	t.Helper()
	k.openPatient("p1")
	uitest.Drain()
	for i := range k.chart.tabs.items {
		k.chart.selectTab(i)
	}
	k.chart.selectTab(0)
}

// TestTheLanguageIsChosenOnTheUnlockScreenAndRemembered switches to Dutch
// on the unlock screen, unlocks and reads the banner, the census and the
// chart in Dutch; locks (still Dutch); starts again (Dutch remembered);
// then does the same in French. Nothing looked up on the way lacks a
// translation.
func TestTheLanguageIsChosenOnTheUnlockScreenAndRemembered(t *testing.T) {
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local)
	now := asOf.Add(2*time.Hour + 17*time.Minute)
	dir := ward(t, asOf, 0)
	a := test.NewTempApp(t)
	i18n.ResetMissing()
	t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })

	k := New(a, Options{Dir: dir, Now: func() time.Time { return now }})
	t.Cleanup(func() { k.Lock() })
	if i18n.Current() != i18n.English || k.unlock.Button.Text != "Unlock" {
		t.Fatalf("a kiosk with no preference opens in %s (%q)", i18n.Current(), k.unlock.Button.Text)
	}

	// Dutch, by the keyboard: the language buttons are in the Tab order.
	test.Type(k.unlock.user, "RN Peeters")
	focusOn(t, k, k.unlock.Langs[1])
	k.win.Canvas().Focused().(fyne.Tappable).Tapped(&fyne.PointEvent{})
	if k.unlock.Button.Text != "Ontgrendelen" || k.win.Title() != "Lifeboat – downtime-dossiers" {
		t.Errorf("after choosing Dutch the button reads %q and the title %q", k.unlock.Button.Text, k.win.Title())
	}
	if k.unlock.user.Text != "RN Peeters" {
		t.Errorf("the name typed before the switch is lost: %q", k.unlock.user.Text)
	}
	if got := a.Preferences().String(ui.LangKey); got != "nl" {
		t.Errorf("the preference holds %q", got)
	}
	wantOnScreen(t, k, "Wachtwoord van de afdeling", "Uw naam of personeelsnummer")
	test.Type(k.unlock.passphrase, passphrase)
	test.Tap(k.unlock.Button)
	uitest.Settle(k.work.Wait)
	if !k.Unlocked() {
		t.Fatalf("not unlocked: %q", k.unlock.Message.Text)
	}
	if got := k.banner.text.Text; got != "DOWNTIME – gegevens van 26/11/2026 06:15, 2 u 17 min oud (generatie 1)" {
		t.Errorf("Dutch banner %q", got)
	}
	visitChart(t, k)
	wantOnScreen(t, k, "4 van 4 patiënten", "Aangemeld: RN Peeters", "Vergrendelen (Ctrl+L)", "Afdrukken (Ctrl+P)",
		"Zoek naam, patiëntnummer of bed", "Sorteren", "Volgorde van de lijst", "Alle patiënten", "ALLERGIE",
		"Overzicht", "Toedienlijst", "Parameters", "Labo", "Problemen", "Notities", "Orders & materiaal",
		"Geboren 01/06/1950 (76 j) · vrouw · Patiëntnr. MRN001", "Parameters registreren")
	if k.chart.allergyText != "ALLERGIEËN: Penicillin (HOOG RISICO, anaphylaxis)" {
		t.Errorf("Dutch allergy banner %q", k.chart.allergyText)
	}
	if k.chart.codeText != "REANIMATIECODE: Not for resuscitation" {
		t.Errorf("Dutch code status %q", k.chart.codeText)
	}
	notOnScreen(t, k, "Summary", "Signed in", "patients", "Record vital signs")
	k.openPatient("p2")
	if !strings.Contains(k.chart.allergyText, "GEEN GEKENDE ALLERGIEËN") {
		t.Errorf("none known in Dutch: %q", k.chart.allergyText)
	}

	// Locking keeps the language; so does the next start.
	k.Lock()
	if k.unlock.Button.Text != "Ontgrendelen" {
		t.Errorf("after locking the button reads %q", k.unlock.Button.Text)
	}
	k2 := New(a, Options{Dir: dir, Now: func() time.Time { return now }})
	if k2.unlock.Button.Text != "Ontgrendelen" {
		t.Errorf("the next start reads %q", k2.unlock.Button.Text)
	}
	k2.Window().Close()

	// French.
	test.Tap(k.unlock.Langs[2])
	if got := a.Preferences().String(ui.LangKey); got != "fr" {
		t.Errorf("the preference holds %q", got)
	}
	wantOnScreen(t, k, "Déverrouiller", "Mot de passe de l'unité", "Votre nom ou matricule")
	unlockWith(k, passphrase, "Inf. Dubois")
	if got := k.banner.text.Text; got != "MODE DÉGRADÉ – données du 26/11/2026 06:15, il y a 2 h 17 min (génération 1)" {
		t.Errorf("French banner %q", got)
	}
	visitChart(t, k)
	wantOnScreen(t, k, "4 patients sur 4", "Connecté : Inf. Dubois", "Verrouiller (Ctrl+L)", "Imprimer (Ctrl+P)",
		"Résumé", "Plan d'administration", "Paramètres", "Problèmes", "Notes", "Prescriptions",
		"Né(e) le 01/06/1950 (76 ans) · femme · N° patient MRN001", "Noter les paramètres")
	if k.chart.allergyText != "ALLERGIES : Penicillin (RISQUE ÉLEVÉ, anaphylaxis)" {
		t.Errorf("French allergy banner %q", k.chart.allergyText)
	}
	notOnScreen(t, k, "Summary", "Signed in", "Ontgrendelen", "Overzicht")

	// The printed pack follows too.
	k.printPack()
	uitest.Settle(k.work.Wait)

	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("looked up without a translation:\n%s", strings.Join(m, "\n"))
	}
}

// TestTheLangOptionOverridesThePreference checks --lang: the window opens
// in it whatever was remembered, and the preference is left as it was.
func TestTheLangOptionOverridesThePreference(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	a := test.NewTempApp(t)
	a.Preferences().SetString(ui.LangKey, "nl")
	k := New(a, Options{Dir: t.TempDir(), Lang: i18n.French})
	if k.unlock.Button.Text != "Déverrouiller" || a.Preferences().String(ui.LangKey) != "nl" {
		t.Errorf("with --lang fr the button reads %q, the preference %q", k.unlock.Button.Text, a.Preferences().String(ui.LangKey))
	}
	a.Preferences().SetString(ui.LangKey, "xx")
	New(a, Options{Dir: t.TempDir()})
	if i18n.Current() != i18n.English {
		t.Errorf("an unknown preference opens in %s", i18n.Current())
	}
}

// focusOn moves the focus with Tab until it reaches o.
func focusOn(t *testing.T, k *Kiosk, o fyne.Focusable) {
	t.Helper()
	c := k.win.Canvas()
	for range 20 {
		if c.Focused() == o {
			return
		}
		c.FocusNext()
	}
	t.Fatalf("Tab does not reach %v", o)
}
