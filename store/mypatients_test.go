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

// Whoever can write the folder can encrypt to its public recipients, but
// cannot sign: a selection made so is not read. A file that is not this
// kiosk's selection (empty, forged, a FIFO, too large) is said, and the
// next choice replaces it: saving is never stopped for good.
func TestAMyPatientsFileNotTheKiosksIsNotReadAndIsReplaced(t *testing.T) {
	forged := func(t *testing.T, dir string) {
		cfg, err := LoadConfig(dir)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := cfg.recipients()
		if err != nil {
			t.Fatal(err)
		}
		b, err := sealTo(rs, make([]byte, 64), []byte(`{"users":{"rn peeters":["pat-000009"]}}`))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, myPatientsFile), b, 0o600)
	}
	write := func(b []byte) func(*testing.T, string) {
		return func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, myPatientsFile), b, 0o600) }
	}
	cases := map[string]func(*testing.T, string){
		"empty":     write(nil),
		"garbage":   write([]byte("not a sealed file")),
		"too large": write(bytes.Repeat([]byte{'x'}, maxSmallFile+1)),
		"forged":    forged,
	}
	for name, plant := range cases {
		t.Run(name, func(t *testing.T) { myPatientsFileIsReplaced(t, plant) })
	}
}

// myPatientsFileIsReplaced plants something in place of a user's kept
// selection: it is not read, and the next choice replaces it.
func myPatientsFileIsReplaced(t *testing.T, plant func(*testing.T, string)) {
	t.Helper()
	dir, keys := testVault(t)
	if err := SetMyPatients(dir, keys, "RN Dubois", []string{"pat-000003"}); err != nil {
		t.Fatal(err)
	}
	plant(t, dir)
	if ids, err := MyPatients(dir, keys, "RN Peeters"); err == nil || len(ids) != 0 {
		t.Fatalf("read %v, %v", ids, err)
	}
	if err := SetMyPatients(dir, keys, "RN Peeters", []string{"pat-000001"}); err != nil {
		t.Fatalf("the next choice was not kept: %v", err)
	}
	if ids, err := MyPatients(dir, keys, "RN Peeters"); err != nil || !slices.Equal(ids, []string{"pat-000001"}) {
		t.Fatalf("after the next choice: %v, %v", ids, err)
	}
}
