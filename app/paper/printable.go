package paper

import (
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"
)

// fpdf has no font fallback: a character the font lacks would print as an
// empty box, so text is first passed through Printable, which spells out
// the few symbols that the wording or the records use and Noto Sans lacks,
// and replaces anything else missing with "?".

// spelled are the characters Noto Sans lacks that the wording or the
// records use, as they are best written without them.
var spelled = map[rune]string{
	'≥': ">=", '≤': "<=", '→': "->", '←': "<-", '↑': "^", '↓': "v", '≈': "~", '≠': "!=",
	'✓': "v", '✔': "v", '✗': "x", '☐': "[ ]", '□': "[ ]", '■': "#", '●': "*", '▶': ">", '⚠': "!",
	'\t': " ", '\u00a0': " ",
}

var (
	coverOnce sync.Once
	covered   []bool // by rune, for the Basic Multilingual Plane
)

// loadCoverage records which characters both the regular and the bold font
// can draw, leaving out control and format characters, which draw nothing.
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
	for r := rune(0x20); r < 0x10000; r++ {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		ok := true
		for _, ft := range fonts {
			if g, err := ft.GlyphIndex(&buf, r); err != nil || g == 0 {
				ok = false
				break
			}
		}
		covered[r] = ok
	}
}

// Printable is s as the fonts can print it: line breaks are kept, the
// symbols of spelled are spelled out, carriage returns and invisible
// format characters (soft hyphen, zero-width space, byte order mark) are
// dropped, other control characters print as a space and any other
// character the fonts lack as "?".
func Printable(s string) string {
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
		case r == '\r' || unicode.Is(unicode.Cf, r):
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
