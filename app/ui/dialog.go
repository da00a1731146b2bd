package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
)

// A Message is a dialog saying one thing, with an OK button that has the
// focus: Enter, Escape or Space closes it (Fyne's information and error
// dialogs close with none of them).
type Message struct {
	*dialog.CustomDialog
	OK *widget.Button
}

// ShowInfo shows an information dialog over win.
func ShowInfo(title, message string, win fyne.Window) *Message {
	return showMessage(title, message, theme.InfoIcon(), win)
}

// ShowError shows an error dialog over win: message is a sentence for
// the person at the screen.
func ShowError(message string, win fyne.Window) *Message {
	return showMessage(i18n.T("Error"), message, theme.ErrorIcon(), win)
}

func showMessage(title, message string, icon fyne.Resource, win fyne.Window) *Message {
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	m := &Message{}
	ok := &keyButton{}
	ok.Text, ok.OnTapped, ok.Importance = i18n.T("OK"), func() { m.Hide() }, widget.HighImportance
	ok.ExtendBaseWidget(ok)
	m.OK = &ok.Button
	content := container.NewBorder(nil, nil, widget.NewIcon(icon), nil, text)
	m.CustomDialog = dialog.NewCustomWithoutButtons(title, content, win)
	m.SetButtons([]fyne.CanvasObject{ok})
	m.Resize(fyne.NewSize(480, 0)) // wide enough that the sentence wraps into a few lines
	m.Show()
	win.Canvas().Focus(ok)
	return m
}

// keyButton is a button that Enter and Escape press too.
type keyButton struct{ widget.Button }

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		b.Tapped(nil)
	default:
		b.Button.TypedKey(ev)
	}
}
