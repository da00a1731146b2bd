package fhir

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// The Synthea sample: twelve transaction Bundles written by someone else
// (see shared/fhir/synthea-r4/SOURCE.md).
const syntheaDir = "../../../shared/fhir/synthea-r4"

func TestTheSyntheaSampleImportsWhole(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(syntheaDir, "*.json"))
	if len(files) == 0 {
		t.Skip("the Synthea sample is not here")
	}
	im, err := Read(syntheaDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.inputs) != 12 || im.MalformedTotal != 0 || im.Unlinked != 0 {
		t.Fatalf("files %d, malformed %v, unlinked %d", len(im.inputs), im.Malformed, im.Unlinked)
	}
	if im.Counts["Patient"] != 12 || im.Counts["Observation"] != 1308 || im.Skipped["Claim"] != 317 {
		t.Errorf("counts %v skipped %v", im.Counts, im.Skipped)
	}
	// What is read but not shown is counted: the types not read, the
	// encounters that are over, the observations that are no vital sign
	// or lab, the labs older than the newest kept.
	if got, want := im.NotShown(), []string{
		"14 CarePlan not shown: status completed",
		"74 DiagnosticReport not shown: not read by Lifeboat",
		"231 Encounter not shown: status finished",
		"3 Goal not shown: not read by Lifeboat",
		"6 ImagingStudy not shown: not read by Lifeboat",
		"1 Observation not shown: category imaging",
		"95 Observation not shown: category survey",
		"1 Observation not shown: not a vital sign or lab",
		"26 Observation not shown: older than the newest 10 of its code",
	}; !slices.Equal(got, want) {
		t.Errorf("NotShown:\n got %q\nwant %q", got, want)
	}
	charts, err := im.Census(Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 12 {
		t.Fatalf("--all gave %d charts, want 12", len(charts))
	}
	byID := map[string]clinical.Chart{}
	for _, c := range charts {
		byID[c.Patient.ID] = c
	}

	// Patient.id is the urn:uuid of the Patient entry, not the file's uuid.
	for _, f := range files {
		id := readSyntheaSource(t, f).patient
		if _, ok := byID[id]; !ok {
			t.Errorf("%s: no chart with the patient's urn:uuid", filepath.Base(f))
		}
		if strings.Contains(filepath.Base(f), id) {
			t.Errorf("%s: the sample changed, the file name now holds the patient id", filepath.Base(f))
		}
	}

	// Non-ASCII names survive, in the chart and in the raw JSON.
	edu := byID["b89834ac-a767-4563-890b-cac9d55adb15"]
	if edu.Patient.Name != "Treviño, Eduardo" || !strings.Contains(string(edu.Patient.Source.JSON), "Treviño") {
		t.Errorf("name = %q", edu.Patient.Name)
	}
	if a := edu.Allergies; a.Status != clinical.Recorded || a.Items[0].Substance != "Shellfish allergy" || a.Items[0].Criticality != "low" {
		t.Errorf("Eduardo's allergies = %+v", a.Items)
	}
	if edu.Patient.MRN() != "6933f29b-28f2-4e69-9fee-b73267b0afb6" {
		t.Errorf("MRN = %q", edu.Patient.MRN())
	}

	// The patient with no allergies and no medications: nothing was said,
	// so nothing is known.
	cle := byID["d78af07c-9cb9-4f31-9b11-c45a28f2eec8"]
	if cle.Patient.Family != "Kreiger" || cle.Allergies.Status != clinical.NoneRecorded || cle.Medications.Status != clinical.NoneRecorded {
		t.Errorf("%s: allergies %s, medications %s, want none-recorded for both", cle.Patient.Name, cle.Allergies.Status, cle.Medications.Status)
	}

	// An inactive allergy comes after the active ones, with its status.
	kar := byID["58f620b1-910c-41b8-81cf-f8c7afd828b6"].Allergies.Items
	if last := kar[len(kar)-1]; last.Substance != "Allergy to soya" || last.ClinicalStatus != "inactive" {
		t.Errorf("Karena's last allergy = %+v", last)
	}

	// Dennis Durgan died in 2008 (deceasedDateTime); nobody else did.
	for _, c := range charts {
		want := c.Patient.ID == "0ac13d55-d566-450a-aea0-f6a71f1ad73b"
		if want && c.Patient.Family != "Durgan" {
			t.Errorf("%s: the sample changed", c.Patient.Name)
		}
		if c.Patient.Deceased != want || c.Patient.DeceasedAt.IsZero() == want {
			t.Errorf("%s: deceased %v at %v", c.Patient.Name, c.Patient.Deceased, c.Patient.DeceasedAt)
		}
		if want && !c.Patient.DeceasedAt.Equal(time.Date(2008, 11, 12, 12, 17, 10, 0, time.UTC)) {
			t.Errorf("Dennis Durgan died at %v", c.Patient.DeceasedAt)
		}
	}

	for _, c := range charts {
		if c.Patient.Weight == nil || c.Patient.Weight.Time.IsZero() {
			t.Errorf("%s: no dated weight", c.Patient.Name)
		}
		meds := c.Medications.Items
		if !slices.IsSortedFunc(meds, func(a, b clinical.Medication) int { return medRank(a) - medRank(b) }) {
			t.Errorf("%s: medications are not active first", c.Patient.Name)
		}
		for _, o := range c.Vitals.Items {
			if o.Code == "85354-9" && !strings.Contains(o.Value, "/") {
				t.Errorf("%s: blood pressure %q", c.Patient.Name, o.Value)
			}
			if len(o.Value) > 8 {
				t.Errorf("%s: %s shows as %q", c.Patient.Name, o.Name, o.Value)
			}
		}
		if len(c.Patient.Source.JSON) == 0 || c.Patient.Ward != "" {
			t.Errorf("%s: source %d bytes, ward %q", c.Patient.Name, len(c.Patient.Source.JSON), c.Patient.Ward)
		}
	}
}
