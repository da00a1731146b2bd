// Package clinical is the essential record and the clinical rules that
// read it: what a chart and a downtime entry are, and every rule a
// nurse-informatics engineer looks for, each in a file named for it. It
// knows no storage (package store keeps the charts and the journal safe)
// and no window (app/present says how all of this reads, in words).
//
// # Where is X
//
// The model:
//
//	chart.go         a patient's chart: the sections and their honest status (none known, none recorded), allergies, orders, administrations, observations, alerts, notes
//	entry.go         a downtime entry: its kinds and payloads, outcomes of a dose, reconciliation decisions
//	census.go        one line of the ward's census
//	section.go       every source resource a chart keeps, section by section
//	journaled.go     an entry as the journal lists it, and what superseded what (Journaled, MarkSuperseded)
//	tempid.go        temporary patient identifiers: made, read as typed, checked
//
// The rules:
//
//	schedule.go      MAR timing: when a dose falls, when it is due or overdue (StateOfDose), which record documents it (DocumentingRecords), the last dose given
//	dosefacts.go     the census's next dose and overdue count: an order's doses, those documented, those still open (CensusDoses)
//	prn.go           as-needed doses: the interval, the maximum per period, too soon or at the maximum
//	allergyclass.go  allergy checks by drug class, and the hard stop
//	review.go        entry review: every check of a downtime entry before it is recorded (Review)
//	validate.go      what makes an entry impossible (refused) or unusual (a warning)
//	news2.go         the early-warning score, and which values score on their own
//	codestatus.go    code status levels (Belgian DNR codes 0–3)
//	lookalike.go     look-alike names on a ward
//
// Asked the other way round: "when is a dose overdue" is schedule.go;
// "may this dose be given now" is review.go, with prn.go and
// allergyclass.go; "what makes an entry a conflict with the EHR" is
// sync/reconcile's conflict.go; "when is a new census refused for
// dropping patients" is store's censusdrop.go, a guard on sealing.
//
// Review reads the ward through Charts (*store.Ward is one) and the
// journal through Journaled (*store.JournalEntry is one), so that this
// package imports neither.
package clinical
