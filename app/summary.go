package app

import (
	"context"
	"errors"
	"fmt"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/transfer"
	"lifeboat/store"
)

// summaryCmd writes a patient's transfer summary: an IPS document Bundle
// (FHIR R4 JSON) from the snapshot and the downtime journal, and its
// printed copy as PDF.
//
// Both files are patient data. They are never written into the data
// folder and never replace a file; in the clear unless the nurse
// encrypts them to the receiving hospital's age recipient (--to) or to a
// passphrase (LIFEBOAT_SUMMARY_PASSPHRASE, --passphrase), and the command
// says which.
func (c *cli) summaryCmd(args []string) error {
	f := c.vaultFlags("summary")
	patient := f.String("patient", "", "FHIR id or identifier (e.g. MRN)")
	out := f.String("out", "", "the IPS Bundle to write (FHIR R4 JSON)")
	pdf := f.String("pdf", "", "its PDF (default: beside --out, .pdf, or .pdf.age encrypted)")
	to := f.String("to", "", "encrypt both files to the receiving hospital's age recipient (age1pq1… or age1…)")
	withPass := f.Bool("passphrase", false, "encrypt both files to the passphrase in LIFEBOAT_SUMMARY_PASSPHRASE")
	langText := f.String("lang", "en", "language of the PDF and of the summary's words: en, nl or fr")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	switch {
	case *patient == "":
		return usagef("--patient ID is required")
	case *out == "":
		return usagef("--out FILE is required")
	case *to != "" && *withPass:
		return usagef("choose --to RECIPIENT or --passphrase, not both")
	}
	lang, err := parseLang(*langText)
	if err != nil {
		return err
	}
	enc, err := c.summaryEncryption(*to, *withPass)
	if err != nil {
		return err
	}
	pair := transfer.Pair{Bundle: *out, PDF: *pdf}
	if pair.PDF == "" {
		pair.PDF = transfer.PDFBeside(*out, enc)
	}
	if err := summaryPairError(pair.Check(dir)); err != nil {
		return err
	}

	ctx := context.Background()
	keys, snap, err := c.openSnapshot(ctx, dir)
	if err != nil {
		return err
	}
	defer snap.Close()
	chart, err := snap.Chart(ctx, *patient)
	if err != nil {
		return err
	}
	// The summary's words in the language asked for; the command's own
	// messages stay English.
	if lang != "" {
		defer i18n.Set(i18n.Current())
		i18n.Set(lang)
	}
	// A journal that cannot be read whole does not stop a transfer: the
	// summary is made with the entries that verified, says on its first
	// lines (and in the Composition's text) that others are not shown, and
	// the command ends with the journal's error, as print does.
	d := downtimeFor(ctx, dir, keys, chart.Patient.ID)
	sum, err := transfer.Make(transfer.Source{Snapshot: snap, Chart: chart, Entries: d.entries, Problems: d.problems,
		JournalUnreadable: d.err != nil, Now: c.now(), By: c.auditActor()})
	if err != nil {
		return err
	}
	if err := summaryPairError(pair.Write(dir, enc, sum)); err != nil {
		return err
	}
	c.auditDetails(dir, keys, store.AuditSummary, chart.Patient.ID, sum.Details(enc.How()))
	if !enc.Encrypted() {
		fmt.Fprintln(c.stderr, "Warning: the summary and its PDF hold patient data in plaintext. Hand them over, then delete them here; --to RECIPIENT or --passphrase encrypts them.")
	}
	fmt.Fprintf(c.stdout, "Wrote the patient summary to %s (%d resources) and its PDF to %s (%d %s), %s; data as of %s.\n",
		pair.Bundle, sum.Entries, pair.PDF, sum.Pages, auditPlural(sum.Pages, "page", "pages"), enc.How(), present.DateTime(snap.Manifest.AsOf))
	if d.err != nil {
		return fmt.Errorf("the summary was written without the downtime entries that could not be read: %w", d.err)
	}
	return nil
}

// summaryEncryption is how the files are written: to the recipient given,
// to the passphrase, or in plaintext.
func (c *cli) summaryEncryption(to string, withPass bool) (transfer.Encryption, error) {
	switch {
	case to != "":
		e, err := transfer.ToRecipient(to)
		if err != nil {
			return e, usagef("--to must be one age recipient (age1pq1… or age1…)")
		}
		if e.Classic {
			fmt.Fprintln(c.stderr, "Warning: the recipient is X25519 (age1…), not post-quantum; an age1pq1… recipient keeps the summary confidential for longer.")
		}
		return e, nil
	case withPass:
		e, err := transfer.ToPassphrase(c.getenv("LIFEBOAT_SUMMARY_PASSPHRASE"))
		switch {
		case errors.Is(err, transfer.ErrShortPassphrase):
			return e, usagef("--passphrase needs LIFEBOAT_SUMMARY_PASSPHRASE set to a passphrase of at least %d characters, agreed with the receiving hospital", transfer.MinPassphrase)
		case errors.Is(err, store.ErrWeakPassphrase):
			return e, usagef("--passphrase: %s", err.Error())
		}
		return e, err
	}
	return transfer.Plaintext, nil
}

// summaryPairError is the pair's refusal in the command's words (its
// flags); other errors (a file that could not be written) as they are.
func summaryPairError(err error) error {
	var exists *transfer.ExistsError
	switch {
	case errors.Is(err, transfer.ErrInsideDataFolder):
		return usagef("--out and --pdf must be outside the data folder: the summary is patient data")
	case errors.As(err, &exists) && exists.PDF:
		return usagef("the --pdf file already exists; nothing was overwritten")
	case errors.As(err, &exists):
		return usagef("the --out file already exists; nothing was overwritten")
	case errors.Is(err, transfer.ErrSameFile):
		return usagef("--pdf must differ from --out")
	}
	return err
}
