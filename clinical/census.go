package clinical

// CensusRow is one line of the ward list.
type CensusRow struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	MRN        string `json:"mrn,omitempty"`
	BirthDate  string `json:"birthDate,omitempty"`
	Sex        string `json:"sex,omitempty"`
	Ward       string `json:"ward,omitempty"`
	Room       string `json:"room,omitempty"`
	Bed        string `json:"bed,omitempty"`
	CodeStatus string `json:"codeStatus,omitempty"`
	DNR        bool   `json:"dnr"` // an active order not to resuscitate
	// Resus is the code status level ResuscitationOf gave the
	// chart when the snapshot was sealed (code included, which the row's
	// text may not say); empty when not recorded, and on the rows of
	// snapshots sealed before the level was kept, which are read by
	// today's rule from the text and the flag (CensusRow.Resuscitation).
	Resus         string        `json:"resuscitation,omitempty"`
	AllergyStatus SectionStatus `json:"allergyStatus"`
	Allergies     int           `json:"allergies"` // active allergies
	Isolation     string        `json:"isolation,omitempty"`
}
