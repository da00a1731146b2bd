package app

import (
	"runtime/debug"
)

// version is the program's version as the build recorded it: the module
// version, and the commit it was built from when known ("devel+1a2b3c4d").
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 8 {
			v += "+" + s.Value[:8]
		}
	}
	return v
}
