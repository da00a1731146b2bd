package pack

import (
	"strings"
	"sync"

	"fyne.io/fyne/v2/theme"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// The pack prints in Noto Sans, the font the kiosk window shows (Fyne
// embeds it, so nothing is read from the workstation's disk). The PDF core
// fonts know only Windows-1252; names such as "Émile Vandenbroucke-Dehaené"
// and the units "×10⁹/L" need a Unicode font.
//
// fpdf has no font fallback: a character the font lacks would print as an
// empty box, so text is first passed through printable, which spells out
// the few symbols the wording uses that Noto Sans lacks ("≥" as ">=") and
// replaces anything else missing with "?".

const family = "Noto Sans"

func addFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(family, "", theme.DefaultTextFont().Content())
	f.AddUTF8FontFromBytes(family, "B", theme.DefaultTextBoldFont().Content())
}

// spelled are the characters Noto Sans lacks that the wording or the
// records use, as they are best written without them.
var spelled = map[rune]string{
	'≥': ">=", '≤': "<=", '→': "->", '←': "<-", '↑': "^", '↓': "v", '≈': "~", '≠': "!=",
	'✓': "v", '✔': "v", '✗': "x", '☐': "[ ]", '□': "[ ]", '■': "#", '●': "*", '▶': ">", '⚠': "!",
	'\t': " ", '\u00a0': " ",
}

var (
	coverOnce sync.Once
	covered   []bool // by rune, for the Basic Multilingual Plane: in both fonts
)

// loadCoverage records which characters both the regular and the bold font
// can draw.
func loadCoverage() {
	covered = make([]bool, 0x10000)
	fonts := make([]*sfnt.Font, 0, 2)
	for _, b := range [][]byte{theme.DefaultTextFont().Content(), theme.DefaultTextBoldFont().Content()} {
		ft, err := sfnt.Parse(b)
		if err != nil {
			// Without the font's table nothing can be known: keep ASCII.
			for r := 0x20; r < 0x7f; r++ {
				covered[r] = true
			}
			return
		}
		fonts = append(fonts, ft)
	}
	var buf sfnt.Buffer
	for r := 0x20; r < 0x10000; r++ {
		ok := true
		for _, ft := range fonts {
			if g, err := ft.GlyphIndex(&buf, rune(r)); err != nil || g == 0 {
				ok = false
				break
			}
		}
		covered[r] = ok
	}
}

// printable is s as the fonts can print it.
func printable(s string) string {
	coverOnce.Do(loadCoverage)
	clean := true
	for _, r := range s {
		if r >= 0x10000 || !covered[r] {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r < 0x10000 && covered[r]:
			b.WriteRune(r)
		case spelled[r] != "":
			b.WriteString(spelled[r])
		case r == '\r' || r == '\u200b' || r == '\ufeff':
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
