package durable

import (
	"os"
	"path/filepath"
	"strings"
)

// Inside says whether path is, or would be, inside dir, once the links of
// both are followed (and a ".." taken after a link, as the system takes
// it), so that neither a link nor ".." can hide the data folder. A path
// that cannot be made absolute is taken as inside: nothing is written.
// Plaintext exports (packs, summaries, reports, the audit trail) and IT's
// recovery identity are never written inside the data folder.
func Inside(dir, path string) bool {
	d, err1 := resolved(dir)
	p, err2 := resolved(path)
	if err1 != nil || err2 != nil {
		return true
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolved is path made absolute with its links followed: the whole path
// when it exists, else its folder as written (filepath.Dir would take
// "link/.." away before the link is followed).
func resolved(path string) (string, error) {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return filepath.Abs(p)
	}
	i := len(path) - 1
	for i >= 0 && !os.IsPathSeparator(path[i]) {
		i--
	}
	folder, base := path[:i+1], path[i+1:]
	if folder == "" {
		folder = "."
	}
	if p, err := filepath.EvalSymlinks(folder); err == nil {
		return filepath.Abs(filepath.Join(p, base))
	}
	return filepath.Abs(path)
}
