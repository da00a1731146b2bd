// Package assets is what ships inside the program: the icon now;
// translations and the like as the kiosk grows.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon: a lifebuoy.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
