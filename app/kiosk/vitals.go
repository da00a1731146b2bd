package kiosk

import (
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The Vitals tab: a small trend plot of heart rate, systolic pressure,
// temperature and SpO2 over the chart's observations and those recorded
// during downtime, then every set of vital signs in a table, newest first,
// each with its date and where it was recorded. Above them the NEWS2 line
// of the newest complete downtime set; values outside NEWS2's normal band
// (or flagged by the source) are red in the table and the plot.
//
// The plot is four strips, one per vital sign, each with its own scale,
// over one time axis labelled dd/mm hh:mm that runs from the first
// measurement to now: a gap since the last measurement shows as a gap,
// never as a current value. Drawn with canvas lines, circles and texts;
// plotLayout computes where everything goes, without drawing.

// Colours of the NEWS2 risk bands, light, behind the chart's NEWS2 line.
var (
	colourRiskLow       = color.NRGBA{R: 0xe8, G: 0xf5, B: 0xe9, A: 0xff} // light green
	colourRiskLowMedium = color.NRGBA{R: 0xff, G: 0xf5, B: 0x9d, A: 0xff} // yellow
	colourRiskMedium    = color.NRGBA{R: 0xff, G: 0xcc, B: 0x80, A: 0xff} // orange
	colourRiskHigh      = color.NRGBA{R: 0xff, G: 0xcd, B: 0xd2, A: 0xff} // red, light (the text is red and bold)
)

// riskColour is the background of a NEWS2 band.
func riskColour(risk string) color.Color {
	switch risk {
	case clinical.RiskHigh:
		return colourRiskHigh
	case clinical.RiskMedium:
		return colourRiskMedium
	case clinical.RiskLowMedium:
		return colourRiskLowMedium
	}
	return colourRiskLow
}

// riskImportance is the text colour of a NEWS2 band (the census row's
// score): the bands that call for more than routine care in colour; a low
// score in plain text, light green on white being too faint to read on
// a ward screen.
func riskImportance(risk string) widget.Importance {
	switch risk {
	case clinical.RiskHigh:
		return widget.DangerImportance
	case clinical.RiskMedium, clinical.RiskLowMedium:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// earlyWarningBox is the Vitals tab's NEWS2 line (w, ok as
// clinical.LatestEarlyWarning gives them), or a plain line saying why there
// is no score.
func earlyWarningBox(w clinical.EarlyWarning, ok bool) fyne.CanvasObject {
	if !ok {
		l := wrappedLabel(i18n.T(present.NoEarlyWarning), widget.MediumImportance)
		l.TextStyle.Italic = true
		return l
	}
	return earlyWarningBanner(w)
}

// earlyWarningBanner is the NEWS2 banner, coloured by its band; an
// incomplete newest set is in the amber of the unknown.
func earlyWarningBanner(w clinical.EarlyWarning) fyne.CanvasObject {
	if w.Incomplete {
		return bannerBox(present.EarlyWarningLine(w), colourUnknown, false)
	}
	return bannerBox(present.EarlyWarningLine(w), riskColour(w.Risk), w.Risk == clinical.RiskHigh)
}

// vitalsContent is the Vitals tab's content; news is its NEWS2 line.
func vitalsContent(c *clinical.Chart, news fyne.CanvasObject, rows []present.VitalsRow, plot *trendPlot) fyne.CanvasObject {
	box := container.NewVBox(news, tabHeading(i18n.T(present.VitalsPlotTitle)), plot,
		tabHeading(i18n.T(present.VitalsTableTitle)))
	if c.Vitals.Unreadable {
		box.Add(wrappedLabel(i18n.T(present.UnreadableSection), widget.DangerImportance))
	}
	if len(rows) == 0 {
		l := wrappedLabel(present.VitalsEmpty(c), widget.MediumImportance)
		l.TextStyle.Italic = true
		box.Add(l)
		return container.NewVScroll(container.NewPadded(box))
	}
	cells := [][]fyne.CanvasObject{headerCells(i18n.All(present.VitalColumns))}
	bgs := []fyne.CanvasObject{nil}
	for _, r := range rows {
		line := []fyne.CanvasObject{widget.NewLabel(present.DateTime(r.Time))}
		for i, text := range r.Cells {
			l := widget.NewLabel(text)
			if i == len(r.Cells)-1 {
				l.Wrapping = fyne.TextWrapWord // the other measurements, who recorded it
			}
			if r.Abnormal[i] {
				l.Importance = widget.DangerImportance
				l.TextStyle.Bold = true
			}
			if r.Risk != "" && i == len(r.Cells)-2 { // the NEWS2 score
				l.Importance = riskImportance(r.Risk)
				l.TextStyle.Bold = r.Risk != clinical.RiskLow
			}
			line = append(line, l)
		}
		var bg fyne.CanvasObject
		switch {
		case r.Struck:
			bg = canvas.NewRectangle(colourStruck)
			for _, o := range line {
				o.(*widget.Label).TextStyle.Italic = true
			}
		case r.Downtime:
			last := line[len(line)-1].(*widget.Label)
			last.Importance = widget.HighImportance
			last.TextStyle.Bold = true
		}
		cells = append(cells, line)
		bgs = append(bgs, bg)
	}
	grid, t := newTabTable(cells, bgs, len(present.VitalColumns)-1)
	// With large text the table may be wider than the chart: it scrolls
	// sideways on its own, and the NEWS2 line and the headings above it
	// keep the chart's width (wrapped, never cut at its edge).
	box.Add(container.NewHScroll(grid))
	scroll := container.NewVScroll(container.NewPadded(box))
	t.reflow = scroll.Refresh
	return scroll
}

// Colours of the trends, in the order of present.VitalTrends.
var trendColours = []color.Color{
	color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}, // heart rate: red
	color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}, // systolic: blue
	color.NRGBA{R: 0xe6, G: 0x51, B: 0x00, A: 0xff}, // temperature: orange
	color.NRGBA{R: 0x00, G: 0x69, B: 0x5c, A: 0xff}, // SpO2: teal
}

// minSpans are the smallest value ranges of the strips, in the order of
// present.VitalTrends, so that a flat trend is not magnified into noise.
var minSpans = []float64{20, 30, 1, 5}

// trendPlot is the small plot of the vital-sign trends.
type trendPlot struct {
	widget.BaseWidget
	trends []present.VitalTrend
	from   time.Time // the time axis runs from the first point…
	to     time.Time // …to now (or the last point, if later)
}

func newTrendPlot(trends []present.VitalTrend, now time.Time) *trendPlot {
	p := &trendPlot{trends: trends, to: now}
	for _, t := range trends {
		for _, pt := range t.Points {
			if p.from.IsZero() || pt.Time.Before(p.from) {
				p.from = pt.Time
			}
			if pt.Time.After(p.to) {
				p.to = pt.Time
			}
		}
	}
	if p.from.IsZero() || !p.from.Before(p.to) {
		p.from = p.to.Add(-time.Hour)
	}
	p.ExtendBaseWidget(p)
	return p
}

// points counts the points plotted.
func (p *trendPlot) points() int {
	n := 0
	for _, t := range p.trends {
		n += len(t.Points)
	}
	return n
}

// plotGeometry is where everything of the plot goes, for one size.
type plotGeometry struct {
	strips []stripGeometry
	ticks  []tickGeometry // on the time axis, under the last strip
	nowX   float32        // the line of now
	top    float32        // where the strips start and…
	bottom float32        // …end (the axis labels are under)
	left   float32        // the plotting area's left and right edges
	right  float32
}

// stripGeometry is one trend's strip.
type stripGeometry struct {
	title      string
	top        float32 // the title's top
	areaTop    float32 // the plotting area's top and bottom
	areaBottom float32
	lo, hi     float64 // the values at the bottom and top
	// The lowest and highest values, as labelled, and where; "" when
	// there are none.
	minValue, maxValue string
	minY, maxY         float32
	points             []fyne.Position
	downtime           []bool
}

// tickGeometry is one label of the time axis.
type tickGeometry struct {
	x     float32
	label string
}

// Sizes of the plot: per strip, the title line and the plotting area.
const (
	plotStripArea  float32 = 56
	plotPointSize  float32 = 7
	plotGap        float32 = 4
	plotTickLength float32 = 4
	maxTicks               = 6
	nowDashes              = 30
)

// plotLayout places the trends over [from, to] in size; text is the
// height of a line of labels and label the width of the widest value
// label.
func plotLayout(trends []present.VitalTrend, from, to time.Time, size fyne.Size, text, label float32) plotGeometry {
	g := plotGeometry{left: label + plotGap, right: size.Width - text, top: 0}
	axis := text + plotTickLength + plotGap
	g.bottom = size.Height - axis
	if g.right <= g.left {
		g.right = g.left + 1
	}
	// A thirtieth of the span to spare after now, so that its line is
	// seen off the edge.
	span := to.Sub(from) + to.Sub(from)/30
	x := func(t time.Time) float32 {
		return g.left + float32(float64(t.Sub(from))/float64(span))*(g.right-g.left)
	}
	n := float32(len(trends))
	stripH := (g.bottom - g.top) / max(n, 1)
	for i, t := range trends {
		s := stripGeometry{title: present.TrendLabel(t), top: g.top + float32(i)*stripH}
		s.areaTop = s.top + text + plotGap/2
		s.areaBottom = s.top + stripH - plotGap
		s.lo, s.hi = valueRange(t.Points, minSpans[min(i, len(minSpans)-1)])
		y := func(v float64) float32 {
			return s.areaBottom - float32((v-s.lo)/(s.hi-s.lo))*(s.areaBottom-s.areaTop)
		}
		for _, p := range t.Points {
			s.points = append(s.points, fyne.NewPos(x(p.Time), y(p.Value)))
			s.downtime = append(s.downtime, p.Downtime)
		}
		// The axis is labelled with the lowest and highest values, where
		// they are.
		if len(t.Points) > 0 {
			least, most := extremes(t.Points)
			s.minValue, s.maxValue = valueLabel(least, most-least), valueLabel(most, most-least)
			s.minY, s.maxY = y(least), y(most)
		}
		g.strips = append(g.strips, s)
	}
	g.nowX = x(to)
	fit := max(2, min(int((g.right-g.left)/(label*2.5+2*plotGap)), maxTicks))
	for _, t := range axisTicks(from, to, fit) {
		g.ticks = append(g.ticks, tickGeometry{x: x(t), label: present.ShortDateTime(t)})
	}
	return g
}

// tickSteps are the steps the time axis may be labelled at.
var tickSteps = []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour}

