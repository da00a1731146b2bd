package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is Fyne's theme in its light variant whatever the desktop
// prefers (ward screens are read in bright rooms, and the banner colours
// are chosen against a light background), with text optionally larger
// for reading at arm's length or with tired eyes.
type kioskTheme struct {
	fyne.Theme
	large bool
}

// largeTextScale is how much larger text is with the large-text setting.
const largeTextScale = 1.4

// largeTextKey is the preference that remembers the setting (not secret).
const largeTextKey = "largeText"

// Theme returns the kiosk's theme, with large text or not.
func Theme(large bool) fyne.Theme { return kioskTheme{Theme: theme.DefaultTheme(), large: large} }

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	if n == sizeNameIdentifier {
		s = 40 // a temporary identifier, to be copied onto a wristband
		if t.large {
			s *= largeTextScale
		}
		return s
	}
	if !t.large {
		return s
	}
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * largeTextScale
	}
	return s
}

// applyTextSize sets the theme from the remembered preference.
func applyTextSize(a fyne.App) {
	a.Settings().SetTheme(Theme(a.Preferences().Bool(largeTextKey)))
}

// toggleLargeText switches large text on or off and remembers it.
func (k *Kiosk) toggleLargeText() {
	p := k.app.Preferences()
	p.SetBool(largeTextKey, !p.Bool(largeTextKey))
	applyTextSize(k.app)
}
