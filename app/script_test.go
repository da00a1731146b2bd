package app

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	"github.com/rogpeppe/go-internal/testscript"

	"lifeboat/clinical"
	"lifeboat/internal/tlstest"
	"lifeboat/store/storetest"
)

// The command line is tested as scripts: each file in testdata/script is
// a story of commands, their output and exit status. With LIFEBOAT_EXE
// set, the scripts' lifeboat is that program instead (the Windows build,
// run under Wine by packaging/windows/check.sh): the same stories, the
// same output and exit statuses.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lifeboat": func() {
			if exe := os.Getenv("LIFEBOAT_EXE"); exe != "" {
				os.Exit(runProgram(exe, os.Args[1:]))
			}
			os.Exit(Main(os.Args[1:]))
		},
	})
}

// runProgram runs another build of lifeboat with these arguments and
// returns its exit status; a Windows one (.exe) runs under Wine.
func runProgram(exe string, args []string) int {
	name := exe
	if strings.HasSuffix(exe, ".exe") {
		name, args = "wine", append([]string{exe}, args...)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "running %s: %v\n", exe, err)
		return 127
	}
	return 0
}

func TestScripts(t *testing.T) {
	shared, _ := filepath.Abs("../../shared")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			// A small scrypt work factor keeps tests fast; the default is 18.
			env.Setenv("LIFEBOAT_SCRYPT_WORK_FACTOR", "10")
			env.Setenv("LIFEBOAT_CONFIG", "none") // never the machine's own lifeboat.toml
			// The locale of systemd services and CI, under which Fyne would
			// log at start-up (see internal/clocale): commands must stay quiet.
			env.Setenv("LANG", "C.UTF-8")
			// Under -race every command would sleep a second before exiting,
			// waiting for reports that its own goroutines already made.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			// Another build of the program, and what Wine needs to run it.
			for _, k := range []string{"LIFEBOAT_EXE", "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES"} {
				if v := os.Getenv(k); v != "" {
					env.Setenv(k, v)
				}
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "shared":
				_, err := os.Stat(filepath.Join(shared, "fhir", "synthea-r4"))
				return err == nil, nil
			case "wine": // the program is a Windows build, under Wine
				return strings.HasSuffix(os.Getenv("LIFEBOAT_EXE"), ".exe"), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":      cmdExits,
			"corrupt":    cmdCorrupt,
			"fill":       cmdFill,
			"forge":      cmdForge,
			"mkfifo":     cmdMkfifo,
			"mode":       cmdMode,
			"agedecrypt": cmdAgeDecrypt,
			"waitlisten": cmdWaitListen,
			"envfile":    cmdEnvFile,
			"tlscert":    cmdTLSCert,
		},
	})
}

// exits N COMMAND ARGS... runs a command and requires exit status N.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// corrupt FILE flips one byte in the middle of a file.
func cmdCorrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: corrupt FILE")
	}
	path := ts.MkAbs(args[0])
	b, err := os.ReadFile(path)
	ts.Check(err)
	b[len(b)/2] ^= 0x01
	ts.Check(os.WriteFile(path, b, 0o600))
}

// forge DIR PATIENT adds an entry to DIR's journal as an attacker with
// the disk but no passphrase would: an allergy sealed to the public
// recipients of config.json, inserted with SQL after the last entry.
func cmdForge(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: forge DIR PATIENT")
	}
	now := time.Now().UTC().Truncate(time.Second)
	_, err := storetest.ForgeEntry(ts.MkAbs(args[0]), clinical.Entry{ID: uuid.NewString(), Kind: clinical.KindAllergy, Patient: args[1],
		Author: "RN Peeters", ClinicalTime: now, EnteredAt: now, Allergy: &clinical.NewAllergy{Substance: "Forged allergy"}})
	ts.Check(err)
}

var placeholder = regexp.MustCompile(`@(NOW([+-][0-9]+[mh])?|file:[^@]+)@`)

