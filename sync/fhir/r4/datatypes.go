package r4

// The general-purpose data types of R4 (§2.24) and the Dosage and Timing
// of §2.24.0.17–2.24.0.18, as far as the project uses them.

// Resource is what every resource has: its type, id and meta. Each
// resource type embeds it, so a resource decodes its header with it.
type Resource struct {
	ResourceType string `json:"resourceType,omitempty"`
	ID           string `json:"id,omitempty"`
	Meta         Meta   `json:"meta,omitzero"`
}

// Header is the resource's Resource part, for code that handles resources
// of any type.
func (r *Resource) Header() *Resource { return r }

// Meta is a resource's metadata.
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Tag         []Coding `json:"tag,omitempty"`
}

// Coding is one code of a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codes and/or text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// HasCode says whether any of the concept's codings has code.
func (c CodeableConcept) HasCode(code string) bool {
	for _, cd := range c.Coding {
		if cd.Code == code {
			return true
		}
	}
	return false
}

// Reference points at another resource, by reference, by identifier or
// only by a display.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	Use    string          `json:"use,omitempty"`
	Type   CodeableConcept `json:"type,omitzero"`
	System string          `json:"system,omitempty"`
	Value  string          `json:"value,omitempty"`
}

// Quantity is a measured amount. Value is a pointer: a quantity without a
// value is not a quantity of zero.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Range is a low and a high quantity, either open.
type Range struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
}

// Ratio is a numerator over a denominator.
type Ratio struct {
	Numerator   *Quantity `json:"numerator,omitempty"`
	Denominator *Quantity `json:"denominator,omitempty"`
}

// Period is a start and an end, either open (dateTime strings).
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

// Address is a postal address.
type Address struct {
	City       string `json:"city,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country,omitempty"`
}

// Narrative is a resource's or a section's human-readable text: status
// "generated" or "additional", and an XHTML div.
type Narrative struct {
	Status string `json:"status,omitempty"`
	Div    string `json:"div,omitempty"`
}

// Annotation is a note.
type Annotation struct {
	Text string `json:"text,omitempty"`
}

// Attachment is content in a format, here inline (data is base64).
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Data        string `json:"data,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// Dosage is how a medication is or was to be taken.
type Dosage struct {
	Text                    string           `json:"text,omitempty"`
	Timing                  Timing           `json:"timing,omitzero"`
	AsNeededBoolean         *bool            `json:"asNeededBoolean,omitempty"`
	AsNeededCodeableConcept *CodeableConcept `json:"asNeededCodeableConcept,omitempty"`
	Route                   CodeableConcept  `json:"route,omitzero"`
	DoseAndRate             []DoseAndRate    `json:"doseAndRate,omitempty"`
	MaxDosePerPeriod        *Ratio           `json:"maxDosePerPeriod,omitempty"`
}

// DoseAndRate is the amount of one dose and the rate it is given at.
type DoseAndRate struct {
	DoseRange    *Range    `json:"doseRange,omitempty"`
	DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
	RateRatio    *Ratio    `json:"rateRatio,omitempty"`
	RateRange    *Range    `json:"rateRange,omitempty"`
	RateQuantity *Quantity `json:"rateQuantity,omitempty"`
}

// Timing is when something happens: a repeat, a code, or both.
type Timing struct {
	Repeat *TimingRepeat   `json:"repeat,omitempty"`
	Code   CodeableConcept `json:"code,omitzero"`
}

// TimingRepeat is a schedule. Frequency stays float64 (R4 says
// positiveInt) so that 2.0 reads as 2.
type TimingRepeat struct {
	BoundsPeriod Period   `json:"boundsPeriod,omitzero"`
	Frequency    float64  `json:"frequency,omitempty"`
	FrequencyMax float64  `json:"frequencyMax,omitempty"`
	Period       float64  `json:"period,omitempty"`
	PeriodMax    float64  `json:"periodMax,omitempty"`
	PeriodUnit   string   `json:"periodUnit,omitempty"`
	DayOfWeek    []string `json:"dayOfWeek,omitempty"`
	TimeOfDay    []string `json:"timeOfDay,omitempty"`
	When         []string `json:"when,omitempty"`
}
