package worklist

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
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
	subtitle := i18n.T("For IT and health-records staff: decide what the reconciliation left for a person. Unlock with the IT recovery key of this kiosk.")
	if w.atHub() {
		subtitle = i18n.T("For IT and health-records staff: decide what the hospital's reconciliation left for a person, over every kiosk's journal handed in to this hub. Unlock with the IT recovery key.")
	}
	v.UnlockForm = ui.NewUnlockForm(ui.UnlockSpec{
		Title:     i18n.T("Reconciliation worklist"),
		TitleSize: 28,
		Subtitle:  subtitle,
		Fields: []ui.UnlockField{
			{Label: i18n.T("Recovery key file"), PlaceHolder: i18n.T("Path of the file holding the key, e.g. /media/usb/lifeboat-recovery.txt")},
			{Label: i18n.T("or paste the key itself"), PlaceHolder: i18n.T("AGE-SECRET-KEY-…"), Secret: true},
			{Label: i18n.T("Your name or staff number"), PlaceHolder: i18n.T("Recorded as the author of every decision")},
		},
		Hint: i18n.T(w.opt.Hint),
		Size: fyne.NewSize(520, 560),
		Check: func(values []string) string {
			switch {
			case strings.TrimSpace(values[0]) == "" && strings.TrimSpace(values[1]) == "":
				w.focus(v.keyFile)
				return i18n.T("Give the recovery key: the path of its file, or the key pasted.")
			case strings.TrimSpace(values[2]) == "":
				w.focus(v.user)
				return i18n.T("Enter your name or staff number: every decision is recorded under it.")
			}
			return ""
		},
		Unlock: func(values []string, done func(string)) {
			w.tryUnlock(values[0], values[1], strings.TrimSpace(values[2]), func(err error) {
				done(w.unlockMessage(err))
				if err != nil {
					w.focus(v.keyFile)
				}
			})
		},
	}, message)
	v.keyFile, v.keyText, v.user = v.Entries[0], v.Entries[1], v.Entries[2]
	return v
}
