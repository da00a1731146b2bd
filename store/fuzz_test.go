package store

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
)

// Fuzz targets for what the store reads from the data folder. The
// attacker of the threat model can write every file there but has no
// passphrase: whatever they write must be refused with an error, or read
// as what the kiosk itself wrote, and never panic. See FUZZING.md.

// fuzzVault is testVault for a fuzz target's setup.
func fuzzVault(tb testing.TB) (string, *Keys) {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10}); err != nil {
		tb.Fatal(err)
	}
	keys, err := Unlock(dir, testPassphrase)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, keys
}

func fuzzRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func fuzzWrite(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// fuzzCopyVault copies the files of a data folder (not its subfolders) into a
// new temporary folder.
func fuzzCopyVault(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	des, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if de.Type().IsRegular() {
			fuzzWrite(t, filepath.Join(to, de.Name()), fuzzRead(t, filepath.Join(from, de.Name())))
		}
	}
	return to
}

// FuzzOpenAlteredSnapshot: a vault holds a full generation (1) and a
// delta built on it (2). Altering any byte of either file (magic, age
// payload, manifest, signature, trailer) never opens the altered
// generation, nor one that builds on it: with generation 1 altered
// nothing opens; with generation 2 altered, generation 1 opens and 2 is
// listed as refused. Never a panic.
func FuzzOpenAlteredSnapshot(f *testing.F) {
	dir, keys := fuzzVault(f)
	ctx := context.Background()
	w, err := BuildWard(ctx, []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001"), testChart("p2", "Dubois, Jean", "MRN0000002")})
	if err != nil {
		f.Fatal(err)
	}
	defer w.Close()
	req := SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}}
	full, err := Seal(ctx, dir, keys, w, req)
	if err != nil {
		f.Fatal(err)
	}
	p2 := testChart("p2", "Dubois, Jean", "MRN0000002")
	p2.Notes.Items = []clinical.Note{{Text: "Slept well.", Source: clinical.Source{Type: "DocumentReference", ID: "n1", JSON: json.RawMessage(`{}`)}}}
	if m, err := SealDelta(ctx, dir, keys, w, full, Delta{Upsert: []clinical.Chart{p2}, Order: []string{"p1", "p2"}}, req); err != nil || m.Kind != KindDelta || m.Generation != 2 {
		f.Fatalf("the second seal is not a delta, generation 2: %v", err)
	}
	pristine := map[uint64][]byte{}
	for _, g := range []uint64{1, 2} {
		pristine[g] = fuzzRead(f, filepath.Join(dir, snapshotDir, generationName(g)))
	}
	if s, err := Open(context.Background(), dir, keys); err != nil || s.Manifest.Generation != 2 {
		f.Fatalf("the untouched vault does not open generation 2: %v", err)
	} else {
		s.Close()
	}
	for _, pos := range []uint32{0, 5, 200, 1000, 1 << 20} {
		f.Add(false, pos, byte(1))
		f.Add(true, pos, byte(0x80))
	}
	last := uint32(len(pristine[2]))
	for _, back := range []uint32{1, 9, 17, 40, 64 + 24, 200} { // trailer, signature, manifest
		f.Add(true, last-back, byte(1))
	}

	f.Fuzz(func(t *testing.T, second bool, pos uint32, x byte) {
		if x == 0 {
			return
		}
		g := uint64(1)
		if second {
			g = 2
		}
		path := filepath.Join(dir, snapshotDir, generationName(g))
		altered := bytes.Clone(pristine[g])
		altered[int(pos)%len(altered)] ^= x
		fuzzWrite(t, path, altered)
		defer fuzzWrite(t, path, pristine[g])

		s, err := Open(context.Background(), dir, keys)
		if err != nil {
			if g == 2 {
				t.Fatalf("generation 2 altered at %d: generation 1 should still open: %v", int(pos)%len(altered), err)
			}
			return
		}
		defer s.Close()
		if g == 1 || s.Manifest.Generation != 1 {
			t.Fatalf("generation %d altered at byte %d (^%#x): generation %d opened", g, int(pos)%len(altered), x, s.Manifest.Generation)
		}
		if len(s.Refused) != 1 || s.Refused[0].Generation != 2 {
			t.Fatalf("generation 2 altered but refused = %+v", s.Refused)
		}
	})
}

