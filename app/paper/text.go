package paper

import (
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// Wrap splits s, made Printable, into lines that fit width w (mm, cell
// margins included) in f's current font. Line breaks in s are kept. Lines
// break after spaces, and after a hyphen, a slash or an underscore between
// words ("Vandenbroucke-|Dehaené", "Piperacillin/|tazobactam") but not
// inside a date or a number; inside a word only when the word alone is
// wider than the line.
func Wrap(f *fpdf.Fpdf, s string, w float64) []string {
	w -= 2 * f.GetCellMargin()
	var out []string
	for _, para := range strings.Split(Printable(s), "\n") {
		line := ""
		for _, word := range words(para) {
			if f.GetStringWidth(strings.TrimRight(line+word, " ")) <= w {
				line += word
				continue
			}
			if strings.TrimSpace(line) != "" {
				out = append(out, strings.TrimRight(line, " "))
			}
			// A word wider than the line goes a rune at a time.
			for f.GetStringWidth(strings.TrimRight(word, " ")) > w {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && f.GetStringWidth(string(r[:n])) > w {
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

// words splits s after each space, and after a hyphen, a slash or an
// underscore that is followed by a letter (not inside a date or a number),
// keeping them.
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

// Fit sets f's font for one line and returns s, made Printable, as it fits
// width w (mm): in size (points) when it fits, otherwise in a smaller type,
// half a point at a time down to least, and cut short with "…" only beyond
// that: a name must not lose its end while it can be printed smaller. The
// font is left at the size used (f.GetFontSize).
func Fit(f *fpdf.Fpdf, s, style string, size, least, w float64) string {
	s = Printable(s)
	for ; size > least; size -= 0.5 {
		f.SetFont(Family, style, size)
		if f.GetStringWidth(s) <= w {
			return s
		}
	}
	f.SetFont(Family, style, least)
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}
