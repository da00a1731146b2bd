package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/sync/fhirtest"
	"lifeboat/sync/synthetic"
)

// summaryWard is a synthetic ward of patients sealed in a vault, with a dose given and
// a new allergy recorded during the downtime for its first patient.
func summaryWard(t *testing.T, patients int) (root string, env map[string]string) {
	t.Helper()
	root = t.TempDir()
	input, data := filepath.Join(root, "input"), filepath.Join(root, "data")
	now := time.Now().UTC()
	if _, err := synthetic.WriteNDJSON(input, synthetic.Options{Patients: patients, Seed: 17, AsOf: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	env = map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10",
		"LIFEBOAT_USER": "RN Peeters"}
	entries := fmt.Sprintf(`[
 {"kind": "allergy", "patient": "pat-000001", "clinicalTime": %q,
  "allergy": {"substance": "Latex", "type": "allergy", "category": "environment", "reaction": "urticaria", "severity": "moderate", "criticality": "low"}},
 {"kind": "medication", "patient": "pat-000001", "clinicalTime": %q,
  "medication": {"outcome": "given", "medication": "Ondansetron 4 mg/2 mL injection", "dose": {"value": 4, "unit": "mg"}, "route": "IV"}}]`,
		now.Add(-30*time.Minute).Format(time.RFC3339), now.Add(-20*time.Minute).Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(root, "entries.json"), []byte(entries), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "--data", data, "--recovery-out", filepath.Join(root, "recovery.key")},
		{"snapshot", "--data", data, "--from", input, "--all"},
		{"record", "--data", data, "--json", filepath.Join(root, "entries.json"), "--user", "RN Peeters", "--force"},
	} {
		if _, errOut, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	return root, env
}

// assertValidFHIR validates files with Medplum's validator: no error, and
// no warning but the one it gives for every urn:uuid reference (whose
// target type it cannot check: "Invalid reference: got "urn:uuid:…",
// expected …Patient").
func assertValidFHIR(t *testing.T, files ...string) {
	t.Helper()
	issues, ok := fhirtest.Validate(t, files...)
	urnWarnings := 0
	for _, i := range issues {
		if strings.HasPrefix(i, "warning: ") && strings.Contains(i, `Invalid reference: got "urn:uuid:`) {
			urnWarnings++
			continue
		}
		t.Errorf("validation: %s", i)
	}
	if !ok {
		t.Errorf("Medplum's validator refused a Bundle")
	}
	t.Logf("valid FHIR R4: %d files, %d warnings that a urn:uuid reference's type cannot be checked", len(files), urnWarnings)
}

// ipsBundle is what the tests read of a summary.
type ipsBundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Identifier   struct {
		System, Value string
	} `json:"identifier"`
	Entry []struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
}

type ipsComposition struct {
	ResourceType string `json:"resourceType"`
	Type         struct {
		Coding []struct{ System, Code string }
	} `json:"type"`
	Subject struct{ Reference string } `json:"subject"`
	Section []struct {
		Title string
		Code  struct {
			Coding []struct{ Code string }
		}
		Text        struct{ Status, Div string }
		Entry       []struct{ Reference string }
		EmptyReason *struct {
			Coding []struct{ Code string }
		}
	} `json:"section"`
}

