package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"lifeboat/clinical"
)

// A refresh that changed a few patients is sealed as a delta generation:
// the same file format as a full snapshot (magic, age ciphertext, signed
// manifest), but its image holds only the charts of the patients that are
// new or changed, plus the ids of those who left and the census order. Its
// manifest names the generation it follows and that generation's
// ciphertext hash, and carries the counts of the whole ward after the
// change. Opening decrypts the full generation the chain starts from and
// applies each delta in turn; the result must match the signed counts.
const (
	KindFull  = ""      // a whole ward
	KindDelta = "delta" // the changes since the previous generation
)

// maxChain bounds how many deltas may follow a full generation; a writer
// compacts long before (see the sync package).
const maxChain = 1000

// Delta is what changed in the census since the previous generation.
type Delta struct {
	Upsert []clinical.Chart // whole charts of the patients who are new or changed
	Remove []string         // ids of the patients who left the census
	Order  []string         // every patient id of the census after the change, in census order
}

// ErrStaleParent says the vault's newest generation is not the one a delta
// was built on: another writer sealed in between, or a generation was
// removed. The caller seals a full generation instead.
var ErrStaleParent = errors.New("the newest generation is not the one these changes follow")

// SealDelta applies d to ward (which must hold exactly the ward of
// generation parent) and seals the change as the vault's next generation.
// On any error the caller must treat ward as ahead of the vault and seal a
// full generation from it next time.
func SealDelta(ctx context.Context, dir string, keys *Keys, ward *Ward, parent *Manifest, d Delta, req SealRequest) (*Manifest, error) {
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, err
	}
	if len(gens) == 0 || gens[0].Generation != parent.Generation {
		return nil, ErrStaleParent
	}
	chain := parent.Chain + 1
	if chain > maxChain {
		return nil, fmt.Errorf("%d deltas follow generation %d; seal a full generation", parent.Chain, parent.Base)
	}
	dw, err := buildWard(ctx, Prepare(d.Upsert, 0), 1024)
	if err != nil {
		return nil, err
	}
	defer dw.Close()
	if err := dw.setChanges(ctx, d); err != nil {
		return nil, err
	}
	if err := ward.apply(ctx, dw); err != nil {
		return nil, fmt.Errorf("applying the changes: %w", err)
	}
	base := parent.Base
	if parent.Kind == KindFull {
		base = parent.Generation
	}
	return sealGeneration(ctx, dir, keys, dw, ward, req, Manifest{
		Kind: KindDelta, Base: base, Parent: parent.Generation, ParentSHA256: parent.CipherSHA256, Chain: chain,
		Changed: len(d.Upsert), Removed: len(d.Remove),
	})
}

// setChanges records, in a delta's own database, who left and the order.
func (w *Ward) setChanges(ctx context.Context, d Delta) error {
	removed, err := json.Marshal(orEmpty(d.Remove))
	if err != nil {
		return err
	}
	order, err := json.Marshal(orEmpty(d.Order))
	if err != nil {
		return err
	}
	_, err = w.conn.ExecContext(ctx, `INSERT INTO meta VALUES ('removed', ?), ('order', ?)`, string(removed), string(order))
	return err
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (w *Ward) metaStrings(ctx context.Context, key string) ([]string, error) {
	var v string
	if err := w.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v); err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	var out []string
	return out, json.Unmarshal([]byte(v), &out)
}

// apply changes w by the delta held in dw, in one transaction: the rows of
// removed and changed patients go, dw's rows come in, every patient takes
// its place in the new order, and the counts follow, computed from the
// charts that left and came (only those are decoded).
func (w *Ward) apply(ctx context.Context, dw *Ward) error {
	removed, err := dw.metaStrings(ctx, "removed")
	if err != nil {
		return err
	}
	order, err := dw.metaStrings(ctx, "order")
	if err != nil {
		return err
	}
	counts, err := w.Count(ctx)
	if err != nil {
		return err
	}
	var upserted []string
	incoming := map[string]*clinical.Chart{}
	rows, err := dw.conn.QueryContext(ctx, `SELECT id FROM patient`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		upserted = append(upserted, id)
	}
	rows.Close()
	for _, id := range upserted {
		if incoming[id], err = dw.ChartByID(ctx, id); err != nil {
			return err
		}
	}
	for _, id := range append(slices.Clone(removed), upserted...) {
		old, err := w.ChartByID(ctx, id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		counts["patients"]--
		for k, n := range old.SectionSizes() {
			counts[k] -= n
		}
	}
	for _, c := range incoming {
		counts["patients"]++
		for k, n := range c.SectionSizes() {
			counts[k] += n
		}
	}

	// A ward sealed before the census kept the code status level or the
	// dose facts gains their columns; a delta sealed before leaves them
	// empty: the level is read from the text (CensusRow.Resuscitation),
	// the doses from the chart.
	if err := w.addCensusColumns(ctx); err != nil {
		return err
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range append(removed, upserted...) {
		for _, q := range []string{`DELETE FROM patient WHERE id = ?`, `DELETE FROM identifier WHERE patient_id = ?`,
			`DELETE FROM resource WHERE patient_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
	}
	if err := copyRows(ctx, dw, tx, "patient"); err != nil {
		return err
	}
	if err := copyRows(ctx, dw, tx, "identifier"); err != nil {
		return err
	}
	if err := copyRows(ctx, dw, tx, "resource"); err != nil {
		return err
	}
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM patient`).Scan(&total); err != nil {
		return err
	}
	if total != len(order) || total != counts["patients"] {
		return fmt.Errorf("the changes leave %d patients but name %d in the census order", total, len(order))
	}
	for seq, id := range order {
		res, err := tx.ExecContext(ctx, `UPDATE patient SET seq = ? WHERE id = ?`, seq, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errors.New("the census order names a patient who is not in the ward")
		}
	}
	cj, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = ? WHERE key = 'counts'`, string(cj)); err != nil {
		return err
	}
	return tx.Commit()
}

// copyRows copies every row of table from src into the transaction's
// database, column by name: the columns src has, which the database
// has too.
func copyRows(ctx context.Context, src *Ward, tx *sql.Tx, table string) error {
	cols, err := src.columns(ctx, table)
	if err != nil {
		return err
	}
	n := len(cols)
	list := strings.Join(cols, ", ")
	rows, err := src.conn.QueryContext(ctx, `SELECT `+list+` FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	q := `INSERT INTO ` + table + ` (` + list + `) VALUES (?` + strings.Repeat(", ?", n-1) + `)`
	ins, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer ins.Close()
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// columns are the names of table's columns, in order.
func (w *Ward) columns(ctx context.Context, table string) ([]string, error) {
	rows, err := w.conn.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	return out, nil
}

// addCensusColumns gives a ward sealed before the census kept the code
// status level its resus column (empty: read from the text), and one
// sealed before it kept the dose facts its doses column (empty: the
// kiosk reads the charts).
func (w *Ward) addCensusColumns(ctx context.Context) error {
	cols, err := w.columns(ctx, "patient")
	if err != nil {
		return err
	}
	for _, c := range []struct{ name, def string }{{"resus", "resus TEXT"}, {"doses", "doses BLOB"}} {
		if slices.Contains(cols, c.name) {
			continue
		}
		if _, err = w.conn.ExecContext(ctx, `ALTER TABLE patient ADD COLUMN `+c.def); err != nil {
			return err
		}
	}
	return nil
}
