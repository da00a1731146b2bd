package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// A day of a Windows sync service: its progress every 30 s, an outage of
// the hub in the middle. What reaches the event log is the first line, one
// progress line an hour, the failure's start once and its hourly repeat,
// the recovery, and every line of another kind.
func TestTheServiceLogsNewsFailuresAndRecoveryButNotEveryStep(t *testing.T) {
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, time.Local)
	var logged []string
	l := newEventLines(func(id uint32, line string) { logged = append(logged, fmt.Sprintf("%d %s", id, line)) },
		func() time.Time { return at })
	out, errs := l.writer(false), l.writer(true)
	step := func(w *eventWriter, line string) {
		fmt.Fprintln(w, line)
		at = at.Add(30 * time.Second)
	}
	for g := range 240 { // 2 h of progress
		step(out, fmt.Sprintf("Received 1 generation(s) from the hub; ward 5c at generation %d, data as of 07/12/2026 %s.", 100+g, at.Format("15:04")))
	}
	step(out, "Handed in 2 journal entries to IT; the hub holds 14.")
	for range 180 { // 1.5 h without the hub
		step(errs, "lifeboat snapshot: the hub at https://hub.example:8443 could not be reached.")
	}
	fmt.Fprint(out, "Received 1 generation(s) from the hub; ")
	step(out, "ward 5c at generation 500, data as of 07/12/2026 11:31.")
	step(out, "Received 1 generation(s) from the hub; ward 5c at generation 501, data as of 07/12/2026 11:32.")
	step(errs, "Warning: this hub takes no heartbeats.")

	want := []string{
		"1 Received 1 generation(s) from the hub; ward 5c at generation 100, data as of 07/12/2026 08:00.",
		"1 Received 1 generation(s) from the hub; ward 5c at generation 220, data as of 07/12/2026 09:00. (119 more like it since 08:00 not logged: a repeated line is logged once an hour.)",
		"1 Handed in 2 journal entries to IT; the hub holds 14.",
		"3 lifeboat snapshot: the hub at https://hub.example:8443 could not be reached.",
		"3 lifeboat snapshot: the hub at https://hub.example:8443 could not be reached. (119 more like it since 10:00 not logged: a repeated line is logged once an hour.)",
		"1 Received 1 generation(s) from the hub; ward 5c at generation 500, data as of 07/12/2026 11:31. (119 more like it since 09:00 not logged: a repeated line is logged once an hour.)",
		"2 Warning: this hub takes no heartbeats.",
	}
	if !slices.Equal(logged, want) {
		t.Errorf("logged:\n%s\nwant:\n%s", strings.Join(logged, "\n"), strings.Join(want, "\n"))
	}
}
