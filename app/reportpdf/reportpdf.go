// Package reportpdf prints a reconciliation report (sync/reconcile.Report)
// as an A4 PDF for the hospital's records: how the run went, where every
// entry stands (in all, per kind, per author), every item that waits for a
// person or was decided by one with both sides of it, every decision with
// who took it, when and why, and the kiosk's audit trail exported with it.
//
// The PDF is plaintext by design, like the JSON export: it is written only
// when someone with the keys exports the sealed report.
//
// reportpdf.go holds the report's sections and its running header and
// footer; layout.go the page geometry and the tables, headings and
// paragraphs they are made of; audit.go the audit trail's rows. Fonts,
// Printable, Wrap, Fit, line height and page numbers are package paper's,
// shared with the downtime packs.
package reportpdf

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"lifeboat/app/paper"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/reconcile"
)

// Title is the report's title, as each page's header and the PDF's
// metadata carry it.
const Title = "Downtime reconciliation report"

// Options tune Write. The zero value prints times in the machine's zone
// and dates the export now.
type Options struct {
	// Location is the time zone times are printed in; nil is time.Local.
	Location *time.Location
	// Exported is when the PDF is written (the PDF's creation date too);
	// zero is now.
	Exported time.Time
	// ExportedBy is who exports it, as the audit trail names them; "" leaves it out.
	ExportedBy string
	// AuditCheck is what verifying the audit trail found (from ReadAudit);
	// nil says nothing about it beyond each row's status.
	AuditCheck *store.AuditReport
}

const (
	dateTime = "02/01/2006 15:04"
	auditTS  = "02/01/2006 15:04:05"
	dash     = "–"
)

// Write writes rep as a PDF to w, with the audit trail's rows after it
// (nil: the trail is said not to be included).
func Write(w io.Writer, rep *reconcile.Report, audit []AuditRow, opts Options) error {
	if rep == nil {
		return errors.New("no report to print")
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Exported.IsZero() {
		opts.Exported = time.Now()
	}
	f := paper.A4(Title, opts.Exported)
	f.SetSubject(paper.Printable("Kiosk "+rep.KioskID), true)
	f.SetMargins(margin, bodyTop, margin)
	f.SetAutoPageBreak(false, 0)
	f.SetCellMargin(cellMargin)
	p := &printer{doc: doc{f: f}, rep: rep, opts: opts}
	p.newPage()

	p.summary(audit)
	p.totals()
	p.breakdown("Per kind", "Kind", rep.ByKind, kindOrder)
	if rep.ByWard != nil {
		p.breakdown("Per ward", "Ward", rep.ByWard, nil)
		p.breakdown("Per kiosk", "Kiosk", rep.ByKiosk, nil)
	}
	p.breakdown("Per author", "Author", rep.ByAuthor, nil)
	p.items()
	p.decisions()
	p.auditTrail(audit)
	p.frame()
	if err := f.Error(); err != nil {
		return fmt.Errorf("writing the report's PDF: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("writing the report's PDF: %w", err)
	}
	return nil
}

type printer struct {
	doc
	rep  *reconcile.Report
	opts Options
}

// when is t as dd/mm/yyyy HH:MM in the report's zone.
func (p *printer) when(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.In(p.opts.Location).Format(dateTime)
}

// whenText is a time as FHIR writes it (an instant, a dateTime or a date)
// in the report's format, or as it is if it is none of these.
func (p *printer) whenText(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return p.when(t)
		}
	}
	return fhirDate(s)
}

// fhirDate is a FHIR date (yyyy-mm-dd) as dd/mm/yyyy, or s.
func fhirDate(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("02/01/2006")
	}
	return s
}

func or(s, none string) string { return cmp.Or(strings.TrimSpace(s), none) }

