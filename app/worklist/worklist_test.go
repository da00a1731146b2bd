package worklist

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/reconcile"
)

func init() { uitest.Hold() }

// fixture is a kiosk's data folder with a journal of three entries and a
// sealed report that left each for a person.
type fixture struct {
	dir, keyFile, key string
	reg, med, allergy clinical.Entry
	plan              time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	v := storetest.NewVault(t)
	dir, keys := v.Dir, v.Keys
	ctx := context.Background()
	j, err := store.OpenJournal(ctx, dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	now := time.Now()
	f := &fixture{dir: dir, key: v.Recovery, plan: now.Add(-10 * time.Minute)}
	f.reg = clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: now.Add(-3 * time.Hour),
		Registration: &clinical.Registration{Family: "Doe", Given: "Jane", Sex: "female", BirthDate: "1961-04-02", Ward: "4B"}}
	f.med = clinical.Entry{Kind: clinical.KindMedication, Patient: "p1", ClinicalTime: now.Add(-2 * time.Hour),
		BasedOn: []clinical.Version{{Type: "MedicationRequest", ID: "m1", VersionID: "1"}},
		Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Amoxicillin", OrderID: "m1",
			Dose: &clinical.Quantity{Value: 500, Unit: "mg"}, Route: "oral"}}
	f.allergy = clinical.Entry{Kind: clinical.KindAllergy, Patient: "p1", ClinicalTime: now.Add(-time.Hour),
		Allergy: &clinical.NewAllergy{Substance: "Latex", Reaction: "rash", Severity: "mild"}}
	for _, e := range []*clinical.Entry{&f.reg, &f.med, &f.allergy} {
		author := "RN Peeters"
		if err := j.Stamp(e, author, now.Add(-30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := j.Record(ctx, *e); err != nil {
			t.Fatal(err)
		}
	}
	rep := reconcile.Report{Format: 1, KioskID: keys.Config.KioskID, Server: "https://ehr.example/fhir",
		Started: f.plan.Add(-time.Minute), Finished: f.plan,
		Totals: reconcile.Totals{Created: 12, AlreadyThere: 3, Conflict: 1, NeedsLink: 1, Failed: 1},
		Items: []reconcile.Item{
			{Entry: f.reg.ID, Seq: 1, Kind: clinical.KindRegistration, Patient: f.reg.Patient, Author: "RN Peeters",
				ClinicalTime: f.reg.ClinicalTime, Outcome: reconcile.NeedsLink,
				Reason:   "a patient registered during downtime: link to an EHR record or create a new one",
				Downtime: "Registered as " + f.reg.Patient + ": Doe, Jane · female · born 02/04/1961 · 4B",
				Candidates: []reconcile.Match{
					{Patient: "pat-77", Name: "Doe, Jane", BirthDate: "1961-04-02", Sex: "female", Score: 95, Why: "name, birth date and sex match"},
					{Patient: "pat-78", Name: "Doe, Janet", BirthDate: "1961-04-20", Sex: "female", Score: 60, Why: "family name and sex match"},
				}},
			{Entry: f.med.ID, Seq: 2, Kind: clinical.KindMedication, Patient: "p1", EHRPatient: "Patient/p1", Author: "RN Peeters",
				ClinicalTime: f.med.ClinicalTime, Outcome: reconcile.Conflict, Conflict: reconcile.ConflictOrderStopped,
				Reason: "the order is stopped in the EHR now", Downtime: "Amoxicillin · 500 mg · oral · given",
				Server: &reconcile.Side{Reference: "MedicationRequest/m1", Value: "Amoxicillin 500 mg, three times a day (stopped)",
					By: "Dr Claes", At: now.Add(-5 * time.Hour).UTC().Format(time.RFC3339)}},
			{Entry: f.allergy.ID, Seq: 3, Kind: clinical.KindAllergy, Patient: "p1", EHRPatient: "Patient/p1", Author: "RN Peeters",
				ClinicalTime: f.allergy.ClinicalTime, Outcome: reconcile.Failed,
				Reason: "the server refused it: 422 the substance code is unknown", Downtime: "New allergy: Latex (rash; mild)"},
		}}
	plain, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SealReport(dir, keys, reconcile.ReportKind, f.plan, plain); err != nil {
		t.Fatal(err)
	}
	f.keyFile = filepath.Join(t.TempDir(), "recovery.txt")
	if err := os.WriteFile(f.keyFile, []byte("# IT recovery key\n"+f.key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func newWorklist(t *testing.T, f *fixture) *Worklist {
	t.Helper()
	test.NewTempApp(t)
	w := NewContent(f.dir, Options{})
	lockAtEnd(t, w)
	return w
}

// lockAtEnd locks w when the test ends, once its background work is done
// and what that work handed back to the UI thread has run.
func lockAtEnd(t *testing.T, w *Worklist) {
	t.Cleanup(func() { uitest.Settle(w.Wait); w.Lock() })
}

func unlockWith(w *Worklist, keyFile, key, user string) {
	v := w.unlock
	test.Type(v.keyFile, keyFile)
	test.Type(v.keyText, key)
	test.Type(v.user, user)
	test.Tap(v.Button)
	uitest.Settle(w.Wait)
}

func unlocked(t *testing.T) (*fixture, *Worklist) {
	t.Helper()
	f := newFixture(t)
	w := newWorklist(t, f)
	unlockWith(w, f.keyFile, "", "HIM Janssens")
	if !w.Unlocked() {
		t.Fatalf("not unlocked: %q", w.unlock.Message.Text)
	}
	return f, w
}

// choose selects the item of entry id in the list shown.
func choose(t *testing.T, w *Worklist, id string) *detailView {
	t.Helper()
	for i, r := range w.main.shown {
		if r.it.Entry == id {
			w.main.list.Select(i)
			if w.main.current != r {
				t.Fatal("selecting did not show the item")
			}
			return w.main.detail
		}
	}
	t.Fatalf("entry not in the list shown (%d items)", len(w.main.shown))
	return nil
}

func decisions(t *testing.T, f *fixture) []store.JournalEntry {
	t.Helper()
	keys, err := store.UnlockRecovery(f.dir, f.key)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), f.dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	all, err := j.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func ofKind(all []store.JournalEntry, k clinical.Kind) []store.JournalEntry {
	var out []store.JournalEntry
	for _, e := range all {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func TestAWrongKeyIsRefusedInOneSentence(t *testing.T) {
	f := newFixture(t)
	w := newWorklist(t, f)
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, key, want string }{
		{"", other.String(), "That is not this kiosk's IT recovery key."},
		{"", "not a key at all", "That is not this kiosk's IT recovery key."},
		{filepath.Join(t.TempDir(), "missing.txt"), "", "The key file could not be read: check the path."},
		{"", "", "Give the recovery key: the path of its file, or the key pasted."},
	} {
		w.unlock.keyFile.SetText("")
		w.unlock.keyText.SetText("")
		w.unlock.user.SetText("")
		unlockWith(w, c.file, c.key, "HIM Janssens")
		if w.Unlocked() || w.unlock.Message.Text != c.want {
			t.Errorf("unlocked=%v message=%q, want %q", w.Unlocked(), w.unlock.Message.Text, c.want)
		}
		if w.unlock.keyText.Text != "" {
			t.Error("the key was left in the field")
		}
	}
	w.unlock.user.SetText("")
	unlockWith(w, f.keyFile, "", "  ")
	if w.Unlocked() || !strings.Contains(w.unlock.Message.Text, "name or staff number") {
		t.Fatalf("message = %q", w.unlock.Message.Text)
	}
}

func TestTheRightKeyShowsTheThreeItemsAndThePlan(t *testing.T) {
	f, w := unlocked(t)
	m := w.main
	if len(m.shown) != 3 {
		t.Fatalf("%d items to do, want 3", len(m.shown))
	}
	if want := "Plan of " + f.plan.Local().Format("02/01/2006 15:04") + " — run lifeboat reconcile"; !strings.HasPrefix(m.plan.Text, want) {
		t.Errorf("plan line %q", m.plan.Text)
	}
	if want := "12 created · 3 already there · 0 linked · 0 skipped · 1 in conflict · 1 to link · 1 refused"; m.totals.Text != want {
		t.Errorf("totals %q", m.totals.Text)
	}
	// The temporary patient is named from the registration in the journal.
	if got := rowTitle(m.shown[0]); !strings.Contains(got, "TO LINK · registration · Doe, Jane ("+f.reg.Patient+")") {
		t.Errorf("first row %q", got)
	}
	// Filters.
	for i, want := range []int{3, 1, 1, 1, 0, 3} {
		m.setFilter(i)
		if len(m.shown) != want {
			t.Errorf("filter %s: %d items, want %d", filters[i].label, len(m.shown), want)
		}
	}
	// Pasting the key works too.
	w2 := newWorklist(t, f)
	unlockWith(w2, "", f.key, "HIM Janssens")
	if !w2.Unlocked() || len(w2.main.shown) != 3 {
		t.Fatalf("pasted key: unlocked=%v %q", w2.Unlocked(), w2.unlock.Message.Text)
	}
}

func TestTheConflictShowsBothSidesWithWhoAndWhen(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.med.ID)
	texts := labels(d.content)
	for _, want := range []string{"Downtime (this kiosk)", "Amoxicillin · 500 mg · oral · given", "by RN Peeters",
		"at " + f.med.ClinicalTime.Local().Format("02/01/2006 15:04"), "EHR now", "Amoxicillin 500 mg, three times a day (stopped)",
		"by Dr Claes", "record MedicationRequest/m1", "Why it waits: the order is stopped in the EHR now"} {
		if !strings.Contains(texts, want) {
			t.Errorf("missing %q in\n%s", want, texts)
		}
	}
	if d.push == nil || d.skip == nil || d.edit == nil || d.newPatient != nil || len(d.links) != 0 {
		t.Error("a medication conflict offers push, skip and edit, not links")
	}
}

func TestSkipNeedsAReasonAndIsJournaled(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.allergy.ID)
	test.Tap(d.skip)
	uitest.Settle(w.Wait)
	if d.message.Text != "Say why it is skipped: type the reason first." {
		t.Fatalf("message %q", d.message.Text)
	}
	if n := len(ofKind(decisions(t, f), clinical.KindDecision)); n != 0 {
		t.Fatalf("%d decisions recorded without a reason", n)
	}
	test.Type(d.reason, "recorded by hand in the EHR by the pharmacist")
	test.Tap(d.skip)
	uitest.Settle(w.Wait)
	ds := ofKind(decisions(t, f), clinical.KindDecision)
	if len(ds) != 1 {
		t.Fatalf("%d decisions, want 1 (message %q)", len(ds), d.message.Text)
	}
	got := ds[0]
	if got.Decision.Entry != f.allergy.ID || got.Decision.Action != clinical.DecisionSkip ||
		got.Decision.Reason != "recorded by hand in the EHR by the pharmacist" || got.Author != "HIM Janssens" {
		t.Fatalf("decision %+v by %q", got.Decision, got.Author)
	}
	// It left the to-do list and shows its decision under Decided.
	m := w.main
	if len(m.shown) != 2 {
		t.Fatalf("%d items to do, want 2", len(m.shown))
	}
	m.setFilter(4)
	if len(m.shown) != 1 || !strings.HasPrefix(rowLine(m.shown[0]), "Decided: skip by HIM Janssens at ") {
		t.Fatalf("decided: %d, %q", len(m.shown), rowLine(m.shown[0]))
	}
	// Opened again, the worklist reads the decision from the journal.
	w2 := newWorklist(t, f)
	unlockWith(w2, f.keyFile, "", "HIM Claes")
	if len(w2.main.shown) != 2 {
		t.Fatalf("reopened: %d items to do, want 2", len(w2.main.shown))
	}
}

func TestLinkingToACandidateRecordsTheLink(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.reg.ID)
	if len(d.links) != 2 || d.newPatient == nil || d.push != nil {
		t.Fatalf("a registration offers its 2 candidates and new patient, not push (links %d)", len(d.links))
	}
	texts := labels(d.content)
	if !strings.Contains(texts, "1. Doe, Jane · born 02/04/1961 · female · score 95 — name, birth date and sex match") {
		t.Errorf("candidates:\n%s", texts)
	}
	test.Tap(d.links[0])
	uitest.Settle(w.Wait)
	ds := ofKind(decisions(t, f), clinical.KindDecision)
	if len(ds) != 1 || ds[0].Decision.Action != clinical.DecisionLink || ds[0].Decision.LinkTo != "pat-77" ||
		ds[0].Decision.Entry != f.reg.ID {
		t.Fatalf("decisions %+v (message %q)", ds, d.message.Text)
	}
	if len(w.main.shown) != 2 {
		t.Fatalf("%d items to do, want 2", len(w.main.shown))
	}
}

func TestEditThenPushRecordsACorrectionAndItsPush(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.med.ID)
	test.Tap(d.edit)
	form := d.form
	if form == nil || form.fields[doseValueLabel].Text != "500" || form.fields[routeLabel].Text != "oral" {
		t.Fatal("the form is not prefilled from the original")
	}
	test.Tap(form.save)
	if d.message.Text != "Nothing was changed: change a value, or use Push anyway." {
		t.Fatalf("message %q", d.message.Text)
	}
	form.fields[doseValueLabel].SetText("")
	test.Type(form.fields[doseValueLabel], "1000")
	test.Tap(form.save)
	if d.message.Text != "Say why it is corrected: type the reason first." {
		t.Fatalf("message %q", d.message.Text)
	}
	test.Type(form.reason, "the paper MAR says 1000 mg")
	test.Tap(form.save)
	uitest.Settle(w.Wait)
	all := decisions(t, f)
	meds := ofKind(all, clinical.KindMedication)
	if len(meds) != 2 {
		t.Fatalf("%d medication entries, want the original and its correction (message %q)", len(meds), d.message.Text)
	}
	orig, corr := meds[0], meds[1]
	if orig.SupersededBy != corr.ID || corr.Supersedes != orig.ID || corr.Medication.Dose.Value != 1000 ||
		corr.Medication.Route != "oral" || corr.Patient != "p1" || !corr.ClinicalTime.Equal(orig.ClinicalTime) ||
		len(corr.BasedOn) != 1 || corr.Author != "HIM Janssens" {
		t.Fatalf("correction %+v", corr)
	}
	ds := ofKind(all, clinical.KindDecision)
	if len(ds) != 1 || ds[0].Decision.Entry != corr.ID || ds[0].Decision.Action != clinical.DecisionPush ||
		ds[0].Decision.Reason != "the paper MAR says 1000 mg" {
		t.Fatalf("decisions %+v", ds)
	}
	if len(w.main.shown) != 2 {
		t.Fatalf("%d items to do, want 2", len(w.main.shown))
	}
	// Reopened, the original counts as decided by its correction.
	w2 := newWorklist(t, f)
	unlockWith(w2, f.keyFile, "", "HIM Claes")
	if len(w2.main.shown) != 2 {
		t.Fatalf("reopened: %d items to do, want 2", len(w2.main.shown))
	}
}

func TestPushAnywayAndNewPatientLeaveTheList(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.med.ID)
	test.Type(d.reason, "confirmed with the prescriber")
	test.Tap(d.push)
	uitest.Settle(w.Wait)
	d = choose(t, w, f.reg.ID)
	test.Tap(d.newPatient)
	uitest.Settle(w.Wait)
	ds := ofKind(decisions(t, f), clinical.KindDecision)
	if len(ds) != 2 || ds[0].Decision.Action != clinical.DecisionPush || ds[1].Decision.Action != clinical.DecisionNewPatient {
		t.Fatalf("decisions %+v", ds)
	}
	if len(w.main.shown) != 1 || w.main.current != w.main.shown[0] {
		t.Fatalf("%d items to do, want 1 and chosen", len(w.main.shown))
	}
}

