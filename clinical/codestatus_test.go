package clinical

import (
	"testing"
	"time"
)

// Code status as hospitals state it: SNOMED codes, the usual words, and
// the Belgian DNR codes 0 to 3 however they are written; DNR 0 is not an
// order not to resuscitate.
func TestCodeStatusIsReadAsTheHospitalStatesIt(t *testing.T) {
	for _, tc := range []struct {
		code, text string
		want       string
		dnr        bool
	}{
		{"304253006", "Not for resuscitation", ResusDNR, true},
		{"450476008", "", ResusDNR, true},
		{"", "DNR – not for resuscitation", ResusDNR, true},
		{"304252001", "For resuscitation", ResusFullCode, false},
		{"", "Full code", ResusFullCode, false},
		{"", "DNR 0", ResusDNR0, false},
		{"", "DNR-code 0: alle behandelingen", ResusDNR0, false},
		{"", "DNR 1", ResusDNR1, true},
		{"", "DNR code 2 – geen nieuwe therapieën, geen IZ", ResusDNR2, true},
		{"", "code DNR 2", ResusDNR2, true},
		{"DNR3", "Comfort care", ResusDNR3, true},
		{"dnr-2", "", ResusDNR2, true},
		{"", "Code DNR: 3", ResusDNR3, true},
		{"", "Discuss with family", ResusOther, false},
		{"", "", ResusNotRecorded, false},
		{"", "DNR 4", ResusDNR, true}, // not a Belgian code: the word DNR still counts
		// One rule: a Belgian code first, then the coded value, then the
		// words only when the code says nothing.
		{"304252001", "DNR discussed, declined", ResusFullCode, false},
		{"304252001", "DNR 2", ResusDNR2, true},
		{"304253006", "Full code discussed", ResusDNR, true},
		{"local-7", "DNR discussed", ResusDNR, true},
	} {
		a := Alert{Kind: AlertCodeStatus, Code: tc.code, Text: tc.text, Status: "active"}
		if got := a.Resuscitation(); got != tc.want || a.NotForResuscitation() != tc.dnr {
			t.Errorf("%q %q: %q, DNR %v; want %q, %v", tc.code, tc.text, got, a.NotForResuscitation(), tc.want, tc.dnr)
		}
	}
	if (Alert{Kind: AlertCodeStatus, Text: "DNR 2", Status: "inactive"}).Resuscitation() != ResusNotRecorded {
		t.Error("an inactive code status counts")
	}
	// A census row reads its sealed text, and keeps a DNR sealed as such.
	for _, tc := range []struct {
		r    CensusRow
		want string
	}{
		{CensusRow{CodeStatus: "DNR 2", DNR: true}, ResusDNR2},
		{CensusRow{CodeStatus: "DNR 0", DNR: true}, ResusDNR0}, // sealed before DNR 0 was read as such
		{CensusRow{CodeStatus: "Comfort measures", DNR: true}, ResusDNR},
		{CensusRow{CodeStatus: "Full code – DNR discussed, declined"}, ResusFullCode}, // the flag, not the words
		{CensusRow{}, ResusNotRecorded},
		{CensusRow{CodeStatus: "DNR discussed, declined"}, ResusFullCode}, // sealed with code 304252001
	} {
		if got := tc.r.Resuscitation(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.r, got, tc.want)
		}
	}
}

// A code status entry is validated, and the newest one that holds becomes
// the chart's code status alert.
func TestACodeStatusEntryIsCheckedAndTheNewestHolds(t *testing.T) {
	for _, tc := range []struct {
		cs *CodeStatus
		ok bool
	}{
		{&CodeStatus{Level: ResusDNR2, Text: "geen IZ"}, true},
		{&CodeStatus{Level: ResusFullCode}, true},
		{&CodeStatus{Level: "maybe"}, false},
		{&CodeStatus{Level: ResusDNR1, Text: "DNR 2"}, false}, // the text says another code
	} {
		now := time.Now()
		e := Entry{ID: "6f1c2d9e-0b7a-4c3e-9d51-3f0e8a2b1c4d", Kind: KindCodeStatus, Patient: "p1", Author: "RN Peeters",
			KioskID: "kiosk-1", ClinicalTime: now.Add(-20 * time.Minute), EnteredAt: now, CodeStatus: tc.cs}
		err := e.Validate(time.Now())
		if (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.cs, err)
		}
	}
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	entries := []journaled{
		{Entry: Entry{ID: "a", Kind: KindCodeStatus, ClinicalTime: t0, CodeStatus: &CodeStatus{Level: ResusFullCode}}},
		{Entry: Entry{ID: "b", Kind: KindCodeStatus, ClinicalTime: t0.Add(2 * time.Hour), CodeStatus: &CodeStatus{Level: ResusDNR3}},
			superseded: true},
		{Entry: Entry{ID: "c", Kind: KindCodeStatus, ClinicalTime: t0.Add(time.Hour), CodeStatus: &CodeStatus{Level: ResusDNR2, Text: "geen IZ"}}},
	}
	a, ok := CodeStatusAlert(entries)
	if !ok || a.Text != "DNR 2 – geen IZ" || a.Resuscitation() != ResusDNR2 || !a.NotForResuscitation() {
		t.Errorf("alert %+v %v", a, ok)
	}
	if _, ok := CodeStatusAlert[journaled](nil); ok {
		t.Error("a code status from nothing")
	}
}
