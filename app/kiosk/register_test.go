package kiosk

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
)

// register opens the registration form from the census.
func register(t *testing.T, k *Kiosk) *entryForm {
	t.Helper()
	test.Tap(k.census.register)
	f := k.chart.forms.open
	if f == nil || !f.register {
		t.Fatal("the census button opened no registration")
	}
	return f
}

// registerJane registers a woman born in 1950 in bed 7 and returns her
// temporary identifier.
func registerJane(t *testing.T, k *Kiosk) string {
	t.Helper()
	f := register(t, k)
	test.Type(field[*formEntry](t, f, present.FamilyLabel), "Doe")
	test.Type(field[*formEntry](t, f, present.GivenLabel), "Jane")
	field[*formSelect](t, f, present.SexLabel).TypedRune('f')
	test.Type(field[*formEntry](t, f, present.BirthDateLabel), "14/03/1950")
	test.Type(field[*formEntry](t, f, present.WardLabel), "4B")
	bed := field[*formEntry](t, f, present.BedLabel)
	test.Type(bed, "7")
	enter(k, bed)
	if k.chart.registered == "" {
		t.Fatalf("not registered: %q %q", f.message.Text, warningTexts(f))
	}
	return k.chart.registered
}

func TestARegisteredPatientGetsATemporaryIDJoinsTheCensusAndHasADowntimeOnlyChart(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := register(t, k)
	family := field[*formEntry](t, f, present.FamilyLabel)
	if k.win.Canvas().Focused() != family {
		t.Fatal("the registration does not start on the family name")
	}
	enter(k, family)
	if f.message.Text != present.ChooseSex || len(recorded(t, k)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
	k.chart.forms.open.keys.cancel()
	if k.chart.current == nil || k.chart.current.Patient.ID != "p1" || k.chart.sections == nil {
		t.Fatal("cancelling the registration did not put the chart back")
	}

	id := registerJane(t, k)
	if !clinical.IsTemporaryID(id) {
		t.Fatalf("%q is not a temporary identifier", id)
	}
	all := recorded(t, k)
	if len(all) != 1 || all[0].Patient != id || all[0].Registration.TemporaryID != id ||
		all[0].Registration.BirthDate != "1950-03-14" || all[0].Registration.Sex != "female" || all[0].Author != "RN Peeters" {
		t.Fatalf("entries = %+v", all)
	}
	// The identifier is on screen, large, and can be selected and copied.
	var shown *widget.Label
	walk(k.chart.content, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == id {
			shown = l
		}
	})
	if shown == nil || !shown.Selectable || shown.SizeName != ui.SizeNameIdentifier || ui.Theme(false).Size(ui.SizeNameIdentifier) < 30 {
		t.Fatalf("the identifier is not shown large and selectable: %+v", shown)
	}
	open, ok := k.win.Canvas().Focused().(*keyButton)
	if !ok || !strings.HasPrefix(open.Text, present.OpenChartButton) {
		t.Fatalf("focus is on %T, not on “Open the chart”", k.win.Canvas().Focused())
	}
	walk(k.chart.content, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == present.CopyIDButton {
			test.Tap(b)
		}
	})
	if got := k.app.Clipboard().Content(); got != id {
		t.Fatalf("clipboard = %q", got)
	}

	// The census has her, marked.
	i := slices.IndexFunc(k.census.all, func(r clinical.CensusRow) bool { return r.ID == id })
	if i < 0 {
		t.Fatal("the census does not have the new patient")
	}
	row := k.census.all[i]
	if row.Name != "Doe, Jane" || row.Bed != "7" || k.census.note(row) != present.RegisteredFlag+" · "+id {
		t.Fatalf("row = %+v, note %q", row, k.census.note(row))
	}

	// Enter opens her downtime-only chart.
	open.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	c := k.chart.current
	if c == nil || c.Patient.ID != id || len(k.chart.sections) != 1 || k.chart.sections[0].Title != present.DowntimeTitle {
		t.Fatalf("chart = %+v, sections %d", c, len(k.chart.sections))
	}
	if l := k.chart.sections[0].Lines[0]; !strings.Contains(l, "Registered as "+id+": Doe, Jane · female · born 14/03/1950") {
		t.Fatalf("line = %q", l)
	}
	markup := test.RenderObjectToMarkup(k.chart.content)
	if !strings.Contains(markup, "REGISTERED DURING DOWNTIME as "+id) || !strings.Contains(markup, "Doe, Jane") ||
		!strings.Contains(k.chart.allergyText, "NO ALLERGIES RECORDED") {
		t.Fatalf("the header does not say who and how: %q", k.chart.allergyText)
	}

	// The same forms work for her.
	f = openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "88")
	enter(k, hr)
	all = recorded(t, k)
	if len(all) != 2 || all[1].Patient != id || k.chart.forms.open != nil {
		t.Fatalf("%d entries: %q %q", len(all), f.message.Text, warningTexts(f))
	}
	if l := k.chart.sections[0].Lines[0]; !strings.Contains(l, "HR 88 /min — RN Peeters, entered "+present.DateTime(now)) {
		t.Fatalf("line = %q", l)
	}

	// Her identifier, typed any way, opens her chart from the census.
	k.openPatient("p2")
	submit(k, strings.ToLower(strings.ReplaceAll(id, "-", "")))
	if k.chart.current.Patient.ID != id {
		t.Fatalf("the typed identifier opened %q", k.chart.current.Patient.ID)
	}
}

