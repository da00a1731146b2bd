package present

import (
	"slices"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The Vitals tab: every set of vital signs, newest first, from the
// snapshot and from this kiosk's downtime journal, each with its date and
// where it came from; and the trends a nurse looks at first (heart rate,
// systolic pressure, temperature, SpO2) as series for a small plot.

// Vital-sign LOINC codes, by what they measure.
var (
	codesBP          = []string{"85354-9", "55284-4"}
	codesHeartRate   = []string{"8867-4"}
	codesRespiratory = []string{"9279-1"}
	codesTemperature = []string{"8310-5"}
	codesSpO2        = []string{"59408-5", "2708-6"}
	codesPain        = []string{"72514-3"}
)

// VitalColumns head the vitals table; a VitalsRow has one cell for each
// after the first (the date and time).
var VitalColumns = []string{"Date/time", "BP (mmHg)", "HR (/min)", "RR (/min)", "T (°C)", "SpO2 (%)", "Pain (0–10)",
	"NEWS2", "Other / recorded by"}

// vitalColumnCodes are the codes of the table's value columns, in order;
// anything else goes to "Other".
var vitalColumnCodes = [][]string{codesBP, codesHeartRate, codesRespiratory, codesTemperature, codesSpO2, codesPain}

// VitalsRow is one set of vital signs taken at one time.
type VitalsRow struct {
	Time     time.Time
	Cells    []string // len(VitalColumns)-1: the values, then the other measurements (and who recorded the row during downtime)
	Abnormal []bool   // beside Cells
	// Downtime says the row was recorded on this kiosk during downtime;
	// Struck that it was corrected or cancelled since.
	Downtime, Struck bool
	// Risk is the NEWS2 band of a complete downtime set ("" for none),
	// for the colour of its NEWS2 cell.
	Risk string
}

// newsColumn is the index in Cells of the NEWS2 score.
var newsColumn = len(VitalColumns) - 3

// VitalsTable lays out the chart's vital signs and those recorded during
// downtime (entries may be nil), newest first; at the same time the
// downtime row comes first.
func VitalsTable(c *clinical.Chart, entries []store.JournalEntry) []VitalsRow {
	n := len(VitalColumns) - 1
	byTime := map[time.Time]*VitalsRow{}
	var rows []*VitalsRow
	for _, o := range c.Vitals.Items {
		key := o.Time.UTC()
		r := byTime[key]
		if r == nil {
			r = &VitalsRow{Time: o.Time, Cells: make([]string, n), Abnormal: make([]bool, n)}
			byTime[key] = r
			rows = append(rows, r)
		}
		col := slices.IndexFunc(vitalColumnCodes, func(codes []string) bool { return slices.Contains(codes, o.Code) })
		value := i18n.Decimals(o.Value)
		if o.Abnormal {
			value = Observation(clinical.Observation{Value: o.Value, Abnormal: true, Flag: o.Flag})
		}
		if col < 0 {
			col, value = n-1, ObservationName(o)+" "+Observation(o) // after the NEWS2 column
		}
		r.Cells[col] = JoinSome("; ", r.Cells[col], value)
		r.Abnormal[col] = r.Abnormal[col] || o.Abnormal
	}
	for _, e := range entries {
		v := e.Vitals
		if v == nil {
			continue
		}
		r := &VitalsRow{Time: e.ClinicalTime, Cells: make([]string, n), Abnormal: make([]bool, n), Downtime: true,
			Struck: e.Superseded()}
		if v.Systolic != nil && v.Diastolic != nil {
			r.Cells[0] = i18n.Num(*v.Systolic) + "/" + i18n.Num(*v.Diastolic)
		}
		for i, p := range []*float64{v.HeartRate, v.RespiratoryRate, v.Temperature, v.SpO2, v.Pain} {
			if p != nil {
				r.Cells[i+1] = i18n.Num(*p)
			}
		}
		// Out of NEWS2's normal band: BP, HR, RR, T, SpO2.
		for i, out := range scores(v) {
			r.Abnormal[i] = out
		}
		if w, ok := clinical.EarlyWarningOf(e.Entry); ok {
			r.Cells[newsColumn] = i18n.Num(float64(w.Score))
			r.Risk = w.Risk
			r.Abnormal[newsColumn] = w.Risk != clinical.RiskLow
		}
		r.Cells[n-1] = JoinSome("; ", strings.Join(newsExtras(v), ", "), DowntimeRecordedBy(e))
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b *VitalsRow) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		switch {
		case a.Downtime && !b.Downtime:
			return -1
		case b.Downtime && !a.Downtime:
			return 1
		}
		return 0
	})
	out := make([]VitalsRow, len(rows))
	for i, r := range rows {
		out[i] = *r
	}
	return out
}

// VitalPoint is one measurement of a trend.
type VitalPoint struct {
	Time     time.Time
	Value    float64
	Downtime bool // recorded on this kiosk during downtime
	// Abnormal: flagged by the source, or (downtime) outside NEWS2's
	// normal band.
	Abnormal bool
}

