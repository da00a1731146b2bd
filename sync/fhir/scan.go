package fhir

import "encoding/json"

// A small walker over JSON that is trusted to be well formed (decoding
// checks it later). It finds the resourceType of a resource and the
// entries of a Bundle without decoding anything else, and gives their
// exact byte spans so the raw JSON can be fetched again later.

// fields calls fn for each member of the object starting at data[i] with
// the raw key (without quotes) and the span of its value; fn returns false
// to stop. ok is false when data[i:] is not a walkable object.
func fields(data []byte, i int, fn func(key []byte, start, end int) bool) (ok bool) {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case '}':
			return true
		case ',':
			i++
			continue
		case '"':
		default:
			return false
		}
		kEnd := skipString(data, i)
		if kEnd < 0 {
			return false
		}
		key := data[i+1 : kEnd-1]
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		start := skipSpace(data, i+1)
		end := skipValue(data, start)
		if end < 0 {
			return false
		}
		if !fn(key, start, end) {
			return true
		}
		i = end
	}
}

// items calls fn with the span of each element of the array at data[i].
func items(data []byte, i int, fn func(start, end int)) bool {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != '[' {
		return false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ']':
			return true
		case ',':
			i++
			continue
		}
		end := skipValue(data, i)
		if end < 0 {
			return false
		}
		fn(i, end)
		i = end
	}
}

// topString returns the string value of a top-level member of an object;
// ok is false when data is not a walkable object. A missing member, or
// one that is not a string, gives "".
func topString(data []byte, key string) (value string, ok bool) {
	ok = fields(data, 0, func(k []byte, start, end int) bool {
		if string(k) != key {
			return true
		}
		var s string
		if json.Unmarshal(data[start:end], &s) == nil {
			value = s
		}
		return false
	})
	return value, ok
}

func resourceType(data []byte) (string, bool) { return topString(data, "resourceType") }

// entrySpan is one Bundle entry: its fullUrl and where its resource is.
type entrySpan struct {
	fullURL    string
	start, end int // resource span; equal when there is none, -1 when the entry is not an object
}

// bundleEntries lists the entries of the Bundle in data and gives its
// top-level timestamp ("" when there is none, or it is not a string); ok
// is false when the Bundle or its entry array cannot be walked. Members
// are walked to the end, since the timestamp may come after the entries;
// of a repeated entry member, only the first counts.
func bundleEntries(data []byte) (entries []entrySpan, timestamp string, ok bool) {
	ok = true
	seenEntry := false
	walked := fields(data, 0, func(k []byte, start, end int) bool {
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
		ok = items(data, start, func(s, e int) {
			var es entrySpan
			if !fields(data, s, func(k []byte, start, end int) bool {
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
			entries = append(entries, es)
		})
		return ok
	})
	return entries, timestamp, ok && walked
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at data[i]
// (a '"'), or -1.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the JSON value starting at
// data[i], or -1.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = skipString(data, j)
				if j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if j == i {
				return -1
			}
			return j
		}
		j++
	}
	if j == i {
		return -1
	}
	return j
}
