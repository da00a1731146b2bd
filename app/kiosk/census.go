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
// field opens a patient only when that is safe: the text is exactly one
// patient's MRN or id (a wristband scan), or exactly one row is shown
// that matched by name or bed. Otherwise the list stays and a one-line
// hint says why, so a scanned "12345" never opens MRN "9123456".
type censusView struct {
	content fyne.CanvasObject
	search  *searchEntry
	list    *widget.List
	count   *widget.Label
	hint    *widget.Label
	all     []store.CensusRow
	shown   []store.CensusRow
	k       *Kiosk
}

func newCensusView(k *Kiosk) *censusView {
	v := &censusView{k: k, search: newSearchEntry(k), count: widget.NewLabel(""), hint: widget.NewLabel("")}
	v.hint.Importance = widget.DangerImportance
	v.hint.TextStyle.Bold = true
	v.hint.Hide()
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
	v.search.OnChanged = func(string) { k.touch(); v.filter() }
	v.search.OnSubmitted = func(string) { v.openFirst() }
	v.filter()
	v.content = container.NewBorder(container.NewVBox(v.search, v.hint, v.count), nil, nil, nil, v.list)
	return v
}

func censusLine(r store.CensusRow, now func() time.Time) string {
	s := r.Name + "  " + present.Sex(r.Sex)
	if a := present.AgeYears(r.BirthDate, now()); a >= 0 {
		s += fmt.Sprintf(" %d y", a)
	}
	return s
}

// censusFlags are the short warnings of a census row. DNR comes from the
// row's structured flag, never from matching the code-status text.
func censusFlags(r store.CensusRow) string {
	var f []string
	if r.DNR {
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

// match is how a census row matches what was typed or scanned.
type match int

const (
	noMatch   match = iota
	partialID       // only part of the MRN matches: never enough to open by Enter
	byText          // the name, or the bed
	exactID         // the whole MRN (any case) or the whole id
)

func matchOf(r store.CensusRow, q string) match {
	q = strings.TrimSpace(q)
	lq := strings.ToLower(q)
	switch {
	case q == "":
		return byText
	case (r.MRN != "" && strings.EqualFold(r.MRN, q)) || r.ID == q:
		return exactID
	case strings.Contains(strings.ToLower(r.Name), lq) || strings.HasPrefix(strings.ToLower(r.Bed), lq):
		return byText
	case strings.Contains(strings.ToLower(r.MRN), lq):
		return partialID
	}
	return noMatch
}

func (v *censusView) filter() {
	v.shown = v.shown[:0]
	for _, r := range v.all {
		if matchOf(r, v.search.Text) != noMatch {
			v.shown = append(v.shown, r)
		}
	}
	v.count.SetText(fmt.Sprintf("%d of %d patients", len(v.shown), len(v.all)))
	v.setHint("")
	v.list.UnselectAll()
	v.list.Refresh()
}

// openFirst is Enter in the search field: it opens the one patient whose
// MRN or id is exactly the text, or the only row shown when it matched by
// name or bed; otherwise it leaves the list and says why in the hint.
func (v *censusView) openFirst() {
	v.filter()
	q := strings.TrimSpace(v.search.Text)
	var exact []int
	for i, r := range v.shown {
		if matchOf(r, q) == exactID {
			exact = append(exact, i)
		}
	}
	switch {
	case len(exact) == 1:
		v.list.Select(exact[0])
	case len(exact) > 1:
		v.setHint(present.ChooseOne(len(exact)))
	case len(v.shown) == 1 && matchOf(v.shown[0], q) == byText:
		v.list.Select(0)
	case len(v.shown) == 0:
		v.setHint(present.NoMatch(q))
	case len(v.shown) == 1:
		v.setHint(present.NotExact(q))
	default:
		v.setHint(present.ChooseOne(len(v.shown)))
	}
}

// setHint shows a one-line hint under the search field, or hides it.
func (v *censusView) setHint(s string) {
	v.hint.SetText(s)
	if s == "" {
		v.hint.Hide()
	} else {
		v.hint.Show()
	}
}
