//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpeningTheFolderMakesItAndItsFilesPrivate(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	// SQLite makes these 0644 under a usual umask.
	for _, name := range []string{"journal.db", "journal.db-wal", "journal.db-shm"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, reportDir), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, reportDir), 0o755)
	os.WriteFile(filepath.Join(dir, reportDir, "plan-1.age"), nil, 0o666)
	os.Chmod(filepath.Join(dir, configFile), 0o644)
	os.Chmod(dir, 0o755)
	if warn := SecureFolder(dir); len(warn) != 0 {
		t.Fatalf("warnings %q", warn)
	}
	want := map[string]os.FileMode{".": 0o700, snapshotDir: 0o700, reportDir: 0o700,
		"journal.db": 0o600, "journal.db-wal": 0o600, "journal.db-shm": 0o600, configFile: 0o600,
		keyringFile: 0o600, floorFile: 0o600, filepath.Join(reportDir, "plan-1.age"): 0o600,
		filepath.Join(snapshotDir, generationName(1)): 0o600}
	for name, mode := range want {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s is %04o, want %04o", name, fi.Mode().Perm(), mode)
		}
	}
	os.Chmod(dir, 0o777)
	if warn := SecureFolder(dir); len(warn) != 1 || !strings.Contains(warn[0], "writable by everyone (mode 0777)") {
		t.Fatalf("world-writable: %q", warn)
	}
}

func TestAKeyFileOthersCanReadIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recovery.key")
	if err := os.WriteFile(path, []byte("AGE-SECRET-KEY-1X\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := ReadKeyFile(path, "the recovery key file"); !errors.Is(err, ErrKeyFileOpen) || strings.Contains(err.Error(), "AGE-SECRET") {
		t.Fatalf("0644: %v", err)
	}
	os.Chmod(path, 0o600)
	if b, err := ReadKeyFile(path, "the recovery key file"); err != nil || string(b) != "AGE-SECRET-KEY-1X\n" {
		t.Fatalf("0600: %q, %v", b, err)
	}
	os.Chmod(path, 0o400)
	if _, err := ReadKeyFile(path, "the recovery key file"); err != nil {
		t.Fatalf("0400: %v", err)
	}
}
