package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is the layout of the in-memory database inside a sealed
// snapshot; opening refuses an image of another version.
const schemaVersion = "2"

// The tables are plain rowid tables filled in census order, and their
// indexes are built after the last insert: both then pack their pages
// full, which keeps the sealed image about half the size of tables
// keyed by FHIR id and filled in random key order.
const schema = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resource (type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT, last_updated TEXT, json BLOB NOT NULL);
CREATE TABLE patient (
	id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, mrn TEXT, birth_date TEXT, sex TEXT,
	ward TEXT, room TEXT, bed TEXT, code_status TEXT, allergy_status TEXT NOT NULL, allergies INTEGER NOT NULL,
	isolation TEXT, body BLOB NOT NULL);
CREATE TABLE identifier (patient_id TEXT NOT NULL, value TEXT NOT NULL, system TEXT);
CREATE TABLE section (
	patient_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, assertion_type TEXT, assertion_id TEXT);
CREATE TABLE item (
	patient_id TEXT NOT NULL, section TEXT NOT NULL, seq INTEGER NOT NULL,
	src_type TEXT NOT NULL, src_id TEXT NOT NULL, body BLOB NOT NULL);
`

const indexes = `
CREATE UNIQUE INDEX resource_key ON resource (type, id);
CREATE UNIQUE INDEX patient_id ON patient (id);
CREATE INDEX patient_seq ON patient (seq);
CREATE INDEX identifier_value ON identifier (value);
CREATE UNIQUE INDEX section_key ON section (patient_id, name);
CREATE INDEX item_key ON item (patient_id, section, seq);
`

// Ward is an essential-record database held in memory: built from charts
// before sealing, or loaded from a sealed snapshot. It is never written to
// disk in the clear. A Ward is safe for use by several goroutines.
type Ward struct {
	db   *sql.DB
	conn *sql.Conn // the one connection that holds the in-memory image
}

// ErrNoPatient is returned when no patient matches an id or identifier.
var ErrNoPatient = errors.New("no patient with that id or identifier in this snapshot")

// openMemory opens an empty in-memory SQLite database on a single pinned
// connection (each new connection to :memory: would be a different database).
func openMemory(ctx context.Context) (*Ward, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, fmt.Errorf("opening in-memory database: %w", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
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
func BuildWard(ctx context.Context, charts []Chart) (*Ward, error) {
	w, err := openMemory(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.fill(ctx, charts); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *Ward) fill(ctx context.Context, charts []Chart) error {
	for _, p := range []string{"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"} {
		if _, err := w.conn.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("preparing database: %w", err)
		}
	}
	if _, err := w.conn.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("creating schema: %w", err)
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := newInserter(ctx, tx)
	if err != nil {
		return err
	}
	defer ins.close()
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta VALUES ('schema', ?)`, schemaVersion); err != nil {
		return err
	}
	for i := range charts {
		if err := ins.chart(ctx, i, &charts[i]); err != nil {
			return fmt.Errorf("storing chart %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, indexes); err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	return tx.Commit()
}

type inserter struct {
	resource, patient, identifier, section, item *sql.Stmt
	stored                                       map[[2]string]bool // source resources already stored
	packer                                       *packer
}

func newInserter(ctx context.Context, tx *sql.Tx) (*inserter, error) {
	ins := inserter{stored: map[[2]string]bool{}, packer: newPacker()}
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&ins.resource, `INSERT INTO resource VALUES (?, ?, ?, ?, ?)`},
		{&ins.patient, `INSERT INTO patient VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&ins.identifier, `INSERT INTO identifier VALUES (?, ?, ?)`},
		{&ins.section, `INSERT INTO section VALUES (?, ?, ?, ?, ?)`},
		{&ins.item, `INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			ins.close()
			return nil, fmt.Errorf("preparing insert: %w", err)
		}
		*s.stmt = st
	}
	return &ins, nil
}

func (ins *inserter) close() {
	for _, s := range []*sql.Stmt{ins.resource, ins.patient, ins.identifier, ins.section, ins.item} {
		if s != nil {
			s.Close()
		}
	}
}

