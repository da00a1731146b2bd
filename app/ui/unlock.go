package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
)

// An UnlockField is one entry of an unlock form, under its label.
type UnlockField struct {
	Label, PlaceHolder string // in the language in use
	// Secret is typed hidden (a passphrase, a key) and emptied after
	// every attempt.
	Secret bool
}

// UnlockSpec is what a window's unlock form asks and how it unlocks. The
// texts are in the language in use.
type UnlockSpec struct {
	Title     string
	TitleSize float32
	Subtitle  string
	Fields    []UnlockField
	// Hint is shown under the form, as a warning ("" for none).
	Hint string
	// Size is the form's size, centred in the window.
	Size fyne.Size
	// Language, when set, puts a button for each language beside the
	// title, each named in its own language and the one in use
	// highlighted; it is called with the language chosen.
	Language func(i18n.Lang)
	// Check is asked first, with what was typed in each field: a message
	// refuses the attempt, "" lets it go on.
	Check func(values []string) string
	// Unlock starts the unlock, with what was typed in each field; it
	// calls done on the UI thread with the message to show ("" when the
	// window was unlocked). Until then the form is busy.
	Unlock func(values []string, done func(message string))
}

// UnlockForm is the unlock screen of a window: its fields, the Unlock
// button (Enter in any field does the same) and the message under them.
type UnlockForm struct {
	Content fyne.CanvasObject
	Entries []*widget.Entry // one for each of the spec's fields, in order
	Button  *widget.Button
	Langs   []*widget.Button // one for each of i18n.Langs; none without Language
	Message *widget.Label

	spec UnlockSpec
	busy bool // an unlock is in flight: Enter or a tap must not start another

	wait      countdown // the wait before the next attempt, counted down
	countdown int       // which countdown is running; a new one or an attempt ends the old
}

// countdown is a wait shown as the message, refreshed every second.
type countdown struct {
	until time.Time
	now   func() time.Time
	say   func(left time.Duration) string // the message while waiting
	after string                          // the message once the wait is over
}

// NewUnlockForm builds the form of spec, showing message.
func NewUnlockForm(spec UnlockSpec, message string) *UnlockForm {
	f := &UnlockForm{spec: spec, Message: widget.NewLabel(message)}
	f.Message.Importance = widget.DangerImportance
	f.Message.Wrapping = fyne.TextWrapWord
	f.Button = widget.NewButton(i18n.T("Unlock"), f.submit)
	f.Button.Importance = widget.HighImportance

	title := canvas.NewText(spec.Title, nil)
	title.TextSize = spec.TitleSize
	title.TextStyle.Bold = true
	var head fyne.CanvasObject = title
	if spec.Language != nil {
		langRow := container.NewHBox()
		for _, l := range i18n.Langs {
			b := widget.NewButton(l.Name(), func() { spec.Language(l) })
			if l == i18n.Current() {
				b.Importance = widget.HighImportance
			}
			f.Langs = append(f.Langs, b)
			langRow.Add(b)
		}
		head = container.NewBorder(nil, nil, nil, container.NewCenter(langRow), title)
	}
	sub := widget.NewLabel(spec.Subtitle)
	sub.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(head, sub)
	for _, field := range spec.Fields {
		e := widget.NewEntry()
		if field.Secret {
			e = widget.NewPasswordEntry()
		}
		e.SetPlaceHolder(field.PlaceHolder)
		e.OnSubmitted = func(string) { f.submit() }
		f.Entries = append(f.Entries, e)
		form.Add(widget.NewLabel(field.Label))
		form.Add(e)
	}
	form.Add(f.Button)
	form.Add(f.Message)
	if spec.Hint != "" {
		hint := widget.NewLabel(spec.Hint)
		hint.Importance = widget.WarningImportance
		hint.Wrapping = fyne.TextWrapWord
		form.Add(hint)
	}
	box := container.NewGridWrap(spec.Size, form)
	f.Content = container.NewVBox(layout.NewSpacer(), container.NewCenter(box), layout.NewSpacer())
	return f
}

// Busy says whether an unlock is in flight.
func (f *UnlockForm) Busy() bool { return f.busy }

func (f *UnlockForm) submit() {
	if f.busy {
		return
	}
	values := make([]string, len(f.Entries))
	for i, e := range f.Entries {
		values[i] = e.Text
	}
	if msg := f.spec.Check(values); msg != "" {
		f.Message.SetText(msg)
		return
	}
	f.Message.SetText(i18n.T("Unlocking…"))
	f.StopCountdown()
	f.setBusy(true)
	f.spec.Unlock(values, func(message string) {
		f.setBusy(false)
		for i, e := range f.Entries {
			if f.spec.Fields[i].Secret {
				e.SetText("")
			}
		}
		f.Message.SetText(message)
	})
}

// setBusy disables the buttons while an unlock is in flight (the language
// too: the screen is not rebuilt under an unlock).
func (f *UnlockForm) setBusy(busy bool) {
	f.busy = busy
	for _, b := range append([]*widget.Button{f.Button}, f.Langs...) {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// Every calls f on the UI thread every interval until it returns false.
// Tests put their own in its place (uitest.Hold) to tick by hand.
var Every = func(interval time.Duration, f func() bool) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for range t.C {
			more := make(chan bool, 1)
			Do(func() { more <- f() })
			if !<-more {
				return
			}
		}
	}()
}

// CountDown shows say(the time left) as the message until the time until,
// by the clock now, refreshed every second; then after. A new countdown,
// or an attempt to unlock, ends it.
func (f *UnlockForm) CountDown(until time.Time, now func() time.Time, say func(left time.Duration) string, after string) {
	f.StopCountdown()
	f.wait = countdown{until: until, now: now, say: say, after: after}
	id := f.countdown
	if f.Tick() {
		Every(time.Second, func() bool { return id == f.countdown && f.Tick() })
	}
}

// Tick refreshes the countdown's message, and says whether the wait goes
// on.
func (f *UnlockForm) Tick() bool {
	if f.wait.say == nil {
		return false
	}
	left := f.wait.until.Sub(f.wait.now())
	if left <= 0 {
		f.Message.SetText(f.wait.after)
		f.StopCountdown()
		return false
	}
	f.Message.SetText(f.wait.say(left))
	return true
}

// StopCountdown ends the countdown, if one is running: its message stays
// as it is (a form replaced by another stops its own).
func (f *UnlockForm) StopCountdown() {
	f.wait = countdown{}
	f.countdown++
}