func (p *printer) summary(audit []AuditRow) {
	rep, f := p.rep, p.f
	p.font(true, 16)
	f.SetX(margin)
	f.CellFormat(contentW, 9, Title, "", 1, "L", false, 0, "")
	f.SetY(p.y() + 2)

	label := func(k, v string, warn bool) row {
		return row{{w: 42, text: k, bold: true, fill: fillLabel, size: sizeBody},
			{w: contentW - 42, text: v, size: sizeBody, warn: warn}}
	}
	zone := p.opts.Exported.In(p.opts.Location).Format("MST, UTC-07:00")
	if name := p.opts.Location.String(); name != "Local" && name != "" && !strings.HasPrefix(zone, name) {
		zone = name + " (" + zone + ")"
	}
	rows := []row{
		label("Kiosk", or(rep.KioskID, dash), false),
		label("EHR server", or(rep.Server, dash), false),
		label("Started", p.when(rep.Started), false),
		label("Finished", p.when(rep.Finished), false),
	}
	var run []string
	if rep.DryRun {
		run = append(run, "Dry run: the plan only; nothing was changed anywhere.")
	}
	if rep.Stopped != "" {
		run = append(run, "Stopped before the end: "+rep.Stopped)
	}
	waiting := rep.Totals.Conflict + rep.Totals.NeedsLink + rep.Totals.Failed
	if !rep.DryRun && rep.Stopped == "" {
		switch {
		case waiting > 0:
			run = append(run, fmt.Sprintf("Completed; %s for a person.", count(waiting, "entry waits", "entries wait")))
		case rep.Totals.Pending > 0:
			run = append(run, fmt.Sprintf("Completed; %s still to push.", count(rep.Totals.Pending, "entry is", "entries are")))
		default:
			run = append(run, "Completed: every entry is reconciled.")
		}
	}
	if rep.Rounds > 0 {
		run = append(run, fmt.Sprintf("%s of planning and pushing.", count(rep.Rounds, "round", "rounds")))
	}
	rows = append(rows, label("Run", strings.Join(run, "\n"), rep.Stopped != ""))
	exp := p.when(p.opts.Exported)
	if p.opts.ExportedBy != "" {
		exp += " by " + p.opts.ExportedBy
	}
	rows = append(rows, label("Exported", exp, false), label("Times", "Local time of the kiosk: "+zone+"; 24-hour clock.", false))
	text, warn := p.auditSummary(audit)
	rows = append(rows, label("Audit trail", text, warn))
	p.table(nil, rows)
}

// auditSummary says in a sentence what the audit trail holds and whether
// it was found intact.
func (p *printer) auditSummary(audit []AuditRow) (string, bool) {
	if audit == nil {
		return "Not included with this report.", false
	}
	n := 0
	var bad []string
	for _, r := range audit {
		if r.Action != "" || r.Status == "verified" || r.Status == "signed" {
			n++
		}
		if r.Problem != "" && len(bad) < 3 {
			bad = append(bad, r.Problem)
		}
	}
	s := count(n, "record", "records") + ", printed at the end of this report"
	warn := false
	switch c := p.opts.AuditCheck; {
	case c != nil && !c.Intact():
		s += fmt.Sprintf("; the trail was found altered (%s): %s", count(len(c.Problems), "problem", "problems"), c.First().Text)
		warn = true
	case c != nil:
		s += "; chain and signatures verified, intact"
	case len(bad) > 0:
		s += "; problems were found: " + strings.Join(bad, "; ")
		warn = true
	}
	s += "."
	if c := p.opts.AuditCheck; c != nil && c.Pending > 0 {
		s += fmt.Sprintf(" %s recorded while the kiosk was locked (failed unlocks, work done with the IT recovery key) are not yet signed into the trail and not shown.",
			count(c.Pending, "event", "events"))
	}
	return s, warn
}

