package reportpdf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"lifeboat/store"
)

// AuditRow is one row of the audit trail as "lifeboat audit export" writes
// it: a record with its verification status, or a gap where records are
// missing (Status is then the problem's kind and only Seq and Problem are
// set).
type AuditRow struct {
	Seq         uint64    `json:"seq"`
	Status      string    `json:"status"` // verified, signed, altered, forged, unreadable, or a problem kind
	Problem     string    `json:"problem,omitempty"`
	Time        time.Time `json:"time,omitzero"`
	KioskID     string    `json:"kioskId,omitempty"`
	Actor       string    `json:"actor,omitempty"`
	Action      string    `json:"action,omitempty"`
	Subject     string    `json:"subject,omitempty"`
	Details     string    `json:"details,omitempty"`
	WhileLocked bool      `json:"whileLocked,omitempty"`
	Folded      time.Time `json:"folded,omitzero"`
}

// ReadAudit reads and verifies the kiosk's whole audit trail, as
// store.ExportAudit does for "lifeboat audit export", and returns its rows
// for Write with what verification found. It reads only: it needs the
// keys' age identity and the trusted public signing key, not the signing
// key, so keys opened with the IT recovery key (store.UnlockRecovery) do.
// The error is for a trail that could not be read at all; problems found
// in it are in the report and in the rows' Status and Problem.
func ReadAudit(dir string, keys *store.Keys) ([]AuditRow, store.AuditReport, error) {
	var buf bytes.Buffer
	check, err := store.ExportAudit(dir, keys, &buf, "jsonl")
	raw := buf.Bytes()
	defer clear(raw) // the trail in plaintext
	if err != nil {
		return nil, check, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	rows := []AuditRow{}
	for {
		var r AuditRow
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, check, fmt.Errorf("reading the audit trail's export: %w", err)
		}
		rows = append(rows, r)
	}
	return rows, check, nil
}

// AuditRows turns records as the trail holds them into rows, for callers
// (and tests) that have records rather than an export. They were not
// verified: the report says "not checked" for each.
func AuditRows(recs []store.AuditRecord) []AuditRow {
	out := make([]AuditRow, len(recs))
	for i, r := range recs {
		out[i] = AuditRow{Seq: r.Seq, Time: r.Time, KioskID: r.KioskID, Actor: r.Actor,
			Action: r.Action, Subject: r.Subject, Details: r.Details, WhileLocked: r.WhileLocked, Folded: r.Folded}
	}
	return out
}
