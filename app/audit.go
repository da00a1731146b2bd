package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strings"

	"lifeboat/internal/durable"
	"lifeboat/store"
)

// auditCmd is "lifeboat audit verify" and "lifeboat audit export".
func (c *cli) auditCmd(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return c.auditVerifyCmd(args[1:])
		case "export":
			return c.auditExportCmd(args[1:])
		}
	}
	if len(args) > 0 && isHelp(args[0]) {
		printHelp(c.stdout, "audit", nil)
		return nil
	}
	// The argument is not repeated: it may be an MRN typed in the wrong place.
	return usagef("audit takes verify or export (see lifeboat audit --help)")
}

func (c *cli) auditVerifyCmd(args []string) error {
	f := c.vaultFlags("audit verify")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	rows, rep, err := store.ReadAudit(dir, keys)
	if err != nil {
		return err
	}
	c.auditPending(rep)
	if p := rep.First(); p != nil {
		fmt.Fprintf(c.stdout, "%s; the trail is altered:\n", auditRecords(rep.Records))
		for i, q := range rep.Problems {
			if i == 20 {
				fmt.Fprintf(c.stdout, "  and %d more.\n", len(rep.Problems)-i)
				break
			}
			fmt.Fprintf(c.stdout, "  %s (%s)\n", q.Text, q.Kind)
		}
		return fmt.Errorf("%w: %s", store.ErrAuditAltered, p.Text)
	}
	fmt.Fprintf(c.stdout, "%s, chain intact.\n", auditRecords(rep.Records))
	// The trail witnessed every entry of the journal: the two are checked
	// together.
	ctx := context.Background()
	j, err := store.OpenJournalWithAudit(ctx, dir, keys, store.AuditRead{Rows: rows, Report: rep})
	if err != nil {
		return err
	}
	defer j.Close()
	check, err := checkJournal(ctx, j, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Downtime journal: %s", count(check.Entries, "entry", "entries"))
	if check.OK() {
		fmt.Fprintln(c.stdout, ", each signed and chained, none missing against the trail.")
		return nil
	}
	fmt.Fprintln(c.stdout, ".")
	printJournalProblems(c.stdout, check.Problems)
	return check.Err()
}

func (c *cli) auditExportCmd(args []string) error {
	f := c.vaultFlags("audit export")
	out := f.String("out", "", "file to write")
	format := f.String("format", "jsonl", "jsonl or csv")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	switch {
	case *out == "":
		return usagef("--out FILE is required")
	case *format != "jsonl" && *format != "csv":
		return usagef("--format must be jsonl or csv")
	case durable.Inside(dir, *out):
		return usagef("--out must be outside the data folder: the export is plaintext")
	}
	if _, err := os.Lstat(*out); err == nil {
		return usagef("the --out file already exists; nothing was overwritten")
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return usagef("the --out file already exists; nothing was overwritten")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("creating the --out file: %w", pe.Err) // the path is the user's, not repeated
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stderr, "Warning: the export holds the audit trail in plaintext (names, patient ids), for compliance staff after recovery. Move it off this kiosk and delete it here.")
	bw := bufio.NewWriter(file)
	rep, err := store.ExportAudit(dir, keys, bw, *format)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return fmt.Errorf("writing the export: %w", err)
	}
	c.audit(dir, keys, store.AuditExport, "")
	fmt.Fprintf(c.stdout, "Exported %s to %s (%s).\n", auditRecords(rep.Records), *out, *format)
	c.auditPending(rep)
	if p := rep.First(); p != nil {
		return fmt.Errorf("%w: %s (the export was written; each record's status is in it)", store.ErrAuditAltered, p.Text)
	}
	return nil
}

func (c *cli) auditPending(rep store.AuditReport) {
	if rep.Pending > 0 {
		fmt.Fprintf(c.stdout, "%d %s recorded while locked (failed unlocks, work done with the IT recovery key) will be signed into the trail at the next unlock.\n",
			rep.Pending, auditPlural(rep.Pending, "event", "events"))
	}
}

// audit records one action in the audit trail, attributed to whoever the
// command acts for. It never stops the work (a nurse needs the chart): if
// the trail cannot be written, it says so on stderr.
//
// Keys opened with IT's recovery key cannot sign: their actions are kept
// as events recorded while locked, which the next unlock with the ward
// passphrase signs into the trail.
func (c *cli) audit(dir string, keys *store.Keys, action, subject string) {
	c.auditDetails(dir, keys, action, subject, "")
}

func (c *cli) auditDetails(dir string, keys *store.Keys, action, subject, details string) {
	r := store.AuditRecord{Time: c.now(), Actor: c.auditActor(), Action: action, Subject: subject, Details: details}
	a, err := store.OpenAudit(dir, keys)
	if err == nil {
		err = a.Append(r)
	} else if errors.Is(err, store.ErrCannotSign) {
		err = store.AuditWhileLocked(dir, r)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "Warning: this was not written to the audit trail ("+err.Error()+"). Call IT.")
	}
}

// auditFailedUnlock records a wrong passphrase while the vault stays
// locked; the next unlock signs it into the trail.
func (c *cli) auditFailedUnlock(dir string) {
	err := store.AuditWhileLocked(dir, store.AuditRecord{Time: c.now(), Actor: c.auditActor(), Action: store.AuditUnlockFailed})
	if err != nil {
		fmt.Fprintln(c.stderr, "Warning: the failed unlock was not written to the audit trail ("+err.Error()+"). Call IT.")
	}
}

// auditActor is who the command line acts for: LIFEBOAT_USER (a name or
// staff number), else the operating system's account.
func (c *cli) auditActor() string {
	if u := strings.TrimSpace(c.getenv("LIFEBOAT_USER")); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "account " + u.Username
	}
	return "unknown"
}

func auditRecords(n int) string { return fmt.Sprintf("%d %s", n, auditPlural(n, "record", "records")) }

func auditPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
