package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/app/reportpdf"
	"lifeboat/clinical"
	"lifeboat/internal/durable"
	"lifeboat/store"
	"lifeboat/sync/hub"
	"lifeboat/sync/reconcile"
)

// errWaiting ends a reconciliation that left entries for a person: in
// conflict, to link, or refused by the server (exit status 8).
type errWaiting struct{ n int }

func (e errWaiting) Error() string {
	return fmt.Sprintf("%s wait for a person (see the plan above, then lifeboat reconcile decide)", count(e.n, "entry", "entries"))
}

// reconcileCmd pushes the journal to the EHR, or with --dry-run prints
// the plan; "decide" and "report" are its subcommands.
func (c *cli) reconcileCmd(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "decide":
			return c.decideCmd(args[1:])
		case "report":
			return c.reportCmd(args[1:])
		case "worklist":
			return c.reconcileWorklistCmd(args[1:])
		}
	}
	f := c.vaultFlags("reconcile")
	base := f.String("fhir", "", "FHIR base URL of the EHR")
	dry := f.Bool("dry-run", false, "print the plan and change nothing anywhere")
	asJSON := f.Bool("json", false, "JSON output")
	batch := f.Int("batch", reconcile.DefaultBatch, "most requests per transaction Bundle")
	system := f.String("identifier-system", reconcile.DefaultEntrySystem, "system of entry ids in the EHR")
	tempSystem := f.String("temporary-system", reconcile.DefaultTemporarySystem, "system of temporary patient ids")
	recovery := f.String("recovery-key", "", "file holding IT's recovery key, instead of the ward passphrase")
	hubDir := f.String("hub", "", "the hub's folder: every journal handed in there (needs --recovery-key)")
	ward := f.String("ward", "", "with --hub: only the journals of this ward's kiosks")
	ff := addFHIRFlags(f, "system/*.cruds")
	dir, err := c.reconcileFolder(f, args, hubDir)
	if err != nil {
		return err
	}
	switch {
	case *base == "":
		return usagef("--fhir is required: the FHIR base URL of the EHR")
	case *batch < 1 || *batch > 1000:
		return usagef("--batch must be from 1 to 1000")
	case *hubDir != "" && *recovery == "":
		return usagef("--hub needs --recovery-key: the journals handed in open with IT's recovery key only")
	case *ward != "" && *hubDir == "":
		return usagef("--ward goes with --hub")
	}
	client, err := c.client(*base, ff)
	if err != nil {
		return err
	}
	keys, err := c.reconcileKeys(dir, *recovery)
	if err != nil {
		return err
	}
	ctx, stop := c.interruptible()
	defer stop()
	j, closeJournal, err := c.reconcileJournal(ctx, dir, keys, *hubDir != "", *recovery, *ward)
	if err != nil {
		return err
	}
	defer closeJournal()
	if err := client.Metadata(ctx); err != nil {
		return err
	}
	r := &reconcile.Reconciler{Client: client, Journal: j, Batch: *batch, Describe: present.EntrySummary, Wait: 2 * time.Second,
		Config: reconcile.Config{EntrySystem: *system, TemporarySystem: *tempSystem}}
	started := c.now()
	if *dry {
		plan, err := r.Plan(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(c.stdout, plan)
		}
		c.printPlan(plan, dir, true)
		return store.JournalCheck{Problems: plan.Unverified}.Err()
	}
	if !*asJSON {
		r.Progress = c.progressLines()
	}
	res, runErr := r.Run(ctx)
	// The report is written whatever happened, with what is known.
	rep, err := c.sealRunReport(context.WithoutCancel(ctx), dir, keys, j, res, runErr, client.Base(), started)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(c.stdout, rep); err != nil {
			return err
		}
	} else {
		if res.Plan != nil {
			c.printPlan(res.Plan, dir, false)
		}
		c.printTotals(rep)
	}
	return runOutcome(rep, runErr)
}

// progressLines says how a run goes on stderr: at most a line a second,
// the last one of each round, and the one before a wait (nothing else is
// said during it).
func (c *cli) progressLines() func(reconcile.Progress) {
	var last time.Time
	return func(p reconcile.Progress) {
		if now := time.Now(); now.Sub(last) >= time.Second || p.Left == 0 || p.Wait >= time.Second {
			last = now
			fmt.Fprintf(c.stderr, "reconcile: %d pushed or found, %d left, %d waiting for a person, %d refused%s\n",
				p.Pushed, p.Left, p.Conflicts, p.Failed, slowness(p))
		}
	}
}

