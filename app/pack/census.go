package pack

import (
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
)

// The census: one table of a ward, a row per patient, with what a nurse
// taking over the ward on paper must know of each before anything else.

type censusColumn struct {
	head  string
	width float64
}

var censusColumns = []censusColumn{
	{"Bed", 15}, {"Name, MRN", 40}, {"Age, sex", 16}, {"Allergies", 39},
	{"Code status", 28}, {"Isolation", 20}, {"Next dose due", 28},
}

// census writes one ward's census as a section of its own.
func (d *doc) census(ward []Patient) {
	first := ward[0].Chart.Patient
	name := first.WardName
	if name == "" && first.Ward != "" {
		name = i18n.F("Ward %s", first.Ward)
	}
	if name == "" {
		name = i18n.T("ward not recorded")
	}
	subtitle := i18n.F("%d patients · snapshot generation %d", len(ward), d.p.Manifest.Generation)
	if len(ward) == 1 {
		subtitle = i18n.F("%d patient · snapshot generation %d", len(ward), d.p.Manifest.Generation)
	}
	s := &section{ward: first.Ward, title: i18n.F("Ward census – %s", name), subtitle: subtitle}
	d.begin(s, s.title)
	if d.p.Warning != "" {
		d.ink(darkRed[0], darkRed[1], darkRed[2])
		d.text(d.p.Warning, "B", sizeBody, 0)
		d.black()
	}
	if d.p.JournalUnreadable {
		d.ink(darkRed[0], darkRed[1], darkRed[2])
		d.text(i18n.T(present.JournalUnreadable), "B", sizeBody, 0)
		d.black()
	}
	d.f.Ln(1.5)
	d.censusHeader()
	for i, p := range ward {
		d.censusRow(p, i%2 == 1)
	}
	d.end()
}

func (d *doc) censusHeader() {
	f := d.f
	d.font("B", sizeBody)
	f.SetFillColor(225, 225, 225)
	f.SetX(margin)
	for _, c := range censusColumns {
		f.CellFormat(c.width, 7, paper.Fit(f, i18n.T(c.head), "B", sizeBody, leastHeader, c.width-1), "1", 0, "L", true, 0, "")
	}
	f.Ln(7)
}

// cell is one census cell's lines, bold or not, in a colour.
type cell struct {
	text  string
	bold  bool
	alarm bool // printed in red
	sub   string
}

func (d *doc) censusRow(pt Patient, shade bool) {
	f := d.f
	c := pt.Chart
	p := c.Patient
	from := d.asOf
	age := present.Sex(p.Sex)
	if a := present.AgeYears(p.BirthDate, d.p.Printed); a >= 0 {
		age += i18n.F(" %d y", a)
	}
	mrn := p.MRN()
	if mrn == "" {
		mrn = i18n.T("not recorded")
	}
	isolation := strings.Join(activeIsolation(c), "; ")
	if isolation == "" {
		isolation = "–"
	}
	bed := p.Bed
	if bed == "" {
		bed = "–"
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = i18n.T("Name not recorded")
	}
	cells := []cell{
		{text: bed, bold: true},
		{text: name, bold: true, sub: present.MRN(mrn)},
		{text: age},
		{text: strings.TrimPrefix(present.AllergyBanner(c), present.AllergiesPrefix()), bold: true, alarm: len(present.ActiveAllergies(c)) > 0},
		{text: strings.TrimPrefix(present.CodeStatus(c), present.CodeStatusPrefix()), bold: c.DNR()},

		{text: isolation, bold: isolation != "–"},
		{text: present.NextDueLine(c, pt.Downtime, from, from.Add(present.PackMARWindow))},
	}
	lh := lineH(sizeBody)
	wrapped := make([][]string, len(cells))
	subs := make([][]string, len(cells))
	lines := 1
	for i, cl := range cells {
		w := censusColumns[i].width - 2
		d.font(paper.Style(cl.bold), sizeBody)
		wrapped[i] = paper.Wrap(d.f, cl.text, w)
		if cl.sub != "" {
			d.font("", sizeBody)
			subs[i] = paper.Wrap(d.f, cl.sub, w)
		}
		lines = max(lines, len(wrapped[i])+len(subs[i]))
	}
	h := float64(lines)*lh + 2
	if f.GetY()+h > bodyBottom {
		f.AddPage()
		d.censusHeader()
	}
	y := f.GetY()
	x := margin
	f.SetFillColor(242, 242, 242)
	for i, cl := range cells {
		w := censusColumns[i].width
		styleStr := "D"
		if shade {
			styleStr = "FD"
		}
		f.Rect(x, y, w, h, styleStr)
		f.SetXY(x, y+1)
		d.font(paper.Style(cl.bold), sizeBody)
		if cl.alarm {
			d.ink(red[0], red[1], red[2])
		}
		for _, l := range wrapped[i] {
			f.SetX(x)
			f.CellFormat(w, lh, l, "", 1, "L", false, 0, "")
		}
		d.black()
		d.font("", sizeBody)
		for _, l := range subs[i] {
			f.SetX(x)
			f.CellFormat(w, lh, l, "", 1, "L", false, 0, "")
		}
		x += w
	}
	f.SetXY(margin, y+h)
}
