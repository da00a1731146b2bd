package pack

import (
	"io"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lifeboat/app/paper"
	"lifeboat/internal/benchenv"
)

// BenchmarkWardPack40 writes the whole-ward pack of a 40-patient synthetic
// ward (census and every patient), beside two floors on as many pages, in
// the same loop so that all three meet the same load: fpdf writing one
// line on each page with the same Unicode fonts (the fixed cost of the
// fonts: parsing, subsetting, embedding), and with a core font (fpdf
// itself). The target is under 5 s on a 2-core machine.
func BenchmarkWardPack40(b *testing.B) {
	ps := patients(syntheticWard(b))
	p := Pack{Manifest: manifest(), Printed: printed, PrintedBy: "RN Hanne Verbruggen", Census: ps, Patients: ps}
	res, err := Write(io.Discard, p) // loads the fonts' coverage once
	if err != nil {
		b.Fatal(err)
	}
	var pack, fonts, core time.Duration
	iters := 0
	for ; b.Loop(); iters++ {
		start := time.Now()
		if _, err := Write(io.Discard, p); err != nil {
			b.Fatal(err)
		}
		pack += time.Since(start)
		start = time.Now()
		floor(b, res.Pages, true)
		fonts += time.Since(start)
		start = time.Now()
		floor(b, res.Pages, false)
		core += time.Since(start)
	}
	perMS := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(iters) }
	b.ReportMetric(perMS(pack), "pack-ms")
	b.ReportMetric(perMS(fonts), "floor-fonts-ms")
	b.ReportMetric(perMS(core), "floor-core-ms")
	b.ReportMetric(float64(pack)/float64(fonts), "ratio")
	b.ReportMetric(float64(res.Pages), "pages")
	benchenv.ReportLoad(b)
}

// floor writes pages pages of one line each.
func floor(b *testing.B, pages int, unicode bool) {
	f := fpdf.New("P", "mm", "A4", "")
	name := "Helvetica"
	if unicode {
		paper.AddFonts(f)
		name = paper.Family
	}
	for range pages {
		f.AddPage()
		f.SetFont(name, "B", 10)
		f.CellFormat(0, 5, "DOWNTIME – data as of 26/11/2026 06:15 · Émile", "", 1, "L", false, 0, "")
	}
	if err := f.Output(io.Discard); err != nil {
		b.Fatal(err)
	}
}
