package fhir

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lifeboat/clinical"
)

// syntheaSource is what one Synthea file holds of the rest of the record,
// read from the file by the test, to compare with the chart.
type syntheaSource struct {
	patient       string
	immunizations map[string]string // id -> "vaccine|date"
	procedures    map[string]string // id -> "name|start"
	languages     []string
	devices       int
	carePlans     map[string]string // id -> category words, those in force
	allPlans      int
}

func readSyntheaSource(t *testing.T, file string) syntheaSource {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Entry []struct {
			FullURL  string `json:"fullUrl"`
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
				Status       string `json:"status"`
				Code         struct {
					Text string `json:"text"`
				} `json:"code"`
				VaccineCode struct {
					Text string `json:"text"`
				} `json:"vaccineCode"`
				OccurrenceDateTime string `json:"occurrenceDateTime"`
				PerformedPeriod    struct {
					Start string `json:"start"`
				} `json:"performedPeriod"`
				PerformedDateTime string          `json:"performedDateTime"`
				Category          json.RawMessage `json:"category"` // strings in an AllergyIntolerance
				Communication     []struct {
					Language struct {
						Text   string `json:"text"`
						Coding []struct {
							Display string `json:"display"`
						} `json:"coding"`
					} `json:"language"`
				} `json:"communication"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	s := syntheaSource{immunizations: map[string]string{}, procedures: map[string]string{}, carePlans: map[string]string{}}
	for _, e := range b.Entry {
		r := e.Resource
		switch r.ResourceType {
		case "Patient":
			s.patient = strings.TrimPrefix(e.FullURL, "urn:uuid:")
			for _, c := range r.Communication {
				l := c.Language.Text
				if l == "" && len(c.Language.Coding) > 0 {
					l = c.Language.Coding[0].Display
				}
				s.languages = append(s.languages, l)
			}
		case "Immunization":
			if r.Status != "entered-in-error" {
				s.immunizations[r.ID] = r.VaccineCode.Text + "|" + r.OccurrenceDateTime
			}
		case "Procedure":
			if r.Status != "entered-in-error" && r.Status != "not-done" && r.Status != "preparation" {
				s.procedures[r.ID] = r.Code.Text + "|" + r.PerformedPeriod.Start + r.PerformedDateTime
			}
		case "Device", "DeviceUseStatement":
			s.devices++
		case "CarePlan":
			s.allPlans++
			if r.Status == "active" || r.Status == "on-hold" {
				var cats []struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(r.Category, &cats); err != nil {
					t.Fatal(err)
				}
				var words []string
				for _, c := range cats {
					words = append(words, c.Text)
				}
				s.carePlans[r.ID] = strings.Join(words, ", ")
			}
		}
	}
	return s
}

// TestTheSyntheaSampleRestOfTheRecordMatchesItsSource compares the
// immunizations, procedures, devices and languages of each Synthea
// patient with the resources of the patient's file: every one of them
// shown, with its name and date, and none added.
func TestTheSyntheaSampleRestOfTheRecordMatchesItsSource(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(syntheaDir, "*.json"))
	if len(files) == 0 {
		t.Skip("the Synthea sample is not here")
	}
	im, charts := readCharts(t, syntheaDir)
	byID := map[string]clinical.Chart{}
	for _, c := range charts {
		byID[c.Patient.ID] = c
	}
	var imms, procs, langs, devices, plans, active int
	for _, f := range files {
		src := readSyntheaSource(t, f)
		c, ok := byID[src.patient]
		if !ok {
			t.Fatalf("no chart for a patient of the sample")
		}
		name := c.Patient.Name
		imms += len(src.immunizations)
		procs += len(src.procedures)
		langs += len(src.languages)
		devices += src.devices
		plans += src.allPlans
		active += len(src.carePlans)

		got := map[string]string{}
		for _, i := range c.Immunizations.Items {
			got[i.Source.ID] = i.Vaccine + "|" + i.Date.Format("2006-01-02T15:04:05-07:00")
			if len(i.Source.JSON) == 0 || i.Source.Type != "Immunization" {
				t.Errorf("%s: immunization %s without its source", name, i.Source.ID)
			}
		}
		if !sameTimes(got, src.immunizations) {
			t.Errorf("%s: immunizations\n got %v\nwant %v", name, got, src.immunizations)
		}
		got = map[string]string{}
		for _, p := range c.Procedures.Items {
			got[p.Source.ID] = p.Name + "|" + p.Performed.Format("2006-01-02T15:04:05-07:00")
		}
		if !sameTimes(got, src.procedures) {
			t.Errorf("%s: procedures\n got %v\nwant %v", name, got, src.procedures)
		}
		if !slices.IsSortedFunc(c.Procedures.Items, func(a, b clinical.Procedure) int { return b.Performed.Compare(a.Performed) }) {
			t.Errorf("%s: procedures are not newest first", name)
		}
		// Nothing said of a section is no "none known".
		for sec, s := range map[string]clinical.SectionStatus{"immunizations": c.Immunizations.Status, "procedures": c.Procedures.Status,
			"devices": c.Devices.Status, "advanceDirectives": c.AdvanceDirectives.Status} {
			if s == clinical.NoneKnown {
				t.Errorf("%s: %s none known, the sample asserts nothing of it", name, sec)
			}
		}
		if want := map[bool]clinical.SectionStatus{true: clinical.Recorded, false: clinical.NoneRecorded}[len(src.immunizations) > 0]; c.Immunizations.Status != want {
			t.Errorf("%s: immunizations %s, want %s", name, c.Immunizations.Status, want)
		}
		got = map[string]string{}
		for _, o := range c.Orders.Items {
			if o.Kind == clinical.OrderPlan {
				got[o.Source.ID] = o.Text
			}
		}
		if !maps.Equal(got, src.carePlans) {
			t.Errorf("%s: care plans\n got %v\nwant %v", name, got, src.carePlans)
		}
		if len(c.Devices.Items) != src.devices {
			t.Errorf("%s: %d devices, the file has %d", name, len(c.Devices.Items), src.devices)
		}
		var gotLangs []string
		for _, k := range c.Contacts.Items {
			if k.Kind == clinical.ContactLanguage {
				gotLangs = append(gotLangs, k.Language)
			}
		}
		if !slices.Equal(gotLangs, src.languages) {
			t.Errorf("%s: languages %q, want %q", name, gotLangs, src.languages)
		}
	}
	// What the sample holds, counted from its files (said in the report).
	t.Logf("Synthea sample: %d immunizations, %d procedures, %d languages, %d devices, %d care plans (%d in force)", imms, procs, langs, devices, plans, active)
	if imms == 0 || procs == 0 || langs == 0 || active == 0 {
		t.Errorf("the sample changed: %d immunizations, %d procedures, %d languages, %d care plans in force", imms, procs, langs, active)
	}
	if got := im.NotShown(); slices.ContainsFunc(got, func(l string) bool {
		return strings.Contains(l, "Immunization") || strings.Contains(l, "Procedure")
	}) {
		t.Errorf("immunizations or procedures not shown: %q", got)
	}
}

// sameTimes compares "text|time" values, times as instants.
func sameTimes(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			return false
		}
		gt, gtime, _ := strings.Cut(g, "|")
		wt, wtime, _ := strings.Cut(w, "|")
		a, okA := parseTime(gtime)
		b, okB := parseTime(wtime)
		if gt != wt || okA != okB || (okA && !a.Equal(b)) {
			return false
		}
	}
	return true
}