// axisTicks are at most fit times in [from, to] to label the time axis
// at, on whole hours of the local day (midnight, 06:00…), as few steps
// apart as fit; from and to themselves when no step fits.
func axisTicks(from, to time.Time, fit int) []time.Time {
	for _, step := range tickSteps {
		y, m, d := from.Local().Date()
		t := time.Date(y, m, d, 0, 0, 0, 0, time.Local)
		for t.Before(from) {
			t = t.Add(step)
		}
		var out []time.Time
		for ; !t.After(to); t = t.Add(step) {
			out = append(out, t)
		}
		if len(out) >= 2 && len(out) <= fit {
			return out
		}
	}
	return []time.Time{from, to}
}

// valueRange is the range a strip shows: the values' own, at least
// minSpan wide, with a tenth of it spare above and below.
func valueRange(points []present.VitalPoint, minSpan float64) (lo, hi float64) {
	if len(points) == 0 {
		return 0, minSpan
	}
	lo, hi = extremes(points)
	if hi-lo < minSpan {
		mid := (hi + lo) / 2
		lo, hi = mid-minSpan/2, mid+minSpan/2
	}
	pad := (hi - lo) / 10
	return lo - pad, hi + pad
}

// extremes are the lowest and highest values.
func extremes(points []present.VitalPoint) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range points {
		lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
	}
	return lo, hi
}

