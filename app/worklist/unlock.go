package worklist

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// unlockView asks for the IT recovery key (its file, or the key pasted)
// and who decides.
type unlockView struct {
	content fyne.CanvasObject
	keyFile *widget.Entry
	keyText *widget.Entry
	user    *widget.Entry
	button  *widget.Button
	message *widget.Label
	busy    bool
}

func newUnlockView(w *Worklist, message string) *unlockView {
	v := &unlockView{keyFile: widget.NewEntry(), keyText: widget.NewPasswordEntry(), user: widget.NewEntry(),
		message: widget.NewLabel(message)}
	v.keyFile.SetPlaceHolder(tr(keyFileHint))
	v.keyText.SetPlaceHolder(tr(keyTextHint))
	v.user.SetPlaceHolder(tr(userHint))
	v.message.Importance = widget.DangerImportance
	v.message.Wrapping = fyne.TextWrapWord
	submit := func() {
		if v.busy {
			return
		}
		user := strings.TrimSpace(v.user.Text)
		switch {
		case strings.TrimSpace(v.keyFile.Text) == "" && strings.TrimSpace(v.keyText.Text) == "":
			v.message.SetText(tr(needKey))
			w.focus(v.keyFile)
			return
		case user == "":
			v.message.SetText(tr(needUser))
			w.focus(v.user)
			return
		}
		v.message.SetText(tr(unlocking))
		v.setBusy(true)
		w.tryUnlock(v.keyFile.Text, v.keyText.Text, user, func(err error) {
			v.setBusy(false)
			v.keyText.SetText("")
			v.message.SetText(unlockMessage(err))
			if err != nil {
				w.focus(v.keyFile)
			}
		})
	}
	v.button = widget.NewButton(tr(unlockButton), submit)
	v.button.Importance = widget.HighImportance
	for _, e := range []*widget.Entry{v.keyFile, v.keyText, v.user} {
		e.OnSubmitted = func(string) { submit() }
	}

	title := canvas.NewText(tr(unlockTitle), nil)
	title.TextSize = 28
	title.TextStyle.Bold = true
	sub := widget.NewLabel(tr(unlockSubtitle))
	sub.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(title, sub,
		widget.NewLabel(tr(keyFileLabel)), v.keyFile,
		widget.NewLabel(tr(keyTextLabel)), v.keyText,
		widget.NewLabel(tr(userLabel)), v.user,
		v.button, v.message)
	if w.opt.Hint != "" {
		hint := widget.NewLabel(w.opt.Hint)
		hint.Importance = widget.WarningImportance
		hint.Wrapping = fyne.TextWrapWord
		form.Add(hint)
	}
	box := container.NewGridWrap(fyne.NewSize(520, 560), form)
	v.content = container.NewVBox(layout.NewSpacer(), container.NewCenter(box), layout.NewSpacer())
	return v
}

func (v *unlockView) setBusy(busy bool) {
	v.busy = busy
	if busy {
		v.button.Disable()
	} else {
		v.button.Enable()
	}
}
