package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/sync/synthetic"
)

func TestStatusExitsByTheAgeOfTheNewestGoodSnapshot(t *testing.T) {
	root := t.TempDir()
	input, data := filepath.Join(root, "input"), filepath.Join(root, "data")
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 2, Seed: 5, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	if _, errOut, code := runCLI(t, env, "init", "--data", data, "--recovery-out", filepath.Join(t.TempDir(), "recovery.key")); code != 0 {
		t.Fatal(errOut)
	}
	for _, tc := range []struct {
		age   time.Duration
		flags []string
		code  int
		level string
	}{
		{2 * time.Minute, nil, ExitOK, `"level": "fresh"`},
		{20 * time.Minute, nil, ExitAmber, `"level": "amber"`},
		{20 * time.Minute, []string{"--amber", "30m"}, ExitOK, `"level": "fresh"`},
		{90 * time.Minute, nil, ExitRed, `"level": "red"`},
		{90 * time.Minute, []string{"--red", "2h"}, ExitAmber, `"level": "amber"`},
		{90 * time.Minute, []string{"--amber", "2h", "--red", "1h"}, ExitUsage, ""},
	} {
		asOf := time.Now().Add(-tc.age).UTC().Format(time.RFC3339)
		if _, errOut, code := runCLI(t, env, "snapshot", "--data", data, "--from", input, "--all", "--as-of", asOf); code != 0 {
			t.Fatal(errOut)
		}
		out, errOut, code := runCLI(t, env, append([]string{"status", "--data", data, "--json"}, tc.flags...)...)
		if code != tc.code || !strings.Contains(out, tc.level) {
			t.Errorf("%v old %v: exit %d (%s)\n%s", tc.age, tc.flags, code, errOut, out)
		}
	}
}

func TestStatusShowsTheLiveSyncsLastAttemptAndError(t *testing.T) {
	data, env := auditVault(t)
	at := time.Now().Add(-time.Minute)
	if err := store.WriteSyncState(data, store.SyncState{Source: "http://127.0.0.1:1/fhir", LastAttempt: at,
		LastSuccess: at.Add(-10 * time.Minute), LastError: "the FHIR server could not be reached during a search of Patient: the connection failed",
		LastErrorAt: at, Failures: 3}); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, env, "status", "--data", data)
	if code != ExitOK || !strings.Contains(out, "Live sync: last attempt") || !strings.Contains(out, "last error") ||
		!strings.Contains(out, "could not be reached") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	out, _, _ = runCLI(t, env, "status", "--data", data, "--json")
	if !strings.Contains(out, `"consecutiveFailures": 3`) || !strings.Contains(out, `"lastSuccess"`) {
		t.Fatalf("json:\n%s", out)
	}
}
