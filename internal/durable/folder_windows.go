//go:build windows

package durable

// SyncFolder does nothing on Windows: a folder cannot be opened and
// flushed there (Sync on it is refused with "Access is denied"). The
// durability of a rename or a link then rests on NTFS's own journal of
// its metadata.
func SyncFolder(dir string) error { return nil }
