// Package fhir reads FHIR R4 JSON, from files or memory, into Lifeboat's essential
// records (clinical.Chart), for the snapshot a ward kiosk opens when the EHR
// is down.
//
// Read takes files and folders, ReadBytes data held in memory; both go
// through the same reader. An input may hold a Bundle of any type
// (transaction, batch, collection, searchset, document, message, history),
// Bulk Data NDJSON as a FHIR $export writes it (one resource per line,
// lines of any length), or one bare resource; the content decides, not the
// extension. References are resolved however the source wrote them:
// through the urn:uuid fullUrls of Bundle entries, as "Type/id", as
// absolute URLs, or with a "_history" version. Each resource is decoded
// once, into its type of sync/fhir/r4 (the project's one definition of
// the R4 resources, which holds only the elements it uses).
//
// The rules:
//
//   - Skip and count, never abort. A resource of a type the chart does not
//     use (Claim, Immunization...) is skipped and counted in
//     Import.Skipped. A resource that cannot be used (a field it reads of
//     the wrong JSON type, no id, no patient reference on a patient-scoped resource,
//     no code on an Observation or Flag, no medication on an order) is
//     skipped and listed in Import.Malformed by input, position and
//     reason. A member of the wrong type that its converter does not read
//     (see read) is left out and the resource used, counted in
//     Import.Ignored. Reasons name fields, never values: no patient data
//     goes into an error or a report.
//   - No file names. A file may be named after its patient, so errors,
//     Malformed records and Import.Summary number the inputs ("input file
//     3", "folder 2 of the inputs"; see Read) and never name them.
//   - Not FHIR is an error. An input that is empty, not JSON, or JSON
//     without a resourceType stops Read with one plain sentence that wraps
//     ErrNotFHIR; a path that does not exist is an error too.
//   - None known only when asserted. A chart section is "none-known" only
//     when the source says so: a "no known allergy" (or problem, or
//     medication) code, or an IPS section List emptied with "nilknown".
//     The IPS "no ... info" codes mean the source does not know, which is
//     "none-recorded", as is silence. A real active item beats an
//     assertion. Entered-in-error and refuted records are left out.
//   - Unreadable is not empty. A malformed resource of a type that feeds a
//     section (AllergyIntolerance, Condition, MedicationRequest and
//     MedicationStatement, MedicationAdministration, Observation, Flag,
//     DocumentReference) makes that section incomplete for its patient,
//     found by decoding only its patient or subject reference: such a
//     section is never "none-known", whatever is asserted. When even the
//     reference cannot be read or resolved, the section is incomplete for
//     every patient; a resource whose type cannot be read makes every
//     section incomplete for every patient.
//   - Never fresher than the input. Import.Written is the earliest of the
//     files' modification times and the Bundles' timestamps, for the
//     snapshot's "data as of"; zero when nothing tells (data in memory
//     without a Bundle timestamp).
//   - An empty census is an error (ErrEmptyCensus), never a snapshot of
//     nobody; so are an unknown ward and requested patients that are not
//     found (counted, not named).
//
// Census selects the patients (a ward, a list of ids or identifiers, or
// everyone) and builds their charts: placement from the in-progress
// Encounter and its Location partOf chain, allergies, problems, orders
// with the time each was last given, administrations, vitals and labs
// (the newest per code), alerts and notes, each row with its Source: the
// resource's identity and its compacted JSON. To keep a whole hospital's
// export small, the Import remembers where each resource's JSON is (which
// input, which bytes) and Census reads it back for the selected patients
// only; an input changed in between is an error (ErrInputChanged), never
// wrong data. Patient.deceased[x] fills clinical.Patient.Deceased and
// DeceasedAt.
package fhir
