//go:build !unix && !windows

package store

import "os"

// unixModes is false where files have no Unix permission bits.
const unixModes = false

// secureFolderACL does nothing where there are neither modes nor access
// lists Lifeboat knows how to set.
func secureFolderACL(string) []string { return nil }

// keyFileOpenTo knows of no access lists here.
func keyFileOpenTo(*os.File) string { return "" }
