package i18n

// Word is words[key] in the language in use, or otherwise when words has
// no such key: for the tables that give a code (a kind of entry, an
// outcome, a state, a DNR level) its English words.
func Word[K comparable](words map[K]string, key K, otherwise string) string {
	if w, ok := words[key]; ok {
		return T(w)
	}
	return otherwise
}
