//go:build !windows

package durable

import (
	"fmt"
	"os"
	"path/filepath"
)

// SyncFolder makes a folder's entries (a link, a rename, a removal)
// durable.
func SyncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing folder %s: %w", filepath.Base(dir), err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", filepath.Base(dir), err)
	}
	return nil
}
