package i18n

import (
	"errors"
	"strings"
	"testing"
)

func TestNumInEachLanguage(t *testing.T) {
	t.Cleanup(func() { Set(English) })
	for _, c := range []struct {
		lang     Lang
		x        float64
		decimals int
		want     string
	}{
		{English, 37.5, -1, "37.5"}, {Dutch, 37.5, -1, "37,5"}, {French, 37.5, -1, "37,5"},
		{English, 0.5, -1, "0.5"}, {Dutch, 0.5, -1, "0,5"}, {French, 0.125, -1, "0,125"},
		{Dutch, 1500, -1, "1500"}, {French, 1500, -1, "1500"}, {English, 1500, -1, "1500"},
		{French, 38, 1, "38,0"}, {English, 38, 1, "38.0"}, {Dutch, 4.25, 0, "4"},
	} {
		Set(c.lang)
		if got := Fixed(c.x, c.decimals); got != c.want {
			t.Errorf("%s: %v with %d decimals reads %q, want %q", c.lang, c.x, c.decimals, got, c.want)
		}
		if c.decimals < 0 && Num(c.x) != c.want {
			t.Errorf("%s: Num(%v) = %q", c.lang, c.x, Num(c.x))
		}
	}
}

// TestParseNumberInAnyLanguage: a comma and a point are both decimal
// separators in every language, and what could be a thousands separator
// is refused, never read as 1 or as 1000.
func TestParseNumberInAnyLanguage(t *testing.T) {
	t.Cleanup(func() { Set(English) })
	for _, l := range Langs {
		Set(l)
		for in, want := range map[string]float64{"37,5": 37.5, "37.5": 37.5, " 0,5 ": 0.5, "0.5": 0.5, "500": 500,
			"0,125": 0.125, "0.125": 0.125, "1,25": 1.25, "1000": 1000, "12,5000": 12.5, ",5": 0.5, "5,": 5, "000,500": 0.5} {
			if got, err := ParseNumber(in); err != nil || got != want {
				t.Errorf("%s: %q reads %v, %v; want %v", l, in, got, err, want)
			}
		}
		for in, why := range map[string]error{"1,000": ErrThousands, "1.000": ErrThousands, "12,500": ErrThousands,
			"2.500": ErrThousands, "1.000,5": ErrNotNumber, "1,000.5": ErrNotNumber, "1 000": ErrNotNumber,
			"1e3": ErrNotNumber, "NaN": ErrNotNumber, "-1": ErrNotNumber, "+1": ErrNotNumber, "": ErrNotNumber,
			",": ErrNotNumber, "0x10": ErrNotNumber, "١٢": ErrNotNumber, "٣": ErrNotNumber, "Inf": ErrNotNumber,
			strings.Repeat("9", 400): ErrNotNumber, "1,5e3": ErrNotNumber, "5 ,5": ErrNotNumber} {
			if got, err := ParseNumber(in); !errors.Is(err, why) {
				t.Errorf("%s: %q reads %v, %v; want %v", l, in, got, err, why)
			}
		}
	}
}

func TestDecimalsInText(t *testing.T) {
	t.Cleanup(func() { Set(English) })
	for in, want := range map[string]string{"0.5 mg": "0,5 mg", "7.2": "7,2", "1000 mL IV at 62.5 mL/h": "1000 mL IV at 62,5 mL/h",
		"1.5 g, then 0.75 g": "1,5 g, then 0,75 g", "26.11.2026": "26.11.2026", "v1.2.3": "v1.2.3", "500 mg": "500 mg",
		"<0.5": "<0,5", "(2.5)": "(2,5)", "1.5/2.5": "1,5/2,5"} {
		Set(French)
		if got := Decimals(in); got != want {
			t.Errorf("French: %q reads %q, want %q", in, got, want)
		}
		Set(Dutch)
		if got := Decimals(in); got != want {
			t.Errorf("Dutch: %q reads %q, want %q", in, got, want)
		}
		Set(English)
		if got := Decimals(in); got != in {
			t.Errorf("English: %q reads %q", in, got)
		}
	}
}
