package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// chartJSON is chart --json. Vitals and labs hold the latest value per
// code; every item carries its source resource's type, id and version.
type chartJSON struct {
	Patient         clinical.Patient                          `json:"patient"`
	Snapshot        snapshotJSON                              `json:"snapshot"`
	Allergies       clinical.Section[clinical.Allergy]        `json:"allergies"`
	Medications     clinical.Section[clinical.Medication]     `json:"medications"`
	Administrations clinical.Section[clinical.Administration] `json:"administrations"`
	Problems        clinical.Section[clinical.Problem]        `json:"problems"`
	Vitals          clinical.Section[clinical.Observation]    `json:"vitals"`
	Labs            clinical.Section[clinical.Observation]    `json:"labs"`
	Alerts          clinical.Section[clinical.Alert]          `json:"alerts"`
	Notes           clinical.Section[clinical.Note]           `json:"notes"`
	// contacts, careTeam, advanceDirectives, orders, diet, devices,
	// procedures, immunizations, bloodGroup, pregnancy
	clinical.RecordSections
	// DowntimeEntries are what this kiosk recorded for the patient during
	// the outage, newest first; null when the journal could not be read.
	DowntimeEntries []downtimeEntryJSON `json:"downtimeEntries"`
	DowntimeError   string              `json:"downtimeEntriesError,omitempty"`
	// EarlyWarning is the NEWS2 of the newest complete set of vital signs
	// recorded during downtime; null when there is none (snapshot
	// observations are not scored).
	EarlyWarning *clinical.EarlyWarning `json:"earlyWarning"`
}

type snapshotJSON struct {
	Generation uint64    `json:"generation"`
	AsOf       time.Time `json:"asOf"`
	AgeSeconds int64     `json:"ageSeconds"`
	Age        string    `json:"age"`
	Warning    string    `json:"warning,omitempty"`
	Unreadable int       `json:"unreadable"` // source records skipped as unreadable, not shown
}

func writeChartJSON(w io.Writer, c *clinical.Chart, snap *store.Snapshot, d downtime, now time.Time) error {
	age := now.Sub(snap.Manifest.AsOf)
	out := chartJSON{
		Patient: c.Patient,
		Snapshot: snapshotJSON{Generation: snap.Manifest.Generation, AsOf: snap.Manifest.AsOf,
			AgeSeconds: int64(age / time.Second), Age: present.Age(age), Warning: present.Warning(snap, now),
			Unreadable: snap.Manifest.Malformed},
		Allergies: c.Allergies, Medications: c.Medications, Administrations: c.Administrations,
		Problems: c.Problems, Vitals: c.Vitals, Labs: c.Labs, Alerts: c.Alerts, Notes: c.Notes,
		RecordSections:  c.RecordSections,
		DowntimeEntries: d.json(),
	}
	if w, ok := clinical.LatestEarlyWarning(d.entries); ok {
		out.EarlyWarning = &w
	}
	switch {
	case len(d.problems) > 0:
		out.DowntimeError = present.JournalProblems(d.problems)
	case d.err != nil:
		out.DowntimeError = present.JournalUnreadable
	}
	out.Vitals.Items = clinical.Latest(c.Vitals.Items)
	out.Labs.Items = clinical.Latest(c.Labs.Items)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeChartText prints the chart as laid out by present, the same as the
// kiosk window shows it.
func writeChartText(w io.Writer, c *clinical.Chart, snap *store.Snapshot, d downtime, now time.Time) {
	fmt.Fprintln(w, present.Freshness(snap.Manifest, now))
	if u := present.Unreadable(snap.Manifest); u != "" {
		fmt.Fprintln(w, u)
	}
	h := present.PatientHeader(c.Patient, now)
	fmt.Fprintln(w, h.Name)
	if h.Deceased != "" {
		fmt.Fprintln(w, h.Deceased)
	}
	for _, l := range h.Lines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, present.CodeStatus(present.WithDowntimeCodeStatus(c, d.entries)))
	fmt.Fprintln(w, present.AllergyBanner(c))
	for _, a := range present.Alerts(c) {
		fmt.Fprintln(w, a)
	}
	if ew, ok := clinical.LatestEarlyWarning(d.entries); ok {
		fmt.Fprintln(w, present.EarlyWarningLine(ew))
	}
	// What was recorded here is newer than anything in the snapshot.
	sections := append([]present.Section{d.section()}, present.Sections(c, snap.Manifest.AsOf)...)
	for _, s := range append(sections, present.RecordSections(c, snap.Manifest.AsOf)...) {
		fmt.Fprintln(w, s.Title+":")
		if s.Warning != "" {
			fmt.Fprintln(w, "  ! "+s.Warning)
		}
		if len(s.Lines) == 0 && s.Empty != "" {
			fmt.Fprintln(w, "  "+s.Empty)
		}
		for _, l := range s.Lines {
			fmt.Fprintln(w, "  - "+strings.ReplaceAll(l, "\n", "\n    "))
		}
	}
}
