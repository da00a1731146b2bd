package pack

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"lifeboat/internal/durable"
)

// A pack is patient data in the clear, made to be printed: it is written
// so that nobody ever sees half of one, and never over another file.

// ErrNoFreeName says that a hundred files of a pack's name exist.
var ErrNoFreeName = errors.New("a hundred files of that name exist; nothing was overwritten")

// WriteNewNamed writes a new file named name in dir, or name-2, name-3...
// when that is taken, and returns its path. Each is written with
// durable.WriteNew: nobody sees a part of it, and nothing is overwritten.
func WriteNewNamed(dir, name string, write func(io.Writer) error) (string, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; i <= 100; i++ {
		path := filepath.Join(dir, name)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, i, ext))
		}
		err := durable.WriteNew(path, 0o600, write)
		if errors.Is(err, durable.ErrExists) {
			continue
		}
		return path, err
	}
	return "", ErrNoFreeName
}
