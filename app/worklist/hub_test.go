package worklist

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2/test"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/hub"
	"lifeboat/sync/reconcile"
	"lifeboat/sync/rest"
)

// hubFixture is a hub with two kiosks' journals handed in, on wards 3B
// and 4A, and the report of a dry run of the hospital's reconciliation
// against the test FHIR server: the same dose recorded on both kiosks
// (a conflict on each), the same downtime patient registered on both
// (a registration to link, and one that follows it). A kiosk the hub
// never enrolled handed in too (kept apart), and one enrolled with
// another recovery key (not opened).
type hubFixture struct {
	dir, keyFile, key  string
	srv                *fhirtest.Server
	kioskA, kioskB     string // on 3B and 4A
	apart, unopened    string // the stranger's folder name part, and the other key's kiosk
	doseA, doseB       clinical.Entry
	regA, regB         clinical.Entry
	mirrorA, mirrorB   string
	entriesA, entriesB int
}

func newHubFixture(t *testing.T) *hubFixture {
	t.Helper()
	ctx := context.Background()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	recovery := id.Recipient().String()
	f := &hubFixture{dir: filepath.Join(t.TempDir(), "hub"), key: id.String()}
	if _, err := hub.Init(f.dir, "hub passphrase 9Z", recovery, 10); err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(f.dir, "hub passphrase 9Z")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"3B", "4A"} {
		if err := h.AddWard(w, "Ward "+w, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewUnstartedServer(hub.Handler(h, filepath.Join(t.TempDir(), "publish"), time.Now))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)

	// kiosk enrols a kiosk for ward, its journal read by recovery (a
	// kiosk not enrolled when ward is "").
	kiosk := func(ward, recovery string) (string, *store.Keys, *store.Journal) {
		t.Helper()
		dir := t.TempDir()
		if _, err := store.Init(dir, storetest.Passphrase, store.InitOptions{Recovery: recovery, WorkFactor: 10}); err != nil {
			t.Fatal(err)
		}
		keys, err := store.Unlock(dir, storetest.Passphrase)
		if err != nil {
			t.Fatal(err)
		}
		if ward != "" {
			code, err := h.NewCode(ward, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hub.Enrol(ctx, dir, keys, ts.URL, code, http.DefaultClient, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		j, err := store.OpenJournal(ctx, dir, keys)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return dir, keys, j
	}
	record := func(j *store.Journal, author string, e clinical.Entry) clinical.Entry {
		t.Helper()
		if err := j.Stamp(&e, author, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := j.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	enoxaparin := func(when time.Time) clinical.Entry {
		return clinical.Entry{Kind: clinical.KindMedication, Patient: "p1", ClinicalTime: when,
			BasedOn: []clinical.Version{version("Patient", "p1"), version("MedicationRequest", "mr3")},
			Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Enoxaparin 40 mg", OrderID: "mr3",
				Dose: &clinical.Quantity{Value: 40, Unit: "mg"}, Route: "subcutaneous"}}
	}
	claes := clinical.Registration{Family: "Claes", Given: "Jan", Sex: "male", BirthDate: "1948-05-02", Ward: "3B", Bed: "4"}
	moved := claes
	moved.Ward, moved.Bed = "4A", "1"

	dirA, keysA, a := kiosk("3B", recovery)
	dirB, keysB, b := kiosk("4A", recovery)
	f.kioskA, f.kioskB = keysA.Config.KioskID, keysB.Config.KioskID
	f.doseA = record(a, "RN Peeters", enoxaparin(at))
	f.regA = record(a, "RN Peeters", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at, Registration: &claes})
	f.doseB = record(b, "RN Wouters", enoxaparin(at.Add(10*time.Minute)))
	f.regB = record(b, "RN Wouters", clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: at.Add(time.Hour), Registration: &moved})
	f.entriesA, f.entriesB = 2, 2
	strangerDir, _, stranger := kiosk("", recovery)
	record(stranger, "RN Stranger", enoxaparin(at.Add(5*time.Minute)))
	otherDir, otherKeys, other := kiosk("3B", "")
	record(other, "RN Other", enoxaparin(at.Add(5*time.Minute)))
	f.unopened = otherKeys.Config.KioskID
	for _, dir := range []string{dirA, dirB, strangerDir, otherDir} {
		if _, err := hub.HandInToFolder(ctx, dir, f.dir, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f.mirrorA = filepath.Join(f.dir, "handin", "kiosks", f.kioskA)
	f.mirrorB = filepath.Join(f.dir, "handin", "kiosks", f.kioskB)

	// The report of a dry run, as lifeboat reconcile --hub --dry-run
	// would leave it, from the plan against the EHR.
	f.srv = fhirtest.Start(t, fhirtest.Options{}, "../../sync/reconcile/testdata/scenario/ward.ndjson")
	hosp, plan := f.plan(t)
	if len(hosp.Apart) != 1 || len(hosp.Unopened) != 1 || len(hosp.Kiosks) != 2 {
		t.Fatalf("apart %v, unopened %v, kiosks %v", hosp.Apart, hosp.Unopened, hosp.Kiosks)
	}
	f.apart = hosp.Apart[0]
	entries, err := hosp.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := hosp.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep := reconcile.NewReport(entries, resources, plan, hosp.WardOf)
	rep.DryRun, rep.Server, rep.Started, rep.Finished = true, f.srv.URL, time.Now().Add(-time.Minute), time.Now()
	plain, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := store.UnlockRecovery(f.dir, f.key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SealReport(f.dir, rk, reconcile.ReportKind, rep.Started, plain); err != nil {
		t.Fatal(err)
	}
	f.keyFile = filepath.Join(t.TempDir(), "recovery.txt")
	if err := os.WriteFile(f.keyFile, []byte(f.key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func version(typ, id string) clinical.Version {
	return clinical.Version{Type: typ, ID: id, VersionID: "1", LastUpdated: "2026-11-25T06:00:00Z"}
}

// plan is the hospital's plan now, as lifeboat reconcile --hub makes it.
func (f *hubFixture) plan(t *testing.T) (*hub.Hospital, *reconcile.Plan) {
	t.Helper()
	h, err := hub.OpenHospital(context.Background(), f.dir, f.key, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	client, err := rest.New(f.srv.URL, rest.Options{Retries: -1, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r := &reconcile.Reconciler{Client: client, Journal: h, Describe: present.EntrySummary}
	plan, err := r.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h, plan
}

func unlockedAtHub(t *testing.T) (*hubFixture, *Worklist) {
	t.Helper()
	f := newHubFixture(t)
	test.NewTempApp(t)
	w := NewContent(f.dir, Options{Hub: true})
	lockAtEnd(t, w)
	unlockWith(w, f.keyFile, "", "HIM Janssens")
	if !w.Unlocked() {
		t.Fatalf("not unlocked: %q", w.unlock.Message.Text)
	}
	return f, w
}

// choice chooses the option of c that reads text.
func choice(t *testing.T, m *mainView, c *choiceFilter, text string) {
	t.Helper()
	for i, o := range c.sel.Options {
		if o == text {
			c.sel.SetSelectedIndex(i)
			return
		}
	}
	t.Fatalf("no choice %q in %q", text, c.sel.Options)
}

// At the hub the worklist shows every kiosk's items, each with its ward
// and kiosk, narrows them to a ward, a kind or an author, says what the
// other kiosk recorded of a dose recorded twice and which registration
// a later one follows, and lists the journals it does not read.
func TestTheHubsWorklistShowsEveryKioskAndFiltersByWard(t *testing.T) {
	f, w := unlockedAtHub(t)
	m := w.main
	if len(m.shown) != 4 {
		t.Fatalf("%d items to do, want 4", len(m.shown))
	}
	head := labels(w.Content())
	for _, want := range []string{"The hospital's plan of ", "run lifeboat reconcile --hub to apply decisions", "Kiosks' journals read: 2.",
		"Kept apart by the hub (a kiosk it did not enrol, or revoked), not read here: " + f.apart + ".",
		"Not opened with this key, not read here: kiosk " + f.unopened + ": ", "nothing in them can be decided here"} {
		if !strings.Contains(head, want) {
			t.Errorf("missing %q in\n%s", want, head)
		}
	}
	for _, r := range w.rows {
		if r.kiosk != f.kioskA && r.kiosk != f.kioskB {
			t.Errorf("an item of kiosk %s, neither of the two read", r.kiosk)
		}
	}

	ward, kind, author := m.narrow[0], m.narrow[1], m.narrow[2]
	if got := strings.Join(ward.sel.Options, "|"); got != "All wards|Ward 3B|Ward 4A" {
		t.Errorf("ward choices %q", got)
	}
	choice(t, m, ward, "Ward 3B")
	if len(m.shown) != 2 {
		t.Fatalf("ward 3B: %d items, want 2", len(m.shown))
	}
	for _, r := range m.shown {
		if r.ward != "3B" || r.kiosk != f.kioskA || whereLine(r) != "Ward 3B · kiosk "+f.kioskA {
			t.Errorf("ward 3B shows an item of ward %q, kiosk %s (%q)", r.ward, r.kiosk, whereLine(r))
		}
	}
	if m.filters[1].Text != "Conflicts (1)" || m.filters[2].Text != "To link (1)" {
		t.Errorf("the counts are not the ward's: %q, %q", m.filters[1].Text, m.filters[2].Text)
	}
	choice(t, m, ward, "Ward 4A")
	m.setFilter(1) // conflicts
	if len(m.shown) != 1 || m.shown[0].it.Entry != f.doseB.ID {
		t.Fatalf("ward 4A's conflicts: %d items", len(m.shown))
	}
	choice(t, m, ward, "All wards")
	m.setFilter(0)
	choice(t, m, kind, "registration")
	if len(m.shown) != 2 || m.shown[0].it.Kind != clinical.KindRegistration || m.shown[1].it.Kind != clinical.KindRegistration {
		t.Fatalf("registrations: %d items", len(m.shown))
	}
	choice(t, m, kind, "All kinds")
	choice(t, m, author, "RN Wouters")
	if len(m.shown) != 2 || m.shown[0].it.Author != "RN Wouters" || m.shown[1].it.Author != "RN Wouters" {
		t.Fatalf("RN Wouters's items: %d", len(m.shown))
	}

	// The dose recorded twice: the other side is the other kiosk's dose.
	// The hub has no snapshot: the patient is named as the EHR names her.
	d := choose(t, w, f.doseB.ID)
	if r := w.main.current; r.patient != "Anna Peeters (p1)" {
		t.Errorf("the dose's patient: %q", r.patient)
	}
	texts := labels(d.content)
	for _, want := range []string{"CONFLICT · medication · the same dose was recorded on two kiosks",
		"Recorded on ward 4A, kiosk " + f.kioskB, "Downtime (ward 4A)", "The same dose on ward 3B",
		"kiosk " + f.kioskA + ", entry " + f.doseA.ID, "by RN Peeters", "at " + present.DateTime(f.doseA.ClinicalTime),
		"Why it waits: the same dose was also recorded on kiosk " + f.kioskA} {
		if !strings.Contains(texts, want) {
			t.Errorf("missing %q in\n%s", want, texts)
		}
	}
	if d.push == nil || d.skip == nil {
		t.Error("a dose recorded twice offers push and skip")
	}
	// The registration that follows the first one, on 3B.
	d = choose(t, w, f.regB.ID)
	want := "The same person was registered first on ward 3B (kiosk " + f.kioskA + "), by RN Peeters at " +
		present.DateTime(f.regA.ClinicalTime) + ": deciding on that registration links this one with it."
	if texts := labels(d.content); !strings.Contains(texts, want) {
		t.Errorf("missing %q in\n%s", want, texts)
	}
}

// A decision taken in the hospital's worklist, and a correction, land in
// the hub's own journal, not in a kiosk's copy, and the next plan of the
// hospital applies them.
func TestADecisionAtTheHubLandsInTheHubsJournalAndTheNextPlanAppliesIt(t *testing.T) {
	f, w := unlockedAtHub(t)
	d := choose(t, w, f.doseB.ID)
	test.Type(d.reason, "the same dose as on 3B, charted again after the transfer")
	test.Tap(d.skip)
	uitest.Settle(w.Wait)
	if strings.HasPrefix(d.message.Text, "Not recorded") {
		t.Fatalf("skip: %q", d.message.Text)
	}
	d = choose(t, w, f.regA.ID)
	test.Type(d.linkID, "claes-real")
	test.Tap(d.linkIDBtn)
	uitest.Settle(w.Wait)
	d = choose(t, w, f.doseA.ID)
	test.Tap(d.edit)
	d.form.fields[doseValueLabel].SetText("")
	test.Type(d.form.fields[doseValueLabel], "30")
	test.Type(d.form.reason, "the paper MAR says 30 mg")
	test.Tap(d.form.save)
	uitest.Settle(w.Wait)
	if strings.HasPrefix(d.message.Text, "Not recorded") {
		t.Fatalf("the correction: %q", d.message.Text)
	}
	if len(w.main.shown) != 1 || w.main.shown[0].it.Entry != f.regB.ID {
		t.Fatalf("%d items left to do, want the registration that follows", len(w.main.shown))
	}
	w.main.setFilter(4) // decided
	if d := choose(t, w, f.doseB.ID); !strings.Contains(labels(d.content), "Run lifeboat reconcile --hub to apply it.") {
		t.Errorf("a decision taken does not say how it is applied:\n%s", labels(d.content))
	}

	// Opened again, the worklist reads them (and the correction) from the
	// hub's journal.
	w2 := NewContent(f.dir, Options{Hub: true})
	lockAtEnd(t, w2)
	unlockWith(w2, "", f.key, "HIM Claes")
	if !w2.Unlocked() || len(w2.main.shown) != 1 || w2.main.shown[0].it.Entry != f.regB.ID {
		t.Fatalf("reopened: unlocked=%v %q", w2.Unlocked(), w2.unlock.Message.Text)
	}
	w2.main.setFilter(4)
	if d := choose(t, w2, f.doseA.ID); !strings.Contains(labels(d.content), "Decided: corrected, the correction pushed by HIM Janssens") {
		t.Errorf("the corrected dose reopened:\n%s", labels(d.content))
	}

	// In the hub's journal, by the person who unlocked; no kiosk's copy
	// was written.
	rk, err := store.UnlockRecovery(f.dir, f.key)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), f.dir, rk)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	all, err := j.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ds, meds := ofKind(all, clinical.KindDecision), ofKind(all, clinical.KindMedication)
	if len(ds) != 3 || len(meds) != 1 {
		t.Fatalf("the hub's journal holds %d decisions and %d corrections, want 3 and 1", len(ds), len(meds))
	}
	corr := meds[0]
	if corr.Supersedes != f.doseA.ID || corr.Medication.Dose.Value != 30 || corr.Author != "HIM Janssens" {
		t.Errorf("the correction %+v", corr)
	}
	byEntry := map[string]store.JournalEntry{}
	for _, e := range ds {
		byEntry[e.Decision.Entry] = e
		if e.Author != "HIM Janssens" || e.KioskID != rk.Config.KioskID {
			t.Errorf("a decision by %q of kiosk %s", e.Author, e.KioskID)
		}
	}
	if byEntry[f.doseB.ID].Decision.Action != clinical.DecisionSkip || byEntry[f.regA.ID].Decision.LinkTo != "claes-real" ||
		byEntry[corr.ID].Decision.Action != clinical.DecisionPush {
		t.Errorf("decisions %+v", byEntry)
	}
	for _, m := range []struct {
		dir string
		n   int
	}{{f.mirrorA, f.entriesA}, {f.mirrorB, f.entriesB}} {
		mk, err := store.UnlockRecovery(m.dir, f.key)
		if err != nil {
			t.Fatal(err)
		}
		mj, err := store.OpenJournal(context.Background(), m.dir, mk)
		if err != nil {
			t.Fatal(err)
		}
		es, err := mj.List(context.Background())
		mj.Close()
		if err != nil || len(es) != m.n {
			t.Errorf("a kiosk's copy holds %d entries, want its own %d (%v)", len(es), m.n, err)
		}
	}

	// The next plan of the hospital applies them.
	_, plan := f.plan(t)
	got := map[string]reconcile.Item{}
	for _, it := range plan.Items {
		got[it.Entry] = it
	}
	if it := got[f.doseB.ID]; it.Outcome != reconcile.Skip {
		t.Errorf("the dose skipped: %+v", it)
	}
	if it := got[f.doseA.ID]; it.Outcome != reconcile.Nothing {
		t.Errorf("the dose corrected: %+v", it)
	}
	if it := got[corr.ID]; it.Outcome != reconcile.Create || it.Decision == nil || it.Decision.Action != clinical.DecisionPush {
		t.Errorf("its correction: %+v", it)
	}
	if it := got[f.regA.ID]; it.Outcome == reconcile.NeedsLink || it.Decision == nil || it.Decision.LinkTo != "claes-real" {
		t.Errorf("the registration linked: %+v", it)
	}
	if it := got[f.regB.ID]; it.Outcome == reconcile.NeedsLink || it.Decision == nil || it.Decision.LinkTo != "claes-real" {
		t.Errorf("the registration that follows it: %+v", it)
	}
}

// The hospital's worklist is in the kiosk's languages too: its ward and
// kiosk lines, the dose recorded twice, the registration that follows,
// the journals left out. Nothing looked up lacks a translation.
func TestTheHubsWorklistInDutch(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English); i18n.ResetMissing() })
	i18n.Set(i18n.Dutch)
	i18n.ResetMissing()
	f, w := unlockedAtHub(t)
	wantWords(t, w.Content(), "Plan van het ziekenhuis van ", "Gelezen registers van kiosken: 2.", "Door de hub apart gehouden",
		"Niet geopend met deze sleutel", "Alle afdelingen", "Alle soorten", "Alle auteurs")
	if got := whereLine(w.main.shown[0]); !strings.HasPrefix(got, "Afdeling 3B · kiosk ") {
		t.Errorf("where line %q", got)
	}
	d := choose(t, w, f.doseB.ID)
	wantWords(t, d.content, "CONFLICT · medicatie · dezelfde dosis werd op twee kiosken geregistreerd",
		"Geregistreerd op afdeling 4A, kiosk "+f.kioskB, "Downtime (afdeling 4A)", "Dezelfde dosis op afdeling 3B",
		"kiosk "+f.kioskA+", registratie "+f.doseA.ID, "Waarom het wacht: dezelfde dosis werd ook op kiosk "+f.kioskA+" geregistreerd")
	d = choose(t, w, f.regB.ID)
	wantWords(t, d.content, "Dezelfde persoon werd eerst geregistreerd op afdeling 3B (kiosk "+f.kioskA+")",
		"Waarom het wacht: dezelfde persoon werd ook op een andere kiosk geregistreerd")
	if missing := i18n.Missing(); len(missing) > 0 {
		t.Errorf("looked up without a translation:\n%s", strings.Join(missing, "\n"))
	}
}

// At the hub, what stops the worklist opening is said in one sentence:
// another key, no plan yet, a hub that keeps no recovery recipient.
func TestTheHubsWorklistSaysWhyItDoesNotOpen(t *testing.T) {
	test.NewTempApp(t)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	withKey, without := filepath.Join(t.TempDir(), "hub"), filepath.Join(t.TempDir(), "hub")
	if _, err := hub.Init(withKey, "hub passphrase 9Z", id.Recipient().String(), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Init(without, "hub passphrase 9Z", "", 10); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, key, want string }{
		{withKey, other.String(), "That is not the IT recovery key this hub was set up with."},
		{withKey, id.String(), "No reconciliation plan at this hub yet: run lifeboat reconcile --hub HUBDIR --recovery-key FILE --fhir URL first, then open the worklist again."},
		{without, id.String(), "This hub was set up without IT's recovery recipient: it keeps no journal the recovery key opens."},
		{t.TempDir(), id.String(), "This folder has no Lifeboat keys: it is not a hub's data folder."},
	} {
		w := NewContent(c.dir, Options{Hub: true})
		lockAtEnd(t, w)
		unlockWith(w, "", c.key, "HIM Janssens")
		if w.Unlocked() || w.unlock.Message.Text != c.want {
			t.Errorf("unlocked=%v message=%q, want %q", w.Unlocked(), w.unlock.Message.Text, c.want)
		}
	}
}

// One entry corrected twice (at the hub, and by its kiosk's later
// hand-in) shows the other correction beside it, with who and when.
func TestACorrectionMadeTwiceShowsTheOtherBesideIt(t *testing.T) {
	f, w := unlockedAtHub(t)
	var r *row
	for _, x := range w.rows {
		if x.it.Entry == f.doseA.ID {
			r = x
		}
	}
	if r == nil {
		t.Fatal("no row for the dose")
	}
	other := r.entry
	other.ID, other.KioskID, other.Author = "other-correction", "hub-1", "HIM Claes"
	r.it.Outcome, r.it.Conflict = reconcile.Conflict, reconcile.ConflictCorrectedTwice
	r.it.Reason = "what it corrects was corrected also by entry other-correction of kiosk hub-1: push this one too, or skip it"
	r.it.Server = &reconcile.Side{Reference: "entry other-correction", Value: "Enoxaparin 30 mg", By: "HIM Claes",
		At: f.doseA.ClinicalTime.UTC().Format(time.RFC3339)}
	r.twice = &other
	d := newDetailView(w.main, r)
	texts := labels(d.content)
	for _, want := range []string{"CONFLICT · medication · it was corrected twice, at the hub and on its kiosk",
		"The other correction", "Enoxaparin 30 mg", "by HIM Claes", "kiosk hub-1, entry other-correction"} {
		if !strings.Contains(texts, want) {
			t.Errorf("missing %q in\n%s", want, texts)
		}
	}
	if d.push == nil || d.skip == nil {
		t.Error("a correction made twice offers push and skip")
	}
}
