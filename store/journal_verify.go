package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"
)

// fileState is what OpenJournal found of the journal's files.
type fileState struct {
	head       *journalHead     // journal.head as read at open, or nil
	headErr    error            // why it was not taken (missing, or damaged or not this kiosk's), or nil
	lost       int64            // entries recorded in a file that is gone: the sequence goes on after them
	problems   []JournalProblem // what is wrong with the files
	notes      []string         // said in every head from now on
	upgraded   bool             // the journal was signed for the first time at this open
	downgraded string           // why its entries cannot be trusted although they read: signatures removed, or cannot tell
	audited    *auditWitness    // what the audit trail witnessed, once read
}

// auditWitness is what the audit trail says of the journal: the highest
// entry it witnessed, the entries it saw recorded at all (by id, with a
// witness or, before entries were signed, without), or that it cannot be
// relied on to say.
type auditWitness struct {
	highest  int64
	recorded map[string]bool
	err      error
}

// errAuditUntold says that the audit trail cannot tell what was recorded:
// it cannot be read, or verification found it altered, so that witnesses
// may have been taken out of it.
var errAuditUntold = errors.New("the audit trail cannot be read or was altered")

// witnessed is the highest sequence number the audit trail recorded a
// witness for (0 if none) and the ids of the entries it saw recorded,
// with errAuditUntold when the trail cannot be read or is not intact: a
// trail that was tampered with cannot vouch that no other witness was
// there. Reading the trail decrypts every record, so it is done only when
// the journal's own files cannot say, and once.
func (f *fileState) witnessed(dir string, keys *Keys) (highest int64, recorded map[string]bool, err error) {
	if f.audited == nil {
		rows, rep, err := ReadAudit(dir, keys)
		f.audited = witnessesIn(AuditRead{Rows: rows, Report: rep, Err: err})
	}
	return f.audited.highest, f.audited.recorded, f.audited.err
}

// witnessesIn is what one reading of the audit trail witnessed.
func witnessesIn(trail AuditRead) *auditWitness {
	w := &auditWitness{recorded: map[string]bool{}}
	if trail.Err != nil || !trail.Report.Intact() {
		w.err = errAuditUntold
	}
	for _, r := range trail.Rows {
		if r.Action != AuditRecordEntry {
			continue
		}
		w.recorded[r.Subject] = true
		if seq, _, ok := parseWitness(r.Details); ok {
			w.highest = max(w.highest, seq)
		}
	}
	return w
}

func (f *fileState) problem(kind, text string) {
	f.problems = append(f.problems, JournalProblem{Kind: kind, Text: text})
}

// openFiles reads journal.head, finds the journal file it names and opens
// it, or, when it is missing or damaged while entries were recorded,
// chooses the new file that the next Record creates beside it.
func (j *Journal) openFiles(ctx context.Context) error {
	name := journalFile
	head, herr := readJournalHead(j.dir, j.keys.trusted)
	j.files.headErr = herr
	switch {
	case herr == nil:
		name, j.files.head = head.File, head
		j.files.notes, j.files.lost = head.Notes, head.Base
		for _, n := range head.Notes {
			j.files.problem(ProblemFile, n)
		}
	case errors.Is(herr, errJournalHeadMissing), errors.Is(herr, errJournalHeadDamaged):
	default:
		return herr
	}
	j.path = filepath.Join(j.dir, name)
	exists, err := inspectJournal(ctx, j.path)
	var je *JournalError
	switch {
	case errors.As(err, &je):
		return j.lostFile(name, je)
	case err != nil:
		return err
	case !exists:
		return j.lostFile(name, nil)
	}
	if err := j.connect(ctx, false); err != nil {
		if errors.As(err, &je) {
			j.db = nil
			return j.lostFile(name, je)
		}
		return err
	}
	if err := j.refresh(ctx, j.db); err != nil {
		return err
	}
	switch {
	case j.files.downgraded != "":
		j.files.problem(ProblemFile, j.files.downgraded)
	case herr != nil && !j.files.upgraded && !j.legacy && j.last > 0 && !(errors.Is(herr, errJournalHeadMissing) && j.recoveryRoleOnly()):
		why := "journal.head is missing"
		if errors.Is(herr, errJournalHeadDamaged) {
			why = "journal.head is damaged or not this kiosk's"
		}
		note := fmt.Sprintf("%s (found %s): entries removed from the end of the journal before then would not show.",
			why, j.now().UTC().Format("2006-01-02 15:04 MST"))
		j.files.problem(ProblemHead, note)
		j.files.notes = append(j.files.notes, note)
	case j.legacy && j.last > 0:
		j.files.problem(ProblemHead, "The journal was written by an older Lifeboat and is not signed yet: unlock with the ward passphrase to sign it.")
	}
	if j.files.upgraded {
		return j.writeHead()
	}
	j.holdToHead(head, herr)
	return nil
}