func TestTheSummaryIsAnIPSDocumentWithTheDowntimeEntriesAndValidatesAsFHIRR4(t *testing.T) {
	root, env := summaryWard(t, 6)
	out := filepath.Join(root, "transfer.json")
	stdout, stderr, code := runCLI(t, env, "summary", "--data", filepath.Join(root, "data"), "--patient", "pat-000001", "--out", out)
	if code != 0 {
		t.Fatalf("summary: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "plaintext") || !strings.Contains(stdout, "transfer.pdf") {
		t.Errorf("stdout %q stderr %q: want the PDF named and the plaintext said", stdout, stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var b ipsBundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if b.ResourceType != "Bundle" || b.Type != "document" || b.Identifier.Value == "" || len(b.Entry) < 10 {
		t.Fatalf("bundle %s/%s, identifier %q, %d entries", b.ResourceType, b.Type, b.Identifier.Value, len(b.Entry))
	}
	var comp ipsComposition
	if err := json.Unmarshal(b.Entry[0].Resource, &comp); err != nil || comp.ResourceType != "Composition" ||
		len(comp.Type.Coding) == 0 || comp.Type.Coding[0].Code != "60591-5" {
		t.Fatalf("first entry: %s (%v)", b.Entry[0].Resource[:min(200, len(b.Entry[0].Resource))], err)
	}
	byURL := map[string]json.RawMessage{}
	for _, e := range b.Entry {
		if !strings.HasPrefix(e.FullURL, "urn:uuid:") {
			t.Errorf("fullUrl %q is not a urn:uuid", e.FullURL)
		}
		if _, dup := byURL[e.FullURL]; dup {
			t.Errorf("fullUrl %s twice", e.FullURL)
		}
		byURL[e.FullURL] = e.Resource
	}
	var subject struct{ ResourceType string }
	if json.Unmarshal(byURL[comp.Subject.Reference], &subject); subject.ResourceType != "Patient" {
		t.Errorf("the subject %q is not the Bundle's Patient", comp.Subject.Reference)
	}
	codes := map[string]string{}
	for _, s := range comp.Section {
		code := s.Code.Coding[0].Code
		if s.Text.Status != "generated" || !strings.HasPrefix(s.Text.Div, `<div xmlns="http://www.w3.org/1999/xhtml">`) {
			t.Errorf("section %s has no narrative: %+v", code, s.Text)
		}
		if len(s.Entry) == 0 && s.EmptyReason == nil {
			t.Errorf("section %s is empty without saying why", code)
		}
		var kinds []string
		for _, e := range s.Entry {
			r, ok := byURL[e.Reference]
			if !ok {
				t.Errorf("section %s: entry %s is not in the Bundle", code, e.Reference)
				continue
			}
			var h struct{ ResourceType string }
			json.Unmarshal(r, &h)
			kinds = append(kinds, h.ResourceType)
		}
		codes[code] = strings.Join(kinds, ",") + " " + s.Text.Div
	}
	for _, want := range []string{"48765-2", "10160-0", "11450-4", "8716-3"} {
		if _, ok := codes[want]; !ok {
			t.Errorf("no section %s; sections: %v", want, slices.Sorted(maps.Keys(codes)))
		}
	}
	// What was documented during the downtime is in it.
	if s := codes["48765-2"]; !strings.Contains(s, "AllergyIntolerance") || !strings.Contains(s, "Latex") {
		t.Errorf("the allergy section lacks the new allergy: %s", s)
	}
	if s := codes["10160-0"]; !strings.Contains(s, "MedicationAdministration") || !strings.Contains(s, "Ondansetron") {
		t.Errorf("the medication section lacks the dose given: %s", s)
	}
	if !strings.Contains(string(raw), `"Latex"`) || !strings.Contains(string(raw), "urn:lifeboat:downtime-entry") {
		t.Errorf("the downtime resources are not in the Bundle")
	}

	assertValidFHIR(t, out)
}

// TestASummaryReadBackGivesTheSameChart seals the summary Bundles of a
// ward's patients into a new vault and compares the chart each gives with
// the chart it was made from, section by section (status and rows), plus
// the allergy recorded during the downtime.
func TestASummaryReadBackGivesTheSameChart(t *testing.T) {
	root, env := summaryWard(t, 6)
	data, sent := filepath.Join(root, "data"), filepath.Join(root, "sent")
	patients := []string{"pat-000001", "pat-000002", "pat-000003", "pat-000004", "pat-000005", "pat-000006"}
	if err := os.Mkdir(sent, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range patients {
		out := filepath.Join(sent, p+".json")
		if _, stderr, code := runCLI(t, env, "summary", "--data", data, "--patient", p, "--out", out, "--pdf", filepath.Join(root, p+".pdf")); code != 0 {
			t.Fatalf("summary %s: exit %d: %s", p, code, stderr)
		}
	}
	// Every patient's Bundle is valid FHIR R4, whatever its sections.
	files, _ := filepath.Glob(filepath.Join(sent, "*.json"))
	assertValidFHIR(t, files...)
	fresh := filepath.Join(root, "receiving")
	for _, args := range [][]string{
		{"init", "--data", fresh, "--recovery-out", filepath.Join(root, "recovery2.key")},
		{"snapshot", "--data", fresh, "--from", sent, "--all"},
	} {
		if _, errOut, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	statuses := map[string]int{}
	for _, p := range patients {
		before, after := chartSections(t, env, data, p), chartSections(t, env, fresh, p)
		if p == "pat-000001" {
			// The allergy recorded during the downtime is one more, and
			// makes the section recorded.
			i := slices.IndexFunc(after["allergies"], func(r string) bool { return strings.Contains(r, "substance=Latex") })
			if i < 0 {
				t.Errorf("the allergy recorded during the downtime is not read back: %q", after["allergies"])
			} else {
				after["allergies"] = slices.Delete(after["allergies"], i, i+1)
				before["allergies"] = slices.DeleteFunc(before["allergies"], func(r string) bool { return strings.HasPrefix(r, "status ") })
				before["allergies"] = append(before["allergies"], "status recorded")
				slices.Sort(before["allergies"])
			}
		}
		for _, k := range []string{"allergies", "medications", "problems", "alerts", "immunizations", "procedures", "devices",
			"advanceDirectives", "orders", "diet", "labs", "bloodGroup", "pregnancy", "contacts"} {
			if !slices.Equal(before[k], after[k]) {
				t.Errorf("%s %s:\n made from %q\n read back %q", p, k, before[k], after[k])
			}
			for _, r := range before[k] {
				if strings.HasPrefix(r, "status ") {
					statuses[r]++
				}
			}
		}
	}
	// The ward has each kind of section, so that each is compared.
	for _, s := range []string{"status recorded", "status none-known", "status none-recorded"} {
		if statuses[s] == 0 {
			t.Errorf("no section is %q: %v", s, statuses)
		}
	}
}

// chartSections is each section of a patient's chart --json as its
// status and its rows' names, sorted.
func chartSections(t *testing.T, env map[string]string, data, patient string) map[string][]string {
	t.Helper()
	stdout, stderr, code := runCLI(t, env, "chart", "--data", data, "--patient", patient, "--json")
	if code != 0 {
		t.Fatalf("chart: exit %d: %s", code, stderr)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for k, raw := range c {
		var s struct {
			Status string
			Items  []map[string]any
		}
		if json.Unmarshal(raw, &s) != nil || s.Status == "" {
			continue
		}
		rows := []string{"status " + s.Status}
		for _, it := range s.Items {
			var name []string
			for _, f := range []string{"substance", "name", "vaccine", "text", "medication", "value", "language", "status", "kind"} {
				if v, ok := it[f].(string); ok && v != "" {
					name = append(name, f+"="+v)
				}
			}
			rows = append(rows, strings.Join(name, " "))
		}
		slices.Sort(rows)
		out[k] = rows
	}
	return out
}

// TestAnEncryptedSummaryHoldsNoPlaintextAndLeavesNoneBehind writes a
// summary encrypted to a recipient, then searches it, its PDF, the data
// folder and the temporary folder for every name and MRN of the ward.
func TestAnEncryptedSummaryHoldsNoPlaintextAndLeavesNoneBehind(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	root, env := summaryWard(t, 30) // enough names to search for
	secrets := patientSecrets(t, filepath.Join(root, "input", "Patient.ndjson"))
	sent := filepath.Join(root, "sent")
	if err := os.Mkdir(sent, 0o700); err != nil {
		t.Fatal(err)
	}
	const recipient = "age1se8ep745azuyuuckqctsmrpprvwxtl7ac5jtvfsrepxtnn8rcvrs5n4495" // a test key's
	_, stderr, code := runCLI(t, env, "summary", "--data", filepath.Join(root, "data"), "--patient", "pat-000001",
		"--out", filepath.Join(sent, "transfer.json.age"), "--to", recipient)
	if code != 0 || strings.Contains(stderr, "plaintext") {
		t.Fatalf("summary: exit %d: %s", code, stderr)
	}
	if names, _ := os.ReadDir(sent); len(names) != 2 {
		t.Fatalf("wrote %v, want the Bundle and the PDF", names)
	}
	assertNoPlaintext(t, secrets, sent, filepath.Join(root, "data"), tmp)
}

// TestASummaryIsNeverWrittenIntoTheDataFolderThroughALink gives --out and
// --pdf paths that reach the data folder through a symbolic link or ".."
// after one, and the data folder itself through a link: each is refused
// (exit 2) and nothing is written there.
func TestASummaryIsNeverWrittenIntoTheDataFolderThroughALink(t *testing.T) {
	root, env := summaryWard(t, 1)
	data := filepath.Join(root, "data")
	sub := filepath.Join(data, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"to-data": data, "to-sub": sub} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	before := dataFiles(t, data)
	for _, args := range [][]string{
		{"--data", data, "--out", filepath.Join(root, "to-data", "transfer.json")},
		{"--data", data, "--out", filepath.Join(root, "transfer.json"), "--pdf", filepath.Join(root, "to-data", "transfer.pdf")},
		{"--data", data, "--out", filepath.Join(root, "to-sub") + "/../transfer.json"},
		{"--data", filepath.Join(root, "to-data"), "--out", filepath.Join(data, "transfer.json")},
	} {
		_, stderr, code := runCLI(t, env, append([]string{"summary", "--patient", "pat-000001"}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, "outside the data folder") {
			t.Errorf("%v: exit %d, %q; want %d, outside the data folder", args, code, stderr, ExitUsage)
		}
		if after := dataFiles(t, data); !slices.Equal(after, before) {
			t.Fatalf("%v wrote into the data folder: %v", args, after)
		}
	}
}

func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		names = append(names, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
