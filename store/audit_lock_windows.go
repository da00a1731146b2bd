//go:build windows

package store

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockAuditFile locks the whole file, waiting for the lock: the audit
// trail is appended to by the kiosk window and the command line.
func lockAuditFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}

func unlockAuditFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}
