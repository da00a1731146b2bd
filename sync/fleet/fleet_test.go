package fleet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type registry []Enrolled

func (r registry) Enrolled() []Enrolled { return r }

type kiosk struct {
	Enrolled
	key ed25519.PrivateKey
}

func newKiosk(t *testing.T, id, ward string) kiosk {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return kiosk{Enrolled: Enrolled{Kiosk: id, Ward: ward, WardName: "W" + ward, Signer: pub}, key: priv}
}

var t0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// beat is a healthy heartbeat of k, sent at t0 with data a minute old.
func (k kiosk) beat(seq uint64) Heartbeat {
	return Heartbeat{Kiosk: k.Kiosk, Ward: k.Ward, Version: "test", Seq: seq, Sent: t0, Generation: 7,
		DataAsOf: t0.Add(-30 * time.Second), FreeDisk: freeBytes(10 << 30), SelfCheckAt: t0.Add(-time.Hour)}
}

func (k kiosk) signed(t *testing.T, h Heartbeat) []byte {
	t.Helper()
	b, err := Sign(h, func(msg []byte) ([]byte, error) { return ed25519.Sign(k.key, msg), nil })
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every kind of bad heartbeat is refused with its own reason and counted;
// a good one is kept; the same one again is a replay.
func TestBadHeartbeatsAreRefusedAndCounted(t *testing.T) {
	a, b := newKiosk(t, "kiosk-a", "5C"), newKiosk(t, "kiosk-b", "4B")
	stranger := newKiosk(t, "kiosk-x", "5C")
	board, _, err := Load("", registry{a.Enrolled, b.Enrolled})
	if err != nil {
		t.Fatal(err)
	}
	good := a.signed(t, a.beat(1))
	var env envelope
	json.Unmarshal(good, &env)
	unsigned, _ := json.Marshal(envelope{Heartbeat: env.Heartbeat})
	tampered := bytes.Replace(good, []byte(`"generation":7`), []byte(`"generation":9`), 1)
	if bytes.Equal(tampered, good) {
		t.Fatal("the heartbeat's JSON changed shape: the tampering did nothing")
	}
	wrongWard := a.beat(2)
	wrongWard.Ward = "4B"
	for _, c := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"oversized", bytes.Repeat([]byte(" "), MaxHeartbeat+1), ErrOversized},
		{"not JSON", []byte("hello"), ErrMalformed},
		{"unsigned", unsigned, ErrUnsigned},
		{"unknown kiosk", stranger.signed(t, stranger.beat(1)), ErrUnknownKiosk},
		{"another kiosk's key", b.signed(t, a.beat(1)), ErrBadSignature},
		{"tampered", tampered, ErrBadSignature},
		{"wrong ward", a.signed(t, wrongWard), ErrWrongWard},
	} {
		if _, err := board.Accept(c.raw, t0); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := board.Accept(good, t0); err != nil {
		t.Fatalf("a good heartbeat: %v", err)
	}
	if _, err := board.Accept(good, t0.Add(time.Minute)); !errors.Is(err, ErrReplayed) {
		t.Errorf("the same heartbeat again: %v, want a replay", err)
	}
	if _, err := board.Accept(a.signed(t, a.beat(2)), t0.Add(time.Minute)); err != nil {
		t.Errorf("the next heartbeat: %v", err)
	}
	want := map[string]uint64{"oversized": 1, "malformed": 1, "unsigned": 1, "unknown_kiosk": 1, "bad_signature": 2, "wrong_ward": 1, "replayed": 1}
	if got := board.Refused(); !equalCounts(got, want) {
		t.Errorf("refused %v, want %v", got, want)
	}
	if got := board.Latest()["kiosk-a"].Seq; got != 2 {
		t.Errorf("latest seq %d, want 2", got)
	}
}