// states are the columns of the totals, in the order the report gives them.
var states = []struct {
	short, long string
	n           func(reconcile.Totals) int
}{
	{"Created", "Created in the EHR", func(t reconcile.Totals) int { return t.Created }},
	{"Already there", "Already there (an earlier attempt got through)", func(t reconcile.Totals) int { return t.AlreadyThere }},
	{"Linked", "Linked to an EHR patient", func(t reconcile.Totals) int { return t.Linked }},
	{"Skipped", "Skipped by a person", func(t reconcile.Totals) int { return t.Skipped }},
	{"Super-seded", "Superseded (corrected or cancelled before it was pushed)", func(t reconcile.Totals) int { return t.Superseded }},
	{"In conflict", "In conflict: waits for a person", func(t reconcile.Totals) int { return t.Conflict }},
	{"To link", "To link to an EHR patient: waits for a person", func(t reconcile.Totals) int { return t.NeedsLink }},
	{"Refused", "Refused by the server", func(t reconcile.Totals) int { return t.Failed }},
	{"Still to push", "Still to push (a dry run, or a run stopped early)", func(t reconcile.Totals) int { return t.Pending }},
	{"Kiosk only", "Kept on the kiosk only (decisions; cancellations of entries never pushed)", func(t reconcile.Totals) int { return t.Local }},
}

func sum(t reconcile.Totals) int {
	n := 0
	for _, s := range states {
		n += s.n(t)
	}
	return n
}

func (p *printer) totals() {
	p.heading("Where the entries stand")
	var rows []row
	for _, s := range states {
		n := s.n(p.rep.Totals)
		rows = append(rows, row{{w: 140, text: s.long, muted: n == 0}, {w: 40, text: fmt.Sprint(n), align: "R", muted: n == 0}})
	}
	rows = append(rows, row{{w: 140, text: "All journal entries", bold: true, fill: fillLabel},
		{w: 40, text: fmt.Sprint(sum(p.rep.Totals)), bold: true, fill: fillLabel, align: "R"}})
	p.table(row{{w: 140, text: "Entries", bold: true, fill: fillHead}, {w: 40, text: "Number", bold: true, fill: fillHead, align: "R"}}, rows)
}

var kindOrder = []string{
	string(clinical.KindMedication), string(clinical.KindVitals), string(clinical.KindNote), string(clinical.KindAllergy),
	string(clinical.KindRegistration), string(clinical.KindTransfer), string(clinical.KindDischarge),
	string(clinical.KindCancellation), string(clinical.KindDecision),
}

var kindWords = map[string]string{
	string(clinical.KindMedication): "Medication", string(clinical.KindVitals): "Vital signs", string(clinical.KindNote): "Note",
	string(clinical.KindAllergy): "Allergy", string(clinical.KindRegistration): "Registration", string(clinical.KindTransfer): "Transfer",
	string(clinical.KindDischarge): "Discharge", string(clinical.KindCancellation): "Cancellation", string(clinical.KindDecision): "Decision",
}

func kindWord(k string) string { return cmp.Or(kindWords[k], k) }

// breakdown is a table of the totals per kind or per author: known keys
// in order first, the others sorted.
func (p *printer) breakdown(title, first string, by map[string]reconcile.Totals, order []string) {
	p.heading(title)
	if len(by) == 0 {
		p.para("No entries.", false, sizeBody)
		return
	}
	keys := slices.Sorted(maps.Keys(by))
	slices.SortStableFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return ia - ib
	})
	const nameW, totalW, headPt = 38.0, 11.0, 7.0
	numW := (contentW - nameW - totalW) / float64(len(states))
	head := row{{w: nameW, text: first, bold: true, fill: fillHead, size: headPt}}
	for _, s := range states {
		head = append(head, cell{w: numW, text: s.short, bold: true, fill: fillHead, size: headPt, align: "R"})
	}
	head = append(head, cell{w: totalW, text: "Total", bold: true, fill: fillHead, size: headPt, align: "R"})
	var rows []row
	for _, k := range keys {
		name := k
		if order != nil {
			name = kindWord(k)
		}
		r := row{{w: nameW, text: or(name, dash)}}
		for _, s := range states {
			n := s.n(by[k])
			r = append(r, cell{w: numW, text: fmt.Sprint(n), align: "R", muted: n == 0})
		}
		r = append(r, cell{w: totalW, text: fmt.Sprint(sum(by[k])), align: "R", bold: true})
		rows = append(rows, r)
	}
	p.table(head, rows)
}

