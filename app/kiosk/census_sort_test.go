package kiosk

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
)

func censusShownIDs(v *censusView) []string {
	var out []string
	for _, r := range v.shown {
		out = append(out, r.ID)
	}
	return out
}

func censusRowOf(t *testing.T, v *censusView, id string) clinical.CensusRow {
	t.Helper()
	i := slices.IndexFunc(v.all, func(r clinical.CensusRow) bool { return r.ID == id })
	if i < 0 {
		t.Fatalf("no row %s", id)
	}
	return v.all[i]
}

func TestTheCensusReadsNextDoseAndOverdueInTheBackground(t *testing.T) {
	k, clock := tabsKiosk(t)
	v, now := k.census, *clock
	next := func(d time.Duration) string {
		return present.CensusNextDose(clinical.OpenDose{Time: now.Add(d)}, true, now)
	}
	for id, want := range map[string][2]string{
		"p1": {next(10 * time.Minute), "1 OVERDUE"},
		"p2": {next(5 * time.Hour), ""},
		"p3": {"none due in 24 h", ""},
		"p4": {next(20 * time.Hour), "2 OVERDUE"},
	} {
		next, overdue := v.medsText(censusRowOf(t, v, id), now)
		if next != want[0] || overdue != want[1] {
			t.Errorf("%s: %q %q, want %q %q", id, next, overdue, want[0], want[1])
		}
	}
	if v.progress.Visible() || v.meds.running {
		t.Errorf("still reading: %q", v.progress.Text)
	}

	// Read again (a newer snapshot): the doses read before stay on screen
	// until the new ones are handed back.
	before, _ := v.medsText(censusRowOf(t, v, "p1"), now)
	v.readMeds(true)
	if next, _ := v.medsText(censusRowOf(t, v, "p1"), now); next != before {
		t.Errorf("while reading again: %q, want %q", next, before)
	}
	if !v.progress.Visible() || !strings.HasPrefix(v.progress.Text, "Reading the medication times") {
		t.Errorf("progress %q", v.progress.Text)
	}
	uitest.Settle(k.work.Wait)
	if v.progress.Visible() || v.meds.done != 4 {
		t.Errorf("after: progress %q, %d read", v.progress.Text, v.meds.done)
	}
	// Never read: the rows say so until the doses come.
	v.meds = censusMeds{}
	v.readMeds(false)
	if next, _ := v.medsText(censusRowOf(t, v, "p1"), now); next != present.MedsPending {
		t.Errorf("before the doses are read: %q", next)
	}
	uitest.Settle(k.work.Wait)
	if next, _ := v.medsText(censusRowOf(t, v, "p1"), now); next == present.MedsPending {
		t.Errorf("after: %q", next)
	}

	// A patient registered during downtime has no orders: nothing to say.
	tmp, err := clinical.NewTemporaryID()
	if err != nil {
		t.Fatal(err)
	}
	if next, overdue := v.medsText(clinical.CensusRow{ID: tmp}, now); next != "" || overdue != "" {
		t.Errorf("temporary patient: %q %q", next, overdue)
	}
}

