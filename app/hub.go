package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"lifeboat/app/board"
	"lifeboat/app/present"
	"lifeboat/store"
	"lifeboat/sync/fleet"
	"lifeboat/sync/hub"
	"lifeboat/sync/live"
)

// hubCmd is the hospital's hub: lifeboat hub init|ward|enrol-code|run.
func (c *cli) hubCmd(args []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		printHelp(c.stdout, "hub", nil)
		if len(args) == 0 {
			return usagef("hub needs a subcommand: init, ward, enrol-code, revoke, run or status (see lifeboat hub --help)")
		}
		return nil
	}
	switch args[0] {
	case "init":
		return c.hubInit(args[1:])
	case "ward":
		if len(args) < 2 || (args[1] != "add" && args[1] != "remove") {
			return usagef("hub ward needs add or remove (see lifeboat hub ward add --help)")
		}
		return c.hubWard(args[1], args[2:])
	case "enrol-code":
		return c.hubEnrolCode(args[1:])
	case "run":
		return c.hubRun(args[1:])
	case "status":
		return c.hubStatus(args[1:])
	case "revoke":
		return c.hubRevoke(args[1:])
	}
	return usagef("unknown hub subcommand %q (see lifeboat hub --help)", args[0])
}

func (c *cli) workFactor() (int, error) {
	s := c.getenv("LIFEBOAT_SCRYPT_WORK_FACTOR")
	if s == "" {
		return 0, nil
	}
	wf, err := strconv.Atoi(s)
	if err != nil || wf < 10 || wf > 22 {
		return 0, usagef("LIFEBOAT_SCRYPT_WORK_FACTOR must be a whole number from 10 to 22")
	}
	return wf, nil
}

func (c *cli) hubInit(args []string) error {
	f := c.vaultFlags("hub init")
	recovery := f.String("recovery", "", "IT recovery age recipient, to which every ward's generations are sealed too")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *recovery != "" {
		if _, _, err := store.ParseRecovery(*recovery); err != nil {
			return usageError{err.Error()}
		}
	}
	wf, err := c.workFactor()
	if err != nil {
		return err
	}
	pass, err := c.newPassphrase()
	if err != nil {
		return err
	}
	res, err := hub.Init(dir, pass, *recovery, wf)
	if err != nil {
		return err
	}
	c.secureFolder(dir)
	fmt.Fprintf(c.stdout, "Initialised hub %s in %s.\nHub signing key: %s\n", res.Config.KioskID, dir, res.Config.SignerFingerprint())
	return nil
}

// openHubFor parses the flags of a command on one ward (--ward, which
// it checks before asking for the passphrase) and unlocks the hub.
func (c *cli) openHubFor(f *flags, ward *string, args []string) (*hub.Hub, error) {
	dir, err := f.parseVault(args)
	if err != nil {
		return nil, err
	}
	if *ward == "" {
		return nil, usagef("--ward ID is required")
	}
	if err := hub.CheckWardID(*ward); err != nil {
		return nil, badInput{err}
	}
	return c.openHub(dir)
}

// openHub unlocks the hub's keys with the passphrase.
func (c *cli) openHub(dir string) (*hub.Hub, error) {
	keys, err := c.unlock(dir)
	if err != nil {
		return nil, err
	}
	return &hub.Hub{Dir: dir, Keys: keys}, nil
}

func (c *cli) hubWard(action string, args []string) error {
	f := c.vaultFlags("hub ward " + action)
	ward := f.String("ward", "", "the ward's FHIR Location id")
	var name *string
	if action == "add" {
		name = f.String("name", "", "the ward's name, as kiosks show it (such as 5C)")
	}
	h, err := c.openHubFor(f, ward, args)
	if err != nil {
		return err
	}
	if action == "remove" {
		if err := h.RemoveWard(*ward); err != nil {
			return hubErr(err)
		}
		fmt.Fprintf(c.stdout, "Ward %s is no longer published; its generations stay in the hub's folder.\n", *ward)
		return nil
	}
	if err := h.AddWard(*ward, *name, c.now()); err != nil {
		return hubErr(err)
	}
	fmt.Fprintf(c.stdout, "Ward %s is published from the next pull.\n", *ward)
	return nil
}

