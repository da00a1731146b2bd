// Package synthetic makes up inpatient wards for Lifeboat to read: FHIR R4
// resources that look and behave like the essential records of a Belgian
// hospital in Antwerp, and belong to nobody.
//
// A ward is fully decided by its Options. The same seed, patient count,
// beds per ward and as-of time always give byte-identical output, so a test
// can name a ward instead of storing it; a different seed gives different
// people. Every patient draws from random streams of its own, keyed by the
// seed and the patient's number, so adding patients to a ward leaves the
// patients already there unchanged. Nothing reads the clock: the as-of time
// is the ward's "now", every record lies at or before it, and its time zone
// is the ward's clock, so that an 08:00 dose is due at 08:00 local time,
// across daylight saving changes too.
//
// Ward streams the resources one at a time, so one bed and ten thousand
// patients take the same memory; WriteNDJSON writes them as Bulk Data
// NDJSON files and Bundle gathers a small ward into one collection Bundle.
// The Locations come first (each ward, its two-bed rooms and its beds), then
// each patient in bed order: Patient, Encounter, AllergyIntolerance,
// Condition, Flag, MedicationRequest, MedicationAdministration, Observation
// (vital signs, weight and height, then laboratory results) and
// DocumentReference. Each is a value of its sync/fhir/r4 type, the
// project's one definition of the R4 resources, marshalled once.
//
// The records follow the shared conventions of the FHIR reader (see
// docs/fhir-conventions.md) and carry the distinctions the kiosk must
// keep: about three in ten patients have no allergy information at all, a
// quarter have an explicit "no known allergy" assertion and the rest have
// real allergies with reactions and criticality; a few patients have no
// problems recorded; code status is recorded for nine in ten. Patients are
// never prescribed what they are allergic to. Orders are given on the
// ward's standard times (interval orders: every 6 h at 00, 06, 12 and 18
// h, every 8 h at 06, 14 and 22 h, every 12 h at 08 and 20 h), and the
// administration record covers the last 48 hours, with the occasional dose
// refused or held. Vital signs follow each patient's own baseline and
// settle as the acute illness fades; laboratory results are flagged
// against their reference ranges, critical values as HH or LL.
//
// The terminology is real where it matters to the reader (LOINC for
// observations, SNOMED CT for problems, allergies, reactions, routes and
// flags, UCUM units) and RxNorm ingredient-level codes for medications.
// It is synthetic data for testing and demonstration, not a formulary and
// not clinical guidance.
package synthetic
