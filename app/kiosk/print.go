package kiosk

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"lifeboat/app/i18n"
	"lifeboat/app/pack"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// printShortcut prints: the open chart's pack, or the census and the whole
// ward when no chart is open. Ctrl+P (Cmd+P on a Mac).
var printShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}

// printPack writes the downtime pack as a PDF in the print folder and
// opens it in the system's viewer, to print from there. The charts and the
// journal are read, and the PDF written, off the UI thread (a whole ward
// may be thousands of charts); a lock meanwhile closes the snapshot and
// the print then fails unseen. Every patient printed goes into the audit
// trail.
func (k *Kiosk) printPack() {
	if k.snap == nil {
		return
	}
	k.touch()
	sel := pack.Selection{All: true, Census: true}
	if c := k.chart.current; c != nil && !clinical.IsTemporaryID(c.Patient.ID) {
		sel = pack.Selection{Patient: c.Patient.ID}
	}
	now := k.opt.Now()
	snap, journal := k.snap, k.journal
	p := pack.Pack{Manifest: snap.Manifest, Warning: present.BannerWarning(snap, now), Printed: now, PrintedBy: k.user}
	var res pack.Result
	k.writePDF(packJob("lifeboat-pack-"+now.Local().Format("20060102-150405")), func(w io.Writer) (int, error) {
		ctx := context.Background()
		var entries []store.JournalEntry
		p.JournalUnreadable = journal == nil
		if journal != nil {
			var err error
			entries, err = journal.List(ctx)
			p.JournalUnreadable = err != nil
		}
		if err := pack.Gather(ctx, snap.Ward, entries, sel, &p); err != nil {
			return 0, err
		}
		var err error
		res, err = pack.Write(w, p)
		return res.Pages, err
	}, func() {
		for _, r := range pack.AuditRecords(p, res) {
			k.recordDetails(r.Action, r.Subject, r.Details)
		}
	})
}

// printLabel prints the label of a patient registered during downtime.
func (k *Kiosk) printLabel(e clinical.Entry) {
	if k.snap == nil || e.Registration == nil {
		return
	}
	k.touch()
	l := pack.Label{Registration: *e.Registration, ID: e.Patient, Printed: k.opt.Now(), PrintedBy: k.user}
	k.writePDF(packJob("lifeboat-label-"+l.Printed.Local().Format("20060102-150405")), func(w io.Writer) (int, error) {
		return 1, pack.WriteLabel(w, l)
	}, func() { k.recordDetails(store.AuditPrint, e.Patient, "registration label") })
}

// printJob is a PDF to print: its file name (without ".pdf"; never a
// patient's), and the title of the dialog that says where it went and
// what that dialog says when it could not be written.
type printJob struct{ name, title, failed string }

// packJob is a pack's or a label's print job.
func packJob(name string) printJob {
	return printJob{name: name, title: i18n.T(present.PrintTitle), failed: i18n.T(present.PrintFailed)}
}

// writePDF writes a PDF off the UI thread as a new file in the print
// folder, then, on the UI thread, audits the print and opens the file in
// the system's viewer, saying where it is.
func (k *Kiosk) writePDF(job printJob, write func(io.Writer) (pages int, err error), audit func()) {
	dir, session := k.opt.PrintDir, k.session
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		var pages int
		path, err := "", os.MkdirAll(dir, 0o700)
		if err == nil {
			path, err = pack.WriteNewNamed(dir, job.name+".pdf", func(w io.Writer) error {
				var err error
				pages, err = write(w)
				return err
			})
		}
		ui.Do(func() {
			if k.session != session {
				clearPrints(dir) // locked meanwhile: nothing of it stays
				return
			}
			if err != nil {
				ui.ShowError(job.failed, k.win)
				return
			}
			audit()
			k.lastPrint = path
			msg := fmt.Sprintf(i18n.T(present.PrintedTo), pages, path)
			if err := k.opt.Open(path); err != nil {
				msg += " " + i18n.T(present.OpenItYourself)
			}
			ui.ShowInfo(job.title, msg, k.win)
		})
	}()
}

// clearPrints removes the packs, labels and summaries the kiosk wrote in
// its print folder: patient data in the clear, kept only while the session that
// printed them is open (the viewer and the printer have them by then).
// The kiosk clears them when it locks, and when it starts (after a crash).
func clearPrints(dir string) {
	for _, pattern := range []string{"lifeboat-pack-*.pdf", "lifeboat-label-*.pdf", "lifeboat-summary-*.pdf"} {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range files {
			os.Remove(f)
		}
	}
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
