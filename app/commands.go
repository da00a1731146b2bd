package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/internal/durable"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/live"
	"lifeboat/sync/synthetic"
)

func (c *cli) initCmd(args []string) error {
	f := c.vaultFlags("init")
	recovery := f.String("recovery", "", "IT recovery age recipient")
	recoveryOut := f.String("recovery-out", "", "file to create with a new IT recovery identity (never in the data folder)")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	switch {
	case *recovery != "" && *recoveryOut != "":
		return usagef("give either --recovery or --recovery-out, not both")
	case *recovery == "" && *recoveryOut == "":
		return usagef("init needs IT's recovery key: pass --recovery RECIPIENT (the hospital's age recipient) or --recovery-out FILE (a new recovery identity is written to FILE for IT, never printed)")
	case *recovery != "":
		if _, _, err := store.ParseRecovery(*recovery); err != nil {
			return usageError{err.Error()}
		}
	default:
		if err := checkRecoveryOut(*recoveryOut, dir); err != nil {
			return err
		}
	}
	pass, err := c.newPassphrase()
	if err != nil {
		return err
	}
	if err := store.CheckPassphrase(pass); err != nil {
		return err
	}
	wf, err := c.workFactor()
	if err != nil {
		return err
	}
	// The recovery file is created first (0600, never over a file), so that
	// keys are never made whose recovery identity has nowhere to go.
	var out *os.File
	if *recoveryOut != "" {
		if out, err = os.OpenFile(*recoveryOut, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			if errors.Is(err, os.ErrExist) {
				return usagef("--recovery-out names a file that already exists: a recovery identity is never written over a file")
			}
			return usagef("--recovery-out: the file could not be created (%v)", errors.Unwrap(err))
		}
		defer out.Close()
	}
	res, err := store.Init(dir, pass, store.InitOptions{Recovery: *recovery, WorkFactor: wf})
	if err != nil {
		if out != nil {
			out.Close()
			os.Remove(out.Name())
		}
		return err
	}
	c.secureFolder(dir)
	fmt.Fprintf(c.stdout, "Initialised kiosk %s in %s.\n", res.Config.KioskID, dir)
	fmt.Fprintf(c.stdout, "Kiosk recipient: %s\nTrusted signing key: %s\n", res.Config.Recipient, res.Config.SignerFingerprint())
	if res.Classic {
		fmt.Fprintln(c.stderr, "Warning: the recovery recipient is X25519, so this kiosk's keys are X25519 too (age does not mix them); they are not post-quantum.")
	}
	if out != nil {
		text := fmt.Sprintf("# Lifeboat IT recovery identity of kiosk %s, created %s.\n# It opens every snapshot and journal entry of that kiosk: keep it offline.\n# Recipient: %s\n%s\n",
			res.Config.KioskID, res.Config.Created.Format(time.RFC3339), res.Config.Recovery, res.RecoveryIdentity)
		_, err := out.WriteString(text)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("the kiosk was initialised, but its recovery identity could not be written to --recovery-out (%v): remove the data folder and run init again", err)
		}
		fmt.Fprintf(c.stdout, "IT recovery identity written to %s (mode 0600). Store it offline and remove it from this machine.\n", *recoveryOut)
	}
	return nil
}

// checkRecoveryOut refuses a --recovery-out inside the data folder (the
// secret that opens everything would sit beside what it opens).
func checkRecoveryOut(out, dir string) error {
	if durable.Inside(dir, out) {
		return usagef("--recovery-out must be outside the data folder: IT's recovery identity never stays beside what it opens")
	}
	return nil
}

