package pack

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A pack is patient data in the clear, made to be printed: it is written
// so that nobody ever sees half of one, and never over another file.

// Errors of writing a new file.
var (
	ErrExists     = errors.New("the file already exists; nothing was overwritten")
	ErrNoFreeName = errors.New("a hundred files of that name exist; nothing was overwritten")
)

// WriteNewFile writes a new file so that nobody sees a part of it: into a
// temporary file beside it, synced and closed, then linked to its name,
// which fails if the name exists (so nothing is replaced, even by a file
// that appeared meanwhile), then the temporary name removed. The temporary
// name says nothing about the content.
func WriteNewFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lifeboat-print-*.tmp")
	if err != nil {
		return fmt.Errorf("creating the file: %w", pathless(err))
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("writing the PDF: %w", pathless(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing the PDF: %w", pathless(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the PDF: %w", pathless(err))
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		// A file system without hard links (FAT on a USB stick): rename,
		// after checking once more that the name is free.
		if _, serr := os.Lstat(path); serr == nil {
			return ErrExists
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("creating the file: %w", pathless(err))
		}
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteNewNamed writes a new file named name in dir, or name-2, name-3...
// when that is taken, and returns its path.
func WriteNewNamed(dir, name string, write func(io.Writer) error) (string, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i <= 100; i++ {
		path := filepath.Join(dir, name)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, i, ext))
		}
		err := WriteNewFile(path, write)
		if errors.Is(err, ErrExists) {
			continue
		}
		return path, err
	}
	return "", ErrNoFreeName
}

// pathless is an error without the path it names: the path is the user's,
// and is not repeated.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
