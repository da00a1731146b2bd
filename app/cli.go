// Package app is what people touch: the command line and, through
// app/kiosk, the window. Every command takes --data DIR, reads a passphrase
// only from LIFEBOAT_PASSPHRASE or a prompt, and ends with one of the exit
// statuses below; an error is one plain sentence on stderr, never with
// patient data in it.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"lifeboat/app/present"
	"lifeboat/clinical"
	_ "lifeboat/internal/clocale" // before Fyne reads the locale: see there
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/fleet"
	"lifeboat/sync/hub"
)

// Exit statuses, for people and for monitoring scripts.
const (
	ExitOK         = 0
	ExitFailure    = 1  // something outside the user's control (disk, memory)
	ExitUsage      = 2  // bad usage or bad input
	ExitPassphrase = 3  // wrong passphrase
	ExitNoSnapshot = 4  // no usable snapshot
	ExitAudit      = 5  // the audit trail was found altered
	ExitAmber      = 6  // status: the newest good snapshot is older than the amber threshold; hub status: a kiosk to look at
	ExitRed        = 7  // status: ... older than the red threshold; hub status: a kiosk not ready
	ExitWaiting    = 8  // reconcile: entries wait for a person (conflicts, links, refused by the server)
	ExitRefused    = 9  // status: the newest generation is refused, or generations seen before are gone (rollback)
	ExitJournal    = 10 // the downtime journal failed verification: entries forged, altered or missing
	ExitNotAFile   = 11 // an input or a file of the data folder is not a regular file (a FIFO, a device)
	ExitHubRefused = 12 // snapshot --hub: the hub's index or a generation was forged, foreign, rolled back or altered; or, with enrol, its TLS certificate is not trusted
	ExitEnrolCode  = 13 // enrol refused: the code is unknown, used, expired, malformed or another hub's; the kiosk is revoked or its id taken
)

// cli is one run of the program, with its surroundings made explicit so
// that tests can run it in-process.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// stop, when set, ends the long-running commands as SIGINT and
	// SIGTERM do (a Windows service's stop).
	stop context.Context

	// lifeboat.toml: the file --config named (configGiven), read at the
	// first parse of a command it configures; passphraseFile is its
	// passphrase_file, for the passphrase's asking.
	configPath     string
	configGiven    bool
	config         *config
	configRead     bool
	passphraseFile string
}

// Main runs the program with the arguments after the program name and
// returns the exit status.
func Main(args []string) int {
	if status, ok := asService(args); ok {
		return status
	}
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now}
	return c.run(args)
}

// interruptible is the context of a long-running command: done at
// SIGINT, SIGTERM or, when run as a Windows service, the service's stop.
func (c *cli) interruptible() (context.Context, context.CancelFunc) {
	parent := c.stop
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

type command struct {
	name string
	run  func(c *cli, args []string) error
	subs []string // its subcommands, named in its errors too
}

func commands() []command {
	return []command{
		{"init", (*cli).initCmd, nil},
		{"snapshot", (*cli).snapshotCmd, nil},
		{"status", (*cli).statusCmd, nil},
		{"chart", (*cli).chartCmd, nil},
		{"record", (*cli).recordCmd, nil},
		{"journal", (*cli).journalCmd, nil},
		{"print", (*cli).printCmd, nil},
		{"summary", (*cli).summaryCmd, nil},
		{"reconcile", (*cli).reconcileCmd, []string{"decide", "report", "worklist"}},
		{"gen", (*cli).genCmd, nil},
		{"demo", (*cli).demoCmd, nil},
		{"audit", (*cli).auditCmd, []string{"verify", "export"}},
		{"kiosk", (*cli).kioskCmd, nil},
		{"hub", (*cli).hubCmd, []string{"init", "ward", "enrol-code", "revoke", "run", "status"}},
		{"enrol", (*cli).enrolCmd, nil},
		{"handin", (*cli).handinCmd, nil},
		{"version", (*cli).versionCmd, nil},
	}
}

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		args = []string{"kiosk"}
	}
	name := args[0]
	if name == "--version" || name == "-version" {
		name, args = "version", append([]string{"version"}, args[1:]...)
	}
	if isHelp(name) {
		if len(args) == 1 || isHelp(args[1]) { // lifeboat help, lifeboat help help
			c.usage(c.stdout)
			return ExitOK
		}
		// lifeboat help COMMAND [SUBCOMMAND] is COMMAND [SUBCOMMAND] --help.
		name, args = args[1], append(args[1:], "--help")
	}
	for _, cmd := range commands() {
		if cmd.name == name {
			path, given, rest, err := configFlag(args[1:])
			if err == nil {
				c.configPath, c.configGiven = path, given
				err = cmd.run(c, rest)
			}
			if err == nil {
				return ExitOK
			}
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			if len(args) > 1 && slices.Contains(cmd.subs, args[1]) {
				name += " " + args[1]
			}
			c.fail(name, err)
			return exitStatus(err)
		}
	}
	c.fail("", fmt.Errorf("unknown command %q (see lifeboat --help)", name))
	return ExitUsage
}