var outcomeWords = map[reconcile.Outcome]string{
	reconcile.Create: "to create in the EHR", reconcile.AlreadyThere: "already there",
	reconcile.Conflict: "in conflict", reconcile.NeedsLink: "to link to an EHR patient",
	reconcile.Skip: "skipped", reconcile.Nothing: "nothing to push", reconcile.Failed: "refused by the server",
}

var conflictWords = map[string]string{
	reconcile.ConflictOrderStopped: "the order was stopped", reconcile.ConflictOrderChanged: "the order was changed",
	reconcile.ConflictOrderMissing: "the order is gone", reconcile.ConflictAllergyExists: "the allergy was recorded meanwhile",
	reconcile.ConflictPatientMerged: "the patient was merged", reconcile.ConflictPatientMissing: "the patient's record is gone or inactive",
	reconcile.ConflictEncounterClosed: "the encounter is closed", reconcile.ConflictCorrectsPushed: "it corrects an entry already in the EHR",
	reconcile.ConflictRecordedTwice:  "the same dose was recorded on another kiosk",
	reconcile.ConflictCorrectedTwice: "what it corrects was corrected twice, at the hub and on its kiosk",
}

var actionWords = map[string]string{
	clinical.DecisionPush: "push anyway as a new record", clinical.DecisionSkip: "skip",
	clinical.DecisionLink: "link to an EHR patient", clinical.DecisionNewPatient: "create as a new patient",
}

func actionWord(a, linkTo string) string {
	s := cmp.Or(actionWords[a], a)
	if linkTo != "" {
		s += " Patient/" + strings.TrimPrefix(linkTo, "Patient/")
	}
	return s
}