func TestEnterOnTheListChoosesTheItem(t *testing.T) {
	_, w := unlocked(t)
	m := w.main
	m.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	m.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if m.current != m.shown[1] {
		t.Fatal("Enter did not choose the item with the focus")
	}
}

// labels is the text of every label under o, one a line.
func labels(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		case *widget.Label:
			out = append(out, x.Text)
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

// The correction form reads numbers as the kiosk's forms do: what could be
// misread ("1,000" a thousand or one, "NaN", "1e3", "+5", hexadecimal) is
// refused with a sentence and nothing is recorded.
func TestEditRefusesANumberItCouldMisread(t *testing.T) {
	f, w := unlocked(t)
	d := choose(t, w, f.med.ID)
	test.Tap(d.edit)
	form := d.form
	test.Type(form.reason, "the paper MAR says otherwise")
	for _, s := range []string{"1,000", "2.500", "NaN", "Inf", "1e3", "+5", "0x1p3", "٣"} {
		form.fields[doseValueLabel].SetText(s)
		test.Tap(form.save)
		uitest.Settle(w.Wait)
		if !strings.Contains(d.message.Text, "not a number") && !strings.Contains(d.message.Text, "thousands") {
			t.Errorf("%q: message %q", s, d.message.Text)
		}
	}
	if meds := ofKind(decisions(t, f), clinical.KindMedication); len(meds) != 1 {
		t.Fatalf("%d medication entries, want only the original", len(meds))
	}
}
