package reconcile

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"lifeboat/store"
	"lifeboat/sync/fhir/r4"
	"lifeboat/sync/rest"
)

// What the planner reads of the server: each resource decoded once into
// its type of sync/fhir/r4.

// orBatch is how many values one search names in its comma list.
const orBatch = 100

// found is a resource read from the server: decoded once into its r4
// type T, with the JSON it came as (what a change of it starts from).
type found[T any] struct {
	R   *T
	raw json.RawMessage
}

// resource is what the planner reads of a resource of any type: what
// every resource has, and its identifiers (a Provenance has none: it
// carries the entry as a meta tag).
type resource struct {
	r4.Resource
	Identifier []r4.Identifier `json:"identifier"`
}

// headed is what every r4 resource type has, through the Resource it
// embeds.
type headed interface{ Header() *r4.Resource }

// typed is an r4 resource type.
type typed[T any] interface {
	*T
	headed
}

// hdr is the Resource part of the resource found. Every found is made by
// decode, whose P makes sure *T has it.
func (f *found[T]) hdr() *r4.Resource { return any(f.R).(headed).Header() }

func (f *found[T]) ref() store.ServerRef { return refOf(f.hdr()) }

func (f *found[T]) server() *ServerResource {
	h := f.hdr()
	return &ServerResource{Type: h.ResourceType, ID: h.ID, Version: h.Meta.VersionID, Body: f.raw}
}

func refOf(h *r4.Resource) store.ServerRef {
	return store.ServerRef{Type: h.ResourceType, ID: h.ID, Version: h.Meta.VersionID}
}

func decode[T any, P typed[T]](raw json.RawMessage) (*found[T], error) {
	f := &found[T]{R: new(T), raw: raw}
	if err := json.Unmarshal(raw, f.R); err != nil {
		return nil, err
	}
	return f, nil
}

// conceptText is what a concept says: its text, else the display or the
// code of its first coding that has one.
func conceptText(c *r4.CodeableConcept) string {
	if c == nil {
		return ""
	}
	if c.Text != "" {
		return c.Text
	}
	for _, cd := range c.Coding {
		if cd.Display != "" {
			return cd.Display
		}
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd.Code
		}
	}
	return ""
}

// refText is a reference's display, else the reference.
func refText(r *r4.Reference) string {
	if r == nil {
		return ""
	}
	if r.Display != "" {
		return r.Display
	}
	return r.Reference
}

// reader searches the server in comma-list batches.
type reader struct{ client *rest.Client }

// search finds the resources of typ whose param matches any of values
// (each one search parameter value, escaped as a search needs), extra
// narrowing every search, decoded as T.
func search[T any, P typed[T]](ctx context.Context, rd reader, typ, param string, values []string, extra url.Values) ([]*found[T], error) {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	var out []*found[T]
	for chunk := range slices.Chunk(values, orBatch) {
		q := url.Values{}
		for k, v := range extra {
			q[k] = v
		}
		q.Set(param, strings.Join(chunk, ","))
		err := rd.client.Search(ctx, typ, q, func(raw json.RawMessage) error {
			r, err := decode[T, P](raw)
			if err != nil {
				return unreadable(typ, raw, err)
			}
			if r.hdr().ResourceType == typ {
				out = append(out, r)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// unreadable is the error of a search that found a resource it could not
// decode. The search fails with it, and the plan with the search: what
// the plan reads is what shows conflicts and what an earlier attempt
// already got through, so a resource it cannot read is not passed over.
// The sentence names the resource by type and id, never by what it
// holds, so that IT can find and mend it on the server.
func unreadable(typ string, raw json.RawMessage, err error) error {
	var h r4.Resource
	_ = json.Unmarshal(raw, &h)
	what := "a " + typ + " on the server without a readable id"
	if h.ID != "" {
		what = "the server's " + cmp.Or(h.ResourceType, typ) + "/" + h.ID
	}
	why := "it is not what FHIR R4 allows"
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		why = "it is not valid JSON"
	case errors.As(err, &te):
		// The path, without the Go types the members are decoded through.
		var path []string
		for m := range strings.SplitSeq(te.Field, ".") {
			if m != "" && !unicode.IsUpper(rune(m[0])) {
				path = append(path, m)
			}
		}
		if len(path) > 0 {
			why = "its " + strings.Join(path, ".") + " is not what FHIR R4 allows there"
		}
	}
	return fmt.Errorf("%s could not be read (%s): a search of %s found it, and the plan cannot be made until it is mended on the server", what, why, typ)
}

// byID reads resources of typ by id, keyed by id.
func byID[T any, P typed[T]](ctx context.Context, rd reader, typ string, ids []string) (map[string]*found[T], error) {
	got, err := search[T, P](ctx, rd, typ, "_id", ids, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*found[T], len(got))
	for _, r := range got {
		out[r.hdr().ID] = r
	}
	return out, nil
}

// version reads one earlier version of a resource (vread); nil when the
// server does not have it.
func version[T any, P typed[T]](ctx context.Context, rd reader, typ, id, version string) *found[T] {
	raw, err := rd.client.Read(ctx, typ, id+"/_history/"+version)
	if err != nil {
		return nil
	}
	r, err := decode[T, P](raw)
	if err != nil || r.hdr().ID != id {
		return nil
	}
	return r
}

// splitToken reads a token search value back into its system and code.
func splitToken(s string) (system, code string) {
	var parts [2]strings.Builder
	k := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			parts[k].WriteByte(s[i])
		case s[i] == '|' && k == 0:
			k = 1
		default:
			parts[k].WriteByte(s[i])
		}
	}
	return parts[0].String(), parts[1].String()
}

// escapeToken escapes a token search value's system|code separators and
// commas inside either part.
func escapeToken(system, value string) string {
	esc := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `|`, `\|`, `$`, `\$`)
	return esc.Replace(system) + "|" + esc.Replace(value)
}
