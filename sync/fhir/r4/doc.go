// Package r4 is the project's one definition of the FHIR R4 resources and
// data types it reads or writes: the reader (sync/fhir) decodes into them,
// the live census (sync/live) reads Groups and Encounters as them, the
// reconciler (sync/reconcile) reads the server back into them and builds
// the resources it sends as them, and the synthetic ward (sync/synthetic)
// is made of them.
//
// Only the elements the project uses are modelled; encoding/json skips
// the rest when decoding. Fields follow the order of the R4 specification,
// so that what is written reads as FHIR does, and every field is omitted
// when empty ("omitempty", or "omitzero" for a struct), so that a value
// built in Go says only what was set. Choice elements (value[x],
// effective[x], medication[x]…) are one field per JSON name, as R4 spells
// them: valueQuantity, valueString and so on.
//
// Numbers a source may write either way stay float64 (Observation's
// valueInteger, Timing's frequency), so that a reader takes 3 and 3.0
// alike.
//
// sync/fhirjson is the byte-level reader kept for the hot paths where a
// full decode was measured to cost too much; it has no types.
package r4
