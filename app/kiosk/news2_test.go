package kiosk

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// The nurse's septic patient: RR 24, SpO2 86 on 2 L of oxygen, BP 98/60,
// HR 142, alert, T 39.4 is NEWS2 14, high risk: the chart's banner says so
// with the emergency response, the vitals table shows the values out of
// range in red, and the census row shows the score in red.
func TestACompleteSetShowsItsNEWS2OnTheChartTheTableAndTheCensus(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	test.Type(field[*formEntry](t, f, present.BloodPressure), "98/60")
	test.Type(field[*formEntry](t, f, present.HeartRate), "142")
	test.Type(field[*formEntry](t, f, present.RespiratoryRate), "24")
	test.Type(field[*formEntry](t, f, present.TemperatureLabel), "39,4")
	test.Type(field[*formEntry](t, f, present.SpO2Label), "86")
	field[*formSelect](t, f, present.OxygenLabel).SetSelected(present.OnOxygen)
	test.Type(field[*formEntry](t, f, present.O2FlowLabel), "2")
	field[*formSelect](t, f, present.ConsciousnessLabel).SetSelected("A – Alert")
	glucose := field[*formEntry](t, f, present.GlucoseLabel)
	test.Type(glucose, "6,1")
	enter(k, glucose)
	if f.warned != nil { // HR 142, T 39.4 and SpO2 86 are unusual: save anyway
		tapSave(k, f.anyway)
	}
	all := recorded(t, k)
	if len(all) != 1 {
		t.Fatalf("%d entries (%q)", len(all), f.message.Text)
	}
	v := all[0].Vitals
	if v.OnOxygen == nil || !*v.OnOxygen || *v.O2Flow != 2 || v.Consciousness != clinical.ConsciousAlert || *v.Glucose != 6.1 || v.SpO2Scale2 {
		t.Fatalf("vitals %+v", v)
	}

	var banner string
	for _, o := range test.LaidOutObjects(k.win.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "NEWS2 14 – HIGH RISK") {
			banner = l.Text
			if l.Importance != widget.DangerImportance {
				t.Errorf("the high-risk banner is not red")
			}
		}
	}
	if !strings.Contains(banner, "EMERGENCY") {
		t.Errorf("no NEWS2 banner with its response: %q", banner)
	}

	rows := k.chart.tabs.vitals
	if len(rows) == 0 || !rows[0].Downtime || rows[0].Risk != clinical.RiskHigh || rows[0].Cells[6] != "14" {
		t.Fatalf("vitals rows %+v", rows)
	}
	// BP 98, HR 142, RR 24, T 39.4, SpO2 86 all score; pain is not recorded.
	if !slices.Equal(rows[0].Abnormal[:6], []bool{true, true, true, true, true, false}) ||
		!strings.Contains(rows[0].Cells[7], "O2 2 L/min") || !strings.Contains(rows[0].Cells[7], "ACVPU A") {
		t.Errorf("row %q %v", rows[0].Cells, rows[0].Abnormal)
	}

	cv := k.census
	cv.filter()
	i := slices.IndexFunc(cv.shown, func(r clinical.CensusRow) bool { return r.ID == "p1" })
	item := cv.list.CreateItem()
	cv.list.UpdateItem(i, item)
	news := item.(*fyne.Container).Objects[0].(*fyne.Container).Objects[censusNewsCell].(*widget.Label)
	if !news.Visible() || news.Text != "NEWS2 14 · "+present.ClockOn(all[0].ClinicalTime, now) || news.Importance != widget.DangerImportance {
		t.Errorf("census: %q visible %v importance %v", news.Text, news.Visible(), news.Importance)
	}
	j := slices.IndexFunc(cv.shown, func(r clinical.CensusRow) bool { return r.ID == "p2" })
	cv.list.UpdateItem(j, item)
	if news.Visible() {
		t.Errorf("a patient without a complete set shows %q", news.Text)
	}
}

