package kiosk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/store"
)

func TestPrintingWritesThePackOpensItAndAuditsIt(t *testing.T) {
	k, _ := kioskWithClock(t)
	k.opt.PrintDir = filepath.Join(t.TempDir(), "print")
	var opened []string
	k.opt.Open = func(path string) error { opened = append(opened, path); return nil }
	unlockWith(k, passphrase, "RN Peeters")

	// From the search field, with no chart open: the census and the ward.
	k.census.search.TypedShortcut(printShortcut)
	uitest.Settle(k.work.Wait)
	ward := k.lastPrint
	// With a chart open: that patient's pack.
	submit(k, "MRN002")
	k.printPack()
	uitest.Settle(k.work.Wait)
	if len(opened) != 2 || opened[0] != ward || opened[1] != k.lastPrint || ward == k.lastPrint {
		t.Fatalf("opened %v", opened)
	}
	for _, p := range opened {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF (%v)", p, err)
		}
		if strings.Contains(filepath.Base(p), "Dubois") {
			t.Fatal("a patient's name is in the file name")
		}
	}
	if strings.HasPrefix(k.opt.PrintDir, k.opt.Dir) {
		t.Fatal("packs are written inside the data folder")
	}
	k.Lock()
	// The packs are plaintext: locking removes them.
	if left, _ := os.ReadDir(k.opt.PrintDir); len(left) != 0 {
		t.Fatalf("left in the print folder after locking: %v", left)
	}
	trail := exportedTrail(t, k.opt.Dir)
	if strings.Count(trail, `"action":"`+store.AuditPrint+`"`) != 6 || !strings.Contains(trail, `"subject":"p2"`) {
		t.Fatalf("prints in the trail:\n%s", trail)
	}
}

func TestARegistrationLabelIsPrintedAndAudited(t *testing.T) {
	k, _ := kioskWithClock(t)
	k.opt.PrintDir = filepath.Join(t.TempDir(), "print")
	var opened []string
	k.opt.Open = func(path string) error { opened = append(opened, path); return nil }
	unlockWith(k, passphrase, "RN Peeters")
	id := registerJane(t, k)
	var button *widget.Button
	walk(k.chart.content, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == present.PrintLabelButton {
			button = b
		}
	})
	if button == nil {
		t.Fatal("no Print label button after registering")
	}
	test.Tap(button)
	uitest.Settle(k.work.Wait)
	if len(opened) != 1 || !strings.Contains(filepath.Base(opened[0]), "label") {
		t.Fatalf("opened %v", opened)
	}
	k.Lock()
	if trail := exportedTrail(t, k.opt.Dir); !strings.Contains(trail, `"subject":"`+id+`","details":"registration label"`) {
		t.Fatalf("the label print is not in the trail:\n%s", trail)
	}
}

// exportedTrail is the audit trail of the vault in dir, as audit export
// writes it (JSON lines).
func exportedTrail(t *testing.T, dir string) string {
	t.Helper()
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := store.ExportAudit(dir, keys, &out, "jsonl"); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

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
		uitest.Settle(k.work.Wait)
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
	uitest.Settle(k.work.Wait)
	if got := dialogText(k); !strings.Contains(got, present.PrintFailed) {
		t.Fatalf("a failed print shows %q", got)
	}
	press(k, fyne.KeyEscape)
	if got := dialogText(k); got != "" {
		t.Fatalf("Escape left the error open: %q", got)
	}
}