// fill FILE... replaces placeholders in files: @NOW@, @NOW-30m@ or
// @NOW-72h@ with that time (RFC 3339, UTC), so that clinical times stay
// recent whenever the story runs, and @file:NAME@ with the first line of
// the file NAME (an entry id kept with "cp stdout NAME").
func cmdFill(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: fill FILE...")
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, name := range args {
		b, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		out := placeholder.ReplaceAllStringFunc(string(b), func(m string) string {
			m = strings.Trim(m, "@")
			if file, ok := strings.CutPrefix(m, "file:"); ok {
				first, _, _ := strings.Cut(ts.ReadFile(file), "\n")
				return strings.TrimSpace(first)
			}
			t := now
			if offset := strings.TrimPrefix(m, "NOW"); offset != "" {
				d, err := time.ParseDuration(offset)
				ts.Check(err)
				t = now.Add(d)
			}
			return t.Format(time.RFC3339)
		})
		ts.Check(os.WriteFile(ts.MkAbs(name), []byte(out), 0o600))
	}
}

// agedecrypt IDENTITYFILE IN OUT decrypts an age file with the identities
// of IDENTITYFILE, and agedecrypt -passphrase PASSPHRASE IN OUT with a
// passphrase, as the age tool does (the same library).
func cmdAgeDecrypt(ts *testscript.TestScript, neg bool, args []string) {
	var ids []age.Identity
	switch {
	case len(args) == 4 && args[0] == "-passphrase":
		id, err := age.NewScryptIdentity(args[1])
		ts.Check(err)
		ids, args = []age.Identity{id}, args[2:]
	case len(args) == 3:
		parsed, err := age.ParseIdentities(strings.NewReader(ts.ReadFile(args[0])))
		ts.Check(err)
		ids, args = parsed, args[1:]
	default:
		ts.Fatalf("usage: agedecrypt IDENTITYFILE|-passphrase PASSPHRASE IN OUT")
	}
	in, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer in.Close()
	r, err := age.Decrypt(in, ids...)
	if err == nil {
		var b []byte
		if b, err = io.ReadAll(r); err == nil {
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o600))
		}
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("agedecrypt: decrypted, want a failure")
	case !neg && err != nil:
		ts.Fatalf("agedecrypt: %v", err)
	}
}

// waitlisten ADDR waits until something listens on ADDR (127.0.0.1:PORT),
// as a command started in the background takes its port.
func cmdWaitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlisten ADDR")
	}
	for deadline := time.Now().Add(time.Minute); ; {
		c, err := net.Dial("tcp", args[0])
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing listens on %s", args[0])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// envfile NAME FILE [REGEXP] sets the variable NAME to the first line of
// FILE (a code a command printed, kept with "cp stdout FILE"), or to the
// first group of REGEXP in FILE (an id in a sentence).
func cmdEnvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: envfile NAME FILE [REGEXP]")
	}
	text := ts.ReadFile(args[1])
	if len(args) == 2 {
		line, _, _ := strings.Cut(text, "\n")
		ts.Setenv(args[0], line)
		return
	}
	m := regexp.MustCompile(args[2]).FindStringSubmatch(text)
	if len(m) < 2 {
		ts.Fatalf("%s has no match of %s", args[1], args[2])
	}
	ts.Setenv(args[0], m[1])
}

// tlscert writes, in the work folder, a hospital's CA (ca.pem), a server
// certificate it issued for 127.0.0.1 (hub.pem) and its key
// (hub-key.pem), and the key of another certificate (other-key.pem):
// made for the story, never kept in the repository.
func cmdTLSCert(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: tlscert")
	}
	ca, err := tlstest.NewCA("Hospital internal CA")
	ts.Check(err)
	now := time.Now()
	cert, key, err := ca.Issue(now.Add(-time.Hour), now.Add(24*time.Hour), tlstest.Localhost)
	ts.Check(err)
	_, other, err := ca.Issue(now.Add(-time.Hour), now.Add(24*time.Hour), tlstest.Localhost)
	ts.Check(err)
	for name, b := range map[string][]byte{"ca.pem": ca.PEM, "hub.pem": cert, "hub-key.pem": key, "other-key.pem": other} {
		ts.Check(os.WriteFile(ts.MkAbs(name), b, 0o600))
	}
}