func (c *cli) snapshotCmd(args []string) error {
	f := c.vaultFlags("snapshot")
	var from []string
	f.Func("from", "FHIR file or folder (repeatable)", func(s string) error { from = append(from, s); return nil })
	ward := f.String("ward", "", "ward Location id")
	patients := f.String("patients", "", "comma-separated patient ids or identifiers")
	all := f.Bool("all", false, "every patient")
	asOfText := f.String("as-of", "", "when the input data was taken from the EHR (RFC 3339)")
	server := f.String("fhir", "", "FHIR R4 server base URL to pull from")
	hubSource := f.String("hub", "", "the hub's publication to subscribe to: its URL, or a folder")
	hubCA := f.String("hub-ca", "", "PEM CA certificates to trust for an https:// --hub, besides the system's")
	lf := addLiveFlags(f)
	rest, err := f.parse(args)
	if err != nil {
		return err
	}
	from = append(from, rest...)
	dir, err := f.folder(true)
	if err != nil {
		return err
	}
	if *hubSource != "" {
		if *server != "" || len(from) > 0 || *ward != "" || *patients != "" || *all || *lf.group != "" {
			return usagef("--hub takes the ward the kiosk enrolled for: no --fhir, files or census")
		}
		if *lf.caFile != "" {
			return usagef("--hub takes the hub's CA bundle as --hub-ca; --ca-file is for --fhir")
		}
		return c.hubSnapshot(dir, *hubSource, *hubCA, *lf.every, *lf.timeout)
	}
	if *hubCA != "" {
		return usagef("--hub-ca is for --hub: --ca-file is the FHIR server's")
	}
	if err := store.CheckNotFed(dir); err != nil {
		return badInput{err}
	}
	if *server != "" {
		if len(from) > 0 || *asOfText != "" {
			return usagef("--fhir pulls from a server: it takes neither files nor --as-of")
		}
		census := live.Census{Ward: *ward, Group: *lf.group, All: *all}
		for _, p := range strings.Split(*patients, ",") {
			if p = strings.TrimSpace(p); p != "" {
				census.Patients = append(census.Patients, p)
			}
		}
		if n := btoi(*ward != "") + btoi(*lf.group != "") + btoi(*patients != "") + btoi(*all); n != 1 {
			return usagef("choose the census with exactly one of --ward, --group, --patients or --all")
		}
		return c.liveSnapshot(dir, *server, census, lf)
	}
	if *lf.group != "" || *lf.every != 0 {
		return usagef("--group and --every need --fhir")
	}
	if len(from) == 0 {
		return usagef("--from PATH or --fhir URL is required")
	}
	sel := fhir.Selection{Ward: *ward, All: *all}
	census := store.Census{Mode: "all"}
	switch {
	case *ward != "":
		census = store.Census{Mode: "ward", Ward: *ward}
	case *patients != "":
		census.Mode = "patients"
		for _, p := range strings.Split(*patients, ",") {
			if p = strings.TrimSpace(p); p != "" {
				sel.Patients = append(sel.Patients, p)
			}
		}
	}
	if n := btoi(*ward != "") + btoi(*patients != "") + btoi(*all); n != 1 {
		return usagef("choose the census with exactly one of --ward, --patients or --all")
	}
	var stated time.Time
	if *asOfText != "" {
		if stated, err = time.Parse(time.RFC3339, *asOfText); err != nil {
			return usagef("--as-of must be a time like 2026-11-26T06:15:00Z")
		}
	}
	// Check the keys before the (possibly long) import.
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	im, err := fhir.Read(from...)
	if err != nil {
		return err
	}
	notShown := im.NotShown()
	m, err := seal(dir, keys, im, sel, *lf.acceptDrop, store.SealRequest{AsOf: dataTime(stated, im.Written(), c.now()),
		Source: "files", Census: census, Malformed: im.Unusable(), NotShown: notShown})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Sealed generation %d: %d patients, data as of %s.\n",
		m.Generation, m.Counts["patients"], present.DateTime(m.AsOf))
	if s := im.Summary(); s != "" {
		fmt.Fprintln(c.stdout, s)
	}
	if s := fhir.NotShownSummary(notShown); s != "" {
		fmt.Fprintln(c.stdout, s)
	}
	return nil
}

// seal selects the census from an import, builds the ward in memory and
// seals it as the vault's next generation. A census under half the newest
// good generation's (of the same census) is refused unless acceptDrop, by
// the live sync's rule (store.CheckCensusDrop): a truncated export must
// not empty a ward.
func seal(dir string, keys *store.Keys, im *fhir.Import, sel fhir.Selection, acceptDrop bool, req store.SealRequest) (*store.Manifest, error) {
	charts, err := im.Census(sel)
	if err != nil {
		return nil, err
	}
	if err := store.CheckCensusDrop(store.NewestGoodPatients(dir, req.Census), len(charts), 0, acceptDrop); err != nil {
		return nil, badInput{err} // from files, bad input: exit 2 (the live sync's stays a failure, exit 1)
	}
	ctx := context.Background()
	w, err := store.BuildWard(ctx, charts)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	return store.Seal(ctx, dir, keys, w, req)
}

