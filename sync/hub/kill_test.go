//go:build unix

package hub_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhir"
	"lifeboat/sync/hub"
	"lifeboat/sync/synthetic"
)

// The publication under SIGKILL: the parent prepares a hub of three
// wards, each with generations sealed (a full one and deltas) and a kiosk
// enrolled, and publishes once. Then, again and again, it starts this
// test binary as a child that opens the hub and, in a loop, seals a
// generation of one ward after another (each whole when first touched, as
// a restarted hub's first pull, then deltas, now and then whole again)
// and publishes after each, saying each index once Publish has returned;
// the parent kills it with SIGKILL at a random moment. After each kill it
// reads the publication as the kiosks do: every ward's kiosk takes the
// index (signed by the pinned hub, its sequence not below the last one
// taken) and fetches the files it lacks (each of the size and SHA-256 the
// index signs, checked as Open checks it); every file the index names, of
// every ward, is there with its size and hash; an index the child said
// was published is not lost. Then a new Publisher completes the
// publication, which is whole again, names each ward's newest generation,
// and opens on every kiosk. Most kills are aimed: at the first
// milliseconds of a publication (chains read, files copied), or at the
// moment its files are written (the index replaced, old files pruned);
// the others fall anywhere.

const (
	killHubEnv   = "LIFEBOAT_HUB_KILL_DIR"
	killPubEnv   = "LIFEBOAT_HUB_KILL_PUBLISH"
	killChartEnv = "LIFEBOAT_HUB_KILL_CHARTS"
)

var killWards = []string{"ward-1", "ward-2", "ward-3"}

// wardSealer seals one ward's generations in the hub's folder as the
// puller does: a whole ward, then deltas built on it.
type wardSealer struct {
	id     string
	dir    string
	keys   *store.Keys
	charts []clinical.Chart
	ward   *store.Ward // the ward as its newest generation holds it
	newest *store.Manifest
}

// sealers are the hub's wards ready to seal, each to its enrolled kiosks,
// the hub and the recovery recipient, as hub.Runner seals them.
func sealers(h *hub.Hub, charts []clinical.Chart) ([]*wardSealer, error) {
	kiosks, problems, err := h.Kiosks()
	if err != nil || len(problems) > 0 {
		return nil, fmt.Errorf("the kiosks: %v %v", err, problems)
	}
	var out []*wardSealer
	for _, id := range killWards {
		to := []string{h.Keys.Config.Recipient}
		for _, k := range kiosks[id] {
			to = append(to, k.Recipient)
		}
		keys, err := h.Keys.SealingTo(to)
		if err != nil {
			return nil, err
		}
		out = append(out, &wardSealer{id: id, dir: filepath.Join(h.Dir, "wards", id), keys: keys, charts: charts})
	}
	return out, nil
}

func (w *wardSealer) req() store.SealRequest {
	return store.SealRequest{AsOf: time.Now(), Source: "test", Census: store.Census{Mode: "ward", Ward: w.id}}
}

func (w *wardSealer) full(ctx context.Context) error {
	if w.ward != nil {
		w.ward.Close()
		w.ward, w.newest = nil, nil
	}
	ward, err := store.BuildWard(ctx, w.charts)
	if err != nil {
		return err
	}
	m, err := store.Seal(ctx, w.dir, w.keys, ward, w.req())
	if err != nil {
		ward.Close()
		return err
	}
	w.ward, w.newest = ward, m
	return nil
}

// delta seals two charts as changed; a failure leaves the ward ahead of
// the folder, so the next seal is whole.
func (w *wardSealer) delta(ctx context.Context, i int) error {
	if w.ward == nil {
		return w.full(ctx)
	}
	n := len(w.charts)
	order := make([]string, n)
	for k, c := range w.charts {
		order[k] = c.Patient.ID
	}
	d := store.Delta{Upsert: []clinical.Chart{w.charts[i%n], w.charts[(i+1)%n]}, Order: order}
	m, err := store.SealDelta(ctx, w.dir, w.keys, w.ward, w.newest, d, w.req())
	if err != nil {
		w.ward.Close()
		w.ward, w.newest = nil, nil
		return err
	}
	w.newest = m
	return nil
}

func readCharts(dir string) ([]clinical.Chart, error) {
	im, err := fhir.Read(dir)
	if err != nil {
		return nil, err
	}
	return im.Census(fhir.Selection{All: true})
}

