package pack

import (
	"fmt"
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Colours of the banners: red for allergies, black for code status (they
// stay distinct on a black-and-white printer), dark red for warnings.
var (
	red     = [3]int{190, 0, 0}
	black   = [3]int{0, 0, 0}
	darkRed = [3]int{150, 0, 0}
)

// patient writes one patient's section: the summary from a new page, then
// the MAR from another.
func (d *doc) patient(pt Patient) error {
	c := pt.Chart
	if c == nil {
		return fmt.Errorf("a patient of the pack has no chart")
	}
	p := c.Patient
	h := present.PatientHeader(p, d.p.Printed)
	code := present.PackCode(p.ID, d.p.Manifest.CipherSHA256)
	qr, err := paper.QR(code)
	if err != nil {
		return fmt.Errorf("making the pack code's QR code: %w", err)
	}
	s := &section{patientID: p.ID, title: h.Name, subtitle: identity(p, h), code: code, qr: qr}
	bookmark := h.Name
	if p.Bed != "" {
		bookmark += " (" + i18n.F("bed %s", p.Bed) + ")"
	}
	d.begin(s, bookmark)
	// Every later page of the patient (the summary's too) carries the
	// same banners at its top: a sheet taken out of the folder still warns.
	d.f.SetHeaderFunc(func() {
		d.f.SetY(bodyTop)
		d.banners(pt, sizeBody, false)
		d.f.Ln(1)
	})
	d.summary(pt, h)
	d.mar(pt)
	d.vitalsChart(pt)
	d.f.SetHeaderFunc(nil)
	d.end()
	return nil
}

// banners draws the code-status and allergy banners, then any allergy
// recorded during downtime, as page 1 does; page 1 (first) also says
// where the patient went during downtime.
func (d *doc) banners(pt Patient, size float64, first bool) {
	c := pt.Chart
	stated := present.WithDowntimeCodeStatus(c, pt.Downtime) // a code status stated during downtime is the newest
	codeColour, codeFill := resusInk(stated.Resuscitation())
	d.banner(present.CodeStatus(stated), size, codeColour, codeFill)
	d.banner(present.AllergyBanner(c), size, red, len(present.ActiveAllergies(c)) > 0)
	alerts := present.AllergyAlerts(pt.Downtime)
	if first {
		alerts = present.DowntimeAlerts(pt.Downtime)
	}
	for _, a := range alerts {
		d.banner(a, size, red, true)
	}
}

// identity is the running header's second line: born, sex and MRN, then
// where the patient lies.
func identity(p clinical.Patient, h present.Header) string {
	parts := []string{}
	if len(h.Lines) > 0 {
		parts = append(parts, h.Lines[0])
	}
	if p.Bed != "" {
		parts = append(parts, i18n.F("bed %s", p.Bed))
	} else if p.Room != "" {
		parts = append(parts, p.Room)
	}
	return strings.Join(parts, " · ")
}

// summary is the chart as the window shows it: header, banners, alerts,
// the directives and whom to call, then the sections, then the rest of
// the record.
func (d *doc) summary(pt Patient, h present.Header) {
	c := pt.Chart
	// The name and the first line of the header (born, sex, MRN) head
	// every page already.
	if h.Deceased != "" {
		d.ink(darkRed[0], darkRed[1], darkRed[2])
		d.text(h.Deceased, "B", sizeTitle, 0)
		d.black()
	}
	for _, l := range h.Lines[1:] {
		d.text(l, "", 10.5, 0)
	}
	d.f.Ln(1)

	d.banners(pt, sizeTitle, true)
	if d.p.Warning != "" {
		d.ink(darkRed[0], darkRed[1], darkRed[2])
		d.text(d.p.Warning, "B", sizeBody, 0)
		d.black()
	}
	for _, a := range present.Alerts(c) {
		d.text(a, "B", 10.5, 0)
	}
	// What was decided and whom to call, beside the code status and the
	// allergies: what a covering nurse obeys and calls.
	record := present.RecordOf(c, d.asOf)
	for _, s := range record.FirstPage() {
		d.section(s)
	}

	if d.p.JournalUnreadable {
		d.section(present.Section{Title: i18n.T(present.DowntimeTitle), Warning: i18n.T(present.JournalUnreadable)})
	} else if len(pt.Downtime) > 0 {
		d.section(present.DowntimeEntries(store.ForPatient(pt.Downtime, c.Patient.ID)))
	}
	// present.Sections begins with the medications and ends with the
	// notes; what the paper leaves out of them is said there.
	paper, ordersLeft, notesLeft := forPaper(c)
	sections := present.Sections(paper, d.asOf)
	for i, s := range sections {
		d.section(s)
		switch {
		case i == 0 && ordersLeft > 0:
			d.text(leftOut(ordersLeft, "1 stopped or completed order is not printed: see the kiosk.",
				"%d stopped or completed orders are not printed: see the kiosk."), "", sizeBody, 5)
		case i == len(sections)-1 && notesLeft > 0:
			d.text(leftOut(notesLeft, "1 older note is not printed: see the kiosk.",
				"%d older notes are not printed: see the kiosk."), "", sizeBody, 5)
		}
	}
	d.restOfRecord(record.Rest())
}

// restOfRecord writes the rest of the record after the chart's sections:
// those with rows (or a warning) as any other section, then those with
// none a line each, their title in bold before what their emptiness
// means, so that a record that says little does not take a page to say so.
func (d *doc) restOfRecord(sections []present.Section) {
	var empty []present.Section
	for _, s := range sections {
		if len(s.Lines) == 0 && s.Warning == "" {
			empty = append(empty, s)
			continue
		}
		d.section(s)
	}
	if len(empty) == 0 {
		return
	}
	d.f.Ln(3)
	lh := lineH(sizeBody)
	for _, s := range empty {
		title := paper.Printable(strings.TrimSpace(i18n.F("%s: %s", s.Title, "")))
		d.font("B", sizeBody)
		w := d.f.GetStringWidth(title) + 2*d.f.GetCellMargin()
		d.font("", sizeBody)
		lines := paper.Wrap(d.f, s.Empty, contentW-w)
		d.ensure(lh * float64(len(lines)))
		d.f.SetX(margin)
		d.font("B", sizeBody)
		d.f.CellFormat(w, lh, title, "", 0, "L", false, 0, "")
		d.font("", sizeBody)
		for i, l := range lines {
			if i > 0 {
				d.f.SetX(margin + w)
			}
			d.f.CellFormat(contentW-w, lh, l, "", 1, "L", false, 0, "")
		}
	}
}

// section writes a part of the chart: its title, its warning, its lines
// or what their absence means.
func (d *doc) section(s present.Section) {
	d.heading(s.Title)
	if s.Warning != "" {
		d.ink(darkRed[0], darkRed[1], darkRed[2])
		d.text(s.Warning, "B", sizeBody, 0)
		d.black()
	}
	if len(s.Lines) == 0 && s.Empty != "" {
		d.text(s.Empty, "", sizeBody, 1)
	}
	for i, l := range s.Lines {
		if i < len(s.Marked) && s.Marked[i] {
			d.ink(darkRed[0], darkRed[1], darkRed[2])
			d.bullet(l, "B", sizeBody)
			d.black()
			continue
		}
		d.bullet(l, "", sizeBody)
	}
}

func leftOut(n int, one, many string) string {
	if n == 1 {
		return i18n.T(one)
	}
	return i18n.F(many, n)

}

// resusInk is the code status banner's colour, one per level, and whether
// it is filled (white text on the colour): every order restricting
// treatment is filled; DNR without a Belgian code stays black as before.
func resusInk(level string) (rgb [3]int, fill bool) {
	switch level {
	case clinical.ResusFullCode:
		return [3]int{27, 94, 32}, false // green
	case clinical.ResusDNR0:
		return [3]int{0, 105, 92}, false // teal
	case clinical.ResusDNR1:
		return [3]int{130, 100, 0}, true // dark yellow
	case clinical.ResusDNR2:
		return [3]int{191, 54, 12}, true // deep orange
	case clinical.ResusDNR3:
		return [3]int{106, 27, 154}, true // purple
	case clinical.ResusDNR:
		return black, true
	}
	return black, false
}
