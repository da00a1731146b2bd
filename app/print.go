package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"lifeboat/app/pack"
	"lifeboat/app/present"
	"lifeboat/internal/durable"
	"lifeboat/store"
)

// printCmd writes a downtime pack as PDF: one patient, the whole census,
// the census table, or the census table and every patient.
//
// The PDF is patient data in the clear, made to be printed: it is never
// written into the data folder, never replaces a file, and its name, when
// the command chooses it, says the ward and the time, never the patient.
// "--out -" writes it to standard output, for a print command, so that it
// need not touch the disk at all.
func (c *cli) printCmd(args []string) error {
	f := c.vaultFlags("print")
	patient := f.String("patient", "", "FHIR id or identifier (e.g. MRN)")
	all := f.Bool("all", false, "every patient of the snapshot, each from a new page")
	census := f.Bool("census", false, "the census table first")
	out := f.String("out", "", "PDF file to write, a folder to write it in, or - for standard output")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	switch {
	case *patient != "" && *all:
		return usagef("choose --patient ID or --all, not both")
	case *patient == "" && !*all && !*census:
		return usagef("choose what to print: --patient ID, --all or --census")
	case *out == "":
		return usagef("--out FILE.pdf is required (or a folder, or - for standard output)")
	case *out != "-" && durable.Inside(dir, *out):
		return usagef("--out must be outside the data folder: the pack is plaintext")
	}
	if tty, ok := c.stdout.(*os.File); ok && *out == "-" && term.IsTerminal(int(tty.Fd())) {
		return usagef("--out - writes the PDF to standard output: send it to a print command or a file, not to the terminal")
	}
	intoFolder := false
	if *out != "-" {
		st, err := os.Stat(*out)
		switch {
		case err == nil && st.IsDir():
			intoFolder = true
		case err == nil:
			return usagef("the --out file already exists; nothing was overwritten")
		}
	}
	ctx := context.Background()
	keys, snap, err := c.openSnapshot(ctx, dir)
	if err != nil {
		return err
	}
	defer snap.Close()
	now := c.now()

	// The journal: what this kiosk recorded during the outage is printed,
	// and a dose recorded given is the order's last dose. A journal that
	// cannot be read does not stop the print (the pages say so), but ends
	// the command with its error, as the chart does.
	entries, check, journalErr := readJournal(ctx, dir, keys)
	if journalErr == nil {
		journalErr = check.Err() // printed with what verified; the pages say the rest is not shown
	}
	p := pack.Pack{Manifest: snap.Manifest, Warning: present.BannerWarning(snap, now), JournalUnreadable: journalErr != nil,
		Printed: now, PrintedBy: c.auditActor()}
	sel := pack.Selection{Patient: *patient, All: *all, Census: *census}
	if err := pack.Gather(ctx, snap.Ward, entries, sel, &p); err != nil {
		if errors.Is(err, pack.ErrEmptyWard) {
			return usageError{err.Error()}
		}
		return err
	}

	var res pack.Result
	write := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		var err error
		if res, err = pack.Write(bw, p); err != nil {
			return err
		}
		return bw.Flush()
	}
	var where string
	switch {
	case *out == "-":
		if err := write(c.stdout); err != nil {
			return err
		}
	case intoFolder:
		if where, err = writeNewNamed(*out, packName(snap.Manifest, *all, *census, now), write); err != nil {
			return err
		}
	default:
		if err := writeNewFile(*out, write); err != nil {
			return err
		}
		where = *out
	}
	c.auditPrint(dir, keys, p, res)
	if *out != "-" {
		fmt.Fprintln(c.stderr, "Warning: the PDF holds patient data in plaintext. Print it, then delete the file.")
		fmt.Fprintf(c.stdout, "Wrote %s to %s: %d %s, data as of %s.\n", describePack(p), where, res.Pages,
			auditPlural(res.Pages, "page", "pages"), present.DateTime(snap.Manifest.AsOf))
	}
	if journalErr != nil {
		return fmt.Errorf("the pack was written without the entries recorded during downtime: %w", journalErr)
	}
	return nil
}

func describePack(p pack.Pack) string {
	var parts []string
	if len(p.Census) > 0 {
		parts = append(parts, "the census")
	}
	switch n := len(p.Patients); {
	case n == 1 && len(p.Census) == 0:
		parts = append(parts, "the pack of 1 patient")
	case n > 0:
		parts = append(parts, fmt.Sprintf("%d %s", n, auditPlural(n, "patient", "patients")))
	}
	return strings.Join(parts, " and ")
}

// auditPrint records the print: a record per patient printed, and one for
// the census, each saying which pages, so that a sheet found later can be
// traced to who printed it. Like every audit, it never stops the work.
func (c *cli) auditPrint(dir string, keys *store.Keys, p pack.Pack, res pack.Result) {
	a, err := store.OpenAudit(dir, keys)
	for _, r := range pack.AuditRecords(p, res) {
		if err != nil {
			break
		}
		r.Time, r.Actor = p.Printed, c.auditActor()
		err = a.Append(r)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "Warning: this print was not written to the audit trail ("+err.Error()+"). Call IT.")
	}
}

// packName is the name the command chooses in a folder: the ward or
// census, the data time and the time of printing, never a patient.
func packName(m store.Manifest, all, census bool, now time.Time) string {
	what := "patient"
	switch {
	case all:
		what = "ward"
	case census:
		what = "census"
	}
	scope := m.Census.Mode
	if m.Census.Mode == "ward" && m.Census.Ward != "" {
		scope = m.Census.Ward
	}
	return fmt.Sprintf("lifeboat-%s-%s-data-%s-printed-%s.pdf", what, safeName(scope),
		m.AsOf.Local().Format("20060102-1504"), now.Local().Format("20060102-150405"))
}

// safeName keeps letters, digits, '.' and '-' of a ward id.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "ward"
	}
	return b.String()
}

// errExists says that the file to write is already there.
var errExists = errors.New("the --out file already exists; nothing was overwritten")

// writeNewFile is durable.WriteNew of a pack, with the command's wording:
// an existing file is bad usage.
func writeNewFile(path string, write func(io.Writer) error) error {
	return outError(durable.WriteNew(path, 0o600, write))
}

// writeNewNamed is pack.WriteNewNamed with the command's wording.
func writeNewNamed(dir, name string, write func(io.Writer) error) (string, error) {
	path, err := pack.WriteNewNamed(dir, name, write)
	return path, outError(err)
}

func outError(err error) error {
	switch {
	case errors.Is(err, durable.ErrExists):
		return usageError{errExists.Error()}
	case errors.Is(err, pack.ErrNoFreeName):
		return usagef("the --out folder already holds a hundred packs of this minute; nothing was overwritten")
	}
	return err
}
