//go:build !unix

package store

// unixModes is false where files have no Unix permission bits (Windows:
// the installer sets the data folder's access list).
const unixModes = false
