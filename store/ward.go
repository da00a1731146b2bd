package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"lifeboat/clinical"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is the layout of the in-memory database inside a sealed
// snapshot; opening refuses an image of another version.
const schemaVersion = "3"

// The database holds, per patient, the columns the census needs and the
// whole chart as one compressed JSON document with the raw JSON of every
// source resource; identifier and resource are the indexes that find a
// patient by MRN and a source resource (with its version) by type and id.
// Tables are filled in census order and indexed after the last insert, so
// their pages are packed full.
const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE patient (
	id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, mrn TEXT, birth_date TEXT, sex TEXT,
	ward TEXT, room TEXT, bed TEXT, code_status TEXT, dnr INTEGER NOT NULL, allergy_status TEXT NOT NULL,
	allergies INTEGER NOT NULL, isolation TEXT, chart BLOB NOT NULL, resus TEXT, doses BLOB);
CREATE TABLE identifier (patient_id TEXT NOT NULL, value TEXT NOT NULL, system TEXT);
CREATE TABLE resource (
	type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT, last_updated TEXT,
	patient_id TEXT NOT NULL, section TEXT NOT NULL);
`

const indexes = `
CREATE UNIQUE INDEX patient_id ON patient (id);
CREATE INDEX patient_seq ON patient (seq);
CREATE INDEX identifier_value ON identifier (value);
CREATE UNIQUE INDEX resource_key ON resource (type, id);
`

// Ward is an essential-record database held in memory: built from charts
// before sealing, or loaded from a sealed snapshot. It is never written to
// disk in the clear. A Ward is safe for use by several goroutines.
type Ward struct {
	db   *sql.DB
	conn *sql.Conn // the one connection that holds the in-memory image
}

// openMemory opens an empty in-memory SQLite database on a single pinned
// connection (each new connection to :memory: would be a different
// database). Temporary storage is kept in memory too: SQLite's default
// spills large sorts (building an index) to unlinked files in $TMPDIR.
func openMemory(ctx context.Context) (*Ward, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, fmt.Errorf("opening in-memory database: %w", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, "PRAGMA temp_store=MEMORY")
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening in-memory database: %w", err)
	}
	return &Ward{db: db, conn: conn}, nil
}

// Close releases the database and its memory.
func (w *Ward) Close() error {
	if w == nil || w.db == nil {
		return nil
	}
	err := w.conn.Close()
	if e := w.db.Close(); err == nil {
		err = e
	}
	w.db = nil
	return err
}

// BuildWard builds the in-memory database from charts, in the given order
// (the census order).
func BuildWard(ctx context.Context, charts []clinical.Chart) (*Ward, error) {
	return buildWard(ctx, &Prepared{charts: charts, ready: prepareAll(charts)}, 0)
}

// Prepared is charts made ready for a ward database: settled, their
// documents packed. Preparing is most of the cost of building a ward;
// a live pull prepares each batch of patients while the next is fetched.
type Prepared struct {
	charts []clinical.Chart
	ready  []prepared
}

// Prepare readies charts on up to workers cores (0: all). The charts are
// settled in place.
func Prepare(charts []clinical.Chart, workers int) *Prepared {
	return &Prepared{charts: charts, ready: prepareWith(charts, workers)}
}

// BuildWardFrom builds the in-memory database from prepared parts, in the
// order cmp gives to their patients (the census order).
func BuildWardFrom(ctx context.Context, cmp func(a, b *clinical.Patient) int, parts ...*Prepared) (*Ward, error) {
	all := &Prepared{}
	for _, p := range parts {
		all.charts = append(all.charts, p.charts...)
		all.ready = append(all.ready, p.ready...)
	}
	idx := make([]int, len(all.charts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp(&all.charts[a].Patient, &all.charts[b].Patient) })
	sorted := &Prepared{charts: make([]clinical.Chart, len(idx)), ready: make([]prepared, len(idx))}
	for i, j := range idx {
		sorted.charts[i], sorted.ready[i] = all.charts[j], all.ready[j]
	}
	return buildWard(ctx, sorted, 0)
}

// buildWard is BuildWard with a page size (0: SQLite's default, 4096). A
// delta uses small pages: its tables are nearly empty, and each table and
// index takes at least one page.
func buildWard(ctx context.Context, p *Prepared, pageSize int) (*Ward, error) {
	w, err := openMemory(ctx)
	if err != nil {
		return nil, err
	}
	if pageSize > 0 {
		if _, err := w.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size=%d", pageSize)); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := w.fill(ctx, p.charts, p.ready); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// storedChart is the document kept per patient: the chart, and the raw
// JSON of its sources by "Type/id" (Source.JSON is not part of the chart's
// own JSON).
type storedChart struct {
	Chart *clinical.Chart            `json:"chart"`
	Raw   map[string]json.RawMessage `json:"raw"`
}

// prepared is a chart made ready for its rows: the packed document and
// the resource index as a JSON array for json_each.
type prepared struct {
	doc   []byte
	index []byte
	err   error
}

// prepare builds a chart's packed document and index. The document is
// written by hand around the chart's JSON because the raw JSON of the
// sources is already compact and checked by the reader: json.Marshal
// would check and compact it all again.
func prepare(c *clinical.Chart) prepared {
	chart, err := json.Marshal(c)
	if err != nil {
		return prepared{err: err}
	}
	var doc, index bytes.Buffer
	doc.Grow(len(chart) * 3)
	doc.WriteString(`{"chart":`)
	doc.Write(chart)
	doc.WriteString(`,"raw":{`)
	index.WriteByte('[')
	seen := map[string]bool{}
	clinical.EachSectionSource(c, func(section string, s *clinical.Source) {
		key := s.Type + "/" + s.ID
		if s.Type == "" || s.ID == "" {
			err = errors.New("a row has no source resource")
		}
		if seen[key] {
			return // the same resource feeds two rows; it is kept once
		}
		if len(seen) > 0 {
			doc.WriteByte(',')
			index.WriteByte(',')
		}
		seen[key] = true
		k, _ := json.Marshal(key)
		doc.Write(k)
		doc.WriteByte(':')
		switch {
		case len(s.JSON) == 0:
			doc.WriteString("null")
		case !json.Valid(s.JSON):
			err = fmt.Errorf("the source %s is not valid JSON", s.Type)
		default:
			doc.Write(s.JSON)
		}
		row, _ := json.Marshal([]string{s.Type, s.ID, s.VersionID, s.LastUpdated, section})
		index.Write(row)
	})
	if err != nil {
		return prepared{err: err}
	}
	doc.WriteString("}}")
	index.WriteByte(']')
	if doc.Len() > maxChart {
		return prepared{err: errChartTooLarge}
	}
	packed, err := pack(doc.Bytes())
	return prepared{doc: packed, index: index.Bytes(), err: err}
}

// errChartTooLarge: a chart's document is larger than maxChart, which
// opening would refuse to unpack.
var errChartTooLarge = errors.New("chart larger than a chart may hold")

// prepareAll prepares every chart on all cores, keeping the order.
func prepareAll(charts []clinical.Chart) []prepared { return prepareWith(charts, 0) }

// prepareWith prepares every chart on up to workers cores (0: all).
func prepareWith(charts []clinical.Chart, workers int) []prepared {
	if workers <= 0 || workers > runtime.GOMAXPROCS(0) {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]prepared, len(charts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(charts) {
					return
				}
				charts[i].Settle()
				out[i] = prepare(&charts[i])
			}
		})
	}
	wg.Wait()
	return out
}

func (w *Ward) fill(ctx context.Context, charts []clinical.Chart, ready []prepared) error {
	for _, q := range []string{"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", schema} {
		if _, err := w.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("creating the database: %w", err)
		}
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	patient, err := tx.PrepareContext(ctx, `INSERT INTO patient VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer patient.Close()
	identifier, err := tx.PrepareContext(ctx, `INSERT INTO identifier VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer identifier.Close()
	resource, err := tx.PrepareContext(ctx, `INSERT INTO resource
		SELECT value->>0, value->>1, value->>2, value->>3, ?1, value->>4 FROM json_each(?2)`)
	if err != nil {
		return err
	}
	defer resource.Close()

	counts := map[string]int{"patients": len(charts)}
	for i := range charts {
		c, r := &charts[i], ready[i]
		if errors.Is(r.err, errChartTooLarge) {
			return chartError(i+1, fmt.Sprintf("is larger than the %d MiB a chart may hold unpacked", maxChart>>20))
		}
		if r.err != nil {
			return fmt.Errorf("storing chart %d: %w", i+1, r.err)
		}
		p := c.Patient
		var isolation []string
		allergies := 0
		for _, a := range c.Alerts.Items {
			if a.Kind == clinical.AlertIsolation {
				isolation = append(isolation, a.Text)
			}
		}
		for _, a := range c.Allergies.Items {
			if a.Active() {
				allergies++
			}
		}
		if _, err := patient.ExecContext(ctx, p.ID, i, p.Name, p.MRN(), p.BirthDate, p.Sex, p.Ward, p.Room, p.Bed,
			c.CodeStatus(), c.DNR(), string(c.Allergies.Status), allergies, strings.Join(isolation, "; "), r.doc,
			c.Resuscitation(), encodeDoseFacts(clinical.DoseFactsOf(c, doseFactsKept))); err != nil {
			return fmt.Errorf("storing chart %d: %w", i+1, err)
		}
		if _, err := resource.ExecContext(ctx, p.ID, string(r.index)); err != nil {
			return fmt.Errorf("storing chart %d: %w", i+1, err)
		}
		for _, id := range p.Identifiers {
			if _, err := identifier.ExecContext(ctx, p.ID, id.Value, id.System); err != nil {
				return fmt.Errorf("storing chart %d: %w", i+1, err)
			}
		}
		for k, n := range c.SectionSizes() {
			counts[k] += n
		}
	}
	cj, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta VALUES ('schema', ?), ('counts', ?)`, schemaVersion, string(cj)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, indexes); err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	return tx.Commit()
}

// Census lists the ward's patients in census order.
func (w *Ward) Census(ctx context.Context) ([]clinical.CensusRow, error) {
	// Snapshots sealed before the level was kept have no resus column.
	cols, err := w.columns(ctx, "patient")
	if err != nil {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	resus := "''"
	if slices.Contains(cols, "resus") {
		resus = "coalesce(resus, '')"
	}
	rows, err := w.conn.QueryContext(ctx, `SELECT id, name, mrn, birth_date, sex, ward, room, bed,
		code_status, dnr, allergy_status, allergies, isolation, `+resus+` FROM patient ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	defer rows.Close()
	var out []clinical.CensusRow
	for rows.Next() {
		var r clinical.CensusRow
		var status string
		if err := rows.Scan(&r.ID, &r.Name, &r.MRN, &r.BirthDate, &r.Sex, &r.Ward, &r.Room, &r.Bed,
			&r.CodeStatus, &r.DNR, &status, &r.Allergies, &r.Isolation, &r.Resus); err != nil {
			return nil, fmt.Errorf("reading census: %w", err)
		}
		r.AllergyStatus = clinical.SectionStatus(status)
		out = append(out, r)
	}
	return out, rows.Err()
}

// DoseFacts are the patients' dose facts by patient id, as kept when
// their charts were stored; ok is false for a snapshot sealed before they
// were kept. A patient whose facts are missing (stored by an older delta)
// or unreadable is not in the map: the chart says them.
func (w *Ward) DoseFacts(ctx context.Context) (facts map[string]clinical.DoseFacts, ok bool, err error) {
	cols, err := w.columns(ctx, "patient")
	if err != nil {
		return nil, false, fmt.Errorf("reading dose facts: %w", err)
	}
	if !slices.Contains(cols, "doses") {
		return nil, false, nil
	}
	rows, err := w.conn.QueryContext(ctx, `SELECT id, doses FROM patient WHERE doses IS NOT NULL`)
	if err != nil {
		return nil, false, fmt.Errorf("reading dose facts: %w", err)
	}
	defer rows.Close()
	facts = map[string]clinical.DoseFacts{}
	var id string
	var b []byte
	for rows.Next() {
		if err := rows.Scan(&id, &b); err != nil {
			return nil, false, fmt.Errorf("reading dose facts: %w", err)
		}
		if f, err := decodeDoseFacts(b); err == nil {
			facts[id] = f
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("reading dose facts: %w", err)
	}
	return facts, true, nil
}

// Find returns the FHIR id of the patient whose id or any identifier value
// (e.g. the MRN) is key. A key that fits two patients is refused rather
// than answered with either.
func (w *Ward) Find(ctx context.Context, key string) (string, error) {
	rows, err := w.conn.QueryContext(ctx, `SELECT id FROM patient WHERE id = ?1
		UNION SELECT patient_id FROM identifier WHERE value = ?1 LIMIT 2`, key)
	if err != nil {
		return "", fmt.Errorf("finding patient: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("finding patient: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("finding patient: %w", err)
	}
	switch len(ids) {
	case 0:
		return "", clinical.ErrNoPatient
	case 1:
		return ids[0], nil
	}
	return "", clinical.ErrAmbiguousPatient
}

// Chart reads one patient's chart by FHIR id or identifier value.
func (w *Ward) Chart(ctx context.Context, key string) (*clinical.Chart, error) {
	id, err := w.Find(ctx, key)
	if err != nil {
		return nil, err
	}
	return w.ChartByID(ctx, id)
}

// ChartByID reads the chart of the patient with that FHIR id.
func (w *Ward) ChartByID(ctx context.Context, patientID string) (*clinical.Chart, error) {
	var body []byte
	if err := w.conn.QueryRowContext(ctx, `SELECT chart FROM patient WHERE id = ?`, patientID).Scan(&body); err != nil {
		return nil, fmt.Errorf("reading chart: %w", err)
	}
	body, err := unpack(body)
	if err != nil {
		return nil, err
	}
	doc := storedChart{Chart: &clinical.Chart{}}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("reading chart: %w", err)
	}
	clinical.EachSectionSource(doc.Chart, func(_ string, s *clinical.Source) { s.JSON = doc.Raw[s.Type+"/"+s.ID] })
	return doc.Chart, nil
}

// Resource returns a stored source resource, with the version the snapshot
// holds.
func (w *Ward) Resource(ctx context.Context, typ, id string) (clinical.Source, error) {
	var patientID string
	err := w.conn.QueryRowContext(ctx, `SELECT patient_id FROM resource WHERE type = ? AND id = ?`, typ, id).Scan(&patientID)
	if err != nil {
		return clinical.Source{}, fmt.Errorf("finding source resource: %w", err)
	}
	c, err := w.ChartByID(ctx, patientID)
	if err != nil {
		return clinical.Source{}, err
	}
	var found *clinical.Source
	clinical.EachSectionSource(c, func(_ string, s *clinical.Source) {
		if s.Type == typ && s.ID == id {
			found = s
		}
	})
	if found == nil {
		return clinical.Source{}, errors.New("the source resource is indexed but not in its chart")
	}
	return *found, nil
}

// Count returns the number of patients and of rows per section, for the
// manifest.
func (w *Ward) Count(ctx context.Context) (map[string]int, error) {
	var cj string
	if err := w.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'counts'`).Scan(&cj); err != nil {
		return nil, fmt.Errorf("counting: %w", err)
	}
	var counts map[string]int
	if err := json.Unmarshal([]byte(cj), &counts); err != nil {
		return nil, fmt.Errorf("counting: %w", err)
	}
	return counts, nil
}
