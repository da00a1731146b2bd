//go:build unix

package store

import (
	"os"
	"syscall"
)

// openNoBlock opens with O_NONBLOCK, so that opening a FIFO with no writer
// returns at once instead of waiting for one.
func openNoBlock(path string, flag int) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NONBLOCK, 0o600)
}

// clearNoBlock puts a regular file back in blocking mode (reads of regular
// files never block anyway; this keeps the os package's poller out of it).
func clearNoBlock(f *os.File) error {
	return syscall.SetNonblock(int(f.Fd()), false)
}
