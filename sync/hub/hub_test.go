package hub_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	readiness "lifeboat/sync/fleet"
	"lifeboat/sync/hub"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
	"lifeboat/sync/synthetic"
)

const hubPassphrase = "hub passphrase 1"

// fleet is a hub publishing two wards from a real FHIR server, its
// listener on 127.0.0.1, and kiosks enrolled with it.
type fleet struct {
	t      *testing.T
	srv    *fhirtest.Server
	hub    *hub.Hub
	pub    string
	url    string
	runner *hub.Runner
	beats  *readiness.Board // the kiosks' heartbeats, taken at /heartbeat
	reg    *hub.Registry
	later  time.Duration // how far the board's clock is ahead of the test's
}

func newFleet(t *testing.T) *fleet {
	t.Helper()
	return newFleetFor(t, "")
}

// newFleetFor is newFleet with a hub that seals to IT's recovery
// recipient too.
func newFleetFor(t *testing.T, recovery string) *fleet {
	t.Helper()
	files := filepath.Join(t.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(files, synthetic.Options{Patients: 40, Seed: 11, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	srv := fhirtest.Start(t, fhirtest.Options{}, files)
	dir := filepath.Join(t.TempDir(), "hub")
	if _, err := hub.Init(dir, hubPassphrase, recovery, 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(dir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ id, name string }{{"ward-1", "5C"}, {"ward-2", "6A"}} {
		if err := h.AddWard(w.id, w.name, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f := &fleet{t: t, srv: srv, hub: h, pub: filepath.Join(t.TempDir(), "publish")}
	f.start()
	return f
}

// start starts the hub on its folder, as hub run does: its listener, its
// board read from fleet.json, its runner with a new puller.
func (f *fleet) start() {
	t := f.t
	t.Helper()
	reg := &hub.Registry{Hub: f.hub}
	beats, _, err := readiness.Load(filepath.Join(f.hub.Dir, "fleet.json"), reg)
	if err != nil {
		t.Fatal(err)
	}
	mux := hub.Handler(f.hub, f.pub, time.Now)
	mux.Handle("POST "+hub.HeartbeatPath, beats.Handler(func() time.Time { return time.Now().Add(f.later) }))
	ts := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	client, err := rest.New(f.srv.URL, rest.Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := &live.Puller{Client: client}
	t.Cleanup(p.Close)
	f.url, f.beats, f.reg = ts.URL, beats, reg
	f.runner = &hub.Runner{Hub: f.hub, Publisher: &hub.Publisher{Hub: f.hub, Dir: f.pub}, Puller: p, Heard: beats.Latest}
}

func (f *fleet) step() {
	f.t.Helper()
	if err := f.runner.Step(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

// kiosk is a new kiosk enrolled for ward.
func (f *fleet) kiosk(ward string) *hub.Subscriber {
	f.t.Helper()
	return f.enrol(storetest.NewVault(f.t), ward)
}

// enrol enrols the kiosk v for ward.
func (f *fleet) enrol(v storetest.Vault, ward string) *hub.Subscriber {
	f.t.Helper()
	code, err := f.hub.NewCode(ward, time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	pin, err := hub.Enrol(context.Background(), v.Dir, v.Keys, f.url, code, http.DefaultClient, time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	if pin.Ward != ward || pin.HubID != f.hub.ID() {
		f.t.Fatalf("pinned %+v", pin)
	}
	// What was pinned holds once the keys are unlocked again.
	keys, err := store.Unlock(v.Dir, storetest.Passphrase)
	if err != nil {
		f.t.Fatal(err)
	}
	return &hub.Subscriber{Dir: v.Dir, Keys: keys, Source: f.url, Client: http.DefaultClient}
}

func subscribe(t *testing.T, s *hub.Subscriber) *hub.Update {
	t.Helper()
	up, err := s.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return up
}

func open(t *testing.T, s *hub.Subscriber) *store.Snapshot {
	t.Helper()
	snap, err := store.Open(context.Background(), s.Dir, s.Keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap
}

func TestOneHubFeedsEveryWardsKiosksAndEachOpensOnlyItsOwnWard(t *testing.T) {
	f := newFleet(t)
	a1, a2, b := f.kiosk("ward-1"), f.kiosk("ward-1"), f.kiosk("ward-2")
	f.step()
	for _, k := range []*hub.Subscriber{a1, a2, b} {
		if up := subscribe(t, k); len(up.Received) != 1 || up.Generation == 0 {
			t.Fatalf("first subscription received %v", up.Received)
		}
	}
	wardOf := map[*hub.Subscriber]string{a1: "ward-1", a2: "ward-1", b: "ward-2"}
	for k, ward := range wardOf {
		snap := open(t, k)
		if snap.Manifest.Census.Ward != ward || snap.Manifest.KioskID != f.hub.ID() || snap.Rollback != "" || len(snap.Refused) > 0 {
			t.Fatalf("%s kiosk opened %+v (rollback %q, refused %v)", ward, snap.Manifest, snap.Rollback, snap.Refused)
		}
		rows, err := snap.Census(context.Background())
		if err != nil || len(rows) == 0 || len(rows) != snap.Manifest.Counts["patients"] {
			t.Fatalf("%s census: %d rows, %v", ward, len(rows), err)
		}
		if _, err := snap.Chart(context.Background(), rows[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if open(t, a1).Manifest.Counts["patients"] == open(t, b).Manifest.Counts["patients"] &&
		open(t, a1).Manifest.CipherSHA256 == open(t, b).Manifest.CipherSHA256 {
		t.Fatal("both wards got the same generation")
	}

	// The other ward's generation, put in place of the kiosk's own as
	// someone with its disk could, does not decrypt there.
	ix := readIndex(t, f.pub)
	own := filepath.Join(b.Dir, "snapshots", filepath.Base(ix["ward-2"]))
	saved, err := os.ReadFile(own)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(ix["ward-1"]) != filepath.Base(own) {
		t.Fatalf("the wards' first generations are %s and %s", ix["ward-1"], ix["ward-2"])
	}
	copyFile(t, filepath.Join(f.pub, filepath.FromSlash(ix["ward-1"])), own)
	if _, err := store.Open(context.Background(), b.Dir, b.Keys); !errors.Is(err, store.ErrNoSnapshot) || !strings.Contains(err.Error(), "not encrypted to this kiosk") {
		t.Fatalf("the other ward's generation: %v", err)
	}
	writeFile(t, own, string(saved))

	// A refresh: a delta, fetched alone; then nothing new is fetched.
	f.step()
	up := subscribe(t, a1)
	if len(up.Received) != 1 || up.Received[0] != up.Generation {
		t.Fatalf("refresh received %v, newest %d", up.Received, up.Generation)
	}
	if m := open(t, a1).Manifest; m.Kind != store.KindDelta || m.Generation != up.Generation {
		t.Fatalf("after the refresh the kiosk opened %+v", m)
	}
	if up := subscribe(t, a1); !up.Unchanged || len(up.Received) != 0 {
		t.Fatalf("an unchanged index gave %+v", up)
	}
}

func TestACodeWorksOnceAndNotAfterItExpires(t *testing.T) {
	f := newFleet(t)
	code, err := f.hub.NewCode("ward-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := storetest.NewVault(t), storetest.NewVault(t)
	if _, err := hub.Enrol(context.Background(), v1.Dir, v1.Keys, f.url, code, http.DefaultClient, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Enrol(context.Background(), v2.Dir, v2.Keys, f.url, code, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrCodeUsed) || !errors.Is(err, hub.ErrCode) {
		t.Fatalf("a used code: %v", err)
	}
	old, err := f.hub.NewCode("ward-1", time.Now().Add(-hub.CodeLifetime-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Enrol(context.Background(), v2.Dir, v2.Keys, f.url, old, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrCodeExpired) {
		t.Fatalf("an expired code: %v", err)
	}
	// A code whose fingerprint is another hub's is refused before its
	// secret is sent.
	other := strings.Split(code, "-")
	other[1] = strings.Repeat("A", 32)
	if _, err := hub.Enrol(context.Background(), v2.Dir, v2.Keys, f.url, strings.Join(other, "-"), http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrCodeMismatch) {
		t.Fatalf("another hub's code: %v", err)
	}
	if _, err := f.hub.NewCode("ward-9", time.Now()); !errors.Is(err, hub.ErrUnknownWard) {
		t.Fatalf("a code for an unknown ward: %v", err)
	}
	// A kiosk record planted at the hub without its key is left out.
	if err := os.WriteFile(filepath.Join(f.hub.Dir, "kiosks", "evil.json"), []byte(`{"payload":{"kiosk":"evil","ward":"ward-1"},"sig":"AAAA"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	kiosks, problems, err := f.hub.Kiosks()
	if err != nil || len(kiosks["ward-1"]) != 1 || len(problems) != 1 {
		t.Fatalf("kiosks %v, problems %q, %v", kiosks, problems, err)
	}
}

// TestForgedRolledBackForeignAndAlteredPublicationsAreRefused serves the
// publication from a folder an attacker can write, as a share would.
func TestForgedRolledBackForeignAndAlteredPublicationsAreRefused(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.step()
	share := t.TempDir()
	k.Source = share
	copyDir(t, f.pub, share)
	first := subscribe(t, k)
	oldIndex, err := os.ReadFile(filepath.Join(share, "index.json"))
	if err != nil {
		t.Fatal(err)
	}

	refused := func(why error, what string) {
		t.Helper()
		_, err := k.Step(context.Background())
		if !errors.Is(err, why) || !errors.Is(err, hub.ErrRefused) {
			t.Fatalf("%s: %v", what, err)
		}
		if m := open(t, k).Manifest; m.Generation != first.Generation {
			t.Fatalf("%s: the kiosk now opens generation %d", what, m.Generation)
		}
	}

	// Forged: the index's content changed under its signature.
	forged := strings.Replace(string(oldIndex), `"name":"5C"`, `"name":"5D"`, 1)
	if forged == string(oldIndex) {
		t.Fatal("the index does not name the ward")
	}
	writeFile(t, filepath.Join(share, "index.json"), forged)
	refused(hub.ErrIndexForged, "a forged index")

	// Foreign: another hub's index of the same files.
	otherDir := filepath.Join(t.TempDir(), "other")
	if _, err := hub.Init(otherDir, hubPassphrase, "", 10); err != nil {
		t.Fatal(err)
	}
	other, err := hub.Open(otherDir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	otherPub := t.TempDir()
	if _, err := (&hub.Publisher{Hub: other, Dir: otherPub}).Publish(hub.EHRState{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(otherPub, "index.json"), filepath.Join(share, "index.json"))
	refused(hub.ErrIndexForeign, "a foreign index")

	// A new generation whose file was altered on the share.
	f.step()
	copyDir(t, f.pub, share)
	ix := readIndex(t, share)
	newest := filepath.Join(share, filepath.FromSlash(ix["ward-1"]))
	b, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	writeFile(t, newest, string(b))
	refused(hub.ErrGenerationAltered, "an altered generation")

	// The same file, whole, is taken; then the old index is a rollback.
	copyDir(t, f.pub, share)
	if up := subscribe(t, k); up.Generation == first.Generation {
		t.Fatal("the new generation was not received")
	}
	second := open(t, k).Manifest.Generation
	writeFile(t, filepath.Join(share, "index.json"), string(oldIndex))
	if _, err := k.Step(context.Background()); !errors.Is(err, hub.ErrIndexRollback) {
		t.Fatalf("a rolled-back index: %v", err)
	}
	if m := open(t, k).Manifest; m.Generation != second {
		t.Fatalf("after a rollback the kiosk opens generation %d, not %d", m.Generation, second)
	}
}

// TestAHubStoppedMidPublishLeavesKiosksOnTheLastGood stops a publication
// after its files are written and before the index is replaced, as a
// kill there would; the next run completes it.
func TestAHubStoppedMidPublishLeavesKiosksOnTheLastGood(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-2")
	f.step()
	first := subscribe(t, k)
	f.runner.Publisher.StopBeforeIndex(errors.New("killed"))
	if err := f.runner.Step(context.Background()); err == nil {
		t.Fatal("the stopped publication said nothing")
	}
	up, err := k.Step(context.Background())
	if err != nil || len(up.Received) != 0 || up.Sequence != first.Sequence {
		t.Fatalf("after a stopped publication the kiosk got %+v, %v", up, err)
	}
	if m := open(t, k).Manifest; m.Generation != first.Generation {
		t.Fatalf("the kiosk opens generation %d", m.Generation)
	}
	// The index still names only files that are there.
	for _, p := range readIndexFiles(t, f.pub) {
		if _, err := os.Stat(filepath.Join(f.pub, filepath.FromSlash(p))); err != nil {
			t.Fatalf("the index names %s: %v", p, err)
		}
	}
	f.runner.Publisher.StopBeforeIndex(nil)
	if _, err := f.runner.Publisher.Publish(hub.EHRState{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if up := subscribe(t, k); up.Generation <= first.Generation || len(up.Received) != 1 {
		t.Fatalf("after the publication was completed the kiosk got %+v", up)
	}
}

// Kiosks tell the hub how they are: after a subscription each one's
// heartbeat reaches the board (ready: fresh data, checked, disk free);
// one whose generation is altered on its disk reports it at its next
// self-check, and turns red; a kiosk not enrolled is refused.
func TestKiosksReportTheirReadinessToTheBoard(t *testing.T) {
	f := newFleet(t)
	a, b := f.kiosk("ward-1"), f.kiosk("ward-2")
	f.step()
	beaters := map[*hub.Subscriber]*hub.Beater{}
	for _, k := range []*hub.Subscriber{a, b} {
		beaters[k] = &hub.Beater{Dir: k.Dir, Keys: k.Keys, Version: "test"}
		beaters[k].Received(subscribe(t, k))
		send(t, k, beaters[k])
	}
	rows := readiness.Assess(f.reg.Enrolled(), f.beats.Latest(), time.Now(), readiness.Thresholds{})
	if len(rows) != 2 {
		t.Fatalf("%d kiosks on the board, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Level != readiness.Green || r.Latest == nil || r.Latest.Generation == 0 || r.Latest.Unreconciled != 0 {
			t.Errorf("kiosk %s of %s: %s %v, heartbeat %+v", r.Kiosk, r.Ward, r.Level, r.Findings, r.Latest)
		}
	}

	// Someone with a's disk alters its generation: its next self-check
	// (a new run of the kiosk) finds it and the board turns it red.
	gen := filepath.Join(a.Dir, "snapshots", filepath.Base(readIndex(t, f.pub)["ward-1"]))
	data, err := os.ReadFile(gen)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-10] ^= 0xff
	writeFile(t, gen, string(data))
	f.later = readiness.MinBeat // the kiosk's next heartbeat, not at once
	send(t, a, &hub.Beater{Dir: a.Dir, Keys: a.Keys, Version: "test"})
	for _, r := range readiness.Assess(f.reg.Enrolled(), f.beats.Latest(), time.Now().Add(f.later), readiness.Thresholds{}) {
		want := readiness.Green
		if r.Ward == "ward-1" {
			want = readiness.Red
		}
		if r.Level != want {
			t.Errorf("after the alteration, kiosk of %s is %s %v, want %s", r.Ward, r.Level, r.Findings, want)
		}
		if r.Ward != "ward-1" {
			continue
		}
		said := ""
		for _, fd := range r.Findings {
			said += fd.English() + " "
		}
		if !strings.Contains(said, "Its self-check failed: Generation 1 ") {
			t.Errorf("the altered kiosk says %q", said)
		}
	}

	// A kiosk enrolled now is taken at its first heartbeat, though the
	// board read the kiosks a moment ago.
	c := f.kiosk("ward-2")
	send(t, c, &hub.Beater{Dir: c.Dir, Keys: c.Keys, Version: "test"})

	// A heartbeat of a kiosk the hub never enrolled is refused.
	stranger := storetest.NewVault(t)
	h := readiness.Heartbeat{Kiosk: stranger.Keys.Config.KioskID, Ward: "ward-1", Seq: 1, Sent: time.Now()}
	err = (&hub.Beater{Dir: stranger.Dir, Keys: stranger.Keys}).Send(context.Background(), http.DefaultClient, f.url, h)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a stranger's heartbeat: %v", err)
	}
	if got := f.beats.Refused()["unknown_kiosk"]; got != 1 {
		t.Errorf("refused unknown kiosks: %d", got)
	}
}

// send makes k's heartbeat and sends it to the hub.
func send(t *testing.T, k *hub.Subscriber, b *hub.Beater) {
	t.Helper()
	pin, err := k.Keys.Hub(k.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Send(context.Background(), http.DefaultClient, k.Source, b.Heartbeat(context.Background(), pin)); err != nil {
		t.Fatal(err)
	}
}

// The EHR down: one failed pull is not announced; pulls failing longer
// than DownAfter are, in the signed index, and a kiosk's step reads it;
// the wards' last generations stay.
func TestTheHubAnnouncesTheEHRDownAfterItsThreshold(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.step()
	up := subscribe(t, k)
	if since, ok := up.EHRDown(); !ok || !since.IsZero() {
		t.Fatalf("a working EHR is announced down since %v (%v)", since, ok)
	}
	f.runner.DownAfter = time.Nanosecond
	f.srv.Kill()
	if err := f.runner.Step(context.Background()); err == nil {
		t.Fatal("a pull from a killed EHR succeeded")
	}
	if e := f.runner.EHR(); e.Unreachable || e.Failures != 1 {
		t.Fatalf("after one failed pull: %+v", e)
	}
	f.runner.Step(context.Background())
	e := f.runner.EHR()
	if !e.Unreachable || e.Failures != 2 || e.FailingSince.IsZero() {
		t.Fatalf("after two failed pulls: %+v", e)
	}
	up = subscribe(t, k)
	if since, ok := up.EHRDown(); !ok || !since.Equal(e.FailingSince) {
		t.Errorf("the kiosk read the EHR down since %v (%v), want %v", since, ok, e.FailingSince)
	}
	if up.Generation == 0 {
		t.Error("the ward's last generation did not stay")
	}
	if since, ok := (*hub.Update)(nil).EHRDown(); ok || !since.IsZero() {
		t.Error("a step that read no index says something of the EHR")
	}
}

// TestARefusedIndexIsRefusedAgainWhenTheServerSaysItIsUnchanged: the
// ETag of an index that was refused must not make the next step's 304
// pass for "nothing new".
func TestARefusedIndexIsRefusedAgainWhenTheServerSaysItIsUnchanged(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.step()
	share := t.TempDir()
	copyDir(t, f.pub, share)
	ts := httptest.NewUnstartedServer(hub.Handler(f.hub, share, time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	k.Source = ts.URL
	subscribe(t, k)

	raw, err := os.ReadFile(filepath.Join(share, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(share, "index.json"), strings.Replace(string(raw), `"name":"5C"`, `"name":"5D"`, 1))
	for i := range 2 {
		up, err := k.Step(context.Background())
		if !errors.Is(err, hub.ErrIndexForged) {
			t.Fatalf("step %d after the index was forged: %+v, %v", i+1, up, err)
		}
	}
}

// TestACodeCannotTakeOverAnEnrolledKiosksID: kiosk ids are not secret
// (the board shows them); whoever holds a code and claims an enrolled
// kiosk's id with keys of their own is refused, the code not spent, and
// the kiosk keeps its record: its data stays encrypted to it alone and
// its heartbeats are still the only ones taken in its name.
func TestACodeCannotTakeOverAnEnrolledKiosksID(t *testing.T) {
	f := newFleet(t)
	victim := f.kiosk("ward-1")
	code, err := f.hub.NewCode("ward-2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	thief := storetest.NewVault(t)
	thief.Keys.Config.KioskID = victim.Keys.Config.KioskID
	if _, err := hub.Enrol(context.Background(), thief.Dir, thief.Keys, f.url, code, http.DefaultClient, time.Now()); !errors.Is(err, hub.ErrKioskIDTaken) {
		t.Fatalf("a code used to claim an enrolled kiosk's id: %v", err)
	}
	kiosks, _, err := f.hub.Kiosks()
	if err != nil {
		t.Fatal(err)
	}
	if len(kiosks["ward-1"]) != 1 || len(kiosks["ward-2"]) != 0 || kiosks["ward-1"][0].Signer != victim.Keys.Config.Signer {
		t.Fatalf("after the claim the hub's kiosks are %+v", kiosks)
	}
	// The code was not spent: a new kiosk enrols with it.
	honest := storetest.NewVault(t)
	if _, err := hub.Enrol(context.Background(), honest.Dir, honest.Keys, f.url, code, http.DefaultClient, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// A hub that says how often it publishes and then publishes nothing for
// much longer (stopped, its last index served on by a web server) is
// said to be lost at the kiosk, whether the index comes whole or as a
// 304; the data taken stays, and a fresh publication ends it.
func TestAKioskSaysWhenTheHubHasStoppedPublishing(t *testing.T) {
	f := newFleet(t)
	k := f.kiosk("ward-1")
	f.runner.Publisher.Every = 30 * time.Second
	f.step()
	clock := time.Now()
	k.Now = func() time.Time { return clock }
	up, err := k.Step(context.Background())
	if err != nil || up.Generation == 0 {
		t.Fatalf("a fresh publication: %v, %+v", err, up)
	}
	clock = clock.Add(3 * time.Minute) // within 3 × 30 s + 2 min: not yet
	if _, err := k.Step(context.Background()); err != nil {
		t.Fatalf("3 minutes since the last publication is not yet stale: %v", err)
	}
	clock = clock.Add(time.Minute)
	for range 2 { // the index unchanged (a 304), then again
		up, err := k.Step(context.Background())
		if !errors.Is(err, hub.ErrStale) || !strings.Contains(err.Error(), "though it publishes every 30s") {
			t.Fatalf("a hub silent for 4 minutes: %v", err)
		}
		if up == nil || !up.Unchanged {
			t.Fatalf("the data taken is not kept: %+v", up)
		}
	}
	if open(t, k).Manifest.Generation == 0 {
		t.Fatal("the last good generation did not stay")
	}
	f.step()
	clock = time.Now()
	if _, err := k.Step(context.Background()); err != nil {
		t.Fatalf("a new publication: %v", err)
	}
}
