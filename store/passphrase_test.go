package store

import (
	"errors"
	"strings"
	"testing"
)

func TestWeakWardPassphrasesAreRefusedWithTheReason(t *testing.T) {
	for _, p := range []string{"short", "aaaaaaaa", "password", "        ", "password1", "12345678", "qwertyuiop", "lifeboat"} {
		err := CheckPassphrase(p)
		if !errors.Is(err, ErrWeakPassphrase) {
			t.Errorf("%q accepted", p)
			continue
		}
		if strings.Contains(err.Error(), p) && strings.TrimSpace(p) != "" {
			t.Errorf("the error repeats the passphrase: %v", err)
		}
	}
	if err := CheckPassphrase("password"); err == nil || !strings.HasPrefix(err.Error(), "the passphrase is too easy to guess (strength 0 of 4") {
		t.Errorf("reason: %v", err)
	}
	if _, err := Init(t.TempDir(), "aaaaaaaa", InitOptions{WorkFactor: 10}); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("Init took a weak passphrase: %v", err)
	}
}

func TestThePassphrasesInUseAreStrongEnough(t *testing.T) {
	// The demo's, the README's and every test's.
	for _, p := range []string{"lifeboat-demo", "correct horse battery staple", "correct horse battery",
		"ward 4B passphrase", "benchmark ward passphrase", "benchmark passphrase", "another ward passphrase",
		strings.Repeat("long passphrase ", 40)} {
		if err := CheckPassphrase(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
}
