package store

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// AuditProblemKind says how the audit trail was found altered.
type AuditProblemKind string

const (
	RecordAltered    AuditProblemKind = "altered"   // a record's content, sequence number or line was changed
	RecordRemoved    AuditProblemKind = "removed"   // records are missing between two others
	RecordReordered  AuditProblemKind = "reordered" // a record is out of place, or appears twice
	RecordForged     AuditProblemKind = "forged"    // a record is not signed by this kiosk
	RecordsTruncated AuditProblemKind = "truncated" // the newest records are gone (the head says so)
	HeadDamaged      AuditProblemKind = "head-damaged"
)

// AuditProblem is one thing found wrong with the trail.
type AuditProblem struct {
	Seq  uint64           `json:"seq"`
	Kind AuditProblemKind `json:"kind"`
	Text string           `json:"text"` // e.g. "record 17 was removed"
}

func (p AuditProblem) String() string { return p.Text }

// AuditReport is what verification found.
type AuditReport struct {
	Records  int            // lines in audit.log: records, readable or not
	Head     uint64         // the number of records the signed head vouches for
	Pending  int            // events recorded while locked, not yet folded in
	Problems []AuditProblem // in the order found; none when the trail is intact
}

// Intact says whether no problem was found.
func (r AuditReport) Intact() bool { return len(r.Problems) == 0 }

// First is the first problem found, or nil.
func (r AuditReport) First() *AuditProblem {
	if len(r.Problems) == 0 {
		return nil
	}
	return &r.Problems[0]
}

// Status of each exported record.
const (
	rowVerified   = "verified"   // signed by this kiosk and chained to the record before it
	rowSigned     = "signed"     // signed by this kiosk, but not chained to the record before it
	rowAltered    = "altered"    // its chain or content does not match its signature: not to be trusted
	rowForged     = "forged"     // not signed by this kiosk: not to be trusted
	rowUnreadable = "unreadable" // the line is not a record
)

// AuditRow is one row of the verified trail, as an export writes it: a
// record with its status (verified, signed, altered, forged, unreadable),
// or a gap where records are missing (Status is then the problem's kind
// and only Seq and Problem are set).
type AuditRow struct {
	Seq         uint64    `json:"seq"`
	Status      string    `json:"status"`
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

// ExportAudit writes the decrypted trail to w for compliance staff, with
// each record's verification status, as JSON Lines ("jsonl") or CSV
// ("csv"). What it writes is plaintext by design.
func ExportAudit(dir string, keys *Keys, w io.Writer, format string) (AuditReport, error) {
	if format != "jsonl" && format != "csv" {
		return AuditReport{}, fmt.Errorf("unknown export format %q: use jsonl or csv", format)
	}
	rows, rep, err := ReadAudit(dir, keys)
	if err != nil {
		return rep, err
	}
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return rep, err
			}
		}
		return rep, nil
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "status", "problem", "time", "kioskId", "actor", "action", "subject", "details", "whileLocked", "folded"})
	for _, r := range rows {
		cw.Write([]string{strconv.FormatUint(r.Seq, 10), r.Status, cell(r.Problem), csvTime(r.Time), cell(r.KioskID),
			cell(r.Actor), cell(r.Action), cell(r.Subject), cell(r.Details), strconv.FormatBool(r.WhileLocked), csvTime(r.Folded)})
	}
	cw.Flush()
	return rep, cw.Error()
}

// cell keeps a spreadsheet from running text as a formula: an actor name
// is typed by whoever stands at the kiosk.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// auditWalk follows the chain line by line.
type auditWalk struct {
	keys     *Keys
	rep      *AuditReport
	rows     []AuditRow
	prev     []byte // chain of the last record in order; nil after a damaged line
	next     uint64 // the sequence number expected next
	damaged  uint64 // damaged lines since the last record in order
	accepted map[uint64][]byte
	reported map[AuditProblem]bool
}

func (w *auditWalk) problem(seq uint64, kind AuditProblemKind, format string, a ...any) string {
	p := AuditProblem{Seq: seq, Kind: kind, Text: fmt.Sprintf(format, a...)}
	if key := (AuditProblem{Seq: seq, Kind: kind}); !w.reported[key] {
		w.reported[key] = true
		w.rep.Problems = append(w.rep.Problems, p)
	}
	return p.Text
}

