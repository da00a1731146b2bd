package kiosk

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/store"
)

// TestScreenshotScenes draws the bedside-safety scenes of the README at a
// ward laptop's 1366×768, with Fyne's software renderer and the kiosk's
// theme, into the folder named by LIFEBOAT_SCREENSHOTS (make screenshots
// sets it to docs/); without it the test is skipped. The ward is made up
// here, so every picture shows what it is for: the census with full
// code, DNR 0, DNR 2 and DNR rows and their NEWS2; the chart banner of a
// Belgian DNR 2 code; the NEWS2 on the Vitals tab; the hard stop of a
// penicillin given to a patient with anaphylaxis to it; an infusion's
// rate on the MAR.
func TestScreenshotScenes(t *testing.T) {
	out := os.Getenv("LIFEBOAT_SCREENSHOTS")
	if out == "" {
		t.Skip("LIFEBOAT_SCREENSHOTS is not set (make screenshots sets it)")
	}
	now := time.Date(2026, 11, 26, 14, 20, 0, 0, time.Local)
	patient := func(id, name, birth, sex, bed string) store.Patient {
		return store.Patient{ID: id, Name: name, BirthDate: birth, Sex: sex, Bed: bed, Room: "Room " + bed[:3],
			Identifiers: []store.Identifier{{Value: "MRN-" + id, Type: "MR"}}, Source: src("Patient", id)}
	}
	code := func(id, code, text string) store.Section[store.Alert] {
		return store.Section[store.Alert]{Items: []store.Alert{{Kind: store.AlertCodeStatus, Code: code, Text: text,
			Status: "active", Source: src("Flag", "f-"+id)}}}
	}
	noAllergies := func(id string) store.Section[store.Allergy] {
		return store.Section[store.Allergy]{Assertion: &store.Source{Type: "AllergyIntolerance", ID: "nka-" + id}}
	}
	penicillin := store.Section[store.Allergy]{Items: []store.Allergy{{Substance: "Penicillin", Criticality: "high",
		Reaction: "Anaphylaxis", ClinicalStatus: "active", Source: src("AllergyIntolerance", "a1")}}}
	order := func(id, name, dose, route, rate string, timing store.Timing) store.Medication {
		return store.Medication{Name: name, Status: "active", Dose: dose, Route: route, Rate: rate, Dosage: dose + " " + route,
			Timing: timing, Source: src("MedicationRequest", id)}
	}
	every8h := store.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}
	charts := []store.Chart{
		{Patient: patient("p1", "Janssens, Maria", "1948-02-11", "female", "101-A"), Allergies: penicillin,
			Alerts: code("p1", "304252001", "Full code – for resuscitation"),
			Medications: store.Section[store.Medication]{Status: store.Recorded, Items: []store.Medication{
				order("m1", "NaCl 0.9 %", "1000 mL", "IV", "125 mL/h", every8h),
				order("m2", "Paracetamol 1 g tablet", "1 g", "oral", "", store.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"}),
			}}},
		{Patient: patient("p2", "Dubois, Claire", "1961-07-30", "female", "101-B"), Allergies: noAllergies("p2"),
			Alerts: code("p2", "", "DNR 0 – geen beperking")},
		{Patient: patient("p3", "Peeters, Jozef", "1939-04-02", "male", "102-A"), Allergies: noAllergies("p3"),
			Alerts: code("p3", "DNR-code 2", "Reanimatiebeleid volgens afspraak met familie")},
		{Patient: patient("p4", "Smet, Anna", "1935-12-19", "female", "102-B"), Allergies: noAllergies("p4"),
			Alerts: code("p4", "304253006", "Not for resuscitation")},
		{Patient: patient("p5", "Claes, Mieke", "1990-12-01", "female", "103-A")},
	}
	dir := sealedWard(t, now.Add(-40*time.Minute), 0, charts...)
	k := kioskOn(t, dir, now)
	k.win.Resize(fyne.NewSize(1366, 768))
	unlockWith(k, passphrase, "RN Peeters")

	// NEWS2: a septic patient (high), and a low-medium one.
	vitals := func(id, bp, hr, rr, temp, spo2 string, oxygen bool, alert string) {
		k.openPatient(id)
		f := openForm(t, k, present.RecordVitalsButton)
		test.Type(field[*formEntry](t, f, present.BloodPressure), bp)
		test.Type(field[*formEntry](t, f, present.HeartRate), hr)
		test.Type(field[*formEntry](t, f, present.RespiratoryRate), rr)
		test.Type(field[*formEntry](t, f, present.TemperatureLabel), temp)
		test.Type(field[*formEntry](t, f, present.SpO2Label), spo2)
		if oxygen {
			field[*formSelect](t, f, present.OxygenLabel).SetSelected(present.OnOxygen)
			test.Type(field[*formEntry](t, f, present.O2FlowLabel), "2")
		} else {
			field[*formSelect](t, f, present.OxygenLabel).SetSelected(present.OnAir)
		}
		consciousness := field[*formSelect](t, f, present.ConsciousnessLabel)
		consciousness.SetSelected(alert)
		enter(k, field[*formEntry](t, f, present.SpO2Label))
		if f.warned != nil {
			tapSave(k, f.anyway)
		}
		k.work.Wait()
		drainUI()
	}
	vitals("p3", "98/60", "142", "24", "39,4", "86", true, "A – Alert")
	vitals("p1", "128/76", "96", "21", "37,8", "95", false, "A – Alert")
	k.census.reload()
	k.work.Wait()
	drainUI()

	shot := func(name string) {
		t.Helper()
		k.work.Wait()
		drainUI()
		k.win.Resize(fyne.NewSize(1366, 768))
		img := k.win.Canvas().Capture()
		if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
			t.Errorf("%s is %dx%d", name, b.Dx(), b.Dy())
		}
		f, err := os.Create(filepath.Join(out, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		t.Log(f.Name())
	}

	// The census's code status cells and NEWS2, and the chart banner of a
	// Belgian DNR 2 code given only in the coded value.
	k.openPatient("p3")
	k.chart.selectTab(present.TabSummary)
	shot("codestatus-census-chart")
	k.chart.selectTab(present.TabVitals)
	shot("news2-chart-census")
	k.openPatient("p1")
	k.chart.selectTab(present.TabMAR)
	shot("infusion-rate-mar")
	f := anotherDose(t, k, "Amoxicillin/clavulanic acid 1 g", "1 g", "IV")
	// The hard stop's fields and buttons in view, under its warnings.
	test.Type(f.stop.witness, "Dr Claes")
	// Scrolled past the form's title, so that the hard stop's warnings
	// and both its fields are in view.
	f.scroll.Offset.Y = 110
	f.scroll.Refresh()
	shot("hard-stop")
}