// FuzzJournalAlteredEntry: a journal of three entries in which one
// entry's sealed bytes or its signature has one byte altered (through
// SQL, as anyone who can write the folder can). The entry is never
// listed, verification reports a problem for it, and nothing panics.
func FuzzJournalAlteredEntry(f *testing.F) {
	dir, keys := fuzzVault(f)
	j, err := OpenJournal(context.Background(), dir, keys)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range []clinical.Entry{vitalsEntry("p1", 72), noteEntry("p1", "Slept well."), noteEntry("p2", "Pain 3/10.")} {
		if err := j.Stamp(&e, nurse, time.Now()); err != nil {
			f.Fatal(err)
		}
		if err := j.Record(context.Background(), e); err != nil {
			f.Fatal(err)
		}
	}
	j.Close()
	for seq := range uint8(3) {
		f.Add(seq, false, uint16(0), byte(1))
		f.Add(seq, false, uint16(300), byte(0x40))
		f.Add(seq, true, uint16(10), byte(1))
	}

	f.Fuzz(func(t *testing.T, which uint8, signature bool, pos uint16, x byte) {
		if x == 0 {
			return
		}
		seq := int64(which%3) + 1
		dir := fuzzCopyVault(t, dir)
		db := rawJournal(t, dir)
		var sealed, sig []byte
		var id string
		if err := db.QueryRow("SELECT e.uuid, e.sealed, s.sig FROM entries e JOIN signatures s USING (seq) WHERE seq = ?", seq).Scan(&id, &sealed, &sig); err != nil {
			t.Fatal(err)
		}
		if signature {
			sig[int(pos)%len(sig)] ^= x
			sqlExec(t, db, "DROP TRIGGER IF EXISTS signatures_are_never_changed")
			sqlExec(t, db, "UPDATE signatures SET sig = ? WHERE seq = ?", sig, seq)
		} else {
			sealed[int(pos)%len(sealed)] ^= x
			for _, trig := range []string{"entries_are_never_changed", "entries_are_never_updated"} {
				sqlExec(t, db, "DROP TRIGGER IF EXISTS "+trig)
			}
			sqlExec(t, db, "UPDATE entries SET sealed = ? WHERE seq = ?", sealed, seq)
		}
		db.Close()

		j, err := OpenJournal(context.Background(), dir, keys)
		if err != nil {
			return // refused whole: never accepted
		}
		defer j.Close()
		all, err := j.List(context.Background())
		if err == nil {
			for _, e := range all {
				if e.Seq == seq || e.ID == id {
					t.Fatalf("entry %d altered (signature %v, byte %d) is listed", seq, signature, pos)
				}
			}
		}
		c, err := j.Check(context.Background())
		if err == nil && !slices.ContainsFunc(c.Problems, func(p JournalProblem) bool { return p.Seq <= seq && max(p.Last, p.Seq) >= seq }) {
			t.Fatalf("entry %d altered (signature %v) but verification found %+v", seq, signature, c.Problems)
		}
	})
}