func TestAPrePrintedLabelIsUsedAndAMistypedOneRefused(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := register(t, k)
	field[*formSelect](t, f, present.SexLabel).TypedRune('u')
	label := field[*formEntry](t, f, present.LabelIDLabel)
	want, err := clinical.NewTemporaryID()
	if err != nil {
		t.Fatal(err)
	}
	wrong := []rune(want)
	wrong[2] = map[bool]rune{true: '1', false: '0'}[wrong[2] == '0']
	test.Type(label, string(wrong))
	enter(k, label)
	if f.message.Text != present.LabelIDFormat {
		t.Fatalf("message = %q", f.message.Text)
	}
	label.SetText(strings.ToLower(want))
	born := field[*formEntry](t, f, present.BirthDateLabel)
	for _, bad := range []struct{ typed, says string }{
		{"31/02/1950", present.BirthDateFormat},
		{"2990", "The birth date is in the future."},
	} {
		born.SetText(bad.typed)
		enter(k, label)
		if f.message.Text != bad.says {
			t.Fatalf("%q: message = %q", bad.typed, f.message.Text)
		}
	}
	born.SetText("1950")
	field[*formCheck](t, f, "").SetChecked(true) // estimated
	enter(k, label)
	if f.message.Text != "The ward is missing." {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(field[*formEntry](t, f, present.WardLabel), "4B")
	enter(k, label)
	if k.chart.registered != want {
		t.Fatalf("registered %q, want the label's %q (%q)", k.chart.registered, want, f.message.Text)
	}
	if r := recorded(t, k)[0].Registration; r.BirthDate != "1950" || !r.BirthDateEstimated || r.Sex != "unknown" || r.Ward != "4B" {
		t.Fatalf("registration = %+v", r)
	}
}

func TestACancelledRegistrationLeavesTheCensus(t *testing.T) {
	k, _, _ := chartOfP1(t)
	id := registerJane(t, k)
	k.openPatient(id)
	f := openForm(t, k, present.CancelEntryButton)
	field[*formSelect](t, f, present.EntryToCancelLabel).TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	reason := field[*formEntry](t, f, present.CancelReasonLabel)
	test.Type(reason, "registered twice")
	enter(k, reason)
	if all := recorded(t, k); len(all) != 2 || !all[0].Cancelled {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	if slices.ContainsFunc(k.census.all, func(r clinical.CensusRow) bool { return r.ID == id }) {
		t.Fatal("a cancelled registration is still in the census")
	}
	k.openPatient(id)
	if !strings.Contains(test.RenderObjectToMarkup(k.chart.content), present.NoRegistration) {
		t.Fatal("the chart of a cancelled registration does not say why it is not shown")
	}
}

func TestARegistrationLeftForAChartIsKept(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := register(t, k)
	test.Type(field[*formEntry](t, f, present.FamilyLabel), "Doe")
	k.openPatient("p2")
	if k.chart.forms.drafts[""] != f || !strings.Contains(test.RenderObjectToMarkup(k.chart.content), "the registration of a new patient") {
		t.Fatal("the registration was not kept, or not said to be")
	}
	test.Tap(k.census.register)
	if k.chart.forms.open != f || field[*formEntry](t, f, present.FamilyLabel).Text != "Doe" {
		t.Fatal("the registration did not come back")
	}
}

// walk calls fn for o and everything under it.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			walk(c, fn)
		}
	}
}

// A temporary id written by hand (lower case, O for 0, I or L for 1,
// without hyphens) finds the patient in the census as it is typed, and
// Enter opens the chart; a real typo finds nobody.
func TestTheCensusFindsATemporaryIDAsNursesWriteIt(t *testing.T) {
	k, _, _ := chartOfP1(t)
	id := registerJane(t, k)
	v := k.census
	written := strings.NewReplacer("0", "o", "1", "l", "-", " ").Replace(strings.ToLower(id))
	shown := func() []string {
		var ids []string
		for _, r := range v.shown {
			ids = append(ids, r.ID)
		}
		return ids
	}
	v.search.SetText(written)
	if got := shown(); len(got) != 1 || got[0] != id {
		t.Fatalf("%q shows %v, want %s", written, got, id)
	}
	v.search.SetText(written[len(written)-4:]) // the last group only
	if got := shown(); !slices.Contains(got, id) {
		t.Fatalf("%q shows %v", written[len(written)-4:], got)
	}
	v.search.SetText(strings.ReplaceAll(written, " ", ""))
	v.openFirst()
	if c := k.chart.current; c == nil || c.Patient.ID != id {
		t.Fatalf("Enter on %q did not open %s", v.search.Text, id)
	}
	// One wrong symbol: the check character refuses it.
	typo := []byte(id)
	typo[3] = map[bool]byte{true: 'Z', false: 'Y'}[typo[3] != 'Z']
	v.search.SetText(string(typo))
	if got := shown(); len(got) != 0 {
		t.Fatalf("the typo %s shows %v", typo, got)
	}
}