func (ins *inserter) source(ctx context.Context, s Source) error {
	if s.Type == "" || s.ID == "" {
		return errors.New("a row has no source resource")
	}
	key := [2]string{s.Type, s.ID}
	if ins.stored[key] {
		return nil
	}
	ins.stored[key] = true
	raw := s.JSON
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	packed, err := ins.packer.pack(raw)
	if err != nil {
		return err
	}
	_, err = ins.resource.ExecContext(ctx, s.Type, s.ID, s.VersionID, s.LastUpdated, packed)
	return err
}

func (ins *inserter) chart(ctx context.Context, seq int, c *Chart) error {
	c.Settle()
	p := c.Patient
	if err := ins.source(ctx, p.Source); err != nil {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if body, err = ins.packer.pack(body); err != nil {
		return err
	}
	var isolation []string
	for _, a := range c.Alerts.Items {
		if a.Kind == AlertIsolation {
			isolation = append(isolation, a.Text)
		}
	}
	_, err = ins.patient.ExecContext(ctx, p.ID, seq, p.Name, p.MRN(), p.BirthDate, p.Sex, p.Ward, p.Room, p.Bed,
		c.CodeStatus(), string(c.Allergies.Status), activeCount(c.Allergies.Items), strings.Join(isolation, "; "), body)
	if err != nil {
		return err
	}
	for _, id := range p.Identifiers {
		if _, err := ins.identifier.ExecContext(ctx, p.ID, id.Value, id.System); err != nil {
			return err
		}
	}
	return forEachSection(c, func(name string, s section) error {
		var at, aid any
		if a := s.assertion(); a != nil {
			if err := ins.source(ctx, *a); err != nil {
				return err
			}
			at, aid = a.Type, a.ID
		}
		if _, err := ins.section.ExecContext(ctx, p.ID, name, string(s.status()), at, aid); err != nil {
			return err
		}
		return s.eachItem(func(i int, src Source, body []byte) error {
			if err := ins.source(ctx, src); err != nil {
				return err
			}
			packed, err := ins.packer.pack(body)
			if err != nil {
				return err
			}
			_, err = ins.item.ExecContext(ctx, p.ID, name, i, src.Type, src.ID, packed)
			return err
		})
	})
}

func activeCount(as []Allergy) int {
	n := 0
	for _, a := range as {
		if a.ClinicalStatus == "" || a.ClinicalStatus == "active" {
			n++
		}
	}
	return n
}

// CensusRow is one line of the ward list.
type CensusRow struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	MRN           string        `json:"mrn,omitempty"`
	BirthDate     string        `json:"birthDate,omitempty"`
	Sex           string        `json:"sex,omitempty"`
	Ward          string        `json:"ward,omitempty"`
	Room          string        `json:"room,omitempty"`
	Bed           string        `json:"bed,omitempty"`
	CodeStatus    string        `json:"codeStatus,omitempty"`
	DNR           bool          `json:"dnr"` // an active order not to resuscitate
	AllergyStatus SectionStatus `json:"allergyStatus"`
	Allergies     int           `json:"allergies"` // active allergies
	Isolation     string        `json:"isolation,omitempty"`
}

