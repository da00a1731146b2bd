package kiosk

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
)

// dialogText is the text of the labels of the dialog on top of k's
// window, "" when none is shown.
func dialogText(k *Kiosk) string {
	top := k.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + " ")
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(top)
	return b.String()
}

// press types key into what has the focus, as a keyboard would.
func press(k *Kiosk, key fyne.KeyName) {
	if f := k.win.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: key})
	}
}

// The dialogs after Ctrl+P close with the keyboard: Escape, Enter.
func TestThePrintDialogsCloseWithEscapeAndEnter(t *testing.T) {
	k, _ := kioskWithClock(t)
	k.opt.PrintDir = filepath.Join(t.TempDir(), "print")
	k.opt.Open = func(string) error { return errors.New("no viewer") }
	unlockWith(k, passphrase, "RN Peeters")
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter} {
		k.census.search.TypedShortcut(printShortcut)
		k.work.Wait()
		uitest.Drain()
		if got := dialogText(k); !strings.Contains(got, present.OpenItYourself) {
			t.Fatalf("after Ctrl+P the dialog reads %q", got)
		}
		press(k, key)
		if got := dialogText(k); got != "" {
			t.Fatalf("%s left the dialog open: %q", key, got)
		}
	}
	// The pack could not be written: the error closes with Escape too.
	k.opt.PrintDir = filepath.Join(k.opt.Dir, "config.json", "print") // under a file: cannot be made
	k.census.search.TypedShortcut(printShortcut)
	k.work.Wait()
	uitest.Drain()
	if got := dialogText(k); !strings.Contains(got, present.PrintFailed) {
		t.Fatalf("a failed print shows %q", got)
	}
	press(k, fyne.KeyEscape)
	if got := dialogText(k); got != "" {
		t.Fatalf("Escape left the error open: %q", got)
	}
}
