package reportpdf

import (
	"codeberg.org/go-pdf/fpdf"

	"lifeboat/app/paper"
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW      = 210.0
	pageH      = 297.0
	margin     = 15.0
	contentW   = pageW - 2*margin
	bodyTop    = 25.0  // below the running header
	bodyBottom = 279.0 // above the running footer
	cellMargin = 1.0   // left and right, inside a table cell
	cellPad    = 0.9   // top and bottom, inside a table cell
	sizeBody   = 9.0   // points
	sizeTable  = 8.0
	sizeSmall  = 7.5
)

// Shades of grey used as fills.
const (
	fillHead  = 215 // a table's heading row
	fillLabel = 238 // a label cell, a card's title
)

// cell is one cell of a table row: its width, its text (wrapped to the
// width), and how it looks.
type cell struct {
	w     float64
	text  string
	bold  bool
	size  float64 // points; 0 is sizeTable
	fill  int     // grey level of the background; 0 is none
	warn  bool    // a problem: dark red text on a pale red background
	muted bool    // secondary: grey text
	align string  // "L" (default), "C" or "R"
}

type row []cell

func (c cell) pt() float64 {
	if c.size == 0 {
		return sizeTable
	}
	return c.size
}

// lineH is the height of a line of text in a size, in millimetres: dense,
// for tables.
func lineH(pt float64) float64 { return paper.LineHeight(pt, 1.25) }

// leastFit is the smallest type a line of the running header or footer
// shrinks to before it is cut short (paper.Fit).
const leastFit = 6.5

// doc draws the report's tables, headings and paragraphs on f.
type doc struct {
	f      *fpdf.Fpdf
	header row // the heading row of the table being drawn, repeated on each new page; nil between tables
}

func (d *doc) font(bold bool, pt float64) { d.f.SetFont(paper.Family, paper.Style(bold), pt) }

func (d *doc) y() float64 { return d.f.GetY() }

// newPage starts a page and repeats the heading row of a table in progress.
func (d *doc) newPage() {
	d.f.AddPage()
	d.f.SetXY(margin, bodyTop)
	if d.header != nil {
		lines, h := d.layout(d.header)
		d.draw(d.header, lines, h)
	}
}

// need starts a new page unless h millimetres are left on this one.
func (d *doc) need(h float64) {
	if d.y()+h > bodyBottom {
		d.newPage()
	}
}

// layout wraps each cell of r and returns its lines and the row's height.
func (d *doc) layout(r row) ([][]string, float64) {
	lines := make([][]string, len(r))
	h := 0.0
	for i, c := range r {
		d.font(c.bold, c.pt())
		lines[i] = paper.Wrap(d.f, c.text, c.w)
		h = max(h, float64(len(lines[i]))*lineH(c.pt())+2*cellPad)
	}
	return lines, h
}

// draw draws a row of height h at the current position and moves below it.
func (d *doc) draw(r row, lines [][]string, h float64) {
	f := d.f
	x, y := margin, d.y()
	f.SetLineWidth(0.15)
	f.SetDrawColor(150, 150, 150)
	for i, c := range r {
		switch {
		case c.warn:
			f.SetFillColor(250, 228, 228)
			f.Rect(x, y, c.w, h, "F")
		case c.fill > 0:
			f.SetFillColor(c.fill, c.fill, c.fill)
			f.Rect(x, y, c.w, h, "F")
		}
		f.Rect(x, y, c.w, h, "D")
		d.font(c.bold, c.pt())
		switch {
		case c.warn:
			f.SetTextColor(150, 0, 0)
		case c.muted:
			f.SetTextColor(90, 90, 90)
		default:
			f.SetTextColor(0, 0, 0)
		}
		align := c.align
		if align == "" {
			align = "L"
		}
		lh := lineH(c.pt())
		for j, ln := range lines[i] {
			f.SetXY(x, y+cellPad+float64(j)*lh)
			f.CellFormat(c.w, lh, ln, "", 0, align, false, 0, "")
		}
		x += c.w
	}
	f.SetTextColor(0, 0, 0)
	f.SetXY(margin, y+h)
}

// put draws a row, on a new page if it does not fit on this one; a row
// taller than a page is split between pages, line by line.
func (d *doc) put(r row) {
	lines, h := d.layout(r)
	room := bodyBottom - bodyTop - 12 // a page less a repeated heading row
	if d.y()+h > bodyBottom && (h <= room || bodyBottom-d.y() < 30) {
		d.newPage()
	}
	for d.y()+h > bodyBottom {
		avail := bodyBottom - d.y()
		part, rest := make([][]string, len(r)), make([][]string, len(r))
		left := 0.0
		for i, c := range r {
			n := min(max(int((avail-2*cellPad)/lineH(c.pt())), 0), len(lines[i]))
			part[i], rest[i] = lines[i][:n], lines[i][n:]
			left = max(left, float64(len(rest[i]))*lineH(c.pt())+2*cellPad)
		}
		d.draw(r, part, avail)
		d.newPage()
		lines, h = rest, left
	}
	d.draw(r, lines, h)
}

// table draws a heading row and rows under it; the heading is repeated on
// every page the table runs onto.
func (d *doc) table(head row, rows []row) {
	lines, h := d.layout(head)
	keep := h // the heading goes with the start of its first row
	if len(rows) > 0 {
		_, first := d.layout(rows[0])
		keep += min(first, 30)
	}
	d.need(keep)
	d.header = head
	d.draw(head, lines, h)
	for _, r := range rows {
		d.put(r)
	}
	d.header = nil
}

// block draws rows kept together on one page when they fit on one.
func (d *doc) block(rows []row) {
	total := 0.0
	for _, r := range rows {
		_, h := d.layout(r)
		total += h
	}
	if d.y()+total > bodyBottom && total <= bodyBottom-bodyTop {
		d.newPage()
	}
	for _, r := range rows {
		d.put(r)
	}
}

// heading starts a section, with room for its first lines under it.
func (d *doc) heading(text string) {
	d.need(lineH(12) + 22)
	if d.y() > bodyTop+0.1 {
		d.f.SetY(d.y() + 5)
	}
	d.f.Bookmark(paper.Printable(text), 0, -1)
	d.font(true, 12)
	d.f.SetX(margin)
	d.f.CellFormat(contentW, lineH(12)+1, paper.Printable(text), "", 1, "L", false, 0, "")
	d.f.SetY(d.y() + 1)
}

// para writes a paragraph across the page.
func (d *doc) para(text string, bold bool, pt float64) {
	d.font(bold, pt)
	for _, ln := range paper.Wrap(d.f, text, contentW+2*cellMargin) {
		d.need(lineH(pt))
		d.f.SetX(margin)
		d.f.CellFormat(contentW, lineH(pt), ln, "", 1, "L", false, 0, "")
	}
	d.f.SetY(d.y() + 1.5)
}