// dataTime is how old the data of a file import is: the earliest of the
// time stated with --as-of, when the input was written (the oldest file,
// or a Bundle's timestamp) and now. The time of the import itself would
// show an old export as fresh, and a stated time cannot make it fresher.
func dataTime(stated, written, now time.Time) time.Time {
	t := now
	for _, c := range []time.Time{stated, written} {
		if !c.IsZero() && c.Before(t) {
			t = c
		}
	}
	return t
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// statusReport is status --json.
type statusReport struct {
	KioskID     string                   `json:"kioskId"`
	Newest      *store.Manifest          `json:"newestGood"`
	AgeSeconds  int64                    `json:"ageSeconds,omitempty"`
	Age         string                   `json:"age,omitempty"`
	Level       string                   `json:"level"` // fresh, amber, red, or none when nothing is usable
	Thresholds  map[string]string        `json:"thresholds"`
	Sync        *store.SyncState         `json:"sync,omitempty"`    // the live sync's last attempt, success and error
	Hub         *hubReport               `json:"hub,omitempty"`     // a kiosk fed by a hub: which, its ward, the last index, the EHR
	Rollback    store.Rollback           `json:"rollback"`          // the rollback floor: highest generation seen, and what is gone
	Refused     string                   `json:"refused,omitempty"` // why status exits 9: the newest generation refused, or a rollback
	Generations []store.GenerationStatus `json:"generations"`
}

// errRefused ends status with exit 9: the newest generation present is
// refused, or generations sealed before are gone.
type errRefused struct{ msg string }

func (e errRefused) Error() string { return e.msg }

// errStale ends status with the freshness level's exit status.
type errStale struct {
	level present.FreshnessLevel
	age   string
}

func (e errStale) Error() string {
	return fmt.Sprintf("the newest good snapshot is %s old (%s)", e.age, e.level)
}

// thresholds are --amber and --red, or LIFEBOAT_AMBER_AFTER and
// LIFEBOAT_RED_AFTER, or 15m and 60m.
func (c *cli) thresholds(amber, red string) (present.Thresholds, error) {
	if amber == "" {
		amber = c.getenv("LIFEBOAT_AMBER_AFTER")
	}
	if red == "" {
		red = c.getenv("LIFEBOAT_RED_AFTER")
	}
	t, err := present.ParseThresholds(amber, red)
	if err != nil {
		return t, usageError{err.Error()}
	}
	return t, nil
}

func (c *cli) statusCmd(args []string) error {
	f := c.vaultFlags("status")
	asJSON := f.Bool("json", false, "JSON output")
	amber := f.String("amber", "", "data age that turns amber (default 15m)")
	red := f.String("red", "", "data age that turns red (default 60m)")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	th, err := c.thresholds(*amber, *red)
	if err != nil {
		return err
	}
	cfg, gens, err := store.Inspect(dir)
	if err != nil {
		return err
	}
	rep := statusReport{KioskID: cfg.KioskID, Generations: gens, Level: "none",
		Thresholds: map[string]string{"amber": th.Amber.String(), "red": th.Red.String()}}
	if rep.Generations == nil {
		rep.Generations = []store.GenerationStatus{}
	}
	if rep.Rollback, err = store.CheckRollback(dir, cfg, gens); err != nil {
		return err
	}
	switch {
	case rep.Rollback.Problem != "":
		rep.Refused = rep.Rollback.Problem
	case len(gens) > 0 && !gens[0].Good:
		rep.Refused = fmt.Sprintf("the newest generation is refused: generation %d %s", gens[0].Generation, gens[0].Problem)
	}
	if st, ok, err := store.ReadSyncState(dir); err != nil {
		return err
	} else if ok {
		rep.Sync = &st
	}
	if rep.Hub, err = hubFacts(dir, cfg, rep.Sync); err != nil {
		return err
	}
	var level present.FreshnessLevel
	for _, g := range gens {
		if g.Good {
			rep.Newest = g.Manifest
			age := c.now().Sub(g.Manifest.AsOf)
			rep.AgeSeconds, rep.Age = int64(age/time.Second), present.Age(age)
			level = th.Level(age)
			rep.Level = level.String()
			break
		}
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.stdout, "Kiosk %s\n", cfg.KioskID)
		for _, g := range gens {
			if !g.Good {
				fmt.Fprintf(c.stdout, "  generation %d: REFUSED, %s\n", g.Generation, g.Problem)
				continue
			}
			m := g.Manifest
			line := fmt.Sprintf("  generation %d: data as of %s (%s old), %d patients, %s", g.Generation,
				present.DateTime(m.AsOf), present.Age(c.now().Sub(m.AsOf)), m.Counts["patients"], describeCensus(m.Census))
			if m.Kind == store.KindDelta {
				line += fmt.Sprintf(", changes since generation %d (%d changed, %d left)", m.Parent, m.Changed, m.Removed)
			}
			if m.Malformed > 0 {
				line += fmt.Sprintf(", %d unreadable source records left out", m.Malformed)
			}
			fmt.Fprintln(c.stdout, line)
		}
		if rep.Hub != nil {
			writeHubFacts(c.stdout, rep.Hub)
		}
		if s := rep.Sync; s != nil {
			fmt.Fprintf(c.stdout, "Live sync: last attempt %s", present.DateTime(s.LastAttempt))
			if !s.LastSuccess.IsZero() {
				fmt.Fprintf(c.stdout, ", last success %s", present.DateTime(s.LastSuccess))
			}
			if s.LastError != "" {
				fmt.Fprintf(c.stdout, ", last error %s: %s", present.DateTime(s.LastErrorAt), sentence(errors.New(s.LastError)))
			}
			fmt.Fprintln(c.stdout)
			if s.FromHub && s.LastError == "" && !s.EHRUnreachableSince.IsZero() {
				fmt.Fprintf(c.stdout, "EHR unreachable since %s, as the hub announced.\n", present.DateTime(s.EHRUnreachableSince))
			}
		}
		if rep.Rollback.Problem != "" {
			fmt.Fprintf(c.stdout, "ROLLBACK: %s.\n", rep.Rollback.Problem)
		}
		if rep.Newest != nil {
			fmt.Fprintf(c.stdout, "Newest good: generation %d, %s old (%s).\n", rep.Newest.Generation, rep.Age, rep.Level)
		}
	}
	if rep.Rollback.Problem != "" {
		return errRefused{rep.Refused}
	}
	if rep.Newest == nil {
		if len(gens) == 0 {
			return fmt.Errorf("%w: no snapshot has been written yet", store.ErrNoSnapshot)
		}
		return fmt.Errorf("%w: every generation was refused", store.ErrNoSnapshot)
	}
	if rep.Refused != "" {
		return errRefused{rep.Refused}
	}
	if level != present.Fresh {
		return errStale{level: level, age: rep.Age}
	}
	return nil
}