// valueLabel prints an axis value, with a decimal when the range is narrow.
func valueLabel(v, span float64) string {
	if span < 10 {
		return i18n.Fixed(v, 1)
	}
	return i18n.Fixed(math.Round(v), 0)
}

func (p *trendPlot) MinSize() fyne.Size {
	text := theme.CaptionTextSize() * 1.4
	h := float32(len(p.trends))*(text+plotStripArea) + text + plotTickLength + plotGap
	return fyne.NewSize(320, h)
}

func (p *trendPlot) CreateRenderer() fyne.WidgetRenderer {
	r := &plotRenderer{p: p}
	for range nowDashes {
		l := canvas.NewLine(colourBorder)
		l.StrokeWidth = 1.5
		r.now = append(r.now, l)
	}
	for i, t := range p.trends {
		s := &stripObjects{
			frame: canvas.NewRectangle(color.Transparent),
			title: canvas.NewText("", trendColours[i%len(trendColours)]),
			lo:    canvas.NewText("", theme.Color(theme.ColorNameForeground)),
			hi:    canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		}
		s.frame.StrokeColor = color.NRGBA{R: 0xbd, G: 0xbd, B: 0xbd, A: 0xff}
		s.frame.StrokeWidth = 1
		s.title.TextStyle.Bold = true
		colour := trendColours[i%len(trendColours)]
		for j, pt := range t.Points {
			c := canvas.NewCircle(colour)
			if pt.Downtime {
				c.FillColor = color.White
				c.StrokeColor = colour
				c.StrokeWidth = 2
			}
			if pt.Abnormal { // flagged by the source, or outside NEWS2's normal band: red in a black ring
				c.FillColor = colourRed
				c.StrokeColor = color.Black
				c.StrokeWidth = 2
			}
			s.points = append(s.points, c)
			if j > 0 {
				l := canvas.NewLine(colour)
				l.StrokeWidth = 1.5
				s.lines = append(s.lines, l)
			}
		}
		r.strips = append(r.strips, s)
	}
	r.empty = canvas.NewText(i18n.T(present.NoVitalsToPlot), theme.Color(theme.ColorNameForeground))
	r.empty.Hidden = p.points() > 0
	r.nowLabel = canvas.NewText(i18n.T("now"), colourBorder)
	for range maxTicks {
		r.ticks = append(r.ticks, canvas.NewText("", theme.Color(theme.ColorNameForeground)))
		r.marks = append(r.marks, canvas.NewLine(colourBorder))
	}
	return r
}

