package kiosk

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is Fyne's theme in its light variant whatever the desktop
// prefers (ward screens are read in bright rooms, and the banner colours
// are chosen against a light background), with text optionally larger
// for reading at arm's length or with tired eyes, and optionally in high
// contrast: black text and borders on white, darker hints, and buttons
// and focus that stand out, for poor screens, glare and weak sight.
type kioskTheme struct {
	fyne.Theme
	large, contrast bool
}

// largeTextScale is how much larger text is with the large-text setting.
const largeTextScale = 1.4

// The preferences that remember the settings (not secret).
const (
	largeTextKey = "largeText"
	contrastKey  = "highContrast"
)

// Theme returns the kiosk's theme, with large text or not.
func Theme(large bool) fyne.Theme { return kioskTheme{Theme: theme.DefaultTheme(), large: large} }

// ThemeFor returns the kiosk's theme as the app's preferences remember it
// (large text, high contrast); the worklist window uses it too.
func ThemeFor(a fyne.App) fyne.Theme {
	p := a.Preferences()
	return kioskTheme{Theme: theme.DefaultTheme(), large: p.Bool(largeTextKey), contrast: p.Bool(contrastKey)}
}

// highContrast are the colours that change in high contrast.
var highContrast = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameForeground:       color.Black,
	theme.ColorNameBackground:       color.White,
	theme.ColorNameInputBackground:  color.White,
	theme.ColorNameInputBorder:      color.Black,
	theme.ColorNamePlaceHolder:      color.NRGBA{0x40, 0x40, 0x40, 0xff},
	theme.ColorNameDisabled:         color.NRGBA{0x50, 0x50, 0x50, 0xff},
	theme.ColorNameSeparator:        color.Black,
	theme.ColorNameButton:           color.NRGBA{0xd0, 0xd0, 0xd0, 0xff},
	theme.ColorNameHover:            color.NRGBA{0xb0, 0xb0, 0xb0, 0xff},
	theme.ColorNamePressed:          color.NRGBA{0x90, 0x90, 0x90, 0xff},
	theme.ColorNameFocus:            color.NRGBA{0x00, 0x40, 0xc0, 0x90},
	theme.ColorNamePrimary:          color.NRGBA{0x00, 0x40, 0xc0, 0xff},
	theme.ColorNameSelection:        color.NRGBA{0x80, 0xa8, 0xff, 0xff},
	theme.ColorNameScrollBar:        color.NRGBA{0x20, 0x20, 0x20, 0xff},
	theme.ColorNameHeaderBackground: color.NRGBA{0xd8, 0xd8, 0xd8, 0xff},
	theme.ColorNameHyperlink:        color.NRGBA{0x00, 0x30, 0xa0, 0xff},
	theme.ColorNameError:            color.NRGBA{0xa8, 0x00, 0x00, 0xff},
}

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := highContrast[n]; ok && t.contrast {
		return c
	}
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

// applyTheme sets the theme from the remembered preferences.
func applyTheme(a fyne.App) { a.Settings().SetTheme(ThemeFor(a)) }

// toggleLargeText switches large text on or off and remembers it.
func (k *Kiosk) toggleLargeText() { k.toggle(largeTextKey) }

// toggleContrast switches high contrast on or off and remembers it.
func (k *Kiosk) toggleContrast() { k.toggle(contrastKey) }

func (k *Kiosk) toggle(key string) {
	p := k.app.Preferences()
	p.SetBool(key, !p.Bool(key))
	applyTheme(k.app)
}
