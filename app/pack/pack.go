// Package pack writes downtime packs: the PDF a nurse prints from the
// kiosk and works from on paper while the record is down. A pack holds a
// census of the ward, a section per patient (the chart's summary, a MAR
// grid of the 12 h after the data time, with blank hourly columns to chart
// on and the doses recorded at the kiosk marked, and a blank vitals chart
// with the NEWS2 bands), or both, for one patient or the whole ward in one
// document. Every page of a patient carries its code-status and allergy
// banners.
//
// # What every page carries
//
// The downtime line with the data time ("DOWNTIME – data as of …"), what
// the page is about (the patient's name, birth date and MRN, or the ward),
// "page X of Y" and, on a patient's pages, the pack code as a QR code
// (present.PackCode: patient id and snapshot hash) for back-entry to scan.
//
// # Page numbers
//
// "page X of Y" counts the pages of the patient (or of the census), not of
// the print: a ward pack is split into the patients' folders, and each
// folder must be able to tell that it holds all of its patient's pages. The
// sheet's place in the whole print ("sheet 57 of 160") is printed small
// beside it, for putting a dropped stack back in order.
//
// # Census pages carry no QR code
//
// The QR code leads back-entry to one patient. A census page is about the
// whole ward, and a code standing for no patient would either be refused by
// the scanner's parser or, worse, be read as a patient id. Census pages
// name the snapshot in plain text instead (generation and hash).
//
// All wording and dates come from package present, as in the window.
//
// # What lives where
//
// This package holds the pack's layouts and content: pack.go the document,
// its sections and running header and footer; census.go the ward table;
// patient.go a patient's summary; margrid.go the printed MAR; vitals.go the
// blank vitals chart; label.go the registration label; gather.go what a
// pack reads from the snapshot and the journal; file.go where it is
// written. What every printed PDF shares (fonts, Printable, Wrap, Fit,
// line height, page numbers, QR codes) is package paper.
package pack

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Patient is one patient of a pack.
type Patient struct {
	Chart *clinical.Chart
	// Downtime are the entries this kiosk recorded for the patient during
	// the outage (any order). They are printed, and a dose recorded given
	// counts as the order's last dose.
	Downtime []store.JournalEntry
}

// Pack is what to print.
type Pack struct {
	// Manifest is the snapshot's: its data time, generation and hash.
	Manifest store.Manifest
	// Warning is said at the start of every section, in red: an older
	// generation opened, records left out (present.BannerWarning).
	Warning string
	// JournalUnreadable says that the downtime journal could not be read,
	// so no entry recorded during downtime is printed.
	JournalUnreadable bool
	// Printed is when, and PrintedBy who, asked for the pack.
	Printed   time.Time
	PrintedBy string
	// Census, when not empty, is printed first as a table, a section per
	// ward, in the given order.
	Census []Patient
	// Patients each get a section: summary then MAR, from a new page.
	Patients []Patient
}

// Section is where one section of a written pack lies.
type Section struct {
	PatientID   string // "" for a census section
	Ward        string // the census section's ward
	First, Last int    // pages, from 1
}

// Result says what was written.
type Result struct {
	Pages    int
	Sections []Section
}

// Page geometry, in millimetres: A4 portrait.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 12.0
	contentW     = pageW - 2*margin
	bodyTop      = 34.0  // below the running header
	bodyBottom   = 279.0 // above the running footer
	qrSize       = 22.0
)

// Type sizes, in points: the body is never under 10 pt.
const (
	sizeBody  = 10.0
	sizeTitle = 12.0
	sizeSmall = 9.0 // the footer's print details only
)

// leastHeader is the smallest type a line of the running header or footer
// shrinks to before it is cut short (paper.Fit).
const leastHeader = 7.0

// lineH is the line height for a type size, in millimetres: open, for
// reading at the bedside.
func lineH(size float64) float64 { return paper.LineHeight(size, 1.28) }

// Write writes p as one PDF to w.
func Write(w io.Writer, p Pack) (Result, error) {
	switch {
	case len(p.Census) == 0 && len(p.Patients) == 0:
		return Result{}, fmt.Errorf("nothing to print")
	case p.Manifest.AsOf.IsZero():
		// Every page says how old its data is; without a data time no page
		// can be honest.
		return Result{}, fmt.Errorf("the snapshot has no data time")
	}
	d := newDoc(&p)
	if len(p.Census) > 0 {
		for _, ward := range byWard(p.Census) {
			d.census(ward)
		}
	}
	for _, pt := range p.Patients {
		if err := d.patient(pt); err != nil {
			return Result{}, err
		}
	}
	d.decorate()
	if err := d.f.Output(w); err != nil {
		return Result{}, fmt.Errorf("writing the PDF: %w", err)
	}
	res := Result{Pages: d.f.PageCount()}
	for _, s := range d.sections {
		res.Sections = append(res.Sections, Section{PatientID: s.patientID, Ward: s.ward, First: s.first, Last: s.last})
	}
	return res, nil
}

