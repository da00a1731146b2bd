// Package durable writes files so that readers, a crash or a power cut
// see the old file (or none) or the whole new one, never a part. It is
// the one way Lifeboat writes a whole file: vault files, the signed heads,
// the sync state, printed packs and generated test data.
//
// Every file is written under a new, random temporary name beside its
// final name (so nothing planted at a known name, such as a FIFO, is ever
// opened, and the name says nothing about the content), fsync'd and
// closed, then either linked to a name that must be free (WriteNew,
// File.Link: never replaces anything) or renamed over it (Replace,
// File.Replace); the folder is fsync'd after, so that the name survives a
// power cut.
//
// Errors name the file by its base name only. Inside is the check that
// keeps what is written in the clear (packs, summaries, exports) out of
// the data folder, whatever links lead there.
package durable

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrExists is returned when a file to be written new already exists:
// nothing was overwritten.
var ErrExists = errors.New("the file already exists; nothing was overwritten")

// File is a file being written under a temporary name beside its final
// one. Write to it, then Link or Replace it into place, or Abort it.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts a file that will be named path, with the permissions perm.
func Create(path string, perm os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return nil, wrap(path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, wrap(path, err)
	}
	return &File{File: f, path: path}, nil
}

// Abort closes and removes the temporary file, if it is still there. It
// may be called after Link or Replace (it then does nothing), so that it
// can be deferred.
func (f *File) Abort() {
	if !f.done {
		f.done = true
		f.File.Close()
		os.Remove(f.Name())
	}
}

// finish fsyncs and closes the temporary file.
func (f *File) finish() error {
	if f.done {
		return wrap(f.path, os.ErrClosed)
	}
	if err := f.Sync(); err != nil {
		f.Abort()
		return wrap(f.path, err)
	}
	if err := f.File.Close(); err != nil {
		f.done = true
		os.Remove(f.Name())
		return wrap(f.path, err)
	}
	f.done = true
	return nil
}

// Link puts the file in place under its name, which must be free
// (ErrExists otherwise, even for a file that appeared meanwhile: two
// writers never replace each other's file). On a file system without
// hard links (FAT on a USB stick) it renames instead, after checking once
// more that the name is free.
func (f *File) Link() error {
	if err := f.finish(); err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := os.Link(tmp, f.path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return ErrExists
		}
		if _, serr := os.Lstat(f.path); serr == nil {
			return ErrExists
		}
		if rerr := os.Rename(tmp, f.path); rerr != nil {
			return wrap(f.path, rerr)
		}
	}
	if err := syncFolder(filepath.Dir(f.path)); err != nil {
		// The name is this write's (it was free): taken back, so that a
		// write that failed leaves nothing behind (an export half done).
		os.Remove(f.path)
		return err
	}
	return nil
}

// Replace puts the file in place under its name, replacing what is there.
func (f *File) Replace() error {
	if err := f.finish(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), f.path); err != nil {
		os.Remove(f.Name())
		return wrap(f.path, err)
	}
	return SyncFolder(filepath.Dir(f.path))
}

// WriteNew writes a new file at path with what write writes; ErrExists
// when the name is taken.
func WriteNew(path string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return wrap(path, err)
	}
	return f.Link()
}

// Replace replaces the file at path (or creates it) with data.
func Replace(path string, perm os.FileMode, data []byte) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return wrap(path, err)
	}
	return f.Replace()
}

// syncFolder is SyncFolder; tests make it fail.
var syncFolder = SyncFolder

func wrap(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is the caller's; only its base name is said
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
}
