//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockAuditFile takes an advisory lock on the whole file, waiting for it:
// the audit trail is appended to by the kiosk window and the command line.
func lockAuditFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func unlockAuditFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
