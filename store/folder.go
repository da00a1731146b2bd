package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The data folder is the kiosk's alone: the folder and its sub-folders
// 0700, every file in them 0600, so that another account on the
// workstation can neither read the ciphertext and the audit trail nor plant
// or replace files. SecureFolder puts that right whenever a command opens
// the folder, and says what it could not put right.

// SecureFolder makes dir 0700 and every file of the data folder 0600 (the
// folder itself, snapshots/ and reports/; journal.db and SQLite's -wal and
// -shm files included), and returns one sentence per thing it could not
// fix or that is unsafe: a folder it cannot tighten (owned by another
// account), a world-writable folder above the data folder. A folder that
// does not exist yet is not an error (init creates it). Symbolic links
// and what is not a regular file are left alone (reading refuses the
// latter). On Windows, the folder's access list is set instead: see
// secureFolderACL.
func SecureFolder(dir string) []string {
	if !unixModes {
		return secureFolderACL(dir)
	}
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	var warn []string
	if fi.Mode().Perm()&0o002 != 0 {
		warn = append(warn, fmt.Sprintf("the data folder was writable by everyone (mode %04o): files in it may have been planted or replaced", fi.Mode().Perm()))
	}
	warn = append(warn, tighten(dir, "the data folder", 0o700, true)...)
	for _, sub := range []string{snapshotDir, reportDir} {
		warn = append(warn, tighten(filepath.Join(dir, sub), "the data folder's "+sub+" folder", 0o700, true)...)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
			if pi, err := os.Stat(p); err == nil && pi.Mode().Perm()&0o002 != 0 && pi.Mode()&fs.ModeSticky == 0 {
				warn = append(warn, fmt.Sprintf("a folder above the data folder (%s) is writable by everyone: anyone could replace the data folder", p))
			}
			if filepath.Dir(p) == p {
				break
			}
		}
	}
	return warn
}

// tighten sets a folder's mode and, when files is true, every regular
// file directly in it to 0600.
func tighten(dir, label string, mode fs.FileMode, files bool) []string {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	var warn []string
	if fi.Mode().Perm() != mode {
		if err := os.Chmod(dir, mode); err != nil {
			warn = append(warn, fmt.Sprintf("%s is mode %04o and could not be made %04o (%s): other accounts may read or change it", label, fi.Mode().Perm(), mode, why(err)))
		}
	}
	if !files {
		return warn
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(warn, fmt.Sprintf("%s could not be listed to check its files' modes", label))
	}
	bad := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Mode().Perm() == 0o600 {
			continue
		}
		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
			bad++
		}
	}
	if bad > 0 {
		warn = append(warn, fmt.Sprintf("%d files in %s could not be made 0600 (owned by another account?): other accounts may read them", bad, label))
	}
	return warn
}

func why(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "it belongs to another account"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ErrKeyFileOpen is a key file that group or others can read: it is
// refused, as ssh refuses such a private key, before it is read.
var ErrKeyFileOpen = errors.New("is open to other accounts")

// maxKeyFile bounds what is read as a key file.
const maxKeyFile = 64 << 10

// ReadKeyFile reads a secret key file (IT's recovery identity), refusing
// what is not a regular file and a file that others can read: where files
// have Unix modes, one that group or others can read or write (fix: chmod
// 600); on Windows, one whose access list lets Everyone, Authenticated
// Users or Users read it. label names the file in errors.
func ReadKeyFile(path, label string) ([]byte, error) {
	f, err := OpenRegular(path, label, maxKeyFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if unixModes {
		fi, err := f.Stat()
		if err != nil {
			return nil, &FileError{Label: label, Err: err}
		}
		if p := fi.Mode().Perm(); p&0o077 != 0 {
			return nil, &FileError{Label: label, Err: fmt.Errorf("%w (mode %04o): make it private with chmod 600, and keep no copy of it elsewhere", ErrKeyFileOpen, p)}
		}
	} else if who := keyFileOpenTo(f); who != "" {
		return nil, &FileError{Label: label, Err: fmt.Errorf("%w (%s may read it): make it private with icacls FILE /inheritance:r /grant:r SYSTEM:F Administrators:F, adding the account that reads it, and keep no copy of it elsewhere", ErrKeyFileOpen, who)}
	}
	b := make([]byte, maxKeyFile+1)
	n, err := readFull(f, b)
	if err != nil {
		return nil, &FileError{Label: label, Err: err}
	}
	if n > maxKeyFile {
		clear(b)
		return nil, &FileError{Label: label, Err: ErrTooLarge}
	}
	return b[:n], nil
}

func readFull(f *os.File, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := f.Read(b[n:])
		n += m
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
	}
	return n, nil
}
