package reportpdf

import (
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2/theme"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// The report prints in Noto Sans, the font the kiosk window shows and the
// downtime packs print in (Fyne embeds it): the PDF core fonts know only
// Windows-1252, and names such as "Hélène Vandenbroucke-Dehaené" must print
// whole. fpdf has no font fallback, so text goes through printable first.

const family = "Noto Sans"

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

func addFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(family, "", theme.DefaultTextFont().Content())
	f.AddUTF8FontFromBytes(family, "B", theme.DefaultTextBoldFont().Content())
}

// spelled are characters the font lacks that records may hold, as they
// are best written without them; anything else missing prints as "?".
var spelled = map[rune]string{
	'≥': ">=", '≤': "<=", '→': "->", '←': "<-", '≠': "!=", '≈': "~", '✓': "v", '✔': "v", '✗': "x",
	'\t': " ", '\u00a0': " ",
}

var (
	glyphs struct {
		once  sync.Once
		mu    sync.Mutex
		fonts []*sfnt.Font
		buf   sfnt.Buffer
		known map[rune]bool
	}
)

// drawable says whether both the regular and the bold font have r.
func drawable(r rune) bool {
	if r >= 0x20 && r < 0x7f {
		return true
	}
	if r < 0x20 || r >= 0x10000 || !unicode.IsPrint(r) {
		return false
	}
	g := &glyphs
	g.once.Do(func() {
		g.known = map[rune]bool{}
		for _, b := range [][]byte{theme.DefaultTextFont().Content(), theme.DefaultTextBoldFont().Content()} {
			if ft, err := sfnt.Parse(b); err == nil {
				g.fonts = append(g.fonts, ft)
			}
		}
	})
	g.mu.Lock()
	defer g.mu.Unlock()
	if ok, seen := g.known[r]; seen {
		return ok
	}
	ok := len(g.fonts) == 2
	for _, ft := range g.fonts {
		if i, err := ft.GlyphIndex(&g.buf, r); err != nil || i == 0 {
			ok = false
		}
	}
	g.known[r] = ok
	return ok
}

// printable is s as the font can print it; line breaks are kept.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || drawable(r):
			b.WriteRune(r)
		case spelled[r] != "":
			b.WriteString(spelled[r])
		case r == '\r' || r == '\u200b' || r == '\ufeff' || r == '\u00ad':
		case r < 0x20:
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

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

// lineH is the height of a line of text in a size, in millimetres.
func lineH(pt float64) float64 { return pt * 0.3528 * 1.25 }

type doc struct {
	f      *fpdf.Fpdf
	header row  // the heading row of the table being drawn, repeated on each new page
	inTab  bool // a table is being drawn
}

func (d *doc) font(bold bool, pt float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.f.SetFont(family, style, pt)
}

func (d *doc) y() float64 { return d.f.GetY() }

// newPage starts a page and repeats the heading row of a table in progress.
func (d *doc) newPage() {
	d.f.AddPage()
	d.f.SetXY(margin, bodyTop)
	if d.inTab && d.header != nil {
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

// wrap splits s into lines that fit w millimetres in the current font,
// breaking after spaces, hyphens and slashes, and inside a word only when
// the word alone is wider than the line.
func (d *doc) wrap(s string, w float64) []string {
	w -= 2 * cellMargin
	var out []string
	for _, para := range strings.Split(printable(s), "\n") {
		line := ""
		for _, word := range words(para) {
			if d.f.GetStringWidth(strings.TrimRight(line+word, " ")) <= w {
				line += word
				continue
			}
			if strings.TrimSpace(line) != "" {
				out = append(out, strings.TrimRight(line, " "))
			}
			for d.f.GetStringWidth(strings.TrimRight(word, " ")) > w {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && d.f.GetStringWidth(string(r[:n])) > w {
					n--
				}
				out = append(out, string(r[:n]))
				word = string(r[n:])
			}
			line = word
		}
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// words splits s after each space, and after a hyphen or a slash that is
// followed by a letter (not inside a date or a number), keeping them.
func words(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i, r := range rs {
		brk := r == ' '
		if (r == '-' || r == '/' || r == '_') && i+1 < len(rs) && !unicode.IsDigit(rs[i+1]) && rs[i+1] != ' ' {
			brk = true
		}
		if brk {
			out = append(out, string(rs[start:i+1]))
			start = i + 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// layout wraps each cell of r and returns its lines and the row's height.
func (d *doc) layout(r row) ([][]string, float64) {
	lines := make([][]string, len(r))
	h := 0.0
	for i, c := range r {
		d.font(c.bold, c.pt())
		lines[i] = d.wrap(c.text, c.w)
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
	d.header, d.inTab = head, true
	d.draw(head, lines, h)
	for _, r := range rows {
		d.put(r)
	}
	d.header, d.inTab = nil, false
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
	d.f.Bookmark(printable(text), 0, -1)
	d.font(true, 12)
	d.f.SetX(margin)
	d.f.CellFormat(contentW, lineH(12)+1, printable(text), "", 1, "L", false, 0, "")
	d.f.SetY(d.y() + 1)
}

// para writes a paragraph across the page.
func (d *doc) para(text string, bold bool, pt float64) {
	d.font(bold, pt)
	for _, ln := range d.wrap(text, contentW+2*cellMargin) {
		d.need(lineH(pt))
		d.f.SetX(margin)
		d.f.CellFormat(contentW, lineH(pt), ln, "", 1, "L", false, 0, "")
	}
	d.f.SetY(d.y() + 1.5)
}

// fit sets the font for one line of the running header or footer and
// returns s as it fits width w: smaller (down to 6.5 pt), then cut short
// with "…".
func (d *doc) fit(s string, bold bool, pt, w float64) string {
	s = printable(s)
	for ; pt > 6.5; pt -= 0.5 {
		d.font(bold, pt)
		if d.f.GetStringWidth(s) <= w {
			return s
		}
	}
	d.font(bold, 6.5)
	r := []rune(s)
	for len(r) > 1 && d.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
