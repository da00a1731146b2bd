package transfer

import (
	"errors"
	"io"
	"strings"

	"filippo.io/age"

	"lifeboat/store"
)

// MinPassphrase is the fewest characters a summary's passphrase may have:
// more than the ward passphrase's 8, because the files leave the
// hospital and may be attacked offline for years.
const MinPassphrase = 12

var (
	// ErrNotRecipient is a recipient that is not one age recipient.
	ErrNotRecipient = errors.New("not one age recipient (age1pq1… or age1…)")
	// ErrShortPassphrase is a passphrase of fewer than MinPassphrase
	// characters.
	ErrShortPassphrase = errors.New("the passphrase has fewer than 12 characters")
)

// How the files were written, as the command line and the audit trail
// say it (Encryption.How).
const (
	HowPlaintext  = "in plaintext"
	HowRecipient  = "encrypted to the recipient given"
	HowPassphrase = "encrypted to the passphrase"
)

// Encryption is how both files of a summary are written: in plaintext,
// or with age to the receiving hospital's recipient or to a passphrase
// agreed with it.
type Encryption struct {
	recipients []age.Recipient
	how        string
	// Classic is an X25519 recipient (age1…), not post-quantum: an
	// age1pq1… recipient keeps the summary confidential for longer.
	Classic bool
}

// Plaintext writes the files as they are: patient data in the clear,
// which the nurse is told.
var Plaintext = Encryption{how: HowPlaintext}

// ToRecipient encrypts to one age recipient (age1pq1… or age1…);
// ErrNotRecipient for anything else.
func ToRecipient(recipient string) (Encryption, error) {
	rs, err := age.ParseRecipients(strings.NewReader(strings.TrimSpace(recipient)))
	if err != nil || len(rs) != 1 {
		return Encryption{}, ErrNotRecipient
	}
	_, classic := rs[0].(*age.X25519Recipient)
	return Encryption{recipients: rs, how: HowRecipient, Classic: classic}, nil
}

// ToPassphrase encrypts to a passphrase (age's scrypt): ErrShortPassphrase
// under MinPassphrase characters, else store.CheckPassphrase's error (it
// wraps store.ErrWeakPassphrase and never holds the passphrase).
func ToPassphrase(passphrase string) (Encryption, error) {
	if len([]rune(passphrase)) < MinPassphrase {
		return Encryption{}, ErrShortPassphrase
	}
	if err := store.CheckPassphrase(passphrase); err != nil {
		return Encryption{}, err
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return Encryption{}, err
	}
	return Encryption{recipients: []age.Recipient{r}, how: HowPassphrase}, nil
}

// Encrypted says whether the files are encrypted.
func (e Encryption) Encrypted() bool { return len(e.recipients) > 0 }

// How says how the files are written: HowPlaintext, HowRecipient or
// HowPassphrase.
func (e Encryption) How() string {
	if e.how == "" {
		return HowPlaintext
	}
	return e.how
}

// suffix is what an encrypted file's name ends with.
func (e Encryption) suffix() string {
	if e.Encrypted() {
		return ".age"
	}
	return ""
}

// seal writes b through age to the recipients, or as it is.
func (e Encryption) seal(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		if !e.Encrypted() {
			_, err := w.Write(b)
			return err
		}
		aw, err := age.Encrypt(w, e.recipients...)
		if err != nil {
			return err
		}
		if _, err := aw.Write(b); err != nil {
			return err
		}
		return aw.Close()
	}
}
