package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Each user's selection is kept apart, sealed: neither the user's name
// nor a patient id is in the file.
func TestMyPatientsAreKeptPerUserAndSealed(t *testing.T) {
	dir, keys := testVault(t)
	if ids, err := MyPatients(dir, keys, "RN Peeters"); err != nil || len(ids) != 0 {
		t.Fatalf("before any: %v %v", ids, err)
	}
	if err := SetMyPatients(dir, keys, "RN Peeters", []string{"pat-000002", "pat-000001", "pat-000002"}); err != nil {
		t.Fatal(err)
	}
	if err := SetMyPatients(dir, keys, "RN Dubois", []string{"pat-000003"}); err != nil {
		t.Fatal(err)
	}
	if ids, _ := MyPatients(dir, keys, "  rn   peeters "); !slices.Equal(ids, []string{"pat-000001", "pat-000002"}) {
		t.Errorf("RN Peeters: %v", ids)
	}
	if ids, _ := MyPatients(dir, keys, "RN Janssens"); len(ids) != 0 {
		t.Errorf("another user: %v", ids)
	}
	b, err := os.ReadFile(filepath.Join(dir, myPatientsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Peeters", "peeters", "Dubois", "dubois", "pat-00000"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%q is in the file in the clear", s)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, myPatientsFile)); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if err := SetMyPatients(dir, keys, "RN Dubois", nil); err != nil {
		t.Fatal(err)
	}
	if ids, _ := MyPatients(dir, keys, "RN Dubois"); len(ids) != 0 {
		t.Errorf("emptied: %v", ids)
	}
	if ids, _ := MyPatients(dir, keys, "RN Peeters"); len(ids) != 2 {
		t.Errorf("RN Peeters after another's change: %v", ids)
	}
}
