package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// What the no-plaintext checks look for: an actor, a patient and details.
const (
	auditActor   = "Nurse Hanne Verbruggen"
	auditPatient = "pat-secret-4711"
	auditDetails = "MRN-998877 printed"
	intruder     = "Intruder Eve Mallory"
)

func openTestAudit(t testing.TB, dir string, keys *Keys) *Audit {
	t.Helper()
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// auditTrail is a vault whose trail holds n records.
func auditTrail(t *testing.T, n int) (string, *Keys, *Audit) {
	t.Helper()
	dir, keys := testVault(t)
	a := openTestAudit(t, dir, keys)
	appendRecords(t, a, n)
	return dir, keys, a
}

func appendRecords(t testing.TB, a *Audit, n int) {
	t.Helper()
	actions := []string{AuditUnlock, AuditViewChart, AuditPrint, AuditRecordEntry, AuditLock}
	for i := range n {
		r := AuditRecord{Actor: auditActor, Action: actions[i%len(actions)], Subject: auditPatient, Details: auditDetails}
		if err := a.Append(r); err != nil {
			t.Fatal(err)
		}
	}
}

func readLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, auditLogFile))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(b, []byte("\n"))[:bytes.Count(b, []byte("\n"))]
}

func writeLines(t *testing.T, dir string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, auditLogFile), bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

