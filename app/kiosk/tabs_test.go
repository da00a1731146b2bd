package kiosk

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
)

// tabsWard seals four patients around the clock time now (the journal
// checks clinical times against the real clock, so the ward is built
// around it):
//
//   - p1 Janssens, bed 101-A, DNR and allergic: Paracetamol due 2 h ago
//     and not given (overdue), Bisoprolol due in 10 min (due now),
//     Enoxaparin in 5 h, Morphine as needed, Furosemide on hold; vital
//     signs taken 3 h and 9 h ago; a high potassium; a problem; a note.
//   - p2 Dubois, bed 9, in isolation: Enoxaparin in 5 h.
//   - p3 Ébert, bed 10: no orders.
//   - p4 Adams, bed 102-B: two doses overdue (3 h and 4 h ago).
func tabsWard(t *testing.T, now time.Time) string {
	t.Helper()
	clock := func(d time.Duration) string { return present.Clock(now.Add(d)) }
	at := func(id, name string, times ...string) clinical.Medication {
		return clinical.Medication{Name: name, Status: "active", Dosage: "1 tablet at " + strings.Join(times, ", "),
			Timing: clinical.Timing{TimesOfDay: times}, Source: src("MedicationRequest", id)}
	}
	patient := func(id, name, mrn, bed string) clinical.Patient {
		return clinical.Patient{ID: id, Name: name, BirthDate: "1950-06-01", Sex: "female", Bed: bed,
			Identifiers: []clinical.Identifier{{Value: mrn, Type: "MR"}}, Source: src("Patient", id)}
	}
	num := func(f float64) *float64 { return &f }
	vital := func(code, value string, n float64, unit string, ago time.Duration) clinical.Observation {
		return clinical.Observation{Code: code, Value: value, Number: num(n), Unit: unit, Time: now.Add(-ago),
			Source: src("Observation", code+value)}
	}
	p1 := clinical.Chart{Patient: patient("p1", "Janssens, An", "MRN001", "101-A"),
		Allergies: clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", ClinicalStatus: "active",
			Source: src("AllergyIntolerance", "a1")}}},
		Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Text: "Not for resuscitation",
			Status: "active", Source: src("Flag", "f1")}}}}
	held := at("mr-furo", "Furosemide", "08:00")
	held.Status = "on-hold"
	p1.Medications.Items = []clinical.Medication{
		at("mr-para", "Paracetamol", clock(-2*time.Hour)),
		at("mr-biso", "Bisoprolol", clock(10*time.Minute)),
		at("mr-enox", "Enoxaparin", clock(5*time.Hour)),
		{Name: "Morphine", Status: "active", PRN: true, PRNReason: "pain", Dosage: "5 mg as needed",
			LastGiven: now.Add(-7 * time.Hour), Source: src("MedicationRequest", "mr-morph")},
		held,
		// reported, not ordered: never a dose due, though its time is past
		{Name: "Letrozole", Status: "active", Kind: clinical.MedReported, Dosage: "2.5 mg at " + clock(-time.Hour),
			Timing: clinical.Timing{TimesOfDay: []string{clock(-time.Hour)}}, ReportedBy: "the patient",
			Source: src("MedicationStatement", "ms-letro")},
	}
	p1.Vitals.Items = []clinical.Observation{
		vital("8867-4", "92", 92, "/min", 3*time.Hour), vital("85354-9", "140/80", 140, "mm[Hg]", 3*time.Hour),
		vital("8310-5", "38.1", 38.1, "Cel", 3*time.Hour), vital("59408-5", "95", 95, "%", 3*time.Hour),
		vital("8867-4", "80", 80, "/min", 9*time.Hour), vital("85354-9", "130/75", 130, "mm[Hg]", 9*time.Hour),
		vital("8310-5", "37.0", 37.0, "Cel", 9*time.Hour), vital("59408-5", "97", 97, "%", 9*time.Hour),
	}
	lo, hi := 3.5, 5.1
	p1.Labs.Items = []clinical.Observation{{Code: "2823-3", Name: "Potassium", Value: "5.9", Unit: "mmol/L", Low: &lo, High: &hi,
		Abnormal: true, Flag: "H", Time: now.Add(-5 * time.Hour), Source: src("Observation", "k1")}}
	p1.Problems.Items = []clinical.Problem{{Name: "Pneumonia", ClinicalStatus: "active", Onset: now.Add(-48 * time.Hour),
		Source: src("Condition", "c1")}}
	p1.Notes.Items = []clinical.Note{{Title: "Admission note", Author: "Dr Claes", Text: "Admitted with pneumonia.",
		Time: now.Add(-20 * time.Hour), Source: src("DocumentReference", "n1")}}
	p2 := clinical.Chart{Patient: patient("p2", "Dubois, Claire", "MRN002", "9"),
		Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertIsolation, Text: "Contact isolation",
			Status: "active", Source: src("Flag", "f2")}}}}
	p2.Medications.Items = []clinical.Medication{at("mr-enox2", "Enoxaparin", clock(5*time.Hour))}
	p3 := clinical.Chart{Patient: patient("p3", "Ébert, Zoé", "MRN003", "10")}
	p4 := clinical.Chart{Patient: patient("p4", "Adams, Bo", "MRN004", "102-B")}
	p4.Medications.Items = []clinical.Medication{at("mr-amox", "Amoxicillin", clock(-4*time.Hour), clock(-3*time.Hour))}
	return sealedWard(t, now.Add(-time.Hour), 0, []clinical.Chart{p1, p2, p3, p4}...)
}

