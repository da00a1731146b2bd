package pack

import (
	"strconv"
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The vitals chart: a blank grid of the same hours as the MAR, a row per
// NEWS2 parameter with its bands printed at the left, so that a nurse can
// chart and score on paper. The bands are read from store's scoring
// functions, not typed again: paper and kiosk cannot disagree.

// vitalsInstructions is said above the chart.
const vitalsInstructions = "Write each value in its hour with its score from the bands at the left (value: score), " +
	"then the sum in the NEWS2 row. Score SpO2 on one scale only: scale 2 only when prescribed (target 88–92 %)."

// vitalsRow is a row of the chart: its name and its bands.
type vitalsRow struct {
	label, bands string
}

// band is a run of values with the same score.
type band struct {
	lo, hi float64
	score  int
}

// bands scans score over lo..hi by step and returns its runs.
func bands(score func(float64) int, lo, hi, step float64) []band {
	var out []band
	n := int((hi-lo)/step + 0.5)
	for i := 0; i <= n; i++ {
		x := lo + float64(i)*step
		s := score(x)
		if k := len(out) - 1; k >= 0 && out[k].score == s {
			out[k].hi = x
			continue
		}
		out = append(out, band{lo: x, hi: x, score: s})
	}
	return out
}

// bandText is "≤8: 3 · 9–11: 1 · … · ≥25: 3", the first band open below
// and the last open above.
func bandText(bs []band, decimals int) string {
	num := func(x float64) string { return i18n.Fixed(x, decimals) }
	parts := make([]string, len(bs))
	for i, b := range bs {
		var r string
		switch {
		case i == 0:
			r = "≤" + num(b.hi)
		case i == len(bs)-1:
			r = "≥" + num(b.lo)
		case b.lo == b.hi:
			r = num(b.lo)
		default:
			r = num(b.lo) + "–" + num(b.hi)
		}
		parts[i] = r + ": " + strconv.Itoa(b.score)
	}
	return strings.Join(parts, " · ")
}

// vitalsRows are the chart's rows, in the order of the NEWS2 chart.
func vitalsRows() []vitalsRow {
	spo2 := func(onOxygen, scale2 bool) func(float64) int {
		return func(x float64) int { return clinical.ScoreSpO2(x, onOxygen, scale2) }
	}
	return []vitalsRow{
		{i18n.T(present.RespiratoryRate), bandText(bands(clinical.ScoreRespiration, 4, 40, 1), 0)},
		{i18n.T("SpO2 scale 1 (%)"), bandText(bands(spo2(false, false), 80, 100, 1), 0)},
		{i18n.T("SpO2 scale 2 (%), only if prescribed"),
			i18n.T("on air") + " " + bandText(bands(spo2(false, true), 80, 100, 1), 0) + "; " +
				i18n.T("on oxygen") + " " + bandText(bands(spo2(true, true), 80, 100, 1), 0)},
		{i18n.T(present.OxygenLabel), i18n.T("air") + ": " + strconv.Itoa(clinical.ScoreOxygen(false)) + " · " +
			i18n.T("oxygen") + ": " + strconv.Itoa(clinical.ScoreOxygen(true))},
		{i18n.T("Systolic (mmHg)"), bandText(bands(clinical.ScoreSystolic, 60, 250, 1), 0)},
		{i18n.T(present.HeartRate), bandText(bands(clinical.ScorePulse, 30, 160, 1), 0)},
		{i18n.T(present.ConsciousnessLabel), "A: " + strconv.Itoa(clinical.ScoreConsciousness(clinical.ConsciousAlert)) +
			" · C, V, P, U: " + strconv.Itoa(clinical.ScoreConsciousness(clinical.ConsciousUnresponsive))},
		{i18n.T(present.TemperatureLabel), bandText(bands(clinical.ScoreTemperature, 33, 42, 0.1), 1)},
		{i18n.T("NEWS2 total"), "0–4: " + present.RiskWords(clinical.RiskLow) + " · " +
			present.RiskWords(clinical.RiskLowMedium) + " · 5–6: " + present.RiskWords(clinical.RiskMedium) +
			" · ≥7: " + present.RiskWords(clinical.RiskHigh)},
		{i18n.T("Initials"), ""},
	}
}

// vitalsChart writes the patient's blank vitals chart on a new page.
func (d *doc) vitalsChart(Patient) {
	from := d.asOf
	to := from.Add(present.PackMARWindow)
	g := newGrid(from, to)
	g.heads = [2]string{"Parameter", "Bands (value: score)"}
	d.f.AddPage()
	d.text(i18n.F("Vital signs and NEWS2 – %s to %s", present.DateTime(from), present.DateTime(to)), "B", sizeTitle, 0)
	d.text(i18n.T(vitalsInstructions), "", sizeBody, 0)
	d.f.Ln(1.5)
	d.gridHeader(g)
	for _, r := range vitalsRows() {
		d.vitalsRow(g, r)
	}
}

// vitalsRow draws one parameter's row: its name in bold, its bands under
// it, and the blank hours.
func (d *doc) vitalsRow(g grid, r vitalsRow) {
	f := d.f
	d.font("B", sizeBody)
	label := paper.Wrap(d.f, r.label, g.descW-2)
	var bandLines []string
	if r.bands != "" {
		d.font("", sizeSmall)
		bandLines = paper.Wrap(d.f, r.bands, g.descW-2)
	}
	h := max(10, float64(len(label))*lineH(sizeBody)+float64(len(bandLines))*lineH(sizeSmall)+2)
	if f.GetY()+h > bodyBottom {
		f.AddPage()
		d.gridHeader(g)
	}
	x0, y := margin, f.GetY()
	f.Rect(x0, y, g.descW, h, "D")
	f.SetXY(x0, y+1)
	d.font("B", sizeBody)
	for _, l := range label {
		f.SetX(x0)
		f.CellFormat(g.descW, lineH(sizeBody), l, "", 1, "L", false, 0, "")
	}
	d.font("", sizeSmall)
	for _, l := range bandLines {
		f.SetX(x0)
		f.CellFormat(g.descW, lineH(sizeSmall), l, "", 1, "L", false, 0, "")
	}
	for i := range g.hours {
		f.Rect(x0+g.descW+float64(i)*hourW, y, hourW, h, "D")
	}
	f.SetXY(x0, y+h)
}