func verified(t *testing.T, dir string, keys *Keys) AuditReport {
	t.Helper()
	_, rep, err := ReadAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantProblem checks the first problem's record and kind.
func wantProblem(t *testing.T, rep AuditReport, seq uint64, kind AuditProblemKind) {
	t.Helper()
	p := rep.First()
	if p == nil {
		t.Fatalf("the trail verifies as intact (%d records); want %s at record %d", rep.Records, kind, seq)
	}
	if p.Seq != seq || p.Kind != kind {
		t.Fatalf("first problem %+v; want %s at record %d (all: %v)", *p, kind, seq, rep.Problems)
	}
}

func exportRows(t *testing.T, dir string, keys *Keys) []AuditRow {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ExportAudit(dir, keys, &buf, "jsonl"); err != nil {
		t.Fatal(err)
	}
	var rows []AuditRow
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var r AuditRow
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	return rows
}

func parsed(t *testing.T, raw []byte) auditLine {
	t.Helper()
	l, ok := parseAuditLine(bytes.TrimSuffix(raw, []byte("\n")))
	if !ok {
		t.Fatalf("not a record: %.60s", raw)
	}
	return l
}

func encoded(t *testing.T, l auditLine) []byte {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestAppendedRecordsVerifyAndExportAsTheyWereWritten(t *testing.T) {
	dir, keys, _ := auditTrail(t, 5)
	rep := verified(t, dir, keys)
	if !rep.Intact() || rep.Records != 5 || rep.Head != 5 || rep.Pending != 0 {
		t.Fatalf("report %+v", rep)
	}
	rows := exportRows(t, dir, keys)
	if len(rows) != 5 {
		t.Fatalf("%d rows exported", len(rows))
	}
	for i, r := range rows {
		if r.Seq != uint64(i+1) || r.Status != rowVerified || r.Actor != auditActor || r.Subject != auditPatient ||
			r.Details != auditDetails || r.KioskID != keys.Config.KioskID || r.Time.IsZero() || r.Action == "" {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	if rows[1].Action != AuditViewChart {
		t.Fatalf("row 2 action %q", rows[1].Action)
	}
}

func TestAlteringAnyRecordIsDetectedAsAltered(t *testing.T) {
	dir, keys, _ := auditTrail(t, 5)
	good := readLines(t, dir)
	for i := range good {
		seq := uint64(i + 1)
		for _, how := range []string{"ciphertext", "raw byte", "sequence number"} {
			lines := append([][]byte(nil), good...)
			l := parsed(t, good[i])
			switch how {
			case "ciphertext":
				l.CT = bytes.Clone(l.CT)
				l.CT[len(l.CT)/2] ^= 1
				lines[i] = encoded(t, l)
			case "raw byte":
				lines[i] = bytes.Clone(good[i])
				lines[i][len(lines[i])/2] ^= 1
			case "sequence number":
				l.Seq += 10
				lines[i] = encoded(t, l)
			}
			writeLines(t, dir, lines)
			rep := verified(t, dir, keys)
			t.Run(fmt.Sprintf("record %d %s", seq, how), func(t *testing.T) { wantProblem(t, rep, seq, RecordAltered) })
		}
	}
	writeLines(t, dir, good)
	if rep := verified(t, dir, keys); !rep.Intact() {
		t.Fatalf("restored trail: %v", rep.Problems)
	}
}

func TestRemovingRecordsInTheMiddleIsDetected(t *testing.T) {
	dir, keys, _ := auditTrail(t, 5)
	good := readLines(t, dir)
	writeLines(t, dir, [][]byte{good[0], good[1], good[3], good[4]})
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 3, RecordRemoved)
	if rep.First().Text != "record 3 was removed" {
		t.Fatalf("text %q", rep.First().Text)
	}
	writeLines(t, dir, [][]byte{good[0], good[3], good[4]})
	rep = verified(t, dir, keys)
	wantProblem(t, rep, 2, RecordRemoved)
	if rep.First().Text != "records 2 to 3 were removed" || len(rep.Problems) != 1 {
		t.Fatalf("problems %v", rep.Problems)
	}
	// The export shows the gap where it is.
	rows := exportRows(t, dir, keys)
	if len(rows) != 4 || rows[1].Status != string(RecordRemoved) || rows[2].Seq != 4 || rows[2].Actor != auditActor {
		t.Fatalf("rows %+v", rows)
	}
	writeLines(t, dir, good[1:])
	wantProblem(t, verified(t, dir, keys), 1, RecordRemoved)
}

func TestSwappingTwoRecordsIsDetectedAsReordered(t *testing.T) {
	dir, keys, _ := auditTrail(t, 5)
	good := readLines(t, dir)
	writeLines(t, dir, [][]byte{good[0], good[2], good[1], good[3], good[4]})
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 2, RecordReordered)
	writeLines(t, dir, [][]byte{good[0], good[1], good[2], good[4], good[3]})
	wantProblem(t, verified(t, dir, keys), 4, RecordReordered)
	// A copy of an earlier record played again.
	writeLines(t, dir, append(append([][]byte(nil), good...), good[1]))
	wantProblem(t, verified(t, dir, keys), 2, RecordReordered)
}

func TestARecordSignedWithAnotherKeyIsDetectedAsForged(t *testing.T) {
	dir, keys, a := auditTrail(t, 5)
	good := readLines(t, dir)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	forge := func(prev []byte, seq uint64) []byte {
		plain, _ := json.Marshal(AuditRecord{Seq: seq, Time: time.Now(), KioskID: keys.Config.KioskID, Actor: "nobody", Action: AuditViewChart})
		ct, err := auditEncrypt(a.recipients, plain)
		if err != nil {
			t.Fatal(err)
		}
		l := auditLine{Seq: seq, CT: ct, Chain: auditChain(prev, seq, ct)}
		l.Sig = ed25519.Sign(other, append([]byte(auditRecordContext), l.Chain...))
		return encoded(t, l)
	}
	// Inserted in its place in the chain, as whoever knows the format can.
	prev := parsed(t, good[1]).Chain
	writeLines(t, dir, [][]byte{good[0], good[1], forge(prev, 3), good[2], good[3], good[4]})
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 3, RecordForged)
	if len(rep.Problems) != 1 {
		t.Fatalf("problems %v", rep.Problems)
	}
	// In place of a real record: forged, and the real one is missing.
	writeLines(t, dir, [][]byte{good[0], good[1], forge(prev, 3), good[3], good[4]})
	rep = verified(t, dir, keys)
	wantProblem(t, rep, 3, RecordForged)
	if len(rep.Problems) != 2 || rep.Problems[1].Kind != RecordRemoved {
		t.Fatalf("problems %v", rep.Problems)
	}
	// Appended after the newest record.
	writeLines(t, dir, append(append([][]byte(nil), good...), forge(parsed(t, good[4]).Chain, 6)))
	wantProblem(t, verified(t, dir, keys), 6, RecordForged)
	rows := exportRows(t, dir, keys)
	if last := rows[len(rows)-1]; last.Status != rowForged || last.Actor != "nobody" {
		t.Fatalf("forged row %+v", last)
	}
}

func TestCuttingOffTheNewestRecordsIsDetectedThroughTheHead(t *testing.T) {
	dir, keys, _ := auditTrail(t, 5)
	good := readLines(t, dir)
	writeLines(t, dir, good[:3])
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 4, RecordsTruncated)
	if want := "records 4 to 5 were removed from the end (audit.head counts 5)"; rep.First().Text != want {
		t.Fatalf("text %q, want %q", rep.First().Text, want)
	}
	// A chain alone could not tell: without the head it is whole.
	os.Remove(filepath.Join(dir, auditHeadFile))
	rep = verified(t, dir, keys)
	wantProblem(t, rep, 3, HeadDamaged)
	if len(rep.Problems) != 1 {
		t.Fatalf("problems %v", rep.Problems)
	}
	// The whole log gone, the head kept.
	writeLines(t, dir, good)
	openTestAudit(t, dir, keys) // rebuilds the head: the trail records it
	os.Remove(filepath.Join(dir, auditLogFile))
	rep = verified(t, dir, keys)
	wantProblem(t, rep, 1, RecordsTruncated)
}

