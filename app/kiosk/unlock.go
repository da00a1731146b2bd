package kiosk

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/store"
)

// unlockView asks for the ward passphrase and who is working, so that
// everything after is attributed to that person; the language buttons
// sit beside the title.
type unlockView struct {
	*ui.UnlockForm
	passphrase, user *widget.Entry
}

func newUnlockView(k *Kiosk, message string) *unlockView {
	f := ui.NewUnlockForm(ui.UnlockSpec{
		Title:     "Lifeboat",
		TitleSize: 32,
		Subtitle:  i18n.T("Downtime records of this ward, readable without the network."),
		Fields: []ui.UnlockField{
			{Label: i18n.T("Ward passphrase"), PlaceHolder: i18n.T("Ward passphrase"), Secret: true},
			{Label: i18n.T("Your name or staff number"), PlaceHolder: i18n.T("Your name or staff number")},
		},
		Hint: i18n.T(k.opt.Hint),
		Size: fyne.NewSize(460, 520),
		// Shift+Tab from the passphrase reaches the language buttons.
		Language: k.SetLanguage,
		Check: func(values []string) string {
			switch {
			case values[0] == "":
				return i18n.T("Enter the ward passphrase.")
			case strings.TrimSpace(values[1]) == "":
				return i18n.T("Enter your name or staff number: everything you do is recorded under it.")
			}
			if wait := k.retryAt.Sub(k.opt.Now()); wait > 0 {
				return present.WaitToRetry(wait)
			}
			return ""
		},
		Unlock: func(values []string, done func(string)) {
			k.tryUnlock(values[0], strings.TrimSpace(values[1]), func(err error) {
				msg := unlockMessage(err)
				if errors.Is(err, store.ErrWrongPassphrase) {
					k.failures++
					wait := retryDelay(k.failures)
					k.retryAt = k.opt.Now().Add(wait)
					msg = present.WrongPassphrase(wait)
				}
				done(msg)
				if err == nil || k.unlock == nil {
					return
				}
				// The passphrase was emptied: the focus goes back to it, and
				// the wait before the next attempt counts down.
				k.win.Canvas().Focus(k.unlock.passphrase)
				if errors.Is(err, store.ErrWrongPassphrase) {
					k.unlock.CountDown(k.retryAt, k.opt.Now, present.WrongPassphrase, unlockMessage(err))
				}
			})
		},
	}, message)
	return &unlockView{UnlockForm: f, passphrase: f.Entries[0], user: f.Entries[1]}
}

// SetLanguage switches the window to language l and remembers it in the
// application's preferences for the next start. It is offered on the
// unlock screen, which is built again in the new language, keeping what
// was typed; everything opened after the unlock follows.
func (k *Kiosk) SetLanguage(l i18n.Lang) {
	if k.unlock != nil && k.unlock.Busy() {
		return
	}
	i18n.Set(l)
	ui.RememberLanguage(k.app)
	k.win.SetTitle(i18n.T(windowTitle))
	if k.snap != nil || k.unlock == nil {
		return
	}
	old := k.unlock
	old.StopCountdown() // the screen replaced counts no more
	k.showUnlock("")
	k.unlock.passphrase.SetText(old.passphrase.Text)
	k.unlock.user.SetText(old.user.Text)
	if k.retryAt.After(k.opt.Now()) { // the wait goes on, said in the new language
		k.unlock.CountDown(k.retryAt, k.opt.Now, present.WrongPassphrase, unlockMessage(store.ErrWrongPassphrase))
	}
	// The focus stays on the language chosen (were it moved to the
	// passphrase, the Space that pressed the button would be typed in it);
	// Tab goes on to the passphrase.
	for i, lang := range i18n.Langs {
		if lang == i18n.Current() {
			k.win.Canvas().Focus(k.unlock.Langs[i])
		}
	}
}

// retryDelay is how long the n-th wrong passphrase in a row makes the
// next attempt wait: 1 s, 2 s, 4 s… up to a minute, so that guessing is
// slow and a mistyping nurse is barely held up.
func retryDelay(n int) time.Duration {
	if n < 1 {
		return 0
	}
	if n > 7 {
		return time.Minute
	}
	return min(time.Second<<(n-1), time.Minute)
}

// unlockMessage is the one sentence shown after an unlock attempt.
func unlockMessage(err error) string {
	var none *store.NoSnapshotError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrWrongPassphrase):
		return i18n.T("Wrong passphrase. Try again.")
	case errors.As(err, &none):
		return i18n.F("No usable snapshot on this workstation: %s. Call IT and use the paper downtime records.", none.Error())
	case errors.Is(err, store.ErrNotInitialised):
		return i18n.T("This workstation has not been set up for Lifeboat. Call IT.")
	}
	return i18n.F("Could not open the records: %s", err.Error())

}
