// Package clocale maps the C and POSIX locales to English for Fyne.
//
// Fyne reads the user's locale in the init of its lang package (loading
// its translations), and under LANG=C.UTF-8, the locale of systemd
// services and CI, it cannot parse "C" and logs three lines of "Error
// parsing user locale C": every command printed them, even --help. Fyne
// asks LANGUAGE before LANG, so this package's init sets LANGUAGE=en when
// the locale is C or POSIX and LANGUAGE does not name a language. It must
// run first: it imports nothing but os and strings, so Go initialises it
// long before Fyne's lang package, which depends on much; keep it so (the
// story app/testdata/script/quiet.txtar fails if the order changes).
// Child processes inherit LANGUAGE=en, which gettext ignores under the C
// locale. The window's own language is chosen apart from the locale.
package clocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en through setenv when the environment read by
// getenv has the C or POSIX locale and no language in LANGUAGE.
func Apply(getenv func(string) string, setenv func(string, string) error) {
	if IsC(locale(getenv)) && (getenv("LANGUAGE") == "" || IsC(getenv("LANGUAGE"))) {
		setenv("LANGUAGE", "en")
	}
}

// locale is the locale in effect, by the precedence of gettext.
func locale(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// IsC is whether a locale (or a LANGUAGE list) is C or POSIX, with or
// without a codeset: C, C.UTF-8, POSIX.
func IsC(loc string) bool {
	first, _, _ := strings.Cut(loc, ":")
	lang, _, _ := strings.Cut(first, ".")
	lang, _, _ = strings.Cut(lang, "@")
	return lang == "C" || lang == "POSIX"
}
