package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// lifeboatTheme is Fyne's theme in its light variant whatever the desktop
// prefers (ward screens are read in bright rooms, and the banner colours
// are chosen against a light background), with text optionally larger
// for reading at arm's length or with tired eyes, and optionally in high
// contrast: black text and borders on white, darker hints, and buttons
// and focus that stand out, for poor screens, glare and weak sight.
type lifeboatTheme struct {
	fyne.Theme
	large, contrast bool
}

// largeTextScale is how much larger text is with the large-text setting.
const largeTextScale = 1.4

// The preferences that remember the settings (not secret).
const (
	LargeTextKey = "largeText"
	ContrastKey  = "highContrast"
)

// SizeNameIdentifier is the theme size of a temporary identifier on
// screen (the kiosk shows one large, to be copied onto a wristband).
const SizeNameIdentifier fyne.ThemeSizeName = "lifeboatIdentifier"

// Theme returns the windows' theme, with large text or not.
func Theme(large bool) fyne.Theme { return lifeboatTheme{Theme: theme.DefaultTheme(), large: large} }

// ThemeFor returns the windows' theme as the app's preferences remember
// it (large text, high contrast).
func ThemeFor(a fyne.App) fyne.Theme {
	p := a.Preferences()
	return lifeboatTheme{Theme: theme.DefaultTheme(), large: p.Bool(LargeTextKey), contrast: p.Bool(ContrastKey)}
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

func (t lifeboatTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := highContrast[n]; ok && t.contrast {
		return c
	}
	return t.Theme.Color(n, theme.VariantLight)
}

func (t lifeboatTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	if n == SizeNameIdentifier {
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

// ApplyTheme sets the theme from the remembered preferences.
func ApplyTheme(a fyne.App) { a.Settings().SetTheme(ThemeFor(a)) }

// Toggle switches the preference key (LargeTextKey, ContrastKey) on or
// off, remembers it and applies the theme again.
func Toggle(a fyne.App, key string) {
	p := a.Preferences()
	p.SetBool(key, !p.Bool(key))
	ApplyTheme(a)
}
