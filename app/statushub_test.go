package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeboat/app/present"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/hub"
)

// A kiosk fed by a hub: status says which hub (its id and the
// fingerprint hub init printed of its key), the ward, the index last
// accepted (the signed sequence the rollback check holds, and when the
// hub published it) and the EHR's state the index announced, in words
// and in --json. sync.json is not signed: altered, it does not move the
// sequence shown as accepted, and the difference is said.
func TestStatusShowsTheHubAKioskIsFedBy(t *testing.T) {
	root := t.TempDir()
	env := map[string]string{"LIFEBOAT_PASSPHRASE": "ward 4B passphrase", "LIFEBOAT_SCRYPT_WORK_FACTOR": "10"}
	kiosk, hubDir, pub := filepath.Join(root, "kiosk"), filepath.Join(root, "hub"), filepath.Join(root, "publish")
	if _, errOut, code := runCLI(t, env, "init", "--data", kiosk, "--recovery-out", filepath.Join(root, "recovery.key")); code != 0 {
		t.Fatal(errOut)
	}
	if _, err := hub.Init(hubDir, "hub passphrase 1", "", 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(hubDir, "hub passphrase 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddWard("ward-1", "5C", time.Now()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hub.Handler(h, pub, time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	enrolCode, err := h.NewCode("ward-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, env, "enrol", "--data", kiosk, "--hub", ts.URL, "--code", enrolCode); code != 0 {
		t.Fatal(errOut)
	}
	out, _, code := runCLI(t, env, "status", "--data", kiosk)
	if code != ExitNoSnapshot || !strings.Contains(out, "Hub "+h.ID()+" (key "+h.Keys.Config.SignerFingerprint()+"), ward ward-1, enrolled ") ||
		!strings.Contains(out, "Hub index: none accepted yet.") {
		t.Fatalf("enrolled, before the first index: exit %d\n%s", code, out)
	}

	// The hub seals the ward to the kiosk and publishes, the EHR down for
	// ten minutes; the kiosk takes it from the publication's folder.
	kiosks, _, err := h.Kiosks()
	if err != nil || len(kiosks["ward-1"]) != 1 {
		t.Fatalf("kiosks %v, %v", kiosks, err)
	}
	keys, err := h.Keys.SealingTo([]string{h.Keys.Config.Recipient, kiosks["ward-1"][0].Recipient})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := storetest.SyntheticWard(t, 3, 5, time.Now())
	if _, err := store.Seal(context.Background(), filepath.Join(hubDir, "wards", "ward-1"), keys, w,
		store.SealRequest{AsOf: time.Now().Add(-2 * time.Minute), Source: "test", Census: store.Census{Mode: "ward", Ward: "ward-1"}}); err != nil {
		t.Fatal(err)
	}
	failing := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	ehr := hub.EHRState{LastAttempt: time.Now().UTC().Truncate(time.Second), LastSuccess: failing.Add(-30 * time.Second),
		FailingSince: failing, Failures: 20, Unreachable: true}
	ix, err := (&hub.Publisher{Hub: h, Dir: pub}).Publish(ehr, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, env, "snapshot", "--data", kiosk, "--hub", pub); code != 0 {
		t.Fatal(errOut)
	}
	seq := strconv.FormatUint(ix.Sequence, 10)
	out, _, code = runCLI(t, env, "status", "--data", kiosk)
	for _, want := range []string{
		"Hub " + h.ID() + " (key " + h.Keys.Config.SignerFingerprint() + "), ward ward-1, enrolled ",
		"Hub index: " + seq + " accepted (hub.seen, signed: an older index is refused), published " + present.DateTime(ix.Time) + " by the hub's clock, taken ",
		"The hub says its pulls from the EHR have failed since " + present.DateTime(failing) + " (20 failed pulls; last success " +
			present.DateTime(ehr.LastSuccess) + "), and announces the EHR unreachable.",
		"EHR unreachable since " + present.DateTime(failing) + ", as the hub announced.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not say %q:\n%s", want, out)
		}
	}
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}

	var rep struct {
		Hub struct {
			HubID, KeyFingerprint, Ward string
			IndexSequence               uint64
			LastIndex                   struct {
				Sequence         uint64
				Published, Taken time.Time
			}
			EHR store.HubEHR
		}
	}
	statusJSON := func() {
		t.Helper()
		out, _, _ := runCLI(t, env, "status", "--data", kiosk, "--json")
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
	}
	statusJSON()
	if r := rep.Hub; r.HubID != h.ID() || r.KeyFingerprint != h.Keys.Config.SignerFingerprint() || r.Ward != "ward-1" ||
		r.IndexSequence != ix.Sequence || r.LastIndex.Sequence != ix.Sequence || !r.LastIndex.Published.Equal(ix.Time) ||
		r.LastIndex.Taken.IsZero() || !r.EHR.Unreachable || !r.EHR.FailingSince.Equal(failing) || r.EHR.Failures != 20 {
		t.Fatalf("status --json's hub: %+v", r)
	}

	// sync.json altered: the sequence accepted is still hub.seen's.
	st, _, err := store.ReadSyncState(kiosk)
	if err != nil {
		t.Fatal(err)
	}
	st.HubIndexSequence = ix.Sequence + 1000
	if err := store.WriteSyncState(kiosk, st); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCLI(t, env, "status", "--data", kiosk)
	if want := "Hub index: " + seq + " accepted (hub.seen, signed: an older index is refused); sync.json, which is not signed, names index " +
		strconv.FormatUint(ix.Sequence+1000, 10) + "."; !strings.Contains(out, want) {
		t.Fatalf("status does not say %q:\n%s", want, out)
	}
	statusJSON()
	if rep.Hub.IndexSequence != ix.Sequence {
		t.Fatalf("status --json's accepted index is %d", rep.Hub.IndexSequence)
	}

	// hub.seen forged: said, and the index accepted is unknown (0).
	seen := filepath.Join(kiosk, "hub.seen")
	b, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(seen, []byte(strings.Replace(string(b), seq, strconv.FormatUint(ix.Sequence+1, 10), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCLI(t, env, "status", "--data", kiosk)
	if want := "Hub index: the record of the hub's index last seen (hub.seen) is damaged or forged."; !strings.Contains(out, want) {
		t.Fatalf("status does not say %q:\n%s", want, out)
	}
	statusJSON()
	if rep.Hub.IndexSequence != 0 {
		t.Fatalf("a forged hub.seen gives index %d", rep.Hub.IndexSequence)
	}

	// The EHR back: the next index taken says so, and hub.seen is
	// written again.
	back := time.Now().UTC().Truncate(time.Second)
	ix, err = (&hub.Publisher{Hub: h, Dir: pub}).Publish(hub.EHRState{LastAttempt: back, LastSuccess: back}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, env, "snapshot", "--data", kiosk, "--hub", pub); code != 0 {
		t.Fatal(errOut)
	}
	out, _, _ = runCLI(t, env, "status", "--data", kiosk)
	for _, want := range []string{
		"Hub index: " + strconv.FormatUint(ix.Sequence, 10) + " accepted (hub.seen, signed: an older index is refused), published ",
		"The hub says its pulls from the EHR work: last success " + present.DateTime(back) + ".",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "unreachable") {
		t.Errorf("the EHR back is still said unreachable:\n%s", out)
	}
}
