package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// record and journal are the command line of the downtime journal, with
// the same review as the kiosk's forms: an impossible value refuses the
// whole file, a warning holds it back unless --force says the person has
// read it. A UUID is printed only once its entry is durable, so a script
// can treat a printed UUID as "saved".

// maxEntriesPerFile bounds one file (a paper MAR sheet of a ward for a
// shift is a few hundred doses).
const maxEntriesPerFile = 2000

// maxEntriesFile bounds the file itself, read whole: 2,000 entries with
// long notes.
const maxEntriesFile = 16 << 20

func (c *cli) recordCmd(args []string) error {
	f := c.vaultFlags("record")
	file := f.String("json", "", "a file of one entry or an array of entries")
	user := f.String("user", "", "who is recording: name or staff number")
	force := f.Bool("force", false, "record even when there are warnings")
	witness := f.String("witness", "", "for a hard stop (a dose matching a serious allergy): the second person's name")
	reason := f.String("reason", "", "for a hard stop: why the dose is given despite the allergy")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *file == "" {
		return usagef("--json FILE is required")
	}
	author := strings.TrimSpace(*user)
	if author == "" {
		return usagef("--user NAME is required: every entry says who recorded it")
	}
	batch, err := readEntries(*file)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	j, err := store.OpenJournal(ctx, dir, keys)
	if err != nil {
		return err
	}
	defer j.Close()
	history, err := j.List(ctx)
	if err != nil {
		return err
	}
	// The snapshot gives the checks their context and the entries the
	// versions they are based on. Without one, entries are still recorded
	// (nothing documented may be lost), after a warning.
	var ward *store.Ward
	switch snap, err := store.Open(ctx, dir, keys); {
	case err == nil:
		defer snap.Close()
		ward = snap.Ward
	case !errors.Is(err, store.ErrNoSnapshot):
		return err
	}

	now := c.now()
	for i := range batch {
		if err := j.Stamp(&batch[i], author, now); err != nil {
			return err
		}
	}
	warnings, err := clinical.Review(ctx, ward, history, batch, now)
	if err != nil {
		return refused(err)
	}
	// A hard stop is not lifted by --force: the entries it holds back take
	// the witness and the reason, and are reviewed again with them.
	if stopped := clinical.Unwitnessed(batch, warnings); len(stopped) > 0 {
		if strings.TrimSpace(*witness) == "" || strings.TrimSpace(*reason) == "" {
			for _, w := range warnings {
				if w.Stop {
					fmt.Fprintf(c.stderr, "Warning: entry %d: %s.\n", w.Entry+1, w.Text)
				}
			}
			return usagef("entry %d matches a serious allergy (a hard stop): nothing was recorded; --force is not enough, give --witness NAME and --reason TEXT", stopped[0]+1)
		}
		for _, i := range stopped {
			m := *batch[i].Medication
			m.Override = &clinical.Override{Witness: strings.TrimSpace(*witness), Reason: strings.TrimSpace(*reason)}
			batch[i].Medication = &m
		}
		if warnings, err = clinical.Review(ctx, ward, history, batch, now); err != nil {
			return refused(err)
		}
	}
	for _, w := range warnings {
		witnessed := ""
		if m := batch[w.Entry].Medication; w.Stop && m != nil && m.Override != nil {
			witnessed = " (witnessed by " + m.Override.Witness + ")"
		}
		fmt.Fprintf(c.stderr, "Warning: entry %d: %s%s.\n", w.Entry+1, w.Text, witnessed)
	}
	if len(warnings) > 0 && !*force {
		return usagef("%s: nothing was recorded; use --force to record anyway", count(len(warnings), "warning", "warnings"))
	}
	if err := j.Record(ctx, batch...); err != nil {
		return refused(err)
	}
	// Durable from here on.
	for _, e := range batch {
		fmt.Fprintln(c.stdout, e.ID)
	}
	c.auditEntries(dir, keys, batch, j.Witness)
	for i, e := range batch {
		if e.Kind == clinical.KindRegistration && e.Supersedes == "" {
			fmt.Fprintf(c.stderr, "Entry %d registered a new patient as %s: print it on the wristband label.\n", i+1, e.Patient)
		}
	}
	return nil
}

// auditEntries writes each recorded entry to the audit trail, attributed
// to its author, once it is durable: the journal is what counts, and the
// trail never claims an entry that was not saved. Like every audit, it
// never undoes the work: a trail that cannot be written is said on stderr.
func (c *cli) auditEntries(dir string, keys *store.Keys, entries []clinical.Entry, witness func(id string) string) {
	a, err := store.OpenAudit(dir, keys)
	for _, e := range entries {
		if err != nil {
			break
		}
		err = a.Append(store.AuditRecord{Time: e.EnteredAt, Actor: e.Author, Action: store.AuditRecordEntry,
			Subject: e.ID, Details: store.EntryAuditDetails(e, witness(e.ID))})
	}
	if err != nil {
		fmt.Fprintln(c.stderr, "Warning: the entries were saved but not written to the audit trail ("+err.Error()+"). Call IT.")
	}
}