func TestRollingBackTheLogAndItsHeadTogetherIsNotDetectedOnThisDiskAlone(t *testing.T) {
	// The documented limit: an older copy of both files is a valid, shorter trail.
	dir, keys, a := auditTrail(t, 3)
	oldLog, _ := os.ReadFile(filepath.Join(dir, auditLogFile))
	oldHead, _ := os.ReadFile(filepath.Join(dir, auditHeadFile))
	appendRecords(t, a, 2)
	os.WriteFile(filepath.Join(dir, auditLogFile), oldLog, 0o600)
	os.WriteFile(filepath.Join(dir, auditHeadFile), oldHead, 0o600)
	if rep := verified(t, dir, keys); !rep.Intact() || rep.Records != 3 {
		t.Fatalf("report %+v", rep)
	}
}

func TestADamagedOrMissingHeadIsDetectedAndStaysOnRecord(t *testing.T) {
	dir, keys, _ := auditTrail(t, 4)
	headPath := filepath.Join(dir, auditHeadFile)
	head, _ := os.ReadFile(headPath)
	for i := 0; i < len(head)-1; i += 7 {
		damaged := bytes.Clone(head)
		damaged[i] ^= 1
		os.WriteFile(headPath, damaged, 0o600)
		wantProblem(t, verified(t, dir, keys), 4, HeadDamaged)
	}
	os.Remove(headPath)
	wantProblem(t, verified(t, dir, keys), 4, HeadDamaged)

	// The next append rebuilds the head and says so in the chain, so that
	// a new head does not hide what happened.
	a := openTestAudit(t, dir, keys)
	appendRecords(t, a, 1)
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 5, HeadDamaged)
	if rep.Records != 6 || rep.Head != 6 || len(rep.Problems) != 1 {
		t.Fatalf("report %+v", rep)
	}
	rows := exportRows(t, dir, keys)
	if rows[4].Action != AuditHeadRebuilt || rows[4].Status != rowVerified || rows[5].Status != rowVerified {
		t.Fatalf("rows %+v", rows[4:])
	}
}

