// Package paper is what every PDF Lifeboat prints has in common: the
// downtime packs and registration labels (app/pack) and the reconciliation
// report (app/reportpdf) are drawn with it, and keep only their own layout
// and wording.
//
//   - The fonts (AddFonts, Family): Noto Sans, as the kiosk window shows it.
//   - Text as the fonts can print it (Printable): characters the font lacks
//     are spelled out ("≥" as ">=") or printed as "?", never dropped.
//   - Wrapping text to a width (Wrap) and fitting one line to a width in a
//     smaller type, cut short only beyond that (Fit).
//   - Line height (LineHeight), and the running header and footer drawn on
//     every page once the number of pages is known (Frame, Rule,
//     PageNumber).
//   - QR codes drawn as vector modules (QR, DrawQR).
//
// Every document is in millimetres; type sizes are in points.
package paper

import (
	"time"

	"codeberg.org/go-pdf/fpdf"
	"fyne.io/fyne/v2/theme"
)

// Family is the font family every document prints in, regular ("") and
// bold ("B"): Noto Sans, the font the kiosk window shows. Fyne embeds it,
// so nothing is read from the workstation's disk. The PDF core fonts know
// only Windows-1252; names such as "Émile Vandenbroucke-Dehaené" and units
// such as "×10⁹/L" need a Unicode font.
const Family = "Noto Sans"

// AddFonts adds the regular and the bold font of Family to f.
func AddFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(Family, "", theme.DefaultTextFont().Content())
	f.AddUTF8FontFromBytes(Family, "B", theme.DefaultTextBoldFont().Content())
}

// A4 starts an A4 portrait document in millimetres, compressed, with the
// fonts added, made by Lifeboat, with title as its title and created as
// its creation and modification date (none when zero).
func A4(title string, created time.Time) *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreator("Lifeboat", true)
	f.SetTitle(title, true)
	if !created.IsZero() {
		f.SetCreationDate(created)
		f.SetModificationDate(created)
	}
	f.SetCompression(true)
	AddFonts(f)
	return f
}

// Style is the font style for bold or regular text.
func Style(bold bool) string {
	if bold {
		return "B"
	}
	return ""
}

// mmPerPt is the size of a point in millimetres (25.4/72), rounded as the
// layouts were measured with it: the exact value moves rules by a hair.
const mmPerPt = 0.3528

// LineHeight is the height in millimetres of a line of text in a type size
// (points) with a leading: 1.2 is tight (a label), 1.25 a dense table,
// 1.28 a page read at the bedside.
func LineHeight(pt, leading float64) float64 { return pt * mmPerPt * leading }
