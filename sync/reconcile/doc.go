// Package reconcile brings what nurses documented during a downtime back
// into the EHR when it returns: every journal entry exactly once, nothing
// pushed that a person has to decide, and a sealed report of the whole.
//
// # Exactly once
//
// Every resource an entry creates carries the entry's UUID as an
// identifier (Provenance, which has none in R4, a meta.tag), and is sent
// as a conditional create in a transaction Bundle with a fullUrl made
// from that UUID, so a retry sends the same Bundle and the server makes
// nothing twice. Before each round the planner reads the server again:
// an entry whose resources are already there (an earlier attempt got
// through, its answer lost) is recorded as such, not sent again. After a
// Bundle that failed, the server is not trusted to have rolled back: it
// is read and the entries re-planned. A run can be stopped at any moment
// and run again.
//
// # Where things live
//
//	plan.go       the plan: for each entry not yet reconciled, its outcome
//	              (create, already there, conflict, needs a link, skipped,
//	              nothing to push, failed)
//	conflict.go   what makes an entry a conflict (the conflict kinds), and both sides of one
//	server.go     what the planner reads of the server, decoded into the
//	              r4 types (sync/fhir/r4)
//	link.go       EHR patients proposed for a patient registered during the downtime
//	decide.go     a person's decisions (push anyway, skip, link to an EHR patient, edit then push), recorded as journal entries
//	resources.go  how an entry becomes the requests of a transaction Bundle:
//	              resources built as r4 values; a change of a server resource
//	              edits its JSON member by member, keeping what r4 leaves out
//	request.go    the requests, identifier systems and what they point at
//	push.go       Reconciler.Run: plan, push, record each entry's final state, plan again
//	pace.go       how a push adapts to a slow, busy server (Bundle size, timeouts, quiet periods)
//	report.go     the reconciliation report sealed for the hospital
//
// # What it trusts
//
// Only journal entries that verify (signed by the kiosk, chained, not
// removed; see store's journal) are planned; one that does not is listed
// as failing verification and never pushed. Conflicts and registrations
// to link wait for a person, at the command line (reconcile decide) or in
// the worklist window; their decisions are journal entries like the rest.
package reconcile