// recoveryRoleOnly says whether every entry read, and at least one, was
// recorded by IT's recovery role, which cannot sign journal.head: the
// hub's journal of decisions is written with the recovery key alone, so
// it never has a head, and a head missing there says nothing. (A decision
// removed from its end is not seen; the entry it decided, if not yet
// reconciled, waits for a person again.)
func (j *Journal) recoveryRoleOnly() bool {
	if len(j.entries) == 0 || int64(len(j.entries)) != j.last || len(j.rowProblems) > 0 {
		return false
	}
	for _, e := range j.entries {
		if e.Signer != SignerRecovery {
			return false
		}
	}
	return true
}

// lostFile handles a journal file that is missing, empty or damaged. If
// entries were recorded (journal.head says so, or, without a head, the
// audit trail), that is said with how many, the file is left exactly as
// it is for IT, and the next Record starts a new file beside it, going on
// with the sequence. A missing or empty file on a kiosk that never
// recorded anything is simply a journal not yet created. When neither can
// say (a journal.head that is there but cannot be trusted, an audit trail
// that cannot be read or was altered), that is said: never taken for a
// kiosk that recorded nothing.
func (j *Journal) lostFile(name string, damage *JournalError) error {
	var known int64
	untold := ""
	if j.files.head != nil {
		known = j.files.head.Count
	} else {
		var err error
		known, _, err = j.files.witnessed(j.dir, j.keys)
		switch {
		case j.files.headOnDisk():
			untold = "journal.head is damaged or not this kiosk's"
		case errors.Is(err, errAuditUntold):
			untold = "the audit trail cannot be read or was altered"
		}
	}
	present := journalFileTaken(j.path)
	what := "is missing or empty"
	if damage != nil {
		what = "is damaged (" + damage.Reason + ")"
	}
	if known == 0 && damage == nil && untold == "" {
		// Nothing was ever recorded: the first Record creates the file. A
		// head saying so spares the next open the audit trail's reading.
		if j.files.head == nil && j.keys.signing != nil {
			return j.writeHead()
		}
		return nil
	}
	j.files.lost = known
	if h := j.files.head; h != nil {
		// The new file goes on from the last entry the head signed.
		j.signedSeq, j.signedChain = h.Count, h.Chain
	}
	text := fmt.Sprintf("%s %s", name, what)
	if known > 0 {
		text += fmt.Sprintf(": %s recorded on this kiosk %s gone", entrySpanNoun(1, known), plural(int(known), "is", "are"))
	} else if untold != "" {
		text += ", and " + untold + ", so whether entries recorded on this kiosk were lost cannot be told"
	}
	if present {
		text += "; the file was left untouched for IT"
	}
	// The next file, beside the evidence.
	next := name
	for p := filepath.Join(j.dir, next); journalFileTaken(p); p = filepath.Join(j.dir, next) {
		next = nextJournalFile(next)
	}
	if next != name {
		text += "; recording goes on in " + next
	}
	j.path = filepath.Join(j.dir, next)
	text += fmt.Sprintf(" (found %s).", j.now().UTC().Format("2006-01-02 15:04 MST"))
	j.files.problem(ProblemFile, text)
	j.files.notes = append(j.files.notes, text)
	return nil
}

