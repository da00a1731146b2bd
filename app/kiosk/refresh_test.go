package kiosk

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
)

// sealNewer seals a newer generation of the test ward in which p2 moved to
// bed 109-A and p4 left.
func sealNewer(t *testing.T, dir string, asOf time.Time) {
	t.Helper()
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var charts []clinical.Chart
	for _, id := range []string{"p1", "p2", "p3"} {
		c, err := s.Chart(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if id == "p2" {
			c.Patient.Bed = "109-A"
		}
		charts = append(charts, *c)
	}
	w, err := store.BuildWard(context.Background(), charts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := store.Seal(context.Background(), dir, keys, w, store.SealRequest{AsOf: asOf, Source: "http://127.0.0.1/fhir",
		Census: store.Census{Mode: "all"}}); err != nil {
		t.Fatal(err)
	}
}

func TestANewerGenerationIsPickedUpInTheBackground(t *testing.T) {
	k, clk := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	submit(k, "MRN002")
	if k.chart.current == nil || k.chart.current.Patient.Bed != "101-B" {
		t.Fatal("the chart did not open")
	}
	clk.advance(time.Minute)
	sealNewer(t, k.opt.Dir, clk.now())
	k.tick()
	uitest.Settle(k.work.Wait)
	if !strings.Contains(k.banner.text.Text, "generation 2") || len(k.census.snapRows) != 3 {
		t.Fatalf("banner %q, %d patients", k.banner.text.Text, len(k.census.snapRows))
	}
	if k.chart.current.Patient.Bed != "109-A" {
		t.Fatalf("the open chart still shows bed %s", k.chart.current.Patient.Bed)
	}
	// A chart of a patient who left says so.
	submit(k, "MRN001")
	k.chart.current.Patient.ID = "p4" // as if p4's chart were open
	clk.advance(time.Minute)
	sealNewer(t, k.opt.Dir, clk.now())
	k.tick()
	uitest.Settle(k.work.Wait)
	if k.chart.current != nil && k.chart.current.Patient.ID == "p4" {
		t.Fatal("the chart of a patient who left is still shown as current")
	}
}

func TestAFormBeingFilledInIsNotReplacedByANewerGeneration(t *testing.T) {
	k, clk := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	submit(k, "MRN002")
	f := openForm(t, k, present.WriteNoteButton)
	clk.advance(time.Minute)
	sealNewer(t, k.opt.Dir, clk.now())
	k.tick()
	uitest.Settle(k.work.Wait)
	if k.chart.forms.open != f || !strings.Contains(k.banner.text.Text, "generation 2") {
		t.Fatalf("form open=%v banner %q", k.chart.forms.open == f, k.banner.text.Text)
	}
}

func TestTheBannerSaysWhenTheLiveSyncFails(t *testing.T) {
	k, clk := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	if err := store.WriteSyncState(k.opt.Dir, store.SyncState{LastAttempt: clk.now(), LastSuccess: clk.now()}); err != nil {
		t.Fatal(err)
	}
	k.tick()
	if !strings.HasPrefix(k.banner.sync.Text, "Live sync: updated") || k.banner.warning.Visible() {
		t.Fatalf("sync %q warning %q", k.banner.sync.Text, k.banner.warning.Text)
	}
	if err := store.WriteSyncState(k.opt.Dir, store.SyncState{LastAttempt: clk.now(), LastSuccess: clk.now().Add(-time.Hour),
		LastError: "the FHIR server could not be reached during a search of Patient: the connection failed", LastErrorAt: clk.now(),
		Failures: 4}); err != nil {
		t.Fatal(err)
	}
	k.tick()
	if !strings.Contains(k.banner.warning.Text, "Live sync failed 4 times") || !strings.Contains(k.banner.warning.Text, "could not be reached") {
		t.Fatalf("warning %q", k.banner.warning.Text)
	}
}

// A kiosk fed by the hub says the EHR is down when the hub's index
// announces it, in the nurse's language; when the hub itself cannot be
// reached it says that instead, never that the EHR is down.
func TestTheBannerSaysWhenTheHubAnnouncesTheEHRDown(t *testing.T) {
	for _, c := range []struct {
		lang                      i18n.Lang
		down, unreached, handedIn string
	}{
		{i18n.English, "EHR unreachable since 10:42 (the hub says so)", "No new data from the hub (failed 3 times, last at", "Journal: 12 handed in to IT, 0 waiting"},
		{i18n.Dutch, "EPD onbereikbaar sinds 10:42 (volgens de hub)", "Geen nieuwe gegevens van de hub (3 keer mislukt", "Register: 12 aan IT overgedragen, 0 wachtend"},
		{i18n.French, "DPI injoignable depuis 10:42 (selon le hub)", "Pas de nouvelles données du hub (échec 3 fois", "Journal : 12 remis à l'informatique, 0 en attente"},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			k, clk := kioskWithClock(t)
			i18n.Set(c.lang)
			t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })
			unlockWith(k, passphrase, "RN Peeters")
			i18n.ResetMissing()
			now := clk.now().Local()
			since := time.Date(now.Year(), now.Month(), now.Day(), 10, 42, 0, 0, time.Local) // today: the time alone
			announced := store.SyncState{Source: "http://hub.example", FromHub: true, LastAttempt: clk.now(), LastSuccess: clk.now(),
				EHRUnreachableSince: since, HandedIn: 12, HandInAt: clk.now()}
			if err := store.WriteSyncState(k.opt.Dir, announced); err != nil {
				t.Fatal(err)
			}
			k.tick()
			if !strings.Contains(k.banner.warning.Text, c.down) || !k.banner.warning.Visible() {
				t.Errorf("EHR announced down: warning %q", k.banner.warning.Text)
			}
			if !strings.Contains(k.banner.warning.Text, c.handedIn) {
				t.Errorf("the journal handed in: warning %q", k.banner.warning.Text)
			}
			announced.LastError, announced.LastErrorAt, announced.Failures = "the hub did not answer", clk.now(), 3
			if err := store.WriteSyncState(k.opt.Dir, announced); err != nil {
				t.Fatal(err)
			}
			k.tick()
			if !strings.Contains(k.banner.warning.Text, c.unreached) || strings.Contains(k.banner.warning.Text, c.down) {
				t.Errorf("hub unreachable: warning %q", k.banner.warning.Text)
			}
			if m := i18n.Missing(); len(m) > 0 {
				t.Errorf("untranslated: %q", m)
			}
		})
	}
}

func TestThresholdsColourTheBanner(t *testing.T) {
	now := time.Now()
	dir := ward(t, now.Add(-20*time.Minute), 0)
	k := kioskOn(t, dir, now)
	k.opt.Thresholds = present.Thresholds{Amber: 30 * time.Minute, Red: 2 * time.Hour}
	unlockWith(k, passphrase, "RN Peeters")
	if k.banner.bg.FillColor != colourFresh {
		t.Fatal("20-minute-old data is amber although amber starts at 30 minutes")
	}
}

func TestANewerGenerationThatIsRefusedIsNamedOnTheBanner(t *testing.T) {
	k, clk := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	clk.advance(time.Minute)
	sealNewer(t, k.opt.Dir, clk.now())
	path := filepath.Join(k.opt.Dir, "snapshots", "000000000002.lbs")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	k.tick()
	uitest.Settle(k.work.Wait)
	if !strings.Contains(k.banner.text.Text, "generation 1") || !strings.Contains(k.banner.warning.Text, "generation 2") ||
		!k.banner.warning.Visible() {
		t.Fatalf("banner %q, warning %q", k.banner.text.Text, k.banner.warning.Text)
	}
}
