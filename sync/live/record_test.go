package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhirtest"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
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
		member = member || (m.Kind == clinical.CareTeamMember && m.Name == "Jan Huisarts")
	}
	if !member {
		t.Errorf("the care team member is not named from the server's Practitioner: %+v", c.CareTeam.Items)
	}
}

func count[T any](s clinical.Section[T]) int {
	if s.Status != clinical.Recorded {
		return 0
	}
	return len(s.Items)
}

// A refresh follows the rest of the record too: an immunization entered
// in error and a catheter removed on the server leave the chart in the
// next delta, counted as not shown.
func TestARefreshWithdrawsWhatTheServerWithdrew(t *testing.T) {
	files := ward(t, 12)
	srv := fhirtest.Start(t, fhirtest.Options{}, files)
	dir, keys := vault(t)
	p := puller(t, srv, dir, keys, live.Census{Ward: "ward-1"}, rest.Options{})
	step(t, p)
	c := p.Client
	imm := first(t, c, "Immunization", map[string]string{"status": "completed"})
	dus := first(t, c, "DeviceUseStatement", map[string]string{})
	owner := func(typ, id, field string) string {
		ref := resource(t, c, typ, id)[field].(map[string]any)["reference"].(string)
		return ref[len("Patient/"):]
	}
	immOf, dusOf := owner("Immunization", imm, "patient"), owner("DeviceUseStatement", dus, "subject")
	before := open(t, dir, keys)
	if !shows(t, before, immOf, imm) || !shows(t, before, dusOf, dus) {
		t.Skip("the first immunization or statement found is of a patient off ward-1")
	}
	m := resource(t, c, "Immunization", imm)
	m["status"] = "entered-in-error"
	put(t, srv, m)
	m = resource(t, c, "DeviceUseStatement", dus)
	m["status"] = "completed"
	put(t, srv, m)
	if res := step(t, p); res.Full {
		t.Fatalf("the second step was a full pull: %+v", res)
	}
	after := open(t, dir, keys)
	if shows(t, after, immOf, imm) || shows(t, after, dusOf, dus) {
		t.Errorf("the withdrawn immunization or device is still shown")
	}
	for _, want := range []string{"1 Immunization not shown: status entered-in-error", "1 DeviceUseStatement not shown: status completed"} {
		if !slices.Contains(after.Manifest.NotShown, want) {
			t.Errorf("notShown %q lacks %q", after.Manifest.NotShown, want)
		}
	}
}

// shows says whether the patient's chart has a row from the resource.
func shows(t *testing.T, s *store.Snapshot, patient, id string) bool {
	t.Helper()
	c, err := s.Chart(context.Background(), patient)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	clinical.EachSource(c, func(src *clinical.Source) { found = found || src.ID == id })
	return found
}