func equalCounts(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The HTTP endpoint answers each refusal with its status code, and takes
// no more than a heartbeat's size.
func TestTheHeartbeatEndpointSaysWhy(t *testing.T) {
	a := newKiosk(t, "kiosk-a", "5C")
	board, _, _ := Load("", registry{a.Enrolled})
	clock := t0
	srv := httptest.NewServer(board.Handler(func() time.Time { return clock }))
	defer srv.Close()
	for _, c := range []struct {
		body []byte
		want int
	}{
		{a.signed(t, a.beat(1)), http.StatusNoContent},
		{a.signed(t, a.beat(1)), http.StatusConflict},
		{a.signed(t, a.beat(2)), http.StatusTooManyRequests}, // within MinBeat of the last
		{[]byte("{}"), http.StatusBadRequest},
		{bytes.Repeat([]byte("x"), 1<<20), http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("status %d, want %d", resp.StatusCode, c.want)
		}
	}
	if resp, err := http.Get(srv.URL); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v", resp.StatusCode, err)
	}
	post := func(raw []byte) error {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(raw))
		return Post(http.DefaultClient, req)
	}
	if err := post(a.signed(t, a.beat(1))); err == nil || !strings.Contains(err.Error(), "replay") {
		t.Errorf("Post of a replay: %v", err)
	}
	clock = clock.Add(MinBeat)
	if err := post(a.signed(t, a.beat(5))); err != nil {
		t.Errorf("Post: %v", err)
	}
	if got := board.Refused()["too_frequent"]; got != 1 {
		t.Errorf("too frequent: %d", got)
	}
}

// The board survives a restart; read back, a heartbeat altered on disk,
// or of a kiosk no longer enrolled, is left out, and a time of arrival
// moved forward makes a kiosk look fresher by maxSkew at most.
func TestTheBoardIsKeptAndReadBackWithoutTrustingTheFile(t *testing.T) {
	a, b := newKiosk(t, "kiosk-a", "5C"), newKiosk(t, "kiosk-b", "5C")
	path := filepath.Join(t.TempDir(), "fleet.json")
	board, _, err := Load(path, registry{a.Enrolled, b.Enrolled})
	if err != nil {
		t.Fatal(err)
	}
	board.Accept(a.signed(t, a.beat(1)), t0)
	board.pending.Wait()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the first heartbeat was not kept at once: %v", err)
	}
	board.Accept(b.signed(t, b.beat(1)), t0)
	board.pending.Wait()
	if again, _, _ := Load(path, registry{a.Enrolled, b.Enrolled}); len(again.Latest()) != 1 {
		t.Fatalf("the second heartbeat, at the time of the first, was written at once: the file is written at most every %v", SaveEvery)
	}
	if err := board.Save(t0); err != nil {
		t.Fatal(err)
	}
	again, problems, err := Load(path, registry{a.Enrolled, b.Enrolled})
	if err != nil || problems != 0 || len(again.Latest()) != 2 {
		t.Fatalf("read back: %d kiosks, %d problems, %v", len(again.Latest()), problems, err)
	}
	// Revoked b; a's arrival moved a day forward.
	var f boardFile
	data, _ := os.ReadFile(path)
	json.Unmarshal(data, &f)
	for i := range f.Heartbeats {
		f.Heartbeats[i].At = t0.Add(24 * time.Hour)
		f.Heartbeats[i].Generation = 99 // the unsigned copy is never believed
	}
	data, _ = json.Marshal(f)
	os.WriteFile(path, data, 0o600)
	again, problems, err = Load(path, registry{a.Enrolled})
	if err != nil || problems != 1 {
		t.Fatalf("read back after the changes: %d problems, %v", problems, err)
	}
	got, ok := again.Latest()["kiosk-a"]
	if !ok || got.At != t0.Add(maxSkew) || got.Generation != 7 {
		t.Errorf("kiosk-a read back: at %v generation %d, want %v and 7", got.At, got.Generation, t0.Add(maxSkew))
	}
	// A file too large to be a board, or a folder, in its place is an
	// empty board, said; the next write replaces the file, and says when
	// it cannot replace the folder (a FIFO: fifo_unix_test.go).
	for _, c := range []struct {
		plant    func() error
		replaced bool
	}{
		{func() error { return os.WriteFile(path, make([]byte, maxBoardFile+1), 0o600) }, true},
		{func() error { return os.Mkdir(path, 0o700) }, false},
	} {
		os.RemoveAll(path)
		if err := c.plant(); err != nil {
			t.Fatal(err)
		}
		planted, problems, err := Load(path, registry{a.Enrolled})
		if err != nil || problems != 1 || len(planted.Latest()) != 0 {
			t.Fatalf("a planted board: %d problems, %v", problems, err)
		}
		var logged []string
		planted.Log = func(s string) { logged = append(logged, s) }
		planted.Accept(a.signed(t, a.beat(9)), t0.Add(time.Hour))
		err = planted.Save(t0.Add(time.Hour))
		planted.pending.Wait()
		if (err == nil) != c.replaced || (len(logged) == 0) == !c.replaced {
			t.Fatalf("writing over what was planted: %v, logged %q", err, logged)
		}
	}
	os.RemoveAll(path)
	os.WriteFile(path, []byte("garbage"), 0o600)
	if again, problems, err = Load(path, registry{a.Enrolled}); err != nil || problems != 1 || len(again.Latest()) != 0 {
		t.Errorf("garbage: %v %d %v", again, problems, err)
	}
}

