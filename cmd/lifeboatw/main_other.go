//go:build !windows

package main

import (
	"fmt"
	"os"
	"os/exec"
)

// Elsewhere, lifeboatw is only built for its tests: lifeboat itself has
// no console to hide.
func hideConsole(*exec.Cmd) {}

func fail(msg string, status int) int {
	fmt.Fprintln(os.Stderr, msg)
	return status
}
