package kiosk

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/transfer"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// A patient sent to another hospital during the outage leaves with a
// transfer summary (app/transfer, as lifeboat summary makes it): the IPS
// Bundle and its PDF on a USB stick, or the PDF printed. The dialog asks
// where to and how: in plaintext (the default, said plainly), encrypted to
// the receiving hospital's age recipient, or to a passphrase agreed with
// it by phone. The summary is made and written off the UI thread, then
// audited as the command line audits it.

// The dialog's words.
const (
	summaryButton      = "Transfer summary"
	summaryTitle       = "Transfer summary for %s"
	summaryIntro       = "The patient summary (IPS) of this chart and what was documented during the downtime: a FHIR document for the receiving hospital's system, and its PDF to read."
	summaryWhereLabel  = "Where to"
	summaryOtherFolder = "Another folder…"
	summaryPrint       = "Print (the PDF only)"
	summaryFolderLabel = "Folder"
	summaryFolderHint  = "the USB stick's folder, e.g. /media/nurse/USB or E:\\"
	summaryHowLabel    = "How"
	summaryPlaintext   = "Plaintext"
	summaryToRecipient = "Encrypted to the receiving hospital's age recipient"
	summaryToPass      = "Encrypted to a passphrase"
	summaryRecipient   = "Age recipient"
	summaryRecipHint   = "age1pq1… or age1…, as the receiving hospital gave it"
	summaryPass        = "Passphrase"
	summaryPassAgain   = "Passphrase again"
	summaryWrite       = "Write"
	summaryCancel      = "Cancel"
	summaryWriting     = "Writing the summary…"

	summaryPlainNote = "Both files hold patient data in the clear: anyone with the stick can read them. Hand them over, then delete them from the stick."
	summaryRecipNote = "Only the receiving hospital's identity opens the files (age)."
	summaryPassNote  = "Agree the passphrase with the receiving hospital by phone, never on the stick or with the patient: at least 12 characters, four or more unrelated words."
	summaryPrintNote = "The PDF is written to the print folder and opened to print; the FHIR document is not written."
	summaryClassic   = "This recipient is X25519 (age1…), not post-quantum: an age1pq1… recipient keeps the summary confidential for longer."

	summaryNoFolder   = "Choose the folder to write to: the USB stick the summary leaves on."
	summaryDataFolder = "The summary cannot be written in the data folder: choose the USB stick."
	summaryExists     = "A summary of that name is already in that folder; nothing was overwritten."
	summaryBadRecip   = "That is not an age recipient: it starts with age1pq1 or age1, as the receiving hospital gave it."
	summaryPassDiffer = "The two passphrases differ: type the same one twice."
	summaryPassShort  = "The passphrase must have at least 12 characters."
	summaryPassWeak   = "The passphrase is too easy to guess: use four or more unrelated words, not a common word, a name or a repeated pattern."
	summaryNotWritten = "The summary could not be written to that folder, and nothing of it was left there: check the USB stick and try again."
	summaryNotMade    = "The summary could not be made. Call IT."

	summaryDoneTitle = "Transfer summary written"
	summaryDone      = "Written to %s: %s (the FHIR document, %d resources) and %s (the PDF, %s), %s."
	summaryOnePage   = "1 page"
	summaryPages     = "%d pages"
	summaryDonePlain = "in plaintext: hand them over, then delete them from the stick"
	summaryDoneRecip = "encrypted to the receiving hospital's recipient"
	summaryDonePass  = "encrypted to the passphrase agreed by phone"
)

// summaryDialog is the open "Transfer summary" dialog.
type summaryDialog struct {
	k       *Kiosk
	chart   *clinical.Chart
	dialog  *dialog.CustomDialog
	keys    *formKeys
	media   []string // the removable media offered, in where's order
	where   *formSelect
	folder  *formEntry
	how     *formSelect
	recip   *formEntry
	pass    *formEntry
	again   *formEntry
	note    *widget.Label // what the choice means
	message *widget.Label // why it cannot be written
	write   *formButton
	busy    bool
	// The labels of the fields shown or hidden by the choices.
	folderLabel, recipLabel, passLabel, againLabel *widget.Label
}

// summaryButton is the chart header's "Transfer summary".
func (v *chartView) summaryButton(c *clinical.Chart) *widget.Button {
	return widget.NewButton(i18n.T(summaryButton), func() { v.k.openSummary(c) })
}

