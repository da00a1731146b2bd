package kiosk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"lifeboat/app/pack"
	"lifeboat/app/present"
	"lifeboat/store"
)

// printShortcut prints: the open chart's pack, or the census and the whole
// ward when no chart is open. Ctrl+P (Cmd+P on a Mac).
var printShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}

// printPack writes the downtime pack as a PDF in the print folder and
// opens it in the system's viewer, to print from there. The charts are
// read on the UI thread (the snapshot may be swapped or closed after), the
// PDF is written off it. Every patient printed goes into the audit trail.
func (k *Kiosk) printPack() {
	if k.snap == nil {
		return
	}
	k.touch()
	sel := pack.Selection{All: true, Census: true}
	if c := k.chart.current; c != nil && !store.IsTemporaryID(c.Patient.ID) {
		sel = pack.Selection{Patient: c.Patient.ID}
	}
	now := k.opt.Now()
	p := pack.Pack{Manifest: k.snap.Manifest, Warning: present.BannerWarning(k.snap, now), Printed: now, PrintedBy: k.user}
	var entries []store.JournalEntry
	if k.journal != nil {
		var err error
		entries, err = k.journal.List(context.Background())
		p.JournalUnreadable = err != nil
	} else {
		p.JournalUnreadable = true
	}
	if err := pack.Gather(context.Background(), k.snap.Ward, entries, sel, &p); err != nil {
		dialog.ShowError(errors.New(present.PrintFailed), k.win)
		return
	}
	var res pack.Result
	k.writePDF("lifeboat-pack-"+now.Local().Format("20060102-150405"), func(w io.Writer) (int, error) {
		var err error
		res, err = pack.Write(w, p)
		return res.Pages, err
	}, func() {
		for _, s := range res.Sections {
			details := fmt.Sprintf("downtime pack, generation %d, pages %d-%d of %d", p.Manifest.Generation, s.First, s.Last, res.Pages)
			if s.PatientID == "" {
				details = fmt.Sprintf("census of ward %s, generation %d, pages %d-%d of %d", s.Ward, p.Manifest.Generation, s.First, s.Last, res.Pages)
			}
			k.recordDetails(store.AuditPrint, s.PatientID, details)
		}
	})
}

// printLabel prints the label of a patient registered during downtime.
func (k *Kiosk) printLabel(e store.Entry) {
	if k.snap == nil || e.Registration == nil {
		return
	}
	k.touch()
	l := pack.Label{Registration: *e.Registration, ID: e.Patient, Printed: k.opt.Now(), PrintedBy: k.user}
	k.writePDF("lifeboat-label-"+l.Printed.Local().Format("20060102-150405"), func(w io.Writer) (int, error) {
		return 1, pack.WriteLabel(w, l)
	}, func() { k.recordDetails(store.AuditPrint, e.Patient, "registration label") })
}

// writePDF writes a PDF off the UI thread into the print folder, then, on
// it, audits the print and opens the file in the system's viewer, saying
// where it is.
func (k *Kiosk) writePDF(name string, write func(io.Writer) (pages int, err error), audit func()) {
	dir, session := k.opt.PrintDir, k.session
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		var pages int
		path, err := writeNewPDF(dir, name, func(w io.Writer) error {
			var err error
			pages, err = write(w)
			return err
		})
		fyne.Do(func() {
			if k.session != session {
				return // locked meanwhile: the file is written, but nothing more is shown
			}
			if err != nil {
				dialog.ShowError(errors.New(present.PrintFailed), k.win)
				return
			}
			audit()
			k.lastPrint = path
			msg := fmt.Sprintf(present.PrintedTo, pages, path)
			if err := k.opt.Open(path); err != nil {
				msg += " " + present.OpenItYourself
			}
			dialog.ShowInformation(present.PrintTitle, msg, k.win)
		})
	}()
}

// writeNewPDF writes a new file (never over another) in dir, named
// name.pdf, or name-2.pdf and so on when that is taken.
func writeNewPDF(dir, name string, write func(io.Writer) error) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	var f *os.File
	var path string
	var err error
	for n := 1; n <= 100; n++ {
		path = filepath.Join(dir, name+".pdf")
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d.pdf", name, n))
		}
		if f, err = os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); !os.IsExist(err) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// DefaultPrintDir is where printed packs go: a folder of the user's own,
// outside the data folder (a pack is plaintext, to be printed and deleted).
func DefaultPrintDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "lifeboat-print")
	}
	return filepath.Join(os.TempDir(), "lifeboat-print")
}

// openInViewer opens a file with the system's viewer, without waiting.
func openInViewer(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	case "darwin":
		cmd = exec.Command("open", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
