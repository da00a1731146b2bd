package fhir

import (
	"strings"

	"lifeboat/clinical"
	"lifeboat/sync/fhir/r4"
)

// shownStatements are the MedicationStatement statuses of a medication the
// patient may be taking now (or about to): the others (stopped, completed,
// not-taken, entered-in-error) are history, read and counted but not shown.
// "unknown" is shown: it may well be current.
var shownStatements = map[string]bool{"active": true, "intended": true, "on-hold": true, "unknown": true}

// medicationStatement reads a MedicationStatement: a "no known
// medications" assertion when it says so, otherwise a reported
// medication (kept even when its status is history, so that the import
// can count it as not shown; see Import.NotShown).
func (e *entry) medicationStatement() any {
	var j r4.MedicationStatement
	if !e.decode(&j) || !e.needSubject(j.Subject, "subject") {
		return nil
	}
	if j.MedicationCodeableConcept != nil && j.Status != "entered-in-error" && j.Status != "not-taken" {
		if row, ok := e.absent(*j.MedicationCodeableConcept, secMedications, "", j.DateAsserted); ok {
			return row
		}
	}
	m := medRow{raw: e.at, Medication: clinical.Medication{
		Kind:       clinical.MedReported,
		Status:     strings.TrimSpace(j.Status),
		Asserted:   when(j.DateAsserted),
		ReportedBy: strings.TrimSpace(j.InformationSource.Display),
		Source:     e.source(),
	}}
	if m.Status == "" {
		m.Status = "unknown"
	}
	if r := strings.TrimSpace(j.InformationSource.Reference); m.ReportedBy == "" && r != "" {
		// resolved when the chart is built (a urn:uuid needs every file read)
		m.ReportedBy = informantRef + r
	}
	var ok bool
	if m.Name, m.Code, m.medRef, m.codes, ok = e.medicine(j.MedicationCodeableConcept, j.MedicationReference, j.Contained); !ok {
		return nil
	}
	dosageOf(&m.Medication, j.Dosage)
	m.Start = when(j.EffectivePeriod.Start, j.EffectiveDateTime)
	m.End = when(j.EffectivePeriod.End)
	return m
}

// informantRef marks a ReportedBy that is still a reference, between
// reading and building the chart.
const informantRef = "\x00ref:"

// informant names who reported a medication when the informationSource
// has no display: a Practitioner by name when the input has them, else by
// the type of what it refers to ("the patient", "a relative or carer").
// A reference that cannot be resolved names nobody.
func (im *Import) informant(reportedBy string) string {
	ref, ok := strings.CutPrefix(reportedBy, informantRef)
	if !ok {
		return reportedBy
	}
	typ, id, _ := strings.Cut(im.resolve(ref), "/")
	if typ == "Practitioner" && im.practitioner[id] != "" {
		return im.practitioner[id]
	}
	return informantTypes[typ]
}

var informantTypes = map[string]string{
	"Patient": "the patient", "RelatedPerson": "a relative or carer", "Practitioner": "a practitioner",
	"PractitionerRole": "a practitioner", "Organization": "an organization",
}