// sealRunReport makes the report of a run from the journal as it now
// stands and the run's last plan, seals it into the vault's reports, and
// audits the run's totals.
func (c *cli) sealRunReport(ctx context.Context, dir string, keys *store.Keys, j reconcile.Journal, res *reconcile.Result, runErr error, server string, started time.Time) (*reconcile.Report, error) {
	entries, err := j.List(ctx)
	if err != nil {
		return nil, err
	}
	resources, err := j.Resources(ctx)
	if err != nil {
		return nil, err
	}
	var wardOf func(string) string
	if h, ok := j.(*hub.Hospital); ok {
		wardOf = h.WardOf
	}
	rep := reconcile.NewReport(entries, resources, res.Plan, wardOf)
	rep.KioskID, rep.Server, rep.Started, rep.Finished, rep.Rounds = keys.Config.KioskID, server, started, c.now(), res.Rounds
	if runErr != nil {
		rep.Stopped = sentence(runErr)
	}
	plain, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	if _, err := store.SealReport(dir, keys, reconcile.ReportKind, started, plain); err != nil {
		return nil, err
	}
	t := rep.Totals
	c.auditDetails(dir, keys, store.AuditReconcile, "", fmt.Sprintf("server %s; created %d, already there %d, linked %d, skipped %d; waiting %d, refused %d",
		server, t.Created, t.AlreadyThere, t.Linked, t.Skipped, t.Conflict+t.NeedsLink, t.Failed))
	return rep, nil
}

// runOutcome is how a run ends for the command: stopped, entries that
// did not verify (exit 10), entries waiting for a person, or done.
func runOutcome(rep *reconcile.Report, runErr error) error {
	switch {
	case errors.Is(runErr, context.Canceled):
		return errors.New("stopped before the end; run it again to go on, nothing is pushed twice")
	case runErr != nil:
		return runErr
	case len(rep.Unverified) > 0:
		return store.JournalCheck{Problems: rep.Unverified}.Err()
	}
	if n := rep.Totals.Conflict + rep.Totals.NeedsLink + rep.Totals.Failed; n > 0 {
		return errWaiting{n}
	}
	return nil
}

// slowness says what is slow, for a progress line: the server's pace once
// it is slow, and a wait before the next round.
func slowness(p reconcile.Progress) string {
	var b strings.Builder
	if p.PerRequest >= reconcile.SlowRequest {
		fmt.Fprintf(&b, "; server answering slowly: %.1f s per request, batch size now %d", p.PerRequest.Seconds(), p.Batch)
	}
	if p.Wait > 0 {
		fmt.Fprintf(&b, "; %s; waiting %s before reading the server again", p.WaitWhy, p.Wait.Round(100*time.Millisecond))
	}
	return b.String()
}

// reconcileKeys opens the vault with IT's recovery key when a file is
// given, or else with the ward passphrase.
func (c *cli) reconcileKeys(dir, recoveryFile string) (*store.Keys, error) {
	if recoveryFile == "" {
		return c.unlock(dir)
	}
	identity, err := readRecoveryKey(recoveryFile)
	if err != nil {
		return nil, err
	}
	keys, err := store.UnlockRecovery(dir, identity)
	if errors.Is(err, store.ErrNotRecoveryKey) {
		return nil, errWrongKey{err}
	}
	return keys, err
}

// readRecoveryKey reads IT's recovery key from its file.
func readRecoveryKey(file string) (string, error) {
	b, err := store.ReadKeyFile(file, "the recovery key file")
	if errors.Is(err, store.ErrKeyFileOpen) || errors.Is(err, store.ErrNotRegular) || errors.Is(err, store.ErrTooLarge) {
		return "", err
	}
	if err != nil {
		return "", usagef("the recovery key file could not be read")
	}
	defer clear(b)
	return string(b), nil
}

// reconcileFolder parses the flags of a reconciliation command and says
// what it works on: one kiosk's data folder (--data), or the hub's
// folder (--hub), where every kiosk's journal was handed in.
func (c *cli) reconcileFolder(f *flags, args []string, hubFlag *string) (string, error) {
	if err := f.noPositional(args); err != nil {
		return "", err
	}
	hubDir := *hubFlag
	if hubDir == "" {
		return f.folder(true)
	}
	if *f.data != "" {
		return "", usagef("give --data (one kiosk's journal) or --hub (every journal handed in there), not both")
	}
	c.secureFolder(hubDir)
	if cfg, err := store.LoadConfig(hubDir); err == nil && cfg.Recovery == "" {
		return "", badInput{hub.ErrNoRecovery}
	}
	return hubDir, nil
}

