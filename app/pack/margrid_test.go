package pack

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
)

// An hour's cell stays shaded while fewer doses were given (G) or partly
// given (P) in it than are due: a dose held (H) or refused (R) is not a
// dose given, and one given of two due leaves one to give.
func TestAnHourStaysShadedUntilItsDosesAreGiven(t *testing.T) {
	at := asOf.Add(2 * time.Hour)
	mark := func(outcome string) store.JournalEntry {
		return dose("mr-para", "Paracetamol 1 g tablet", outcome, "", at)
	}
	G, P, H, R := mark(clinical.OutcomeGiven), mark(clinical.OutcomePartial), mark(clinical.OutcomeHeld), mark(clinical.OutcomeRefused)
	for _, c := range []struct {
		name  string
		due   int
		marks []store.JournalEntry
		want  bool
	}{
		{"due, nothing recorded", 1, nil, true},
		{"due, given", 1, []store.JournalEntry{G}, false},
		{"due, partly given", 1, []store.JournalEntry{P}, false},
		{"due, held", 1, []store.JournalEntry{H}, true},
		{"due, refused", 1, []store.JournalEntry{R}, true},
		{"due, held then given", 1, []store.JournalEntry{H, G}, false},
		{"two due, one given", 2, []store.JournalEntry{G}, true},
		{"two due, one given, one refused", 2, []store.JournalEntry{G, R}, true},
		{"two due, two given", 2, []store.JournalEntry{G, P}, false},
		{"none due, given", 0, []store.JournalEntry{G}, false},
		{"none due", 0, nil, false},
	} {
		if got := shaded(c.due, c.marks); got != c.want {
			t.Errorf("%s: shaded %v, want %v", c.name, got, c.want)
		}
	}
}

// On the printed page: the hour of a dose held stays shaded, the hour of
// a dose given is not.
func TestThePrintedMARShadesAHeldDosesHour(t *testing.T) {
	needPoppler(t)
	given := dose("mr-biso", "Bisoprolol 2.5 mg tablet", clinical.OutcomeGiven, "", asOf.Add(110*time.Minute))         // 08:05
	held := dose("mr-para", "Paracetamol 1 g tablet", clinical.OutcomeHeld, "nil by mouth", asOf.Add(355*time.Minute)) // 12:10
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed,
		Patients: []Patient{{Chart: emile(), Downtime: []store.JournalEntry{given, held}}}})
	ps := pages(t, path)
	title := squeeze(present.MARTitle(asOf, asOf.Add(present.PackMARWindow)))
	page := slices.IndexFunc(ps, func(p string) bool { return strings.Contains(squeeze(p), title) }) + 1
	if page == 0 {
		t.Fatal("no MAR page")
	}
	const dpi = 150
	img := renderPage(t, path, page, dpi)
	words := bboxWords(t, path, page)
	// cell is the grey of the hour cell under a mark ("H", "12:10").
	cell := func(letter, clock string) uint32 {
		t.Helper()
		for i := 0; i+1 < len(words); i++ {
			if words[i].text == letter && words[i+1].text == clock {
				x := (words[i].xMin + words[i+1].xMax) / 2
				y := words[i+1].yMax + 4 // 1.4 mm under the mark, inside the cell
				r, g, b, _ := img.At(int(x*dpi/72), int(y*dpi/72)).RGBA()
				return (r + g + b) / 3 >> 8
			}
		}
		t.Fatalf("no mark %s %s on the MAR page", letter, clock)
		return 0
	}
	if g := cell("H", "12:10"); g < 180 || g > 230 {
		t.Errorf("the hour of the held dose is not shaded: grey %d", g)
	}
	if g := cell("G", "08:05"); g < 245 {
		t.Errorf("the hour of the dose given is shaded: grey %d", g)
	}
}

type bboxWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

var bboxWordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// bboxWords are the words of one page with their boxes, in points.
func bboxWords(t *testing.T, path string, page int) []bboxWord {
	t.Helper()
	n := strconv.Itoa(page)
	out, err := exec.Command("pdftotext", "-bbox", "-f", n, "-l", n, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var words []bboxWord
	for _, m := range bboxWordRE.FindAllStringSubmatch(string(out), -1) {
		w := bboxWord{text: m[5]}
		for i, p := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
			*p, _ = strconv.ParseFloat(m[i+1], 64)
		}
		words = append(words, w)
	}
	return words
}
