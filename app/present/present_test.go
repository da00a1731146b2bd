package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

func TestAgeCountsWholeYearsOnTheDay(t *testing.T) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	for birth, want := range map[string]int{
		"1941-11-26": 85, "1941-11-27": 84, "1941-12-01": 84, "1941": 85, "": -1, "unknown": -1,
	} {
		if got := AgeYears(birth, now); got != want {
			t.Errorf("AgeYears(%q) = %d, want %d", birth, got, want)
		}
	}
}

func TestNoneKnownAndNoneRecordedNeverReadAlike(t *testing.T) {
	known, recorded := Empty(clinical.NoneKnown, "allergies"), Empty(clinical.NoneRecorded, "allergies")
	if known == recorded || !strings.Contains(known, "No known allergies") || !strings.Contains(recorded, "does not mean there are none") {
		t.Fatalf("%q / %q", known, recorded)
	}
	c := &clinical.Chart{}
	c.Settle()
	if b := AllergyBanner(c); !strings.Contains(b, "NO ALLERGIES RECORDED") {
		t.Fatalf("banner = %q", b)
	}
	c.Allergies = clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Latex", ClinicalStatus: "resolved"}}}
	c.Settle()
	if b := AllergyBanner(c); !strings.Contains(b, "none active") {
		t.Fatalf("banner = %q", b)
	}
	c.Allergies.Items = append(c.Allergies.Items, clinical.Allergy{Substance: "Penicillin", Criticality: "high",
		Reaction: "anaphylaxis", ClinicalStatus: "active", VerificationStatus: "unconfirmed"})
	if b := AllergyBanner(c); b != "ALLERGIES: Penicillin (HIGH RISK, anaphylaxis, unconfirmed)" {
		t.Fatalf("banner = %q", b)
	}
}

func TestAMissingCodeStatusIsSaidOutLoud(t *testing.T) {
	if s := CodeStatus(&clinical.Chart{}); s != "CODE STATUS: not recorded" {
		t.Fatal(s)
	}
}

func TestFreshnessTurnsAmberAfter15MinutesAndRedAfterAnHour(t *testing.T) {
	for age, want := range map[time.Duration]FreshnessLevel{
		0: Fresh, 14 * time.Minute: Fresh, 15 * time.Minute: Amber, 59 * time.Minute: Amber, time.Hour: Red, 48 * time.Hour: Red,
	} {
		if got := Level(age); got != want {
			t.Errorf("Level(%v) = %v, want %v", age, got, want)
		}
	}
	m := store.Manifest{Generation: 12, AsOf: time.Now().Add(-137 * time.Minute)}
	if s := Freshness(m, time.Now()); !strings.HasPrefix(s, "DOWNTIME – data as of ") || !strings.HasSuffix(s, "2 h 17 min old (generation 12)") {
		t.Fatal(s)
	}
}

func TestObservationsReadAsOnTheWard(t *testing.T) {
	bp := clinical.Observation{Code: "85354-9", Name: "Blood pressure panel with all children optional", Value: "150/95", Unit: "mm[Hg]", Abnormal: true, Flag: "H"}
	if n, v := ObservationName(bp), Observation(bp); n != "Blood pressure" || v != "150/95 mmHg [H]" {
		t.Fatalf("%q %q", n, v)
	}
	pain := clinical.Observation{Code: "72514-3", Value: "3", Unit: "{score}"}
	if v := Observation(pain); v != "3" {
		t.Fatalf("%q", v)
	}
	lo, hi := 3.5, 5.1
	if r := Range(clinical.Observation{Low: &lo, High: &hi}); r != "3.5–5.1" {
		t.Fatal(r)
	}
}

func TestAnOrderLineSaysPRNStatusAndLastDose(t *testing.T) {
	m := clinical.Medication{Name: "Morphine 10 mg/mL", Dosage: "2.5 mg subcutaneous every 4 h", PRN: true, PRNReason: "pain",
		Status: "on-hold", LastGiven: time.Date(2026, 11, 26, 4, 0, 0, 0, time.Local)}
	want := "Morphine 10 mg/mL — 2.5 mg subcutaneous every 4 h (as needed for pain) [ON-HOLD]; last given 26/11/2026 04:00"
	if got := MedicationLine(m); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestAgeReadsLikeANurseWould(t *testing.T) {
	for d, want := range map[time.Duration]string{
		4 * time.Minute: "4 min", 137 * time.Minute: "2 h 17 min", 76 * time.Hour: "3 d 4 h", -time.Minute: "0 min",
	} {
		if got := Age(d); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTheWarningSaysWhichGenerationOpenedAndWhy(t *testing.T) {
	now := time.Now()
	s := &store.Snapshot{Manifest: store.Manifest{Generation: 4, AsOf: now.Add(-75 * time.Minute)},
		Refused: []store.Refusal{{Generation: 5, Reason: "is not signed by the trusted key"}}}
	w := Warning(s, now)
	if !strings.HasPrefix(w, "Showing older generation 4, data as of ") || !strings.HasSuffix(w, "(1 h 15 min old), because generation 5 is not signed by the trusted key.") {
		t.Fatal(w)
	}
	if Warning(&store.Snapshot{}, now) != "" {
		t.Fatal("a newest generation needs no warning")
	}
}

func TestUnreadableRecordsAreSaidOnTheBannersAndSections(t *testing.T) {
	c := &clinical.Chart{}
	c.Allergies.Unreadable, c.Alerts.Unreadable, c.Labs.Unreadable = true, true, true
	c.Settle()
	if b := AllergyBanner(c); !strings.Contains(b, "NO ALLERGIES RECORDED") || !strings.HasSuffix(b, "SOME ALLERGY RECORDS COULD NOT BE READ") {
		t.Fatal(b)
	}
	if s := CodeStatus(c); !strings.Contains(s, "could not be read") {
		t.Fatal(s)
	}
	for _, s := range Sections(c, time.Now()) {
		if (s.Title == "Laboratory (latest)") != (s.Warning == UnreadableSection) {
			t.Fatalf("%s: warning %q", s.Title, s.Warning)
		}
	}
}
