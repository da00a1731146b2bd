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
func writeNew(path string, perm os.FileMode, write func(f *os.File) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	if err = write(f); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	if err = os.Link(f.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("writing %s: %w", filepath.Base(path), ErrExists)
		} else {
			err = fmt.Errorf("writing %s: %w", filepath.Base(path), err)
		}
		return err
	}
	os.Remove(f.Name())
	return syncDir(dir)
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

// replaceFile replaces path with data so that readers see the old file or
// the new one, never a part: a temporary file beside it (a new, random
// name, so that nothing planted at a known name is opened), fsync'd, renamed
// over path, then the folder fsync'd so that the rename survives a power
// cut. It is for the few files that are rewritten (the signed heads of
// the audit trail and the journal); vault files are written once, with
// writeNew.
func replaceFile(path string, perm os.FileMode, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return syncDir(dir)
}
