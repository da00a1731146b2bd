package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is Fyne's theme in its light variant whatever the desktop
// prefers: ward screens are read in bright rooms, and the banner colours
// are chosen against a light background.
type kioskTheme struct{ fyne.Theme }

// Theme returns the kiosk's theme.
func Theme() fyne.Theme { return kioskTheme{theme.DefaultTheme()} }

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