// entrySpanNoun names entries from..to without a verb.
func entrySpanNoun(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d", from)
	}
	return fmt.Sprintf("entries %d to %d", from, to)
}

// headLater has journal.head written after Record returns, on another
// goroutine: the nurse waits for the entry's fsync, not for the head's.
// Entries recorded in quick succession share one head: the writer waits
// headDelay for more before it writes, so that the head's two fsyncs do
// not queue behind each entry's on the disk. A head that lags behind, by a
// crash before it was written, only leaves newer entries beyond it, which
// are read and verified like the others; the head matters for entries
// removed from the end. Close writes the last one at once. The caller
// holds j.mu.
func (j *Journal) headLater() {
	if j.keys.signing == nil || j.legacy {
		return
	}
	if j.heads == nil {
		j.heads, j.headsDone, j.closing = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go func() {
			defer close(j.headsDone)
			for range j.heads {
				select {
				case <-time.After(headDelay):
				case <-j.closing:
				}
				j.mu.Lock()
				j.headProblem = j.writeHead()
				j.mu.Unlock()
			}
		}()
	}
	select {
	case j.heads <- struct{}{}:
	default: // one is pending: it will write the newest state
	}
}

// headDelay is how long the head writer waits for more entries.
const headDelay = 250 * time.Millisecond

// writeHead signs and replaces journal.head with the newest signed entry,
// the file in use and the notes. Keys opened with the recovery key cannot
// sign: their entries go beyond the head, where readers adopt them.
func (j *Journal) writeHead() error {
	if j.keys.signing == nil || j.legacy {
		return nil
	}
	h := &journalHead{File: filepath.Base(j.path), Base: j.files.lost, Count: max(j.signedSeq, j.files.lost),
		Chain: j.signedChain, Notes: j.files.notes}
	if err := writeJournalHead(j.dir, j.keys.signing, h); err != nil {
		return fmt.Errorf("the entry is saved, but %w", err)
	}
	j.files.head = h
	return nil
}

// Check verifies the whole journal: every entry's signature and chain,
// the head, and the files. It reads what other processes recorded first,
// and journal.head again.
func (j *Journal) Check(ctx context.Context) (JournalCheck, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return JournalCheck{}, ErrJournalClosed
	}
	if j.db != nil {
		if err := j.refresh(ctx, j.db); err != nil {
			return JournalCheck{}, err
		}
	}
	if err := j.checkHead(); err != nil {
		return JournalCheck{}, err
	}
	c := JournalCheck{Entries: len(j.entries), RecoveryOnly: j.recoveryOnly, Problems: j.problems()}
	for _, e := range j.entries {
		if e.Signer == SignerUpgrade {
			c.Upgraded++
		}
	}
	return c, nil
}

// Problems is what verification found as of the last read (OpenJournal,
// List, Record, Check), without reading anything: for a screen that must
// not wait on the disk.
func (j *Journal) Problems() []JournalProblem {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.problems()
}

func (j *Journal) problems() []JournalProblem {
	var out []JournalProblem
	if j.headProblem != nil {
		out = append(out, JournalProblem{Kind: ProblemHead,
			Text: "journal.head could not be written (" + j.headProblem.Error() + "): entries removed from the end would not show."})
	}
	out = append(out, j.files.problems...)
	out = append(out, j.rowProblems...)
	return append(out, j.headProblems...)
}

// checkHead holds the entries read against journal.head as it is on disk
// now: entries removed from the end, or the newest one replaced.
func (j *Journal) checkHead() error {
	head, herr := readJournalHead(j.dir, j.keys.trusted)
	if herr != nil && !errors.Is(herr, errJournalHeadMissing) && !errors.Is(herr, errJournalHeadDamaged) {
		return herr
	}
	j.holdToHead(head, herr)
	return nil
}

