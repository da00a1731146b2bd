package present

import (
	"testing"
	"time"

	"lifeboat/clinical"
)

// The rest of the record keeps "none known" apart from "none recorded",
// with the source's reason, and says when a section could not be read.
func TestRecordSectionsEmptyIsNotUnknown(t *testing.T) {
	c := &clinical.Chart{}
	c.Devices.Assertion = &clinical.Source{Type: "List", ID: "devices"}
	c.Diet.EmptyReason = "notasked"
	c.Contacts.Unreadable = true
	c.Settle()
	got := map[string]Section{}
	for _, s := range RecordSections(c, time.Time{}) {
		got[s.Title] = s
	}
	for title, want := range map[string]string{
		"Lines, drains and devices": "No known devices (stated in the record)",
		"Diet":                      "No diet orders recorded – this does not mean there are none (not asked)",
		"Contacts and language":     "No contacts recorded – this does not mean there are none",
		"Procedures":                "No procedures recorded – this does not mean there are none",
	} {
		if got[title].Empty != want {
			t.Errorf("%s: %q, want %q", title, got[title].Empty, want)
		}
	}
	if got["Contacts and language"].Warning != UnreadableSection || got["Diet"].Warning != "" {
		t.Errorf("unreadable contacts %q, diet %q", got["Contacts and language"].Warning, got["Diet"].Warning)
	}
}
