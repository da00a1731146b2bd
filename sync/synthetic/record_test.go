package synthetic_test

import (
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

// The demo ward shows the rest of the record: read as any FHIR input,
// every section is recorded for some patients, advance directives are
// stated none for some and not said for others, and none of it is left
// out or malformed.
func TestTheWardHasTheRestOfTheRecord(t *testing.T) {
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)
	data, err := synthetic.Bundle(synthetic.Options{Patients: 120, Seed: 26, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	im, err := fhir.ReadBytes("synthetic ward", data)
	if err != nil {
		t.Fatal(err)
	}
	if im.MalformedTotal != 0 || im.Ignored != 0 {
		t.Fatalf("malformed %v, ignored %v", im.Malformed, im.IgnoredAt)
	}
	for _, l := range im.NotShown() {
		switch {
		case strings.HasPrefix(strings.Fields(l)[1], "Observation"): // vitals beyond the newest 24, as before
		case strings.HasSuffix(l, "CarePlan not shown: status completed"): // a plan done with
		default:
			t.Errorf("not shown: %s", l)
		}
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]int{}
	var directivesNone, directivesUnsaid, nilByMouth, interpreter, recentSurgery, plans int
	for _, c := range charts {
		for name, s := range map[string]clinical.SectionStatus{"contacts": c.Contacts.Status, "careTeam": c.CareTeam.Status,
			"advanceDirectives": c.AdvanceDirectives.Status, "orders": c.Orders.Status, "diet": c.Diet.Status,
			"devices": c.Devices.Status, "procedures": c.Procedures.Status, "immunizations": c.Immunizations.Status,
			"bloodGroup": c.BloodGroup.Status, "pregnancy": c.Pregnancy.Status} {
			if s == clinical.Recorded {
				recorded[name]++
			}
		}
		switch c.AdvanceDirectives.Status {
		case clinical.NoneKnown:
			directivesNone++
		case clinical.NoneRecorded:
			directivesUnsaid++
		}
		for _, d := range c.Diet.Items {
			if d.NilByMouth {
				nilByMouth++
			}
		}
		for _, k := range c.Contacts.Items {
			if k.Interpreter {
				interpreter++
			}
		}
		for _, p := range c.Procedures.Items {
			if asOf.Sub(p.Performed) < 30*24*time.Hour {
				recentSurgery++
			}
		}
		for _, o := range c.Orders.Items {
			if o.Kind == clinical.OrderPlan {
				plans++
			}
		}
		for _, d := range c.Devices.Items {
			if d.Name == "" || (d.Source.Type == "DeviceUseStatement" && d.Inserted.IsZero()) {
				t.Errorf("%s: device %+v", c.Patient.ID, d)
			}
		}
	}
	for _, name := range []string{"contacts", "careTeam", "advanceDirectives", "orders", "diet", "devices", "procedures",
		"immunizations", "bloodGroup", "pregnancy"} {
		if recorded[name] == 0 {
			t.Errorf("no patient has %s recorded", name)
		}
	}
	t.Logf("recorded of %d: %v; directives none known %d, not said %d; nil by mouth %d, interpreters %d, recent surgery %d, care plans %d",
		len(charts), recorded, directivesNone, directivesUnsaid, nilByMouth, interpreter, recentSurgery, plans)
	if directivesNone == 0 || directivesUnsaid == 0 || interpreter == 0 || plans == 0 {
		t.Errorf("directives none known %d, not said %d; interpreters %d; care plans %d", directivesNone, directivesUnsaid, interpreter, plans)
	}
}
