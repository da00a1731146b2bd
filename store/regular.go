package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Every file Lifeboat reads, an input or a file of its own data folder, is
// untrusted: whoever can write the disk can put a FIFO, a device or a huge
// file where a snapshot, a key or an export was. Opening a FIFO for reading
// blocks until someone writes to it, and reading a device never ends, so
// such files are opened without blocking and refused unless they are
// regular files, and reads are bounded.

// Errors of OpenRegular and ReadRegular; callers match them with errors.Is.
var (
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = errors.New("is too large")
)

// FileError names the file (by a label the caller chooses, never a name
// that could be a patient's) and what is wrong with it.
type FileError struct {
	Label string // "config.json", "input file 3"
	Err   error
}

func (e *FileError) Error() string { return e.Label + " " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// OpenRegular opens path for reading without blocking on a FIFO and
// returns it only if it is a regular file of at most max bytes (max <= 0:
// no limit). Errors wrap ErrNotRegular, ErrTooLarge or the open error
// (fs.ErrNotExist stays matchable), labelled with label.
func OpenRegular(path, label string, max int64) (*os.File, error) {
	f, err := openNoBlock(path)
	if err != nil {
		return nil, &FileError{Label: label, Err: err}
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = ErrNotRegular
	}
	if err == nil && max > 0 && fi.Size() > max {
		err = fmt.Errorf("%w (%d bytes, at most %d)", ErrTooLarge, fi.Size(), max)
	}
	if err == nil {
		err = clearNoBlock(f)
	}
	if err != nil {
		f.Close()
		return nil, &FileError{Label: label, Err: err}
	}
	return f, nil
}

// ReadRegular reads a whole regular file of at most max bytes, refusing
// FIFOs and devices as OpenRegular does. A file that grows past max while
// it is read is refused too.
func ReadRegular(path, label string, max int64) ([]byte, error) {
	f, err := OpenRegular(path, label, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := io.Reader(f)
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &FileError{Label: label, Err: err}
	}
	if max > 0 && int64(len(b)) > max {
		return nil, &FileError{Label: label, Err: fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, max)}
	}
	return b, nil
}
