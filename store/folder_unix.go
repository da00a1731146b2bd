//go:build unix

package store

import "os"

// unixModes says that files have Unix permission bits to check and set.
const unixModes = true

// secureFolderACL is Windows's: Unix has modes (SecureFolder).
func secureFolderACL(string) []string { return nil }

// keyFileOpenTo is Windows's: Unix has modes (ReadKeyFile).
func keyFileOpenTo(*os.File) string { return "" }
