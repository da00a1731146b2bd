package kiosk

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
)

// dialogCalls are the calls that open a dialog or a pop-up over the
// window, as "file function call", found in the non-test files of the
// kiosk and of what it shares with the worklist (app/ui, whose own
// ShowInfo and ShowError are counted where the kiosk calls them).
func dialogCalls(t *testing.T) []string {
	t.Helper()
	opens := func(pkg, fn string) bool {
		switch pkg {
		case "dialog":
			return true
		case "ui":
			return fn == "ShowInfo" || fn == "ShowError"
		case "widget":
			return strings.Contains(fn, "PopUp")
		}
		return false
	}
	var out []string
	for _, dir := range []string{".", "../ui"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") || filepath.Base(name) == "dialog.go" && dir == "../ui" {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				ast.Inspect(fd, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
						if pkg, ok := sel.X.(*ast.Ident); ok && opens(pkg.Name, sel.Sel.Name) {
							out = append(out, fmt.Sprintf("%s %s %s.%s", filepath.Base(name), fd.Name.Name, pkg.Name, sel.Sel.Name))
						}
					}
					return true
				})
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// dialogOpeners open each dialog the kiosk has (dialogCalls) on an
// unlocked kiosk, and give a few words it must show.
var dialogOpeners = map[string]func(t *testing.T, k *Kiosk) string{
	// Ctrl+P: the pack was written, and the viewer could not open it.
	"print.go writePDF ui.ShowInfo": func(t *testing.T, k *Kiosk) string {
		k.opt.PrintDir = filepath.Join(t.TempDir(), "print")
		k.opt.Open = func(string) error { return errors.New("no viewer") }
		k.census.search.TypedShortcut(printShortcut)
		return i18n.T(present.OpenItYourself)
	},
	// Ctrl+P: the pack could not be written.
	"print.go writePDF ui.ShowError": func(t *testing.T, k *Kiosk) string {
		k.opt.PrintDir = filepath.Join(k.opt.Dir, "config.json", "print") // under a file: cannot be made
		k.census.search.TypedShortcut(printShortcut)
		return i18n.T(present.PrintFailed)
	},
	// A chart's Transfer summary: the dialog that asks where to and how.
	"summary.go openSummary dialog.NewCustomWithoutButtons": func(t *testing.T, k *Kiosk) string {
		k.openPatient("p1")
		openSummaryDialog(t, k)
		return i18n.T(summaryIntro)
	},
	// Enter in it: the summary was written, and where it went.
	"summary.go submit ui.ShowInfo": func(t *testing.T, k *Kiosk) string {
		k.openPatient("p1")
		s := openSummaryDialog(t, k)
		usb := t.TempDir()
		s.toFolder(usb)
		enterIn(k, s.folder)
		return usb
	},
}

// TestEveryDialogClosesWithEscape opens every dialog the kiosk's code can
// open (found in the code, so that a new one cannot be left out), at a
// ward screen's size in every language and with large text, and closes
// it with Escape. The census's Sort and Show lists, the pop-ups a nurse
// opens most, close with Escape too.
func TestEveryDialogClosesWithEscape(t *testing.T) {
	calls := dialogCalls(t)
	if len(calls) == 0 {
		t.Fatal("no dialog found in the kiosk's code: is the scan broken?")
	}
	for _, c := range calls {
		if dialogOpeners[c] == nil {
			t.Errorf("a dialog is opened by %s: add it to dialogOpeners so that it is checked to close with Escape", c)
		}
	}
	now := time.Now()
	dir := ward(t, now, 0)
	for _, wc := range windowCases {
		t.Run(fmt.Sprintf("%s large=%v", wc.lang, wc.large), func(t *testing.T) {
			k := kioskAt(t, dir, now, wc.lang, wc.large)
			for _, c := range calls {
				open := dialogOpeners[c]
				if open == nil {
					continue
				}
				want := open(t, k)
				uitest.Settle(k.work.Wait)
				if got := dialogText(k); !strings.Contains(got, want) {
					t.Fatalf("%s: the dialog reads %q, want %q", c, got, want)
				}
				press(k, fyne.KeyEscape)
				if got := dialogText(k); got != "" {
					t.Errorf("%s: Escape left the dialog open: %q", c, got)
				}
			}
			for _, s := range []*widget.Select{k.census.sortSelect, k.census.showSelect} {
				k.win.Canvas().Focus(s)
				press(k, fyne.KeySpace)
				if k.win.Canvas().Overlays().Top() == nil {
					t.Fatalf("Space did not open the list of %q", s.Selected)
				}
				press(k, fyne.KeyEscape)
				if k.win.Canvas().Overlays().Top() != nil {
					t.Errorf("Escape left the list of %q open", s.Selected)
				}
			}
		})
	}
}
