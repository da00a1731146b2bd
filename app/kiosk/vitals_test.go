package kiosk

import (
	"context"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

func TestTheVitalsPlotHasAPointForEachObservation(t *testing.T) {
	k, clock := tabsKiosk(t)
	now := *clock
	// A set taken during downtime, half an hour ago.
	hr, sys, dia := 118.0, 165.0, 95.0
	e := clinical.Entry{Kind: clinical.KindVitals, Patient: "p1", ClinicalTime: now.Add(-30 * time.Minute),
		Vitals: &clinical.VitalSigns{HeartRate: &hr, Systolic: &sys, Diastolic: &dia}}
	if err := k.journal.Stamp(&e, "RN Peeters", now); err != nil {
		t.Fatal(err)
	}
	if err := k.journal.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	k.openPatient("p1")
	plot := k.chart.tabs.plot
	if n := plot.points(); n != 10 {
		t.Fatalf("%d points, want 10 (4 trends twice from the record, 2 from downtime)", n)
	}
	if !plot.from.Equal(now.Add(-9*time.Hour)) || !plot.to.Equal(now) {
		t.Errorf("time axis %v to %v, want the first measurement to now", plot.from, plot.to)
	}
	size := fyne.NewSize(600, 320)
	g := plotLayout(plot.trends, plot.from, plot.to, size, 14, 30)
	if len(g.strips) != 4 {
		t.Fatalf("%d strips", len(g.strips))
	}
	heart := g.strips[0]
	if len(heart.points) != 3 || !heart.downtime[2] || heart.downtime[0] {
		t.Fatalf("heart rate: %d points, downtime %v", len(heart.points), heart.downtime)
	}
	// Later is further right; faster is higher up (80, 92, 118).
	for i := 1; i < len(heart.points); i++ {
		if heart.points[i].X <= heart.points[i-1].X || heart.points[i].Y >= heart.points[i-1].Y {
			t.Errorf("heart rate points %v: not later-right and higher-up", heart.points)
		}
	}
	for i, s := range g.strips {
		for _, p := range s.points {
			if p.X < g.left || p.X > g.right || p.Y < s.areaTop || p.Y > s.areaBottom {
				t.Errorf("strip %d: point %v outside its area", i, p)
			}
		}
		if i > 0 && s.top < g.strips[i-1].areaBottom {
			t.Errorf("strip %d overlaps the one above", i)
		}
	}
	if heart.maxValue != "118" || heart.minValue != "80" || heart.maxY >= heart.minY {
		t.Errorf("heart rate axis labels %q at %v, %q at %v", heart.maxValue, heart.maxY, heart.minValue, heart.minY)
	}
	if temp := g.strips[2]; temp.minValue != "37.0" || temp.maxValue != "38.1" {
		t.Errorf("temperature labels %q %q", temp.minValue, temp.maxValue)
	}
	if last := heart.points[2]; g.nowX < last.X || g.nowX > g.right {
		t.Errorf("now at %v, the last point at %v", g.nowX, last.X)
	}
	// The time axis: dd/mm hh:mm on whole hours, left to right.
	format := regexp.MustCompile(`^\d\d/\d\d \d\d:00$`)
	if len(g.ticks) < 2 {
		t.Fatalf("ticks %+v", g.ticks)
	}
	for i, tk := range g.ticks {
		if !format.MatchString(tk.label) || (i > 0 && tk.x <= g.ticks[i-1].x) {
			t.Errorf("ticks %+v", g.ticks)
			break
		}
	}
	if plot.trends[0].Name != present.TrendHeartRate || present.TrendLabel(plot.trends[0]) !=
		"Heart rate (/min) – last 118, "+present.ShortDateTime(now.Add(-30*time.Minute)) {
		t.Errorf("heart rate label %q", present.TrendLabel(plot.trends[0]))
	}
	// The table: the downtime set first, with who recorded it.
	rows := k.chart.tabs.vitals
	if len(rows) != 3 || !rows[0].Downtime || rows[0].Cells[0] != "165/95" {
		t.Errorf("vitals rows %+v", rows)
	}
}

func TestAPlotWithoutMeasurementsSaysSo(t *testing.T) {
	now := time.Now()
	p := newTrendPlot(present.VitalTrends(&clinical.Chart{}, nil), now)
	if p.points() != 0 || !p.from.Before(p.to) {
		t.Fatalf("%d points, %v to %v", p.points(), p.from, p.to)
	}
	r := p.CreateRenderer().(*plotRenderer)
	r.Layout(fyne.NewSize(400, 300))
	if r.empty.Hidden || r.empty.Text != present.NoVitalsToPlot {
		t.Error("an empty plot does not say why")
	}
}

func TestAxisTicksFallOnWholeHours(t *testing.T) {
	from := time.Date(2026, 11, 24, 21, 53, 0, 0, time.Local)
	to := time.Date(2026, 11, 26, 16, 33, 0, 0, time.Local)
	ticks := axisTicks(from, to, 6)
	if len(ticks) < 2 || len(ticks) > 6 {
		t.Fatalf("%d ticks", len(ticks))
	}
	for _, tk := range ticks {
		if tk.Before(from) || tk.After(to) || tk.Minute() != 0 || tk.Hour()%6 != 0 {
			t.Errorf("tick %v", tk)
		}
	}
}
