package kiosk

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

func TestARefusedDoseNeedsAReasonAndNamesItsOrder(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordDoseButton)
	order := field[*formSelect](t, f, present.OrderLabel)
	if k.win.Canvas().Focused() != order {
		t.Fatal("the dose form does not start on the order")
	}
	want := []string{"Paracetamol 1 g tablet — 1 g oral", "Penicillin V 500 mg tablet — 500 mg oral",
		"Enoxaparin 40 mg injection — 40 mg subcutaneous [ON-HOLD]",
		"Morphine 10 mg/ml injection — 5 mg subcutaneous [STOPPED]", present.AnotherMedication}
	if !slices.Equal(order.Options, want) {
		t.Fatalf("orders = %q", order.Options)
	}
	outcome := field[*formSelect](t, f, present.OutcomeLabel)
	reason := field[*formEntry](t, f, present.ReasonLabel)
	enter(k, order)
	if f.message.Text != present.ChooseOrder {
		t.Fatalf("message = %q", f.message.Text)
	}
	order.TypedRune('p') // Paracetamol
	if d, r := field[*formEntry](t, f, present.DoseLabel).Text, field[*formEntry](t, f, present.RouteLabel).Text; d != "1 g" || r != "oral" {
		t.Fatalf("dose %q route %q not taken from the order", d, r)
	}
	outcome.TypedRune('r')
	enter(k, reason)
	if f.message.Text != "A refused dose needs the reason." || len(recorded(t, k)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(reason, "nauseous")
	enter(k, reason)
	all := recorded(t, k)
	if len(all) != 1 {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	m := all[0].Medication
	if m.OrderID != "m1" || m.Outcome != clinical.OutcomeRefused || m.Dose != nil || m.Medication != "Paracetamol 1 g tablet" ||
		!slices.Contains(all[0].BasedOn, clinical.Version{Type: "MedicationRequest", ID: "m1", VersionID: "1"}) {
		t.Fatalf("entry = %+v, based on %+v", m, all[0].BasedOn)
	}
	if l := k.chart.sections[0].Lines[0]; !strings.Contains(l, "NOT GIVEN: refused (nauseous)") {
		t.Fatalf("chart = %q", l)
	}
}

func TestADoseMatchingAnActiveAllergyWarnsAndADoubleDoseToo(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordDoseButton)
	order := field[*formSelect](t, f, present.OrderLabel)
	order.TypedRune('p')
	order.TypedRune('p') // the second P: Penicillin V
	field[*formSelect](t, f, present.OutcomeLabel).TypedRune('g')
	enter(k, order)
	if w := warningTexts(f); !strings.Contains(w, "⛔ Hard stop: allergy to Penicillin (high criticality): the medication's name matches it") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}
	if len(recorded(t, k)) != 0 {
		t.Fatal("recorded without Save anyway")
	}
	witness(t, f, "RN Claes", "the physician confirmed it")
	tapSave(k, f.anyway)
	if all := recorded(t, k); len(all) != 1 || all[0].Medication.Dose.Value != 500 {
		t.Fatalf("%d entries", len(all))
	}

	f = openForm(t, k, present.RecordDoseButton)
	order = field[*formSelect](t, f, present.OrderLabel)
	order.TypedRune('p')
	order.TypedRune('p')
	field[*formSelect](t, f, present.OutcomeLabel).TypedRune('g')
	enter(k, order)
	if w := warningTexts(f); !strings.Contains(w, "The same dose is already recorded in this journal at the same time.") {
		t.Fatalf("warnings = %q", w)
	}
}

func TestAnOrderOnHoldWarns(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordDoseButton)
	field[*formSelect](t, f, present.OrderLabel).TypedRune('e')
	outcome := field[*formSelect](t, f, present.OutcomeLabel)
	outcome.TypedRune('p') // partly given, the whole dose still in the field
	enter(k, outcome)
	if f.message.Text != present.PartialWholeDose {
		t.Fatalf("message = %q", f.message.Text)
	}
	field[*formEntry](t, f, present.DoseLabel).SetText("20 mg")
	field[*formEntry](t, f, present.ReasonLabel).SetText("pulled out")
	enter(k, outcome)
	if w := warningTexts(f); !strings.Contains(w, "The order was on-hold in the snapshot, not active.") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}
}

func TestADoseOfAMedicationWithoutAnOrderNamesIt(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordDoseButton)
	field[*formSelect](t, f, present.OrderLabel).TypedRune('a') // another medication: a paper order
	name := field[*formEntry](t, f, present.MedicationLabel)
	if name.Disabled() {
		t.Fatal("the medication cannot be typed")
	}
	test.Type(name, "Ondansetron 4 mg")
	field[*formSelect](t, f, present.OutcomeLabel).TypedRune('g')
	dose := field[*formEntry](t, f, present.DoseLabel)
	test.Type(dose, "4mg")
	enter(k, dose)
	if f.message.Text != "A given dose needs its route." {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(field[*formEntry](t, f, present.RouteLabel), "intravenous")
	enter(k, dose)
	if w := warningTexts(f); !strings.Contains(w, `This dose has no order, and will be marked "no order"`) || len(recorded(t, k)) != 0 {
		t.Fatalf("warnings = %q", w)
	}
	tapSave(k, f.anyway)
	all := recorded(t, k)
	if len(all) != 1 {
		t.Fatalf("%d entries: %q %q", len(all), f.message.Text, warningTexts(f))
	}
	if m := all[0].Medication; m.OrderID != "" || m.Medication != "Ondansetron 4 mg" || *m.Dose != (clinical.Quantity{Value: 4, Unit: "mg"}) {
		t.Fatalf("entry = %+v", m)
	}
}
