package kiosk

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
)

// passphrase is the ward passphrase of the test vaults, typed into the
// unlock form.
const passphrase = storetest.Passphrase

func src(typ, id string) clinical.Source {
	return clinical.Source{Type: typ, ID: id, VersionID: "1", JSON: json.RawMessage(`{}`)}
}

// ward seals four synthetic patients: one allergic and DNR, with an order
// and its administrations; one with "no known allergies" asserted; one with
// nothing recorded; one whose MRN contains another number ("9123456").
// malformed is the number of unreadable source records to declare.
func ward(t *testing.T, asOf time.Time, malformed int) string {
	t.Helper()
	patient := func(id, name, mrn, bed string) clinical.Patient {
		return clinical.Patient{ID: id, Name: name, BirthDate: "1950-06-01", Sex: "female", Bed: bed, Room: "Room 1",
			Identifiers: []clinical.Identifier{{Value: mrn, Type: "MR"}}, Source: src("Patient", id)}
	}
	charts := []clinical.Chart{
		{Patient: patient("p1", "Janssens, An", "MRN001", "101-A"),
			Allergies: clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
				Reaction: "anaphylaxis", ClinicalStatus: "active", Source: src("AllergyIntolerance", "a1")}}},
			Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Text: "Not for resuscitation",
				Status: "active", Source: src("Flag", "f1")}}}},
		{Patient: patient("p2", "Dubois, Claire", "MRN002", "101-B"),
			Allergies: clinical.Section[clinical.Allergy]{Assertion: &clinical.Source{Type: "AllergyIntolerance", ID: "nka", JSON: json.RawMessage(`{}`)}}},
		{Patient: patient("p3", "Smith, Mary", "MRN003", "102-A")},
		{Patient: patient("p4", "Peeters, Jan", "9123456", "102-B")},
	}
	p1 := &charts[0]
	p1.Patient.Height = &clinical.Measure{Value: 168, Unit: "cm", Time: asOf.Add(-72 * time.Hour)}
	p1.Medications.Items = []clinical.Medication{{Name: "Paracetamol", Status: "active", Dosage: "1 g oral every 6 h",
		Source: src("MedicationRequest", "m1")}}
	p1.Administrations.Items = []clinical.Administration{
		{Medication: "Paracetamol", Status: "completed", Dose: "1 g", Route: "oral", Time: asOf.Add(-2 * time.Hour),
			Source: src("MedicationAdministration", "ma1")},
		{Medication: "Paracetamol", Status: "completed", Dose: "1 g", Route: "oral", Time: asOf.Add(-30 * time.Hour),
			Source: src("MedicationAdministration", "ma0")},
	}
	return sealedWard(t, asOf, malformed, charts...)
}

// sealedWard makes a vault (ward passphrase, quick scrypt) holding one
// snapshot of charts, as of asOf, declaring malformed unreadable records.
func sealedWard(t *testing.T, asOf time.Time, malformed int, charts ...clinical.Chart) string {
	t.Helper()
	v := storetest.NewVault(t)
	dir, keys := v.Dir, v.Keys
	ctx := context.Background()
	w, err := store.BuildWard(ctx, charts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := store.Seal(ctx, dir, keys, w, store.SealRequest{AsOf: asOf, Source: "files",
		Census: store.Census{Mode: "all"}, Malformed: malformed}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newKiosk(t *testing.T, asOf, now time.Time) *Kiosk {
	t.Helper()
	return kioskOn(t, ward(t, asOf, 0), now)
}

func kioskOn(t *testing.T, dir string, now time.Time) *Kiosk {
	t.Helper()
	a := test.NewTempApp(t)
	k := New(a, Options{Dir: dir, Now: func() time.Time { return now }})
	t.Cleanup(k.Lock)
	return k
}

func unlockWith(k *Kiosk, pass, user string) {
	test.Type(k.unlock.passphrase, pass)
	test.Type(k.unlock.user, user)
	test.Tap(k.unlock.Button)
	uitest.Settle(k.work.Wait)
}

func init() { uitest.Hold() }

func TestAWrongPassphraseKeepsTheKioskLocked(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, "not the passphrase", "RN Peeters")
	if k.Unlocked() || k.unlock.Message.Text != "Wrong passphrase. Try again in 1 s." {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.Message.Text)
	}
	if k.unlock.passphrase.Text != "" {
		t.Fatal("the wrong passphrase was left in the field")
	}
}

func TestUnlockingNeedsTheUsersName(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "  ")
	if k.Unlocked() || !strings.Contains(k.unlock.Message.Text, "name or staff number") {
		t.Fatalf("message = %q", k.unlock.Message.Text)
	}
}

