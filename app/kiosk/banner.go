package kiosk

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
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
	sync    *canvas.Text // "Live sync: updated 15:31" while a live sync works
	warning *widget.Label
	ticker  *time.Ticker
	quit    chan struct{}
	k       *Kiosk
}

func newBanner(k *Kiosk) *banner {
	b := &banner{k: k, bg: canvas.NewRectangle(colourFresh), text: canvas.NewText("", colourWhite),
		quit: make(chan struct{})}
	b.text.TextSize = 20
	b.text.TextStyle.Bold = true
	user := canvas.NewText(i18n.F("Signed in: %s", k.user), colourWhite)
	user.TextSize = 14
	b.sync = canvas.NewText("", colourWhite)
	b.sync.TextSize = 14
	lock := widget.NewButton(i18n.T("Lock (Ctrl+L)"), k.Lock)
	printButton := widget.NewButton(i18n.T(present.PrintButton), k.printPack)
	larger := widget.NewButton("A+ / A−", k.toggleLargeText)
	contrast := widget.NewButton(i18n.T("Contrast"), k.toggleContrast)
	top := container.NewStack(b.bg, container.NewPadded(container.NewBorder(nil, nil, nil,
		container.NewHBox(b.sync, user, printButton, larger, contrast, lock), b.text)))
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
				fyne.Do(b.k.tick)
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
	b.text.Refresh()
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