// A set without consciousness or oxygen is recorded but not scored, and
// the chart says the newest set is incomplete rather than giving a score.
func TestAnIncompleteSetIsNotScored(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "80")
	enter(k, hr)
	if len(recorded(t, k)) != 1 {
		t.Fatalf("not saved: %q", f.message.Text)
	}
	incomplete := false
	for _, o := range test.LaidOutObjects(k.win.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "NEWS2 ") && !censusNews(l.Text) {
			if !strings.HasPrefix(l.Text, "NEWS2 incomplete (") {
				t.Errorf("a score for an incomplete set: %q", l.Text)
			}
			incomplete = true
		}
	}
	if !incomplete {
		t.Error("no line saying the newest set is incomplete")
	}
	if rows := k.chart.tabs.vitals; len(rows) == 0 || rows[0].Risk != "" || rows[0].Cells[6] != "" {
		t.Errorf("rows %+v", rows)
	}
}

// fillSepticSet fills the vitals form with the septic patient's complete
// set (NEWS2 14) and saves it.
func fillSepticSet(t *testing.T, k *Kiosk, f *entryForm) {
	t.Helper()
	test.Type(field[*formEntry](t, f, present.BloodPressure), "98/60")
	test.Type(field[*formEntry](t, f, present.HeartRate), "142")
	test.Type(field[*formEntry](t, f, present.RespiratoryRate), "24")
	test.Type(field[*formEntry](t, f, present.TemperatureLabel), "39,4")
	test.Type(field[*formEntry](t, f, present.SpO2Label), "86")
	field[*formSelect](t, f, present.OxygenLabel).SetSelected(present.OnOxygen)
	test.Type(field[*formEntry](t, f, present.O2FlowLabel), "2")
	field[*formSelect](t, f, present.ConsciousnessLabel).SetSelected("A – Alert")
	o2 := field[*formEntry](t, f, present.O2FlowLabel)
	enter(k, o2)
	if f.warned != nil {
		tapSave(k, f.anyway)
	}
}

// A newer set that is not complete decides: the chart and the census say
// "NEWS2 incomplete" with its time, never the older complete set's score.
func TestANewerIncompleteSetHidesTheOlderScore(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	earlier := now.Add(-2 * time.Hour).Truncate(time.Minute)
	field[*formEntry](t, f, present.TimeLabel).SetText(earlier.Format(timeLayout))
	fillSepticSet(t, k, f)
	if n := len(recorded(t, k)); n != 1 {
		t.Fatalf("%d entries (%q)", n, f.message.Text)
	}
	f = openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "80")
	enter(k, hr)
	all := recorded(t, k)
	if len(all) != 2 {
		t.Fatalf("%d entries (%q)", len(all), f.message.Text)
	}
	newest := all[0].ClinicalTime
	if all[1].ClinicalTime.After(newest) {
		newest = all[1].ClinicalTime
	}
	if !newest.After(earlier) {
		t.Fatalf("the second set is at %v, not after %v", newest, earlier)
	}

	banners := 0
	for _, o := range test.LaidOutObjects(k.win.Content()) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "NEWS2") && !censusNews(l.Text) {
			if strings.HasPrefix(l.Text, "NEWS2 14") || !strings.HasPrefix(l.Text, "NEWS2 incomplete ("+present.DateTime(newest)+")") {
				t.Errorf("chart: %q", l.Text)
			}
			banners++
		}
	}
	if banners == 0 {
		t.Error("the chart says nothing of NEWS2")
	}

	cv := k.census
	cv.filter()
	i := slices.IndexFunc(cv.shown, func(r clinical.CensusRow) bool { return r.ID == "p1" })
	item := cv.list.CreateItem()
	cv.list.UpdateItem(i, item)
	news := item.(*fyne.Container).Objects[0].(*fyne.Container).Objects[censusNewsCell].(*widget.Label)
	if want := "NEWS2 incomplete · " + present.ClockOn(newest, now); !news.Visible() || news.Text != want {
		t.Errorf("census: %q visible %v, want %q", news.Text, news.Visible(), want)
	}
}

// censusNews tells the census rows' NEWS2 cells ("NEWS2 14 · 08:00", or
// cut in whole parts "NEWS2 14", "NEWS2 incomplete") from the chart's.
func censusNews(text string) bool {
	return strings.Contains(text, " · ") || text == "NEWS2 incomplete" || regexp.MustCompile(`^NEWS2 [0-9]+$`).MatchString(text)
}
