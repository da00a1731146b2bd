// Package fhirjson walks FHIR JSON without decoding it: the members of an
// object and the elements of an array with the byte spans of their values,
// so that a reader can find a resource's type, id and patient, or a
// Bundle's entries, at a fraction of the cost of encoding/json. The JSON is
// trusted to be well formed where it matters: what is kept is decoded (and
// so checked) later, and a walk that runs off the end reports it.
package fhirjson

import "encoding/json"

// Fields calls fn for each member of the object starting at data[i] with
// the raw key (without quotes) and the span of its value; fn returns false
// to stop. ok is false when data[i:] is not a walkable object.
func Fields(data []byte, i int, fn func(key []byte, start, end int) bool) (ok bool) {
	return members(data, i, '{', '}', func(i int) (int, bool) {
		if data[i] != '"' {
			return -1, false
		}
		kEnd := skipString(data, i)
		if kEnd < 0 {
			return -1, false
		}
		key := data[i+1 : kEnd-1]
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return -1, false
		}
		start := skipSpace(data, i+1)
		end := skipValue(data, start)
		if end < 0 {
			return -1, false
		}
		return end, fn(key, start, end)
	})
}

// Items calls fn with the span of each element of the array at data[i].
func Items(data []byte, i int, fn func(start, end int)) bool {
	return members(data, i, '[', ']', func(i int) (int, bool) {
		end := skipValue(data, i)
		if end >= 0 {
			fn(i, end)
		}
		return end, true
	})
}

// members walks the object or array that opening starts at data[i] (after
// any space) up to its closing, skipping the commas between its members:
// member reads the one starting at data[i] and says where it ends (below
// 0 when it cannot be read: the walk fails) and whether to go on (false
// ends the walk, which then succeeds).
func members(data []byte, i int, opening, closing byte, member func(i int) (end int, more bool)) bool {
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != opening {
		return false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case closing:
			return true
		case ',':
			i++
			continue
		}
		end, more := member(i)
		switch {
		case end < 0:
			return false
		case !more:
			return true
		}
		i = end
	}
}

// TopString returns the string value of a top-level member of an object;
// ok is false when data is not a walkable object. A missing member, or
// one that is not a string, gives "".
func TopString(data []byte, key string) (value string, ok bool) {
	ok = Fields(data, 0, func(k []byte, start, end int) bool {
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

// Shape scans data once, without decoding it, and says how deeply its
// objects and arrays nest (stopping once deeper than limit, when limit >
// 0), and whether it is complete: it opens with '{' or '[' and every
// string, object and array it opens is closed. JSON that is not valid and
// not complete was cut short.
func Shape(data []byte, limit int) (depth int, complete bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || (data[i] != '{' && data[i] != '[') {
		return 0, false
	}
	d := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			j := skipString(data, i)
			if j < 0 {
				return depth, false
			}
			i = j - 1
		case '{', '[':
			d++
			if d > depth {
				depth = d
				if limit > 0 && depth > limit {
					return depth, false
				}
			}
		case '}', ']':
			d--
			if d == 0 {
				return depth, true
			}
		}
	}
	return depth, false
}

// Compacted tells whether well-formed JSON has no whitespace outside its
// strings, so that encoding/json.Compact would return it unchanged: a
// server's answers usually are, and a copy is then all that is needed.
// It does not check that data is well formed.
func Compacted(data []byte) bool {
	in, escaped := false, false
	for _, c := range data {
		switch {
		case escaped:
			escaped = false
		case in && c == '\\':
			escaped = true
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\n' || c == '\r' || c == '\t'):
			return false
		}
	}
	return true
}
