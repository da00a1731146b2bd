//go:build !unix

package app

import "github.com/rogpeppe/go-internal/testscript"

func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("no FIFOs here")
}

func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("no Unix modes here")
}
