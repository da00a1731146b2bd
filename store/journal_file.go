package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// How the journal's file is opened, checked and created. Opening an
// existing journal reads it first on a read-only connection, which can
// neither write nor checkpoint, so that a journal found damaged is left
// exactly as it was. Only a missing journal is created, and only by the
// first Record. The file carries the application id "LBJ1" and a schema
// version, so that another SQLite database is never taken for a journal.

const (
	journalFile    = "journal.db"
	journalAppID   = 0x4C424A31 // "LBJ1" in the SQLite header: this file is a Lifeboat journal
	journalVersion = 2          // 2 added the resources an entry became in the EHR
	maxEntrySize   = 1 << 20
	busyTimeout    = 10 * time.Second

	sqliteConstraintUnique = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

const journalSchema = `
CREATE TABLE entries (
	seq    INTEGER PRIMARY KEY,
	uuid   TEXT NOT NULL UNIQUE,
	sealed BLOB NOT NULL
);
CREATE TABLE reconciliation (
	entry          TEXT PRIMARY KEY REFERENCES entries (uuid),
	state          TEXT NOT NULL DEFAULT 'pending',
	server_type    TEXT,
	server_id      TEXT,
	server_version TEXT,
	changed        TEXT
) WITHOUT ROWID;
CREATE TRIGGER entries_start_pending AFTER INSERT ON entries
	BEGIN INSERT INTO reconciliation (entry) VALUES (NEW.uuid); END;
CREATE TRIGGER entries_are_never_changed BEFORE UPDATE ON entries
	BEGIN SELECT RAISE(ABORT, 'journal entries are never changed'); END;
CREATE TRIGGER entries_are_never_deleted BEFORE DELETE ON entries
	BEGIN SELECT RAISE(ABORT, 'journal entries are never deleted'); END;
CREATE TRIGGER reconciliation_is_never_deleted BEFORE DELETE ON reconciliation
	BEGIN SELECT RAISE(ABORT, 'reconciliation state is never deleted'); END;
` + journalSchema2

// journalSchema2 is what version 2 added: the EHR resources each entry
// became (an entry can become several: a set of vital signs is one
// Observation per sign, and each entry has its Provenance), with the
// version last seen. Rows are added and their version updated, never
// deleted.
const journalSchema2 = `
CREATE TABLE reconciled_resources (
	entry   TEXT NOT NULL REFERENCES entries (uuid),
	type    TEXT NOT NULL,
	id      TEXT NOT NULL,
	version TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (entry, type, id)
) WITHOUT ROWID;
CREATE TRIGGER reconciled_resources_are_never_deleted BEFORE DELETE ON reconciled_resources
	BEGIN SELECT RAISE(ABORT, 'reconciliation state is never deleted'); END;
`

// journalURI is the SQLite URI of the journal: every connection waits for
// another process's lock instead of failing, fsyncs at every commit, keeps
// temporary data in memory, and takes the write lock when a transaction
// begins (so that what a transaction checks still holds when it commits).
func journalURI(path, mode string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String() + "?mode=" + mode + fmt.Sprintf("&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
}

// inspectJournal checks an existing journal on a read-only connection,
// which can change nothing, and says whether there is one. An empty file
// (a creation cut short) holds nothing and counts as none.
func inspectJournal(ctx context.Context, path string) (bool, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return false, damaged("journal.db is missing but its write-ahead log is there")
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opening the downtime journal: %v", err)
	}
	if !st.Mode().IsRegular() {
		return false, damaged("journal.db is not a file")
	}
	if st.Size() > 0 {
		f, err := os.Open(path)
		if err != nil {
			return false, fmt.Errorf("opening the downtime journal: %v", err)
		}
		head := make([]byte, 16)
		_, err = io.ReadFull(f, head)
		f.Close()
		if err != nil || string(head) != "SQLite format 3\x00" {
			return false, damaged("journal.db is not a SQLite database")
		}
	}
	db, err := sql.Open("sqlite", journalURI(path, "ro"))
	if err != nil {
		return false, fmt.Errorf("opening the downtime journal: %v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var app, version, tables int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return false, sqliteProblem(err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return false, sqliteProblem(err)
	}
	switch {
	case app == 0 && tables == 0:
		return false, nil
	case app != journalAppID:
		return false, damaged("journal.db is not a Lifeboat journal")
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, sqliteProblem(err)
	}
	if version > journalVersion {
		return false, damaged("it was written by a newer version of Lifeboat")
	}
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&check); err != nil {
		return false, sqliteProblem(err)
	}
	if check != "ok" {
		return false, damaged("SQLite's integrity check failed")
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM reconciliation)").Scan(&n); err != nil {
		return false, damaged("its tables are missing")
	}
	return true, nil
}

