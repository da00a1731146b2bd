package kiosk

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// A form is filled with the keyboard: Tab moves to the next field, Enter
// saves from any field and Escape cancels from any field. Fyne gives a key
// to the focused widget only, so each kind of widget a form uses is
// wrapped to hand Enter and Escape to the form.

// formKeys is what Enter and Escape do in one form, and the kiosk's lock
// shortcut, which a focused text field would otherwise take for itself.
type formKeys struct {
	submit func()
	cancel func()
	lock   func()
}

// formEntry is a text field of a form. A multi-line one (the note) keeps
// Enter for saving too; Shift+Enter starts a new line, and Tab leaves it.
type formEntry struct {
	widget.Entry
	keys  *formKeys
	shift bool
}

func newFormEntry(keys *formKeys, multiLine bool) *formEntry {
	e := &formEntry{keys: keys}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(6)
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *formEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		e.keys.cancel()
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		// Handled here rather than by OnSubmitted, so that the form is
		// done with the field before the save goes off the UI thread.
		if !e.MultiLine || !e.shift {
			e.keys.submit()
			return
		}
	}
	e.Entry.TypedKey(ev)
}

func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	if s.ShortcutName() == lockShortcut.ShortcutName() {
		e.keys.lock()
		return
	}
	e.Entry.TypedShortcut(s)
}

// AcceptsTab is false: Tab moves to the next field, even from the note.
func (e *formEntry) AcceptsTab() bool { return false }

func (e *formEntry) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(ev)
}

func (e *formEntry) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(ev)
}

func (e *formEntry) FocusLost() {
	e.shift = false
	e.Entry.FocusLost()
}

// formSelect is a choice of a form. Besides the arrows and Space of a
// Select, typing a letter chooses the next option starting with it.
type formSelect struct {
	widget.Select
	keys *formKeys
}

func newFormSelect(keys *formKeys, options []string, changed func(string)) *formSelect {
	s := &formSelect{keys: keys}
	s.Options = options
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *formSelect) TypedKey(ev *fyne.KeyEvent) {
	if !s.keys.typed(ev) {
		s.Select.TypedKey(ev)
	}
}

// typed handles Enter (save) and Escape (cancel) for a form's select or
// check box; false for any other key, which the widget handles.
func (k *formKeys) typed(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyEscape:
		k.cancel()
	case fyne.KeyReturn, fyne.KeyEnter:
		k.submit()
	default:
		return false
	}
	return true
}

func (s *formSelect) TypedRune(r rune) {
	n := len(s.Options)
	if n == 0 || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return
	}
	want := strings.ToLower(string(r))
	from := s.SelectedIndex()
	for i := 1; i <= n; i++ {
		k := (from + i + n) % n
		if from < 0 {
			k = i - 1
		}
		if strings.HasPrefix(strings.ToLower(s.Options[k]), want) {
			s.SetSelectedIndex(k)
			return
		}
	}
}

// formButton is a button of a form: Space presses it, as with any button,
// and Escape cancels the form. Enter does not press it, so that Enter
// pressed twice never answers "Save anyway".
type formButton struct {
	widget.Button
	keys *formKeys
}

func newFormButton(keys *formKeys, label string, tapped func()) *formButton {
	b := &formButton{keys: keys}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *formButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		b.keys.cancel()
		return
	}
	b.Button.TypedKey(ev)
}

// formCheck is a check box of a form: Space ticks it, as with any check
// box, Enter saves the form and Escape cancels it.
type formCheck struct {
	widget.Check
	keys *formKeys
}

func newFormCheck(keys *formKeys, label string, changed func(bool)) *formCheck {
	c := &formCheck{keys: keys}
	c.Text = label
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *formCheck) TypedKey(ev *fyne.KeyEvent) {
	if !c.keys.typed(ev) {
		c.Check.TypedKey(ev)
	}
}

// keyButton is a button that Enter presses too (besides Space), for a
// screen whose one obvious next step it is.
type keyButton struct {
	widget.Button
}

func newKeyButton(label string, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		b.Tapped(nil)
		return
	}
	b.Button.TypedKey(ev)
}