// TestPublishKillChild is the child of
// TestAPublicationKilledAtRandomMomentsStaysWhole; on its own it does
// nothing.
func TestPublishKillChild(t *testing.T) {
	dir := os.Getenv(killHubEnv)
	if dir == "" {
		t.Skip("the child of TestAPublicationKilledAtRandomMomentsStaysWhole")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	h, err := hub.Open(dir, hubPassphrase)
	if err != nil {
		fail(err)
	}
	charts, err := readCharts(os.Getenv(killChartEnv))
	if err != nil {
		fail(err)
	}
	ws, err := sealers(h, charts)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	p := &hub.Publisher{Hub: h, Dir: os.Getenv(killPubEnv)}
	p.BeforeIndex(func() { os.Stdout.WriteString("indexing\n") })
	// A guard, should the parent be gone: the parent kills within seconds.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		// Each ward is sealed whole when first touched (a restarted
		// hub's first pull), then by deltas, now and then whole again
		// (a chain begins again: the old one's files go).
		for i := 0; i < 12; i++ {
			w := ws[i%len(ws)]
			if i%5 == 4 {
				err = w.full(ctx)
			} else {
				err = w.delta(ctx, i)
			}
			if err != nil {
				fail(err)
			}
			os.Stdout.WriteString("publishing\n")
			ix, err := p.Publish(hub.EHRState{LastAttempt: time.Now(), LastSuccess: time.Now()}, time.Now())
			if err != nil {
				fail(err)
			}
			os.Stdout.WriteString("published " + strconv.FormatUint(ix.Sequence, 10) + "\n")
		}
	}
	fail(fmt.Errorf("the child was not killed"))
}