// tabsKiosk is a kiosk on a tabs ward, unlocked, with its clock at now
// (change *clock to move it).
func tabsKiosk(t *testing.T) (*Kiosk, *time.Time) {
	t.Helper()
	now := time.Now().Truncate(time.Minute)
	clock := &now
	a := test.NewTempApp(t)
	k := New(a, Options{Dir: tabsWard(t, now), Now: func() time.Time { return *clock }, IdleLock: -1})
	t.Cleanup(k.Lock)
	unlockWith(k, passphrase, "RN Peeters")
	if !k.Unlocked() {
		t.Fatalf("not unlocked: %q", k.unlock.Message.Text)
	}
	for k.census.meds.running { // a round started while the first was handed back
		uitest.Settle(k.work.Wait)
	}
	return k, clock
}

// markup is what a tab shows, as Fyne's test package renders it.
func tabMarkup(o fyne.CanvasObject) string { return test.RenderObjectToMarkup(o) }

// labelsIn are the labels under o, shown or not (a tab not selected is
// hidden), in order.
func labelsUnder(o fyne.CanvasObject) []*widget.Label {
	var out []*widget.Label
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o)
			return
		case *fyne.Container:
			for _, c := range o.Objects {
				visit(c)
			}
			return
		case *container.Scroll:
			visit(o.Content)
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				visit(c)
			}
		}
	}
	visit(o)
	return out
}

// tabText is the text of tab i's labels, one a line.
func tabText(k *Kiosk, i int) string {
	var lines []string
	for _, l := range labelsUnder(k.chart.tabs.items[i].Content) {
		lines = append(lines, l.Text)
	}
	return strings.Join(lines, "\n")
}

// labelWith is the first label of tab i whose text holds s.
func labelWith(t *testing.T, k *Kiosk, i int, s string) *widget.Label {
	t.Helper()
	for _, l := range labelsUnder(k.chart.tabs.items[i].Content) {
		if strings.Contains(l.Text, s) {
			return l
		}
	}
	t.Fatalf("no label with %q in tab %d:\n%s", s, i, tabText(k, i))
	return nil
}

