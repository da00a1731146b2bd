package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/sync/synthetic"
)

// TestNoPlaintextReachesTheDiskAfterRecording records entries through the
// command line (a note, a dose, a registration with a name) and then
// searches every file under the data folder and $TMPDIR for the patients'
// names and MRNs, the note's text and the registered name. A journal is
// held open meanwhile, so that SQLite's -wal and -shm files are searched
// too.
func TestNoPlaintextReachesTheDiskAfterRecording(t *testing.T) {
	root := t.TempDir()
	input, data, tmp := filepath.Join(root, "input"), filepath.Join(root, "data"), filepath.Join(root, "tmp")
	os.MkdirAll(tmp, 0o700)
	t.Setenv("TMPDIR", tmp)
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 40, Seed: 5, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	secrets := patientSecrets(t, filepath.Join(input, "Patient.ndjson"))
	note, newName := "Found wandering near the lifts, says her daughter Hildegard will visit", "Oosterlinck"
	secrets = append(secrets, note, newName, "Hildegard")
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, env, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	run("init", "--data", data, "--recovery-out", filepath.Join(t.TempDir(), "recovery.key"))
	run("snapshot", "--data", data, "--from", input, "--all")

	at := time.Now().Add(-15 * time.Minute).UTC().Format(time.RFC3339)
	entries := filepath.Join(input, "entries.json")
	write := func(body string) {
		if err := os.WriteFile(entries, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(fmt.Sprintf(`{"kind":"note","patient":"pat-000003","clinicalTime":%q,"note":{"text":%q}}`, at, note))
	run("record", "--data", data, "--json", entries, "--user", "RN Peeters")

	keys, err := store.Unlock(data, env["LIFEBOAT_PASSPHRASE"])
	if err != nil {
		t.Fatal(err)
	}
	held, err := store.OpenJournal(context.Background(), data, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.List(context.Background()); err != nil {
		t.Fatal(err)
	}

	write(fmt.Sprintf(`[{"kind":"registration","clinicalTime":%q,"registration":{"family":%q,"given":"Hildegard","sex":"female","ward":"ward-1"}},
		{"kind":"vitals","patient":"pat-000003","clinicalTime":%q,"vitals":{"heartRatePerMin":77}}]`, at, newName, at))
	run("record", "--data", data, "--json", entries, "--user", "RN Peeters", "--force")
	shown := run("journal", "--data", data) + run("chart", "--data", data, "--patient", "pat-000003")
	if !strings.Contains(shown, note) || !strings.Contains(shown, newName) {
		t.Fatalf("the journal did not show what was recorded:\n%s", shown)
	}
	if _, err := os.Stat(filepath.Join(data, "journal.db-wal")); err != nil {
		t.Fatalf("the search needs the write-ahead log: %v", err)
	}
	os.Remove(entries) // the input file is the user's own, not Lifeboat's
	assertNoPlaintext(t, secrets, data, tmp)
}
