package store

import (
	"io"

	"filippo.io/age"
)

// NewestCiphertext opens the ciphertext of the newest generation and says
// its plaintext size, for the benchmark of bare age decryption.
func NewestCiphertext(dir string, keys *Keys) (io.Reader, int64, func() error, error) {
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, 0, nil, err
	}
	s, err := openSealed(gens[0], keys.trust())
	if err != nil {
		return nil, 0, nil, err
	}
	return s.cipher, s.manifest.PlainSize, s.f.Close, nil
}

// Identity is the kiosk's age identity, for the same benchmark.
func (k *Keys) Identity() age.Identity { return k.identity }