func TestTheChainGoesOnAfterARestart(t *testing.T) {
	dir, _, _ := auditTrail(t, 2)
	keys, err := Unlock(dir, testPassphrase) // a new process
	if err != nil {
		t.Fatal(err)
	}
	appendRecords(t, openTestAudit(t, dir, keys), 2)
	rep := verified(t, dir, keys)
	if !rep.Intact() || rep.Records != 4 || rep.Head != 4 {
		t.Fatalf("report %+v", rep)
	}
	for i, r := range exportRows(t, dir, keys) {
		if r.Seq != uint64(i+1) || r.Status != rowVerified {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
}

func TestAnUnfinishedAppendIsCutAndACompleteOneBeyondTheHeadIsKept(t *testing.T) {
	dir, keys, a := auditTrail(t, 3)
	logPath, headPath := filepath.Join(dir, auditLogFile), filepath.Join(dir, auditHeadFile)
	head3, _ := os.ReadFile(headPath)
	appendRecords(t, a, 1)
	// A crash after the record was synced, before the head was replaced.
	os.WriteFile(headPath, head3, 0o600)
	if rep := verified(t, dir, keys); !rep.Intact() || rep.Records != 4 || rep.Head != 3 {
		t.Fatalf("report %+v", rep)
	}
	// A crash in the middle of writing record 5.
	lines := readLines(t, dir)
	f, _ := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(lines[1][:len(lines[1])/2])
	f.Close()
	if rep := verified(t, dir, keys); !rep.Intact() || rep.Records != 4 {
		t.Fatalf("report with an unfinished line %+v", rep)
	}
	appendRecords(t, a, 1)
	rep := verified(t, dir, keys)
	if !rep.Intact() || rep.Records != 5 || rep.Head != 5 {
		t.Fatalf("report %+v", rep)
	}
}

func TestAShortenedLogIsNeverResetAndTheGapStaysVisible(t *testing.T) {
	dir, keys, a := auditTrail(t, 5)
	good := readLines(t, dir)
	// Cut in the middle of record 3's line: not an unfinished append, since
	// the head vouches for all five.
	writeLines(t, dir, [][]byte{good[0], good[1], good[2][:40]})
	appendRecords(t, a, 1)
	rep := verified(t, dir, keys)
	wantProblem(t, rep, 3, RecordAltered)
	if rep.Records != 4 || rep.Head != 6 || rep.Problems[1].Kind != RecordRemoved {
		t.Fatalf("report %+v", rep)
	}
	lines := readLines(t, dir)
	if !bytes.Equal(lines[0], good[0]) || !bytes.Equal(lines[1], good[1]) || parsed(t, lines[3]).Seq != 6 {
		t.Fatal("the log was rewritten")
	}
}

func TestFailedUnlocksAreRecordedWhileLockedAndFoldedInOnce(t *testing.T) {
	dir, keys, a := auditTrail(t, 2)
	for range 2 {
		if err := AuditWhileLocked(dir, AuditRecord{Actor: intruder, Action: AuditUnlockFailed}); err != nil {
			t.Fatal(err)
		}
	}
	pendingPath := filepath.Join(dir, auditPendingFile)
	pending, err := os.ReadFile(pendingPath)
	if err != nil || bytes.Contains(pending, []byte("Intruder")) {
		t.Fatalf("audit.pending: %v", err)
	}
	if rep := verified(t, dir, keys); !rep.Intact() || rep.Pending != 2 || rep.Records != 2 {
		t.Fatalf("report %+v", rep)
	}
	openTestAudit(t, dir, keys) // the next unlock
	if _, err := os.Stat(pendingPath); !os.IsNotExist(err) {
		t.Fatalf("audit.pending after folding: %v", err)
	}
	rep := verified(t, dir, keys)
	if !rep.Intact() || rep.Pending != 0 || rep.Records != 4 {
		t.Fatalf("report %+v", rep)
	}
	rows := exportRows(t, dir, keys)
	for _, r := range rows[2:] {
		if r.Action != AuditUnlockFailed || r.Actor != intruder || !r.WhileLocked || r.Folded.IsZero() || r.Status != rowVerified {
			t.Fatalf("folded row %+v", r)
		}
	}
	// A crash between folding and removing the file folds nothing twice.
	os.WriteFile(pendingPath, pending, 0o600)
	openTestAudit(t, dir, keys)
	if rep := verified(t, dir, keys); rep.Records != 4 || !rep.Intact() {
		t.Fatalf("refolded: %+v", rep)
	}
	// A line that is not an event is folded in as unreadable, not dropped.
	os.WriteFile(pendingPath, []byte("{\"pid\":\"<not an id>\",\"ct\":\"AAAA\"}\n"), 0o600)
	appendRecords(t, a, 1) // a kiosk that stayed unlocked folds it in at its next append
	rows = exportRows(t, dir, keys)
	if len(rows) != 6 || rows[4].Action != AuditPendingUnreadable || !rows[4].WhileLocked || rows[4].Status != rowVerified {
		t.Fatalf("rows %+v", rows)
	}
	if bytes.Contains(readLines(t, dir)[4], []byte("not an id")) {
		t.Fatal("a pending id that is not hex reached the log")
	}
}

func TestNothingIdentifyingIsWrittenInTheClear(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir, keys, a := auditTrail(t, 5)
	if err := AuditWhileLocked(dir, AuditRecord{Actor: intruder, Action: AuditUnlockFailed, Subject: auditPatient}); err != nil {
		t.Fatal(err)
	}
	scan := func(when string) {
		for _, root := range []string{dir, tmp} {
			filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
				if err != nil || info.IsDir() {
					return err
				}
				b, _ := os.ReadFile(path)
				for _, s := range []string{auditActor, auditPatient, auditDetails, intruder, AuditViewChart, AuditUnlockFailed} {
					if bytes.Contains(b, []byte(s)) || strings.Contains(path, s) {
						t.Errorf("%s: %s holds %q in the clear", when, path, s)
					}
				}
				return nil
			})
		}
	}
	scan("with an event pending")
	appendRecords(t, openTestAudit(t, dir, keys), 1)
	appendRecords(t, a, 1)
	if _, err := ExportAudit(dir, keys, new(bytes.Buffer), "csv"); err != nil {
		t.Fatal(err)
	}
	scan("after folding and exporting")
}

