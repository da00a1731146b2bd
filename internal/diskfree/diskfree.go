// Package diskfree tells how many bytes are free for an unprivileged
// user on the file system that holds a folder: a kiosk reports it in its
// heartbeat, before a full disk stops it sealing or recording.
package diskfree

// Free is the bytes available to this user on the file system of path.
func Free(path string) (uint64, error) { return free(path) }