// reconcileJournal opens what a reconciliation works on: the kiosk's
// journal, or with --hub every kiosk's journal handed in (of ward, when
// given), read as one with the hub's journal of decisions. It says on
// stderr which journals it leaves out, for a person.
func (c *cli) reconcileJournal(ctx context.Context, dir string, keys *store.Keys, hubMode bool, recoveryFile, ward string) (reconcile.Journal, func() error, error) {
	if !hubMode {
		j, err := store.OpenJournal(ctx, dir, keys)
		if err != nil {
			return nil, nil, err
		}
		return j, j.Close, nil
	}
	identity, err := readRecoveryKey(recoveryFile)
	if err != nil {
		return nil, nil, err
	}
	h, err := hub.OpenHospital(ctx, dir, identity, ward)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range h.Apart {
		fmt.Fprintf(c.stderr, "Left out, kept apart for a person: the journal handed in as %s (a kiosk the hub did not enrol, or revoked).\n", a)
	}
	for _, u := range h.Unopened {
		fmt.Fprintf(c.stderr, "Left out, cannot be opened with this key: %s.\n", u)
	}
	fmt.Fprintf(c.stderr, "Reconciling the journals of %s handed in to the hub.\n", count(len(h.Kiosks), "kiosk", "kiosks"))
	return h, h.Close, nil
}

// errWrongKey is a recovery key that does not open this vault (exit
// status 3, as a wrong passphrase).
type errWrongKey struct{ error }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

var outcomeWords = map[reconcile.Outcome]string{
	reconcile.Create: "to create", reconcile.AlreadyThere: "already there", reconcile.Conflict: "in conflict",
	reconcile.NeedsLink: "need a patient link", reconcile.Skip: "to skip", reconcile.Nothing: "nothing to push",
	reconcile.Failed: "refused by the server",
}

// printPlan prints the plan: counts, then each item that needs a person,
// with both sides and the command that decides it.
func (c *cli) printPlan(plan *reconcile.Plan, dir string, dry bool) {
	w := c.stdout
	if dry {
		fmt.Fprintf(w, "Plan (dry run, nothing changed): %s not yet reconciled", count(len(plan.Items), "entry", "entries"))
	} else {
		fmt.Fprintf(w, "After this run: %s not yet reconciled", count(len(plan.Items), "entry", "entries"))
	}
	var parts []string
	for _, o := range []reconcile.Outcome{reconcile.Create, reconcile.AlreadyThere, reconcile.Conflict, reconcile.NeedsLink,
		reconcile.Skip, reconcile.Nothing, reconcile.Failed} {
		if n := plan.Count[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, outcomeWords[o]))
		}
	}
	if len(parts) > 0 {
		fmt.Fprint(w, ": "+strings.Join(parts, ", "))
	}
	fmt.Fprintln(w, ".")
	printJournalProblems(w, plan.Unverified)
	for _, it := range plan.Items {
		if !slices.Contains([]reconcile.Outcome{reconcile.Conflict, reconcile.NeedsLink, reconcile.Failed}, it.Outcome) {
			continue
		}
		fmt.Fprintf(w, "\n%s · %s · entry %s · patient %s\n", strings.ToUpper(outcomeWords[it.Outcome]), it.Kind, it.Entry, it.Patient)
		fmt.Fprintf(w, "  Downtime: %s (%s, %s)\n", it.Downtime, it.Author, present.DateTime(it.ClinicalTime))
		if s := it.Server; s != nil {
			fmt.Fprintf(w, "  EHR now:  %s", s.Value)
			if who := strings.Trim(s.By+", "+s.At, ", "); who != "" {
				fmt.Fprintf(w, " (%s)", who)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  Why:      %s\n", it.Reason)
		for i, m := range it.Candidates {
			fmt.Fprintf(w, "  Match %d:  Patient/%s %s, born %s, %s: %s\n", i+1, m.Patient, m.Name, m.BirthDate, m.Sex, m.Why)
		}
		actions := "push|skip"
		switch {
		case it.Kind == clinical.KindRegistration:
			actions = "link --link-to ID|new-patient|skip"
		case it.Outcome == reconcile.NeedsLink || it.Conflict == reconcile.ConflictPatientMerged:
			actions = "link --link-to ID|skip"
		}
		fmt.Fprintf(w, "  Decide:   lifeboat reconcile decide --data %s --entry %s --action %s --reason TEXT --by NAME\n", dir, it.Entry, actions)
	}
}

func (c *cli) printTotals(rep *reconcile.Report) {
	t := rep.Totals
	fmt.Fprintf(c.stdout, "\nReconciled: %d created, %d already there, %d linked, %d skipped, %d superseded; waiting: %d in conflict, %d to link, %d refused, %d still to push.\n",
		t.Created, t.AlreadyThere, t.Linked, t.Skipped, t.Superseded, t.Conflict, t.NeedsLink, t.Failed, t.Pending)
	fmt.Fprintln(c.stdout, "The report is kept encrypted on this kiosk: lifeboat reconcile report --data DIR --out FILE.")
}

// decideCmd records a person's decision on one entry as a journal entry.
func (c *cli) decideCmd(args []string) error {
	f := c.vaultFlags("reconcile decide")
	entry := f.String("entry", "", "id of the entry decided on")
	action := f.String("action", "", "push, skip, link or new-patient")
	linkTo := f.String("link-to", "", "for link: the FHIR id of the EHR patient")
	reason := f.String("reason", "", "why (required for push and skip)")
	by := f.String("by", "", "who decides: name or staff number")
	asJSON := f.Bool("json", false, "JSON output")
	recovery := f.String("recovery-key", "", "file holding IT's recovery key, instead of the ward passphrase")
	hubDir := f.String("hub", "", "the hub's folder: decide on an entry handed in there")
	dir, err := c.reconcileFolder(f, args, hubDir)
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(*by) == "":
		return usagef("--by is required: who takes the decision")
	case *hubDir != "" && *recovery == "":
		return usagef("--hub needs --recovery-key: the journals handed in open with IT's recovery key only")
	}
	keys, err := c.reconcileKeys(dir, *recovery)
	if err != nil {
		return err
	}
	ctx := context.Background()
	j, closeJournal, err := c.reconcileJournal(ctx, dir, keys, *hubDir != "", *recovery, "")
	if err != nil {
		return err
	}
	defer closeJournal()
	d, err := reconcile.Decide(ctx, j, *entry, *action, *linkTo, *reason, *by, c.now())
	if errors.Is(err, reconcile.ErrCannotDecide) {
		return usageError{err.Error()}
	}
	if err != nil {
		return refused(err)
	}
	target := d.Decision
	c.auditDetails(dir, keys, store.AuditRecordEntry, d.Patient, "reconciliation decision "+target.Action)
	if *asJSON {
		return writeJSON(c.stdout, map[string]any{"decision": d.ID, "entry": target.Entry, "action": target.Action})
	}
	fmt.Fprintf(c.stdout, "Decision %s recorded: %s for entry %s. Run lifeboat reconcile to apply it.\n", d.ID, target.Action, target.Entry)
	return nil
}