func TestTheCensusSortsAndFilters(t *testing.T) {
	k, _ := tabsKiosk(t)
	v := k.census
	if got := censusShownIDs(v); !slices.Equal(got, []string{"p1", "p2", "p3", "p4"}) {
		t.Fatalf("census order %v", got)
	}
	for _, c := range []struct {
		sort int
		want []string
	}{
		{present.SortBed, []string{"p2", "p3", "p1", "p4"}},     // 9, 10, 101-A, 102-B
		{present.SortName, []string{"p4", "p2", "p3", "p1"}},    // Adams, Dubois, Ébert, Janssens
		{present.SortNextDue, []string{"p1", "p2", "p4", "p3"}}, // in 10 min, 5 h, 20 h, none
		{present.SortOverdue, []string{"p4", "p1", "p2", "p3"}}, // 2, 1, then by next dose
		{present.SortCensus, []string{"p1", "p2", "p3", "p4"}},
	} {
		v.sortSelect.SetSelectedIndex(c.sort)
		if got := censusShownIDs(v); !slices.Equal(got, c.want) {
			t.Errorf("sorted by %s: %v, want %v", present.CensusSorts[c.sort], got, c.want)
		}
	}
	// The controls answer the keyboard: Right chooses the next.
	v.sortSelect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if v.sortBy != present.SortBed {
		t.Errorf("Right on the sort control: sort %d", v.sortBy)
	}
	v.sortSelect.SetSelectedIndex(present.SortCensus)
	for _, c := range []struct {
		show int
		want []string
	}{
		{present.ShowDNR, []string{"p1"}},
		{present.ShowAllergies, []string{"p1"}},
		{present.ShowIsolation, []string{"p2"}},
		{present.ShowOverdue, []string{"p1", "p4"}},
		{present.ShowAll, []string{"p1", "p2", "p3", "p4"}},
	} {
		v.showSelect.SetSelectedIndex(c.show)
		if got := censusShownIDs(v); !slices.Equal(got, c.want) {
			t.Errorf("showing %s: %v, want %v", present.CensusFilters[c.show], got, c.want)
		}
	}
	v.showSelect.SetSelectedIndex(present.ShowOverdue)
	if v.count.Text != "2 of 4 patients · showing: Overdue doses" {
		t.Errorf("count %q", v.count.Text)
	}
	// Search and filter together.
	v.search.SetText("a")
	if got := censusShownIDs(v); !slices.Equal(got, []string{"p1", "p4"}) {
		t.Errorf("'a' among the overdue: %v", got)
	}
	v.search.SetText("adams")
	if got := censusShownIDs(v); !slices.Equal(got, []string{"p4"}) {
		t.Errorf("'adams' among the overdue: %v", got)
	}
}

func TestAScanOpensThePatientAFilterHides(t *testing.T) {
	k, _ := tabsKiosk(t)
	v := k.census
	v.showSelect.SetSelectedIndex(present.ShowDNR)
	submit(k, "MRN002")
	if k.chart.current == nil || k.chart.current.Patient.ID != "p2" {
		t.Fatalf("the scanned MRN002 did not open: hint %q", v.hint.Text)
	}
	if v.show != present.ShowAll || v.showSelect.SelectedIndex() != present.ShowAll || v.hint.Text != "" {
		t.Errorf("the filter stays on (%d) after a scan it hid", v.show)
	}
	// The pack code of a hidden patient too.
	v.showSelect.SetSelectedIndex(present.ShowIsolation)
	submit(k, present.PackCode("p1", k.snap.Manifest.CipherSHA256))
	if k.chart.current.Patient.ID != "p1" || v.show != present.ShowAll {
		t.Errorf("pack code: chart %s, filter %d, hint %q", k.chart.current.Patient.ID, v.show, v.hint.Text)
	}
}

// oldSnapshotFacts has the census read the doses as of a snapshot sealed
// before the dose facts were kept in its census table: from every chart.
func oldSnapshotFacts(t *testing.T) {
	old := factsForMeds
	factsForMeds = func(context.Context, *store.Snapshot) (map[string]clinical.DoseFacts, bool, error) {
		return nil, false, nil
	}
	t.Cleanup(func() { factsForMeds = old })
}

// holdMedsCharts makes the census's background reading (of a snapshot
// without dose facts) wait on each chart until release is closed, and
// counts the charts it read.
func holdMedsCharts(t *testing.T) (release chan struct{}, read *atomic.Int32, started *sync.WaitGroup) {
	oldSnapshotFacts(t)
	release, read, started = make(chan struct{}), &atomic.Int32{}, &sync.WaitGroup{}
	started.Add(1)
	var once sync.Once
	old := chartForMeds
	chartForMeds = func(ctx context.Context, s *store.Snapshot, id string) (*clinical.Chart, error) {
		once.Do(started.Done)
		<-release
		read.Add(1)
		return old(ctx, s, id)
	}
	t.Cleanup(func() { chartForMeds = old })
	return release, read, started
}

