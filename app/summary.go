package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"filippo.io/age"

	"lifeboat/app/ips"
	"lifeboat/app/present"
	"lifeboat/clinical"
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
	recipients, err := c.summaryRecipients(*to, *withPass)
	if err != nil {
		return err
	}
	how := encryptedHow(*to, *withPass)
	if *pdf == "" {
		*pdf = strings.TrimSuffix(strings.TrimSuffix(*out, ".age"), ".json") + ".pdf"
		if len(recipients) > 0 {
			*pdf += ".age"
		}
	}
	for _, p := range []struct{ flag, path string }{{"--out", *out}, {"--pdf", *pdf}} {
		if insideFolder(dir, p.path) {
			return usagef("--out and --pdf must be outside the data folder: the summary is patient data")
		}
		if _, err := os.Lstat(p.path); err == nil {
			return usagef("the %s file already exists; nothing was overwritten", p.flag)
		}
	}
	if *out == *pdf {
		return usagef("--pdf must differ from --out")
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
	now, by := c.now(), c.auditActor()
	// A journal that cannot be read whole does not stop a transfer: the
	// summary is made with the entries that verified, says on its first
	// lines (and in the Composition's text) that others are not shown, and
	// the command ends with the journal's error, as print does.
	d := downtimeFor(ctx, dir, keys, chart.Patient.ID)
	var warnings []string
	if w := present.BannerWarning(snap, now); w != "" {
		warnings = append(warnings, w)
	}
	switch {
	case len(d.problems) > 0:
		warnings = append(warnings, present.JournalProblems(d.problems))
	case d.err != nil:
		warnings = append(warnings, present.JournalUnreadable)
	}
	var entries []clinical.Entry
	for _, e := range d.entries {
		if !e.Superseded() {
			entries = append(entries, e.Entry)
		}
	}
	sum, err := ips.Build(ips.Input{Chart: chart, Entries: entries, AsOf: snap.Manifest.AsOf, Now: now, By: by,
		Warnings: warnings})
	if err != nil {
		return fmt.Errorf("the summary could not be made: %w", err)
	}
	h := present.PatientHeader(chart.Patient, now)
	page := ips.Page{Patient: h.Name, Header: h.Lines, Freshness: present.Freshness(snap.Manifest, now), Made: now, By: by,
		Warnings: slices.Concat(warnings, []string{present.CodeStatus(present.WithDowntimeCodeStatus(chart, d.entries)), present.AllergyBanner(chart)})}
	var pdfBytes bytes.Buffer
	pages, err := ips.WritePDF(&pdfBytes, sum, page)
	if err != nil {
		return fmt.Errorf("the summary's PDF could not be made: %w", err)
	}
	if err := writeNewFile(*out, sealed(recipients, sum.Bundle)); err != nil {
		return err
	}
	if err := writeNewFile(*pdf, sealed(recipients, pdfBytes.Bytes())); err != nil {
		os.Remove(*out) // the pair is written whole or not at all
		return err
	}
	c.auditDetails(dir, keys, store.AuditSummary, chart.Patient.ID,
		fmt.Sprintf("document %s, %d resources, PDF %d pages, %s", sum.ID, sum.Entries, pages, how))
	if len(recipients) == 0 {
		fmt.Fprintln(c.stderr, "Warning: the summary and its PDF hold patient data in plaintext. Hand them over, then delete them here; --to RECIPIENT or --passphrase encrypts them.")
	}
	fmt.Fprintf(c.stdout, "Wrote the patient summary to %s (%d resources) and its PDF to %s (%d %s), %s; data as of %s.\n",
		*out, sum.Entries, *pdf, pages, auditPlural(pages, "page", "pages"), how, present.DateTime(snap.Manifest.AsOf))
	if d.err != nil {
		return fmt.Errorf("the summary was written without the downtime entries that could not be read: %w", d.err)
	}
	return nil
}

func encryptedHow(to string, withPass bool) string {
	switch {
	case to != "":
		return "encrypted to the recipient given"
	case withPass:
		return "encrypted to the passphrase"
	}
	return "in plaintext"
}

// summaryRecipients returns whom the files are encrypted to: the
// recipient given, the passphrase, or no one (plaintext).
func (c *cli) summaryRecipients(to string, withPass bool) ([]age.Recipient, error) {
	switch {
	case to != "":
		rs, err := age.ParseRecipients(strings.NewReader(strings.TrimSpace(to)))
		if err != nil || len(rs) != 1 {
			return nil, usagef("--to must be one age recipient (age1pq1… or age1…)")
		}
		if _, classic := rs[0].(*age.X25519Recipient); classic {
			fmt.Fprintln(c.stderr, "Warning: the recipient is X25519 (age1…), not post-quantum; an age1pq1… recipient keeps the summary confidential for longer.")
		}
		return rs, nil
	case withPass:
		p := c.getenv("LIFEBOAT_SUMMARY_PASSPHRASE")
		if len([]rune(p)) < 12 {
			return nil, usagef("--passphrase needs LIFEBOAT_SUMMARY_PASSPHRASE set to a passphrase of at least 12 characters, agreed with the receiving hospital")
		}
		// The files leave the hospital and can be attacked offline for
		// years: the passphrase is held to the ward passphrase's measure.
		if err := store.CheckPassphrase(p); err != nil {
			return nil, usagef("--passphrase: %s", err.Error())
		}
		r, err := age.NewScryptRecipient(p)
		if err != nil {
			return nil, err
		}
		return []age.Recipient{r}, nil
	}
	return nil, nil
}

// sealed writes b through age to rs, or as it is when there are none.
func sealed(rs []age.Recipient, b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		if len(rs) == 0 {
			_, err := w.Write(b)
			return err
		}
		aw, err := age.Encrypt(w, rs...)
		if err != nil {
			return err
		}
		if _, err := aw.Write(b); err != nil {
			return err
		}
		return aw.Close()
	}
}
