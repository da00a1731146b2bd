package reconcile

import (
	"testing"

	"lifeboat/clinical"
)

// A code status stated during downtime becomes an active Flag that the
// reader takes back as the same code status: SNOMED for full code and
// DNR, the Belgian code in the text.
func TestACodeStatusEntryBecomesAFlag(t *testing.T) {
	c := Context{Patient: "Patient/rq-p1"}
	for _, tc := range []struct {
		cs           clinical.CodeStatus
		text, snomed string
	}{
		{clinical.CodeStatus{Level: clinical.ResusDNR2, Text: "geen IZ"}, "DNR 2 – geen IZ", "304253006"},
		{clinical.CodeStatus{Level: clinical.ResusDNR0}, "DNR 0 – no restriction", ""},
		{clinical.CodeStatus{Level: clinical.ResusFullCode}, "Full code (for resuscitation)", "304252001"},
	} {
		e := rqEntry(t, clinical.KindCodeStatus, func(e *clinical.Entry) { cs := tc.cs; e.CodeStatus = &cs })
		reqs, err := Requests(e, c, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if got := rqCreated(reqs); got["Flag"] != 1 || got["Provenance"] != 1 || len(got) != 2 {
			t.Fatalf("%s gave %v", tc.cs.Level, got)
		}
		f := reqs[0].Resource
		if rqField(t, f, "resourceType") != "Flag" || rqField(t, f, "status") != "active" || rqField(t, f, "code", "text") != tc.text ||
			rqField(t, f, "subject", "reference") != "Patient/rq-p1" || !Identifies(f, e.ID, Config{}) {
			t.Errorf("%s: %s", tc.cs.Level, f)
		}
		if got, _ := rqField(t, f, "code", "coding", "0", "code").(string); got != tc.snomed {
			t.Errorf("%s: SNOMED %q, want %q", tc.cs.Level, got, tc.snomed)
		}
		level := clinical.ResuscitationOf(tc.snomed, tc.text)
		if level != tc.cs.Level {
			t.Errorf("read back as %s, was %s", level, tc.cs.Level)
		}
	}
}