func TestTheBackgroundReadingStopsWhenTheKioskLocks(t *testing.T) {
	k, _ := tabsKiosk(t)
	v := k.census
	release, read, started := holdMedsCharts(t)
	v.meds = censusMeds{}
	v.readMeds(true)
	started.Wait() // on the first chart
	k.Lock()
	close(release)
	uitest.Settle(k.work.Wait)
	if n := read.Load(); n != 1 {
		t.Errorf("%d charts read after the kiosk locked, want the one under way only", n)
	}
	if len(v.meds.doses) != 0 {
		t.Errorf("doses taken after the lock: %v", v.meds.doses)
	}
}

func TestANewRoundAbandonsTheOneUnderWay(t *testing.T) {
	k, clock := tabsKiosk(t)
	v := k.census
	release, read, started := holdMedsCharts(t)
	v.readMeds(true)
	started.Wait()
	first := v.meds.round
	chartForMeds = func(ctx context.Context, s *store.Snapshot, id string) (*clinical.Chart, error) {
		return s.Chart(ctx, id)
	}
	v.readMeds(true) // a newer snapshot, or a saved entry: read again
	close(release)
	uitest.Settle(k.work.Wait)
	if n := read.Load(); n != 1 {
		t.Errorf("the abandoned round read %d charts, want the one under way only", n)
	}
	if v.meds.round == first || v.meds.running || len(v.meds.doses) != 4 {
		t.Fatalf("round %d (first %d), running %v, %d patients read", v.meds.round, first, v.meds.running, len(v.meds.doses))
	}
	if _, overdue := v.medsText(censusRowOf(t, v, "p4"), *clock); overdue != "2 OVERDUE" {
		t.Errorf("p4 after the second round: %q", overdue)
	}
	// Read again with nothing changed: no chart is read.
	v.readMeds(false)
	if v.meds.running || v.meds.todo != 0 {
		t.Errorf("nothing changed, yet %d patients are read again", v.meds.todo)
	}
}

func TestBedsSortAsNumbersAndNamesWithoutAccents(t *testing.T) {
	beds := []string{"10", "", "9", "101-B", "101-A", "2b", "2a", "A-3", "a-12"}
	slices.SortStableFunc(beds, compareBeds)
	if want := []string{"2a", "2b", "9", "10", "101-A", "101-B", "A-3", "a-12", ""}; !slices.Equal(beds, want) {
		t.Errorf("beds %q, want %q", beds, want)
	}
	if foldName(" Ébert, Zoé") != "ebert, zoe" || foldName("Müller") != "muller" {
		t.Errorf("folded %q %q", foldName(" Ébert, Zoé"), foldName("Müller"))
	}
}

// In a census narrowed beside a chart, a row full of warnings gives the
// flags' place to the patient's name: the name is never cut, the flags
// and then the age are.
func TestANarrowCensusRowNeverCutsTheName(t *testing.T) {
	row, lay, set := bareCensusRow(t)
	cells := row.Objects
	set(0, "101-A")
	lay.setName("De Smet, Jozef Luc")
	set(1, censusLine(clinical.CensusRow{Name: "De Smet, Jozef Luc", Sex: "male", BirthDate: "1948-02-11"}, time.Now))
	set(2, "ISOLATION · SIMILAR NAME")
	cells[censusAllergyCell].(*widget.Label).SetText("ALLERGY")
	set(3, "3 OVERDUE")
	set(4, "next 16:00")
	set(censusNewsCell, "NEWS2 onvolledig · 14:20")
	setCodeStatusCell(cells[censusCodeCell], clinical.CensusRow{Resus: clinical.ResusFullCode})
	name := cells[1].(*widget.Label)
	need := textWidth("De Smet, Jozef Luc…", name.TextStyle) // the name, then "…" for the age cut
	// From 470 px: beside the bed, code status, allergy state and doses
	// overdue, always whole, a narrower row cannot hold this name.
	for _, width := range []float32{470, 515, 600, 800} {
		w := lay.widths(cells, width)
		if w.name < need {
			t.Errorf("at %v px the name has %v px of the %v it needs (%+v)", width, w.name, need, w)
		}
		if sum := w.bed + w.news + w.code + w.allergy + w.name + w.flags + w.overdue + w.next; sum > width+0.5 {
			t.Errorf("at %v px the cells take %v px (%+v)", width, sum, w)
		}
	}
	// Wide enough, nothing gives way.
	w := lay.widths(cells, 1400)
	if w.name < textWidth(name.Text, name.TextStyle) || w.flags < textWidth(cells[2].(*widget.Label).Text, name.TextStyle) || w.next == 0 ||
		w.news < textWidth(cells[censusNewsCell].(*widget.Label).Text, cells[censusNewsCell].(*widget.Label).TextStyle) {
		t.Errorf("at 1400 px: %+v", w)
	}
	// Laid out at 470 px, the row cuts the age and the flags (to nothing
	// here), and shows
	// its texts whole again when it is wide.
	row.Resize(fyne.NewSize(470, row.MinSize().Height))
	flags := cells[2].(*widget.Label)
	if !strings.HasPrefix(name.Text, "De Smet, Jozef Luc") || name.Text == censusLine(clinical.CensusRow{Name: "De Smet, Jozef Luc",
		Sex: "male", BirthDate: "1948-02-11"}, time.Now) || flags.Text == "ISOLATION · SIMILAR NAME" {
		t.Errorf("at 470 px: %q %q", name.Text, flags.Text)
	}
	row.Resize(fyne.NewSize(1400, row.MinSize().Height))
	if flags.Text != "ISOLATION · SIMILAR NAME" || strings.HasSuffix(name.Text, "…") {
		t.Errorf("at 1400 px: %q %q", name.Text, flags.Text)
	}
}

