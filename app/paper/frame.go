package paper

import "codeberg.org/go-pdf/fpdf"

// Frame draws the running header and footer: it calls draw on every page
// of f in turn, once the content is written and the number of pages is
// known (for "page X of Y"), with automatic page breaks off. The page's
// graphics state is whatever its content left: draw sets all it uses.
// The last page is the current one again afterwards.
func Frame(f *fpdf.Fpdf, draw func(page, total int)) {
	f.SetAutoPageBreak(false, 0)
	total := f.PageCount()
	for page := 1; page <= total; page++ {
		f.SetPage(page)
		draw(page, total)
	}
	f.SetPage(total)
}

// Rule draws a horizontal line at y from the left to the right margin, in
// the current line width and colour.
func Rule(f *fpdf.Fpdf, y float64) {
	pageW, _ := f.GetPageSize()
	left, _, right, _ := f.GetMargins()
	f.Line(left, y, pageW-right, y)
}

// PageNumber writes s ("page 2 of 3") in bold at size (points), right
// aligned against the right margin at y in a cell of height h, and returns
// the width it takes, for the rest of the footer to keep clear of it.
func PageNumber(f *fpdf.Fpdf, s string, size, y, h float64) float64 {
	s = Printable(s)
	pageW, _ := f.GetPageSize()
	_, _, right, _ := f.GetMargins()
	f.SetFont(Family, "B", size)
	w := f.GetStringWidth(s) + 3
	f.SetXY(pageW-right-w, y)
	f.CellFormat(w, h, s, "", 0, "R", false, 0, "")
	return w
}
