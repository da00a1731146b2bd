package kiosk

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lifeboat/store"
)

const passphrase = "ward 4B passphrase"

func src(typ, id string) store.Source {
	return store.Source{Type: typ, ID: id, VersionID: "1", JSON: json.RawMessage(`{}`)}
}

// ward seals three synthetic patients: one allergic and DNR, one with "no
// known allergies" asserted, one with nothing recorded.
func ward(t *testing.T, asOf time.Time) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := store.Init(dir, passphrase, store.InitOptions{WorkFactor: 10}); err != nil {
		t.Fatal(err)
	}
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	patient := func(id, name, mrn, bed string) store.Patient {
		return store.Patient{ID: id, Name: name, BirthDate: "1950-06-01", Sex: "female", Bed: bed, Room: "Room 1",
			Identifiers: []store.Identifier{{Value: mrn, Type: "MR"}}, Source: src("Patient", id)}
	}
	charts := []store.Chart{
		{Patient: patient("p1", "Janssens, An", "MRN001", "101-A"),
			Allergies: store.Section[store.Allergy]{Items: []store.Allergy{{Substance: "Penicillin", Criticality: "high",
				Reaction: "anaphylaxis", ClinicalStatus: "active", Source: src("AllergyIntolerance", "a1")}}},
			Alerts: store.Section[store.Alert]{Items: []store.Alert{{Kind: store.AlertCodeStatus, Text: "Not for resuscitation",
				Status: "active", Source: src("Flag", "f1")}}}},
		{Patient: patient("p2", "Dubois, Claire", "MRN002", "101-B"),
			Allergies: store.Section[store.Allergy]{Assertion: &store.Source{Type: "AllergyIntolerance", ID: "nka", JSON: json.RawMessage(`{}`)}}},
		{Patient: patient("p3", "Smith, Mary", "MRN003", "102-A")},
	}
	ctx := context.Background()
	w, err := store.BuildWard(ctx, charts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := store.Seal(ctx, dir, keys, w, store.SealRequest{AsOf: asOf, Source: "files", Census: store.Census{Mode: "all"}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newKiosk(t *testing.T, asOf, now time.Time) *Kiosk {
	t.Helper()
	a := test.NewTempApp(t)
	k := New(a, Options{Dir: ward(t, asOf), Now: func() time.Time { return now }})
	t.Cleanup(k.Lock)
	return k
}

func unlockWith(k *Kiosk, pass, user string) {
	test.Type(k.unlock.passphrase, pass)
	test.Type(k.unlock.user, user)
	test.Tap(k.unlock.button)
	k.work.Wait()
}

func TestAWrongPassphraseKeepsTheKioskLocked(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, "not the passphrase", "RN Peeters")
	if k.Unlocked() || k.unlock.message.Text != "Wrong passphrase. Try again." {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.message.Text)
	}
	if k.unlock.passphrase.Text != "" {
		t.Fatal("the wrong passphrase was left in the field")
	}
}

func TestUnlockingNeedsTheUsersName(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "  ")
	if k.Unlocked() || !strings.Contains(k.unlock.message.Text, "name or staff number") {
		t.Fatalf("message = %q", k.unlock.message.Text)
	}
}

func TestTheRightPassphraseShowsTheCensusAndLockClearsIt(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now.Add(-20*time.Minute), now)
	unlockWith(k, passphrase, "RN Peeters")
	if !k.Unlocked() || len(k.census.shown) != 3 {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.message.Text)
	}
	if !strings.Contains(k.banner.text.Text, "data as of") || !strings.Contains(k.banner.text.Text, "20 min old") {
		t.Fatalf("banner = %q", k.banner.text.Text)
	}
	if k.banner.bg.FillColor != colourAmber {
		t.Fatal("20-minute-old data must show an amber banner")
	}
	k.Lock()
	if k.Unlocked() || k.census != nil || k.chart != nil {
		t.Fatal("locking left the ward on screen")
	}
}

func TestTheBannerTurnsRedAfterAnHour(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now.Add(-137*time.Minute), now)
	unlockWith(k, passphrase, "RN Peeters")
	if k.banner.bg.FillColor != colourRed || !strings.Contains(k.banner.text.Text, "2 h 17 min old") {
		t.Fatalf("banner = %q", k.banner.text.Text)
	}
}

func TestSearchAndAScannedMRNOpenTheChart(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	test.Type(k.census.search, "dub")
	if len(k.census.shown) != 1 || k.census.shown[0].ID != "p2" {
		t.Fatalf("shown = %+v", k.census.shown)
	}
	k.census.search.SetText("")
	test.Type(k.census.search, "MRN001")
	k.census.search.OnSubmitted(k.census.search.Text)
	if !strings.Contains(k.chart.allergyText, "Penicillin (HIGH RISK, anaphylaxis)") || k.chart.codeText != "CODE STATUS: Not for resuscitation" {
		t.Fatalf("allergy %q code %q", k.chart.allergyText, k.chart.codeText)
	}
}

func TestNoneKnownAndNoneRecordedAllergiesReadDifferently(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p2")
	known := k.chart.allergyText
	k.openPatient("p3")
	unknown := k.chart.allergyText
	if !strings.Contains(known, "NO KNOWN ALLERGIES") || !strings.Contains(unknown, "NO ALLERGIES RECORDED") || known == unknown {
		t.Fatalf("none known %q, none recorded %q", known, unknown)
	}
	if k.chart.codeText != "CODE STATUS: not recorded" {
		t.Fatalf("code = %q", k.chart.codeText)
	}
}
