// Package storetest is for tests of other packages: NewVault makes a vault
// ready to use, and ForgeEntry is the attacker of the threat model: it
// changes a data folder as someone who can write the disk but has no
// passphrase could, with nothing but what is public.
package storetest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	_ "modernc.org/sqlite" // the journal is SQLite

	"lifeboat/clinical"
	"lifeboat/store"
)

// ForgeEntry seals e to the public recipients of DIR/config.json and
// inserts it into the journal after its last entry, without a signature
// (no one without the passphrase can make one). It returns the sequence
// number it took.
func ForgeEntry(dir string, e clinical.Entry) (int64, error) {
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return 0, err
	}
	var cfg store.Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		return 0, err
	}
	rs, err := age.ParseRecipients(strings.NewReader(strings.TrimSpace(cfg.Recipient + "\n" + cfg.Recovery)))
	if err != nil {
		return 0, err
	}
	if e.KioskID == "" {
		e.KioskID = cfg.KioskID
	}
	plain, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	var sealed bytes.Buffer
	w, err := age.Encrypt(&sealed, rs...)
	if err != nil {
		return 0, err
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		return 0, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(dir, "journal.db"))+"?mode=rw")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var seq int64
	if err := db.QueryRow("SELECT coalesce(max(seq), 0) + 1 FROM entries").Scan(&seq); err != nil {
		return 0, fmt.Errorf("reading the journal: %w", err)
	}
	if _, err := db.Exec("INSERT INTO entries (seq, uuid, sealed) VALUES (?, ?, ?)", seq, e.ID, sealed.Bytes()); err != nil {
		return 0, fmt.Errorf("inserting the forged entry: %w", err)
	}
	return seq, nil
}
