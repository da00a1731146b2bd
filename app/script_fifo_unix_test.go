//go:build unix

package app

import (
	"os"
	"strconv"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// mkfifo FILE replaces FILE (if any) with a FIFO, as an attacker who can
// write the disk would, to make a reader wait forever.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo FILE")
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.RemoveAll(path))
	ts.Check(syscall.Mkfifo(path, 0o600))
}

// mode PERM PATH... requires each path's permission bits to be PERM (octal).
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mode PERM PATH...")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	ts.Check(err)
	for _, p := range args[1:] {
		fi, err := os.Stat(ts.MkAbs(p))
		ts.Check(err)
		if got := fi.Mode().Perm(); uint64(got) != want {
			ts.Fatalf("%s is mode %04o, want %04o", p, got, want)
		}
	}
}
