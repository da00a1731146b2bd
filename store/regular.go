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
	return openRegular(path, label, max, os.O_RDONLY)
}

// openRegular opens path with flag (and mode 0600 if it creates it)
// without blocking on a FIFO, and keeps it only if it is a regular file of
// at most max bytes.
func openRegular(path, label string, max int64, flag int) (*os.File, error) {
	f, err := openNoBlock(path, flag)
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

// Size bounds of the data folder's own files: far above what Lifeboat
// writes, low enough that a planted file cannot exhaust memory.
const (
	maxConfigFile   = 64 << 10  // config.json
	maxKeyringFile  = 2 << 20   // keyring.age (its plaintext is at most 1 MiB)
	maxSmallFile    = 1 << 20   // audit.head, sync.json, generations.floor
	maxPendingFile  = 64 << 20  // audit.pending
	maxAuditLogFile = 2 << 30   // audit.log, read whole by audit verify
	maxSnapshotFile = 16 << 30  // a snapshot generation (a 1,000-patient ward seals to about 22 MB)
	maxReportFile   = 512 << 20 // a sealed report (its plaintext is at most maxReport)
)

// OpenAppendRegular opens (creating it if absent, mode 0600) a file of the
// data folder that is appended to, like audit.log, without blocking on a
// FIFO, and returns it only if it is a regular file.
func OpenAppendRegular(path, label string) (*os.File, error) {
	return openRegular(path, label, 0, os.O_RDWR|os.O_APPEND|os.O_CREATE)
}

// vaultLabel names a file of the data folder in an error.
func vaultLabel(name string) string { return "the data folder's " + name }

// readErr says that reading what failed, unless the file was refused as
// not regular or too large: that error already says which file and why.
func readErr(what string, err error) error {
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return err
	}
	return fmt.Errorf("reading %s: %w", what, err)
}

// errNotFolder is a folder of the data folder replaced by something else
// (a FIFO, which opening would wait on): refused like ErrNotRegular.
type errNotFolder struct{}

func (errNotFolder) Error() string        { return "is not a folder" }
func (errNotFolder) Is(target error) bool { return target == ErrNotRegular }

// readDir lists a folder of the data folder, refusing without opening it
// what is not a folder. A missing folder is fs.ErrNotExist, as os.ReadDir.
func readDir(path, label string) ([]os.DirEntry, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &FileError{Label: label, Err: errNotFolder{}}
	}
	return os.ReadDir(path)
}