// Readiness: each threshold turns a kiosk amber then red, the least ready
// first; a kiosk never heard from is red.
func TestReadinessLevels(t *testing.T) {
	ks := map[string]kiosk{}
	var reg registry
	for _, id := range []string{"fine", "silent", "stale", "old", "selfcheck", "clock", "disk", "nodisk", "entries", "journal", "never", "nodata"} {
		k := newKiosk(t, id, "5C")
		ks[id] = k
		reg = append(reg, k.Enrolled)
	}
	latest := map[string]Received{}
	put := func(id string, at time.Time, change func(*Heartbeat)) {
		h := ks[id].beat(1)
		if change != nil {
			change(&h)
		}
		latest[id] = Received{Heartbeat: h, At: at}
	}
	now := t0.Add(30 * time.Second)
	put("fine", t0, nil)
	put("silent", t0.Add(-20*time.Minute), func(h *Heartbeat) { h.Sent = t0.Add(-20 * time.Minute); h.DataAsOf = h.Sent })
	put("stale", t0, func(h *Heartbeat) { h.DataAsOf = t0.Add(-3 * time.Minute) })
	put("old", t0, func(h *Heartbeat) { h.DataAsOf = t0.Add(-time.Hour) })
	put("selfcheck", t0, func(h *Heartbeat) { h.SelfCheck = "Generation 6 does not match its hash." })
	put("clock", t0.Add(-2*time.Minute), func(h *Heartbeat) { h.Sent = t0.Add(-8 * time.Minute); h.DataAsOf = h.Sent })
	put("disk", t0, func(h *Heartbeat) { h.FreeDisk = freeBytes(100 << 20) })
	put("nodisk", t0, func(h *Heartbeat) { h.FreeDisk = nil })
	put("entries", t0, func(h *Heartbeat) { h.Unreconciled = 3 })
	put("journal", t0, func(h *Heartbeat) { h.Unreconciled = -1 })
	put("nodata", t0, func(h *Heartbeat) { h.Generation = 0; h.DataAsOf = time.Time{} })
	rows := Assess(reg, latest, now, Thresholds{})
	want := map[string]Level{"fine": Green, "silent": Red, "stale": Amber, "old": Red, "selfcheck": Red, "clock": Red, "disk": Red, "nodisk": Green,
		"entries": Amber, "journal": Amber, "never": Red, "nodata": Red}
	for _, r := range rows {
		if r.Level != want[r.Kiosk] {
			t.Errorf("%s: %s (%v), want %s", r.Kiosk, r.Level, r.Findings, want[r.Kiosk])
		}
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Level > rows[i-1].Level {
			t.Errorf("%s (%s) after %s (%s): the least ready must come first", rows[i].Kiosk, rows[i].Level, rows[i-1].Kiosk, rows[i-1].Level)
		}
	}
	if rows[len(rows)-1].Level != Green || Worst(rows) != Red || Worst(rows[len(rows)-1:]) != Green {
		t.Errorf("order or worst wrong: last %s", rows[len(rows)-1].Kiosk)
	}
	var old Row
	for _, r := range rows {
		if r.Kiosk == "old" {
			old = r
		}
	}
	if len(old.Findings) != 1 || old.Findings[0].English() != "Its data is 60 min old." {
		t.Errorf("old: %+v", old.Findings)
	}
}