func TestAPublicationKilledAtRandomMomentsStaysWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill test takes about half a minute")
	}
	root := t.TempDir()
	chartsDir := filepath.Join(root, "ndjson")
	if _, err := synthetic.WriteNDJSON(chartsDir, synthetic.Options{Patients: 4, Seed: 7, AsOf: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	charts, err := readCharts(chartsDir)
	if err != nil {
		t.Fatal(err)
	}
	dir, pub := filepath.Join(root, "hub"), filepath.Join(root, "publish")
	if _, err := hub.Init(dir, hubPassphrase, "", 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(dir, hubPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range killWards {
		if err := h.AddWard(id, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	kiosks := enrolEach(t, h, pub)

	// Several generations each: a full one and deltas, published.
	ws, err := sealers(h, charts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, w := range ws {
		for i := range 4 {
			if err := w.delta(ctx, i); err != nil {
				t.Fatal(err)
			}
		}
		w.ward.Close()
	}
	if _, err := (&hub.Publisher{Hub: h, Dir: pub}).Publish(hub.EHRState{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	whole(t, "before the first kill", h, pub, kiosks, 0, true)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	const kills = 32
	start := time.Now()
	var published, inPublish, mid int
	for round := range kills {
		acked, publishing := killPublishing(t, dir, pub, chartsDir, rng, round)
		if acked > 0 {
			published++
		}
		if publishing {
			inPublish++
		}
		what := fmt.Sprintf("after kill %d", round+1)
		if seq := whole(t, what, h, pub, kiosks, acked, false); seq > acked && acked > 0 {
			mid++ // the kill came after an index the child did not live to say
		}
		// A hub started again completes the publication at once.
		if _, err := (&hub.Publisher{Hub: h, Dir: pub}).Publish(hub.EHRState{}, time.Now()); err != nil {
			t.Fatalf("%s, a new publication: %v", what, err)
		}
		whole(t, what+" and a new publication", h, pub, kiosks, 0, true)
		newestPublished(t, what, h, pub)
	}
	left, _ := filepath.Glob(filepath.Join(pub, "wards", "*", ".tmp-*"))
	atRoot, _ := filepath.Glob(filepath.Join(pub, ".tmp-*"))
	left = append(left, atRoot...)
	t.Logf("%d kills in %v: %d after the child had published, %d while it published, %d just after an index it had not said; %d temporary files left in the publication",
		kills, time.Since(start).Round(time.Millisecond), published, inPublish, mid, len(left))
	if published < kills/4 || inPublish < kills/4 {
		t.Fatalf("only %d of %d kills came after a publication, %d during one: the test tests too little", published, kills, inPublish)
	}
}

// enrolEach enrols one kiosk for each ward, through the hub's listener on
// 127.0.0.1, reading the publication from its folder as a share's kiosk.
func enrolEach(t *testing.T, h *hub.Hub, pub string) map[string]*hub.Subscriber {
	t.Helper()
	ts := httptest.NewUnstartedServer(hub.Handler(h, pub, time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	out := map[string]*hub.Subscriber{}
	for _, id := range killWards {
		v := storetest.NewVault(t)
		code, err := h.NewCode(id, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hub.Enrol(context.Background(), v.Dir, v.Keys, ts.URL, code, http.DefaultClient, time.Now()); err != nil {
			t.Fatal(err)
		}
		keys, err := store.Unlock(v.Dir, storetest.Passphrase)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = &hub.Subscriber{Dir: v.Dir, Keys: keys, Source: pub}
	}
	return out
}

// killPublishing starts a child publishing in the hub's folder, kills it
// at a random moment, and returns the sequence of the last index it said
// was published (0: none), and whether the kill came while it published
// (not while it started or sealed).
func killPublishing(t *testing.T, dir, pub, charts string, rng *rand.Rand, round int) (acked uint64, publishing bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublishKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killHubEnv+"="+dir, killPubEnv+"="+pub, killChartEnv+"="+charts,
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	starts := make(chan struct{}, 1000)  // one for each publication begun
	indexes := make(chan struct{}, 1000) // one for each whose files are written
	said := make(chan struct{})          // closed when the first is said published
	var mu sync.Mutex
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() { // a line cut short by the kill is not read whole
			line := sc.Text()
			mu.Lock()
			switch s, ok := strings.CutPrefix(line, "published "); {
			case line == "publishing":
				publishing = true
				select {
				case starts <- struct{}{}:
				default:
				}
			case line == "indexing":
				select {
				case indexes <- struct{}{}:
				default:
				}
			case ok:
				if n, err := strconv.ParseUint(s, 10, 64); err == nil {
					if acked == 0 {
						close(said)
					}
					acked, publishing = n, false
				}
			}
			mu.Unlock()
		}
	}()
	wait := func(c <-chan struct{}) {
		select {
		case <-c:
		case <-done:
		case <-time.After(time.Minute): // a hang guard: a loaded machine takes seconds
			cmd.Process.Kill()
			t.Fatalf("round %d: the child never got that far: %s", round, stderr.String())
		}
	}
	switch {
	case round%8 == 7:
		// Now and then, while it starts or seals its first ward whole.
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
	case round%4 == 0 || round%4 == 2:
		// Within a few milliseconds of the start of one of its first
		// publications: reading the chains, copying files.
		for range 1 + rng.IntN(3) {
			wait(starts)
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
	case round%4 == 1:
		// Within a millisecond of the files of one of its first
		// publications being written: the index replaced, old files
		// pruned.
		for range 1 + rng.IntN(3) {
			wait(indexes)
		}
		time.Sleep(time.Duration(rng.IntN(1000)) * time.Microsecond)
	default:
		// Up to 150 ms after its first publication: sealing or
		// publishing.
		wait(said)
		time.Sleep(time.Duration(rng.IntN(150_000)) * time.Microsecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		t.Fatalf("round %d: the child ended by itself (%v): %s", round, err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return acked, publishing
}

// whole reads the publication as the kiosks do and requires it whole:
// each ward's kiosk takes the index and its files (each checked as Open
// checks it) and, when open is set, opens its newest generation; every
// file the index names is there with its size and hash; and the
// sequence is at least atLeast. It returns the sequence.
func whole(t *testing.T, what string, h *hub.Hub, pub string, kiosks map[string]*hub.Subscriber, atLeast uint64, open bool) uint64 {
	t.Helper()
	var seq uint64
	for _, id := range killWards {
		k := kiosks[id]
		up, err := k.Step(context.Background())
		if err != nil {
			t.Fatalf("%s, ward %s's kiosk: %v", what, id, err)
		}
		if up.Sequence < atLeast {
			t.Fatalf("%s: index %d, though the hub had said index %d was published", what, up.Sequence, atLeast)
		}
		seq = up.Sequence
		if !open {
			continue
		}
		snap, err := store.Open(context.Background(), k.Dir, k.Keys)
		if err != nil {
			t.Fatalf("%s, ward %s's kiosk: %v", what, id, err)
		}
		m := snap.Manifest
		snap.Close()
		if m.Generation != up.Generation || m.Census.Ward != id || m.KioskID != h.ID() {
			t.Fatalf("%s, ward %s's kiosk opens %+v, the index names generation %d", what, id, m, up.Generation)
		}
	}
	ix := readIndexRaw(t, pub)
	if len(ix.Wards) != len(killWards) {
		t.Fatalf("%s: the index names %d wards", what, len(ix.Wards))
	}
	for _, w := range ix.Wards {
		for _, f := range w.Chain {
			b, err := os.ReadFile(filepath.Join(pub, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatalf("%s: the index names %s: %v", what, f.Path, err)
			}
			sum := sha256.Sum256(b)
			if int64(len(b)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Fatalf("%s: %s is %d bytes of another content, the index says %d", what, f.Path, len(b), f.Size)
			}
		}
	}
	return seq
}

// newestPublished requires the publication to name each ward's newest
// generation in the hub's folder, and nothing newer.
func newestPublished(t *testing.T, what string, h *hub.Hub, pub string) {
	t.Helper()
	named := map[string]uint64{}
	for _, w := range readIndexRaw(t, pub).Wards {
		named[w.Ward] = w.Generation
	}
	for _, id := range killWards {
		chain, err := store.NewestChain(filepath.Join(h.Dir, "wards", id), h.Keys)
		if err != nil || len(chain) == 0 {
			t.Fatalf("%s: ward %s's generations: %v", what, id, err)
		}
		if newest := chain[len(chain)-1].Generation; named[id] != newest {
			t.Fatalf("%s: the index names ward %s's generation %d, its newest is %d", what, id, named[id], newest)
		}
	}
}