// Census lists the ward's patients in census order.
func (w *Ward) Census(ctx context.Context) ([]CensusRow, error) {
	rows, err := w.conn.QueryContext(ctx, `SELECT id, name, mrn, birth_date, sex, ward, room, bed,
		code_status, allergy_status, allergies, isolation FROM patient ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("reading census: %w", err)
	}
	defer rows.Close()
	var out []CensusRow
	for rows.Next() {
		var r CensusRow
		var status string
		if err := rows.Scan(&r.ID, &r.Name, &r.MRN, &r.BirthDate, &r.Sex, &r.Ward, &r.Room, &r.Bed,
			&r.CodeStatus, &status, &r.Allergies, &r.Isolation); err != nil {
			return nil, fmt.Errorf("reading census: %w", err)
		}
		r.AllergyStatus = SectionStatus(status)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Find returns the FHIR id of the patient whose id or any identifier value
// (e.g. the MRN) is key.
func (w *Ward) Find(ctx context.Context, key string) (string, error) {
	var id string
	err := w.conn.QueryRowContext(ctx, `SELECT id FROM patient WHERE id = ?
		UNION ALL SELECT patient_id FROM identifier WHERE value = ? LIMIT 1`, key, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoPatient
	}
	if err != nil {
		return "", fmt.Errorf("finding patient: %w", err)
	}
	return id, nil
}

// Chart reads one patient's chart by FHIR id or identifier value.
func (w *Ward) Chart(ctx context.Context, key string) (*Chart, error) {
	id, err := w.Find(ctx, key)
	if err != nil {
		return nil, err
	}
	var c Chart
	var body []byte
	if err := w.conn.QueryRowContext(ctx, `SELECT body FROM patient WHERE id = ?`, id).Scan(&body); err != nil {
		return nil, fmt.Errorf("reading patient: %w", err)
	}
	if body, err = unpack(body); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &c.Patient); err != nil {
		return nil, fmt.Errorf("reading patient: %w", err)
	}
	if c.Patient.Source, err = w.Resource(ctx, "Patient", id); err != nil {
		return nil, err
	}
	err = forEachSection(&c, func(name string, s section) error {
		var status string
		var at, aid sql.NullString
		err := w.conn.QueryRowContext(ctx, `SELECT status, assertion_type, assertion_id FROM section
			WHERE patient_id = ? AND name = ?`, id, name).Scan(&status, &at, &aid)
		if err != nil {
			return fmt.Errorf("reading section %s: %w", name, err)
		}
		var assertion *Source
		if at.Valid {
			src, err := w.Resource(ctx, at.String, aid.String)
			if err != nil {
				return err
			}
			assertion = &src
		}
		return s.load(SectionStatus(status), assertion, func(add func(body []byte, src Source) error) error {
			return w.items(ctx, id, name, add)
		})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (w *Ward) items(ctx context.Context, patientID, section string, add func([]byte, Source) error) error {
	rows, err := w.conn.QueryContext(ctx, `SELECT i.body, r.type, r.id, r.version_id, r.last_updated, r.json
		FROM item i JOIN resource r ON r.type = i.src_type AND r.id = i.src_id
		WHERE i.patient_id = ? AND i.section = ? ORDER BY i.seq`, patientID, section)
	if err != nil {
		return fmt.Errorf("reading section %s: %w", section, err)
	}
	defer rows.Close()
	for rows.Next() {
		var body, raw []byte
		var src Source
		if err := rows.Scan(&body, &src.Type, &src.ID, &src.VersionID, &src.LastUpdated, &raw); err != nil {
			return fmt.Errorf("reading section %s: %w", section, err)
		}
		if body, err = unpack(body); err != nil {
			return err
		}
		if src.JSON, err = unpack(raw); err != nil {
			return err
		}
		if err := add(body, src); err != nil {
			return fmt.Errorf("reading section %s: %w", section, err)
		}
	}
	return rows.Err()
}

// Resource returns a stored source resource.
func (w *Ward) Resource(ctx context.Context, typ, id string) (Source, error) {
	s := Source{Type: typ, ID: id}
	var raw []byte
	err := w.conn.QueryRowContext(ctx, `SELECT version_id, last_updated, json FROM resource WHERE type = ? AND id = ?`,
		typ, id).Scan(&s.VersionID, &s.LastUpdated, &raw)
	if err != nil {
		return s, fmt.Errorf("reading source resource: %w", err)
	}
	s.JSON, err = unpack(raw)
	return s, err
}

// Count returns the number of rows per section across the ward, plus
// "patients", for the manifest.
func (w *Ward) Count(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	var n int
	if err := w.conn.QueryRowContext(ctx, `SELECT count(*) FROM patient`).Scan(&n); err != nil {
		return nil, err
	}
	counts["patients"] = n
	rows, err := w.conn.QueryContext(ctx, `SELECT section, count(*) FROM item GROUP BY section`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		counts[s] = n
	}
	return counts, rows.Err()
}
