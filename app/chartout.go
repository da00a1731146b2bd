package app

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/store"
)

// chartJSON is chart --json. Vitals and labs hold the latest value per
// code; every item carries its source resource's type, id and version.
type chartJSON struct {
	Patient         store.Patient                       `json:"patient"`
	Snapshot        snapshotJSON                        `json:"snapshot"`
	Allergies       store.Section[store.Allergy]        `json:"allergies"`
	Medications     store.Section[store.Medication]     `json:"medications"`
	Administrations store.Section[store.Administration] `json:"administrations"`
	Problems        store.Section[store.Problem]        `json:"problems"`
	Vitals          store.Section[store.Observation]    `json:"vitals"`
	Labs            store.Section[store.Observation]    `json:"labs"`
	Alerts          store.Section[store.Alert]          `json:"alerts"`
	Notes           store.Section[store.Note]           `json:"notes"`
}

type snapshotJSON struct {
	Generation uint64    `json:"generation"`
	AsOf       time.Time `json:"asOf"`
	AgeSeconds int64     `json:"ageSeconds"`
	Age        string    `json:"age"`
	Warning    string    `json:"warning,omitempty"`
}

func writeChartJSON(w io.Writer, c *store.Chart, snap *store.Snapshot, now time.Time) error {
	age := now.Sub(snap.Manifest.AsOf)
	out := chartJSON{
		Patient: c.Patient,
		Snapshot: snapshotJSON{Generation: snap.Manifest.Generation, AsOf: snap.Manifest.AsOf,
			AgeSeconds: int64(age / time.Second), Age: present.Age(age), Warning: present.Warning(snap, now)},
		Allergies: c.Allergies, Medications: c.Medications, Administrations: c.Administrations,
		Problems: c.Problems, Vitals: c.Vitals, Labs: c.Labs, Alerts: c.Alerts, Notes: c.Notes,
	}
	out.Vitals.Items = store.Latest(c.Vitals.Items)
	out.Labs.Items = store.Latest(c.Labs.Items)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeChartText(w io.Writer, c *store.Chart, snap *store.Snapshot, now time.Time) {
	p := c.Patient
	fmt.Fprintln(w, present.Freshness(snap.Manifest, now))
	line := fmt.Sprintf("%s  %s  born %s", p.Name, present.Sex(p.Sex), present.Date(p.BirthDate))
	if a := present.AgeYears(p.BirthDate, now); a >= 0 {
		line += fmt.Sprintf(" (%d y)", a)
	}
	if mrn := p.MRN(); mrn != "" {
		line += "  MRN " + mrn
	}
	fmt.Fprintln(w, line)
	if p.Deceased {
		fmt.Fprintln(w, "DECEASED "+present.DateTime(p.DeceasedAt))
	}
	if p.Bed != "" || p.Room != "" {
		fmt.Fprintf(w, "%s, %s, bed %s, admitted %s\n", p.WardName, p.Room, p.Bed, present.DateTime(p.Admitted))
	}
	if p.Weight != nil {
		fmt.Fprintf(w, "Weight %g %s (%s)\n", p.Weight.Value, p.Weight.Unit, present.DateTime(p.Weight.Time))
	}
	fmt.Fprintln(w, present.CodeStatus(c))
	fmt.Fprintln(w, present.AllergyBanner(c))
	for _, a := range c.Alerts.Items {
		if a.Kind != store.AlertCodeStatus {
			fmt.Fprintln(w, "ALERT: "+a.Text)
		}
	}
	section(w, "Medications", c.Medications.Status, "medications", len(c.Medications.Items), func() {
		for _, m := range c.Medications.Items {
			fmt.Fprintln(w, "  - "+present.MedicationLine(m))
		}
	})
	section(w, "Problems", c.Problems.Status, "problems", len(c.Problems.Items), func() {
		for _, pr := range c.Problems.Items {
			fmt.Fprintf(w, "  - %s (%s)\n", pr.Name, pr.ClinicalStatus)
		}
	})
	section(w, "Vital signs (latest)", c.Vitals.Status, "vital signs", len(c.Vitals.Items), func() {
		for _, o := range store.Latest(c.Vitals.Items) {
			fmt.Fprintf(w, "  - %s: %s at %s\n", present.ObservationName(o), present.Observation(o), present.DateTime(o.Time))
		}
	})
	section(w, "Laboratory (latest)", c.Labs.Status, "laboratory results", len(c.Labs.Items), func() {
		for _, o := range store.Latest(c.Labs.Items) {
			r := present.Range(o)
			if r != "" {
				r = " (ref " + r + ")"
			}
			fmt.Fprintf(w, "  - %s: %s%s at %s\n", o.Name, present.Observation(o), r, present.DateTime(o.Time))
		}
	})
	section(w, "Notes", c.Notes.Status, "notes", len(c.Notes.Items), func() {
		for _, n := range c.Notes.Items {
			fmt.Fprintf(w, "  - %s, %s, %s: %s\n", present.DateTime(n.Time), n.Author, n.Title, firstLine(n.Text))
		}
	})
}

func section(w io.Writer, title string, status store.SectionStatus, noun string, n int, items func()) {
	fmt.Fprintln(w, title+":")
	if n == 0 {
		fmt.Fprintln(w, "  "+present.Empty(status, noun))
		return
	}
	items()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "..."
	}
	return s
}