// hubErr marks the hub's errors of the user's input as bad input.
func hubErr(err error) error {
	if errors.Is(err, hub.ErrUnknownWard) || errors.Is(err, hub.ErrWardExists) || errors.Is(err, hub.ErrBadWardID) {
		return badInput{err}
	}
	return err
}

func (c *cli) hubEnrolCode(args []string) error {
	f := c.vaultFlags("hub enrol-code")
	ward := f.String("ward", "", "the ward the kiosk will show")
	h, err := c.openHubFor(f, ward, args)
	if err != nil {
		return err
	}
	code, err := h.NewCode(*ward, c.now())
	if err != nil {
		return hubErr(err)
	}
	fmt.Fprintln(c.stdout, code)
	return nil
}

// hubRevoke stops sealing a ward's generations to a kiosk (lost, stolen,
// or retired) and keeps it from enrolling again.
func (c *cli) hubRevoke(args []string) error {
	f := c.vaultFlags("hub revoke")
	id := f.String("kiosk", "", "the kiosk's id, as lifeboat hub status lists it")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *id == "" {
		return usagef("--kiosk ID is required")
	}
	h, err := c.openHub(dir)
	if err != nil {
		return err
	}
	k, err := h.Revoke(*id, c.now())
	if errors.Is(err, hub.ErrUnknownKiosk) || errors.Is(err, hub.ErrKioskRevoked) {
		return badInput{err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Kiosk %s is revoked: ward %s's next generation is a full one sealed without it, and the files it could read leave the publication then. It cannot enrol again.\n", k.ID, k.Ward)
	return nil
}

func (c *cli) hubRun(args []string) error {
	f := c.vaultFlags("hub run")
	server := f.String("fhir", "", "FHIR R4 server base URL to pull from")
	listen := f.String("listen", "", "address the hub's HTTP listener takes, such as 127.0.0.1:8443 or :8080")
	publish := f.String("publish", "", "publication folder (default DIR/publish)")
	ff := addFHIRFlags(f, "system/*.rs")
	every := f.Duration("every", 0, "keep pulling and publishing at this interval until stopped")
	fullEvery := f.Duration("full-every", live.DefaultFullEvery, "a full pull at least this often")
	downAfter := f.Duration("ehr-down-after", hub.DefaultDownAfter, "tell kiosks the EHR is down after pulls fail this long")
	margin := f.Duration("margin", live.DefaultMargin, "safety margin for _lastUpdated")
	acceptDrop := f.Bool("accept-drop", false, "accept a census that shrank by half or more")
	tlsCert := f.String("tls-cert", "", "PEM certificate and intermediates, to serve HTTPS (needs --tls-key)")
	tlsKey := f.String("tls-key", "", "PEM private key of --tls-cert")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	switch {
	case *server == "":
		return usagef("--fhir URL is required")
	case *listen == "":
		return usagef("--listen ADDR is required (such as 127.0.0.1:8080)")
	case *every != 0 && *every < 5*time.Second:
		return usagef("--every must be at least 5s")
	case *downAfter < 0:
		return usagef("--ehr-down-after cannot be negative")
	case (*tlsCert == "") != (*tlsKey == ""):
		return usagef("--tls-cert and --tls-key go together: give both for HTTPS, or neither")
	}
	// The certificate is checked before the passphrase is asked for and
	// anything is pulled: a hub that cannot serve what it was told to
	// says so at once.
	var tlsConfig *tls.Config
	if *tlsCert != "" {
		if tlsConfig, err = hub.ServerTLS(*tlsCert, *tlsKey); err != nil {
			return inputErr(err)
		}
		if exp := hub.CertificateExpiry(tlsConfig); !exp.IsZero() && c.now().After(exp) {
			fmt.Fprintf(c.stderr, "Warning: the hub's TLS certificate expired on %s: kiosks will refuse it until it is renewed.\n", present.DateTime(exp))
		}
	}
	pub := *publish
	if pub == "" {
		pub = filepath.Join(dir, "publish")
	}
	if err := os.MkdirAll(pub, 0o755); err != nil {
		return fmt.Errorf("creating the publication folder: %w", err)
	}
	client, err := c.client(*server, ff)
	if err != nil {
		return err
	}
	h, err := c.openHub(dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return usagef("the hub cannot listen on %s (%v)", *listen, errors.Unwrap(err))
	}
	p := &live.Puller{Client: client, Margin: *margin, FullEvery: *fullEvery, AcceptDrop: *acceptDrop, Now: c.now}
	defer p.Close()
	r := &hub.Runner{Hub: h, Publisher: &hub.Publisher{Hub: h, Dir: pub}, Puller: p, Every: *every, Now: c.now,
		DownAfter: *downAfter, Log: func(s string) { fmt.Fprintln(c.stdout, s) }}
	// The fleet: the kiosks' heartbeats, the readiness board, /metrics.
	reg := &hub.Registry{Hub: h, Now: c.now}
	beats, bad, err := fleet.Load(filepath.Join(dir, fleetFile), reg)
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(c.stdout, "%d kept heartbeats could not be verified again and were left out.\n", bad)
	}
	beats.Log = func(s string) { fmt.Fprintln(c.stdout, s) }
	h.Log = beats.Log // a kiosk whose hand-ins it has no room for
	// A ward whose kiosks hold numbers above the hub's (its folder
	// restored from a back-up) goes on above them.
	r.Heard = beats.Latest
	defer func() { beats.Save(c.now()) }() // the heartbeats taken since the last write
	metrics := fleet.NewMetrics(beats, reg.Enrolled, fleet.Thresholds{}, c.now)
	r.Pulled = metrics.ObservePull
	mux := hub.Handler(h, pub, c.now)
	mux.Handle("POST "+hub.HeartbeatPath, beats.Handler(c.now))
	progress := &hub.Progress{Hub: h, Now: c.now}
	mux.Handle("GET /fleet", board.Page{Board: beats, Enrolled: reg.Enrolled, Now: c.now, EHR: func() (string, []any) { return ehrWords(r.EHR()) },
		Reconciliation: progress.ByWard})
	mux.Handle("GET /metrics", metrics.Handler())
	srv := hub.NewServer(*listen, mux)
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	fmt.Fprintf(c.stdout, "Hub %s listening on %s://%s, publishing to %s; readiness board at /fleet.\n", h.ID(), scheme, ln.Addr(), pub)
	ctx, stop := c.interruptible()
	defer stop()
	return r.Run(ctx)
}

// fleetFile is where the hub keeps the latest heartbeat of each kiosk.
const fleetFile = "fleet.json"

// ehrWords is what the board says of the hub's pulls from the EHR.
func ehrWords(e hub.EHRState) (string, []any) {
	switch {
	case e.Failures > 0:
		return fleet.EHRFailing, []any{present.DateTime(e.FailingSince), e.Failures}
	case !e.LastSuccess.IsZero():
		return fleet.EHRPulled, []any{present.DateTime(e.LastSuccess)}
	}
	return fleet.EHRNever, nil
}

// errNotReady is hub status finding kiosks not ready (exit 7) or to look
// at (exit 6).
type errNotReady struct {
	level      fleet.Level
	red, amber int
}

func (e errNotReady) Error() string {
	return fmt.Sprintf("%d kiosks are not ready and %d need looking at", e.red, e.amber)
}

// hubStatus says how ready every enrolled kiosk is, from the heartbeats
// the hub kept, the least ready first.
func (c *cli) hubStatus(args []string) error {
	f := c.vaultFlags("hub status")
	asJSON := f.Bool("json", false, "JSON output")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	h, err := c.openHub(dir)
	if err != nil {
		return err
	}
	reg := &hub.Registry{Hub: h, Now: c.now}
	beats, bad, err := fleet.Load(filepath.Join(dir, fleetFile), reg)
	if err != nil {
		return err
	}
	now := c.now()
	rows := fleet.Assess(reg.Enrolled(), beats.Latest(), now, fleet.Thresholds{})
	type kiosk struct {
		Kiosk     string    `json:"kiosk"`
		Ward      string    `json:"ward"`
		Level     string    `json:"level"`
		Findings  []string  `json:"findings"`
		LastHeard time.Time `json:"lastHeard,omitzero"`
		DataAge   *int64    `json:"dataAgeSeconds,omitempty"`
	}
	type revoked struct {
		Kiosk   string    `json:"kiosk"`
		Ward    string    `json:"ward"`
		Revoked time.Time `json:"revoked"`
	}
	out := struct {
		Kiosks     []kiosk   `json:"kiosks"`
		Revoked    []revoked `json:"revoked"`
		Unverified int       `json:"unverifiedHeartbeats"`
	}{Kiosks: []kiosk{}, Revoked: []revoked{}, Unverified: bad}
	rs, _, err := h.Revocations()
	if err != nil {
		return err
	}
	for _, r := range rs {
		out.Revoked = append(out.Revoked, revoked{Kiosk: r.ID, Ward: r.Ward, Revoked: r.Revoked})
	}
	n := fleet.Count(rows)
	for _, r := range rows {
		k := kiosk{Kiosk: r.Kiosk, Ward: r.Ward, Level: r.Level.String(), Findings: []string{}}
		for _, fd := range r.Findings {
			k.Findings = append(k.Findings, fd.English())
		}
		if l := r.Latest; l != nil {
			k.LastHeard = l.At
			if l.Generation > 0 && !l.DataAsOf.IsZero() {
				age := int64(r.DataAge / time.Second)
				k.DataAge = &age
			}
		}
		out.Kiosks = append(out.Kiosks, k)
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.stdout, "%d kiosks: %d not ready, %d to look at, %d ready.\n", len(rows), n[fleet.Red], n[fleet.Amber], n[fleet.Green])
		if bad > 0 {
			fmt.Fprintf(c.stdout, "%d kept heartbeats could not be verified and were left out.\n", bad)
		}
		for _, k := range out.Kiosks {
			fmt.Fprintf(c.stdout, "  %s (ward %s): %s", k.Kiosk, k.Ward, strings.ToUpper(k.Level))
			if len(k.Findings) > 0 {
				fmt.Fprintf(c.stdout, ": %s", strings.Join(k.Findings, " "))
			}
			fmt.Fprintln(c.stdout)
		}
		for _, r := range out.Revoked {
			fmt.Fprintf(c.stdout, "Revoked: %s (ward %s) on %s.\n", r.Kiosk, r.Ward, present.DateTime(r.Revoked))
		}
	}
	if w := fleet.Worst(rows); w != fleet.Green {
		return errNotReady{level: w, red: n[fleet.Red], amber: n[fleet.Amber]}
	}
	return nil
}