// fail says what went wrong, the one way every command does: one line on
// stderr, "lifeboat COMMAND: Sentence." ("lifeboat reconcile decide: …"
// for a subcommand, "lifeboat: …" when there is no command). Warnings
// that do not stop a command begin "Warning: " instead.
func (c *cli) fail(command string, err error) {
	prefix := "lifeboat: "
	if command != "" {
		prefix = "lifeboat " + command + ": "
	}
	fmt.Fprintln(c.stderr, prefix+sentence(err))
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: lifeboat COMMAND [FLAGS]   (no command: lifeboat kiosk)")
	fmt.Fprintln(w, "\nCommands:")
	for _, cmd := range commands() {
		t, _ := topicNamed(cmd.name)
		fmt.Fprintf(w, "  %-10s %s\n", cmd.name, t.summary)
	}
	fmt.Fprintln(w, "\nlifeboat COMMAND --help shows a command's flags and an example.")
	fmt.Fprintln(w, "kiosk, snapshot, status, handin and hub also read lifeboat.toml (--config FILE): docs/install.md.")
}

// usageError marks bad usage or input (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// badInput marks an error of the input as bad input (exit status 2), and
// keeps it matchable with errors.Is.
type badInput struct{ error }

func (e badInput) Unwrap() error { return e.error }

func exitStatus(err error) int {
	var ue usageError
	var stale errStale
	var notReady errNotReady
	switch {
	case errors.As(err, &stale):
		if stale.level == present.Red {
			return ExitRed
		}
		return ExitAmber
	case errors.As(err, &notReady):
		if notReady.level == fleet.Red {
			return ExitRed
		}
		return ExitAmber
	case errors.As(err, new(errWaiting)), errors.As(err, new(errKeptApart)):
		return ExitWaiting
	case errors.As(err, new(errRefused)):
		return ExitRefused
	case errors.Is(err, store.ErrWrongPassphrase), errors.As(err, new(errWrongKey)):
		return ExitPassphrase
	case errors.Is(err, store.ErrNoSnapshot):
		return ExitNoSnapshot
	case errors.Is(err, store.ErrAuditAltered):
		return ExitAudit
	case errors.Is(err, store.ErrNotRegular):
		return ExitNotAFile
	case errors.Is(err, store.ErrJournalUnverified):
		return ExitJournal
	case errors.Is(err, hub.ErrRefused):
		return ExitHubRefused
	case errors.Is(err, hub.ErrCode), errors.Is(err, hub.ErrKioskIDTaken), errors.Is(err, hub.ErrRevoked), errors.Is(err, hub.ErrOtherWard):
		return ExitEnrolCode
	case errors.As(err, &ue), errors.As(err, new(badInput)), errors.Is(err, ErrConfig),
		errors.Is(err, store.ErrNotInitialised), errors.Is(err, store.ErrAlreadyInitialised),
		errors.Is(err, store.ErrWeakPassphrase), errors.Is(err, clinical.ErrNoPatient),
		errors.Is(err, fhir.ErrNotFHIR), errors.Is(err, fhir.ErrEmptyCensus),
		errors.Is(err, fhir.ErrUnknownWard), errors.Is(err, fhir.ErrPatientsNotFound),
		errors.Is(err, fhir.ErrBadSelection), errors.Is(err, os.ErrNotExist), errors.Is(err, store.ErrTooLarge),
		errors.Is(err, store.ErrKeyFileOpen), errors.Is(err, store.ErrEnrolled), errors.Is(err, store.ErrHasGenerations),
		errors.Is(err, store.ErrNotEnrolled),
		errors.Is(err, fhir.ErrTruncated), errors.Is(err, fhir.ErrTooDeep), errors.Is(err, store.ErrUnreadableChart):
		return ExitUsage
	}
	return ExitFailure
}