// The census's doses come from the dose facts of the snapshot's census
// table, no chart read; a dose recorded during downtime takes its overdue
// away, and the clock passing a dose's time makes it overdue.
func TestTheCensusDosesFollowTheJournalAndTheClockWithoutReadingCharts(t *testing.T) {
	var read atomic.Int32
	old := chartForMeds
	chartForMeds = func(ctx context.Context, s *store.Snapshot, id string) (*clinical.Chart, error) {
		read.Add(1)
		return old(ctx, s, id)
	}
	t.Cleanup(func() { chartForMeds = old })
	k, clock := tabsKiosk(t)
	uitest.Settle(k.work.Wait)
	v := k.census
	overdue := func(id string) string {
		_, o := v.medsText(censusRowOf(t, v, id), *clock)
		return o
	}
	if overdue("p1") != "1 OVERDUE" || overdue("p4") != "2 OVERDUE" {
		t.Fatalf("p1 %q, p4 %q", overdue("p1"), overdue("p4"))
	}

	// Paracetamol, due 2 h ago, given 90 min ago: nothing overdue.
	recordDowntimeDose(t, k, "p1", "mr-para", "Paracetamol", clinical.OutcomeGiven, clock.Add(-90*time.Minute))
	if got := overdue("p1"); got != "" {
		t.Errorf("p1 after the dose was recorded: %q", got)
	}
	// One of p4's two, refused: one left.
	recordDowntimeDose(t, k, "p4", "mr-amox", "Amoxicillin", clinical.OutcomeRefused, clock.Add(-4*time.Hour))
	if got := overdue("p4"); got != "1 OVERDUE" {
		t.Errorf("p4 after a dose was refused: %q", got)
	}
	v.showSelect.SetSelectedIndex(present.ShowOverdue)
	if got := censusShownIDs(v); !slices.Equal(got, []string{"p4"}) {
		t.Errorf("overdue: %v", got)
	}

	// Bisoprolol was due in 10 min: 45 min on, it is overdue.
	*clock = clock.Add(45 * time.Minute)
	v.tick()
	uitest.Settle(k.work.Wait)
	if got := overdue("p1"); got != "1 OVERDUE" {
		t.Errorf("p1 after Bisoprolol's time passed: %q", got)
	}
	if got := censusShownIDs(v); !slices.Equal(got, []string{"p1", "p4"}) {
		t.Errorf("overdue after the clock moved: %v", got)
	}
	if next, _ := v.medsText(censusRowOf(t, v, "p1"), *clock); next != present.CensusNextDose(clinical.OpenDose{Time: clock.Add(5*time.Hour - 45*time.Minute)}, true, *clock) {
		t.Errorf("p1's next dose %q", next)
	}
	if n := read.Load(); n != 0 {
		t.Errorf("%d charts read for the census's doses", n)
	}
}
