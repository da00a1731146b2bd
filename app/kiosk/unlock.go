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

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/store"
)

// unlockView asks for the ward passphrase and who is working, so that
// everything after is attributed to that person.
type unlockView struct {
	content    fyne.CanvasObject
	passphrase *widget.Entry
	user       *widget.Entry
	button     *widget.Button
	langs      []*widget.Button // English, Nederlands, Français
	message    *widget.Label
	busy       bool // an unlock is in flight: Enter or a tap must not start another
}

func newUnlockView(k *Kiosk, message string) *unlockView {
	v := &unlockView{
		passphrase: widget.NewPasswordEntry(),
		user:       widget.NewEntry(),
		message:    widget.NewLabel(message),
	}
	v.passphrase.SetPlaceHolder(i18n.T("Ward passphrase"))
	v.user.SetPlaceHolder(i18n.T("Your name or staff number"))
	v.message.Importance = widget.DangerImportance
	v.message.Wrapping = fyne.TextWrapWord
	submit := func() {
		if v.busy {
			return
		}
		user := strings.TrimSpace(v.user.Text)
		switch {
		case v.passphrase.Text == "":
			v.message.SetText(i18n.T("Enter the ward passphrase."))
			return
		case user == "":
			v.message.SetText(i18n.T("Enter your name or staff number: everything you do is recorded under it."))
			return
		}
		if wait := k.retryAt.Sub(k.opt.Now()); wait > 0 {
			v.message.SetText(present.WaitToRetry(wait))
			return
		}
		v.message.SetText(i18n.T("Unlocking…"))
		v.setBusy(true)
		k.tryUnlock(v.passphrase.Text, user, func(err error) {
			v.setBusy(false)
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
	v.button = widget.NewButton(i18n.T("Unlock"), submit)
	v.button.Importance = widget.HighImportance
	v.passphrase.OnSubmitted = func(string) { submit() }
	v.user.OnSubmitted = func(string) { submit() }

	// The language: three buttons beside the title, each named in its own
	// language, the one in use highlighted; Shift+Tab from the passphrase
	// reaches them.
	langRow := container.NewHBox()
	for _, l := range i18n.Langs {
		b := widget.NewButton(l.Name(), func() { k.SetLanguage(l) })
		if l == i18n.Current() {
			b.Importance = widget.HighImportance
		}
		v.langs = append(v.langs, b)
		langRow.Add(b)
	}

	title := canvas.NewText("Lifeboat", nil)
	title.TextSize = 32
	title.TextStyle.Bold = true
	sub := widget.NewLabel(i18n.T("Downtime records of this ward, readable without the network."))
	sub.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewCenter(langRow), title), sub,
		widget.NewLabel(i18n.T("Ward passphrase")), v.passphrase,
		widget.NewLabel(i18n.T("Your name or staff number")), v.user,
		v.button, v.message)
	if k.opt.Hint != "" {
		hint := widget.NewLabel(i18n.T(k.opt.Hint))
		hint.Importance = widget.WarningImportance
		hint.Wrapping = fyne.TextWrapWord
		form.Add(hint)
	}
	box := container.NewGridWrap(fyne.NewSize(460, 520), form)
	v.content = container.NewVBox(layout.NewSpacer(), container.NewCenter(box), layout.NewSpacer())
	return v
}

// setBusy disables the buttons while an unlock is in flight (the language
// too: the screen is not rebuilt under an unlock).
func (v *unlockView) setBusy(busy bool) {
	v.busy = busy
	for _, b := range append([]*widget.Button{v.button}, v.langs...) {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// SetLanguage switches the window to language l and remembers it in the
// application's preferences for the next start. It is offered on the
// unlock screen, which is built again in the new language, keeping what
// was typed; everything opened after the unlock follows.
func (k *Kiosk) SetLanguage(l i18n.Lang) {
	if k.unlock != nil && k.unlock.busy {
		return
	}
	i18n.Set(l)
	ui.RememberLanguage(k.app)
	k.win.SetTitle(i18n.T(windowTitle))
	if k.snap != nil || k.unlock == nil {
		return
	}
	old := k.unlock
	k.showUnlock("")
	k.unlock.passphrase.SetText(old.passphrase.Text)
	k.unlock.user.SetText(old.user.Text)
	// The focus stays on the language chosen (were it moved to the
	// passphrase, the Space that pressed the button would be typed in it);
	// Tab goes on to the passphrase.
	for i, lang := range i18n.Langs {
		if lang == i18n.Current() {
			k.win.Canvas().Focus(k.unlock.langs[i])
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