type stripObjects struct {
	frame  *canvas.Rectangle
	title  *canvas.Text
	lo, hi *canvas.Text
	lines  []*canvas.Line
	points []*canvas.Circle
}

type plotRenderer struct {
	p        *trendPlot
	strips   []*stripObjects
	ticks    []*canvas.Text
	marks    []*canvas.Line
	now      []*canvas.Line // the dashes of the line of now
	nowLabel *canvas.Text
	empty    *canvas.Text
	geometry plotGeometry
}

func (r *plotRenderer) Layout(size fyne.Size) {
	textSize := theme.CaptionTextSize()
	line := fyne.MeasureText("00/00 00:00", textSize, fyne.TextStyle{}).Height
	label := float32(0)
	for _, s := range []string{"000.0", "000"} {
		label = max(label, fyne.MeasureText(s, textSize, fyne.TextStyle{}).Width)
	}
	g := plotLayout(r.p.trends, r.p.from, r.p.to, size, line, label)
	r.geometry = g
	for i, s := range r.strips {
		sg := g.strips[i]
		s.frame.Move(fyne.NewPos(g.left, sg.areaTop))
		s.frame.Resize(fyne.NewSize(g.right-g.left, sg.areaBottom-sg.areaTop))
		s.title.Text, s.title.TextSize = sg.title, textSize
		s.title.Move(fyne.NewPos(g.left, sg.top))
		s.lo.Text, s.hi.Text = sg.minValue, sg.maxValue
		if sg.minValue == sg.maxValue {
			s.hi.Text = "" // one value: one label
		}
		for _, t := range []*canvas.Text{s.lo, s.hi} {
			t.TextSize = textSize
			t.Alignment = fyne.TextAlignTrailing
			t.Resize(fyne.NewSize(label, line))
		}
		hiTop, loTop := sg.maxY-line/2, sg.minY-line/2
		if loTop-hiTop < line { // close values: the labels apart
			mid := (sg.minY + sg.maxY) / 2
			hiTop, loTop = mid-line, mid
		}
		s.hi.Move(fyne.NewPos(0, hiTop))
		s.lo.Move(fyne.NewPos(0, loTop))
		for j, c := range s.points {
			pt := sg.points[j]
			c.Move(fyne.NewPos(pt.X-plotPointSize/2, pt.Y-plotPointSize/2))
			c.Resize(fyne.NewSize(plotPointSize, plotPointSize))
			if j > 0 {
				s.lines[j-1].Position1, s.lines[j-1].Position2 = sg.points[j-1], pt
			}
		}
	}
	for i, t := range r.ticks {
		if i >= len(g.ticks) {
			t.Hide()
			r.marks[i].Hide()
			continue
		}
		tg := g.ticks[i]
		t.Show()
		r.marks[i].Show()
		t.Text, t.TextSize = tg.label, textSize
		w := fyne.MeasureText(tg.label, textSize, fyne.TextStyle{}).Width
		x := min(max(tg.x-w/2, 0), size.Width-w)
		t.Move(fyne.NewPos(x, g.bottom+plotTickLength+plotGap/2))
		r.marks[i].Position1 = fyne.NewPos(tg.x, g.bottom-plotGap)
		r.marks[i].Position2 = fyne.NewPos(tg.x, g.bottom+plotTickLength)
	}
	dash := (g.bottom - g.top - line) / (2*nowDashes - 1)
	for i, l := range r.now {
		y := g.top + line + float32(2*i)*dash
		l.Position1, l.Position2 = fyne.NewPos(g.nowX, y), fyne.NewPos(g.nowX, y+dash)
	}
	r.nowLabel.TextSize = textSize
	nw := fyne.MeasureText(i18n.T("now"), textSize, fyne.TextStyle{}).Width

	r.nowLabel.Move(fyne.NewPos(g.nowX-nw-2, g.top))
	r.empty.TextSize = theme.TextSize()
	r.empty.Move(fyne.NewPos(g.left+plotGap, (g.top+g.bottom)/2))
}

func (r *plotRenderer) MinSize() fyne.Size { return r.p.MinSize() }

func (r *plotRenderer) Refresh() {
	r.Layout(r.p.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

func (r *plotRenderer) Objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, s := range r.strips {
		out = append(out, s.frame, s.title, s.lo, s.hi)
	}
	for i := range r.ticks {
		out = append(out, r.marks[i], r.ticks[i])
	}
	for _, l := range r.now {
		out = append(out, l)
	}
	out = append(out, r.nowLabel)
	for _, s := range r.strips {
		for _, l := range s.lines {
			out = append(out, l)
		}
		for _, c := range s.points {
			out = append(out, c)
		}
	}
	return append(out, r.empty)
}

func (r *plotRenderer) Destroy() {}
