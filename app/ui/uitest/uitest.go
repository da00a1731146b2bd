// Package uitest is for the windows' tests: Hold puts a queue in place of
// ui.Do (and of ui.Every's ticker: Tick ticks by hand), and Drain runs
// what background work handed back to the UI thread on the test's
// goroutine, when the test chooses (Fyne's test driver would
// run it at once on the worker's goroutine, beside the UI work of the
// goroutine that started it).
package uitest

import (
	"sync"
	"time"

	"lifeboat/app/ui"
)

var handed struct {
	sync.Mutex
	fns     []func()
	tickers []func() bool // ui.Every's, run by Tick
}

// Hold makes ui.Do keep what it is handed for Drain. Call it from the
// test package's init or TestMain.
func Hold() {
	ui.Do = func(f func()) {
		handed.Lock()
		handed.fns = append(handed.fns, f)
		handed.Unlock()
	}
	ui.Every = func(_ time.Duration, f func() bool) {
		handed.Lock()
		handed.tickers = append(handed.tickers, f)
		handed.Unlock()
	}
}

// Tick runs, once, every ticker started with ui.Every, as a second
// passing would; a ticker that says it is done is not run again.
func Tick() {
	handed.Lock()
	tickers := handed.tickers
	handed.tickers = nil
	handed.Unlock()
	var more []func() bool
	for _, f := range tickers {
		if f() {
			more = append(more, f)
		}
	}
	handed.Lock()
	handed.tickers = append(more, handed.tickers...)
	handed.Unlock()
}

// Drain runs what was handed back to the UI thread, until nothing is
// left; call it once the work is done (the window's Wait), or use Settle.
func Drain() { drain() }

// drain is Drain, telling whether it ran anything.
func drain() (ran bool) {
	for {
		handed.Lock()
		fns := handed.fns
		handed.fns = nil
		handed.Unlock()
		if len(fns) == 0 {
			return ran
		}
		for _, f := range fns {
			f()
		}
		ran = true
	}
}

// Settle waits for the window's background work (wait, such as a
// WaitGroup's Wait) and runs what it handed back to the UI thread, again
// until that UI work started nothing more: UI work may start background
// work of its own (a census shown starts the search for look-alike
// names), which one Wait and Drain would not see finish.
func Settle(wait func()) {
	for {
		wait()
		if !drain() {
			return
		}
	}
}
