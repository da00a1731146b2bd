package kiosk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/store"
)

// censusView is the ward list with search as you type. Enter in the search
// field opens the first match, so a wristband scanner that types an MRN
// and Enter opens the patient.
type censusView struct {
	content fyne.CanvasObject
	search  *widget.Entry
	list    *widget.List
	count   *widget.Label
	all     []store.CensusRow
	shown   []store.CensusRow
	k       *Kiosk
}

func newCensusView(k *Kiosk) *censusView {
	v := &censusView{k: k, search: widget.NewEntry(), count: widget.NewLabel("")}
	rows, err := k.snap.Census(context.Background())
	if err != nil {
		v.count.SetText("The census could not be read from the snapshot.")
	}
	v.all = rows
	v.search.SetPlaceHolder("Search name, MRN or bed — or scan a wristband")
	v.list = widget.NewList(
		func() int { return len(v.shown) },
		func() fyne.CanvasObject {
			bed := widget.NewLabel("000-A")
			bed.TextStyle.Bold = true
			name := widget.NewLabel("Name")
			name.Truncation = fyne.TextTruncateEllipsis
			flags := widget.NewLabel("")
			flags.Importance = widget.DangerImportance
			return container.NewBorder(nil, nil, bed, flags, name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.shown) {
				return
			}
			r := v.shown[i]
			c := o.(*fyne.Container)
			name, bed, flags := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label), c.Objects[2].(*widget.Label)
			bed.SetText(r.Bed)
			name.SetText(censusLine(r, k.opt.Now))
			flags.SetText(censusFlags(r))
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.shown) {
			k.openPatient(v.shown[i].ID)
		}
	}
	v.search.OnChanged = func(string) { v.filter() }
	v.search.OnSubmitted = func(string) { v.openFirst() }
	v.filter()
	v.content = container.NewBorder(container.NewVBox(v.search, v.count), nil, nil, nil, v.list)
	return v
}

func censusLine(r store.CensusRow, now func() time.Time) string {
	s := r.Name + "  " + present.Sex(r.Sex)
	if a := present.AgeYears(r.BirthDate, now()); a >= 0 {
		s += fmt.Sprintf(" %d y", a)
	}
	return s
}

// censusFlags are the short warnings of a census row.
func censusFlags(r store.CensusRow) string {
	var f []string
	if strings.Contains(strings.ToLower(r.CodeStatus), "not for") || strings.Contains(r.CodeStatus, "DNR") {
		f = append(f, "DNR")
	}
	switch {
	case r.Allergies > 0:
		f = append(f, "ALLERGY")
	case r.AllergyStatus == store.NoneRecorded:
		f = append(f, "allergies not recorded")
	}
	if r.Isolation != "" {
		f = append(f, "ISOLATION")
	}
	return strings.Join(f, " · ")
}

// matches says whether a census row matches what was typed or scanned.
func matches(r store.CensusRow, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	return strings.Contains(strings.ToLower(r.Name), q) || strings.EqualFold(r.MRN, q) ||
		strings.Contains(strings.ToLower(r.MRN), q) || strings.EqualFold(r.Bed, q) ||
		strings.HasPrefix(strings.ToLower(r.Bed), q) || r.ID == q
}

func (v *censusView) filter() {
	v.shown = v.shown[:0]
	for _, r := range v.all {
		if matches(r, v.search.Text) {
			v.shown = append(v.shown, r)
		}
	}
	v.count.SetText(fmt.Sprintf("%d of %d patients", len(v.shown), len(v.all)))
	v.list.UnselectAll()
	v.list.Refresh()
}

// openFirst opens the best match: an exact MRN or id first (a scan), else
// the first row shown.
func (v *censusView) openFirst() {
	q := strings.TrimSpace(v.search.Text)
	for i, r := range v.shown {
		if strings.EqualFold(r.MRN, q) || r.ID == q {
			v.list.Select(i)
			return
		}
	}
	if len(v.shown) > 0 {
		v.list.Select(0)
	}
}