func TestTheChartTabsShowTheirContent(t *testing.T) {
	k, now := tabsKiosk(t)
	k.openPatient("p1")
	tabs := k.chart.tabs
	if tabs == nil || len(tabs.items) != len(present.ChartTabs) {
		t.Fatal("no tabs under the chart's header")
	}
	for i, name := range present.ChartTabs {
		if i == present.TabMAR {
			name = "Medications / MAR (1 OVERDUE)" // seen from every tab
		}
		if tabs.items[i].Text != name {
			t.Errorf("tab %d is %q, want %q", i, tabs.items[i].Text, name)
		}
	}
	if k.chart.selectedTab() != present.TabSummary || k.chart.body.Objects[0] != k.chart.sectionsView ||
		k.chart.sectionsView != tabs.tabs {
		t.Fatal("the chart opens on the Summary tab, the tabs in the body")
	}
	summary := tabText(k, present.TabSummary)
	if !strings.Contains(summary, present.DowntimeTitle) || !strings.Contains(summary, "Paracetamol") ||
		!strings.HasPrefix(summary, present.DowntimeTitle+"\n") {
		t.Errorf("summary: the sections, downtime first:\n%s", summary)
	}
	mar := tabText(k, present.TabMAR)
	for _, want := range []string{"OVERDUE", "DUE NOW", "upcoming", present.MARPRNTitle, "Morphine", present.MARInactiveTitle,
		"Furosemide", present.ShortDateTime(now.Add(-2 * time.Hour))} {
		if !strings.Contains(mar, want) {
			t.Errorf("MAR lacks %q", want)
		}
	}
	vitals := tabText(k, present.TabVitals)
	for _, want := range []string{present.DateTime(now.Add(-3 * time.Hour)), "140/80", "38.1", present.VitalsTableTitle} {
		if !strings.Contains(vitals, want) {
			t.Errorf("vitals lack %q", want)
		}
	}
	labs := tabText(k, present.TabLabs)
	if !strings.Contains(labs, "5.9 mmol/L [H]") || !strings.Contains(labs, "3.5–5.1") ||
		!strings.Contains(labs, present.DateTime(now.Add(-5*time.Hour))) {
		t.Errorf("labs: the abnormal result marked, with its range and date:\n%s", labs)
	}
	if l := labelWith(t, k, present.TabLabs, "5.9 mmol/L"); l.Importance != widget.DangerImportance {
		t.Error("the abnormal result is not in red")
	}
	if p := tabText(k, present.TabProblems); !strings.Contains(p, "Pneumonia (active, since") {
		t.Errorf("problems:\n%s", p)
	}
	if n := tabText(k, present.TabNotes); !strings.Contains(n, "Admitted with pneumonia.") || !strings.Contains(n, "Dr Claes") {
		t.Errorf("notes:\n%s", n)
	}
	if !strings.Contains(tabMarkup(k.chart.content), "Ctrl+2 MAR") {
		t.Error("the tab keys are not said under the chart")
	}
}

