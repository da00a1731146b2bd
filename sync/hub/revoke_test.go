package hub_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/hub"
)

// A revoked kiosk (lost, stolen) gets nothing new: its ward's next
// generation is a full one sealed without it, which it refuses and says;
// the files it could read leave the publication at once; its heartbeats
// are refused; neither its id nor its keys enrol again. The other kiosks
// of its ward go on.
func TestARevokedKioskGetsNothingNewAndNeverEnrolsAgain(t *testing.T) {
	f := newFleet(t)
	lost, kept, other := f.kiosk("ward-1"), f.kiosk("ward-1"), f.kiosk("ward-2")
	f.step()
	f.step() // a delta on the full generation
	for _, k := range []*hub.Subscriber{lost, kept, other} {
		subscribe(t, k)
	}
	before := open(t, lost).Manifest.Generation
	var readable []string // the files the lost kiosk could read
	for _, p := range readIndexFiles(t, f.pub) {
		if strings.HasPrefix(p, "wards/ward-1/") {
			readable = append(readable, p)
		}
	}
	if len(readable) != 2 {
		t.Fatalf("ward-1's chain is %v, want a full generation and a delta", readable)
	}

	id := lost.Keys.Config.KioskID
	if _, err := f.hub.Revoke("nobody", time.Now()); !errors.Is(err, hub.ErrUnknownKiosk) {
		t.Fatalf("revoking an unknown kiosk: %v", err)
	}
	if k, err := f.hub.Revoke(id, time.Now()); err != nil || k.Ward != "ward-1" {
		t.Fatalf("revoke: %+v, %v", k, err)
	}
	if _, err := f.hub.Revoke(id, time.Now()); !errors.Is(err, hub.ErrKioskRevoked) {
		t.Fatalf("revoking twice: %v", err)
	}

	// Its heartbeat is refused at once.
	b := &hub.Beater{Dir: lost.Dir, Keys: lost.Keys, Version: "test"}
	pin, err := lost.Keys.Hub(lost.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Send(context.Background(), http.DefaultClient, f.url, b.Heartbeat(context.Background(), pin)); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("the revoked kiosk's heartbeat: %v", err)
	}

	f.step()
	ix := readIndexRaw(t, f.pub)
	for _, w := range ix.Wards {
		if w.Ward == "ward-1" && len(w.Chain) != 1 {
			t.Fatalf("after the revocation ward-1's chain is %+v, want one full generation", w.Chain)
		}
	}
	for _, p := range readable {
		if _, err := os.Stat(filepath.Join(f.pub, filepath.FromSlash(p))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s, which the revoked kiosk could read, is still published (%v)", p, err)
		}
	}
	if _, err := lost.Step(context.Background()); !errors.Is(err, hub.ErrNotSealedHere) || !errors.Is(err, hub.ErrRefused) {
		t.Fatalf("the revoked kiosk's step: %v", err)
	}
	if m := open(t, lost).Manifest; m.Generation != before {
		t.Fatalf("the revoked kiosk now opens generation %d, not its last good %d", m.Generation, before)
	}
	subscribe(t, kept)
	if m := open(t, kept).Manifest; m.Kind != store.KindFull || m.Generation <= before {
		t.Fatalf("the ward's other kiosk opens %+v", m)
	}
	subscribe(t, other)

	// Never again: not with a new code from a new folder holding its
	// keys, not under another id with the same keys. The code is not
	// spent on it.
	code, err := f.hub.NewCode("ward-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := storetest.NewVault(t).Dir // a new folder, the lost kiosk's keys
	if _, err := hub.Enrol(context.Background(), elsewhere, lost.Keys, f.url, code, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrRevoked) {
		t.Fatalf("the revoked kiosk enrolling again: %v", err)
	}
	lost.Keys.Config.KioskID = "renamed-kiosk"
	if _, err := hub.Enrol(context.Background(), elsewhere, lost.Keys, f.url, code, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrRevoked) {
		t.Fatalf("the revoked kiosk's keys under another id: %v", err)
	}
	fresh := storetest.NewVault(t)
	if _, err := hub.Enrol(context.Background(), fresh.Dir, fresh.Keys, f.url, code, http.DefaultClient, time.Now()); err != nil {
		t.Fatalf("a new kiosk with the code the revoked one tried: %v", err)
	}
}

// A kiosk record put back after its revocation (by a revoke cut short
// before the record went, or by someone with the hub's disk) stays out;
// a revocation planted without the hub's key revokes nothing and is said.
func TestARevocationHoldsAndAPlantedOneDoesNot(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-2")
	id := k.Keys.Config.KioskID
	record := filepath.Join(f.hub.Dir, "kiosks", id+".json")
	saved, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.hub.Revoke(id, time.Now()); err != nil {
		t.Fatal(err)
	}
	writeFile(t, record, string(saved))
	kiosks, _, err := f.hub.Kiosks()
	if err != nil || len(kiosks["ward-2"]) != 0 {
		t.Fatalf("a revoked kiosk's record put back: kiosks %+v, %v", kiosks, err)
	}
	// Revoking again completes the revoke: the record goes.
	if _, err := f.hub.Revoke(id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(record); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the record after revoking again: %v", err)
	}

	victim := f.kiosk("ward-1")
	planted := filepath.Join(f.hub.Dir, "kiosks", victim.Keys.Config.KioskID+".revoked")
	writeFile(t, planted, `{"payload":{"kiosk":"`+victim.Keys.Config.KioskID+`","ward":"ward-1"},"sig":"AAAA"}`)
	kiosks, problems, err := f.hub.Kiosks()
	if err != nil || len(kiosks["ward-1"]) != 1 || len(problems) != 1 || !strings.Contains(problems[0], "not signed by the hub's key") {
		t.Fatalf("a planted revocation: kiosks %+v, problems %q, %v", kiosks, problems, err)
	}
}

// A kiosk enrolled after the hub's last pull is not refused: the
// generation published is not sealed to it yet, which it says, and the
// next pull seals the ward to it.
func TestAKioskEnrolledBetweenPullsWaitsForTheNext(t *testing.T) {
	f := newFleet(t)
	f.step()
	k := f.kiosk("ward-1")
	_, err := k.Step(context.Background())
	if !errors.Is(err, hub.ErrNotSealedYet) || errors.Is(err, hub.ErrRefused) {
		t.Fatalf("a kiosk enrolled since the last pull: %v", err)
	}
	f.step()
	if up := subscribe(t, k); up.Generation == 0 {
		t.Fatalf("after the next pull: %+v", up)
	}
}
