package fhir

// Rows that are read but never shown: a resource entered in error, refuted,
// a draft or proposed order, an inactive flag, a reported medication that
// is history. They are filed like the others, so that the newest version of
// a resource decides (an allergy entered in error hides its older active
// version), then left out of the chart and counted by Import.NotShown.
// Each function gives why a row is not shown, or "" when it is.

import "lifeboat/sync/fhir/r4"

// intentProposal is the Status given to a proposed MedicationRequest, which
// is no order; it is no FHIR status, and never reaches a chart.
const intentProposal = "(proposal)"

func hiddenAllergy(a *allergyRow) string {
	return refutedOrInError(a.VerificationStatus)
}

func hiddenProblem(p *problemRow) string {
	return refutedOrInError(p.VerificationStatus)
}

func refutedOrInError(ver string) string {
	switch ver {
	case "entered-in-error":
		return "verification entered-in-error"
	case "refuted":
		return "verification refuted"
	}
	return ""
}

func hiddenMed(m *medRow) string {
	switch {
	case m.Reported():
		if shownStatements[m.Status] {
			return ""
		}
		return statusReason("status", m.Status)
	case m.Status == intentProposal:
		return "intent proposal"
	case m.Status == "entered-in-error" || m.Status == "draft":
		return "status " + m.Status
	}
	return ""
}

func hiddenAdmin(a *adminRow) string {
	if a.Status == "entered-in-error" {
		return "status entered-in-error"
	}
	return ""
}

func hiddenAlert(a *alertRow) string {
	if a.Status != "active" {
		return statusReason("status", a.Status)
	}
	return ""
}

// shown keeps the rows that are shown, in their order. It filters rows in
// place: give it a copy of a bucket's rows, which Census calls share.
func shown[T any](rows []T, hidden func(*T) string) []T {
	out := rows[:0]
	for i := range rows {
		if hidden(&rows[i]) == "" {
			out = append(out, rows[i])
		}
	}
	return out
}

// Reasons for resources left out as they are read (entry.dropped).
const (
	// notCurrentNone is a "no known ..." statement that is itself no
	// longer current (inactive, resolved, or an odd status).
	notCurrentNone = "none-known statement not current"
	// unknownOnly is a resource whose code says only that it is not
	// known whether there is any (e.g. "allergy status unknown").
	unknownOnly = "says only that it is unknown"
)

// statusReason is "status finished": the field and its code, when the
// code looks like one (a short lowercase word, hyphens allowed), so that
// no free text from the source reaches a count.
func statusReason(field, code string) string {
	if code == "" {
		return field + " missing"
	}
	if len(code) > 32 {
		return field + " not recognised"
	}
	for _, c := range code {
		if (c < 'a' || c > 'z') && c != '-' {
			return field + " not recognised"
		}
	}
	return field + " " + code
}

// categoryReason says why an Observation that is neither a vital sign nor
// a lab is not shown: its first category of the FHIR observation-category
// code system ("category social-history"), or that it has none of them.
func categoryReason(cats []r4.CodeableConcept) string {
	for _, c := range cats {
		for _, cd := range c.Coding {
			if cd.System == sysObsCategory && observationCategories[cd.Code] {
				return "category " + cd.Code
			}
		}
	}
	return "not a vital sign or lab"
}

const sysObsCategory = "http://terminology.hl7.org/CodeSystem/observation-category"

var observationCategories = map[string]bool{
	"social-history": true, "vital-signs": true, "imaging": true, "laboratory": true, "procedure": true,
	"survey": true, "exam": true, "therapy": true, "activity": true,
}