// openSummary opens the dialog for chart c.
func (k *Kiosk) openSummary(c *clinical.Chart) {
	if k.snap == nil {
		return
	}
	k.touch()
	s := &summaryDialog{k: k, chart: c, media: k.media()}
	s.keys = &formKeys{submit: s.submit, cancel: s.close, lock: k.Lock}
	where := append(append([]string{}, s.media...), i18n.T(summaryOtherFolder), i18n.T(summaryPrint))
	s.where = newFormSelect(s.keys, where, func(string) { s.choose() })
	s.folder = newFormEntry(s.keys, false)
	s.folder.SetPlaceHolder(i18n.T(summaryFolderHint))
	s.how = newFormSelect(s.keys, i18n.All([]string{summaryPlaintext, summaryToRecipient, summaryToPass}), func(string) { s.choose() })
	s.recip = newFormEntry(s.keys, false)
	s.recip.SetPlaceHolder(i18n.T(summaryRecipHint))
	s.pass, s.again = newFormEntry(s.keys, false), newFormEntry(s.keys, false)
	s.pass.Password, s.again.Password = true, true
	for _, e := range []*formEntry{s.folder, s.recip, s.pass, s.again} {
		e.OnChanged = func(string) { k.touch(); s.choose() }
	}
	s.note, s.message = wrapped(""), wrapped("")
	s.note.TextStyle.Bold = true
	s.message.Importance = widget.DangerImportance
	s.write = newFormButton(s.keys, i18n.T(summaryWrite), s.submit)
	s.write.Importance = widget.HighImportance
	cancel := newFormButton(s.keys, i18n.T(summaryCancel), s.close)

	label := func(text string) *widget.Label { return widget.NewLabel(i18n.T(text)) }
	s.folderLabel, s.recipLabel = label(summaryFolderLabel), label(summaryRecipient)
	s.passLabel, s.againLabel = label(summaryPass), label(summaryPassAgain)
	fields := container.New(layout.NewFormLayout(),
		label(summaryWhereLabel), s.where, s.folderLabel, s.folder,
		label(summaryHowLabel), s.how, s.recipLabel, s.recip, s.passLabel, s.pass, s.againLabel, s.again)
	content := container.NewVBox(wrapped(i18n.T(summaryIntro)), fields, s.note, s.message)
	s.dialog = dialog.NewCustomWithoutButtons(i18n.F(summaryTitle, c.Patient.Name), content, k.win)
	s.dialog.SetButtons([]fyne.CanvasObject{cancel, s.write})
	s.where.SetSelectedIndex(0)
	s.how.SetSelectedIndex(0)
	k.summary = s
	s.dialog.Resize(fyne.NewSize(680, 0))
	s.dialog.Show()
	k.win.Canvas().Focus(s.where)
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// printing says whether the PDF is to be printed, not written to a folder.
func (s *summaryDialog) printing() bool { return s.where.SelectedIndex() == len(s.where.Options)-1 }

// choose shows the fields and the note of what is chosen.
func (s *summaryDialog) choose() {
	if s.where == nil || s.how == nil || s.note == nil {
		return // still being made
	}
	s.message.SetText("")
	show := func(on bool, os ...fyne.CanvasObject) {
		for _, o := range os {
			if on {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}
	show(s.where.SelectedIndex() == len(s.media), s.folderLabel, s.folder)
	if s.printing() {
		s.how.Disable()
	} else {
		s.how.Enable()
	}
	how := s.how.SelectedIndex()
	show(!s.printing() && how == 1, s.recipLabel, s.recip)
	show(!s.printing() && how == 2, s.passLabel, s.pass, s.againLabel, s.again)
	note := summaryPlainNote
	switch {
	case s.printing():
		note = summaryPrintNote
	case how == 1:
		note = summaryRecipNote
		if e, err := transfer.ToRecipient(s.recip.Text); err == nil && e.Classic {
			note = summaryClassic
		}
	case how == 2:
		note = summaryPassNote
	}
	s.note.SetText(i18n.T(note))
	s.dialog.Resize(fyne.NewSize(680, 0))
}

// close closes the dialog, unless the summary is being written.
func (s *summaryDialog) close() {
	if s.busy {
		return
	}
	s.dialog.Hide()
	if s.k.summary == s {
		s.k.summary = nil
	}
}

// refuse says in the dialog why the summary cannot be written.
func (s *summaryDialog) refuse(message string) {
	s.message.SetText(i18n.T(message))
	s.dialog.Resize(fyne.NewSize(680, 0))
}

// submit checks what was chosen, then prints the PDF or writes the pair.
func (s *summaryDialog) submit() {
	k := s.k
	if s.busy || k.snap == nil {
		return
	}
	k.touch()
	if s.printing() {
		s.close()
		k.printSummary(s.chart)
		return
	}
	folder := strings.TrimSpace(s.folder.Text)
	if i := s.where.SelectedIndex(); i >= 0 && i < len(s.media) {
		folder = s.media[i]
	}
	if folder == "" {
		s.refuse(summaryNoFolder)
		return
	}
	enc, refusal := s.encryption()
	if refusal != "" {
		s.refuse(refusal)
		return
	}
	pair := transfer.InFolder(folder, k.opt.Now(), enc)
	if msg := summaryRefusal(pair.Check(k.opt.Dir)); msg != "" {
		s.refuse(msg)
		return
	}
	s.busy = true
	s.write.Disable()
	s.message.SetText(i18n.T(summaryWriting))
	k.writeSummary(s.chart, pair, enc, func(sum *transfer.Summary, err error) {
		s.busy = false
		s.write.Enable()
		if err != nil {
			s.refuse(summaryRefusal(err))
			return
		}
		s.close()
		ui.ShowInfo(i18n.T(summaryDoneTitle), summaryWritten(folder, pair, sum, enc), k.win)
	})
}

// encryption is the "how" chosen, or why it cannot be used (English, the
// key of its translation).
func (s *summaryDialog) encryption() (transfer.Encryption, string) {
	switch s.how.SelectedIndex() {
	case 1:
		e, err := transfer.ToRecipient(s.recip.Text)
		if err != nil {
			return e, summaryBadRecip
		}
		return e, ""
	case 2:
		if s.pass.Text != s.again.Text {
			return transfer.Encryption{}, summaryPassDiffer
		}
		e, err := transfer.ToPassphrase(s.pass.Text)
		switch {
		case errors.Is(err, transfer.ErrShortPassphrase):
			return e, summaryPassShort
		case err != nil: // too easy to guess (store.ErrWeakPassphrase)
			return e, summaryPassWeak
		}
		return e, ""
	}
	return transfer.Plaintext, ""
}

// summaryRefusal is the sentence (English, the key of its translation)
// for a pair that cannot be written, "" for none.
func summaryRefusal(err error) string {
	var exists *transfer.ExistsError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, transfer.ErrInsideDataFolder):
		return summaryDataFolder
	case errors.As(err, &exists):
		return summaryExists
	case errors.Is(err, errSummaryNotMade):
		return summaryNotMade
	}
	return summaryNotWritten
}

var errSummaryNotMade = errors.New("the summary could not be made")

// summaryWritten says what was written, and how.
func summaryWritten(folder string, p transfer.Pair, s *transfer.Summary, e transfer.Encryption) string {
	pages := i18n.T(summaryOnePage)
	if s.Pages != 1 {
		pages = i18n.F(summaryPages, s.Pages)
	}
	how := summaryDonePlain
	switch e.How() {
	case transfer.HowRecipient:
		how = summaryDoneRecip
	case transfer.HowPassphrase:
		how = summaryDonePass
	}
	return i18n.F(summaryDone, folder, filepath.Base(p.Bundle), s.Entries, filepath.Base(p.PDF), pages, i18n.T(how))
}

// summarySource reads what chart c's summary is made of: the patient's
// entries (off the UI thread, from journal), and what verification found
// as of its last read (problems, read on the UI thread).
func summarySource(journal *store.Journal, problems []store.JournalProblem, src transfer.Source) transfer.Source {
	src.Problems = store.ProblemsFor(problems, src.Chart.Patient.ID)
	src.JournalUnreadable = journal == nil
	if journal != nil {
		all, err := journal.List(context.Background())
		src.Entries, src.JournalUnreadable = store.ForPatient(all, src.Chart.Patient.ID), err != nil
	}
	return src
}

// writeSummary makes chart c's summary and writes the pair off the UI
// thread, then audits it and calls done on the UI thread. A lock
// meanwhile does not undo what was written: it is audited all the same,
// and done is not called.
func (k *Kiosk) writeSummary(c *clinical.Chart, pair transfer.Pair, enc transfer.Encryption, done func(*transfer.Summary, error)) {
	session, journal, problems, audit, dir := k.session, k.journal, k.journalProblems(), k.audit, k.opt.Dir
	src := transfer.Source{Snapshot: k.snap, Chart: c, Now: k.opt.Now(), By: k.user}
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		sum, err := transfer.Make(summarySource(journal, problems, src))
		if err != nil {
			err = errors.Join(errSummaryNotMade, err)
		} else {
			err = pair.Write(dir, enc, sum)
		}
		ui.Do(func() {
			if err == nil {
				details := sum.Details(enc.How())
				if k.session == session {
					k.recordDetails(store.AuditSummary, c.Patient.ID, details)
				} else if audit != nil {
					audit.Append(store.AuditRecord{Time: src.Now, Actor: src.By, Action: store.AuditSummary, Subject: c.Patient.ID, Details: details})
				}
			}
			if k.session == session {
				done(sum, err)
			}
		})
	}()
}

// printSummary writes chart c's summary PDF to the print folder and opens
// it, as a pack is printed; the Bundle is not written.
func (k *Kiosk) printSummary(c *clinical.Chart) {
	journal, problems := k.journal, k.journalProblems()
	src := transfer.Source{Snapshot: k.snap, Chart: c, Now: k.opt.Now(), By: k.user}
	var sum *transfer.Summary
	k.writePDF(printJob{name: "lifeboat-summary-" + src.Now.Local().Format("20060102-150405"),
		title: i18n.T(summaryButton), failed: i18n.T(summaryNotMade)}, func(w io.Writer) (int, error) {
		var err error
		if sum, err = transfer.Make(summarySource(journal, problems, src)); err != nil {
			return 0, err
		}
		_, err = w.Write(sum.PDF)
		return sum.Pages, err
	}, func() { k.recordDetails(store.AuditSummary, c.Patient.ID, sum.Details(transfer.Printed)) })
}
