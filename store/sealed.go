package store

import (
	"bytes"
	"errors"
	"io"

	"filippo.io/age"
)

// sealTo encrypts plain as one age file to the recipients (the kiosk's
// and IT's): reports, audit records and the users' selections are sealed
// so. Journal entries have their own pipelined sealer (journal_seal.go).
func sealTo(rs []age.Recipient, plain ...[]byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		return nil, err
	}
	for _, p := range plain {
		if _, err := w.Write(p); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errUnsealed says that a sealed file did not open: not for these keys,
// altered, or cut short.
var errUnsealed = errors.New("cannot be decrypted with these keys, or was altered")

// decryptSealed decrypts one age file read from r with id, at most limit
// bytes of plaintext (errUnsealed beyond, or when it does not decrypt).
func decryptSealed(id age.Identity, r io.Reader, limit int64) ([]byte, error) {
	d, err := age.Decrypt(r, id)
	if err != nil {
		return nil, errUnsealed
	}
	plain, err := io.ReadAll(io.LimitReader(d, limit+1))
	if err != nil || int64(len(plain)) > limit {
		clear(plain)
		return nil, errUnsealed
	}
	return plain, nil
}
