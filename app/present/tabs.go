package present

import (
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The chart window's tabs, under the header that never scrolls away, and
// the census's sort and filter.

// ChartTabs are the names of the chart's tabs, in order (in English, to be
// looked up with i18n.T, or read with ChartTab): Ctrl+1 opens the first,
// Ctrl+7 the last. The orders and devices came last, so that Ctrl+1 to
// Ctrl+6 kept their meaning.
var ChartTabs = []string{"Summary", "Medications / MAR", "Vitals", "Labs", "Problems", "Notes", "Orders and devices"}

// The tabs' places in ChartTabs.
const (
	TabSummary = iota
	TabMAR
	TabVitals
	TabLabs
	TabProblems
	TabNotes
	TabOrders
)

// MARTabTitle is the MAR tab's name, with the doses overdue when there
// are: they are seen from any tab.
func MARTabTitle(overdue int) string {
	if overdue == 0 {
		return ChartTab(TabMAR)
	}
	return i18n.F("%s (%d OVERDUE)", ChartTab(TabMAR), overdue)
}

// ChartTab is the name of tab i in the language in use.
func ChartTab(i int) string { return i18n.T(ChartTabs[i]) }

// ChartTabKeys is the keyboard hint shown with the tabs.
const ChartTabKeys = "Tabs by keyboard: Ctrl+1 Summary · Ctrl+2 MAR · Ctrl+3 Vitals · Ctrl+4 Labs · Ctrl+5 Problems · " +
	"Ctrl+6 Notes · Ctrl+7 Orders and devices · Ctrl+PgUp / Ctrl+PgDn: previous / next"

// ProblemsSection is the Problems tab: the problem list, active ones first.
func ProblemsSection(c *clinical.Chart) Section {
	s := problems(c)
	if c.Problems.Unreadable {
		s.Warning = i18n.T(UnreadableSection)
	}
	return s
}

// NotesSections are the Notes tab: the notes written during downtime on
// this kiosk (entries may be nil), then the record's notes, newest first.
func NotesSections(c *clinical.Chart, entries []store.JournalEntry) []Section {
	d := Section{Title: i18n.T("Notes written during downtime on this kiosk")}
	sorted := append([]store.JournalEntry(nil), entries...)
	sortNewestFirst(sorted)
	for _, e := range sorted {
		if e.Note == nil {
			continue
		}
		d.Lines = append(d.Lines, EntryLine(e))
		d.Struck = append(d.Struck, e.Superseded())
	}
	if len(d.Lines) == 0 {
		d.Empty = i18n.T("None written during downtime on this kiosk.")
	}
	n := notes(c)
	n.Title = i18n.T("Notes in the record")
	if c.Notes.Unreadable {
		n.Warning = i18n.T(UnreadableSection)
	}
	return []Section{d, n}
}

// Census sort orders, as the sort control offers them.
var CensusSorts = []string{"Census order", "Bed", "Name", "Next dose due", "Overdue first"}

// Census filters, as the filter control offers them.
var CensusFilters = []string{"All patients", "Allergies", "DNR", "Isolation", "Overdue doses", "My patients"}

// The places of the sorts and filters in their lists.
const (
	SortCensus = iota
	SortBed
	SortName
	SortNextDue
	SortOverdue
)

const (
	ShowAll = iota
	ShowAllergies
	ShowDNR
	ShowIsolation
	ShowOverdue
	ShowMine
)

// "My patients": the chart's check, and what is said when the selection
// cannot be read or kept.
const (
	MyPatientCheck       = "My patient"
	MyPatientsUnreadable = "Your “my patients” selection could not be read; choose them again."
	MyPatientsNotKept    = "Your “my patients” selection could not be kept for the next unlock."
)

// Labels of the census controls.
const (
	SortLabel   = "Sort"
	FilterLabel = "Show"
)

// CensusCount is "12 of 40 patients", with the filter when one is on.
func CensusCount(shown, all, filter int) string {
	s := i18n.F("%d of %d patients", shown, all)
	if filter > ShowAll && filter < len(CensusFilters) {
		s += i18n.F(" · showing: %s", i18n.T(CensusFilters[filter]))
	}
	return s
}

// CensusNextDose is a census row's next dose: "next 14:00", or with its
// date when it is not today "next 27/11 08:00"; "none due in 24 h".
func CensusNextDose(d clinical.OpenDose, ok bool, now time.Time) string {
	if !ok {
		return i18n.T("none due in 24 h")
	}
	return i18n.F("next %s", ClockOn(d.Time, now))
}

// CensusOverdue is "2 OVERDUE", or "" for none.
func CensusOverdue(n int) string {
	if n == 0 {
		return ""
	}
	return i18n.F("%d OVERDUE", n)
}

// Words of the census's medication column while it is read.
const (
	MedsPending    = "…"      // not read yet
	MedsUnreadable = "meds ?" // the chart could not be read
)

// MedsProgress says how far the census's medication times are read.
func MedsProgress(done, total int) string {
	return i18n.F("Reading the medication times of the ward: %d of %d patients…", done, total)
}

// MedsFailed says for how many patients the times could not be read.
func MedsFailed(n int) string {
	if n == 1 {
		return i18n.T("The medication times of 1 patient could not be read: open the chart.")
	}
	return i18n.F("The medication times of %d patients could not be read: open their charts.", n)

}
