//go:build !windows

package kiosk

import (
	"os"
	"os/user"
	"path/filepath"
)

// removableMedia are the folders of the removable media mounted now, as
// the desktop mounts them (udisks): /media/USER/* and /run/media/USER/*.
func removableMedia() []string {
	u, err := user.Current()
	if err != nil || u.Username == "" {
		return nil
	}
	var out []string
	for _, root := range []string{"/media", "/run/media"} {
		entries, err := os.ReadDir(filepath.Join(root, u.Username))
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(root, u.Username, e.Name())
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				out = append(out, p)
			}
		}
	}
	return out
}