// items prints each item that waits for a person, was refused, or was
// decided, as a card with the two sides next to each other.
func (p *printer) items() {
	p.heading(fmt.Sprintf("Items for a person (%d)", len(p.rep.Items)))
	if len(p.rep.Items) == 0 {
		p.para("No entry waited for a person, was refused by the server or was decided by a person.", false, sizeBody)
		return
	}
	const lw, half = 24.0, contentW / 2
	for i, it := range p.rep.Items {
		status := cmp.Or(outcomeWords[it.Outcome], string(it.Outcome))
		if it.Conflict != "" {
			status += ": " + cmp.Or(conflictWords[it.Conflict], it.Conflict)
		}
		title := fmt.Sprintf("%d. %s, %s", i+1, kindWord(string(it.Kind)), status)
		waits := it.Decision == nil && (it.Outcome == reconcile.Conflict || it.Outcome == reconcile.NeedsLink || it.Outcome == reconcile.Failed)
		patient := or(it.Patient, dash)
		if it.EHRPatient != "" && it.EHRPatient != it.Patient {
			patient += " (in the EHR: " + it.EHRPatient + ")"
		}
		rows := []row{
			{{w: contentW, text: title, bold: true, fill: fillLabel, size: sizeBody, warn: waits}},
			{{w: lw, text: "Entry", bold: true}, {w: half - lw, text: it.Entry}, {w: lw, text: "Patient", bold: true}, {w: half - lw, text: patient}},
			{{w: half, text: "Downtime value", bold: true, fill: fillHead}, {w: half, text: "EHR value now", bold: true, fill: fillHead}},
		}
		ehr, ehrBy := dash, ""
		if s := it.Server; s != nil {
			ehr = or(s.Value, dash)
			var by []string
			if s.By != "" {
				by = append(by, "by "+s.By)
			}
			if s.At != "" {
				by = append(by, p.whenText(s.At))
			}
			if s.Reference != "" {
				by = append(by, s.Reference)
			}
			ehrBy = strings.Join(by, ", ")
		} else if it.Outcome == reconcile.NeedsLink {
			ehr = "No EHR record linked yet (a temporary patient)."
		}
		rows = append(rows,
			row{{w: half, text: or(it.Downtime, dash)}, {w: half, text: ehr}},
			row{{w: half, text: "by " + or(it.Author, "unknown") + ", " + p.when(it.ClinicalTime), muted: true}, {w: half, text: or(ehrBy, dash), muted: true}})
		if it.Reason != "" {
			rows = append(rows, row{{w: lw, text: "Reason", bold: true}, {w: contentW - lw, text: it.Reason}})
		}
		if len(it.Candidates) > 0 {
			var c []string
			for j, m := range it.Candidates {
				s := fmt.Sprintf("%d. %s", j+1, or(m.Name, "(no name)"))
				if m.BirthDate != "" {
					s += ", born " + fhirDate(m.BirthDate)
				}
				if m.Sex != "" {
					s += ", " + m.Sex
				}
				s += fmt.Sprintf(": Patient/%s, score %d", m.Patient, m.Score)
				if m.Why != "" {
					s += " (" + m.Why + ")"
				}
				c = append(c, s)
			}
			rows = append(rows, row{{w: lw, text: "Candidates", bold: true}, {w: contentW - lw, text: strings.Join(c, "\n")}})
		}
		decision := "None yet: waits for a person."
		if !waits {
			decision = dash
		}
		if d := it.Decision; d != nil {
			decision = fmt.Sprintf("%s, by %s on %s", actionWord(d.Action, d.LinkTo), or(d.By, "unknown"), p.when(d.At))
			if d.Reason != "" {
				decision += ": " + d.Reason
			}
		}
		rows = append(rows, row{{w: lw, text: "Decision", bold: true}, {w: contentW - lw, text: decision, warn: waits}})
		res := it.Resources
		if len(res) == 0 {
			res = p.rep.Resources[it.Entry]
		}
		if len(res) > 0 {
			var refs []string
			for _, r := range res {
				s := r.Reference()
				if r.Version != "" {
					s += " (version " + r.Version + ")"
				}
				refs = append(refs, s)
			}
			rows = append(rows, row{{w: lw, text: "In the EHR", bold: true}, {w: contentW - lw, text: strings.Join(refs, ", ")}})
		}
		p.block(rows)
		p.f.SetY(p.y() + 3)
	}
}

func (p *printer) decisions() {
	p.heading(fmt.Sprintf("Decisions (%d)", len(p.rep.Decisions)))
	if len(p.rep.Decisions) == 0 {
		p.para("No decision was taken.", false, sizeBody)
		return
	}
	w := []float64{25, 32, 34, 53, 36}
	head := row{}
	for i, t := range []string{"When", "By", "Action", "Entry decided on", "Why"} {
		head = append(head, cell{w: w[i], text: t, bold: true, fill: fillHead, size: sizeSmall})
	}
	var rows []row
	for _, d := range p.rep.Decisions {
		rows = append(rows, row{{w: w[0], text: p.when(d.At), size: sizeSmall}, {w: w[1], text: or(d.By, "unknown"), size: sizeSmall},
			{w: w[2], text: actionWord(d.Action, d.LinkTo), size: sizeSmall},
			{w: w[3], text: or(d.Entry, dash) + "\ndecision " + or(d.Decision, dash), size: sizeSmall},
			{w: w[4], text: or(d.Reason, dash), size: sizeSmall}})
	}
	p.table(head, rows)
}

