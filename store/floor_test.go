package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func rollbackOf(t *testing.T, dir string) Rollback {
	t.Helper()
	cfg, gens, err := Inspect(dir)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := CheckRollback(dir, cfg, gens)
	if err != nil {
		t.Fatal(err)
	}
	return rb
}

func sealN(t *testing.T, dir string, keys *Keys, n int) {
	t.Helper()
	for range n {
		sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	}
}

func removeGeneration(t *testing.T, dir string, g uint64) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, snapshotDir, generationName(g))); err != nil {
		t.Fatal(err)
	}
}

func TestDeletingTheNewestGenerationsIsSeenAsARollback(t *testing.T) {
	dir, keys := testVault(t)
	sealN(t, dir, keys, 4)
	if rb := rollbackOf(t, dir); rb.Problem != "" || rb.Floor != 4 {
		t.Fatalf("before: %+v", rb)
	}
	removeGeneration(t, dir, 4)
	removeGeneration(t, dir, 3)
	rb := rollbackOf(t, dir)
	if rb.GoneFrom != 3 || rb.GoneTo != 4 || rb.Problem != "generations 3–4, sealed here before, are gone (rolled back)" {
		t.Fatalf("after: %+v", rb)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Manifest.Generation != 2 || s.Rollback != rb.Problem {
		t.Fatalf("opened generation %d, rollback %q", s.Manifest.Generation, s.Rollback)
	}

	// The next seal never reuses a number sealed before, and the ward is
	// current again.
	m := sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	if m.Generation != 5 {
		t.Fatalf("sealed generation %d, want 5", m.Generation)
	}
	if rb := rollbackOf(t, dir); rb.Problem != "" || rb.Floor != 5 {
		t.Fatalf("after sealing again: %+v", rb)
	}
}

func TestDeletingEveryGenerationIsARollbackNotAFreshVault(t *testing.T) {
	dir, keys := testVault(t)
	sealN(t, dir, keys, 2)
	removeGeneration(t, dir, 2)
	removeGeneration(t, dir, 1)
	if rb := rollbackOf(t, dir); rb.GoneFrom != 1 || rb.GoneTo != 2 {
		t.Fatalf("%+v", rb)
	}
	_, err := Open(context.Background(), dir, keys)
	if !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "generations 1–2, sealed here before, are gone") {
		t.Fatalf("got %v", err)
	}
}

func TestPruningOldGenerationsIsNotARollback(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10, Keep: 2}); err != nil {
		t.Fatal(err)
	}
	keys, err := Unlock(dir, testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	sealN(t, dir, keys, 5)
	if _, err := os.Stat(filepath.Join(dir, snapshotDir, generationName(1))); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("generation 1 was not pruned")
	}
	if rb := rollbackOf(t, dir); rb.Problem != "" || rb.Floor != 5 {
		t.Fatalf("%+v", rb)
	}
}

func TestADeletedFloorIsWitnessedByTheGenerations(t *testing.T) {
	dir, keys := testVault(t)
	sealN(t, dir, keys, 2)
	if err := os.Remove(filepath.Join(dir, floorFile)); err != nil {
		t.Fatal(err)
	}
	rb := rollbackOf(t, dir)
	if !strings.HasPrefix(rb.Problem, "the rollback floor (generations.floor) is missing") {
		t.Fatalf("%+v", rb)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s.Rollback != rb.Problem {
		t.Fatalf("open says %q", s.Rollback)
	}
	// A new vault with no generation has no floor, and that is fine.
	fresh, _ := testVault(t)
	if rb := rollbackOf(t, fresh); rb.Problem != "" {
		t.Fatalf("fresh vault: %+v", rb)
	}
}

func TestAFloorOfAnotherKioskOrForgedIsRefused(t *testing.T) {
	dir, keys := testVault(t)
	sealN(t, dir, keys, 2)
	other, okeys := testVault(t)
	sealN(t, other, okeys, 3)
	floor, err := os.ReadFile(filepath.Join(other, floorFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, floorFile), floor, 0o600); err != nil {
		t.Fatal(err)
	}
	if rb := rollbackOf(t, dir); rb.Problem != errFloorForeign.Error() {
		t.Fatalf("another kiosk's floor: %+v", rb)
	}

	// This kiosk's floor with its number lowered (to hide generations
	// removed) no longer verifies.
	sealN(t, dir, keys, 1) // sealing replaces the foreign floor
	b, err := os.ReadFile(filepath.Join(dir, floorFile))
	if err != nil {
		t.Fatal(err)
	}
	if rb := rollbackOf(t, dir); rb.Problem != "" || rb.Floor != 3 {
		t.Fatalf("after sealing: %+v", rb)
	}
	forged := strings.Replace(string(b), `"generation":3`, `"generation":1`, 1)
	if forged == string(b) {
		t.Fatalf("floor %s", b)
	}
	if err := os.WriteFile(filepath.Join(dir, floorFile), []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}
	if rb := rollbackOf(t, dir); rb.Problem != errFloorForeign.Error() {
		t.Fatalf("forged floor: %+v", rb)
	}
	if err := os.WriteFile(filepath.Join(dir, floorFile), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rb := rollbackOf(t, dir); rb.Problem != errFloorDamaged.Error() {
		t.Fatalf("damaged floor: %+v", rb)
	}
}

func TestAnAlteredNewestGenerationIsNotARollback(t *testing.T) {
	// Refused, not gone: status says it through the generation's problem.
	dir, keys := testVault(t)
	sealN(t, dir, keys, 2)
	damage(t, dir, func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
	if rb := rollbackOf(t, dir); rb.Problem != "" {
		t.Fatalf("%+v", rb)
	}
}