// /metrics has each kiosk's figures and the refusals, in Prometheus's
// text format.
func TestMetrics(t *testing.T) {
	a, b := newKiosk(t, "kiosk-a", "5C"), newKiosk(t, "kiosk-b", "4B")
	reg := registry{a.Enrolled, b.Enrolled}
	board, _, _ := Load("", reg)
	board.Accept(a.signed(t, a.beat(1)), t0)
	board.Accept([]byte("nope"), t0)
	m := NewMetrics(board, reg.Enrolled, Thresholds{}, func() time.Time { return t0.Add(time.Minute) })
	m.ObservePull(t0, 9*time.Second, nil)
	m.ObservePull(t0, 30*time.Second, errors.New("EHR down"))
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`lifeboat_kiosk_data_age_seconds{kiosk="kiosk-a",ward="5C"} 90`,
		`lifeboat_kiosk_readiness{kiosk="kiosk-a",ward="5C"} 0`,
		`lifeboat_kiosk_readiness{kiosk="kiosk-b",ward="4B"} 2`,
		`lifeboat_kiosk_generation{kiosk="kiosk-a",ward="5C"} 7`,
		`lifeboat_heartbeats_refused_total{reason="malformed"} 1`,
		`lifeboat_hub_ehr_errors_total 1`,
		`lifeboat_hub_pull_duration_seconds_count 2`,
		`lifeboat_kiosk_self_check_ok{kiosk="kiosk-a",ward="5C"} 1`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("no %q in\n%s", want, body)
		}
	}
	if strings.Contains(string(body), `lifeboat_kiosk_data_age_seconds{kiosk="kiosk-b"`) {
		t.Error("a kiosk never heard from has a data age")
	}
}

// A kiosk's data time is the hub's (its manifest's), so its age is
// measured on the hub's clock: a kiosk whose clock is behind does not
// make its data look fresher than it is.
func TestDataAgeIsOnTheHubsClockNotTheKiosks(t *testing.T) {
	k := newKiosk(t, "behind", "5C")
	h := k.beat(1)
	h.Sent = t0.Add(-3 * time.Minute) // its clock three minutes behind
	h.DataAsOf = t0.Add(-3 * time.Minute)
	rows := Assess(registry{k.Enrolled}, map[string]Received{k.Kiosk: {Heartbeat: h, At: t0}}, t0, Thresholds{})
	if rows[0].DataAge != 3*time.Minute {
		t.Fatalf("data age %s, want 3m0s (findings %v)", rows[0].DataAge, rows[0].Findings)
	}
}

// A web server carrying the publication, not the hub, takes no
// heartbeats: said as such, and a proxy's HTML page is never repeated
// as the hub's sentence.
func TestPostToAServerThatIsNotTheHub(t *testing.T) {
	status := http.StatusMethodNotAllowed
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		io.WriteString(w, "<html><head><title>nginx</title></head></html>")
	}))
	defer srv.Close()
	post := func() error {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/heartbeat", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		return Post(srv.Client(), req)
	}
	if err := post(); !errors.Is(err, ErrNoHeartbeats) {
		t.Fatalf("405: %v", err)
	}
	status = http.StatusBadGateway
	if err := post(); err == nil || strings.Contains(err.Error(), "<") {
		t.Fatalf("502 with a page: %v", err)
	}
}

func freeBytes(n uint64) *uint64 { return &n }