// holdToHead holds the entries read against a reading of journal.head
// (herr when it was missing, damaged or not this kiosk's).
func (j *Journal) holdToHead(head *journalHead, herr error) {
	j.headProblems = nil
	switch {
	case herr != nil, head.File != filepath.Base(j.path), head.Count <= j.files.lost:
	case head.Count > j.last:
		from := max(j.last, j.files.lost) + 1
		j.headProblems = append(j.headProblems, JournalProblem{Kind: ProblemMissing, Seq: from, Last: head.Count,
			Text: entrySpan(from, head.Count) + " missing: removed from the end of the journal."})
	default:
		if k := sort.Search(len(j.entries), func(i int) bool { return j.entries[i].Seq >= head.Count }); k < len(j.entries) &&
			j.entries[k].Seq == head.Count && !bytes.Equal(j.entries[k].chain, head.Chain) {
			j.headProblems = append(j.headProblems, JournalProblem{Kind: ProblemOrder, Seq: head.Count,
				Text: fmt.Sprintf("entry %d is not the one journal.head signed: the journal was replaced.", head.Count)})
		}
	}
}

// headOnDisk says whether a journal.head was there at open, taken or not.
func (f *fileState) headOnDisk() bool { return !errors.Is(f.headErr, errJournalHeadMissing) }

// CrossCheck holds the journal against the audit trail's witnesses: an
// entry the trail saw recorded (its id, sequence number and chain value)
// that the journal no longer holds, or holds with another chain value, is
// a problem, even when the journal's own head went with it. rows are the
// trail's, from ReadAudit.
func (j *Journal) CrossCheck(ctx context.Context, rows []AuditRow) ([]JournalProblem, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrJournalClosed
	}
	if j.db != nil {
		if err := j.refresh(ctx, j.db); err != nil {
			return nil, err
		}
	}
	// What is already reported, as ranges of sequence numbers: a forged
	// row can claim any number up to the largest, so they are compared,
	// never enumerated.
	var spans []seqSpan
	for _, p := range append(j.rowProblems, j.files.problems...) {
		if p.Seq > 0 {
			spans = append(spans, seqSpan{p.Seq, max(p.Seq, p.Last)})
		}
	}
	if j.files.lost > 0 {
		spans = append(spans, seqSpan{1, j.files.lost})
	}
	covered := coverage(spans)
	reported := map[int64]bool{} // witnesses reported here
	var out []JournalProblem
	for _, r := range rows {
		seq, chain, ok := parseWitness(r.Details)
		if !ok || r.Action != AuditRecordEntry || reported[seq] || covered(seq) {
			continue
		}
		k, found := j.index[r.Subject]
		switch {
		case !found:
			out = append(out, JournalProblem{Kind: ProblemMissing, Seq: seq, EntryID: r.Subject,
				Text: fmt.Sprintf("entry %d is missing from the journal: audit record %d saw it recorded.", seq, r.Seq)})
		case j.entries[k].Seq != seq || !bytes.Equal(j.entries[k].chain, chain):
			out = append(out, JournalProblem{Kind: ProblemOrder, Seq: seq, EntryID: r.Subject,
				Text: fmt.Sprintf("entry %d is not the one audit record %d saw recorded: the journal was replaced.", seq, r.Seq)})
		default:
			continue
		}
		reported[seq] = true
	}
	return out, nil
}

// seqSpan is the sequence numbers from first to last, both included.
type seqSpan struct{ first, last int64 }

// coverage returns whether a sequence number falls in any of spans, in
// O(log n) a question after O(n log n) once, whatever the numbers.
func coverage(spans []seqSpan) func(int64) bool {
	slices.SortFunc(spans, func(a, b seqSpan) int { return cmp.Compare(a.first, b.first) })
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s.first <= merged[n-1].last {
			merged[n-1].last = max(merged[n-1].last, s.last)
			continue
		}
		merged = append(merged, s)
	}
	return func(seq int64) bool {
		// The first span that ends at or after seq is the only one that can hold it.
		k := sort.Search(len(merged), func(i int) bool { return merged[i].last >= seq })
		return k < len(merged) && merged[k].first <= seq
	}
}

// exists says whether there is anything at path (a file, a FIFO, …).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