func describeCensus(c store.Census) string {
	if c.Mode == "ward" {
		return "ward " + c.Ward
	}
	return c.Mode + " patients"
}

func (c *cli) chartCmd(args []string) error {
	f := c.vaultFlags("chart")
	patient := f.String("patient", "", "FHIR id or identifier (e.g. MRN)")
	asJSON := f.Bool("json", false, "JSON output")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *patient == "" {
		return usagef("--patient ID is required")
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
	c.audit(dir, keys, store.AuditViewChart, chart.Patient.ID)
	// The chart is shown even when the journal cannot be read, saying so;
	// the journal's error then ends the command with its status.
	d := downtimeFor(ctx, dir, keys, chart.Patient.ID)
	if *asJSON {
		if err := writeChartJSON(c.stdout, chart, snap, d, c.now()); err != nil {
			return err
		}
	} else {
		writeChartText(c.stdout, chart, snap, d, c.now())
	}
	return d.err
}

func (c *cli) genCmd(args []string) error {
	f := c.newFlags("gen")
	n := f.Int("patients", 0, "number of patients")
	out := f.String("out", "", "output folder")
	seed := f.Uint64("seed", 1, "seed")
	asOfText := f.String("as-of", "", "the ward's present (RFC 3339); default now")
	if err := f.noPositional(args); err != nil {
		return err
	}
	if *n < 1 || *n > 100000 {
		return usagef("--patients must be a number from 1 to 100000")
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	asOf := c.now().UTC().Truncate(time.Minute)
	if *asOfText != "" {
		t, err := time.Parse(time.RFC3339, *asOfText)
		if err != nil {
			return usagef("--as-of must be a time like 2026-11-26T06:15:00Z")
		}
		asOf = t
	}
	sum, err := synthetic.WriteNDJSON(*out, synthetic.Options{Patients: *n, Seed: *seed, AsOf: asOf})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Wrote %d synthetic patients on wards %s to %s.\n", sum.Patients, strings.Join(sum.Wards, ", "), *out)
	return nil
}
