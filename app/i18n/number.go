package i18n

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// Num is x as the window and the printed pack write a number in the
// language in use: the shortest digits that read back as x, with a
// decimal point in English and a decimal comma in Dutch and French
// (Belgian usage: 37,5 and 0,5 mg). There is never a thousands separator:
// 1500 is 1500.
func Num(x float64) string { return Fixed(x, -1) }

// Fixed is Num with that many decimals (-1: as many as x needs).
func Fixed(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if l := Current(); l == Dutch || l == French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// The reasons ParseNumber refuses a text.
var (
	// ErrNotNumber: not digits with at most one decimal comma or point.
	ErrNotNumber = errors.New("not a number")
	// ErrThousands: digits, a comma or point, then exactly three digits,
	// as "1,000" or "2.500": a decimal in Belgian usage, a thousands
	// separator in English usage (and "1.000" a thousand in Belgian
	// usage). Which one the nurse meant cannot be known, so it is asked
	// again, never guessed.
	ErrThousands = errors.New("a comma or point before three digits may separate thousands")
)

// ParseNumber reads a number typed in a form, in any language, with a
// decimal comma or point: "37,5" and "37.5" are both 37.5, "0,125" is
// 0.125. It refuses what it could misread: two separators ("1.000,5"),
// spaces inside ("1 000"), letters ("1e3", "NaN"), a sign, and one
// separator followed by exactly three digits after a whole part that is
// not 0 ("1,000", "12.500": ErrThousands).
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	whole, frac, sep := s, "", false
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		whole, frac, sep = s[:i], s[i+1:], true
	}
	digits := func(t string) bool {
		for _, r := range t {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if !digits(whole) || !digits(frac) || whole+frac == "" {
		return 0, ErrNotNumber
	}
	if sep && len(frac) == 3 && strings.Trim(whole, "0") != "" {
		return 0, ErrThousands
	}
	x, err := strconv.ParseFloat(cmpOr(whole, "0")+"."+cmpOr(frac, "0"), 64)
	if err != nil {
		return 0, ErrNotNumber
	}
	return x, nil
}

func cmpOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// decimalInText is a decimal number written with a point inside a text,
// neither part of a longer dotted number (a date such as 26.11.2026, a
// version) nor of a word.
var decimalInText = regexp.MustCompile(`(^|[^\p{L}\p{N}.,])(\d+)\.(\d+)($|[^\p{L}\p{N}.,])`)

// Decimals is a text made of the source's numbers ("0.5 mg", "7.2",
// "125 mL/h") with its decimal points as the language in use writes them:
// "0,5 mg" in Dutch and French. Dotted dates, versions and words are left
// as they are.
func Decimals(s string) string {
	if l := Current(); l != Dutch && l != French {
		return s
	}
	// Twice: neighbouring matches share the character between them.
	for range 2 {
		s = decimalInText.ReplaceAllString(s, "${1}${2},${3}${4}")
	}
	return s
}
