//go:build !unix

package store

import (
	"os"
)

// openNoBlock refuses what is not a regular file before opening it: on
// Windows a named pipe lives outside the file system's folders, so a
// Lstat of the path tells.
func openNoBlock(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	return os.Open(path)
}

func clearNoBlock(*os.File) error { return nil }

// openAppendNoBlock opens for appending, creating the file, after checking
// that what is there, if anything, is a regular file.
func openAppendNoBlock(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	return os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
}
