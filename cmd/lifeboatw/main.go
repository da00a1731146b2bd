// Lifeboatw opens Lifeboat's window on Windows without a console: the
// Start menu's entry and the session's autostart run lifeboatw.exe, which
// runs lifeboat.exe beside it (a console program, for the command line
// and the service) with the same arguments, "kiosk" when there are none,
// and no console window. When lifeboat.exe ends with an error, its last
// line on stderr (one sentence, never patient data) is shown in a
// message box, so that a nurse who clicked the entry sees why nothing
// opened; lifeboatw ends with lifeboat's exit status.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// tailKept is how much of lifeboat's stderr is kept: its last line is
// what is shown.
const tailKept = 4 << 10

func run(args []string) int {
	if len(args) == 0 {
		args = []string{"kiosk"}
	}
	self, err := os.Executable()
	if err != nil {
		return fail(fmt.Sprintf("Lifeboat could not find its own folder (%v).", err), 1)
	}
	cmd := exec.Command(filepath.Join(filepath.Dir(self), "lifeboat.exe"), args...)
	tail := &tailBuffer{max: tailKept}
	cmd.Stderr = tail
	hideConsole(cmd)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		msg := lastLine(tail.Bytes())
		if msg == "" {
			msg = fmt.Sprintf("Lifeboat stopped with exit status %d.", exit.ExitCode())
		}
		return fail(msg, exit.ExitCode())
	default:
		return fail(fmt.Sprintf("Lifeboat could not be started: %v.", err), 1)
	}
}

// lastLine is the last line of b that is not empty.
func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(b), "\r\n", "\n")), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.Buffer.Write(p)
	if over := t.Len() - t.max; over > 0 {
		t.Next(over)
	}
	return len(p), nil
}
