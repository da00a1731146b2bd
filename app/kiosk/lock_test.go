package kiosk

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"lifeboat/app/present"
	"lifeboat/app/ui"
)

// clock is a test clock that the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func kioskWithClock(t *testing.T) (*Kiosk, *clock) {
	t.Helper()
	c := &clock{t: time.Now()}
	dir := ward(t, c.t, 0)
	k := New(test.NewTempApp(t), Options{Dir: dir, Now: c.now})
	t.Cleanup(k.Lock)
	return k, c
}

func TestAKioskLeftUnusedLocksItselfAfterFiveMinutes(t *testing.T) {
	k, c := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	c.advance(4 * time.Minute)
	k.tick()
	k.openPatient("p1") // in use at 4 min
	c.advance(4 * time.Minute)
	k.tick()
	if !k.Unlocked() {
		t.Fatal("locked 4 minutes after the last use")
	}
	c.advance(time.Minute + time.Second)
	k.tick()
	if k.Unlocked() || k.chart != nil || k.unlock.Message.Text != present.LockedWhileIdle {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.Message.Text)
	}
}

func TestTheLockShortcutLocksFromTheSearchField(t *testing.T) {
	k, _ := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	k.census.search.TypedShortcut(lockShortcut)
	if k.Unlocked() {
		t.Fatal("Ctrl+L in the search field did not lock")
	}
}

func TestWrongPassphrasesMakeTheNextAttemptWaitLongerEachTime(t *testing.T) {
	k, c := kioskWithClock(t)
	unlockWith(k, "guess one", "RN Peeters")
	if k.unlock.Message.Text != "Wrong passphrase. Try again in 1 s." {
		t.Fatal(k.unlock.Message.Text)
	}
	// Too soon: not even tried, the right passphrase included.
	k.unlock.passphrase.SetText("")
	unlockWith(k, passphrase, "")
	if k.Unlocked() || k.unlock.Message.Text != "Too many wrong passphrases: wait 1 s before trying again." {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.Message.Text)
	}
	c.advance(time.Second)
	k.unlock.passphrase.SetText("")
	unlockWith(k, "guess two", "")
	if k.unlock.Message.Text != "Wrong passphrase. Try again in 2 s." {
		t.Fatal(k.unlock.Message.Text)
	}
	c.advance(2 * time.Second)
	unlockWith(k, "guess three", "")
	if k.unlock.Message.Text != "Wrong passphrase. Try again in 4 s." {
		t.Fatal(k.unlock.Message.Text)
	}
	c.advance(4 * time.Second)
	unlockWith(k, passphrase, "")
	if !k.Unlocked() || k.failures != 0 {
		t.Fatalf("unlocked=%v failures=%d", k.Unlocked(), k.failures)
	}
}

func TestTheWaitGrowsToAMinuteAndNoFurther(t *testing.T) {
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, time.Minute, time.Minute}
	for n, w := range want {
		if got := retryDelay(n); got != w {
			t.Errorf("retryDelay(%d) = %v, want %v", n, got, w)
		}
	}
	if retryDelay(1000) != time.Minute {
		t.Error("the wait must stay at a minute")
	}
}

func TestHighContrastIsRememberedAndDarkensHintsAndBorders(t *testing.T) {
	k, _ := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	luminance := func(name fyne.ThemeColorName) uint32 {
		r, g, b, _ := k.app.Settings().Theme().Color(name, theme.VariantLight).RGBA()
		return r + g + b
	}
	hint, border := luminance(theme.ColorNamePlaceHolder), luminance(theme.ColorNameInputBorder)
	k.toggleContrast()
	if luminance(theme.ColorNamePlaceHolder) >= hint || luminance(theme.ColorNameInputBorder) >= border || !k.app.Preferences().Bool(ui.ContrastKey) {
		t.Fatal("high contrast did not darken the hints and borders, or was not remembered")
	}
	if luminance(theme.ColorNameForeground) != 0 {
		t.Error("the text is not black in high contrast")
	}
	k.toggleContrast()
	if luminance(theme.ColorNamePlaceHolder) != hint {
		t.Error("switching back did not restore the colours")
	}
}

func TestLargeTextIsRememberedAndEnlargesTheText(t *testing.T) {
	k, _ := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	normal := k.app.Settings().Theme().Size("text")
	k.toggleLargeText()
	if got := k.app.Settings().Theme().Size("text"); got <= normal || !k.app.Preferences().Bool(ui.LargeTextKey) {
		t.Fatalf("text size %v after large text, %v before", got, normal)
	}
	k.toggleLargeText()
	if got := k.app.Settings().Theme().Size("text"); got != normal {
		t.Fatalf("text size %v after switching back, want %v", got, normal)
	}
}

func TestCtrlFPutsTheFocusInTheSearchFromAnywhere(t *testing.T) {
	k, _ := kioskWithClock(t)
	k.focusSearch() // locked: nothing to focus, nothing breaks
	unlockWith(k, passphrase, "RN Peeters")
	k.census.search.SetText("101")
	k.win.Canvas().Focus(nil)
	k.win.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(searchShortcut)
	if k.win.Canvas().Focused() != k.census.search {
		t.Fatal("Ctrl+F did not put the focus in the search")
	}
	if k.census.search.SelectedText() != "101" {
		t.Errorf("the search text is not selected for typing over: %q", k.census.search.SelectedText())
	}
}
