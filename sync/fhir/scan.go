package fhir

import (
	"encoding/json"

	"lifeboat/sync/fhirjson"
)

func resourceType(data []byte) (string, bool) { return fhirjson.TopString(data, "resourceType") }

// entrySpan is one Bundle entry: its fullUrl and where its resource is.
type entrySpan struct {
	fullURL    string
	start, end int // resource span; equal when there is none, -1 when the entry is not an object
}

// bundleEntries calls fn with each entry of the Bundle in data, in order,
// without listing them (a Bundle may hold millions), and gives its
// top-level timestamp ("" when there is none, or it is not a string); ok
// is false when the Bundle or its entry array cannot be walked. Members
// are walked to the end, since the timestamp may come after the entries;
// of a repeated entry member, only the first counts.
func bundleEntries(data []byte, fn func(entrySpan)) (timestamp string, ok bool) {
	ok = true
	seenEntry := false
	walked := fhirjson.Fields(data, 0, func(k []byte, start, end int) bool {
		switch string(k) {
		case "timestamp":
			_ = json.Unmarshal(data[start:end], &timestamp)
			return true
		case "entry":
			if seenEntry {
				return true
			}
			seenEntry = true
		default:
			return true
		}
		if data[start] == 'n' { // null
			return true
		}
		ok = fhirjson.Items(data, start, func(s, e int) {
			var es entrySpan
			if !fhirjson.Fields(data, s, func(k []byte, start, end int) bool {
				switch string(k) {
				case "fullUrl":
					_ = json.Unmarshal(data[start:end], &es.fullURL)
				case "resource":
					es.start, es.end = start, end
				}
				return true
			}) {
				es.start, es.end = -1, -1
			}
			fn(es)
		})
		return ok
	})
	return timestamp, ok && walked
}
