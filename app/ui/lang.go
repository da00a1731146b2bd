package ui

import (
	"fyne.io/fyne/v2"

	"lifeboat/app/i18n"
)

// LangKey is the preference that remembers the language chosen on the
// kiosk's unlock screen (not secret: it is kept with the large-text
// setting, in the application's preferences, never in the data folder).
// The worklist runs under the same application ID and reads it too.
const LangKey = "language"

// RememberedLanguage is the language the preferences of application a
// remember (English when none, or one not offered).
func RememberedLanguage(a fyne.App) i18n.Lang {
	l, _ := i18n.Parse(a.Preferences().String(LangKey))
	return l
}

// RememberLanguage keeps the language in use for the next start.
func RememberLanguage(a fyne.App) {
	a.Preferences().SetString(LangKey, string(i18n.Current()))
}
