package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/sync/synthetic"
)

// runCLI runs the program in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return env[k] }, now: time.Now}
	code := c.run(args)
	return out.String(), errb.String(), code
}

// TestNoPlaintextPatientDataReachesTheDisk runs init, snapshot, status and
// chart on a synthetic ward and then searches every file under the data
// folder and the temporary folder for each patient's name and MRN.
func TestNoPlaintextPatientDataReachesTheDisk(t *testing.T) {
	root := t.TempDir()
	input, data, tmp := filepath.Join(root, "input"), filepath.Join(root, "data"), filepath.Join(root, "tmp")
	os.MkdirAll(tmp, 0o700)
	t.Setenv("TMPDIR", tmp)
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: 40, Seed: 3, AsOf: time.Now()}); err != nil {
		t.Fatal(err)
	}
	secrets := patientSecrets(t, filepath.Join(input, "Patient.ndjson"))
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	steps := [][]string{
		{"init", "--data", data, "--recovery-out", filepath.Join(root, "recovery.key")},
		{"snapshot", "--data", data, "--from", input, "--ward", "ward-1"},
		{"snapshot", "--data", data, "--from", input, "--all"},
		{"status", "--data", data},
		{"status", "--data", data, "--json"},
		{"chart", "--data", data, "--patient", "pat-000001", "--json"},
		{"chart", "--data", data, "--patient", "pat-000035"},
	}
	var shown strings.Builder
	for _, args := range steps {
		out, errOut, code := runCLI(t, env, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		shown.WriteString(out)
	}
	// The charts did show patient data on stdout, so the search below
	// looks for strings that really were in the snapshot.
	found := 0
	for _, s := range secrets {
		if strings.Contains(shown.String(), s) {
			found++
		}
	}
	if found < 2 {
		t.Fatalf("the charts showed %d of the searched names and MRNs", found)
	}
	assertNoPlaintext(t, secrets, data, tmp)
}

// assertNoPlaintext fails the test for every file under dirs whose content
// or path contains one of secrets.
func assertNoPlaintext(t *testing.T, secrets []string, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Error(err)
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) || strings.Contains(path, s) {
					t.Errorf("%s contains %q", path, s)
				}
			}
			return nil
		})
	}
}

// patientSecrets lists every patient's MRN and full names, in the forms the
// program shows them.
func patientSecrets(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p struct {
			Identifier []struct{ Value string }
			Name       []struct {
				Family string
				Given  []string
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		for _, id := range p.Identifier {
			out = append(out, id.Value)
		}
		for _, n := range p.Name {
			given := strings.Join(n.Given, " ")
			out = append(out, n.Family+", "+given, given+" "+n.Family)
		}
	}
	if len(out) < 80 {
		t.Fatalf("only %d names and MRNs to search for", len(out))
	}
	return out
}