func TestTheSizeOfARecordDoesNotTellTheActionApart(t *testing.T) {
	dir, _, a := auditTrail(t, 0)
	for _, r := range []AuditRecord{
		{Actor: "A", Action: AuditUnlock},
		{Actor: auditActor, Action: AuditViewChart, Subject: auditPatient},
		{Actor: auditActor, Action: AuditRecordEntry, Subject: "0b8f7e4c-2d1a-4f7e-9c3b-5a6d7e8f9a0b", Details: auditDetails},
	} {
		if err := a.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	lines := readLines(t, dir)
	for _, l := range lines[1:] {
		if len(l) != len(lines[0]) {
			t.Fatalf("line sizes %d and %d differ", len(lines[0]), len(l))
		}
	}
}

func TestAppendsFromSeveralWritersKeepOneChain(t *testing.T) {
	dir, keys := testVault(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			a, err := OpenAudit(dir, keys)
			for i := 0; err == nil && i < 5; i++ {
				err = a.Append(AuditRecord{Actor: auditActor, Action: AuditViewChart})
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if rep := verified(t, dir, keys); !rep.Intact() || rep.Records != 20 || rep.Head != 20 {
		t.Fatalf("report %+v", rep)
	}
}

func TestTheCSVExportKeepsSpreadsheetsFromRunningFormulas(t *testing.T) {
	dir, keys, a := auditTrail(t, 1)
	if err := a.Append(AuditRecord{Actor: "=HYPERLINK(\"http://x\")", Action: AuditPrint, Subject: auditPatient}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := ExportAudit(dir, keys, &buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "seq" || rows[1][5] != auditActor || rows[2][5] != "'=HYPERLINK(\"http://x\")" || rows[2][1] != rowVerified {
		t.Fatalf("csv %q", rows)
	}
	if _, err := ExportAudit(dir, keys, &buf, "xml"); err == nil {
		t.Fatal("an unknown format was accepted")
	}
}

// benchAudit is a vault for the benchmarks, on the disk of $TMPDIR.
func benchAudit(b *testing.B) (string, *Keys) {
	dir := b.TempDir()
	if _, err := Init(dir, testPassphrase, InitOptions{WorkFactor: 10}); err != nil {
		b.Fatal(err)
	}
	keys, err := Unlock(dir, testPassphrase)
	if err != nil {
		b.Fatal(err)
	}
	return dir, keys
}

// BenchmarkAuditAppend is one durable append: encrypt, chain, sign, write
// and fsync the line, replace the head (write, fsync, rename, fsync folder).
func BenchmarkAuditAppend(b *testing.B) {
	dir, keys := benchAudit(b)
	a := openTestAudit(b, dir, keys)
	r := AuditRecord{Actor: auditActor, Action: AuditViewChart, Subject: auditPatient}
	for b.Loop() {
		if err := a.Append(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditVerify1000 checks and decrypts a trail of 1,000 records.
func BenchmarkAuditVerify1000(b *testing.B) {
	dir, keys := benchAudit(b)
	appendRecords(b, openTestAudit(b, dir, keys), 1000)
	for b.Loop() {
		if _, rep, err := ReadAudit(dir, keys); err != nil || !rep.Intact() {
			b.Fatal(err, rep.Problems)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, auditLogFile)); err == nil {
		b.ReportMetric(float64(fi.Size())/1000, "log-bytes/record")
	}
}
