//go:build !unix && !windows

package store

import "os"

// Elsewhere (js, wasip1, plan9) there is no file lock to take: the kiosk
// runs on Linux and Windows, where one process or the other holds it.
func lockAuditFile(*os.File, bool) error { return nil }

func unlockAuditFile(*os.File) error { return nil }
