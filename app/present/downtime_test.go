package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/store"
)

func TestADowntimeEntryReadsWhatWhenAndWho(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 5, 0, 0, time.Local)
	hr, spo2 := 72.0, 97.0
	dose := store.JournalEntry{Entry: store.Entry{Kind: store.KindMedication, Author: "RN Peeters", ClinicalTime: at,
		EnteredAt: at.Add(2 * time.Minute), Medication: &store.Administered{Outcome: store.OutcomeHeld,
			Medication: "Paracetamol 1 g tablet", Route: "oral", Reason: "nil by mouth"}}}
	vitals := store.JournalEntry{Entry: store.Entry{Kind: store.KindVitals, Author: "RN Peeters", ClinicalTime: at,
		EnteredAt: at.Add(30 * time.Hour), Transcription: &store.Transcription{By: "RN Peeters", FromPaperSignedBy: "RN Claes"},
		Vitals: &store.VitalSigns{HeartRate: &hr, SpO2: &spo2}}, SupersededBy: "x"}
	cases := []struct {
		e    store.JournalEntry
		want string
	}{
		{dose, "26/11/2026 08:05 · Paracetamol 1 g tablet · oral · NOT GIVEN: held (nil by mouth) — RN Peeters, entered 26/11/2026 08:07"},
		{vitals, "[CORRECTED, see the newer entry] 26/11/2026 08:05 · HR 72 /min · SpO2 97 % — transcribed by RN Peeters from paper signed by RN Claes, 27/11/2026 14:05"},
	}
	for _, c := range cases {
		if got := EntryLine(c.e); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	s := DowntimeEntries(nil)
	if s.Title != "Recorded during downtime" || !strings.Contains(s.Empty, "on this kiosk") {
		t.Fatalf("%+v", s)
	}
}
