//go:build !unix

package store

import (
	"errors"
	"io/fs"
	"os"
)

// openNoBlock refuses what is not a regular file before opening it: on
// Windows a named pipe lives outside the file system's folders, so a
// Lstat of the path tells. A missing file is created when flag says so.
func openNoBlock(path string, flag int) (*os.File, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && flag&os.O_CREATE != 0:
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, ErrNotRegular
	}
	return os.OpenFile(path, flag, 0o600)
}

func clearNoBlock(*os.File) error { return nil }