// section is a run of pages about one patient or one ward, with what the
// running header and footer say on each of them.
type section struct {
	patientID, ward string
	title, subtitle string
	code            string   // the pack code, or "" for the census
	qr              [][]bool // its QR modules
	first, last     int
}

type doc struct {
	f        *fpdf.Fpdf
	p        *Pack
	asOf     time.Time
	sections []*section
}

func newDoc(p *Pack) *doc {
	f := paper.A4("Lifeboat downtime pack", p.Printed)
	f.SetMargins(margin, bodyTop, margin)
	f.SetAutoPageBreak(true, pageH-bodyBottom)
	f.SetCellMargin(1)
	return &doc{f: f, p: p, asOf: p.Manifest.AsOf}
}

// begin starts a section on a new page.
func (d *doc) begin(s *section, bookmark string) {
	d.f.AddPage()
	s.first = d.f.PageNo()
	d.sections = append(d.sections, s)
	d.font("B", sizeBody)
	d.f.Bookmark(paper.Printable(bookmark), 0, -1)
}

// end closes the section begun last.
func (d *doc) end() { d.sections[len(d.sections)-1].last = d.f.PageNo() }

func (d *doc) font(style string, size float64) { d.f.SetFont(paper.Family, style, size) }

func (d *doc) ink(r, g, b int) { d.f.SetTextColor(r, g, b) }

func (d *doc) black() { d.f.SetTextColor(0, 0, 0) }

// ensure starts a new page when less than h mm are left above the footer.
func (d *doc) ensure(h float64) {
	if d.f.GetY()+h > bodyBottom {
		d.f.AddPage()
	}
}

// text writes s wrapped over the width from x to the right margin, a line
// at a time so that a page break can fall between any two lines.
func (d *doc) text(s string, style string, size, indent float64) {
	d.font(style, size)
	lh := lineH(size)
	x := margin + indent
	for _, l := range paper.Wrap(d.f, s, contentW-indent) {
		d.ensure(lh)
		d.f.SetX(x)
		d.f.CellFormat(contentW-indent, lh, l, "", 1, "L", false, 0, "")
	}
}

// bullet writes s as an item of a list, with a hanging indent.
func (d *doc) bullet(s string, style string, size float64) {
	d.font(style, size)
	lh := lineH(size)
	for i, l := range paper.Wrap(d.f, s, contentW-5) {
		d.ensure(lh)
		if i == 0 {
			d.f.SetX(margin + 1)
			d.f.CellFormat(4, lh, "•", "", 0, "L", false, 0, "")
		}
		d.f.SetX(margin + 5)
		d.f.CellFormat(contentW-5, lh, l, "", 1, "L", false, 0, "")
	}
}

// banner writes s in a box across the page: filled when fill is set (white
// text on the colour), otherwise framed in the colour with text in it.
func (d *doc) banner(s string, size float64, rgb [3]int, fill bool) {
	d.font("B", size)
	lh := lineH(size)
	lines := paper.Wrap(d.f, s, contentW-4)
	h := float64(len(lines))*lh + 3
	d.ensure(h + 2)
	y := d.f.GetY() + 1
	d.f.SetLineWidth(0.8)
	d.f.SetDrawColor(rgb[0], rgb[1], rgb[2])
	if fill {
		d.f.SetFillColor(rgb[0], rgb[1], rgb[2])
		d.f.Rect(margin, y, contentW, h, "FD")
		d.ink(255, 255, 255)
	} else {
		d.f.Rect(margin, y, contentW, h, "D")
		d.ink(rgb[0], rgb[1], rgb[2])
	}
	d.f.SetY(y + 1.5)
	for _, l := range lines {
		d.f.SetX(margin + 2)
		d.f.CellFormat(contentW-4, lh, l, "", 1, "L", false, 0, "")
	}
	d.f.SetY(y + h + 2)
	d.f.SetLineWidth(0.2)
	d.f.SetDrawColor(0, 0, 0)
	d.black()
}

// heading is a section title with a rule under it, kept on the page with
// room for two lines after it.
func (d *doc) heading(s string) {
	lh := lineH(sizeTitle)
	d.ensure(lh + 5 + 2*lineH(sizeBody))
	d.f.Ln(3)
	d.text(s, "B", sizeTitle, 0)
	y := d.f.GetY()
	d.f.SetLineWidth(0.3)
	d.f.Line(margin, y, margin+contentW, y)
	d.f.SetLineWidth(0.2)
	d.f.Ln(1)
}

