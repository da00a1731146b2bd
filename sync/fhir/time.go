package fhir

import (
	"strings"
	"time"
)

// parseTime reads a FHIR date, dateTime or instant, including partial dates
// ("2024", "2024-05", "2024-05-01"), and returns it in UTC. A dateTime
// without a zone (not valid FHIR, but seen) is taken as UTC. ok is false
// for an empty or unreadable value.
func parseTime(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	var layouts []string
	switch len(s) {
	case 0:
		return time.Time{}, false
	case 4:
		layouts = []string{"2006"}
	case 7:
		layouts = []string{"2006-01"}
	case 10:
		layouts = []string{"2006-01-02"}
	default:
		layouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// when returns the first of the values that parses, or the zero time.
func when(values ...string) time.Time {
	for _, v := range values {
		if t, ok := parseTime(v); ok {
			return t
		}
	}
	return time.Time{}
}

// clock turns a FHIR time ("08:00:00") into "08:00".
func clock(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && s[2] == ':' {
		return s[:5]
	}
	return s
}
