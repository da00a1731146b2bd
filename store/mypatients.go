package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"lifeboat/internal/durable"
)

// "My patients" is the selection of patients each named user of the
// kiosk keeps: the nurse's six, kept over lock and unlock and restarts.
// It is sealed like the rest of the folder (to the kiosk and the IT
// recovery recipients) in one file, mypatients.age, whose name says
// nothing of whom it holds; no user name or patient id is ever on disk
// in the clear. Users are told apart by their name as typed at unlock,
// ignoring case and extra spaces.
const myPatientsFile = "mypatients.age"

// myPatients is the plaintext of mypatients.age: patient ids by user.
type myPatients struct {
	Users map[string][]string `json:"users"`
}

func userKey(user string) string { return strings.ToLower(strings.Join(strings.Fields(user), " ")) }

// MyPatients reads the ids of the patients user selected; none when the
// user has selected none.
func MyPatients(dir string, keys *Keys, user string) ([]string, error) {
	all, err := readMyPatients(dir, keys)
	if err != nil {
		return nil, err
	}
	return all.Users[userKey(user)], nil
}

// SetMyPatients replaces user's selection with ids (an empty one removes
// the user), leaving every other user's as it was. A file that cannot be
// read as this kiosk's (damaged, forged, a FIFO, too large) holds no
// selection anyone could keep: it is replaced, with this user's alone.
// Only an error of the disk itself stops the change.
func SetMyPatients(dir string, keys *Keys, user string, ids []string) error {
	key := userKey(user)
	if key == "" {
		return errors.New("my patients need a user name")
	}
	if keys.signing == nil {
		return errors.New("my patients are kept with the ward passphrase, not the recovery key")
	}
	all, err := readMyPatients(dir, keys)
	var bad *badSelection
	switch {
	case errors.As(err, &bad):
		all = myPatients{Users: map[string][]string{}}
	case err != nil:
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		delete(all.Users, key)
	} else {
		all.Users[key] = ids
	}
	plain, err := json.Marshal(all)
	if err != nil {
		return err
	}
	defer clear(plain)
	rs, err := keys.Config.recipients()
	if err != nil {
		return err
	}
	sealed, err := sealTo(rs, ed25519.Sign(keys.signing, append([]byte(myPatientsContext), plain...)), plain)
	if err != nil {
		return fmt.Errorf("sealing my patients: %w", err)
	}
	if err := durable.Replace(filepath.Join(dir, myPatientsFile), 0o600, sealed); err != nil {
		return fmt.Errorf("writing my patients: %w", err)
	}
	return nil
}

// myPatientsContext is signed before the selection: the kiosk's
// signature (inside the encryption) tells its file from one anyone could
// encrypt to the public recipients of config.json.
const myPatientsContext = "lifeboat my patients v1\n"

// badSelection is a mypatients.age that is not this kiosk's selection.
type badSelection struct{ why string }

func (e *badSelection) Error() string { return "my patients " + e.why }

func readMyPatients(dir string, keys *Keys) (myPatients, error) {
	all := myPatients{Users: map[string][]string{}}
	b, err := ReadRegular(filepath.Join(dir, myPatientsFile), vaultLabel(myPatientsFile), maxSmallFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return all, nil
	case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooLarge):
		return all, &badSelection{"are not a regular file of their size"}
	case err != nil:
		return all, readErr("my patients", err)
	}
	plain, err := decryptSealed(keys.identity, bytes.NewReader(b), maxSmallFile)
	if err != nil {
		return all, &badSelection{err.Error()}
	}
	defer clear(plain)
	if len(plain) < ed25519.SignatureSize ||
		!ed25519.Verify(keys.trusted, append([]byte(myPatientsContext), plain[ed25519.SignatureSize:]...), plain[:ed25519.SignatureSize]) {
		return all, &badSelection{"are not signed by this kiosk"}
	}
	if err := json.Unmarshal(plain[ed25519.SignatureSize:], &all); err != nil {
		return all, &badSelection{"are not readable"}
	}
	if all.Users == nil {
		all.Users = map[string][]string{}
	}
	return all, nil
}
