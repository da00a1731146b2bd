// Package ui holds what the two windows of Lifeboat share, the nurses'
// kiosk (app/kiosk) and IT's reconciliation worklist (app/worklist):
//
//   - the unlock form (unlock.go): the fields each window asks for, Enter
//     and the Unlock button, the busy state while an unlock is in flight,
//     and, on the kiosk, the language buttons;
//   - the theme (theme.go): light, with large text and high contrast as the
//     application's preferences remember them;
//   - the language remembered in those preferences (lang.go);
//   - Do, the one way background work hands its result back to the UI
//     thread (tests put app/ui/uitest's queue in its place).
//
// What only one window shows lives in that window's package; the words go
// through app/i18n.
package ui

import "fyne.io/fyne/v2"

// Do hands work back to the UI thread. Tests put their own in its place
// (uitest.Hold) to run what is handed back on the test's goroutine, when
// they choose: Fyne's test driver runs fyne.Do at once, on the calling
// goroutine, beside the UI work of the goroutine that started the work.
var Do = fyne.Do
