//go:build unix

package app

import (
	"os"
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
