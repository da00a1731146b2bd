// Package hub is the hospital's hub: one process pulls every ward from
// the EHR once (one census, one set of searches, sync/live) and publishes
// each ward's sealed generations for that ward's enrolled kiosks, as
// plain files any static web server or share can carry; kiosks enrol
// with a one-time code and subscribe to the publication.
//
// # Invariants
//
//   - A ward's generations are encrypted to that ward's enrolled kiosks,
//     the hub itself and IT's recovery recipient, and signed by the hub;
//     a kiosk opens them with the hub's key it pinned at enrolment.
//   - The hub's records (wards, kiosks, enrolment codes) are each a file
//     signed with the hub's key, which is sealed under the hub
//     passphrase: whoever can write the hub's disk without it cannot add
//     a kiosk, and so cannot have patient data encrypted to a key of
//     theirs.
//   - Publication is atomic: generation files are linked into the
//     publication folder and fsync'd before the signed index that names
//     them replaces the old one; a kill at any point leaves the old index
//     naming files that are there, and the next run completes the rest.
//   - The index's sequence only grows (at least the publication's time in
//     milliseconds), so that a kiosk refuses an older index as a rollback
//     even after the hub lost its own copy.
//   - A ward's numbers only grow, even after the hub's folder was
//     restored from a back-up: a kiosk's verified heartbeat that says it
//     holds a higher number than the hub's newest (by at most a million)
//     raises the ward's rollback floor above it, and the ward's next
//     generation is sealed whole. Likewise a hand-in receipt says how far
//     the hub holds a kiosk's journal with nothing missing before, so a
//     hub that lost part of one is handed it again.
//   - No patient data in the index, the records, file names or logs:
//     wards and kiosks are named by their ids, generations by number.
//
// # Files
//
// In the hub's data folder (HUBDIR):
//
//	config.json, keyring.age   the hub's keys, as a kiosk's (package store)
//	wards/ID/ward.json          a ward published, signed
//	wards/ID/snapshots/*.lbs    the ward's generations as sealed (a vault folder of package store)
//	wards/ID/generations.floor  its rollback floor
//	kiosks/ID.json              a kiosk enrolled, its ward and public keys, signed
//	codes/HASH.code             an enrolment code: its ward and expiry, signed; HASH is the SHA-256 of its secret
//	codes/HASH.used             the code was used (created once: a code works once)
//	publish/                    the publication, unless --publish names another folder
//
// In the publication folder:
//
//	index.json                  the signed index: per ward the newest generation and its chain, the EHR's state
//	wards/ID/NNNNNNNNNNNN.lbs   the generations, immutable, exactly as sealed
package hub
