package app

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The command line is tested as scripts: each file in testdata/script is
// a story of commands, their output and exit status.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lifeboat": func() { os.Exit(Main(os.Args[1:])) },
	})
}

func TestScripts(t *testing.T) {
	shared, _ := filepath.Abs("../../shared")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			// A small scrypt work factor keeps tests fast; the default is 18.
			env.Setenv("LIFEBOAT_SCRYPT_WORK_FACTOR", "10")
			// Fyne logs an error at start-up under the C locale; wards run under a real one.
			env.Setenv("LANG", "en_GB.UTF-8")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond != "shared" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			_, err := os.Stat(filepath.Join(shared, "fhir", "synthea-r4"))
			return err == nil, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":   cmdExits,
			"corrupt": cmdCorrupt,
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
