package kiosk

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
)

// recordDose records a dose of an order in the kiosk's journal, as the
// dose form does, and has the census and the chart read it.
func recordDowntimeDose(t *testing.T, k *Kiosk, patient, orderID, name, outcome string, when time.Time) clinical.Entry {
	t.Helper()
	e := clinical.Entry{Kind: clinical.KindMedication, Patient: patient, ClinicalTime: when,
		Medication: &clinical.Administered{Outcome: outcome, Medication: name, OrderID: orderID, Route: "oral",
			Dose: &clinical.Quantity{Value: 1, Unit: "tablet"}}}
	if outcome != clinical.OutcomeGiven {
		e.Medication.Reason = "nauseous"
	}
	if err := k.journal.Stamp(&e, "RN Peeters", k.opt.Now()); err != nil {
		t.Fatal(err)
	}
	if err := k.journal.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	k.census.reload()
	uitest.Settle(k.work.Wait)
	k.openPatient(patient)
	return e
}

// cellsOf are the dose cells of the MAR tab's order, by their time.
func cellsOf(t *testing.T, k *Kiosk, order string) map[string]*doseCell {
	t.Helper()
	out := map[string]*doseCell{}
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *container.Scroll:
			visit(o.Content)
		case *fyne.Container:
			if g, ok := o.Layout.(*flowGrid); ok {
				for _, c := range g.cells.all {
					if c.order == order {
						out[present.ShortDateTime(c.dose.Time)] = c
					}
				}
				return
			}
			for _, x := range o.Objects {
				visit(x)
			}
		}
	}
	visit(k.chart.tabs.items[present.TabMAR].Content)
	return out
}

func TestTheMARMarksOverdueDueAndUpcomingDosesAtTheKiosksClock(t *testing.T) {
	k, clock := tabsKiosk(t)
	k.openPatient("p1")
	now := *clock
	mar := k.chart.tabs.mar
	states := map[string]clinical.DoseState{}
	for _, o := range mar.Scheduled {
		for _, d := range o.Doses {
			states[o.Order.Name+" "+present.ShortDateTime(d.Time)] = d.State(now)
		}
	}
	for what, want := range map[string]clinical.DoseState{
		"Paracetamol " + present.ShortDateTime(now.Add(-2*time.Hour)):  clinical.DoseOverdue,
		"Bisoprolol " + present.ShortDateTime(now.Add(10*time.Minute)): clinical.DoseDue,
		"Enoxaparin " + present.ShortDateTime(now.Add(5*time.Hour)):    clinical.DoseUpcoming,
		"Paracetamol " + present.ShortDateTime(now.Add(22*time.Hour)):  clinical.DoseUpcoming,
	} {
		if got, ok := states[what]; !ok || got != want {
			t.Errorf("%s: state %d (listed %v), want %d", what, got, ok, want)
		}
	}
	if mar.Overdue(now) != 1 || len(mar.PRN) != 1 || mar.PRN[0].Order.Name != "Morphine" {
		t.Errorf("%d overdue, as needed %+v", mar.Overdue(now), mar.PRN)
	}
	for _, o := range mar.Scheduled {
		if o.Order.PRN {
			t.Errorf("the as-needed %s is among the scheduled orders", o.Order.Name)
		}
	}
	// What the cells say and how they look.
	para := cellsOf(t, k, "Paracetamol")[present.ShortDateTime(now.Add(-2*time.Hour))]
	biso := cellsOf(t, k, "Bisoprolol")[present.ShortDateTime(now.Add(10*time.Minute))]
	if para == nil || biso == nil {
		t.Fatal("no cells for the doses")
	}
	if para.what.Text != "OVERDUE" || para.bg.FillColor != colourOverdue || biso.what.Text != "DUE NOW" || biso.bg.FillColor != colourDue {
		t.Errorf("cells: %q %v, %q %v", para.what.Text, para.bg.FillColor, biso.what.Text, biso.bg.FillColor)
	}
	if !strings.Contains(tabText(k, present.TabMAR), "1 dose OVERDUE · next due "+present.ShortDateTime(now.Add(10*time.Minute))+" Bisoprolol") {
		t.Errorf("summary line:\n%s", tabText(k, present.TabMAR))
	}
	if !strings.Contains(tabText(k, present.TabMAR), "Last given "+present.DateTime(now.Add(-7*time.Hour))+", 7 h 0 min ago") {
		t.Error("Morphine's last dose is not shown with its date")
	}
}

func TestADoseRecordedDuringDowntimeClearsTheOverdueInTheChartAndTheCensus(t *testing.T) {
	k, clock := tabsKiosk(t)
	now := *clock
	if _, overdue := k.census.medsText(k.census.all[0], now); overdue != "1 OVERDUE" {
		t.Fatalf("p1 before: %q", overdue)
	}
	e := recordDowntimeDose(t, k, "p1", "mr-para", "Paracetamol", clinical.OutcomeGiven, now.Add(-20*time.Minute))
	mar := k.chart.tabs.mar
	if n := mar.Overdue(now); n != 0 {
		t.Fatalf("%d overdue after the dose was recorded given", n)
	}
	cell := cellsOf(t, k, "Paracetamol")[present.ShortDateTime(now.Add(-2*time.Hour))]
	if cell == nil || cell.state != clinical.DoseGiven || cell.what.Text != "given "+present.ClockOn(e.ClinicalTime, now.Add(-2*time.Hour)) || cell.downtime == nil {
		t.Fatalf("the dose's cell: %+v", cell)
	}
	text := tabText(k, present.TabMAR)
	if !strings.Contains(text, "Recorded during downtime: "+present.DateTime(e.ClinicalTime)) ||
		!strings.Contains(text, "RN Peeters, entered "+present.DateTime(e.EnteredAt)) ||
		!strings.Contains(text, "(recorded during downtime)") {
		t.Errorf("the downtime dose, its author and times:\n%s", text)
	}
	if next, overdue := k.census.medsText(k.census.all[0], now); overdue != "" || next != "next "+present.ClockOn(now.Add(10*time.Minute), now) {
		t.Errorf("census after: %q %q", next, overdue)
	}
	// A refused dose clears it too (it is documented), shown as not given.
	recordDowntimeDose(t, k, "p4", "mr-amox", "Amoxicillin", clinical.OutcomeRefused, now.Add(-3*time.Hour))
	if n := k.chart.tabs.mar.Overdue(now); n != 1 {
		t.Errorf("p4: %d overdue, want 1 (one of two refused)", n)
	}
}

func TestTheMARTabListsReportedMedicationsApartWithNoDoses(t *testing.T) {
	k, _ := tabsKiosk(t)
	k.openPatient("p1")
	mar := k.chart.tabs.mar
	for _, o := range append(mar.Scheduled, mar.PRN...) {
		if o.Order.Name == "Letrozole" {
			t.Fatalf("the reported Letrozole is on the MAR as an order")
		}
	}
	if len(cellsOf(t, k, "Letrozole")) != 0 {
		t.Error("the reported Letrozole has dose cells")
	}
	text := tabText(k, present.TabMAR)
	for _, want := range []string{present.ReportedTitle, "Letrozole — 2.5 mg at", "reported by the patient"} {
		if !strings.Contains(text, want) {
			t.Errorf("the MAR tab lacks %q:\n%s", want, text)
		}
	}
}
