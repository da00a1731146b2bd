package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

const testPassphrase = "correct horse battery"

// testChart is a small synthetic chart; the name and MRN are what the
// no-plaintext checks look for.
func testChart(id, name, mrn string) clinical.Chart {
	src := func(typ, rid string) clinical.Source {
		return clinical.Source{Type: typ, ID: rid, VersionID: "3", LastUpdated: "2026-11-26T06:00:00Z",
			JSON: json.RawMessage(`{"resourceType":"` + typ + `","id":"` + rid + `"}`)}
	}
	hr := 72.0
	c := clinical.Chart{
		Patient: clinical.Patient{ID: id, Name: name, BirthDate: "1941-03-02", Sex: "female",
			Identifiers: []clinical.Identifier{{System: "https://hospital.example/mrn", Value: mrn, Type: "MR"}},
			Ward:        "ward-1", Room: "Room 101", Bed: "101-A", Source: src("Patient", id)},
		Allergies: clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
			ClinicalStatus: "active", Source: src("AllergyIntolerance", id+"-a1")}}},
		Medications: clinical.Section[clinical.Medication]{Items: []clinical.Medication{{Name: "Paracetamol 1 g", Status: "active",
			Dosage: "1 g oral every 6 h", Source: src("MedicationRequest", id+"-m1")}}},
		Problems: clinical.Section[clinical.Problem]{Assertion: &clinical.Source{Type: "Condition", ID: id + "-none", JSON: json.RawMessage(`{}`)}},
		Vitals: clinical.Section[clinical.Observation]{Items: []clinical.Observation{{Code: "8867-4", Name: "Heart rate", Value: "72",
			Number: &hr, Unit: "/min", Time: time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC), Source: src("Observation", id+"-o1")}}},
		Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Text: "Not for resuscitation", Status: "active",
			Source: src("Flag", id+"-f1")}}},
	}
	return c
}

func testVault(t *testing.T) (string, *Keys) {
	t.Helper()
	dir, keys, _ := testVaultWithRecovery(t)
	return dir, keys
}

// testVaultWithRecovery is testVault with the IT recovery identity that
// Init made for it.
func testVaultWithRecovery(t *testing.T) (dir string, keys *Keys, recovery string) {
	t.Helper()
	dir = t.TempDir()
	res, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	if keys, err = Unlock(dir, testPassphrase); err != nil {
		t.Fatal(err)
	}
	return dir, keys, res.RecoveryIdentity
}

func sealCharts(t *testing.T, dir string, keys *Keys, charts ...clinical.Chart) *Manifest {
	t.Helper()
	ctx := context.Background()
	w, err := BuildWard(ctx, charts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m, err := Seal(ctx, dir, keys, w, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestASealedSnapshotOpensToTheSameCharts(t *testing.T) {
	dir, keys := testVault(t)
	m := sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"), testChart("p2", "Dubois, Jean", "MRN0000002"))
	if m.Generation != 1 || m.Counts["patients"] != 2 {
		t.Fatalf("manifest = %+v", m)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Refused) != 0 {
		t.Fatalf("refused = %v", s.Refused)
	}
	census, err := s.Census(context.Background())
	if err != nil || len(census) != 2 || census[0].Name != "Peeters, Maria" || census[0].CodeStatus != "Not for resuscitation" || census[0].Allergies != 1 {
		t.Fatalf("census = %+v, %v", census, err)
	}
	c, err := s.Chart(context.Background(), "MRN0000002")
	if err != nil {
		t.Fatal(err)
	}
	if c.Patient.ID != "p2" || c.Allergies.Status != clinical.Recorded || c.Allergies.Items[0].Substance != "Penicillin" {
		t.Fatalf("chart = %+v", c)
	}
	if c.Problems.Status != clinical.NoneKnown || c.Labs.Status != clinical.NoneRecorded || c.Notes.Items == nil {
		t.Fatalf("problems %s labs %s", c.Problems.Status, c.Labs.Status)
	}
	src := c.Medications.Items[0].Source
	if src.Type != "MedicationRequest" || src.VersionID != "3" || !strings.Contains(string(src.JSON), `"p2-m1"`) {
		t.Fatalf("source = %+v", src)
	}
	if *c.Vitals.Items[0].Number != 72 {
		t.Fatal("vital value lost")
	}
	if _, err := s.Chart(context.Background(), "nobody"); !errors.Is(err, clinical.ErrNoPatient) {
		t.Fatalf("err = %v", err)
	}
}

func TestAWrongPassphraseIsRefusedAndChangesNothing(t *testing.T) {
	dir, _ := testVault(t)
	before, _ := os.ReadFile(filepath.Join(dir, keyringFile))
	if _, err := Unlock(dir, "wrong passphrase"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, keyringFile))
	if !bytes.Equal(before, after) {
		t.Fatal("keyring changed")
	}
}

func TestInitNeverOverwritesAVault(t *testing.T) {
	dir, _ := testVault(t)
	if _, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10}); !errors.Is(err, ErrAlreadyInitialised) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Init(t.TempDir(), "short", InitOptions{}); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("err = %v", err)
	}
}