func (p *printer) auditTrail(audit []AuditRow) {
	if audit == nil {
		p.heading("Audit trail")
		p.para("The audit trail was not included with this report: export it with lifeboat audit export.", false, sizeBody)
		return
	}
	p.heading(fmt.Sprintf("Audit trail (%s)", count(len(audit), "row", "rows")))
	if len(audit) == 0 {
		p.para("The audit trail is empty.", false, sizeBody)
		return
	}
	p.para("Each record as the kiosk's tamper-evident trail holds it, with what verification found: verified (signed by this kiosk and chained to the record before it), or the problem.", false, sizeSmall)
	widths := []float64{10, 28, 44, 30, 44, 24}
	head := row{}
	for i, t := range []string{"#", "Time", "Actor", "Action", "Subject", "Check"} {
		head = append(head, cell{w: widths[i], text: t, bold: true, fill: fillHead, size: sizeSmall})
	}
	var rows []row
	for _, r := range audit {
		if r.Action == "" && r.Time.IsZero() { // a gap or a problem with the trail, not a record
			rows = append(rows, row{{w: widths[0], text: fmt.Sprint(r.Seq), size: sizeSmall, warn: true},
				{w: contentW - widths[0], text: or(r.Problem, r.Status), size: sizeSmall, warn: true, bold: true}})
			continue
		}
		t := dash
		if !r.Time.IsZero() {
			t = r.Time.In(p.opts.Location).Format(auditTS)
		}
		action := r.Action
		if r.WhileLocked {
			action += " (while locked"
			if !r.Folded.IsZero() {
				action += ", signed in " + p.when(r.Folded)
			}
			action += ")"
		}
		subject := or(r.Subject, dash)
		if r.Details != "" {
			subject += "\n" + r.Details
		}
		check := r.Status
		switch r.Status {
		case "":
			check = "not checked"
		case "verified":
		default:
			if r.Problem != "" {
				check += ": " + r.Problem
			}
		}
		bad := r.Status != "verified" && r.Status != ""
		rows = append(rows, row{{w: widths[0], text: fmt.Sprint(r.Seq), size: sizeSmall, align: "R"},
			{w: widths[1], text: t, size: sizeSmall}, {w: widths[2], text: or(r.Actor, dash), size: sizeSmall},
			{w: widths[3], text: or(action, dash), size: sizeSmall}, {w: widths[4], text: subject, size: sizeSmall},
			{w: widths[5], text: check, size: sizeSmall, warn: bad}})
	}
	p.table(head, rows)
}

// frame draws each page's running header and footer, once the number of
// pages is known.
func (p *printer) frame() {
	f := p.f
	head := "Kiosk " + or(p.rep.KioskID, dash) + " · run of " + p.when(p.rep.Started)
	if p.rep.DryRun {
		head += " (dry run)"
	}
	exported := "exported " + p.when(p.opts.Exported)
	paper.Frame(f, func(page, total int) {
		f.SetLineWidth(0.3)
		f.SetDrawColor(0, 0, 0)
		f.SetTextColor(0, 0, 0)
		f.SetXY(margin, 8)
		f.CellFormat(contentW*0.6, 5.5, paper.Fit(f, Title, "B", 10, leastFit, contentW*0.6-2), "", 0, "L", false, 0, "")
		ew := contentW * 0.4
		f.SetXY(margin+contentW-ew, 8)
		f.SetTextColor(70, 70, 70)
		f.CellFormat(ew, 5.5, paper.Fit(f, exported, "", 8.5, leastFit, ew-2), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetXY(margin, 13.5)
		f.CellFormat(contentW, 5, paper.Fit(f, head, "", 9, leastFit, contentW-2), "", 0, "L", false, 0, "")
		paper.Rule(f, 20)
		paper.Rule(f, bodyBottom+2)

		pw := paper.PageNumber(f, fmt.Sprintf("page %d of %d", page, total), 9, bodyBottom+3.5, 5)
		f.SetTextColor(70, 70, 70)
		f.SetXY(margin, bodyBottom+3.5)
		f.CellFormat(contentW-pw, 5, paper.Fit(f, "Lifeboat · holds patient data: keep with the hospital's records, not on the kiosk.", "", 7.5, leastFit, contentW-pw-2), "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
}

// count is "1 entry", "3 entries".
func count(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
