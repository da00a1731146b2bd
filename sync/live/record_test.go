package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"lifeboat/store"
)

// TestTheRestOfTheRecordComesFromTheServerAsFromFiles adds to a ward
// patient one resource of each kind of the rest of the record (the
// fixture of sync/fhir), a Device in or on no patient that only a
// statement of use names, and a care team member known only by a
// Practitioner, and pulls: every section arrives, as the files give it.
func TestTheRestOfTheRecordComesFromTheServerAsFromFiles(t *testing.T) {
	files := ward(t, 12)
	patient := firstOnWard(t, files)
	raw, err := os.ReadFile("../fhir/testdata/record.json")
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Entry []struct {
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, e := range b.Entry {
		r := e.Resource
		switch r["resourceType"] {
		case "Patient", "Encounter": // the ward's own patient and stay
			continue
		case "Device":
			if r["id"] == "dev-1" {
				delete(r, "patient") // named by the statement only
			}
		case "CareTeam":
			p := r["participant"].([]any)[0].(map[string]any)
			delete(p["member"].(map[string]any), "display") // named by the Practitioner
		}
		line, _ := json.Marshal(r)
		out.Write(bytes.ReplaceAll(line, []byte(`"Patient/rec-1"`), []byte(`"Patient/`+patient+`"`)))
		out.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(files, "zz-record.ndjson"), out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	s := samePullAsFiles(t, files)
	c, err := s.Chart(context.Background(), patient)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"contacts": count(c.Contacts), "careTeam": count(c.CareTeam),
		"advanceDirectives": count(c.AdvanceDirectives), "orders": count(c.Orders), "diet": count(c.Diet),
		"devices": count(c.Devices), "procedures": count(c.Procedures), "immunizations": count(c.Immunizations),
		"bloodGroup": count(c.BloodGroup), "pregnancy": count(c.Pregnancy)} {
		if n == 0 {
			t.Errorf("%s: nothing from the server", name)
		}
	}
	var named bool
	for _, d := range c.Devices.Items {
		named = named || (d.Name == "Peripheral IV cannula 20G" && d.Source.Type == "DeviceUseStatement")
	}
	if !named {
		t.Errorf("the statement's device is not named from the server's Device: %+v", c.Devices.Items)
	}
	var member bool
	for _, m := range c.CareTeam.Items {
		member = member || (m.Kind == store.CareTeamMember && m.Name == "Jan Huisarts")
	}
	if !member {
		t.Errorf("the care team member is not named from the server's Practitioner: %+v", c.CareTeam.Items)
	}
}

func count[T any](s store.Section[T]) int {
	if s.Status != store.Recorded {
		return 0
	}
	return len(s.Items)
}
