package kiosk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// censusCells are the cells of a census list item.
func censusCells(item fyne.CanvasObject) (*fyne.Container, []fyne.CanvasObject) {
	row := item.(*fyne.Container).Objects[0].(*fyne.Container)
	return row, row.Objects
}

// isolatedAndNKACensus is the census of an unlocked kiosk on a ward of two:
// pa in contact isolation with no allergy list, pb with no known allergies.
func isolatedAndNKACensus(t *testing.T) *censusView {
	t.Helper()
	now := time.Now()
	nka := src("List", "nka")
	dir := sealedWard(t, now.Add(-time.Hour), 0,
		clinical.Chart{
			Patient: clinical.Patient{ID: "pa", Name: "Aerts, Anna", Sex: "female", Bed: "1", Source: src("Patient", "pa")},
			Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertIsolation, Text: "Contact isolation",
				Status: "active", Source: src("Flag", "fa")}}},
		},
		clinical.Chart{Patient: clinical.Patient{ID: "pb", Name: "Bos, Bert", Sex: "male", Bed: "2", Source: src("Patient", "pb")},
			Allergies: clinical.Section[clinical.Allergy]{Assertion: &nka}},
	)
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	return k.census
}

// shownAt is where patient id's row is among the rows shown, or -1.
func shownAt(v *censusView, id string) int {
	return slices.IndexFunc(v.shown, func(r clinical.CensusRow) bool { return r.ID == id })
}

// bareCensusRow is a census row made outside a census: its cells, its
// layout, and set, which puts a text in label cell i and shows it.
func bareCensusRow(t *testing.T) (row *fyne.Container, lay *censusRowLayout, set func(i int, text string)) {
	t.Helper()
	test.NewTempApp(t)
	row, _ = censusCells(newCensusRow())
	lay = row.Layout.(*censusRowLayout)
	set = func(i int, text string) {
		l := row.Objects[i].(*widget.Label)
		lay.setText(l, text)
		l.Show()
	}
	return row, lay, set
}

// A row cut narrow, then reused for a patient with nothing to say in the
// cells it had cut to nothing, shows that patient's cells, never the
// previous patient's.
func TestAReusedCensusRowNeverShowsThePreviousPatientsFacts(t *testing.T) {
	v := isolatedAndNKACensus(t)
	a, b := shownAt(v, "pa"), shownAt(v, "pb")
	if a < 0 || b < 0 || censusRowOf(t, v, "pa").Isolation == "" {
		t.Fatalf("rows %v", censusShownIDs(v))
	}
	item := v.list.CreateItem()
	row, cells := censusCells(item)
	flags := cells[2].(*widget.Label)
	v.list.UpdateItem(a, item)
	for w := float32(300); w > 100 && (w == 300 || flags.Text != ""); w -= 10 {
		row.Resize(fyne.NewSize(w, row.MinSize().Height))
	}
	if flags.Text != "" {
		t.Fatalf("the flags are never cut to nothing: %q", flags.Text)
	}
	v.list.UpdateItem(b, item)
	row.Resize(fyne.NewSize(1400, row.MinSize().Height))
	if flags.Text != "" {
		t.Errorf("patient B's row shows A's flags: %q", flags.Text)
	}
	v.list.UpdateItem(a, item)
	if flags.Text == "" {
		t.Errorf("patient A's row lost its flags")
	}
}

// The NEWS2 cell gives way in whole parts: the time first, then the whole
// cell; its score is never cut ("NEWS2 1…" of 14 reads as 1).
func TestTheNEWS2CellIsNeverCutInsideTheScore(t *testing.T) {
	row, lay, set := bareCensusRow(t)
	cells := row.Objects
	cells[0].(*widget.Label).SetText("12")
	lay.setName("Li, Bo")
	set(1, censusLine(clinical.CensusRow{Name: "Li, Bo", Sex: "male", BirthDate: "1948-02-11"}, time.Now))
	set(2, "")
	set(4, "")
	set(censusNewsCell, "NEWS2 14 · 08:00")
	news := cells[censusNewsCell].(*widget.Label)
	seen := map[string]bool{}
	for width := float32(60); width <= 600; width += 2 {
		row.Resize(fyne.NewSize(width, row.MinSize().Height))
		switch news.Text {
		case "NEWS2 14 · 08:00", "NEWS2 14", "":
			seen[news.Text] = true
		default:
			t.Fatalf("at %v px the NEWS2 cell reads %q", width, news.Text)
		}
	}
	if len(seen) != 3 {
		t.Errorf("the cell showed only %v", seen)
	}
}

