package store

import (
	"context"
	"crypto/ed25519"
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

	"lifeboat/internal/durable"
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
	journalVersion = 3          // 2 added the resources an entry became in the EHR; 3 signatures
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
` + journalSchema2 + journalSchema3

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

// journalSchema3 is what version 3 added: each entry's signature and
// chain value (see journal_chain.go), written with the entry and never
// changed or deleted.
const journalSchema3 = `
CREATE TABLE signatures (
	seq    INTEGER PRIMARY KEY REFERENCES entries (seq),
	prev   BLOB NOT NULL,
	chain  BLOB NOT NULL,
	sig    BLOB NOT NULL,
	signer TEXT NOT NULL
);
CREATE TRIGGER signatures_are_never_changed BEFORE UPDATE ON signatures
	BEGIN SELECT RAISE(ABORT, 'journal signatures are never changed'); END;
CREATE TRIGGER signatures_are_never_deleted BEFORE DELETE ON signatures
	BEGIN SELECT RAISE(ABORT, 'journal signatures are never deleted'); END;
`

// journalSidecars are the files SQLite keeps beside a journal file: its
// rollback journal, write-ahead log and shared memory.
var journalSidecars = []string{"-journal", "-wal", "-shm"}

// journalFileTaken says whether anything is at path or beside it, where
// SQLite would take it for the journal's own.
func journalFileTaken(path string) bool {
	if exists(path) {
		return true
	}
	for _, suffix := range journalSidecars {
		if exists(path + suffix) {
			return true
		}
	}
	return false
}

// errJournalNewer is a journal written by a newer Lifeboat: not damage,
// and not a reason to start a new file.
var errJournalNewer = errors.New("the downtime journal was written by a newer version of Lifeboat; nothing was changed")

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
	// SQLite opens the files beside the journal as they are: a FIFO there
	// would hang it, and a link would have it write elsewhere.
	for _, suffix := range journalSidecars {
		st, err := os.Lstat(path + suffix)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return false, fmt.Errorf("opening the downtime journal: %w", err)
		case !st.Mode().IsRegular():
			return false, damaged("%s is not a regular file", filepath.Base(path+suffix))
		}
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
			return false, damaged("%s is missing but its write-ahead log is there", filepath.Base(path))
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opening the downtime journal: %w", err)
	}
	if !st.Mode().IsRegular() {
		return false, damaged("%s is not a regular file", filepath.Base(path))
	}
	if st.Size() > 0 {
		f, err := os.Open(path)
		if err != nil {
			return false, fmt.Errorf("opening the downtime journal: %w", err)
		}
		head := make([]byte, 16)
		_, err = io.ReadFull(f, head)
		f.Close()
		if err != nil || string(head) != "SQLite format 3\x00" {
			return false, damaged("%s is not a SQLite database", filepath.Base(path))
		}
	}
	mode := "ro"
	if exists(path + "-journal") {
		// A hot rollback journal: a process was killed while SQLite
		// switched a new journal to WAL mode. Only a writable connection
		// can roll that unfinished, never acknowledged change back, which
		// is SQLite's own crash recovery, not a repair.
		mode = "rw"
	}
	db, err := sql.Open("sqlite", journalURI(path, mode))
	if err != nil {
		return false, fmt.Errorf("opening the downtime journal: %w", err)
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
		return false, damaged("%s is not a Lifeboat journal", filepath.Base(path))
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, sqliteProblem(err)
	}
	if version > journalVersion {
		return false, errJournalNewer
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
	return fmt.Errorf("reading the downtime journal: %w", err)
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
		return fmt.Errorf("opening the downtime journal: %w", err)
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
	if err := j.upgrade(ctx, db); err != nil {
		db.Close()
		return err
	}
	fi, err := os.Stat(j.path)
	if err != nil {
		db.Close()
		return fmt.Errorf("opening the downtime journal: %w", err)
	}
	j.db, j.file = db, fi
	return nil
}

// upgrade brings an older journal to version 3, in one transaction,
// unless another process did it first. Nothing already in the journal is
// changed: version 2 adds a table; version 3 adds the signatures table and
// signs every entry already there as SignerUpgrade ("recorded before
// entries were signed"), chained in their order. That takes the signing
// key: opened with IT's recovery key, a version 2 journal stays as it is
// and is read unsigned (legacy).
//
// Whoever can write the disk can also remove the signatures table, add an
// entry and set the version back, so old entries are signed only when
// nothing says the journal was signed before: no journal.head in any state
// (the head came with the signatures, so one that exists, valid or not,
// proves the journal had them), and an audit trail that reads intact,
// witnessed no signed entry, and saw the entries recorded. Otherwise the
// journal is never signed: its entries are read as unsigned, and it is
// reported.
func (j *Journal) upgrade(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return sqliteProblem(err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return sqliteProblem(err)
	}
	if version != 1 && version != 2 {
		return nil // new, current, or newer (which inspectJournal refused)
	}
	if version == 1 {
		if _, err := tx.ExecContext(ctx, journalSchema2+"PRAGMA user_version = 2;\n"); err != nil {
			return fmt.Errorf("upgrading the downtime journal: %w", err)
		}
	}
	why, err := j.neverSigned(ctx, tx)
	if err != nil {
		return err
	}
	switch {
	case why != "":
		j.legacy, j.files.downgraded = true, why
	case j.keys.signing == nil:
		j.legacy = true
	default:
		if err := j.signOldEntries(ctx, tx); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrading the downtime journal: %w", err)
	}
	return nil
}

// neverSigned says why an unsigned journal must not be signed now, as the
// problem to report, or "" when it may be: see upgrade.
func (j *Journal) neverSigned(ctx context.Context, tx *sql.Tx) (string, error) {
	if j.files.headOnDisk() {
		return "The journal's signatures were removed: journal.head shows it was signed, and none of its entries can be trusted.", nil
	}
	if j.keys.signing == nil {
		return "", nil // nothing is signed: read as it is, and said
	}
	highest, recorded, err := j.files.witnessed(j.dir, j.keys)
	switch {
	case err != nil:
		return "The journal is not signed and the audit trail cannot be read or was altered, so it cannot tell whether the journal's signatures were removed: none of its entries can be trusted.", nil
	case highest > 0:
		return "The journal's signatures were removed: the audit trail witnessed signed entries, and none of its entries can be trusted.", nil
	}
	// Every entry was audited as it was recorded, before entries were
	// signed too: one the trail never saw was added by someone else.
	seq, err := unaudited(ctx, tx, recorded)
	if err != nil || seq == 0 {
		return "", err
	}
	return fmt.Sprintf("The journal is not signed and the audit trail never saw entry %d recorded, so it may have been added later: none of its entries can be trusted.", seq), nil
}

// unaudited is the first entry of the journal whose id the audit trail
// did not see recorded, or 0.
func unaudited(ctx context.Context, tx *sql.Tx, recorded map[string]bool) (int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT seq, uuid FROM entries ORDER BY seq")
	if err != nil {
		return 0, sqliteProblem(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return 0, sqliteProblem(err)
		}
		if !recorded[id] {
			return seq, nil
		}
	}
	if err := rows.Err(); err != nil {
		return 0, sqliteProblem(err)
	}
	return 0, nil
}

// signOldEntries adds the signatures table and signs what is there.
func (j *Journal) signOldEntries(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, journalSchema3+fmt.Sprintf("PRAGMA user_version = %d;\n", journalVersion)); err != nil {
		return fmt.Errorf("upgrading the downtime journal: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT seq, uuid, sealed FROM entries ORDER BY seq")
	if err != nil {
		return sqliteProblem(err)
	}
	type sig struct {
		seq              int64
		prev, chain, sig []byte
	}
	var sigs []sig
	prev := journalGenesis(j.kioskID)
	for rows.Next() {
		var seq int64
		var id string
		var sealed []byte
		if err := rows.Scan(&seq, &id, &sealed); err != nil {
			rows.Close()
			return sqliteProblem(err)
		}
		chain := entryChain(prev, seq, id, sealed)
		sigs = append(sigs, sig{seq, prev, chain, ed25519.Sign(j.keys.signing, signatureMessage(SignerUpgrade, chain))})
		prev = chain
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sqliteProblem(err)
	}
	for _, s := range sigs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO signatures (seq, prev, chain, sig, signer) VALUES (?, ?, ?, ?, ?)",
			s.seq, s.prev, s.chain, s.sig, SignerUpgrade); err != nil {
			return fmt.Errorf("upgrading the downtime journal: %w", err)
		}
	}
	j.files.upgraded = true
	return nil
}

// create makes the journal file on the first Record, unless another
// process made it in the meantime, and makes its name durable.
func (j *Journal) create(ctx context.Context) error {
	if j.files.head == nil && j.files.lost > 0 || j.files.head != nil && j.files.head.File != filepath.Base(j.path) {
		// A new file beside a lost one: the head must name it before
		// anything is recorded in it, or a crash would leave it unread.
		if j.keys.signing == nil {
			return damaged("the journal file is lost; record with the ward passphrase first, which starts a new one")
		}
		if err := j.writeHead(); err != nil {
			return err
		}
	}
	exists, err := inspectJournal(ctx, j.path)
	if err != nil {
		return err
	}
	if !exists {
		// SQLite gives its write-ahead log and shared memory the database
		// file's mode: make it the owner's alone before SQLite sees it.
		f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			err = f.Close()
		} else if errors.Is(err, fs.ErrExist) {
			err = os.Chmod(j.path, 0o600)
		}
		if err != nil {
			return fmt.Errorf("creating the downtime journal: %w", err)
		}
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
			return damaged("%s is not a Lifeboat journal", filepath.Base(j.path))
		}
		ddl := journalSchema + fmt.Sprintf("PRAGMA application_id = %d;\nPRAGMA user_version = %d;\n", journalAppID, journalVersion)
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("creating the downtime journal: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("creating the downtime journal: %w", err)
		}
		return durable.SyncFolder(j.dir)
	}()
	if err != nil {
		j.db.Close()
		j.db = nil
	}
	return err
}

// prepare prepares Record's statements. An entry's reconciliation row,
// state pending, is added by a trigger in the same statement: no entry is
// ever without one.
func (j *Journal) prepare(ctx context.Context) error {
	var err error
	if j.insertEntry, err = j.db.PrepareContext(ctx, "INSERT INTO entries (seq, uuid, sealed) VALUES (?, ?, ?)"); err != nil {
		return sqliteProblem(err)
	}
	sig := "INSERT INTO signatures (seq, prev, chain, sig, signer) VALUES (?, ?, ?, ?, ?)"
	if j.legacy {
		sig = "SELECT ?, ?, ?, ?, ?" // never run: a legacy journal records no signatures
	}
	if j.insertSig, err = j.db.PrepareContext(ctx, sig); err != nil {
		j.insertEntry.Close()
		return sqliteProblem(err)
	}
	return nil
}

// readJournalFile runs fn in a read-only transaction on the journal file
// at path, checked first as inspectJournal checks it; a file not there
// (or empty) runs nothing. What a hand-in and the hub read of a journal
// goes through here: it can change nothing.
func readJournalFile(ctx context.Context, path string, fn func(*sql.Tx) error) error {
	exists, err := inspectJournal(ctx, path)
	if err != nil || !exists {
		return err
	}
	db, err := sql.Open("sqlite", journalURI(path, "ro"))
	if err != nil {
		return fmt.Errorf("opening the downtime journal: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return sqliteProblem(err)
	}
	defer tx.Rollback()
	return fn(tx)
}
