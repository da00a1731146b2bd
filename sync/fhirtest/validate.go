package fhirtest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// Validate checks FHIR R4 JSON files against the R4 base definitions with
// Medplum's validator (validateResource of @medplum/core, in
// server/validate.mjs): each resource, and each Bundle entry's resource
// by its own type. It returns every issue, "severity: where: what", and
// whether there was an error among them. It skips the test when node is not
// on PATH and fails it when the npm packages are not installed, as Start
// does.
func Validate(t testing.TB, files ...string) (issues []string, ok bool) {
	t.Helper()
	cmd := nodeScript(t, "FHIR validation", "validate.mjs", files)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if _, exited := runErr.(*exec.ExitError); runErr != nil && !exited {
		t.Fatalf("fhirtest: running the validator: %v", runErr)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(files) {
		t.Fatalf("fhirtest: the validator answered %d lines for %d files (%v): %s", len(lines), len(files), runErr, stderr.String())
	}
	for _, l := range lines {
		var r struct {
			Issues []string `json:"issues"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("fhirtest: the validator's answer %q: %v", l, err)
		}
		issues = append(issues, r.Issues...)
	}
	return issues, runErr == nil
}
