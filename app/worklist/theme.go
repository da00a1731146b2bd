package worklist

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// worklistTheme is the kiosk's look: Fyne's theme in its light variant
// whatever the desktop prefers.
type worklistTheme struct{ fyne.Theme }

// Theme returns the worklist's theme.
func Theme() fyne.Theme { return worklistTheme{theme.DefaultTheme()} }

func (t worklistTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
