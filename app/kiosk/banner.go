package kiosk

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
)

// Banner colours by freshness, chosen for white text at high contrast.
var (
	colourFresh = color.NRGBA{R: 0x1b, G: 0x5e, B: 0x20, A: 0xff} // green
	colourAmber = color.NRGBA{R: 0xe6, G: 0x51, B: 0x00, A: 0xff} // dark orange
	colourRed   = color.NRGBA{R: 0xb7, G: 0x1c, B: 0x1c, A: 0xff}
	colourWhite = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

// banner is the downtime banner on top of every unlocked screen: how old
// the data is, in words and colour, which generation, and who is working;
// under it, when there is one, the warning that an older generation opened
// or that source records could not be read.
type banner struct {
	content fyne.CanvasObject
	bg      *canvas.Rectangle
	text    *canvas.Text
	row     *fyne.Container // the text and the buttons (bannerLayout)
	sync    *canvas.Text    // "Live sync: updated 15:31" while a live sync works
	warning *widget.Label
	ticker  *time.Ticker
	quit    chan struct{}
	k       *Kiosk
}

func newBanner(k *Kiosk) *banner {
	b := &banner{k: k, bg: canvas.NewRectangle(colourFresh), text: canvas.NewText("", colourWhite),
		quit: make(chan struct{})}
	b.text.TextSize = bannerTextSize
	b.text.TextStyle.Bold = true
	user := canvas.NewText(i18n.F("Signed in: %s", k.user), colourWhite)
	user.TextSize = 14
	b.sync = canvas.NewText("", colourWhite)
	b.sync.TextSize = 14
	lock := widget.NewButton(i18n.T("Lock (Ctrl+L)"), k.Lock)
	printButton := widget.NewButton(i18n.T(present.PrintButton), k.printPack)
	larger := widget.NewButton("A+ / A−", k.toggleLargeText)
	contrast := widget.NewButton(i18n.T("Contrast"), k.toggleContrast)
	b.row = container.New(bannerLayout{}, b.text, container.NewHBox(b.sync, user, printButton, larger, contrast, lock))
	top := container.NewStack(b.bg, container.NewPadded(b.row))
	b.warning = widget.NewLabel("")
	b.warning.Importance = widget.DangerImportance
	b.warning.Wrapping = fyne.TextWrapWord
	b.warning.TextStyle.Bold = true
	b.content = container.NewVBox(top, b.warning)
	b.update()
	b.ticker = time.NewTicker(15 * time.Second)
	go func() {
		for {
			select {
			case <-b.ticker.C:
				ui.Do(b.k.tick)
			case <-b.quit:
				return
			}
		}
	}()
	return b
}

func (b *banner) update() {
	if b.k.snap == nil {
		return
	}
	m := b.k.snap.Manifest
	now := b.k.opt.Now()
	b.text.Text = present.Freshness(m, now)
	sync, failing := b.k.syncLine(now)
	b.sync.Text = ""
	if !failing {
		b.sync.Text = sync
	}
	b.sync.Refresh()
	switch b.k.opt.Thresholds.Level(now.Sub(m.AsOf)) {
	case present.Fresh:
		b.bg.FillColor = colourFresh
	case present.Amber:
		b.bg.FillColor = colourAmber
	default:
		b.bg.FillColor = colourRed
	}
	b.bg.Refresh()
	b.row.Refresh() // laid out again: the text may need to be smaller
	w := strings.TrimSpace(present.BannerWarning(b.k.snap, now) + " " + i18n.T(b.k.auditProblem) + " " + b.k.opt.FolderWarning + " " +
		present.JournalProblems(b.k.journalProblems()))

	if failing {
		w = strings.TrimSpace(w + " " + sync)
	}
	b.warning.SetText(w)
	if w == "" {
		b.warning.Hide()
	} else {
		b.warning.Show()
	}
}

func (b *banner) stop() {
	b.ticker.Stop()
	close(b.quit)
}

// bannerTextSize is the size of the banner's words on how old the data is;
// bannerTextSmallest the least they are made to fit beside the buttons.
const (
	bannerTextSize     = 20
	bannerTextSmallest = 12
)

// bannerLayout puts the banner's text at the left and its buttons at the
// right, and makes the text smaller, down to bannerTextSmallest, rather
// than let it run under the buttons (a canvas.Text is never cut): in
// Dutch or French, or in large text, the age of the data stays whole.
type bannerLayout struct{}

func (bannerLayout) fit(objects []fyne.CanvasObject, width float32) {
	text, right := objects[0].(*canvas.Text), objects[1]
	room := width - right.MinSize().Width - theme.Padding()
	size := float32(bannerTextSize)
	for ; size > bannerTextSmallest; size-- {
		if fyne.MeasureText(text.Text, size, text.TextStyle).Width <= room {
			break
		}
	}
	if text.TextSize != size {
		text.TextSize = size
		text.Refresh()
	}
}

func (l bannerLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.fit(objects, size.Width)
	text, right := objects[0], objects[1]
	rw := right.MinSize().Width
	right.Move(fyne.NewPos(size.Width-rw, 0))
	right.Resize(fyne.NewSize(rw, size.Height))
	th := text.MinSize().Height
	text.Move(fyne.NewPos(0, (size.Height-th)/2))
	text.Resize(fyne.NewSize(max(size.Width-rw-theme.Padding(), 0), th))
}

func (bannerLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	right := objects[1].MinSize()
	text := fyne.MeasureText("M", bannerTextSize, objects[0].(*canvas.Text).TextStyle)
	return fyne.NewSize(right.Width, max(right.Height, text.Height))
}

// toggleLargeText switches large text on or off and remembers it.
func (k *Kiosk) toggleLargeText() { ui.Toggle(k.app, ui.LargeTextKey) }

// toggleContrast switches high contrast on or off and remembers it.
func (k *Kiosk) toggleContrast() { ui.Toggle(k.app, ui.ContrastKey) }
