package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrExists is returned when a file to be written already exists: vault
// files are written once and never replaced.
var ErrExists = errors.New("already exists")

// writeNew writes a new file so that readers see either nothing or the
// whole file, never a part: write a temporary file beside it, fsync,
// close, hard-link it to its name (which fails if the name exists, so two
// writers cannot replace each other's file), remove the temporary name,
// then fsync the folder so that the link survives a power cut. The
// temporary name says nothing about the content.
func writeNew(path string, perm os.FileMode, write func(f *os.File) error) error {
	tmp, err := writeTemp(path, perm, write)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err = os.Link(tmp, path); errors.Is(err, os.ErrExist) {
		err = ErrExists
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return syncDir(filepath.Dir(path))
}

// replaceFile replaces path with data so that readers see the old file or
// the new one, never a part: a temporary file beside it, fsync'd, renamed
// over path, then the folder fsync'd so that the rename survives a power
// cut. It is for the few files that are rewritten (the signed heads of
// the audit trail and the journal, the rollback floor); vault files are
// written once, with writeNew.
func replaceFile(path string, perm os.FileMode, data []byte) error {
	tmp, err := writeTemp(path, perm, func(f *os.File) error { _, err := f.Write(data); return err })
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes a temporary file beside path, with perm, fsync'd and
// closed, and returns its name. The name is new and random, so nothing
// planted at a known name (a FIFO) is ever opened, and it says nothing
// about the content.
func writeTemp(path string, perm os.FileMode, write func(f *os.File) error) (name string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("writing %s: %w", filepath.Base(path), err)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return "", err
	}
	if err = write(f); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a folder's entries (a rename, a removal) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", filepath.Base(dir), err)
	}
	return nil
}
