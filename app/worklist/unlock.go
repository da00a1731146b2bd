package worklist

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/ui"
)

// unlockView asks for the IT recovery key (its file, or the key pasted)
// and who decides.
type unlockView struct {
	*ui.UnlockForm
	keyFile, keyText, user *widget.Entry
}

func newUnlockView(w *Worklist, message string) *unlockView {
	v := &unlockView{}
	v.UnlockForm = ui.NewUnlockForm(ui.UnlockSpec{
		Title:     tr(unlockTitle),
		TitleSize: 28,
		Subtitle:  tr(unlockSubtitle),
		Fields: []ui.UnlockField{
			{Label: tr(keyFileLabel), PlaceHolder: tr(keyFileHint)},
			{Label: tr(keyTextLabel), PlaceHolder: tr(keyTextHint), Secret: true},
			{Label: tr(userLabel), PlaceHolder: tr(userHint)},
		},
		Hint: w.opt.Hint,
		Size: fyne.NewSize(520, 560),
		Check: func(values []string) string {
			switch {
			case strings.TrimSpace(values[0]) == "" && strings.TrimSpace(values[1]) == "":
				w.focus(v.keyFile)
				return tr(needKey)
			case strings.TrimSpace(values[2]) == "":
				w.focus(v.user)
				return tr(needUser)
			}
			return ""
		},
		Unlock: func(values []string, done func(string)) {
			w.tryUnlock(values[0], values[1], strings.TrimSpace(values[2]), func(err error) {
				done(unlockMessage(err))
				if err != nil {
					w.focus(v.keyFile)
				}
			})
		},
	}, message)
	v.keyFile, v.keyText, v.user = v.Entries[0], v.Entries[1], v.Entries[2]
	return v
}