// enrolCmd enrols a kiosk with a hub.
func (c *cli) enrolCmd(args []string) error {
	f := c.vaultFlags("enrol")
	hubURL := f.String("hub", "", "the hub's address, such as https://hub.hospital.example:8443")
	code := f.String("code", "", "the one-time code lifeboat hub enrol-code printed")
	timeout := f.Duration("timeout", 30*time.Second, "how long to wait for the hub")
	hubCA := f.String("hub-ca", "", "PEM CA certificates to trust for an https:// hub, besides the system's")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *hubURL == "" || *code == "" {
		return usagef("enrol needs --hub URL and --code CODE")
	}
	if !strings.HasPrefix(*hubURL, "http://") && !strings.HasPrefix(*hubURL, "https://") {
		return usagef("--hub must be the hub's http:// or https:// address")
	}
	client, err := hubClient(*hubURL, *hubCA, *timeout)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	_, pinned := keys.Hub(dir)
	pin, err := hub.Enrol(context.Background(), dir, keys, *hubURL, *code, client, c.now())
	if err != nil {
		return err
	}
	if pinned == nil {
		fmt.Fprintf(c.stdout, "Enrolled again with hub %s for ward %s: the hub knows this kiosk again (its key was pinned already).\n", pin.HubID, pin.Ward)
		return nil
	}
	fmt.Fprintf(c.stdout, "Enrolled with hub %s for ward %s; the hub's key is pinned. Subscribe with lifeboat snapshot --hub.\n", pin.HubID, pin.Ward)
	return nil
}