// refused makes an entry the review or the journal refused a usage error
// (exit 2), saying that nothing was recorded.
func refused(err error) error {
	if errors.Is(err, clinical.ErrInvalidEntry) || errors.Is(err, store.ErrEntryExists) {
		return usageError{err.Error() + "; nothing was recorded"}
	}
	return err
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// readEntries reads a file of one entry or an array of entries. What the
// kiosk fills in itself (id, author, kiosk, entry time, versions) may not
// be given: a file that sets them was not written for this command.
// Errors name entries by number and never repeat a value from the file.
func readEntries(path string) ([]clinical.Entry, error) {
	b, err := store.ReadRegular(path, "The entries file", maxEntriesFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usagef("the entries file was not found")
	case errors.Is(err, store.ErrNotRegular), errors.Is(err, store.ErrTooLarge):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("reading the entries file: %w", errors.Unwrap(err))
	}
	b = bytes.TrimSpace(b)
	var raws []json.RawMessage
	switch {
	case len(b) == 0:
		return nil, usagef("the entries file is empty")
	case b[0] == '[':
		if err := json.Unmarshal(b, &raws); err != nil {
			return nil, usagef("the entries file is not valid JSON")
		}
	case b[0] == '{':
		raws = []json.RawMessage{b}
	default:
		return nil, usagef("the entries file must hold a JSON object or an array of them")
	}
	if len(raws) == 0 {
		return nil, usagef("the entries file holds no entries")
	}
	if len(raws) > maxEntriesPerFile {
		return nil, usagef("the entries file holds more than %d entries; split it", maxEntriesPerFile)
	}
	out := make([]clinical.Entry, len(raws))
	for i, raw := range raws {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			return nil, usagef("entry %d %s; nothing was recorded", i+1, jsonProblem(err))
		}
		if dec.More() {
			return nil, usagef("the entries file is not valid JSON")
		}
		e := out[i]
		var set []string
		for name, given := range map[string]bool{"id": e.ID != "", "author": e.Author != "", "kioskId": e.KioskID != "",
			"enteredAt": !e.EnteredAt.IsZero(), "basedOn": len(e.BasedOn) > 0,
			"transcription.by": e.Transcription != nil && e.Transcription.By != ""} {
			if given {
				set = append(set, name)
			}
		}
		if len(set) > 0 {
			return nil, usagef("entry %d sets %s, which recording fills in itself (the author is --user); nothing was recorded",
				i+1, strings.Join(set, ", "))
		}
		if e.Medication != nil && e.Medication.Override != nil {
			return nil, usagef("entry %d sets medication.override, which --witness and --reason fill in for a hard stop; nothing was recorded", i+1)
		}
	}
	return out, nil
}

// jsonProblem says what is wrong with an entry's JSON without repeating
// the value.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tp *time.ParseError
	switch {
	case errors.As(err, &syntax):
		return "is not valid JSON"
	case errors.As(err, &typ):
		t := typ.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		what := map[reflect.Kind]string{reflect.String: "text", reflect.Float64: "a number", reflect.Bool: "true or false",
			reflect.Slice: "an array"}[t.Kind()]
		if what == "" {
			what = "an object"
		}
		if t == reflect.TypeFor[time.Time]() {
			what = "a time like 2026-11-26T08:00:00+01:00"
		}
		return fmt.Sprintf("has %q, which must be %s", typ.Field, what)
	case errors.As(err, &tp):
		return "has a time that is not like 2026-11-26T08:00:00+01:00 (with its time zone)"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "has an unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "cannot be read"
}

// journalReport is journal --json.
type journalReport struct {
	KioskID string               `json:"kioskId"`
	Entries []store.JournalEntry `json:"entries"`
	Check   store.JournalCheck   `json:"check"`
}

