package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/synthetic"
)

// auditVault is a data folder with a sealed 3-patient ward, and the
// environment that opens it.
func auditVault(t *testing.T) (string, map[string]string) {
	t.Helper()
	root := t.TempDir()
	input, data := filepath.Join(root, "input"), filepath.Join(root, "data")
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 3, Seed: 5, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10",
		"LIFEBOAT_USER": "Nurse Hanne Verbruggen"}
	for _, args := range [][]string{{"init", "--data", data, "--recovery-out", filepath.Join(t.TempDir(), "recovery.key")}, {"snapshot", "--data", data, "--from", input, "--all"}} {
		if _, errOut, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	return data, env
}

func TestTheAuditExportIsForItsOwnerOnlyAndSaysItIsPlaintext(t *testing.T) {
	data, env := auditVault(t)
	if _, errOut, code := runCLI(t, env, "chart", "--data", data, "--patient", "pat-000001"); code != 0 {
		t.Fatalf("chart: exit %d: %s", code, errOut)
	}
	out := filepath.Join(t.TempDir(), "trail.csv")
	stdout, errOut, code := runCLI(t, env, "audit", "export", "--data", data, "--out", out, "--format", "csv")
	if code != 0 || !strings.Contains(errOut, "plaintext") || !strings.Contains(stdout, "Exported 1 record to") {
		t.Fatalf("exit %d: %s%s", code, stdout, errOut)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(out)
	if !bytes.Contains(b, []byte(",Nurse Hanne Verbruggen,view-chart,pat-000001,")) {
		t.Fatalf("export:\n%s", b)
	}
}

func TestAFailedUnlockIsSignedIntoTheTrailByTheNextUnlock(t *testing.T) {
	data, env := auditVault(t)
	wrong := map[string]string{"LIFEBOAT_PASSPHRASE": "not the passphrase", "LIFEBOAT_USER": "Intruder Eve"}
	var errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: &errb,
		getenv: func(k string) string { return wrong[k] }, now: time.Now}
	if _, err := c.unlock(data); err == nil { // records the failed unlock
		t.Fatal("the wrong passphrase unlocked")
	}
	if strings.Contains(errb.String(), "Warning") {
		t.Fatalf("stderr: %s", errb.String())
	}
	stdout, _, code := runCLI(t, env, "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(stdout, "1 event recorded while locked") {
		t.Fatalf("verify: exit %d: %s", code, stdout)
	}
	runCLI(t, env, "chart", "--data", data, "--patient", "pat-000002") // the next unlock
	out := filepath.Join(t.TempDir(), "trail.jsonl")
	if _, errOut, code := runCLI(t, env, "audit", "export", "--data", data, "--out", out); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"actor":"Intruder Eve","action":"unlock-failed"`) ||
		!strings.Contains(lines[0], `"whileLocked":true`) || !strings.Contains(lines[1], `"action":"view-chart"`) {
		t.Fatalf("export:\n%s", b)
	}
}

func TestATrailThatCannotBeWrittenWarnsButTheChartIsStillShown(t *testing.T) {
	data, env := auditVault(t)
	if err := os.Mkdir(filepath.Join(data, "audit.log"), 0o700); err != nil { // not a file: opening it fails
		t.Fatal(err)
	}
	stdout, errOut, code := runCLI(t, env, "chart", "--data", data, "--patient", "pat-000001")
	// Nor can it be read: whether journal entries were lost cannot be
	// told, which is said, with exit 10.
	if code != 10 || !strings.Contains(stdout, "ALLERGIES") || !strings.Contains(errOut, "not written to the audit trail") ||
		!strings.Contains(errOut, "cannot be told") {
		t.Fatalf("exit %d: %s%s", code, stdout, errOut)
	}
}

func TestTheJournalCommandSaysWhenItCannotHoldTheJournalAgainstTheTrail(t *testing.T) {
	data, env := auditVault(t)
	entry := filepath.Join(t.TempDir(), "vitals.json")
	at := time.Now().Add(-15 * time.Minute).UTC().Format(time.RFC3339)
	os.WriteFile(entry, []byte(`{"kind":"vitals","patient":"pat-000001","clinicalTime":"`+at+`","vitals":{"heartRatePerMin":77}}`), 0o600)
	if _, errOut, code := runCLI(t, env, "record", "--data", data, "--json", entry, "--user", "RN Peeters"); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errOut)
	}
	if stdout, errOut, code := runCLI(t, env, "journal", "--data", data); code != 0 {
		t.Fatalf("journal: exit %d: %s%s", code, stdout, errOut)
	}
	os.Rename(filepath.Join(data, "audit.log"), filepath.Join(data, "audit.log.old"))
	if err := os.Mkdir(filepath.Join(data, "audit.log"), 0o700); err != nil { // not a file: reading it fails
		t.Fatal(err)
	}
	stdout, errOut, code := runCLI(t, env, "journal", "--data", data)
	if code != 10 || !strings.Contains(stdout, "could not be held against the audit trail") {
		t.Fatalf("journal with the trail unreadable: exit %d: %s%s", code, stdout, errOut)
	}
}

func TestAnEntryAuditedWithoutAWitnessHasNoDanglingSeparator(t *testing.T) {
	data, env := auditVault(t)
	keys, err := store.Unlock(data, env["LIFEBOAT_PASSPHRASE"])
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: &errb,
		getenv: func(k string) string { return env[k] }, now: time.Now}
	e := clinical.Entry{ID: "0b6f3f5e-8a0e-4f0e-9d33-7c3a8f5a2e10", Kind: clinical.KindNote, Patient: "pat-000001", Author: "RN Peeters", EnteredAt: time.Now()}
	c.auditEntries(data, keys, []clinical.Entry{e}, func(string) string { return "" }) // an unsigned journal witnesses nothing
	rows, _, err := store.ReadAudit(data, keys)
	if err != nil || errb.Len() > 0 {
		t.Fatalf("%v %s", err, errb.String())
	}
	if got := rows[len(rows)-1].Details; got != "note for patient pat-000001" {
		t.Fatalf("details %q", got)
	}
}