// hubClient is the kiosk's client for the hub at source, trusting the
// CA bundle caFile (--hub-ca) besides the system's, which is only for
// an https:// address.
func hubClient(source, caFile string, timeout time.Duration) (*http.Client, error) {
	if caFile != "" && !strings.HasPrefix(source, "https://") {
		return nil, usagef("--hub-ca is for a hub at an https:// address")
	}
	client, err := hub.NewClient(caFile, timeout)
	if err != nil {
		return nil, inputErr(err)
	}
	return client, nil
}

// inputErr marks an error of a file named on the command line as bad
// input (exit 2), unless it is a FIFO or a huge file in its place (exit
// 11, as every input).
func inputErr(err error) error {
	if errors.Is(err, store.ErrNotRegular) {
		return err
	}
	return badInput{err}
}

// hubSnapshot subscribes the kiosk to its hub's publication, once or
// every interval until SIGINT or SIGTERM.
func (c *cli) hubSnapshot(dir, source, caFile string, every, timeout time.Duration) error {
	if every != 0 && every < 5*time.Second {
		return usagef("--every must be at least 5s")
	}
	client, err := hubClient(source, caFile, timeout)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	s := &hub.Subscriber{Dir: dir, Keys: keys, Source: source, Client: client, Now: c.now}
	beat := &hub.Beater{Dir: dir, Keys: keys, Version: version(), Now: c.now}
	ctx, stop := c.interruptible()
	defer stop()
	st, _, _ := store.ReadSyncState(dir)
	beats := s.Remote()
	for {
		started := time.Now() // steps start every interval, however long one takes
		up, err := s.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		// A hub at a URL hears how the kiosk is, whatever the step did; a
		// heartbeat not taken is said, and never stops the subscription.
		// A web server that takes none (it carries the publication for
		// the hub) is said once, and not asked again. A hub the step
		// could not reach, or whose certificate is not trusted, is sent
		// nothing: the step's error says why.
		if beats && !errors.Is(err, hub.ErrUnreachable) && !errors.Is(err, hub.ErrUntrusted) && !errors.Is(err, hub.ErrHTTPSOnly) {
			beat.Received(up)
			if pin, perr := keys.Hub(dir); perr == nil {
				herr := beat.Send(ctx, client, source, beat.Heartbeat(ctx, pin))
				switch {
				case errors.Is(herr, fleet.ErrNoHeartbeats):
					beats = false
					fmt.Fprintln(c.stderr, "Warning: "+sentence(herr))
				case herr != nil && ctx.Err() == nil:
					c.fail("snapshot", fmt.Errorf("the heartbeat was not taken by the hub: %w", herr))
				}
				// The journal goes to IT whenever the hub can be reached:
				// what was recorded since the last receipt, if anything,
				// and the hub is asked again every HandInRecheck (one
				// restored from a back-up says what it lacks).
				if beats {
					sum, herr := hub.HandInTo(ctx, dir, keys, pin, client, source, hub.HandInRecheck)
					st.HandedIn, st.HandInWaiting, st.HandInAt = sum.Held, sum.Waiting, c.now()
					switch {
					case herr != nil && ctx.Err() == nil:
						c.fail("snapshot", fmt.Errorf("the journal was not handed in: %w", herr))
					case herr == nil && sum.Stored > 0:
						fmt.Fprintf(c.stdout, "Handed in %s to IT; the hub holds %d.\n", count(sum.Stored, "journal entry", "journal entries"), sum.Held)
					}
				}
			}
		}
		now := c.now()
		st.Source, st.LastAttempt, st.FromHub = source, now, true
		// What the hub's index says of the EHR, whenever one was read (an
		// index unchanged since the last step says what it said then).
		if since, ok := up.EHRDown(); ok {
			st.EHRUnreachableSince = since
			ehr := store.HubEHR(up.EHR)
			st.HubEHR = &ehr
		}
		// The index taken, for status: one read whole and accepted (an
		// old one, said stale, is still the one taken).
		if up != nil && !up.HubTime.IsZero() && (err == nil || errors.Is(err, hub.ErrStale)) {
			st.HubIndexSequence, st.HubIndexTime, st.HubIndexTaken = up.Sequence, up.HubTime, now
		}
		if err != nil {
			st.LastError, st.LastErrorAt = sentence(err), now
			st.Failures++
		} else {
			st.LastSuccess, st.LastError, st.Failures = now, "", 0
			if up.Generation > 0 {
				st.LastGeneration = up.Generation
			}
		}
		if werr := store.WriteSyncState(dir, st); werr != nil && err == nil {
			err = werr
		}
		switch {
		case err != nil && every == 0:
			return err
		case err != nil:
			c.fail("snapshot", err)
		case up.Unchanged:
			if every == 0 {
				fmt.Fprintln(c.stdout, "Nothing new from the hub.")
			}
		default:
			fmt.Fprintf(c.stdout, "Received %d generation(s) from the hub; ward %s at generation %d, data as of %s.\n",
				len(up.Received), up.Ward, up.Generation, present.DateTime(up.AsOf))
		}
		if every == 0 {
			return nil
		}
		t := time.NewTimer(max(every-time.Since(started), 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