// The allergy state and the code status have cells of their own that are
// never cut, also when nothing is recorded: "allergies ?" is never shown
// as none known, and "code ?" says a code status is not recorded.
func TestAllergyStateAndCodeStatusAreNeverCutFromARow(t *testing.T) {
	v := isolatedAndNKACensus(t)
	for id, want := range map[string]string{"pa": "allergies ?", "pb": "NKA"} {
		i := shownAt(v, id)
		item := v.list.CreateItem()
		row, cells := censusCells(item)
		v.list.UpdateItem(i, item)
		allergy := cells[censusAllergyCell].(*widget.Label)
		code := cells[censusCodeCell].(*fyne.Container)
		for _, width := range []float32{225, 400, 1200} {
			row.Resize(fyne.NewSize(width, row.MinSize().Height))
			if !allergy.Visible() || allergy.Text != want || allergy.Size().Width < allergy.MinSize().Width {
				t.Errorf("%s at %v px: allergy cell %q visible %v, %v px of %v", id, width, allergy.Text,
					allergy.Visible(), allergy.Size().Width, allergy.MinSize().Width)
			}
			if l := code.Objects[1].(*widget.Label); !code.Visible() || l.Text != "code ?" || code.Size().Width < code.MinSize().Width {
				t.Errorf("%s at %v px: code cell %q visible %v", id, width, l.Text, code.Visible())
			}
			if flags := cells[2].(*widget.Label); strings.Contains(flags.Text, "allerg") {
				t.Errorf("%s: the flags say the allergy state: %q", id, flags.Text)
			}
		}
	}
}

// The name kept whole is the patient's, as bound, not read back from the
// cell's line: a name with two spaces in it is kept whole too.
func TestANameWithTwoSpacesIsKeptWhole(t *testing.T) {
	row, lay, _ := bareCensusRow(t)
	cells := row.Objects
	r := clinical.CensusRow{Name: "Van  Damme, Jean Claude", Sex: "male", BirthDate: "1948-02-11"}
	cells[0].(*widget.Label).SetText("101-A")
	lay.setName(r.Name)
	lay.setText(cells[1].(*widget.Label), censusLine(r, time.Now))
	lay.setText(cells[2].(*widget.Label), "ISOLATION · SIMILAR NAME")
	name := cells[1].(*widget.Label)
	need := textWidth(r.Name+"…", name.TextStyle)
	for _, width := range []float32{470, 515, 600} {
		if w := lay.widths(cells, width); w.name < need {
			t.Errorf("at %v px the name has %v px of the %v it needs", width, w.name, need)
		}
	}
	// One way to measure: as wide as a label needs to show the text.
	for _, s := range []string{"Van  Damme, Jean Claude", "NEWS2 14 · 08:00", "ALLERGY"} {
		if w, l := textWidth(s, name.TextStyle), widget.NewLabel(s); w < l.MinSize().Width {
			t.Errorf("%q measured %v px, a label needs %v", s, w, l.MinSize().Width)
		}
	}
}

// A patient's NEWS2 is worked out once, when the journal is read, not
// again each time a row is drawn (every scroll and every clock tick).
func TestTheCensusWorksNEWS2OutOncePerReadingOfTheJournal(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "80")
	enter(k, hr)
	if len(recorded(t, k)) != 1 {
		t.Fatalf("not saved: %q", f.message.Text)
	}
	calls := 0
	old := latestEarlyWarning
	latestEarlyWarning = func(e []store.JournalEntry) (clinical.EarlyWarning, bool) {
		calls++
		return old(e)
	}
	t.Cleanup(func() { latestEarlyWarning = old })
	v := k.census
	v.reload()
	read := calls
	item := v.list.CreateItem()
	for range 3 {
		for i := range v.shown {
			v.list.UpdateItem(i, item)
		}
		v.tick()
	}
	if read == 0 || calls != read {
		t.Errorf("NEWS2 worked out %d times on reading the journal, %d more drawing the rows", read, calls-read)
	}
}

// The rows' heights are measured again when the text size changes, and
// then only: large text switched on, the next keystroke in the search
// gives the rows the height of a row in large text.
func TestCensusRowHeightsFollowTheTextSize(t *testing.T) {
	now := time.Now()
	k := kioskAt(t, fitWard(t, now.Add(-time.Hour)), now, i18n.English, false)
	v := k.census
	small := v.rowHeight
	k.toggleLargeText()
	test.Type(v.search, "a")
	if want := newCensusRow().MinSize().Height; v.rowHeight <= small || v.rowHeight != want {
		t.Errorf("rows %v px high in large text, a row needs %v (%v in normal text)", v.rowHeight, want, small)
	}
}
