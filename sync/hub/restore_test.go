package hub_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/store/storetest"
	readiness "lifeboat/sync/fleet"
	"lifeboat/sync/hub"
)

// restore puts the hub's folder back as it was in backup, and starts the
// hub again on it, as IT does after restoring a back-up.
func (f *fleet) restore(backup string) {
	f.t.Helper()
	if err := os.RemoveAll(f.hub.Dir); err != nil {
		f.t.Fatal(err)
	}
	copyDir(f.t, backup, f.hub.Dir)
	h, err := hub.Open(f.hub.Dir, hubPassphrase)
	if err != nil {
		f.t.Fatal(err)
	}
	f.hub = h
	f.start()
}

// logged keeps what the fleet's runner says.
func (f *fleet) logged() *[]string {
	var lines []string
	f.runner.Log = func(s string) { lines = append(lines, s) }
	return &lines
}

func said(lines []string, part string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, part) {
			n++
		}
	}
	return n
}

// A hub restored from a back-up seals again numbers its kiosks hold with
// other content, which they refuse to take in place of theirs. The first
// heartbeat of a kiosk holding a number above the hub's raises the
// ward's numbering above it: the next generation is a full one, above
// what the kiosk holds, and the kiosk takes it and opens it.
func TestAKioskTakesTheGenerationsOfAHubRestoredFromABackUp(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.step()
	subscribe(t, k)
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, f.hub.Dir, backup)
	for range 3 {
		f.step()
		subscribe(t, k)
	}
	held := open(t, k).Manifest
	if held.Generation != 4 || held.Kind != store.KindDelta {
		t.Fatalf("the kiosk holds %+v, want generation 4, a delta", held)
	}

	f.restore(backup)
	k.Source = f.url
	lines := f.logged()
	f.step()
	up := subscribe(t, k)
	if g := open(t, k).Manifest.Generation; g != held.Generation || up.Generation > held.Generation {
		t.Fatalf("before any heartbeat the hub publishes generation %d and the kiosk opens %d", up.Generation, g)
	}

	b := &hub.Beater{Dir: k.Dir, Keys: k.Keys, Version: "test"}
	b.Received(up)
	send(t, k, b)
	for range 2 {
		f.step()
		if up = subscribe(t, k); up.Generation > held.Generation {
			break
		}
	}
	m := open(t, k).Manifest
	if m.Generation <= held.Generation || m.Generation != up.Generation || m.Kind != store.KindFull || !m.AsOf.After(held.AsOf) {
		t.Fatalf("after its heartbeat the kiosk opens %+v; it held generation %d", m, held.Generation)
	}
	if said(*lines, "Ward ward-1: its kiosks hold generation 4, above this hub's 2 (restored from a back-up?): the next generation is sealed whole from 5.") != 1 {
		t.Fatalf("the hub said %q", *lines)
	}

	// The ward goes on from there, in deltas the kiosk takes.
	b.Received(up)
	f.later = readiness.MinBeat
	send(t, k, b)
	f.step()
	if up = subscribe(t, k); open(t, k).Manifest.Generation != m.Generation+1 || len(up.Received) != 1 {
		t.Fatalf("the next refresh: received %v, opens %d", up.Received, open(t, k).Manifest.Generation)
	}
	if said(*lines, "its kiosks hold generation") != 1 {
		t.Fatalf("the hub said %q", *lines)
	}
}