func TestKeyboardShortcutsSwitchTabs(t *testing.T) {
	k, _ := tabsKiosk(t)
	k.openPatient("p1")
	press := func(key fyne.KeyName) {
		k.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
	}
	press(fyne.Key2)
	if got := k.chart.selectedTab(); got != present.TabMAR {
		t.Fatalf("Ctrl+2: tab %d", got)
	}
	press(fyne.Key6)
	if got := k.chart.selectedTab(); got != present.TabNotes {
		t.Fatalf("Ctrl+6: tab %d", got)
	}
	press(fyne.Key7)
	if got := k.chart.selectedTab(); got != present.TabOrders {
		t.Fatalf("Ctrl+7: tab %d", got)
	}
	press(fyne.KeyPageDown)
	if got := k.chart.selectedTab(); got != present.TabSummary {
		t.Fatalf("Ctrl+PgDn after the last tab: tab %d, want the first", got)
	}
	press(fyne.KeyPageUp)
	if got := k.chart.selectedTab(); got != present.TabOrders {
		t.Fatalf("Ctrl+PgUp: tab %d", got)
	}
	press(fyne.KeyPageUp)
	if got := k.chart.selectedTab(); got != present.TabNotes {
		t.Fatalf("Ctrl+PgUp: tab %d", got)
	}

	// From the search field, which takes the shortcuts for itself.
	held := fyne.KeyModifier(0)
	keyModifiers = func() fyne.KeyModifier { return held }
	t.Cleanup(func() {
		keyModifiers = func() fyne.KeyModifier { return 0 }
	})
	k.win.Canvas().Focus(k.census.search)
	k.census.search.KeyDown(&fyne.KeyEvent{Name: fyne.Key3})
	if got := k.chart.selectedTab(); got != present.TabNotes {
		t.Fatalf("3 without Ctrl switched to tab %d", got)
	}
	held = fyne.KeyModifierShortcutDefault
	k.census.search.KeyDown(&fyne.KeyEvent{Name: fyne.Key3})
	if got := k.chart.selectedTab(); got != present.TabVitals {
		t.Fatalf("Ctrl+3 in the search field: tab %d", got)
	}

	// The same patient's chart shown again keeps its tab; another's opens
	// on the Summary.
	k.openPatient("p1")
	if got := k.chart.selectedTab(); got != present.TabVitals {
		t.Errorf("shown again: tab %d", got)
	}
	k.openPatient("p2")
	if got := k.chart.selectedTab(); got != present.TabSummary {
		t.Errorf("another patient: tab %d", got)
	}
}

func TestAFormTakesThePlaceOfTheTabsAndGivesThemBack(t *testing.T) {
	k, _ := tabsKiosk(t)
	k.openPatient("p1")
	k.chart.selectTab(present.TabMAR)
	f := openForm(t, k, present.RecordVitalsButton)
	if k.chart.body.Objects[0] != f.content {
		t.Fatal("the form is not shown in place of the tabs")
	}
	f.keys.cancel() // Esc
	if k.chart.body.Objects[0] != k.chart.tabs.tabs || k.chart.selectedTab() != present.TabMAR {
		t.Fatalf("after Cancel: body %T, tab %d", k.chart.body.Objects[0], k.chart.selectedTab())
	}
	// Saved: the chart is shown again on its tab, and the form's field,
	// gone, no longer has the keys (the tab and print shortcuts).
	f = openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "88")
	enter(k, hr)
	if k.chart.forms.open != nil || k.chart.body.Objects[0] != k.chart.tabs.tabs || k.chart.selectedTab() != present.TabMAR {
		t.Fatalf("after saving: form %v, tab %d, message %q", k.chart.forms.open != nil, k.chart.selectedTab(), f.message.Text)
	}
	if got := k.win.Canvas().Focused(); got != nil {
		t.Errorf("after saving, %T has the focus", got)
	}
}

func TestTheMARFollowsTheClock(t *testing.T) {
	k, clock := tabsKiosk(t)
	k.openPatient("p1")
	before := k.chart.tabs.items[present.TabMAR].Content
	k.chart.retime()
	if k.chart.tabs.items[present.TabMAR].Content != before {
		t.Fatal("the MAR was laid out again though nothing changed")
	}
	*clock = clock.Add(45 * time.Minute) // Bisoprolol, due 10 min after the start, is now overdue
	k.census.tick()
	if k.chart.tabs.items[present.TabMAR].Content == before {
		t.Fatal("the MAR did not follow the clock")
	}
	if n := k.chart.tabs.mar.Overdue(*clock); n != 2 {
		t.Errorf("%d overdue after 45 min, want 2", n)
	}
	if !strings.Contains(tabText(k, present.TabMAR), "2 doses OVERDUE") || k.chart.tabs.items[present.TabMAR].Text != "Medications / MAR (2 OVERDUE)" {
		t.Errorf("the MAR on screen does not say 2 doses overdue; its tab says %q", k.chart.tabs.items[present.TabMAR].Text)
	}
}
