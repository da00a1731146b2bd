package reportpdf

import "lifeboat/store"

// AuditRow is one row of the verified audit trail (store.AuditRow): a
// record with its status, or a gap where records are missing.
type AuditRow = store.AuditRow

// ReadAudit reads and verifies the kiosk's whole audit trail for Write
// (store.ReadAudit): keys opened with the IT recovery key read it too.
func ReadAudit(dir string, keys *store.Keys) ([]AuditRow, store.AuditReport, error) {
	return store.ReadAudit(dir, keys)
}

// AuditRows turns records as the trail holds them into rows, for callers
// (and tests) that have records rather than a verified trail. They were
// not verified: the report says "not checked" for each.
func AuditRows(recs []store.AuditRecord) []AuditRow {
	out := make([]AuditRow, len(recs))
	for i, r := range recs {
		out[i] = AuditRow{Seq: r.Seq, Time: r.Time, KioskID: r.KioskID, Actor: r.Actor,
			Action: r.Action, Subject: r.Subject, Details: r.Details, WhileLocked: r.WhileLocked, Folded: r.Folded}
	}
	return out
}
