package reconcile

import "encoding/json"

// Identifier systems. A hospital may choose its own (Config); these are
// the defaults.
const (
	// DefaultEntrySystem names the identifier that carries a downtime
	// entry's UUID on every resource made from it.
	DefaultEntrySystem = "urn:lifeboat:downtime-entry"
	// DefaultTemporarySystem names the identifier that carries a temporary
	// patient identifier (T-…) given during downtime.
	DefaultTemporarySystem = "urn:lifeboat:temporary-patient"
)

// Config says how entries become FHIR resources.
type Config struct {
	EntrySystem     string // identifier system of entry UUIDs; DefaultEntrySystem when empty
	TemporarySystem string // identifier system of temporary patient ids; DefaultTemporarySystem when empty
}

func (c Config) entrySystem() string {
	if c.EntrySystem != "" {
		return c.EntrySystem
	}
	return DefaultEntrySystem
}

func (c Config) temporarySystem() string {
	if c.TemporarySystem != "" {
		return c.TemporarySystem
	}
	return DefaultTemporarySystem
}

// ServerResource is a resource as the server holds it now.
type ServerResource struct {
	Type    string          `json:"resourceType"`
	ID      string          `json:"id"`
	Version string          `json:"versionId,omitempty"`
	Body    json.RawMessage `json:"-"`
}

// Reference is "Type/id".
func (r ServerResource) Reference() string { return r.Type + "/" + r.ID }

// Context is what the server holds that an entry's resources point at or
// change: the plan reads it, Requests uses it.
type Context struct {
	// Patient is the server's reference of the entry's patient
	// ("Patient/123"): the snapshot's patient, or the record a temporary
	// patient was linked to or created as.
	Patient string
	// Encounter is the patient's current encounter as the server holds it
	// now, for a transfer or discharge (which update it) and for the
	// resources that name it; nil when there is none.
	Encounter *ServerResource
	// Cancelled is, for a cancellation, the resources the cancelled entry
	// created, as the server holds them now; they are marked entered in
	// error.
	Cancelled []ServerResource
}

// Request is one entry of a transaction Bundle.
type Request struct {
	Type        string          // the resource type
	Method      string          // POST (conditional create) or PUT (update of an existing resource)
	URL         string          // "Observation", or "Encounter/123" for a PUT
	FullURL     string          // urn:uuid:… for a POST, so other requests of the entry can point at it
	IfNoneExist string          // for a POST: the search that finds it if an earlier attempt created it
	IfMatch     string          // for a PUT: W/"versionId" of the version the change was made on
	Resource    json.RawMessage // the resource
}
