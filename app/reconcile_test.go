package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"lifeboat/clinical"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/reconcile"
	"lifeboat/sync/synthetic"
)

// TestReconcileFromTheCommandLine runs the commands an IT engineer would:
// a dry run that changes nothing, a run that pushes and leaves a
// registration for a person (exit 8), a decision with the recovery key, a
// run that finishes (exit 0), and the report out of its encryption.
func TestReconcileFromTheCommandLine(t *testing.T) {
	root := t.TempDir()
	input, data := filepath.Join(root, "input"), filepath.Join(root, "data")
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 6, Seed: 11, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	srv := fhirtest.Start(t, fhirtest.Options{Bearer: "reconcile-token"}, input)
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	run := func(want int, args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, env, args...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d: %s%s", args, code, want, out, errOut)
		}
		return out + errOut
	}
	keyFile := filepath.Join(root, "recovery.key")
	if initOut := run(0, "init", "--data", data, "--recovery-out", keyFile); strings.Contains(initOut, "AGE-SECRET-KEY") {
		t.Fatal("init printed the recovery key")
	}
	run(0, "snapshot", "--data", data, "--from", input, "--all")

	at := time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339)
	entries := filepath.Join(root, "entries.json")
	os.WriteFile(entries, []byte(fmt.Sprintf(`[
		{"kind":"note","patient":"pat-000001","clinicalTime":%[1]q,"note":{"text":"Comfortable night."}},
		{"kind":"vitals","patient":"pat-000002","clinicalTime":%[1]q,"vitals":{"heartRatePerMin":84,"spo2Percent":96}},
		{"kind":"registration","clinicalTime":%[1]q,"registration":{"family":"Verbruggen","sex":"female","birthDate":"1961","ward":"ward-1","bed":"9"}}
	]`, at)), 0o600)
	recorded := run(0, "record", "--data", data, "--json", entries, "--user", "RN Peeters")
	ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}`).FindAllString(recorded, -1)
	if len(ids) != 3 {
		t.Fatalf("record printed %d entry ids: %s", len(ids), recorded)
	}
	registration := ids[2]

	// Without the token: one sentence, exit 1, nothing changed.
	if _, errOut, code := runCLI(t, env, "reconcile", "--data", data, "--fhir", srv.URL, "--dry-run"); code != ExitFailure ||
		!strings.Contains(errOut, "Authorisation failed") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("a run without the token: exit %d, %q", code, errOut)
	}
	env["LIFEBOAT_FHIR_BEARER"] = "reconcile-token"
	before := srv.Stats().Resources
	var plan reconcile.Plan
	if err := json.Unmarshal([]byte(run(0, "reconcile", "--data", data, "--fhir", srv.URL, "--dry-run", "--json")), &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Count[reconcile.Create] != 2 || plan.Count[reconcile.NeedsLink] != 1 {
		t.Errorf("dry-run plan counts %v", plan.Count)
	}
	if !maps.Equal(before, srv.Stats().Resources) {
		t.Error("the dry run changed the server")
	}

	out := run(ExitWaiting, "reconcile", "--data", data, "--fhir", srv.URL)
	for _, want := range []string{"NEED A PATIENT LINK", registration, "--action link --link-to ID|new-patient|skip", "1 to link"} {
		if !strings.Contains(out, want) {
			t.Errorf("the run's output lacks %q:\n%s", want, out)
		}
	}

	os.WriteFile(filepath.Join(root, "wrong.key"), []byte("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"), 0o600)
	run(ExitPassphrase, "reconcile", "decide", "--data", data, "--recovery-key", filepath.Join(root, "wrong.key"),
		"--entry", registration, "--action", "new-patient", "--by", "HIM Claes")
	run(ExitUsage, "reconcile", "decide", "--data", data, "--recovery-key", keyFile, "--entry", registration, "--action", "new-patient")
	run(ExitUsage, "reconcile", "decide", "--data", data, "--recovery-key", keyFile, "--entry", ids[0], "--action", "new-patient", "--by", "HIM Claes")
	run(0, "reconcile", "decide", "--data", data, "--recovery-key", keyFile, "--entry", registration,
		"--action", "new-patient", "--reason", "no record found", "--by", "HIM Claes")

	run(0, "reconcile", "--data", data, "--fhir", srv.URL, "--recovery-key", keyFile)
	report := filepath.Join(root, "report.json")
	run(0, "reconcile", "report", "--data", data, "--recovery-key", keyFile, "--out", report)
	var rep reconcile.Report
	b, _ := os.ReadFile(report)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Created != 3 || rep.Totals.Local != 1 || len(rep.Decisions) != 1 || rep.Decisions[0].By != "HIM Claes" {
		t.Errorf("report totals %+v, decisions %+v", rep.Totals, rep.Decisions)
	}
	if rep.ByAuthor["RN Peeters"].Created != 3 || rep.ByKind["vitals"].Created != 1 {
		t.Errorf("per author %v, per kind %v", rep.ByAuthor, rep.ByKind)
	}
	run(ExitUsage, "reconcile", "report", "--data", data, "--recovery-key", keyFile, "--out", report) // never overwritten
	run(ExitUsage, "reconcile", "report", "--data", data, "--recovery-key", keyFile, "--out", filepath.Join(data, "r.json"))
	pdf := filepath.Join(root, "report.pdf")
	run(0, "reconcile", "report", "--data", data, "--recovery-key", keyFile, "--out", pdf)
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the PDF report was not written (%v)", err)
	}

	// The recovery role's actions reach the audit trail at the next unlock.
	run(0, "journal", "--data", data)
	audit := run(0, "audit", "export", "--data", data, "--out", filepath.Join(root, "audit.jsonl"))
	b, _ = os.ReadFile(filepath.Join(root, "audit.jsonl"))
	for _, want := range []string{`"reconcile"`, "reconciliation decision new-patient", "reconciliation report (PDF)"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the audit trail lacks %s (%s)", want, audit)
		}
	}

	// A note forged with nothing but the public recipients is never
	// pushed: the run names it and ends with exit 10.
	now := time.Now().UTC()
	seq, err := storetest.ForgeEntry(data, clinical.Entry{ID: uuid.NewString(), Kind: clinical.KindNote, Patient: "pat-000001",
		Author: "RN Peeters", ClinicalTime: now, EnteredAt: now, Note: &clinical.NursingNote{Text: "Forged note."}})
	if err != nil {
		t.Fatal(err)
	}
	before = srv.Stats().Resources
	out = run(ExitJournal, "reconcile", "--data", data, "--fhir", srv.URL)
	if want := fmt.Sprintf("entry %d is not signed", seq); !strings.Contains(out, "VERIFICATION FAILED") || !strings.Contains(out, want) {
		t.Errorf("the run does not name the forged entry:\n%s", out)
	}
	if !maps.Equal(before, srv.Stats().Resources) {
		t.Error("the forged entry reached the server")
	}
}

// TestReconcileProgressSaysWhatIsSlow: a progress line says the server's
// pace once it is slow, and why and how long a wait is; nothing when the
// server is fast.
func TestReconcileProgressSaysWhatIsSlow(t *testing.T) {
	if s := slowness(reconcile.Progress{PerRequest: 40 * time.Millisecond, Batch: 8}); s != "" {
		t.Errorf("a fast server: %q, want nothing", s)
	}
	got := slowness(reconcile.Progress{PerRequest: 5200 * time.Millisecond, Batch: 2})
	if want := "; server answering slowly: 5.2 s per request, batch size now 2"; got != want {
		t.Errorf("a slow server: %q, want %q", got, want)
	}
	got = slowness(reconcile.Progress{PerRequest: 2 * time.Second, Batch: 1, Wait: 12 * time.Second, WaitWhy: "the last Bundle got no answer"})
	if !strings.HasSuffix(got, "; the last Bundle got no answer; waiting 12s before reading the server again") {
		t.Errorf("a wait: %q", got)
	}
}
