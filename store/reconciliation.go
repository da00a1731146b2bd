package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// The reconciliation states of an entry. Pending is where every entry
// starts; the others are final: an entry that reached one is never pushed
// again, and its state never changes again (Reconciled refuses).
const (
	StateCreated      = "created"       // pushed to the EHR by reconciliation
	StateAlreadyThere = "already-there" // found in the EHR: an earlier attempt got through
	StateSkipped      = "skipped"       // a person decided not to push it (a decision entry says why)
	StateSuperseded   = "superseded"    // corrected or cancelled before it was pushed: nothing to push
	StateLinked       = "linked"        // a registration whose patient a person linked to an EHR record
	StateLocal        = "local"         // a decision: it stays in the journal and is not pushed
)

// FinalStates lists the states an entry ends in.
var FinalStates = []string{StateCreated, StateAlreadyThere, StateSkipped, StateSuperseded, StateLinked, StateLocal}

// ServerRef names a resource in the EHR at a version.
type ServerRef struct {
	Type    string `json:"resourceType"`
	ID      string `json:"id"`
	Version string `json:"versionId,omitempty"`
}

// Reference is "Type/id".
func (r ServerRef) Reference() string { return r.Type + "/" + r.ID }

// Reconciled records, in one transaction, that entries reached their final
// states and which EHR resources each became. An entry already in a final
// state is refused unless the state is the same (a second run that finds
// what the first recorded is no change); resources are added, or their
// version updated, and never removed.
func (j *Journal) Reconciled(ctx context.Context, states map[string]string, resources map[string][]ServerRef) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrJournalClosed
	}
	if j.db == nil {
		return ErrNoEntry
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return sqliteProblem(err)
	}
	defer tx.Rollback()
	now := j.now().UTC().Format(time.RFC3339Nano)
	for id, state := range states {
		if !slices.Contains(FinalStates, state) {
			return fmt.Errorf("recording reconciliation: %q is not a final state", state)
		}
		var was string
		err := tx.QueryRowContext(ctx, "SELECT state FROM reconciliation WHERE entry = ?", id).Scan(&was)
		switch {
		case err == sql.ErrNoRows:
			return ErrNoEntry
		case err != nil:
			return sqliteProblem(err)
		case was == state:
			continue
		case was != StatePending:
			return fmt.Errorf("recording reconciliation: an entry already %s cannot become %s", was, state)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE reconciliation SET state = ?, changed = ? WHERE entry = ?", state, now, id); err != nil {
			return sqliteProblem(err)
		}
	}
	for id, refs := range resources {
		for _, r := range refs {
			// A resource already recorded gets its newer version; a new one a row.
			res, err := tx.ExecContext(ctx, "UPDATE reconciled_resources SET version = ? WHERE entry = ? AND type = ? AND id = ?",
				r.Version, id, r.Type, r.ID)
			if err != nil {
				return sqliteProblem(err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return sqliteProblem(err)
			}
			if n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO reconciled_resources (entry, type, id, version) VALUES (?, ?, ?, ?)",
				id, r.Type, r.ID, r.Version); err != nil {
				return sqliteProblem(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return sqliteProblem(err)
	}
	return nil
}

// Resources returns the EHR resources every entry became, by entry id.
func (j *Journal) Resources(ctx context.Context) (map[string][]ServerRef, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrJournalClosed
	}
	out := map[string][]ServerRef{}
	if j.db == nil {
		return out, nil
	}
	rows, err := j.db.QueryContext(ctx, "SELECT entry, type, id, version FROM reconciled_resources ORDER BY entry, type, id")
	if err != nil {
		return nil, sqliteProblem(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r ServerRef
		if err := rows.Scan(&id, &r.Type, &r.ID, &r.Version); err != nil {
			return nil, sqliteProblem(err)
		}
		out[id] = append(out[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, sqliteProblem(err)
	}
	return out, nil
}