// One kiosk's word moves a ward's numbering at most a million above the
// hub's: a kiosk stolen and not yet revoked cannot push it to the end of
// the numbers. Said once, not at every pull.
func TestAKioskCannotPushTheNumberingFarAhead(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	lines := f.logged()
	f.step()
	up := subscribe(t, k)
	pin, err := k.Keys.Hub(k.Dir)
	if err != nil {
		t.Fatal(err)
	}
	b := &hub.Beater{Dir: k.Dir, Keys: k.Keys}
	far := up.Generation + 1_000_001
	for i := range 2 {
		f.later = time.Duration(i) * readiness.MinBeat
		h := readiness.Heartbeat{Kiosk: k.Keys.Config.KioskID, Ward: pin.Ward, Seq: uint64(time.Now().UnixMilli()) + uint64(i), Sent: time.Now(), Generation: far + uint64(i)}
		if err := b.Send(context.Background(), http.DefaultClient, f.url, h); err != nil {
			t.Fatal(err)
		}
		f.step()
	}
	if g := subscribe(t, k).Generation; g != up.Generation+2 {
		t.Fatalf("the ward's newest generation is %d, want %d", g, up.Generation+2)
	}
	if said(*lines, "more than a million above this hub's 1: not taken") != 1 || said(*lines, "more than a million") != 1 || said(*lines, "sealed whole") != 0 {
		t.Fatalf("the hub said %q", *lines)
	}
}

// A kiosk enrolled after the back-up the hub was restored from is unknown
// to it: its hand-ins and heartbeats are refused, its ward is not sealed
// to it. IT makes a code for its ward and the kiosk enrols again with the
// hub it is pinned to (its keys and pin unchanged); a code for another
// ward is refused and not spent. From then on the hub takes its journal
// and its heartbeats, and the kiosk its ward's generations.
func TestAKioskEnrolledAfterTheBackUpEnrolsAgainWithTheRestoredHub(t *testing.T) {
	f := newFleet(t)
	f.step()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, f.hub.Dir, backup)
	v := storetest.NewVault(t)
	k := f.enrol(v, "ward-1")
	f.step()
	subscribe(t, k)
	held := open(t, k).Manifest
	pin, err := k.Keys.Hub(k.Dir)
	if err != nil {
		t.Fatal(err)
	}
	note(t, k.Dir, k.Keys, 2)

	f.restore(backup)
	k.Source = f.url
	if _, err := hub.HandInTo(context.Background(), k.Dir, k.Keys, pin, http.DefaultClient, f.url, 0); !errors.Is(err, hub.ErrHandInRefused) {
		t.Fatalf("a hand-in to the restored hub: %v", err)
	}

	code, err := f.hub.NewCode("ward-2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Enrol(context.Background(), k.Dir, k.Keys, f.url, code, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrOtherWard) {
		t.Fatalf("enrolling again with a code for another ward: %v", err)
	}
	other := storetest.NewVault(t)
	if p, err := hub.Enrol(context.Background(), other.Dir, other.Keys, f.url, code, http.DefaultClient, time.Now()); err != nil || p.Ward != "ward-2" {
		t.Fatalf("the code refused is still good: %+v, %v", p, err)
	}
	if code, err = f.hub.NewCode("ward-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	again, err := hub.Enrol(context.Background(), k.Dir, k.Keys, f.url, code, http.DefaultClient, time.Now())
	if err != nil || again.HubID != pin.HubID || again.Ward != pin.Ward || !again.Enrolled.Equal(pin.Enrolled) {
		t.Fatalf("enrolled again: %+v (pinned %+v), %v", again, pin, err)
	}

	if s := handIn(t, f, k); s.Stored != 2 || s.KeptApart {
		t.Fatalf("the hand-in after enrolling again: %+v", s)
	}
	b := &hub.Beater{Dir: k.Dir, Keys: k.Keys, Version: "test"}
	up, _ := k.Step(context.Background())
	b.Received(up)
	send(t, k, b)
	for range 3 {
		f.step()
		if up, err = k.Step(context.Background()); err == nil && up.Generation > held.Generation {
			break
		}
	}
	if m := open(t, k).Manifest; m.Generation <= held.Generation || m.Generation != up.Generation {
		t.Fatalf("the kiosk opens %+v; it held generation %d", m, held.Generation)
	}

	// Another hub's code leaves the pin as it is.
	g := newFleet(t)
	code, err = g.hub.NewCode("ward-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Enrol(context.Background(), k.Dir, k.Keys, g.url, code, http.DefaultClient, time.Now()); !errors.Is(err, store.ErrEnrolled) {
		t.Fatalf("enrolling with another hub: %v", err)
	}
}
