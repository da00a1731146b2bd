// Package i18n holds the words of the kiosk window and the printed packs in
// English, Dutch and French (Belgian usage), and the language in use.
//
// A message is looked up by its English text, as gettext does: the code
// reads in English where the words are used, and a message without a
// translation falls back to its English text instead of to a bare key.
// The catalogue (catalogue.go) gives every message in all three languages;
// its tests check that no language is missing a message, that the format
// verbs (%s, %d, %[2]s…) agree, and that every message the code asks for
// is in the catalogue.
//
// Fyne's own lang package was not used: it picks the language from the
// operating system once, at start, has no Dutch of its own, and offers no
// way to switch while the program runs, which the unlock screen needs.
//
// The language is one setting for the whole process (the kiosk has one
// window), read with atomic loads so that background work (printing a pack)
// may ask for words too.
package i18n

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Lang is a language of the kiosk: "en", "nl" or "fr".
type Lang string

// The three languages.
const (
	English Lang = "en"
	Dutch   Lang = "nl"
	French  Lang = "fr"
)

// Langs are the languages in the order the unlock screen offers them.
var Langs = []Lang{English, Dutch, French}

// Name is the language's name in itself, as the unlock screen shows it.
func (l Lang) Name() string {
	switch l {
	case Dutch:
		return "Nederlands"
	case French:
		return "Français"
	}
	return "English"
}

// Parse reads "en", "nl" or "fr" (any case, or a locale such as
// "nl_BE.UTF-8"); ok is false for anything else.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if s == string(l) {
			return l, true
		}
	}
	return English, false
}

var current atomic.Value // Lang

// Set makes l the language of every word looked up from now on; an
// unknown language means English.
func Set(l Lang) {
	if _, ok := tables[l]; !ok {
		l = English
	}
	current.Store(l)
}

// Current is the language in use (English unless Set said otherwise).
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return English
}

// T is the message with this English text in the language in use, or the
// English text itself when the catalogue has no translation (which the
// tests and Missing report).
func T(english string) string { return In(Current(), english) }

// F is T followed by fmt.Sprintf: the format is looked up by its English
// text, then filled in.
func F(format string, args ...any) string { return fmt.Sprintf(T(format), args...) }

// X is T for a short word whose translation depends on where it stands:
// the word is looked up as "context|english" and reads as english in
// English ("order status|stopped" is "stopped", "gestopt", "arrêtée").
func X(context, english string) string { return T(context + "|" + english) }

// In is the message with this English text (or "context|english" key)
// in language l.
func In(l Lang, english string) string {
	if l != English && english != "" {
		if s, ok := tables[l][english]; ok {
			return s
		}
		noteMissing(english)
	}
	if i := strings.IndexByte(english, '|'); i >= 0 {
		return english[i+1:]
	}
	return english
}

// Has says whether the catalogue holds a message with this English text.
func Has(english string) bool {
	_, ok := tables[Dutch][english]
	return ok
}

var (
	missingMu sync.Mutex
	missing   = map[string]bool{}
)

func noteMissing(english string) {
	missingMu.Lock()
	missing[english] = true
	missingMu.Unlock()
}

// Missing lists the English texts looked up in Dutch or French since the
// last ResetMissing that the catalogue does not translate, sorted; tests
// drive the window in each language and expect none.
func Missing() []string {
	missingMu.Lock()
	defer missingMu.Unlock()
	out := make([]string, 0, len(missing))
	for s := range missing {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ResetMissing forgets the texts Missing would list.
func ResetMissing() {
	missingMu.Lock()
	missing = map[string]bool{}
	missingMu.Unlock()
}

// tables map the English text to the Dutch and French, built from the
// catalogue.
var tables = func() map[Lang]map[string]string {
	t := map[Lang]map[string]string{English: {}, Dutch: {}, French: {}}
	for _, m := range catalogue {
		t[English][m.en] = m.en
		t[Dutch][m.en] = m.nl
		t[French][m.en] = m.fr
	}
	return t
}()

// message is one entry of the catalogue, in the three languages.
type message struct{ en, nl, fr string }

// All is T of each of the texts, as a new list.
func All(english []string) []string {
	out := make([]string, len(english))
	for i, s := range english {
		out[i] = T(s)
	}
	return out
}