// reportCmd writes the newest reconciliation report out of its
// encryption, as JSON, for the hospital's records.
func (c *cli) reportCmd(args []string) error {
	f := c.vaultFlags("reconcile report")
	out := f.String("out", "", "file to write (.json or .pdf), or - for JSON on standard output")
	recovery := f.String("recovery-key", "", "file holding IT's recovery key, instead of the ward passphrase")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	keys, err := c.reconcileKeys(dir, *recovery)
	if err != nil {
		return err
	}
	plain, err := store.LatestReport(dir, reconcile.ReportKind, keys)
	if errors.Is(err, store.ErrNoReport) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	defer clear(plain)
	var rep reconcile.Report
	if err := json.Unmarshal(plain, &rep); err != nil {
		return errors.New("the report is damaged")
	}
	if *out == "-" {
		return writeJSON(c.stdout, rep)
	}
	if durable.Inside(dir, *out) {
		return usagef("--out must be outside the data folder: the exported report is not encrypted")
	}
	if !strings.EqualFold(filepath.Ext(*out), ".pdf") {
		if err := writeNewFile(*out, func(w io.Writer) error { return writeJSON(w, rep) }); err != nil {
			return err
		}
		c.audit(dir, keys, store.AuditExport, "reconciliation report (JSON)")
		return nil
	}
	rows, check, err := reportpdf.ReadAudit(dir, keys)
	if err != nil {
		return err
	}
	err = writeNewFile(*out, func(w io.Writer) error {
		return reportpdf.Write(w, &rep, rows, reportpdf.Options{Exported: c.now(), ExportedBy: c.auditActor(), AuditCheck: &check})
	})
	if err != nil {
		return err
	}
	c.audit(dir, keys, store.AuditExport, "reconciliation report (PDF)")
	fmt.Fprintln(c.stderr, "Warning: the PDF holds the report and the audit trail unencrypted: move it off this kiosk.")
	if p := check.First(); p != nil {
		return fmt.Errorf("%w: %s (the report was written; the PDF shows each record's status)", store.ErrAuditAltered, p.Text)
	}
	return nil
}
