package clinical

import (
	"slices"
	"testing"
	"time"
)

func TestDailyTimesOfAnOrder(t *testing.T) {
	hm := func(ts ...int) []int {
		for i := range ts {
			ts[i] = ts[i]/100*60 + ts[i]%100
		}
		return ts
	}
	for _, c := range []struct {
		name  string
		m     Medication
		times []int
		ok    bool
	}{
		{"times of day", Medication{Timing: Timing{TimesOfDay: []string{"20:00", "08:00:00"}}}, hm(800, 2000), true},
		{"every 6 h", Medication{Timing: Timing{Frequency: 1, Period: 6, PeriodUnit: "h"}}, hm(0, 600, 1200, 1800), true},
		{"every 8 h", Medication{Timing: Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}}, hm(600, 1400, 2200), true},
		{"every 4 h", Medication{Timing: Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}, hm(200, 600, 1000, 1400, 1800, 2200), true},
		{"every 12 h", Medication{Timing: Timing{Frequency: 1, Period: 12, PeriodUnit: "h"}}, hm(800, 2000), true},
		{"daily", Medication{Timing: Timing{Frequency: 1, Period: 1, PeriodUnit: "d"}}, hm(800), true},
		{"twice a day", Medication{Timing: Timing{Frequency: 2, Period: 1, PeriodUnit: "d"}}, hm(800, 2000), true},
		{"3 times a day", Medication{Timing: Timing{Frequency: 3, Period: 1, PeriodUnit: "d"}}, hm(600, 1400, 2200), true},
		{"4 times a day", Medication{Timing: Timing{Frequency: 4, Period: 1, PeriodUnit: "d"}}, hm(0, 600, 1200, 1800), true},
		{"every 5 h", Medication{Timing: Timing{Frequency: 1, Period: 5, PeriodUnit: "h"}}, nil, false},
		{"every other day", Medication{Timing: Timing{Frequency: 1, Period: 2, PeriodUnit: "d"}}, nil, false},
		{"as needed", Medication{PRN: true, Timing: Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}, nil, false},
		{"no timing", Medication{}, nil, false},
		{"bad time", Medication{Timing: Timing{TimesOfDay: []string{"8h"}}}, nil, false},
	} {
		times, ok := DailyTimes(c.m)
		if ok != c.ok || !slices.Equal(times, c.times) {
			t.Errorf("%s: %v %v, want %v %v", c.name, times, ok, c.times, c.ok)
		}
	}
}

func TestDocumentedDoseIsTheNearestWithinTheSpan(t *testing.T) {
	at := func(h int) time.Time {
		return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
	}
	times := []time.Time{at(8), at(20), at(32)}
	for _, c := range []struct {
		t    time.Time
		want int
	}{
		{at(9), 0}, {at(14), 0}, {at(15), 1}, {at(26), 1}, {at(-4), 0}, {at(-5), -1}, {at(44), 2}, {at(45), -1},
	} {
		if got := DocumentedDose(times, c.t); got != c.want {
			t.Errorf("%v documents dose %d, want %d", c.t, got, c.want)
		}
	}
	if DocumentedDose(nil, at(0)) != -1 {
		t.Error("a dose documented with no schedule")
	}
}