func TestTheRightPassphraseShowsTheCensusAndLockClearsIt(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now.Add(-20*time.Minute), now)
	unlockWith(k, passphrase, "RN Peeters")
	if !k.Unlocked() || len(k.census.shown) != 4 {
		t.Fatalf("unlocked=%v message=%q", k.Unlocked(), k.unlock.Message.Text)
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

// held makes the kiosk's unlocks wait until release is closed, counting
// them and keeping the snapshots they opened.
type held struct {
	release chan struct{}
	calls   atomic.Int32
	mu      sync.Mutex
	snaps   []*store.Snapshot
}

func holdUnlocks(k *Kiosk) *held {
	h := &held{release: make(chan struct{})}
	open := k.open
	k.open = func(pass, user string) (*unlocked, error) {
		h.calls.Add(1)
		<-h.release
		u, err := open(pass, user)
		var s *store.Snapshot
		if u != nil {
			s = u.snap
		}
		h.mu.Lock()
		h.snaps = append(h.snaps, s)
		h.mu.Unlock()
		return u, err
	}
	return h
}

func TestEnterWhileUnlockingDoesNotStartASecondUnlock(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	h := holdUnlocks(k)
	test.Type(k.unlock.passphrase, passphrase)
	test.Type(k.unlock.user, "RN Peeters")
	k.unlock.passphrase.OnSubmitted(k.unlock.passphrase.Text)
	k.unlock.user.OnSubmitted(k.unlock.user.Text)
	k.unlock.passphrase.OnSubmitted(k.unlock.passphrase.Text)
	close(h.release)
	uitest.Settle(k.work.Wait)
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("%d unlocks started, want 1", n)
	}
	if !k.Unlocked() {
		t.Fatalf("not unlocked: %q", k.unlock.Message.Text)
	}
}

func TestAnUnlockThatFinishesAfterLockIsDiscardedAndItsSnapshotClosed(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	h := holdUnlocks(k)
	test.Type(k.unlock.passphrase, passphrase)
	test.Type(k.unlock.user, "RN Peeters")
	test.Tap(k.unlock.Button)
	k.Lock()
	close(h.release)
	uitest.Settle(k.work.Wait)
	if k.Unlocked() || k.census != nil || k.banner != nil {
		t.Fatal("an unlock started before Lock opened a session after it")
	}
	if len(h.snaps) != 1 || h.snaps[0] == nil {
		t.Fatalf("snapshots opened: %v", h.snaps)
	}
	if _, err := h.snaps[0].Census(context.Background()); err == nil {
		t.Fatal("the late snapshot was left open in memory")
	}
	unlockWith(k, passphrase, "RN Peeters")
	if !k.Unlocked() {
		t.Fatalf("the kiosk cannot be unlocked again: %q", k.unlock.Message.Text)
	}
}

func submit(k *Kiosk, q string) {
	k.census.search.SetText(q)
	k.census.search.OnSubmitted(k.census.search.Text)
}

