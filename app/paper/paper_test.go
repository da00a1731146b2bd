package paper

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTextTheFontCannotDrawIsSpelledOutNotDropped(t *testing.T) {
	for _, c := range [][2]string{
		{"K ≥ 3.5 → ok ☺ 𝄞", "K >= 3.5 -> ok ? ?"},
		{"Émile Vandenbroucke-Dehaené · 37 °C · ×10⁹/L – ok", "Émile Vandenbroucke-Dehaené · 37 °C · ×10⁹/L – ok"},
		{"Zoë, François, Noël, Müller-Ängström", "Zoë, François, Noël, Müller-Ängström"},
		{"SpO₂ ≥ 94 %\tok", "SpO₂ >= 94 % ok"},
		{"pain 🙂 less", "pain ? less"},
		{"line\r\nnext", "line\nnext"},
		{"Vanden\u00adbroucke\u200b\ufeff", "Vandenbroucke"}, // invisible: dropped
		{"bell\a here", "bell  here"},                        // a control character: a space
	} {
		if got := Printable(c[0]); got != c[1] {
			t.Errorf("Printable(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestLinesBreakBetweenWordsNotInsideDatesOrNumbers(t *testing.T) {
	got := words("Vandenbroucke-Dehaené Piperacillin/tazobactam on 2026-11-26 at -5 1/2 a_b")
	want := []string{"Vandenbroucke-", "Dehaené ", "Piperacillin/", "tazobactam ", "on ", "2026-11-26 ", "at ", "-5 ", "1/2 ", "a_", "b"}
	if !slices.Equal(got, want) {
		t.Errorf("words = %q, want %q", got, want)
	}
}

func TestWrapKeepsEveryWordAndFitsTheWidth(t *testing.T) {
	f := A4("test", testTime)
	f.AddPage()
	f.SetCellMargin(1)
	f.SetFont(Family, "", 10)
	s := "Vandenbroucke-Dehaené, Émile ≥ 3 tablets\nPiperacillin/tazobactam 4 g/0.5 g IV every 8 hours Supercalifragilisticexpialidocious"
	lines := Wrap(f, s, 30)
	for _, l := range lines {
		if w := f.GetStringWidth(l); w > 28 {
			t.Errorf("%q is %.1f mm wide, over 28", l, w)
		}
	}
	if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll(strings.ReplaceAll(Printable(s), "\n", ""), " ", ""); got != want {
		t.Errorf("the lines hold %q, want %q", got, want)
	}
}

func TestFitShrinksBeforeItCuts(t *testing.T) {
	f := A4("test", testTime)
	f.AddPage()
	name := "Vandenbroucke-Dehaené de Saint-Ghislain, Émile"
	if got := Fit(f, name, "B", 13, 7, 200); got != name {
		t.Errorf("a line that fits changed: %q", got)
	}
	if pt, _ := f.GetFontSize(); pt != 13 {
		t.Errorf("a line that fits is in %v pt", pt)
	}
	w := f.GetStringWidth(name) * 0.8
	if got := Fit(f, name, "B", 13, 7, w); got != name {
		t.Errorf("a line that fits in a smaller type was cut: %q", got)
	}
	if pt, _ := f.GetFontSize(); pt >= 13 || pt < 7 {
		t.Errorf("the smaller type is %v pt", pt)
	}
	got := Fit(f, name, "B", 13, 7, 30)
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(name, strings.TrimSuffix(got, "…")) || f.GetStringWidth(got) > 30 {
		t.Errorf("cut short as %q (%.1f mm)", got, f.GetStringWidth(got))
	}
}

func TestAQRCodeIsSquareWithItsFinderPatterns(t *testing.T) {
	m, err := QR("lb1:0123456789abcdef-pt-emile")
	if err != nil {
		t.Fatal(err)
	}
	n := len(m)
	if n < 21 || (n-17)%4 != 0 {
		t.Fatalf("%d modules a side", n)
	}
	for _, row := range m {
		if len(row) != n {
			t.Fatalf("a row of %d modules in a code of %d", len(row), n)
		}
	}
	// The top left finder pattern starts at the first module: no quiet zone.
	for i := range 7 {
		if !m[0][i] || !m[i][0] || !m[6][i] || !m[i][6] {
			t.Fatalf("no finder pattern at the top left corner")
		}
	}
	other, _ := QR("lb1:0123456789abcdef-pt-other")
	if slices.EqualFunc(m, other, slices.Equal) {
		t.Error("two payloads give the same modules")
	}
}

var testTime = time.Date(2026, 11, 26, 14, 5, 0, 0, time.UTC)
