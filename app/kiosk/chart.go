package kiosk

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/store"
)

var (
	colourAllergy   = color.NRGBA{R: 0xff, G: 0xeb, B: 0xee, A: 0xff} // light red
	colourNoneKnown = color.NRGBA{R: 0xe8, G: 0xf5, B: 0xe9, A: 0xff} // light green
	colourUnknown   = color.NRGBA{R: 0xff, G: 0xf3, B: 0xe0, A: 0xff} // light amber
)

// chartView is the read-only patient summary: a header and the allergy and
// code-status banners that never scroll away, then the sections.
type chartView struct {
	content fyne.CanvasObject
	stack   *fyne.Container
	k       *Kiosk
	// Shown for tests: the banner texts of the open chart.
	allergyText, codeText string
}

func newChartView(k *Kiosk) *chartView {
	v := &chartView{k: k, stack: container.NewStack()}
	v.content = v.stack
	v.showMessage("Choose a patient from the list, or scan a wristband.")
	return v
}

func (v *chartView) showMessage(s string) {
	l := widget.NewLabel(s)
	v.stack.Objects = []fyne.CanvasObject{container.NewCenter(l)}
	v.stack.Refresh()
}

func (v *chartView) showError(s string) { v.showMessage(s) }

func (v *chartView) show(c *store.Chart) {
	now := v.k.opt.Now()
	p := c.Patient
	name := canvas.NewText(p.Name, nil)
	name.TextSize = 24
	name.TextStyle.Bold = true
	details := fmt.Sprintf("Born %s", present.Date(p.BirthDate))
	if a := present.AgeYears(p.BirthDate, now); a >= 0 {
		details += fmt.Sprintf(" (%d y)", a)
	}
	details += " · " + present.Sex(p.Sex)
	if mrn := p.MRN(); mrn != "" {
		details += " · MRN " + mrn
	}
	if p.Bed != "" {
		details += " · " + strings.TrimSpace(p.Room+" bed "+p.Bed)
	}
	if p.Weight != nil {
		details += fmt.Sprintf(" · %g %s (%s)", p.Weight.Value, p.Weight.Unit, present.DateTime(p.Weight.Time))
	}
	v.codeText = present.CodeStatus(c)
	v.allergyText = present.AllergyBanner(c)
	allergyColour := colourAllergy
	switch {
	case len(present.ActiveAllergies(c)) > 0:
	case c.Allergies.Status == store.NoneKnown:
		allergyColour = colourNoneKnown
	default:
		allergyColour = colourUnknown
	}
	header := container.NewVBox(name, widget.NewLabel(details))
	if p.Deceased {
		header.Add(bannerBox("DECEASED "+present.DateTime(p.DeceasedAt), colourUnknown, true))
	}
	header.Add(container.NewVBox(
		bannerBox(v.codeText, colourUnknown, c.CodeStatus() == ""),
		bannerBox(v.allergyText, allergyColour, len(present.ActiveAllergies(c)) > 0)))
	for _, a := range c.Alerts.Items {
		if a.Kind != store.AlertCodeStatus {
			header.Add(bannerBox("ALERT: "+a.Text, colourUnknown, true))
		}
	}

	body := container.NewVBox()
	addSection(body, "Medications", c.Medications.Status, "medications", func(add func(string)) {
		for _, m := range c.Medications.Items {
			add(present.MedicationLine(m))
		}
	}, len(c.Medications.Items))
	addSection(body, "Vital signs (latest)", c.Vitals.Status, "vital signs", func(add func(string)) {
		for _, o := range store.Latest(c.Vitals.Items) {
			add(fmt.Sprintf("%s: %s — %s", present.ObservationName(o), present.Observation(o), present.DateTime(o.Time)))
		}
	}, len(c.Vitals.Items))
	addSection(body, "Laboratory (latest)", c.Labs.Status, "laboratory results", func(add func(string)) {
		for _, o := range store.Latest(c.Labs.Items) {
			line := fmt.Sprintf("%s: %s", o.Name, present.Observation(o))
			if r := present.Range(o); r != "" {
				line += " (ref " + r + ")"
			}
			add(line + " — " + present.DateTime(o.Time))
		}
	}, len(c.Labs.Items))
	addSection(body, "Problems", c.Problems.Status, "problems", func(add func(string)) {
		for _, pr := range c.Problems.Items {
			add(pr.Name + " (" + pr.ClinicalStatus + ")")
		}
	}, len(c.Problems.Items))
	addSection(body, "Notes", c.Notes.Status, "notes", func(add func(string)) {
		for _, n := range c.Notes.Items {
			add(fmt.Sprintf("%s · %s · %s\n%s", present.DateTime(n.Time), n.Author, n.Title, n.Text))
		}
	}, len(c.Notes.Items))

	v.stack.Objects = []fyne.CanvasObject{container.NewBorder(container.NewPadded(header), nil, nil, nil,
		container.NewVScroll(container.NewPadded(body)))}
	v.stack.Refresh()
}

// bannerBox is a full-width coloured box with bold text.
func bannerBox(text string, bg color.Color, danger bool) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	if danger {
		l.Importance = widget.DangerImportance
	}
	return container.NewStack(canvas.NewRectangle(bg), l)
}

func addSection(box *fyne.Container, title string, status store.SectionStatus, noun string, items func(add func(string)), n int) {
	h := widget.NewLabel(title)
	h.TextStyle.Bold = true
	box.Add(h)
	if n == 0 {
		l := widget.NewLabel(present.Empty(status, noun))
		l.TextStyle.Italic = true
		box.Add(l)
		return
	}
	items(func(s string) {
		l := widget.NewLabel("• " + s)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	})
}