// byWard groups census patients by ward, keeping their order.
func byWard(ps []Patient) [][]Patient {
	var keys []string
	groups := map[string][]Patient{}
	for _, p := range ps {
		k := p.Chart.Patient.Ward
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	out := make([][]Patient, 0, len(keys))
	for _, k := range keys {
		out = append(out, groups[k])
	}
	return out
}

// decorate draws the running header and footer on every page, now that
// each section's length is known.
func (d *doc) decorate() {
	f := d.f
	fresh := present.Freshness(d.p.Manifest, d.p.Printed)
	printed := i18n.F("printed %s", present.DateTime(d.p.Printed))
	if by := strings.TrimSpace(d.p.PrintedBy); by != "" {
		printed = i18n.F("printed %s by %s", present.DateTime(d.p.Printed), by)
	}
	next := 0 // the sections follow one another, from the first page to the last
	paper.Frame(f, func(page, total int) {
		for next < len(d.sections)-1 && d.sections[next+1].first <= page {
			next++
		}
		s := d.sections[next]
		f.SetLineWidth(0.2)
		f.SetDrawColor(0, 0, 0)
		f.SetFillColor(225, 225, 225)
		d.black()

		textW := contentW
		if s.qr != nil {
			textW = contentW - qrSize - 4
			paper.DrawQR(f, s.qr, pageW-margin-qrSize, 6, qrSize)
		}
		f.SetXY(margin, 6)
		f.CellFormat(textW, 7, paper.Fit(f, fresh, "B", 10.5, leastHeader, textW-2), "", 0, "L", true, 0, "")
		f.SetXY(margin, 14)
		f.CellFormat(textW, 7, paper.Fit(f, s.title, "B", 13, leastHeader, textW-2), "", 0, "L", false, 0, "")
		f.SetXY(margin, 21.5)
		f.CellFormat(textW, 6, paper.Fit(f, s.subtitle, "", sizeBody, leastHeader, textW-2), "", 0, "L", false, 0, "")
		f.SetLineWidth(0.4)
		paper.Rule(f, 30.5)
		paper.Rule(f, bodyBottom+2)
		f.SetLineWidth(0.2)

		pw := paper.PageNumber(f, i18n.F("page %d of %d", page-s.first+1, s.last-s.first+1), 11, bodyBottom+3.5, 5.5)
		ident := i18n.F("Snapshot generation %d, %s", d.p.Manifest.Generation, hashPrefix(d.p.Manifest.CipherSHA256))
		if s.code != "" {
			ident = i18n.F("Pack code %s", s.code)
		}
		d.ink(60, 60, 60)
		f.SetXY(margin, bodyBottom+3.5)
		f.CellFormat(contentW-pw, 5, paper.Fit(f, ident+" · "+printed, "", sizeSmall, leastHeader, contentW-pw-2), "", 0, "L", false, 0, "")
		if len(d.sections) > 1 {
			f.SetXY(margin, bodyBottom+8.5)
			f.CellFormat(contentW, 5, paper.Printable(i18n.F("Lifeboat downtime pack · sheet %d of %d of this print", page, total)), "", 0, "L", false, 0, "")
		}
		d.black()
	})
}

func hashPrefix(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// activeIsolation is the chart's isolation alerts, active ones only.
func activeIsolation(c *clinical.Chart) []string {
	var out []string
	for _, a := range c.Alerts.Items {
		if a.Kind == clinical.AlertIsolation && (a.Status == "" || a.Status == "active") {
			out = append(out, a.Text)
		}
	}
	return out
}

// recentNotes is how many notes a patient's pages print, newest first.
const recentNotes = 5

// forPaper is the chart as its summary is printed: the current orders
// (active or on hold) without the stopped and completed ones, unless
// there are only those, and the newest notes. It also says how many orders
// and notes were left out, for the page to say so.
func forPaper(c *clinical.Chart) (paper *clinical.Chart, ordersLeft, notesLeft int) {
	cp := *c
	var current, reported []clinical.Medication
	orders := 0
	for _, m := range c.Medications.Items {
		switch {
		case m.Reported(): // every one the chart keeps is printed
			reported = append(reported, m)
		case m.Status == "active" || m.Status == "on-hold":
			current = append(current, m)
			fallthrough
		default:
			orders++
		}
	}
	if len(current) > 0 && len(current) < orders {
		cp.Medications.Items = slices.Concat(current, reported)
		ordersLeft = orders - len(current)
	}
	if len(c.Notes.Items) > recentNotes {
		ns := slices.Clone(c.Notes.Items)
		slices.SortStableFunc(ns, func(a, b clinical.Note) int { return b.Time.Compare(a.Time) })
		cp.Notes.Items = ns[:recentNotes]
		notesLeft = len(ns) - recentNotes
	}
	return &cp, ordersLeft, notesLeft
}

// AuditRecords are the audit records of a written pack, without time and
// actor: one per patient printed and one per census section, each saying
// which pages, so that a sheet found later can be traced.
func AuditRecords(p Pack, res Result) []store.AuditRecord {
	var out []store.AuditRecord
	for _, s := range res.Sections {
		pages := fmt.Sprintf("pages %d-%d of %d", s.First, s.Last, res.Pages)
		r := store.AuditRecord{Action: store.AuditPrint, Subject: s.PatientID,
			Details: fmt.Sprintf("downtime pack, generation %d, %s", p.Manifest.Generation, pages)}
		if s.PatientID == "" {
			r.Details = fmt.Sprintf("census of ward %s, generation %d, %s", s.Ward, p.Manifest.Generation, pages)
		}
		out = append(out, r)
	}
	return out
}