func (w *auditWalk) accept(l auditLine, seq uint64) {
	w.prev, w.next, w.damaged = l.Chain, seq+1, 0
	w.accepted[seq] = l.Chain
}

// ReadAudit reads and verifies the whole trail, under a shared lock, and
// returns its rows, for a report that prints them. It needs the keys'
// identity and trusted signing key only, not the signing key: keys opened
// with the IT recovery key read it too. The error is for a trail that cannot be read at all;
// what verification found is in the report and the rows.
func ReadAudit(dir string, keys *Keys) ([]AuditRow, AuditReport, error) {
	var rep AuditReport
	w := &auditWalk{keys: keys, rep: &rep, prev: auditGenesis(keys.Config.KioskID), next: 1,
		accepted: map[uint64][]byte{}, reported: map[AuditProblem]bool{}}
	pending, err := countPending(dir)
	if err != nil {
		return nil, rep, err
	}
	rep.Pending = pending
	var data []byte
	var head *auditHead
	var herr error
	f, err := OpenRegular(filepath.Join(dir, auditLogFile), vaultLabel(auditLogFile), maxAuditLogFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		head, herr = readAuditHead(dir, keys.trusted)
	case err != nil:
		return nil, rep, readErr("the audit trail", err)
	default:
		defer f.Close()
		if err := lockAuditFile(f, false); err != nil {
			return nil, rep, fmt.Errorf("locking the audit trail: %w", err)
		}
		defer unlockAuditFile(f)
		head, herr = readAuditHead(dir, keys.trusted)
		if data, err = io.ReadAll(io.LimitReader(f, maxAuditLogFile)); err != nil {
			return nil, rep, fmt.Errorf("reading the audit trail: %w", err)
		}
	}
	if herr != nil && !errors.Is(herr, errHeadMissing) && !errors.Is(herr, errHeadDamaged) {
		return nil, rep, herr
	}
	if head != nil {
		rep.Head = head.Count
	}

	var lines []readLine
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 && head != nil && int64(off) >= head.Size {
			break // an unfinished append cut by a crash: never acknowledged
		}
		if end < 0 {
			end = len(data) - off
		}
		l, ok := parseAuditLine(data[off : off+end])
		lines = append(lines, readLine{l, ok, ok && auditSigned(keys.trusted, l)})
		off += end + 1
	}
	rep.Records = len(lines)
	w.walk(lines)
	w.checkHead(head, herr, len(lines) > 0)
	return w.rows, rep, nil
}

// readLine is one line of audit.log as read: ok if it is a record,
// signed if by this kiosk.
type readLine struct {
	l          auditLine
	ok, signed bool
}

// walk checks each line against the chain so far.
func (w *auditWalk) walk(lines []readLine) {
	// The last position of each signed sequence number tells a record that
	// was moved from one that was removed.
	last := map[uint64]int{}
	for i, ln := range lines {
		if ln.signed {
			last[ln.l.Seq] = i
		}
	}
	for i, ln := range lines {
		if !ln.ok {
			seq := w.next + w.damaged
			text := w.problem(seq, RecordAltered, "record %d was altered (its line is not a record)", seq)
			w.rows = append(w.rows, AuditRow{Seq: seq, Status: rowUnreadable, Problem: text})
			w.prev = nil
			w.damaged++
			continue
		}
		l, e, signed := ln.l, w.next, ln.signed
		linked := w.prev != nil && bytes.Equal(auditChain(w.prev, e, l.CT), l.Chain)
		row := AuditRow{Seq: l.Seq, Status: rowSigned}
		switch {
		case linked && signed && l.Seq == e:
			row.Status = rowVerified
			w.accept(l, e)
		case linked && signed:
			row.Seq, row.Status = e, rowAltered
			row.Problem = w.problem(e, RecordAltered, "record %d was altered (its sequence number)", e)
			w.accept(l, e)
		case !signed:
			row.Status = rowForged
			row.Problem = w.problem(l.Seq, RecordForged, "record %d is not signed by this kiosk (forged)", l.Seq)
		case w.prev == nil && l.Seq >= e && l.Seq <= e+w.damaged:
			w.accept(l, l.Seq) // the first record after damaged lines
		case l.Seq == e:
			row.Status = rowAltered
			row.Problem = w.problem(e, RecordAltered, "record %d was altered", e)
			w.accept(l, e)
		case l.Seq > e:
			if j, ok := last[e]; ok && j > i {
				row.Problem = w.problem(e, RecordReordered, "record %d is out of order: record %d comes before it", e, l.Seq)
			} else {
				from := e + w.damaged
				if w.prev != nil {
					from = e
				}
				if from < l.Seq {
					text := w.problem(from, RecordRemoved, "%s removed", span(from, l.Seq-1, "was", "were"))
					w.rows = append(w.rows, AuditRow{Seq: from, Status: string(RecordRemoved), Problem: text})
				}
			}
			w.accept(l, l.Seq)
		default: // l.Seq < e
			if _, ok := w.accepted[l.Seq]; ok {
				row.Problem = w.problem(l.Seq, RecordReordered, "record %d appears twice (again after record %d)", l.Seq, e-1)
			} else {
				row.Problem = w.problem(l.Seq, RecordReordered, "record %d is out of order: it comes after record %d", l.Seq, e-1)
			}
		}
		w.open(&row, l)
		w.rows = append(w.rows, row)
	}
}

