// Package transfer is the transfer summary as it leaves the hospital with
// a patient sent elsewhere during the outage: made from the snapshot and
// the downtime journal (an IPS document Bundle and its PDF, app/ips),
// encrypted for the receiving hospital or said to be plaintext, and
// written as a pair. The command line (lifeboat summary) and the kiosk's
// "Transfer summary" both go through it: a summary is made, encrypted,
// written and described in the audit trail one way.
//
// # Invariants
//
//   - The pair is written whole or not at all: the Bundle is removed again
//     when its PDF cannot be written.
//   - Nothing is replaced: a name already taken (a file, a folder, a link,
//     a FIFO) is refused, and neither is opened or followed.
//   - Nothing is written inside the data folder, whatever links or ".."
//     lead there (durable.Inside).
//   - A passphrase is held to the ward passphrase's measure
//     (store.CheckPassphrase), and to at least MinPassphrase characters:
//     the files can be attacked offline for years.
//   - Nothing here names a patient in a file name or an error.
package transfer

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/ips"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Source is what a summary is made of.
type Source struct {
	Snapshot *store.Snapshot // its data time and generation, and the banner's warning
	Chart    *clinical.Chart
	// Entries are the patient's downtime entries as the journal holds
	// them; cancelled and corrected ones are left out here.
	Entries []store.JournalEntry
	// Problems are what verification of the journal found for this
	// patient; JournalUnreadable says the journal could not be read at
	// all. Either is said first, on paper and in the Composition.
	Problems          []store.JournalProblem
	JournalUnreadable bool
	Now               time.Time
	By                string // who makes it, as the audit trail names them
}

// Summary is a made summary: the Bundle (ips.Summary) and its PDF.
type Summary struct {
	*ips.Summary
	PDF   []byte
	Pages int
}

// Make makes the summary of src.Chart's patient, in the language in use.
func Make(src Source) (*Summary, error) {
	var warnings []string
	if w := present.BannerWarning(src.Snapshot, src.Now); w != "" {
		warnings = append(warnings, w)
	}
	switch {
	case len(src.Problems) > 0:
		warnings = append(warnings, present.JournalProblems(src.Problems))
	case src.JournalUnreadable:
		warnings = append(warnings, i18n.T(present.JournalUnreadable))
	}
	var entries []clinical.Entry
	for _, e := range src.Entries {
		if !e.Superseded() {
			entries = append(entries, e.Entry)
		}
	}
	c, asOf := src.Chart, src.Snapshot.Manifest.AsOf
	sum, err := ips.Build(ips.Input{Chart: c, Entries: entries, AsOf: asOf, Now: src.Now, By: src.By, Warnings: warnings})
	if err != nil {
		return nil, fmt.Errorf("the summary could not be made: %w", err)
	}
	h := present.PatientHeader(c.Patient, src.Now)
	page := ips.Page{Patient: h.Name, Header: h.Lines, Freshness: present.Freshness(src.Snapshot.Manifest, src.Now),
		Made: src.Now, By: src.By,
		Warnings: slices.Concat(warnings, []string{present.CodeStatus(present.WithDowntimeCodeStatus(c, src.Entries)), present.AllergyBanner(c)})}
	var pdf bytes.Buffer
	pages, err := ips.WritePDF(&pdf, sum, page)
	if err != nil {
		return nil, fmt.Errorf("the summary's PDF could not be made: %w", err)
	}
	return &Summary{Summary: sum, PDF: pdf.Bytes(), Pages: pages}, nil
}

// Details is the audit trail's details of a summary sent as how says
// (Encryption.How, or Printed): the document, its size, how it left.
func (s *Summary) Details(how string) string {
	return fmt.Sprintf("document %s, %d resources, PDF %d pages, %s", s.ID, s.Entries, s.Pages, how)
}

// Printed is how a summary left when only its PDF was printed.
const Printed = "printed (the PDF only, in plaintext)"
