package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"

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
// the user), leaving every other user's as it was.
func SetMyPatients(dir string, keys *Keys, user string, ids []string) error {
	key := userKey(user)
	if key == "" {
		return errors.New("my patients need a user name")
	}
	all, err := readMyPatients(dir, keys)
	if err != nil {
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
	rs, err := keys.Config.recipients()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err == nil {
		_, err = w.Write(plain)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return fmt.Errorf("sealing my patients: %w", err)
	}
	if err := durable.Replace(filepath.Join(dir, myPatientsFile), 0o600, buf.Bytes()); err != nil {
		return fmt.Errorf("writing my patients: %w", err)
	}
	return nil
}

func readMyPatients(dir string, keys *Keys) (myPatients, error) {
	all := myPatients{Users: map[string][]string{}}
	b, err := ReadRegular(filepath.Join(dir, myPatientsFile), vaultLabel(myPatientsFile), maxSmallFile)
	if errors.Is(err, os.ErrNotExist) {
		return all, nil
	}
	if err != nil {
		return all, readErr("my patients", err)
	}
	r, err := age.Decrypt(bytes.NewReader(b), keys.identity)
	if err != nil {
		return all, errors.New("my patients cannot be decrypted with these keys, or were altered")
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxSmallFile))
	if err != nil {
		return all, errors.New("my patients were altered")
	}
	if err := json.Unmarshal(plain, &all); err != nil {
		return all, errors.New("my patients are not readable")
	}
	if all.Users == nil {
		all.Users = map[string][]string{}
	}
	return all, nil
}