// sentence makes an error read as one sentence.
func sentence(err error) string {
	s := strings.TrimSpace(err.Error())
	if s == "" {
		return "failed."
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// flags is a flag set that reports errors as usage errors and takes
// positional arguments anywhere.
type flags struct {
	*flag.FlagSet
	cmd  string
	cli  *cli
	data *string // --data, for the commands that work on a data folder
}

func (c *cli) newFlags(cmd string) *flags {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	// Errors are said in one sentence, and --help by printHelp.
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, cmd: cmd, cli: c}
}

// vaultFlags is the flag set of a command that works on a data folder:
// it has --data, read back with folder or parseVault.
func (c *cli) vaultFlags(cmd string) *flags {
	f := c.newFlags(cmd)
	f.data = f.String("data", "", "data folder")
	return f
}

// parseVault parses args, which take no positional arguments, and returns
// the data folder, which is required.
func (f *flags) parseVault(args []string) (string, error) {
	if err := f.noPositional(args); err != nil {
		return "", err
	}
	return f.folder(true)
}

// parseVaultOptional is parseVault for the window, which has a default
// folder.
func (f *flags) parseVaultOptional(args []string) (string, error) {
	if err := f.noPositional(args); err != nil {
		return "", err
	}
	return f.folder(false)
}

// folder is the data folder --data names, after parsing.
// Opening the folder puts its modes right (0700, files 0600) and warns on
// stderr about what cannot be put right.
func (f *flags) folder(required bool) (string, error) {
	dir, err := f.cli.dataDir(*f.data, required)
	if err == nil && f.cmd != "init" { // init tightens what it created
		f.cli.secureFolder(dir)
	}
	return dir, err
}

// secureFolder tightens the data folder's modes and says on stderr what
// it could not tighten, or what is unsafe around it.
func (c *cli) secureFolder(dir string) {
	for _, w := range store.SecureFolder(dir) {
		fmt.Fprintln(c.stderr, "Warning: "+sentence(errors.New(w)))
	}
}

// parse parses args, allowing positional arguments between flags, and
// returns the positional ones. The flags lifeboat.toml sets for the
// command are set first: the command line overrides them.
func (f *flags) parse(args []string) ([]string, error) {
	if err := f.cli.configure(f); err != nil {
		return nil, err
	}
	var rest []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(f.cli.stdout, f.cmd, f.FlagSet)
				return nil, err
			}
			// The flag package names flags with one dash; people type two.
			return nil, usagef("%s (see lifeboat %s --help)", dashes.ReplaceAllString(err.Error(), "${1}--$2"), f.cmd)
		}
		args = f.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// dashes finds a flag's name in the flag package's errors.
var dashes = regexp.MustCompile(`(defined: |argument: |for |flag )-([A-Za-z])`)

func (f *flags) noPositional(args []string) error {
	rest, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		// The argument is not repeated: it may be an MRN typed in the wrong place.
		return usagef("unexpected argument after the flags (see lifeboat %s --help)", f.cmd)
	}
	return nil
}

// dataDir is --data, or the per-user default for the kiosk window.
func (c *cli) dataDir(dir string, required bool) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if d := c.getenv("LIFEBOAT_DATA"); d != "" {
		return d, nil
	}
	if required {
		return "", usagef("--data DIR is required")
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", usagef("--data DIR is required (no home folder to default to)")
	}
	return filepath.Join(base, "lifeboat"), nil
}
