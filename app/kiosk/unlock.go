package kiosk

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/store"
)

// unlockView asks for the ward passphrase and who is working, so that
// everything after is attributed to that person.
type unlockView struct {
	content    fyne.CanvasObject
	passphrase *widget.Entry
	user       *widget.Entry
	button     *widget.Button
	message    *widget.Label
	busy       bool // an unlock is in flight: Enter or a tap must not start another
}

func newUnlockView(k *Kiosk, message string) *unlockView {
	v := &unlockView{
		passphrase: widget.NewPasswordEntry(),
		user:       widget.NewEntry(),
		message:    widget.NewLabel(message),
	}
	v.passphrase.SetPlaceHolder("Ward passphrase")
	v.user.SetPlaceHolder("Your name or staff number")
	v.message.Importance = widget.DangerImportance
	v.message.Wrapping = fyne.TextWrapWord
	submit := func() {
		if v.busy {
			return
		}
		user := strings.TrimSpace(v.user.Text)
		switch {
		case v.passphrase.Text == "":
			v.message.SetText("Enter the ward passphrase.")
			return
		case user == "":
			v.message.SetText("Enter your name or staff number: everything you do is recorded under it.")
			return
		}
		if wait := k.retryAt.Sub(k.opt.Now()); wait > 0 {
			v.message.SetText(present.WaitToRetry(wait))
			return
		}
		v.message.SetText("Unlocking…")
		v.busy = true
		v.button.Disable()
		k.tryUnlock(v.passphrase.Text, user, func(err error) {
			v.busy = false
			v.button.Enable()
			v.passphrase.SetText("")
			msg := unlockMessage(err)
			if errors.Is(err, store.ErrWrongPassphrase) {
				k.failures++
				wait := retryDelay(k.failures)
				k.retryAt = k.opt.Now().Add(wait)
				msg = present.WrongPassphrase(wait)
			}
			v.message.SetText(msg)
		})
	}
	v.button = widget.NewButton("Unlock", submit)
	v.button.Importance = widget.HighImportance
	v.passphrase.OnSubmitted = func(string) { submit() }
	v.user.OnSubmitted = func(string) { submit() }

	title := canvas.NewText("Lifeboat", nil)
	title.TextSize = 32
	title.TextStyle.Bold = true
	sub := widget.NewLabel("Downtime records of this ward, readable without the network.")
	form := container.NewVBox(title, sub,
		widget.NewLabel("Ward passphrase"), v.passphrase,
		widget.NewLabel("Your name or staff number"), v.user,
		v.button, v.message)
	if k.opt.Hint != "" {
		hint := widget.NewLabel(k.opt.Hint)
		hint.Importance = widget.WarningImportance
		hint.Wrapping = fyne.TextWrapWord
		form.Add(hint)
	}
	box := container.NewGridWrap(fyne.NewSize(460, 520), form)
	v.content = container.NewVBox(layout.NewSpacer(), container.NewCenter(box), layout.NewSpacer())
	return v
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
		return "Wrong passphrase. Try again."
	case errors.As(err, &none):
		return "No usable snapshot on this workstation: " + none.Error() + ". Call IT and use the paper downtime records."
	case errors.Is(err, store.ErrNotInitialised):
		return "This workstation has not been set up for Lifeboat. Call IT."
	}
	return "Could not open the records: " + err.Error()
}