// FuzzParseAuditLine: any bytes are a line or not; a line accepted is
// exactly the JSON its fields encode to (so no two encodings of one record
// exist) and has a sequence number, a chain and a signature of the right
// sizes. Splitting any bytes into lines loses none of them.
func FuzzParseAuditLine(f *testing.F) {
	dir, keys := fuzzVault(f)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		f.Fatal(err)
	}
	appendRecords(f, a, 3)
	for _, name := range []string{auditLogFile, auditHeadFile} {
		b := fuzzRead(f, filepath.Join(dir, name))
		f.Add(b)
		for line := range bytes.Lines(b) {
			f.Add(bytes.TrimSuffix(line, []byte("\n")))
		}
	}
	f.Add([]byte(`{"seq":1,"ct":"","chain":"","sig":""}`))
	f.Add([]byte(`{"seq":1e3}`))

	f.Fuzz(func(t *testing.T, raw []byte) {
		if l, ok := parseAuditLine(raw); ok {
			if l.Seq == 0 || len(l.Chain) != 32 || len(l.Sig) != 64 {
				t.Fatalf("accepted a line with seq %d, a chain of %d bytes, a signature of %d", l.Seq, len(l.Chain), len(l.Sig))
			}
			canonical, err := json.Marshal(l)
			if err != nil || !bytes.Equal(canonical, raw) {
				t.Fatalf("accepted a line that is not its canonical encoding")
			}
		}
		var joined []byte
		lines := 0
		err := eachAuditLine(bytes.NewReader(raw), func(line []byte, complete bool) {
			joined = append(joined, line...)
			if complete {
				joined = append(joined, '\n')
			}
			lines++
		})
		if err != nil || !bytes.Equal(joined, raw) {
			t.Fatalf("split into %d lines, lost bytes (err %v)", lines, err)
		}
	})
}

// FuzzAuditAltered: a trail of three records. Any byte of audit.log
// altered, or audit.head replaced by any other bytes, or audit.pending
// holding any bytes: verification never panics, an altered log or head
// is never reported intact, and audit.head is taken only when it is
// byte for byte the one the kiosk wrote.
func FuzzAuditAltered(f *testing.F) {
	dir, keys := fuzzVault(f)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		f.Fatal(err)
	}
	appendRecords(f, a, 3)
	logPath, headPath, pendingPath := filepath.Join(dir, auditLogFile), filepath.Join(dir, auditHeadFile), filepath.Join(dir, auditPendingFile)
	log, head := fuzzRead(f, logPath), fuzzRead(f, headPath)
	if _, rep, err := ReadAudit(dir, keys); err != nil || !rep.Intact() {
		f.Fatalf("the untouched trail does not verify: %v %+v", err, rep.Problems)
	}
	for _, pos := range []uint32{0, 10, 100, uint32(len(log) / 2), uint32(len(log) - 2), uint32(len(log) - 1)} {
		f.Add(uint8(0), pos, byte(1), []byte(nil))
	}
	f.Add(uint8(1), uint32(0), byte(0), head)
	f.Add(uint8(1), uint32(0), byte(0), bytes.Replace(head, []byte(`"count":3`), []byte(`"count": 3`), 1))
	f.Add(uint8(1), uint32(0), byte(0), []byte("{}\n"))
	f.Add(uint8(2), uint32(0), byte(0), []byte(`{"pid":"x","ct":"AAAA"}`+"\n"))
	f.Add(uint8(2), uint32(0), byte(0), []byte(`{"pid":"x"`))

	f.Fuzz(func(t *testing.T, which uint8, pos uint32, x byte, data []byte) {
		var changed bool
		switch which % 3 {
		case 0: // one byte of audit.log
			if x == 0 {
				return
			}
			altered := bytes.Clone(log)
			altered[int(pos)%len(altered)] ^= x
			fuzzWrite(t, logPath, altered)
			defer fuzzWrite(t, logPath, log)
			changed = true
		case 1: // audit.head
			fuzzWrite(t, headPath, data)
			defer fuzzWrite(t, headPath, head)
			h, err := readAuditHead(dir, keys.trusted)
			if err == nil && !bytes.Equal(data, head) {
				t.Fatalf("audit.head taken although it is not the one written: count %d", h.Count)
			}
			changed = !bytes.Equal(data, head)
		case 2: // audit.pending, read by verification, never folded here
			fuzzWrite(t, pendingPath, data)
			defer os.Remove(pendingPath)
		}
		rows, rep, err := ReadAudit(dir, keys)
		if err == nil && changed && rep.Intact() {
			t.Fatalf("an altered trail reads as intact (%d rows)", len(rows))
		}
	})
}

