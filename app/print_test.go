package app

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/sync/synthetic"
)

func TestAPackThatFailsHalfWayLeavesNoFileBehind(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pack.pdf")
	err := writeNewFile(path, func(w io.Writer) error {
		w.Write([]byte("%PDF-1.3 half a pack"))
		return errors.New("disk full")
	})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the write's error", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestAPackNeverReplacesAFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pack.pdf")
	if err := os.WriteFile(path, []byte("someone's file"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := writeNewFile(path, func(w io.Writer) error { _, err := w.Write([]byte("%PDF")); return err })
	if exitStatus(err) != ExitUsage || !strings.Contains(err.Error(), "nothing was overwritten") {
		t.Errorf("err = %v (exit %d), want a usage error saying nothing was overwritten", err, exitStatus(err))
	}
	if b, _ := os.ReadFile(path); string(b) != "someone's file" {
		t.Errorf("the file now holds %q", b)
	}
	// In a folder, the command picks the next free name instead.
	got, err := writeNewNamed(dir, "pack.pdf", func(w io.Writer) error { _, err := w.Write([]byte("%PDF")); return err })
	if err != nil || filepath.Base(got) != "pack-2.pdf" {
		t.Errorf("wrote %q (%v), want pack-2.pdf", got, err)
	}
}

func TestAChosenPackNameSaysTheWardAndTimesOnly(t *testing.T) {
	m := store.Manifest{AsOf: time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local), Census: store.Census{Mode: "ward", Ward: "ward-4b/../x"}}
	now := time.Date(2026, 11, 26, 8, 32, 5, 0, time.Local)
	if got, want := packName(m, true, true, now), "lifeboat-ward-ward-4b..x-data-20261126-0615-printed-20261126-083205.pdf"; got != want {
		t.Errorf("packName = %q, want %q", got, want)
	}
	if got := packName(store.Manifest{AsOf: m.AsOf, Census: store.Census{Mode: "patients"}}, false, false, now); !strings.HasPrefix(got, "lifeboat-patient-patients-data-") {
		t.Errorf("packName = %q", got)
	}
}

// TestPrintingLeavesNoPatientDataInTheDataFolderTempFilesOrNames prints a
// whole synthetic ward into a folder, then searches the data folder and
// the temporary folder for every name and MRN, and the pack's folder's
// file names too (the PDF itself is patient data by design).
func TestPrintingLeavesNoPatientDataInTheDataFolderTempFilesOrNames(t *testing.T) {
	root := t.TempDir()
	input, data, tmp, out := filepath.Join(root, "input"), filepath.Join(root, "data"), filepath.Join(root, "tmp"), filepath.Join(root, "out")
	for _, d := range []string{tmp, out} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("TMPDIR", tmp)
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 30, Seed: 5, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	secrets := patientSecrets(t, filepath.Join(input, "Patient.ndjson"))
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	for _, args := range [][]string{
		{"init", "--data", data, "--recovery-out", filepath.Join(t.TempDir(), "recovery.key")},
		{"snapshot", "--data", data, "--from", input, "--all"},
		{"print", "--data", data, "--all", "--census", "--out", out},
		{"print", "--data", data, "--patient", "pat-000003", "--out", out},
	} {
		if _, errOut, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	assertNoPlaintext(t, secrets, data, tmp)
	names, err := os.ReadDir(out)
	if err != nil || len(names) != 2 {
		t.Fatalf("the folder holds %v (%v), want the two packs", names, err)
	}
	for _, n := range names {
		for _, s := range append(secrets, "pat-") {
			if strings.Contains(n.Name(), s) {
				t.Errorf("the pack %s is named after %q", n.Name(), s)
			}
		}
	}
}
