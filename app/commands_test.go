package app

import (
	"testing"
	"time"
)

func TestDataIsNeverDatedLaterThanNowOrLaterThanItsExport(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	written, stated := now.Add(-3*time.Hour), now.Add(-5*time.Hour)
	cases := []struct {
		stated, written, want time.Time
	}{
		{time.Time{}, time.Time{}, now},
		{time.Time{}, written, written},
		{stated, written, stated},
		{written, stated, stated},
		{now.Add(time.Hour), written, written},
		{now.Add(time.Hour), time.Time{}, now},
		{time.Time{}, now.Add(time.Hour), now},
	}
	for _, c := range cases {
		if got := dataTime(c.stated, c.written, now); !got.Equal(c.want) {
			t.Errorf("dataTime(%v, %v) = %v, want %v", c.stated, c.written, got, c.want)
		}
	}
}
