//go:build unix

package store

// unixModes says that files have Unix permission bits to check and set.
const unixModes = true