// open decrypts a record for the export and checks that its sealed
// content agrees with its line.
func (w *auditWalk) open(row *AuditRow, l auditLine) {
	r, err := auditDecrypt(w.keys.identity, l.CT)
	if err != nil {
		if row.Status == rowVerified || row.Status == rowSigned {
			row.Status = rowUnreadable
			row.Problem = w.problem(l.Seq, RecordAltered, "record %d cannot be decrypted", l.Seq)
		}
		return
	}
	row.Time, row.KioskID, row.Actor, row.Action, row.Subject, row.Details = r.Time, r.KioskID, r.Actor, r.Action, r.Subject, r.Details
	row.WhileLocked, row.Folded = r.WhileLocked, r.Folded
	trusted := row.Status == rowVerified || row.Status == rowSigned
	if trusted && (r.Seq != l.Seq || r.PendingID != l.PID || r.KioskID != w.keys.Config.KioskID) {
		row.Status = rowAltered
		row.Problem = w.problem(l.Seq, RecordAltered, "record %d was altered (its line does not match its sealed content)", l.Seq)
	}
	if trusted && r.Action == AuditHeadRebuilt {
		row.Problem = w.problem(l.Seq, HeadDamaged, "audit.head was missing or damaged before record %d and was rebuilt", l.Seq)
	}
}

// checkHead compares the end of the log with the signed head.
func (w *auditWalk) checkHead(head *auditHead, herr error, records bool) {
	end := w.next - 1 + w.damaged
	var text string
	switch {
	case errors.Is(herr, errHeadMissing) && records:
		text = w.problem(end, HeadDamaged, "audit.head is missing")
	case errors.Is(herr, errHeadDamaged):
		text = w.problem(end, HeadDamaged, "audit.head is damaged or not signed by this kiosk")
	case head == nil:
		return
	case head.Count > end:
		text = w.problem(end+1, RecordsTruncated, "%s removed from the end (audit.head counts %d)",
			span(end+1, head.Count, "was", "were"), head.Count)
		w.rows = append(w.rows, AuditRow{Seq: end + 1, Status: string(RecordsTruncated), Problem: text})
		return
	case head.Count > 0 && w.accepted[head.Count] != nil && !bytes.Equal(w.accepted[head.Count], head.Chain):
		text = w.problem(head.Count, HeadDamaged, "audit.head does not match record %d", head.Count)
	default:
		return
	}
	w.rows = append(w.rows, AuditRow{Seq: end, Status: string(HeadDamaged), Problem: text})
}

// span names records from..to: "record 4 was", "records 4 to 6 were".
func span(from, to uint64, one, many string) string {
	if from == to {
		return fmt.Sprintf("record %d %s", from, one)
	}
	return fmt.Sprintf("records %d to %d %s", from, to, many)
}

// countPending counts the events waiting in audit.pending.
func countPending(dir string) (int, error) {
	b, err := ReadRegular(filepath.Join(dir, auditPendingFile), vaultLabel(auditPendingFile), maxPendingFile)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, readErr("audit.pending", err)
	}
	n := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n, nil
}
