package hub_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	readiness "lifeboat/sync/fleet"
	"lifeboat/sync/hub"
	"lifeboat/sync/reconcile"
)

// note records n nursing notes in the journal of the kiosk at dir.
func note(t *testing.T, dir string, keys *store.Keys, n int) {
	t.Helper()
	j, err := store.OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for range n {
		e := clinical.Entry{Kind: clinical.KindNote, Patient: "p1", ClinicalTime: time.Now().Add(-time.Minute),
			Note: &clinical.NursingNote{Text: "comfortable, no pain"}}
		if err := j.Stamp(&e, "RN Test", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := j.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

func handIn(t *testing.T, f *fleet, k *hub.Subscriber) *hub.HandInSummary {
	t.Helper()
	pin, err := k.Keys.Hub(k.Dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := hub.HandInTo(context.Background(), k.Dir, k.Keys, pin, http.DefaultClient, f.url, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mirrored is how many entries IT reads, with the recovery key, from the
// hub's copy of a kiosk's journal.
func mirrored(t *testing.T, dir, recovery string) int {
	t.Helper()
	rk, err := store.UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), dir, rk)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	c, err := j.Check(context.Background())
	if err != nil || !c.OK() {
		t.Fatalf("the hub's copy of the journal: %v, %v", c.Problems, err)
	}
	es, err := j.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// A kiosk hands in its journal when it reaches the hub: all of it, then
// only what is new; again from a USB copy at the hub's folder, nothing
// twice. IT reads it there with the recovery key; the hub never could.
func TestAKioskHandsInItsJournalOnceWhicheverWayItComes(t *testing.T) {
	f := newFleet(t)
	v := storetest.NewVault(t)
	k := f.enrol(v, "ward-1")
	note(t, k.Dir, k.Keys, 5)
	if s := handIn(t, f, k); s.Stored != 5 || s.Held != 5 || s.KeptApart || s.Lines != 0 {
		t.Fatalf("the first hand-in: %+v", s)
	}
	mirror := filepath.Join(f.hub.Dir, "handin", "kiosks", k.Keys.Config.KioskID)
	if n := mirrored(t, mirror, v.Recovery); n != 5 {
		t.Fatalf("IT reads %d entries at the hub", n)
	}
	if s := handIn(t, f, k); s.Stored != 0 || s.Had != 0 || s.Held != 5 {
		t.Fatalf("nothing new: %+v", s)
	}
	note(t, k.Dir, k.Keys, 2)
	if s := handIn(t, f, k); s.Stored != 2 || s.Had != 0 || s.Held != 7 {
		t.Fatalf("two more: %+v", s)
	}

	// The same journal from a copy, at the hub's folder: held already.
	usb := t.TempDir()
	copyDir(t, k.Dir, usb)
	s, err := hub.HandInToFolder(context.Background(), usb, f.hub.Dir, time.Now())
	if err != nil || s.Stored != 0 || s.Had != 7 || s.KeptApart {
		t.Fatalf("from the copy: %+v, %v", s, err)
	}

	// A receipt altered on the kiosk's disk is no receipt: the next
	// hand-in starts over, and the hub keeps nothing twice.
	writeFile(t, filepath.Join(k.Dir, "handin.json"), `{"payload":{"hub":"x","position":{"file":"journal.db","entry":99}},"sig":"AAAA"}`)
	if s := handIn(t, f, k); s.Stored != 0 || s.Had != 7 {
		t.Fatalf("after the receipt was altered: %+v", s)
	}
	if n := mirrored(t, mirror, v.Recovery); n != 7 {
		t.Fatalf("IT reads %d entries at the hub", n)
	}
	// The board counts them for the ward, none reconciled yet.
	if p := (&hub.Progress{Hub: f.hub}).ByWard(); p["ward-1"] != (readiness.Progress{HandedIn: 7, Pending: 7}) || len(p) != 1 {
		t.Fatalf("the board's reconciliation progress: %+v", p)
	}
}

// audited records n audit records in the trail of the kiosk at dir.
func audited(t *testing.T, dir string, keys *store.Keys, n int) {
	t.Helper()
	a, err := store.OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := a.Append(store.AuditRecord{Actor: "RN Test", Action: store.AuditViewChart, Subject: "p1"}); err != nil {
			t.Fatal(err)
		}
	}
}

// trailHeld is how many audit records IT reads, with the recovery key,
// from the hub's copy of a kiosk's trail, all of them intact.
func trailHeld(t *testing.T, dir, recovery string) int {
	t.Helper()
	rk, err := store.UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	rows, rep, err := store.ReadAudit(dir, rk)
	if err != nil || !rep.Intact() {
		t.Fatalf("the hub's copy of the audit trail: %+v, %v", rep.Problems, err)
	}
	return len(rows)
}

// A hub whose folder is restored from a back-up lacks what was handed in
// since, while the kiosk's receipt says the hub holds it. The hub keeps
// nothing from beyond what it holds and its receipt goes back there, so
// the kiosk hands the rest in again at once, though it recorded nothing
// new: in the end the hub holds every entry and audit record once, and
// the kiosk says nothing waits.
func TestAHubRestoredFromABackUpIsHandedInWhatItLost(t *testing.T) {
	f := newFleet(t)
	v := storetest.NewVault(t)
	k := f.enrol(v, "ward-1")
	store.SetHandInBatch(t, 4<<10) // a few entries a batch
	note(t, k.Dir, k.Keys, 4)
	audited(t, k.Dir, k.Keys, 4)
	if s := handIn(t, f, k); s.Stored != 4 || s.Held != 4 || s.Lines != 4 || s.Waiting != 0 {
		t.Fatalf("the first hand-in: %+v", s)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, f.hub.Dir, backup)

	note(t, k.Dir, k.Keys, 9)
	audited(t, k.Dir, k.Keys, 9)
	if s := handIn(t, f, k); s.Stored != 9 || s.Held != 13 || s.Lines != 9 || s.Waiting != 0 {
		t.Fatalf("the hand-in before the restore: %+v", s)
	}

	if err := os.RemoveAll(f.hub.Dir); err != nil {
		t.Fatal(err)
	}
	copyDir(t, backup, f.hub.Dir)
	mirror := filepath.Join(f.hub.Dir, "handin", "kiosks", k.Keys.Config.KioskID)
	if n := mirrored(t, mirror, v.Recovery); n != 4 {
		t.Fatalf("the restored hub holds %d entries", n)
	}

	if s := handIn(t, f, k); s.Stored != 9 || s.Held != 13 || s.Lines != 9 || s.Apart != 0 || s.Waiting != 0 || len(s.Problems) > 0 {
		t.Fatalf("the hand-in after the restore: %+v", s)
	}
	if s := handIn(t, f, k); s.Stored != 0 || s.Held != 13 || s.Lines != 0 || s.Waiting != 0 {
		t.Fatalf("the next hand-in: %+v", s)
	}
	if n := mirrored(t, mirror, v.Recovery); n != 13 {
		t.Fatalf("IT reads %d entries at the hub, want 13", n)
	}
	if n := trailHeld(t, mirror, v.Recovery); n != 13 {
		t.Fatalf("IT reads %d audit records at the hub, want 13", n)
	}
}

// A journal of a kiosk the hub never enrolled, or revoked, is kept apart;
// a batch not signed by the kiosk whose keys it carries is refused.
func TestAJournalFromAKioskNotEnrolledIsKeptApart(t *testing.T) {
	f := newFleet(t)
	stranger := storetest.NewVault(t)
	note(t, stranger.Dir, stranger.Keys, 2)
	s, err := hub.HandInToFolder(context.Background(), stranger.Dir, f.hub.Dir, time.Now())
	if err != nil || !s.KeptApart || s.Stored != 2 {
		t.Fatalf("a stranger's journal: %+v, %v", s, err)
	}
	apart, _ := os.ReadDir(filepath.Join(f.hub.Dir, "handin", "apart"))
	if len(apart) != 1 {
		t.Fatalf("%d journals kept apart", len(apart))
	}

	v := storetest.NewVault(t)
	k := f.enrol(v, "ward-2")
	note(t, k.Dir, k.Keys, 1)
	if _, err := f.hub.Revoke(k.Keys.Config.KioskID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if s := handIn(t, f, k); !s.KeptApart || s.Stored != 1 {
		t.Fatalf("a revoked kiosk's journal: %+v", s)
	}

	// Keys the hub never enrolled are not taken over the network: the
	// disk of the hub is not for whoever reaches its listener.
	pin, _ := k.Keys.Hub(k.Dir)
	_, err = hub.HandInTo(context.Background(), stranger.Dir, stranger.Keys, pin, http.DefaultClient, f.url, 0)
	if !errors.Is(err, hub.ErrHandInRefused) || !strings.Contains(err.Error(), "HTTP 403") || !strings.Contains(err.Error(), "hand its folder in at the hub itself") {
		t.Fatalf("a stranger over the network: %v", err)
	}

	// Its keys, another kiosk's signature: refused whole.
	impostor := storetest.NewVault(t)
	copyFile(t, filepath.Join(k.Dir, "config.json"), filepath.Join(impostor.Dir, "config.json"))
	_, err = hub.HandInTo(context.Background(), impostor.Dir, impostor.Keys, pin, http.DefaultClient, f.url, 0)
	if !errors.Is(err, hub.ErrHandInRefused) {
		t.Fatalf("a batch signed by another key: %v", err)
	}
}

// recoveryVault is a kiosk's folder whose journal IT's recovery
// recipient reads.
func recoveryVault(t *testing.T, recovery string) storetest.Vault {
	t.Helper()
	dir := t.TempDir()
	if _, err := store.Init(dir, storetest.Passphrase, store.InitOptions{Recovery: recovery, WorkFactor: 10}); err != nil {
		t.Fatal(err)
	}
	keys, err := store.Unlock(dir, storetest.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	return storetest.Vault{Dir: dir, Keys: keys}
}

// The hospital's reconciliation opens every journal handed in with IT's
// recovery key, of every ward or one; journals kept apart, and those the
// key cannot open, are left out and listed.
func TestTheHospitalsJournalsOpenWithTheRecoveryKey(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	f := newFleetFor(t, id.Recipient().String())
	one, two := f.enrol(recoveryVault(t, id.Recipient().String()), "ward-1"), f.enrol(recoveryVault(t, id.Recipient().String()), "ward-2")
	other := f.kiosk("ward-1") // another recovery recipient
	note(t, one.Dir, one.Keys, 2)
	note(t, two.Dir, two.Keys, 3)
	note(t, other.Dir, other.Keys, 1)
	for _, k := range []*hub.Subscriber{one, two, other} {
		handIn(t, f, k)
	}
	stranger := recoveryVault(t, id.Recipient().String())
	note(t, stranger.Dir, stranger.Keys, 1)
	if _, err := hub.HandInToFolder(context.Background(), stranger.Dir, f.hub.Dir, time.Now()); err != nil {
		t.Fatal(err)
	}

	h, err := hub.OpenHospital(context.Background(), f.hub.Dir, id.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	es, err := h.List(context.Background())
	if err != nil || len(es) != 5 || len(h.Kiosks) != 2 || len(h.Apart) != 1 || len(h.Unopened) != 1 {
		t.Fatalf("%d entries of kiosks %v; apart %v; unopened %v; %v", len(es), h.Kiosks, h.Apart, h.Unopened, err)
	}
	w, err := hub.OpenHospital(context.Background(), f.hub.Dir, id.String(), "ward-2")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if es, err := w.List(context.Background()); err != nil || len(es) != 3 || !slices.Equal(w.Kiosks, []string{two.Keys.Config.KioskID}) {
		t.Fatalf("ward-2: %d entries of kiosks %v, %v", len(es), w.Kiosks, err)
	}
	// A decision is the hub's: opened again, its journal of decisions,
	// which only the recovery key writes (no journal.head), verifies.
	if _, err := reconcile.Decide(context.Background(), h, es[0].ID, clinical.DecisionSkip, "", "charted on paper too", "HIM Claes", time.Now()); err != nil {
		t.Fatal(err)
	}
	again, err := hub.OpenHospital(context.Background(), f.hub.Dir, id.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if c, err := again.Check(context.Background()); err != nil || !c.OK() {
		t.Fatalf("the hospital's journals opened again after a decision: %+v, %v", c.Problems, err)
	}
	if _, err := hub.OpenHospital(context.Background(), newFleet(t).hub.Dir, id.String(), ""); !errors.Is(err, hub.ErrNoRecovery) {
		t.Fatalf("a hub without a recovery recipient: %v", err)
	}
}

// A kiosk in an attacker's hands cannot fill the hub's disk and stop every
// ward's sync: over the network the hub takes a kiosk's journal up to a
// quota, and only while its disk keeps room for its own work. Beyond, a
// batch is refused whole (507, said once in the hub's log) and what the
// kiosk recorded stays with it, waiting; IT hands the rest in from a copy
// at the hub, after which the kiosk's hand-in holds nothing new and is
// answered again.
func TestAHubTakesAKiosksJournalOverTheNetworkOnlyWhileItHasRoom(t *testing.T) {
	f := newFleet(t)
	v := storetest.NewVault(t)
	k := f.enrol(v, "ward-1")
	h, err := hub.Open(f.hub.Dir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logged []string
	h.Log = func(s string) { mu.Lock(); logged = append(logged, s); mu.Unlock() }
	f.hub = h
	f.start()
	note(t, k.Dir, k.Keys, 5)
	if s := handIn(t, f, k); s.Stored != 5 {
		t.Fatalf("the first hand-in: %+v", s)
	}

	hub.SetRoom(t, 1, 0) // the kiosk's mirror is at its quota
	note(t, k.Dir, k.Keys, 3)
	audited(t, k.Dir, k.Keys, 2)
	pin, err := k.Keys.Hub(k.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := hub.HandInTo(context.Background(), k.Dir, k.Keys, pin, http.DefaultClient, f.url, 0)
		if !errors.Is(err, hub.ErrHandInRefused) || !strings.Contains(err.Error(), "HTTP 507") ||
			!strings.Contains(err.Error(), "lifeboat handin --to") || s.Waiting != 3 {
			t.Fatalf("a hand-in beyond the quota: %+v, %v", s, err)
		}
	}
	mirror := filepath.Join(f.hub.Dir, "handin", "kiosks", k.Keys.Config.KioskID)
	if n := mirrored(t, mirror, v.Recovery); n != 5 {
		t.Fatalf("the hub kept %d entries, want the 5 taken before", n)
	}
	if n := trailHeld(t, mirror, v.Recovery); n != 0 {
		t.Fatalf("the hub kept %d audit records", n)
	}
	mu.Lock()
	if len(logged) != 1 || !strings.Contains(logged[0], k.Keys.Config.KioskID) || !strings.Contains(logged[0], "as much as it takes") {
		t.Errorf("the hub's log: %q", logged)
	}
	mu.Unlock()

	// IT hands the rest in at the hub, from a copy: no quota there.
	usb := t.TempDir()
	copyDir(t, k.Dir, usb)
	if s, err := hub.HandInToFolder(context.Background(), usb, f.hub.Dir, time.Now()); err != nil || s.Stored != 3 || s.Had != 5 {
		t.Fatalf("from the copy: %+v, %v", s, err)
	}
	if s := handIn(t, f, k); s.Stored != 0 || s.Held != 8 || s.Waiting != 0 {
		t.Fatalf("the kiosk after IT's hand-in: %+v", s)
	}
	if n := trailHeld(t, mirror, v.Recovery); n != 2 {
		t.Fatalf("the hub holds %d audit records, want 2", n)
	}

	// Taken again over the network once there is room; a hub whose disk
	// is then nearly full takes nothing new either, and says so again.
	hub.SetRoom(t, 1<<40, 0)
	note(t, k.Dir, k.Keys, 1)
	if s := handIn(t, f, k); s.Stored != 1 || s.Held != 9 {
		t.Fatalf("with room again: %+v", s)
	}
	hub.SetRoom(t, 1<<40, 1<<62)
	note(t, k.Dir, k.Keys, 1)
	if _, err := hub.HandInTo(context.Background(), k.Dir, k.Keys, pin, http.DefaultClient, f.url, 0); err == nil ||
		!strings.Contains(err.Error(), "MB free") {
		t.Fatalf("a hand-in to a hub with its disk nearly full: %v", err)
	}
	if n := mirrored(t, mirror, v.Recovery); n != 9 {
		t.Fatalf("the hub holds %d entries, want 9", n)
	}
	mu.Lock()
	if len(logged) != 2 || !strings.Contains(logged[1], "MB free") {
		t.Errorf("the hub's log: %q", logged)
	}
	mu.Unlock()
}
