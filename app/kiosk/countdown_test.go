package kiosk

import (
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/ui/uitest"
)

// After a wrong passphrase the wait counts down as the seconds pass, and
// the focus is back on the passphrase, emptied.
func TestTheWaitAfterAWrongPassphraseCountsDownWithTheFocusOnThePassphrase(t *testing.T) {
	k, c := kioskWithClock(t)
	unlockWith(k, "guess one", "RN Peeters")
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "Wrong passphrase. Try again." {
		t.Fatalf("once the first wait is over the message reads %q", k.unlock.Message.Text)
	}
	unlockWith(k, "guess two", "")
	if k.unlock.Message.Text != "Wrong passphrase. Try again in 2 s." {
		t.Fatalf("message %q", k.unlock.Message.Text)
	}
	if k.win.Canvas().Focused() != k.unlock.passphrase {
		t.Fatalf("the focus is on %T, not on the passphrase", k.win.Canvas().Focused())
	}
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "Wrong passphrase. Try again in 1 s." {
		t.Fatalf("a second later the message reads %q", k.unlock.Message.Text)
	}
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "Wrong passphrase. Try again." {
		t.Fatalf("once the wait is over the message reads %q", k.unlock.Message.Text)
	}
	// The wait is over: the countdown says nothing more.
	k.unlock.Message.SetText("")
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "" {
		t.Fatalf("the countdown went on: %q", k.unlock.Message.Text)
	}
	unlockWith(k, passphrase, "")
	if !k.Unlocked() {
		t.Fatalf("the right passphrase after the wait: %q", k.unlock.Message.Text)
	}
}

// A language chosen during the wait shows the wait counting down in that
// language; the screen it replaced counts no more.
func TestTheWaitCountsDownOnAfterALanguageSwitch(t *testing.T) {
	k, c := kioskWithClock(t)
	t.Cleanup(func() { i18n.Set(i18n.English) })
	unlockWith(k, "guess one", "RN Peeters")
	c.advance(time.Second)
	uitest.Tick()
	unlockWith(k, "guess two", "")
	old := k.unlock
	k.SetLanguage(i18n.Dutch)
	if k.unlock == old || k.unlock.Message.Text != "Verkeerd wachtwoord. Probeer opnieuw over 2 s." {
		t.Fatalf("after the switch the message reads %q", k.unlock.Message.Text)
	}
	old.Message.SetText("")
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "Verkeerd wachtwoord. Probeer opnieuw over 1 s." || old.Message.Text != "" {
		t.Fatalf("a second later the message reads %q, the old screen's %q", k.unlock.Message.Text, old.Message.Text)
	}
	c.advance(time.Second)
	uitest.Tick()
	if k.unlock.Message.Text != "Verkeerd wachtwoord. Probeer opnieuw." {
		t.Fatalf("once the wait is over the message reads %q", k.unlock.Message.Text)
	}
}
