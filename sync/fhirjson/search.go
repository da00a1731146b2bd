package fhirjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Page is what paging needs of a searchset Bundle.
type Page struct {
	Total int    // -1 when the Bundle gives none
	Next  string // the URL of the next link, "" when there is none
}

// SearchPage walks a search Bundle and calls fn with the bytes of each
// entry's resource (a sub-slice of data). ok is false when data is not a
// walkable Bundle: cut short, or not a Bundle at all.
func SearchPage(data []byte, fn func(resource []byte)) (p Page, ok bool) {
	p.Total = -1
	bundle := false
	var resources [][]byte
	walked := Fields(data, 0, func(k []byte, start, end int) bool {
		switch string(k) {
		case "resourceType":
			bundle = str(data, start, end) == "Bundle"
		case "total":
			if n, err := strconv.Atoi(string(data[start:end])); err == nil {
				p.Total = n
			}
		case "link":
			ok := Items(data, start, func(s, e int) {
				var rel, url string
				Fields(data, s, func(k []byte, start, end int) bool {
					switch string(k) {
					case "relation":
						rel = str(data, start, end)
					case "url":
						url = str(data, start, end)
					}
					return true
				})
				if rel == "next" {
					p.Next = url
				}
			})
			return ok || data[start] == 'n'
		case "entry":
			ok := Items(data, start, func(s, e int) {
				Fields(data, s, func(k []byte, start, end int) bool {
					if string(k) == "resource" && data[start] == '{' {
						resources = append(resources, data[start:end])
					}
					return true
				})
			})
			return ok || data[start] == 'n'
		}
		return true
	})
	if !walked || !bundle {
		return p, false
	}
	for _, r := range resources {
		fn(r)
	}
	return p, true
}

// Peek gives a resource's type and id, and the id of the patient it
// belongs to: its own id for a Patient, else the Patient its patient or
// subject member refers to ("" when neither does). ok is false when raw
// is not a walkable object.
func Peek(raw []byte) (typ, id, patient string, ok bool) {
	var subject string
	ok = Fields(raw, 0, func(k []byte, start, end int) bool {
		switch string(k) {
		case "resourceType":
			typ = str(raw, start, end)
		case "id":
			id = str(raw, start, end)
		case "patient":
			if p := Reference(raw, start); p != "" {
				patient = p
			}
		case "subject":
			subject = Reference(raw, start)
		}
		return true
	})
	if typ == "Patient" {
		return typ, id, id, ok
	}
	if patient == "" {
		patient = subject
	}
	return typ, id, Target(patient, "Patient"), ok
}

// Reference is the reference string of the Reference object at raw[i].
func Reference(raw []byte, i int) string {
	var ref string
	Fields(raw, i, func(k []byte, start, end int) bool {
		if string(k) == "reference" {
			ref = str(raw, start, end)
			return false
		}
		return true
	})
	return ref
}

// Target is the id a reference points at when it is to a resource of
// type typ ("Type/id", "Type/id/_history/2", or an absolute URL ending
// so), or "".
func Target(ref, typ string) string {
	ref = strings.TrimSpace(ref)
	i := strings.LastIndex(ref, typ+"/")
	if i < 0 || (i > 0 && ref[i-1] != '/') {
		return ""
	}
	id := ref[i+len(typ)+1:]
	if j := strings.IndexAny(id, "/?#"); j >= 0 {
		id = id[:j]
	}
	return id
}

// str decodes the JSON string at data[start:end]; "" when it is not one.
func str(data []byte, start, end int) string {
	if end-start < 2 || data[start] != '"' {
		return ""
	}
	inner := data[start+1 : end-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner)
	}
	var s string
	if json.Unmarshal(data[start:end], &s) != nil {
		return ""
	}
	return s
}
