package kiosk

import (
	"testing"
	"time"

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
