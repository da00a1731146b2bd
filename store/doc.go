// Package store keeps things safe: the ward database held in memory, the
// kiosk's keys, the sealed snapshot generations, the downtime journal and
// the audit trail. What it keeps (charts, downtime entries) and the
// clinical rules that read them are package clinical's.
//
// # Invariants
//
//   - No plaintext patient data on disk. The ward database is built and
//     read in memory only (SQLite Serialize/Deserialize, temp_store in
//     memory); snapshots, journal entries and audit records are encrypted
//     with age to the kiosk and the IT recovery recipients before they
//     reach a file. What stays in the clear (manifests, sequence numbers,
//     entry UUIDs) names no patient and no user.
//   - Authenticity. Snapshot manifests, journal entries and audit records are signed with
//     the kiosk's Ed25519 key, which is sealed under the ward passphrase
//     with the rest of the configuration; a snapshot that is not signed by
//     it, or was altered, is refused and the newest good one opens.
//   - Nothing is reset. Vault files are written once and never replaced;
//     the journal and the audit trail are only appended to; no error
//     recreates, wipes or repairs any of them.
//
// # Where is X
//
//	ward.go          the ward database in memory: charts, census rows, finding a patient (the clinical.Charts review reads)
//	dosefacts.go     the census's dose facts (clinical.DoseFactsOf) kept in the census table, encoded
//	delta.go         a delta generation: the charts that changed since the last one
//	snapshot.go, sealed.go, open.go, image.go, codec.go, sealcheck.go  sealing and opening snapshot generations
//	floor.go         the rollback floor
//	censusdrop.go    when a new census lost too many patients to be sealed
//	keys.go, passphrase.go  the kiosk's keys, sealed under the ward passphrase
//	journal*.go      the downtime journal: entries sealed, signed and chained, verified
//	reconciliation.go  each entry's reconciliation state
//	audit*.go        the audit trail
//	reports.go, mypatients.go, syncstate.go  sealed reports, "my patients", the live sync's state
//	folder*.go, regular*.go  the data folder's permissions; files opened only when regular
//
// The clinical rules (when a dose is due, entry review, NEWS2, allergy
// classes, code status) are package clinical's; what makes an entry a
// conflict with the EHR is sync/reconcile's conflict.go; how any of this
// reads in words is app/present's.
//
// # Files in a data folder
//
//	config.json      public copy of the configuration (for status)
//	keyring.age      identity, signing key and configuration, under the passphrase
//	snapshots/*.lbs  sealed snapshot generations
//	journal.db       downtime entries, each sealed on its own, signed and chained (SQLite, WAL, synchronous=FULL);
//	                 journal-2.db, … when a journal file was lost or damaged (the old one kept as evidence)
//	journal.head     the journal's signed head: the file in use, the newest entry's number and chain value
//	audit.log        the signed, hash-chained audit trail; audit.head its signed head;
//	audit.pending    events recorded while locked (failed unlocks, work done with the IT recovery key), folded in at unlock
//	generations.floor  the rollback floor: the highest generation sealed, signed; replaced atomically after each seal
//	sync.json        the live sync's last attempt, success and error (no patient data)
//	reports/*        sealed reconciliation reports
//	mypatients.age   each named user's "my patients" selection, sealed (no names or ids in the clear)
//
// The folder and its sub-folders are 0700 and every file 0600
// (SecureFolder puts that right whenever a command opens the folder).
// Every file is opened with OpenRegular or ReadRegular, bounded in size:
// a FIFO or a device planted in place of one is refused (ErrNotRegular),
// never waited on.
package store