// VitalTrend is one vital sign over time, oldest first.
type VitalTrend struct {
	Name, Unit string
	Points     []VitalPoint
}

// Names of the trends, in the order VitalTrends gives them.
const (
	TrendHeartRate   = "Heart rate"
	TrendSystolic    = "Systolic BP"
	TrendTemperature = "Temperature"
	TrendSpO2        = "SpO2"
)

// VitalTrends are the heart rate, systolic blood pressure, temperature
// and SpO2 of the chart and of the downtime entries that hold, oldest
// first, always these four in this order (a trend may have no points).
// Values without a number (a measurement not taken) are left out.
func VitalTrends(c *clinical.Chart, entries []store.JournalEntry) []VitalTrend {
	trends := []VitalTrend{
		{Name: TrendHeartRate, Unit: "/min"},
		{Name: TrendSystolic, Unit: "mmHg"},
		{Name: TrendTemperature, Unit: "°C"},
		{Name: TrendSpO2, Unit: "%"},
	}
	codes := [][]string{codesHeartRate, codesBP, codesTemperature, codesSpO2}
	for _, o := range c.Vitals.Items {
		if o.Number == nil || o.Time.IsZero() {
			continue
		}
		for i, cs := range codes {
			if slices.Contains(cs, o.Code) {
				trends[i].Points = append(trends[i].Points, VitalPoint{Time: o.Time, Value: *o.Number, Abnormal: o.Abnormal})
			}
		}
	}
	for _, e := range entries {
		v := e.Vitals
		if v == nil || e.Superseded() {
			continue
		}
		out := scores(v) // BP, HR, RR, T, SpO2
		abnormal := []bool{out[1], out[0], out[3], out[4]}
		for i, p := range []*float64{v.HeartRate, v.Systolic, v.Temperature, v.SpO2} {
			if p != nil {
				trends[i].Points = append(trends[i].Points, VitalPoint{Time: e.ClinicalTime, Value: *p, Downtime: true,
					Abnormal: abnormal[i]})
			}
		}
	}
	for i := range trends {
		slices.SortStableFunc(trends[i].Points, func(a, b VitalPoint) int { return a.Time.Compare(b.Time) })
	}
	return trends
}

// Words of the Vitals tab.
const (
	VitalsTableTitle = "Vital signs, newest first"
	VitalsPlotTitle  = "Trends (● from the record, ○ recorded during downtime, red: out of range; the dashed line is now)"
	NoVitalsToPlot   = "No heart rate, blood pressure, temperature or SpO2 with a number to plot."
)

// TrendLabel is "Heart rate (/min) – last 88, 26/11 06:00".
func TrendLabel(t VitalTrend) string {
	s := i18n.T(t.Name) + " (" + t.Unit + ")"
	if n := len(t.Points); n > 0 {
		p := t.Points[n-1]
		s += i18n.F(" – last %s, %s", i18n.Num(p.Value), ShortDateTime(p.Time))
	} else {
		s += i18n.T(" – none recorded")
	}
	return s
}

// LabRow is one laboratory result.
type LabRow struct {
	Name, Result, Range string
	Time                time.Time
	Abnormal            bool
	// Latest is the newest result of its test; the older ones follow it.
	Latest bool
}

// LabColumns head the laboratory table.
var LabColumns = []string{"Test", "Result", "Reference range", "Date/time"}

// LabTable lists every laboratory result of the chart: the tests in the
// order of their newest result, each with its results newest first.
func LabTable(c *clinical.Chart) []LabRow {
	byCode := map[string][]clinical.Observation{}
	for _, o := range c.Labs.Items {
		byCode[o.Code] = append(byCode[o.Code], o)
	}
	var out []LabRow
	for _, latest := range clinical.Latest(c.Labs.Items) {
		results := slices.Clone(byCode[latest.Code])
		slices.SortStableFunc(results, func(a, b clinical.Observation) int { return b.Time.Compare(a.Time) })
		for i, o := range results {
			r := Range(o)
			if r == "" {
				r = "–"
			}
			out = append(out, LabRow{Name: ObservationName(o), Result: Observation(o), Range: r, Time: o.Time,
				Abnormal: o.Abnormal, Latest: i == 0})
		}
	}
	return out
}

// LabsEmpty says why there are no results to show.
func LabsEmpty(c *clinical.Chart) string { return Empty(c.Labs.Status, "laboratory results") }

// VitalsEmpty says why there are no vital signs to show.
func VitalsEmpty(c *clinical.Chart) string { return Empty(c.Vitals.Status, "vital signs") }

// DowntimeRecordedBy says who recorded an entry during downtime, and when:
// "Recorded during downtime: RN Peeters, entered 26/11/2026 08:07", marked
// when it was cancelled or corrected since.
func DowntimeRecordedBy(e store.JournalEntry) string {
	s := i18n.T("Recorded during downtime: ") + EntryAttribution(e.Entry)
	switch {
	case e.Cancelled:
		return i18n.T("[CANCELLED] ") + s
	case e.Superseded():
		return i18n.T("[CORRECTED] ") + s
	}

	return s
}
