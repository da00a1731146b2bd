package kiosk

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// lockShortcut locks the kiosk: Ctrl+L (Cmd+L on a Mac).
var lockShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// searchShortcut puts the focus in the census search: Ctrl+F.
var searchShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}

// focusSearch puts the focus in the census search, its text selected so
// that typing replaces it; it does nothing while locked.
func (k *Kiosk) focusSearch() {
	if k.census == nil || k.census.search == nil {
		return
	}
	k.win.Canvas().Focus(k.census.search)
	k.census.search.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// searchEntry is the census search field. A focused entry takes every
// shortcut before the window does, so the lock shortcut is handled here
// too: the search field has the focus most of the time.
type searchEntry struct {
	widget.Entry
	k *Kiosk
}

func newSearchEntry(k *Kiosk) *searchEntry {
	e := &searchEntry{k: k}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	switch s.ShortcutName() {
	case lockShortcut.ShortcutName():
		e.k.Lock()
		return
	case printShortcut.ShortcutName():
		e.k.printPack()
		return
	}
	e.Entry.TypedShortcut(s)
}
