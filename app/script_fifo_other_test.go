//go:build !unix

package app

import "github.com/rogpeppe/go-internal/testscript"

// Scripts that make FIFOs or check modes begin with "[!unix] skip".

func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mkfifo: there are no FIFOs on this system")
}

func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mode: there are no Unix modes on this system")
}
