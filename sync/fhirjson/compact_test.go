package fhirjson

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestCompactedIsTrueExactlyWhenCompactChangesNothing(t *testing.T) {
	for _, s := range []string{
		`{"resourceType":"Patient","id":"a"}`,
		`{"name":[{"text":"Jan de Vries"}]}`,
		`{"note":"a \"quoted\" word, then\\ a backslash"}`,
		`{"note":"tab\tand newline\n escaped"}`,
		`{ "resourceType":"Patient"}`,
		"{\"a\":1,\n\"b\":2}",
		"[1,\t2]",
		`{"a":"x\\"} `,
		`{"a":"\\\" "}`,
		`{"a":"x","b" :1}`,
	} {
		var c bytes.Buffer
		if err := json.Compact(&c, []byte(s)); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := c.String() == s; Compacted([]byte(s)) != want {
			t.Errorf("Compacted(%q) = %v, want %v", s, !want, want)
		}
	}
}

func FuzzCompacted(f *testing.F) {
	f.Add([]byte(`{"a":"b c","d":[1, 2]}`))
	f.Add([]byte(`{"a":"\\\" ","b":"\""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c bytes.Buffer
		if json.Compact(&c, data) != nil {
			return // Compacted says nothing of what is not JSON
		}
		if Compacted(data) != bytes.Equal(c.Bytes(), data) {
			t.Fatalf("Compacted(%q) = %v; Compact gives %q", data, Compacted(data), c.Bytes())
		}
	})
}
