package clinical

// Journaled is a downtime entry as a journal lists it, for the rules that
// read the journal (review, NEWS2, code status, the doses the MAR shows as
// documented): the entry, and whether a later entry corrected or
// cancelled it. *store.JournalEntry is one; the journal says what
// superseded what over the whole journal (MarkSuperseded), so a patient's
// entries alone keep that knowledge.
type Journaled[J any] interface {
	*J
	// Documented is the entry itself.
	Documented() *Entry
	// Superseded says whether a later entry corrected or cancelled it.
	Superseded() bool
	// SupersedeBy records that the entry by corrected or cancelled it.
	SupersedeBy(by *Entry)
}

// MarkSuperseded marks every entry of a journal (in the order recorded)
// that a later one corrected or cancelled; the first entry to supersede
// another is the one that counts, and an entry already marked stays so.
func MarkSuperseded[J any, P Journaled[J]](entries []J) {
	at := make(map[string]int, len(entries))
	for i := range entries {
		at[P(&entries[i]).Documented().ID] = i
	}
	for i := range entries {
		e := P(&entries[i]).Documented()
		if k, ok := at[e.Supersedes]; ok && e.Supersedes != "" && !P(&entries[k]).Superseded() {
			P(&entries[k]).SupersedeBy(e)
		}
	}
}