func (c *cli) journalCmd(args []string) error {
	f := c.vaultFlags("journal")
	asJSON := f.Bool("json", false, "JSON output")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	// The audit trail witnessed every entry recorded: the journal is held
	// against it, so that entries removed with the journal's head show.
	// It is read once, for the opening and for the cross-check.
	rows, rep, rerr := store.ReadAudit(dir, keys)
	j, err := store.OpenJournalWithAudit(ctx, dir, keys, store.AuditRead{Rows: rows, Report: rep, Err: rerr})
	if err != nil {
		return err
	}
	defer j.Close()
	all, err := j.List(ctx)
	if err != nil {
		return err
	}
	check, err := checkJournal(ctx, j, rows)
	if err != nil {
		return err
	}
	if rerr != nil {
		// Why is audit verify's to say; that the cross-check was not done
		// is this command's, as audit verify fails on such a trail too.
		check.Problems = append(check.Problems, store.JournalProblem{Kind: store.ProblemFile,
			Text: "The journal could not be held against the audit trail, which cannot be read: entries removed together with journal.head would not show."})
	}
	c.audit(dir, keys, store.AuditViewJournal, "")
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(journalReport{KioskID: keys.Config.KioskID, Entries: all, Check: check}); err != nil {
			return err
		}
		return check.Err()
	}
	if len(all) == 0 && check.OK() {
		fmt.Fprintln(c.stdout, "No entries recorded on this kiosk.")
		return nil
	}
	states, superseded := map[string]int{}, 0
	for _, e := range all {
		state := e.State
		switch {
		case e.Cancelled:
			state += " · cancelled by " + e.SupersededBy
			superseded++
		case e.Superseded():
			state += " · corrected by " + e.SupersededBy
			superseded++
		}
		states[e.State]++
		fmt.Fprintf(c.stdout, "%d · %s · %s · patient %s · %s\n", e.Seq, e.ID, e.Kind, e.Patient, state)
		fmt.Fprintln(c.stdout, "    "+strings.ReplaceAll(present.EntryLine(store.JournalEntry{Entry: e.Entry}), "\n", "\n    "))
	}
	fmt.Fprintf(c.stdout, "%s: %d pending, %d superseded", count(len(all), "entry", "entries"), states[store.StatePending], superseded)
	if check.Upgraded > 0 {
		fmt.Fprintf(c.stdout, "; %d recorded before entries were signed (signed when the journal was upgraded)", check.Upgraded)
	}
	if check.RecoveryOnly > 0 {
		fmt.Fprintf(c.stdout, "; %s recorded with the IT recovery key, which only that key can check (not listed here)",
			count(check.RecoveryOnly, "decision", "decisions"))
	}
	fmt.Fprintln(c.stdout, ".")
	printJournalProblems(c.stdout, check.Problems)
	return check.Err()
}

// printJournalProblems lists what verification of the journal found:
// entries not shown and never pushed, entries gone, damaged files.
func printJournalProblems(w io.Writer, problems []store.JournalProblem) {
	if len(problems) == 0 {
		return
	}
	fmt.Fprintf(w, "\nVERIFICATION FAILED: %s (not shown, never pushed; keep the data folder as it is and tell IT):\n",
		count(len(problems), "problem", "problems"))
	for _, p := range problems {
		fmt.Fprintln(w, "  "+p.Text)
	}
}

// downtime is what the journal holds for one chart, or why it could not
// be read.
type downtime struct {
	entries  []store.JournalEntry
	problems []store.JournalProblem // entries of this patient that failed verification, and losses of the whole journal
	err      error
}

// downtimeFor reads a patient's journal entries for the chart.
func downtimeFor(ctx context.Context, dir string, keys *store.Keys, patient string) downtime {
	all, check, err := readJournal(ctx, dir, keys)
	if err != nil {
		return downtime{err: err}
	}
	problems := store.ProblemsFor(check.Problems, patient)
	return downtime{entries: store.ForPatient(all, patient), problems: problems, err: store.JournalCheck{Problems: problems}.Err()}
}

// checkJournal checks the whole journal, and holds it against the audit
// trail's rows (from store.ReadAudit).
func checkJournal(ctx context.Context, j *store.Journal, rows []store.AuditRow) (store.JournalCheck, error) {
	check, err := j.Check(ctx)
	if err != nil {
		return check, err
	}
	missing, err := j.CrossCheck(ctx, rows)
	check.Problems = append(check.Problems, missing...)
	return check, err
}

// readJournal reads every verified entry of the vault's journal, and what
// verification found.
func readJournal(ctx context.Context, dir string, keys *store.Keys) ([]store.JournalEntry, store.JournalCheck, error) {
	j, err := store.OpenJournal(ctx, dir, keys)
	if err != nil {
		return nil, store.JournalCheck{}, err
	}
	defer j.Close()
	all, err := j.List(ctx)
	if err != nil {
		return nil, store.JournalCheck{}, err
	}
	check, err := j.Check(ctx)
	return all, check, err
}

// section is the chart's "Recorded during downtime", with its warning
// when the journal could not be read.
func (d downtime) section() present.Section {
	if d.err != nil && len(d.problems) == 0 {
		return present.Section{Title: present.DowntimeTitle, Warning: present.JournalUnreadable}
	}
	s := present.DowntimeEntries(d.entries)
	s.Warning = present.JournalProblems(d.problems)
	return s
}

// downtimeEntryJSON is one entry of chart --json's downtimeEntries.
type downtimeEntryJSON struct {
	store.JournalEntry
	Superseded bool   `json:"superseded"`
	Summary    string `json:"summary"`
}

func (d downtime) json() []downtimeEntryJSON {
	if d.err != nil && len(d.problems) == 0 {
		return nil
	}
	out := []downtimeEntryJSON{}
	for _, e := range d.entries {
		out = append(out, downtimeEntryJSON{JournalEntry: e, Superseded: e.Superseded(), Summary: present.EntrySummary(e.Entry)})
	}
	return out
}