func TestAScannedNumberOpensOnlyTheChartWithExactlyThatMRN(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	submit(k, "12345")
	if k.chart.sections != nil || len(k.census.shown) != 1 {
		t.Fatalf("scanning 12345 opened a chart, or hid the list (%d shown)", len(k.census.shown))
	}
	if !strings.Contains(k.census.hint.Text, "No patient has the MRN or id “12345” exactly") {
		t.Fatalf("hint = %q", k.census.hint.Text)
	}
	submit(k, "MRN00")
	if k.chart.sections != nil || k.census.hint.Text != "3 patients match – choose one" || len(k.census.shown) != 3 {
		t.Fatalf("hint = %q, %d shown", k.census.hint.Text, len(k.census.shown))
	}
	submit(k, "nobody")
	if k.chart.sections != nil || k.census.hint.Text != "No patient matches “nobody”." {
		t.Fatalf("hint = %q", k.census.hint.Text)
	}
	submit(k, "mrn001")
	if k.chart.sections == nil || k.chart.codeText != "CODE STATUS: Not for resuscitation" || k.census.hint.Text != "" {
		t.Fatalf("an exact MRN in another case must open its chart: code %q hint %q", k.chart.codeText, k.census.hint.Text)
	}
	submit(k, "dub")
	if !strings.Contains(k.chart.allergyText, "NO KNOWN ALLERGIES") {
		t.Fatalf("the only row shown, found by name, must open: %q", k.chart.allergyText)
	}
}

func TestTwoPatientsWithTheSameMRNAreNeverOpenedByEnter(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.census.all[1].MRN = "mrn001" // the same MRN in another case
	submit(k, "MRN001")
	if k.chart.sections != nil || k.census.hint.Text != "2 patients match – choose one" || len(k.census.shown) != 2 {
		t.Fatalf("hint = %q, %d shown", k.census.hint.Text, len(k.census.shown))
	}
}

func TestTheCensusFlagsDNRByTheStructuredFlagNotTheText(t *testing.T) {
	if w, _, bold := censusCodeStatus(clinical.CensusRow{DNR: true, CodeStatus: "Allow natural death"}); w != "DNR" || !bold {
		t.Fatalf("code status = %q", w)
	}
	if w, _, _ := censusCodeStatus(clinical.CensusRow{CodeStatus: "Full code – DNR discussed, declined", AllergyStatus: clinical.NoneKnown}); w != "Full code" {
		t.Fatalf("code status = %q", w)
	}
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	if w, _, _ := censusCodeStatus(k.census.all[0]); w != "DNR" {
		t.Fatalf("p1 code status = %q", w)
	}
	if f, _ := censusAllergy(k.census.all[0], ""); f != "ALLERGY" {
		t.Fatalf("p1 allergy = %q", f)
	}
}

func TestTheChartWindowShowsTheSectionsOfPresent(t *testing.T) {
	now := time.Now()
	asOf := now.Add(-10 * time.Minute)
	k := newKiosk(t, asOf, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	var titles []string
	for _, s := range k.chart.sections {
		titles = append(titles, s.Title)
	}
	// Who the patient is follows what the Summary had.
	if len(titles) != 14 || titles[0] != "Recorded during downtime" || titles[1] != "Medications" ||
		!strings.HasPrefix(titles[2], "Recent administrations") || titles[6] != "Notes" ||
		titles[7] != "Advance directives and treatment limitations" || titles[8] != "Contacts and language" || titles[13] != "Immunizations" {
		t.Fatalf("sections = %q", titles)
	}
	if k.chart.sections[0].Empty != "Nothing recorded during downtime on this kiosk." {
		t.Fatalf("downtime = %+v", k.chart.sections[0])
	}
	if given := k.chart.sections[2].Lines; len(given) != 1 || !strings.HasSuffix(given[0], "Paracetamol · 1 g · oral · given") {
		t.Fatalf("administrations = %q", given)
	}
}

func TestTheBannerSaysHowManySourceRecordsCouldNotBeRead(t *testing.T) {
	now := time.Now()
	k := kioskOn(t, ward(t, now, 3), now)
	unlockWith(k, passphrase, "RN Peeters")
	if w := k.banner.warning.Text; w != "3 source records could not be read and are not shown." {
		t.Fatalf("warning = %q", w)
	}
}
