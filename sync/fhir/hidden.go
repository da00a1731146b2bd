package fhir

// Rows that are read but never shown: a resource entered in error, refuted,
// a draft or proposed order, an inactive flag, a reported medication that
// is history. They are filed like the others, so that the newest version of
// a resource decides (an allergy entered in error hides its older active
// version), then left out of the chart and counted by Import.NotShown.
// Each function gives why a row is not shown, or "" when it is.

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
		return "status " + m.Status
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
		return "status " + a.Status
	}
	return ""
}

// shown keeps the rows that are shown, in their order.
func shown[T any](rows []T, hidden func(*T) string) []T {
	out := rows[:0]
	for i := range rows {
		if hidden(&rows[i]) == "" {
			out = append(out, rows[i])
		}
	}
	return out
}
