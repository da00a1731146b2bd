package store

import (
	"fmt"

	"github.com/trustelem/zxcvbn"
)

// MinPassphraseScore is the lowest zxcvbn score (0 to 4) a ward passphrase
// may have: 3, "safely unguessable", at least 10^8 guesses by zxcvbn's
// estimate. Whoever takes the disk attacks keyring.age offline, where each
// guess costs an scrypt at work factor 2^18 (about a second of a core):
// 10^8 guesses are years of a core for the weakest passphrase accepted.
// Score 4 would refuse short phrases wards can still remember and type
// under stress; scores 0 to 2 include "password", "aaaaaaaa" and words
// with a digit, found in minutes.
const MinPassphraseScore = 3

// maxEstimated bounds what the estimator looks at: its cost grows with
// length, and the first 100 characters of a passphrase decide its score.
const maxEstimated = 100

// CheckPassphrase says whether a new ward passphrase is strong enough:
// at least 8 characters and a zxcvbn score of at least MinPassphraseScore.
// The error wraps ErrWeakPassphrase and says why in one sentence; it never
// contains the passphrase.
func CheckPassphrase(passphrase string) error {
	r := []rune(passphrase)
	if len(r) < minPassphrase {
		return ErrWeakPassphrase
	}
	if len(r) > maxEstimated {
		r = r[:maxEstimated]
	}
	res := zxcvbn.PasswordStrength(string(r), nil)
	if res.Score < MinPassphraseScore {
		return weakError{score: res.Score}
	}
	return nil
}

// weakError is a passphrase long enough but easy to guess.
type weakError struct{ score int }

func (e weakError) Error() string {
	return fmt.Sprintf("the passphrase is too easy to guess (strength %d of 4, at least %d is needed): use four or more unrelated words, not a common word, a name or a repeated pattern",
		e.score, MinPassphraseScore)
}

func (weakError) Unwrap() error { return ErrWeakPassphrase }