// sqliteProblem tells a damaged file from a passing trouble (a lock held
// too long, a full disk), which is an error but not damage.
func sqliteProblem(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return damaged("%v", err)
		}
	}
	return fmt.Errorf("reading the downtime journal: %v", err)
}

// connect opens the read-write connection, creating the file when create
// is set. One connection serves the journal: the mutex orders its users.
func (j *Journal) connect(ctx context.Context, create bool) error {
	mode := "rw"
	if create {
		mode = "rwc"
	}
	db, err := sql.Open("sqlite", journalURI(j.path, mode))
	if err != nil {
		return fmt.Errorf("opening the downtime journal: %v", err)
	}
	db.SetMaxOpenConns(1)
	var jm string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&jm); err != nil || jm != "wal" {
		db.Close()
		if err == nil {
			err = fmt.Errorf("journal mode %q", jm)
		}
		return sqliteProblem(err)
	}
	if err := upgrade(ctx, db); err != nil {
		db.Close()
		return err
	}
	fi, err := os.Stat(j.path)
	if err != nil {
		db.Close()
		return fmt.Errorf("opening the downtime journal: %v", err)
	}
	j.db, j.file = db, fi
	return nil
}

// upgrade brings a version 1 journal to version 2 by adding its table, in
// one transaction, unless another process did it first. Nothing already
// in the journal is changed.
func upgrade(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return sqliteProblem(err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return sqliteProblem(err)
	}
	if version != 1 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, journalSchema2+fmt.Sprintf("PRAGMA user_version = %d;\n", journalVersion)); err != nil {
		return fmt.Errorf("upgrading the downtime journal: %v", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrading the downtime journal: %v", err)
	}
	return nil
}

// create makes the journal file on the first Record, unless another
// process made it in the meantime, and makes its name durable.
func (j *Journal) create(ctx context.Context) error {
	exists, err := inspectJournal(ctx, j.path)
	if err != nil {
		return err
	}
	if err := j.connect(ctx, !exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	err = func() error {
		tx, err := j.db.BeginTx(ctx, nil)
		if err != nil {
			return sqliteProblem(err)
		}
		defer tx.Rollback()
		var app, tables int64
		if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
			return sqliteProblem(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return sqliteProblem(err)
		}
		switch {
		case app == journalAppID:
			return nil // another process created it first
		case app != 0 || tables != 0:
			return damaged("journal.db is not a Lifeboat journal")
		}
		ddl := journalSchema + fmt.Sprintf("PRAGMA application_id = %d;\nPRAGMA user_version = %d;\n", journalAppID, journalVersion)
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("creating the downtime journal: %v", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("creating the downtime journal: %v", err)
		}
		return syncDir(j.dir)
	}()
	if err != nil {
		j.db.Close()
		j.db = nil
	}
	return err
}

// prepare prepares Record's one statement. Its reconciliation row, state
// pending, is added by a trigger in the same statement: no entry is ever
// without one.
func (j *Journal) prepare(ctx context.Context) error {
	var err error
	if j.insertEntry, err = j.db.PrepareContext(ctx, "INSERT INTO entries (uuid, sealed) VALUES (?, ?)"); err != nil {
		return sqliteProblem(err)
	}
	return nil
}