// FuzzVaultFiles: config.json, sync.json, journal.head, generations.floor
// and a sealed reconciliation report hold any bytes. Each reader gives an
// error or a value, never a panic; the signed files (journal.head,
// generations.floor) are taken only with what the kiosk signed; a report
// opens only to what was sealed in it.
func FuzzVaultFiles(f *testing.F) {
	dir, keys := fuzzVault(f)
	w, err := BuildWard(context.Background(), []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001")})
	if err != nil {
		f.Fatal(err)
	}
	defer w.Close()
	if _, err := Seal(context.Background(), dir, keys, w, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}}); err != nil {
		f.Fatal(err)
	}
	j, err := OpenJournal(context.Background(), dir, keys)
	if err != nil {
		f.Fatal(err)
	}
	e := noteEntry("p1", "Slept well.")
	if err := j.Stamp(&e, nurse, time.Now()); err != nil {
		f.Fatal(err)
	}
	if err := j.Record(context.Background(), e); err != nil {
		f.Fatal(err)
	}
	j.Close()
	if err := WriteSyncState(dir, SyncState{Failures: 2}); err != nil {
		f.Fatal(err)
	}
	report := []byte(`{"kind":"reconcile","entries":[{"id":"1","state":"pushed"}]}`)
	reportPath, err := SealReport(dir, keys, "reconcile", time.Now(), report)
	if err != nil {
		f.Fatal(err)
	}
	reportName, err := filepath.Rel(dir, reportPath)
	if err != nil {
		f.Fatal(err)
	}
	files := []string{configFile, syncStateFile, journalHeadFile, floorFile, reportName}
	pristine := make([][]byte, len(files))
	for i, name := range files {
		pristine[i] = fuzzRead(f, filepath.Join(dir, name))
		f.Add(uint8(i), pristine[i])
		f.Add(uint8(i), pristine[i][:len(pristine[i])/2])
	}
	f.Add(uint8(0), []byte(`{"format":1,"recipient":"x","signer":"y","keep":-1}`))
	f.Add(uint8(1), []byte(`{"lastSuccess":"2026-13-01T00:00:00Z"}`))
	f.Add(uint8(2), bytes.Replace(pristine[2], []byte(`"count":1`), []byte(`"Count":1`), 1))
	f.Add(uint8(3), bytes.Replace(pristine[3], []byte(`"generation":1`), []byte(`"generation":2`), 1))
	head, err := readJournalHead(dir, keys.trusted)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(files)
		path := filepath.Join(dir, files[i])
		fuzzWrite(t, path, data)
		defer fuzzWrite(t, path, pristine[i])
		same := bytes.Equal(data, pristine[i])
		switch files[i] {
		case configFile:
			if c, err := LoadConfig(dir); err == nil && (c.Format != 1 || c.Recipient == "" || c.Signer == "" || c.Keep <= 0) {
				t.Fatalf("config taken with format %d, keep %d", c.Format, c.Keep)
			}
		case syncStateFile:
			if s, ok, err := ReadSyncState(dir); err == nil && ok {
				once, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				var again SyncState
				if err := json.Unmarshal(once, &again); err != nil {
					t.Fatalf("the sync state read does not read back: %v", err)
				}
				if twice, _ := json.Marshal(again); !bytes.Equal(once, twice) {
					t.Fatal("the sync state read does not write back the same")
				}
			}
		case journalHeadFile:
			if h, err := readJournalHead(dir, keys.trusted); err == nil && !reflect.DeepEqual(h, head) {
				t.Fatalf("journal.head taken with other values than signed: count %d", h.Count)
			}
		case floorFile:
			if g, err := readFloor(dir, keys.trusted, keys.Config.KioskID); err == nil && !same {
				t.Fatalf("generations.floor taken (generation %d) although it is not the one written", g)
			}
		default:
			// age is authenticated and this identity reads only X25519
			// stanzas: no bytes but the report sealed open.
			if b, err := OpenReport(path, keys); err == nil && (!same || !bytes.Equal(b, report)) {
				t.Fatalf("a report altered or replaced opened to %d bytes", len(b))
			}
		}
	})
}