func TestInitUsesPostQuantumKeysUnlessTheRecoveryKeyIsClassic(t *testing.T) {
	dir := t.TempDir()
	res, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Config.Recipient, "age1pq1") || !strings.HasPrefix(res.RecoveryIdentity, "AGE-SECRET-KEY-PQ-1") {
		t.Fatalf("recipient %.10s", res.Config.Recipient)
	}
	dir2 := t.TempDir()
	res, err = Init(dir2, testPassphrase, InitOptions{WorkFactor: 10,
		Recovery: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Classic || strings.HasPrefix(res.Config.Recipient, "age1pq1") || res.RecoveryIdentity != "" {
		t.Fatalf("res = %+v", res)
	}
	keys, err := Unlock(dir2, testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	sealCharts(t, dir2, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	if _, err := Init(t.TempDir(), testPassphrase, InitOptions{Recovery: "ssh-rsa AAA"}); err == nil {
		t.Fatal("accepted a non-age recovery recipient")
	}
}

// damage applies a change to the newest snapshot file.
func damage(t *testing.T, dir string, change func([]byte) []byte) {
	t.Helper()
	gens, err := listGenerations(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(gens[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gens[0].Path, change(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestADamagedSnapshotIsRefusedAndTheNewestGoodOneOpens(t *testing.T) {
	otherKey := func() ed25519.PrivateKey { _, k, _ := ed25519.GenerateKey(rand.Reader); return k }()
	cases := map[string]struct {
		change func([]byte) []byte
		reason string
	}{
		"a flipped header byte":  {func(b []byte) []byte { b[len(magic)+300] ^= 1; return b }, "altered"},
		"a flipped payload byte": {func(b []byte) []byte { b[len(b)-1200] ^= 1; return b }, "altered"},
		"a flipped manifest byte": {func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"generation"`))
			b[i+1] ^= 0x20
			return b
		}, "not signed by the trusted key"},
		"truncation":     {func(b []byte) []byte { return b[:len(b)/2] }, "not a Lifeboat snapshot"},
		"an empty file":  {func(b []byte) []byte { return nil }, "not a Lifeboat snapshot"},
		"a missing tail": {func(b []byte) []byte { return b[:len(b)-1] }, "not a Lifeboat snapshot"},
		"a signature by another key": {func(b []byte) []byte {
			mlen := binary.BigEndian.Uint64(b[len(b)-trailerSize:])
			end := len(b) - trailerSize
			start := end - ed25519.SignatureSize - int(mlen)
			sig := ed25519.Sign(otherKey, append([]byte(signContext), b[start:start+int(mlen)]...))
			copy(b[end-ed25519.SignatureSize:end], sig)
			return b
		}, "not signed by the trusted key"},
		"no signature at all": {func(b []byte) []byte {
			end := len(b) - trailerSize
			clear(b[end-ed25519.SignatureSize : end])
			return b
		}, "not signed by the trusted key"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir, keys := testVault(t)
			sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
			sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"), testChart("p2", "Dubois, Jean", "MRN0000002"))
			damage(t, dir, tc.change)
			s, err := Open(context.Background(), dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Manifest.Generation != 1 || len(s.Refused) != 1 || !strings.Contains(s.Refused[0].Reason, tc.reason) {
				t.Fatalf("opened %d, refused %+v", s.Manifest.Generation, s.Refused)
			}
			if !strings.HasPrefix(s.Refused[0].Reason, "is ") {
				t.Fatalf("reason = %q", s.Refused[0].Reason)
			}
			_, st, err := Inspect(dir)
			if err != nil || st[0].Good || !st[1].Good {
				t.Fatalf("inspect = %+v, %v", st, err)
			}
		})
	}
}

func TestASnapshotOfAnotherKioskIsRefused(t *testing.T) {
	dirA, keysA := testVault(t)
	dirB, keysB := testVault(t)
	sealCharts(t, dirA, keysA, testChart("p1", "Peeters, Maria", "MRN0000001"))
	sealCharts(t, dirB, keysB, testChart("p1", "Peeters, Maria", "MRN0000001"))
	// Kiosk B's file dropped into kiosk A's folder as a newer generation.
	b, _ := os.ReadFile(filepath.Join(dirB, snapshotDir, generationName(1)))
	os.WriteFile(filepath.Join(dirA, snapshotDir, generationName(2)), b, 0o600)
	s, err := Open(context.Background(), dirA, keysA)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Manifest.Generation != 1 || !strings.Contains(s.Refused[0].Reason, "not signed by the trusted key") {
		t.Fatalf("refused = %+v", s.Refused)
	}
}

func TestAnOlderSnapshotRenamedAsNewerIsRefused(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	b, _ := os.ReadFile(filepath.Join(dir, snapshotDir, generationName(1)))
	os.WriteFile(filepath.Join(dir, snapshotDir, generationName(7)), b, 0o600)
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Manifest.Generation != 1 || !strings.Contains(s.Refused[0].Reason, "signed as generation 1") {
		t.Fatalf("refused = %+v", s.Refused)
	}
}

func TestWhenNoGenerationIsUsableOpeningSaysWhy(t *testing.T) {
	dir, keys := testVault(t)
	_, err := Open(context.Background(), dir, keys)
	if !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "no snapshot has been written yet") {
		t.Fatalf("err = %v", err)
	}
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	damage(t, dir, func(b []byte) []byte { return b[:100] })
	_, err = Open(context.Background(), dir, keys)
	if !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "generation 1 is not a Lifeboat snapshot") {
		t.Fatalf("err = %v", err)
	}
}

func TestOnlyTheConfiguredNumberOfGenerationsIsKept(t *testing.T) {
	dir, keys := testVault(t)
	keys.Config.Keep = 3
	for range 5 {
		sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	}
	gens, _ := listGenerations(dir)
	if len(gens) != 3 || gens[0].Generation != 5 || gens[2].Generation != 3 {
		t.Fatalf("gens = %+v", gens)
	}
}

func TestAnAlteredConfigStopsSealingButNotReading(t *testing.T) {
	for name, alter := range map[string]func(c, other *Config){
		"a swapped signer":       func(c, other *Config) { c.Signer = other.Signer },
		"a swapped recovery key": func(c, other *Config) { c.Recovery = other.Recipient },
		"fewer generations kept": func(c, other *Config) { c.Keep = 1 },
		"another kiosk's config": func(c, other *Config) { *c = *other },
	} {
		t.Run(name, func(t *testing.T) {
			dir, keys := testVault(t)
			sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
			other := t.TempDir()
			Init(other, testPassphrase, InitOptions{WorkFactor: 10})
			cfgA, _ := LoadConfig(dir)
			cfgB, _ := LoadConfig(other)
			alter(cfgA, cfgB)
			b, _ := json.Marshal(cfgA)
			os.WriteFile(filepath.Join(dir, configFile), b, 0o644)

			keys, err := Unlock(dir, testPassphrase)
			if err != nil || keys.ConfigProblem == "" {
				t.Fatalf("problem %q, err %v", keys.ConfigProblem, err)
			}
			if keys.Config.Keep != DefaultKeep || keys.Config.Recovery == cfgB.Recipient {
				t.Fatal("the keys took config.json's word over the sealed keyring's")
			}
			s, err := Open(context.Background(), dir, keys)
			if err != nil {
				t.Fatalf("nurses lost the records: %v", err)
			}
			s.Close()
			w, _ := BuildWard(context.Background(), []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001")})
			defer w.Close()
			if _, err := Seal(context.Background(), dir, keys, w, SealRequest{AsOf: time.Now()}); err == nil {
				t.Fatal("sealed with an altered config")
			}
		})
	}
}

func TestAMissingConfigStillLetsNursesRead(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	os.Remove(filepath.Join(dir, configFile))
	keys, err := Unlock(dir, testPassphrase)
	if err != nil || !strings.Contains(keys.ConfigProblem, "missing") {
		t.Fatalf("problem %q, err %v", keys.ConfigProblem, err)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestStatusRefusesAnotherKiosksGeneration(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	cfg, _ := LoadConfig(dir)
	cfg.KioskID = "another-kiosk"
	b, _ := json.Marshal(cfg)
	os.WriteFile(filepath.Join(dir, configFile), b, 0o644)
	_, st, err := Inspect(dir)
	if err != nil || st[0].Good || !strings.Contains(st[0].Problem, "not encrypted to this kiosk") {
		t.Fatalf("status = %+v, %v", st, err)
	}
}

func TestPruningKeepsTheGoodGenerationsBehindRefusedOnes(t *testing.T) {
	dir, keys := testVault(t)
	keys.Config.Keep = 2
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	// Two planted files newer than the good ones.
	os.WriteFile(filepath.Join(dir, snapshotDir, generationName(3)), []byte("junk"), 0o600)
	os.WriteFile(filepath.Join(dir, snapshotDir, generationName(4)), []byte("junk"), 0o600)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001")) // generation 5
	gens, _ := listGenerations(dir)
	var kept []uint64
	for _, g := range gens {
		kept = append(kept, g.Generation)
	}
	if fmt.Sprint(kept) != "[5 4 3 2]" {
		t.Fatalf("kept %v, want the refused 4 and 3 and the good 5 and 2", kept)
	}
}

func TestAPlantedHugeGenerationStopsSealingInsteadOfWrapping(t *testing.T) {
	dir, keys := testVault(t)
	os.WriteFile(filepath.Join(dir, snapshotDir, "18446744073709551615.lbs"), []byte("junk"), 0o600)
	w, _ := BuildWard(context.Background(), []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001")})
	defer w.Close()
	if _, err := Seal(context.Background(), dir, keys, w, SealRequest{AsOf: time.Now()}); err == nil {
		t.Fatal("sealed after a planted generation 2^64-1")
	}
}

func TestTheDatabaseNeverSpillsToTemporaryFiles(t *testing.T) {
	dir, keys := testVault(t)
	ctx := context.Background()
	w, err := BuildWard(ctx, []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001")})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	check := func(w *Ward) {
		var mode int
		if err := w.conn.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&mode); err != nil || mode != 2 {
			t.Fatalf("temp_store = %d (%v), want 2 (memory)", mode, err)
		}
	}
	check(w)
	if _, err := Seal(ctx, dir, keys, w, SealRequest{AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(s.Ward)
}

func TestAnIdentifierOfTwoPatientsOpensNeither(t *testing.T) {
	ctx := context.Background()
	a, b := testChart("p1", "Peeters, Maria", "MRN0000001"), testChart("p2", "Dubois, Jean", "MRN0000002")
	b.Patient.Identifiers = append(b.Patient.Identifiers, clinical.Identifier{Value: "MRN0000001"})
	w, err := BuildWard(ctx, []clinical.Chart{a, b})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Chart(ctx, "MRN0000001"); !errors.Is(err, clinical.ErrAmbiguousPatient) {
		t.Fatalf("err = %v", err)
	}
	if c, err := w.Chart(ctx, "p1"); err != nil || c.Patient.ID != "p1" {
		t.Fatalf("by id: %v", err)
	}
	src, err := w.Resource(ctx, "MedicationRequest", "p2-m1")
	if err != nil || src.VersionID != "3" || !strings.Contains(string(src.JSON), "p2-m1") {
		t.Fatalf("resource = %+v, %v", src, err)
	}
}

func TestNothingOnDiskContainsPatientData(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for _, secret := range []string{"Peeters", "MRN0000001", "Penicillin", "resuscitation"} {
			if bytes.Contains(b, []byte(secret)) || strings.Contains(path, secret) {
				t.Errorf("%s contains %q", filepath.Base(path), secret)
			}
		}
		return nil
	})
}
