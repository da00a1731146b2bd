package reconcile

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"lifeboat/store"
	"lifeboat/sync/rest"
)

// What the planner reads of the server: the few fields of each resource it
// compares, decoded once.

// orBatch is how many values one search names in its comma list.
const orBatch = 100

// resource is the part of any resource the planner reads.
type resource struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Meta         struct {
		VersionID   string `json:"versionId"`
		LastUpdated string `json:"lastUpdated"`
	} `json:"meta"`
	Status     string       `json:"status"`
	Active     *bool        `json:"active"`
	Identifier []identifier `json:"identifier"`
	Link       []struct {
		Other struct {
			Reference string `json:"reference"`
		} `json:"other"`
		Type string `json:"type"`
	} `json:"link"`
	// Patient
	Name      []humanName `json:"name"`
	Gender    string      `json:"gender"`
	BirthDate string      `json:"birthDate"`
	// MedicationRequest
	DosageInstruction json.RawMessage `json:"dosageInstruction"`
	Medication        *codeable       `json:"medicationCodeableConcept"`
	MedicationRef     *reference      `json:"medicationReference"`
	Requester         *reference      `json:"requester"`
	// AllergyIntolerance
	Code               *codeable  `json:"code"`
	VerificationStatus *codeable  `json:"verificationStatus"`
	ClinicalStatus     *codeable  `json:"clinicalStatus"`
	Criticality        string     `json:"criticality"`
	RecordedDate       string     `json:"recordedDate"`
	Recorder           *reference `json:"recorder"`
	// Encounter
	Period *struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"period"`
	Subject *reference `json:"subject"`
	Patient *reference `json:"patient"`

	raw json.RawMessage
}

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type humanName struct {
	Family string   `json:"family"`
	Given  []string `json:"given"`
	Text   string   `json:"text"`
}

type codeable struct {
	Text   string `json:"text"`
	Coding []struct {
		System  string `json:"system"`
		Code    string `json:"code"`
		Display string `json:"display"`
	} `json:"coding"`
}

type reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display"`
}

func (c *codeable) String() string {
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

func (c *codeable) has(code string) bool {
	if c == nil {
		return false
	}
	for _, cd := range c.Coding {
		if cd.Code == code {
			return true
		}
	}
	return false
}

func (r *reference) String() string {
	if r == nil {
		return ""
	}
	if r.Display != "" {
		return r.Display
	}
	return r.Reference
}

func (r *resource) ref() store.ServerRef {
	return store.ServerRef{Type: r.ResourceType, ID: r.ID, Version: r.Meta.VersionID}
}

func (r *resource) server() *ServerResource {
	return &ServerResource{Type: r.ResourceType, ID: r.ID, Version: r.Meta.VersionID, Body: r.raw}
}

func (r *resource) hasIdentifier(system, value string) bool {
	return slices.Contains(r.Identifier, identifier{System: system, Value: value})
}

func decode(raw json.RawMessage) (*resource, error) {
	var r resource
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	r.raw = raw
	return &r, nil
}

// reader searches the server in comma-list batches.
type reader struct{ client *rest.Client }

// search finds the resources of typ whose param matches any of values
// (each one search parameter value, escaped as a search needs), extra
// narrowing every search.
func (rd reader) search(ctx context.Context, typ, param string, values []string, extra url.Values) ([]*resource, error) {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	var out []*resource
	for chunk := range slices.Chunk(values, orBatch) {
		q := url.Values{}
		for k, v := range extra {
			q[k] = v
		}
		q.Set(param, strings.Join(chunk, ","))
		err := rd.client.Search(ctx, typ, q, func(raw json.RawMessage) error {
			r, err := decode(raw)
			if err != nil {
				return err
			}
			if r.ResourceType == typ {
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

// byID reads resources of typ by id, keyed by id.
func (rd reader) byID(ctx context.Context, typ string, ids []string) (map[string]*resource, error) {
	found, err := rd.search(ctx, typ, "_id", ids, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*resource, len(found))
	for _, r := range found {
		out[r.ID] = r
	}
	return out, nil
}

// version reads one earlier version of a resource (vread); nil when the
// server does not have it.
func (rd reader) version(ctx context.Context, typ, id, version string) *resource {
	raw, err := rd.client.Read(ctx, typ, id+"/_history/"+version)
	if err != nil {
		return nil
	}
	r, err := decode(raw)
	if err != nil || r.ID != id {
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
