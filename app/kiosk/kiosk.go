// Package kiosk is the window a nurse works from during an outage: unlock
// with the ward passphrase and one's own name, the census, and a read-only
// chart, with the downtime banner ("data as of", how old) on every screen.
//
// Patient data lives only in memory and only while unlocked: locking
// closes the snapshot and drops every widget that showed it. Background
// work (scrypt, decryption) runs off the UI thread and hands its result
// back with ui.Do. The unlock form, the theme and the language remembered
// are shared with the worklist window (app/ui).
package kiosk

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// Options configure a kiosk window.
type Options struct {
	Dir string // the data folder (the vault)
	// Hint is shown on the unlock screen (the demo shows its passphrase).
	Hint string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// IdleLock locks an unlocked kiosk after this long without use; 0
	// means DefaultIdleLock, a negative value never.
	IdleLock time.Duration
	// Thresholds colour the banner by data age; zero means 15 and 60 min.
	Thresholds present.Thresholds
	// PrintDir is where printed packs are written ("" means
	// DefaultPrintDir); Open shows one in the system's viewer (nil means
	// xdg-open or the platform's equivalent).
	PrintDir string
	Open     func(path string) error
	// Lang, when set, is the language the window opens in instead of the
	// one remembered; choosing another on the unlock screen still works
	// and is remembered.
	Lang i18n.Lang
	// FolderWarning is shown under the banner when the data folder's modes
	// could not be made private, or a folder above it is writable by
	// everyone (English, like the store's other checks); "" when not.
	FolderWarning string
}

// windowTitle is the title of the kiosk's window.
const windowTitle = "Lifeboat – downtime records"

// DefaultIdleLock is how long an unlocked kiosk waits unused before it
// locks itself: a ward workstation is left unattended in a hurry.
const DefaultIdleLock = 5 * time.Minute

// Kiosk is one kiosk window and its unlocked session, if any.
type Kiosk struct {
	app  fyne.App
	win  fyne.Window
	opt  Options
	root *fyne.Container

	// The unlocked session; nil while locked.
	snap   *store.Snapshot
	user   string
	census *censusView
	chart  *chartView
	banner *banner
	unlock *unlockView

	// session counts Lock calls: an unlock that finishes in another session
	// than it started in is stale, and its snapshot is closed unseen.
	session uint64
	// open unlocks the keys, opens the newest good snapshot and the audit
	// trail; tests replace it to hold an unlock in flight.
	open func(passphrase, user string) (*unlocked, error)
	// audit is the session's audit trail; auditProblem says why it could
	// not be written, for the banner (the records stay readable: nurses
	// need them more than the trail).
	audit        *store.Audit
	auditProblem string
	// journal is the downtime journal, nil when it could not be read (the
	// chart then says its entries are not shown).
	journal *store.Journal
	// keys open newer generations sealed by a live sync while unlocked;
	// refresh is that background reload (refresh.go).
	keys    *store.Keys
	refresh refreshState
	// lastPrint is the file of the last pack printed, for tests.
	lastPrint string

	// lastActive is when the unlocked kiosk was last used.
	lastActive time.Time
	// failures counts wrong passphrases in a row; retryAt is when the next
	// attempt is allowed (the wait grows with every failure).
	failures int
	retryAt  time.Time

	// mine is the signed-in user's "my patients" (mine.go).
	mine myPatients

	// summary is the open "Transfer summary" dialog (summary.go); media
	// finds the removable media it offers (tests replace it).
	summary *summaryDialog
	media   func() []string

	work sync.WaitGroup // background work in flight (tests wait on it)
}

// New makes the kiosk window, showing the unlock screen.
func New(a fyne.App, opt Options) *Kiosk {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.IdleLock == 0 {
		opt.IdleLock = DefaultIdleLock
	}
	if opt.PrintDir == "" {
		opt.PrintDir = DefaultPrintDir()
	}
	if opt.Open == nil {
		opt.Open = openInViewer
	}
	clearPrints(opt.PrintDir) // left by a kiosk that crashed
	if opt.Thresholds == (present.Thresholds{}) {
		opt.Thresholds = present.DefaultThresholds
	}
	k := &Kiosk{app: a, opt: opt, media: removableMedia}
	ui.ApplyTheme(a)
	lang, ok := i18n.Parse(string(opt.Lang))
	if !ok {
		lang = ui.RememberedLanguage(a)
	}
	i18n.Set(lang)

	k.open = func(passphrase, user string) (*unlocked, error) {
		return openSession(opt.Dir, passphrase, user, opt.Now())
	}
	k.win = a.NewWindow(i18n.T(windowTitle))
	// 1280×720 fits the ward PC's most common screen, 1366×768, with its
	// taskbar; a larger screen may make it larger.
	k.win.Resize(fyne.NewSize(1280, 720))
	k.root = container.NewStack()
	k.win.SetContent(k.root)
	k.win.SetOnClosed(k.Lock)
	k.win.Canvas().AddShortcut(lockShortcut, func(fyne.Shortcut) { k.Lock() })
	k.win.Canvas().AddShortcut(printShortcut, func(fyne.Shortcut) { k.printPack() })
	k.win.Canvas().AddShortcut(searchShortcut, func(fyne.Shortcut) { k.focusSearch() })
	k.showUnlock("")
	return k
}

// Window is the kiosk's window.
func (k *Kiosk) Window() fyne.Window { return k.win }

// ShowAndRun shows the window and runs the application until it closes.
func (k *Kiosk) ShowAndRun() { k.win.ShowAndRun() }

func (k *Kiosk) show(o fyne.CanvasObject) {
	k.root.Objects = []fyne.CanvasObject{o}
	k.root.Refresh()
}

func (k *Kiosk) showUnlock(message string) {
	k.unlock = newUnlockView(k, message)
	k.show(k.unlock.Content)
	k.win.Canvas().Focus(k.unlock.passphrase)
}

// tryUnlock opens the keys and the newest good snapshot off the UI thread
// and switches to the census when both succeed. A result that arrives after
// Lock (another session) is discarded and its snapshot closed; done is then
// not called, since the screen that asked is gone.
func (k *Kiosk) tryUnlock(passphrase, user string, done func(err error)) {
	session, open := k.session, k.open
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		u, err := open(passphrase, user)
		ui.Do(func() {
			if k.session != session || k.snap != nil {
				if u != nil {
					u.snap.Close()
					if u.journal != nil {
						u.journal.Close()
					}
				}
				return
			}
			if err != nil {
				done(err)
				return
			}
			k.snap, k.user, k.audit, k.auditProblem, k.journal, k.keys = u.snap, user, u.audit, u.auditProblem, u.journal, u.keys
			k.takeMine(u.mine, u.mineErr)
			k.failures, k.retryAt = 0, time.Time{}
			k.touch()
			k.showWard()
			done(nil)
		})
	}()
}

// Lock closes the snapshot and returns to the unlock screen. Nothing of the
// ward stays on screen or in memory held by the kiosk, and an unlock still
// in flight will not open a session.
func (k *Kiosk) Lock() {
	if k.snap != nil {
		k.record(store.AuditLock, "")
	}
	k.session++
	if k.banner != nil {
		k.banner.stop()
	}
	if k.summary != nil {
		k.summary.busy = false
		k.summary.close()
	}
	if k.snap != nil {
		k.snap.Close()
	}
	if k.journal != nil {
		k.journal.Close()
	}
	k.snap, k.user, k.census, k.chart, k.banner, k.audit, k.auditProblem = nil, "", nil, nil, nil, nil, ""
	k.journal, k.keys, k.refresh = nil, nil, refreshState{}
	k.mine = myPatients{}
	clearPrints(k.opt.PrintDir)
	k.showUnlock("")
}

// Unlocked says whether a session is open.
func (k *Kiosk) Unlocked() bool { return k.snap != nil }

func (k *Kiosk) showWard() {
	k.banner = newBanner(k)
	k.chart = newChartView(k)
	k.census = newCensusView(k)
	split := container.NewHSplit(k.census.content, k.chart.content)
	// The census's share: at a ward screen's 1366 px, a long Belgian name
	// stays whole beside the code status and the allergy state in every
	// language (TestTheCensusAtAWardScreenShowsSafetyTextWhole); the
	// chart keeps the rest.
	split.Offset = 0.47
	k.show(container.NewBorder(k.banner.content, nil, nil, nil, split))
	k.win.Canvas().Focus(k.census.search)
}

// openPatient shows a patient's chart: from the snapshot, or for a patient
// registered during downtime, the downtime-only chart from the journal.
func (k *Kiosk) openPatient(id string) {
	if k.snap == nil {
		return
	}
	var c *clinical.Chart
	if clinical.IsTemporaryID(id) {
		if c = k.temporaryChart(id); c == nil {
			k.chart.showError(i18n.T(present.NoRegistration))
			return
		}
	} else {
		var err error
		if c, err = k.snap.Chart(context.Background(), id); err != nil {
			k.chart.showError(i18n.T("This patient's chart could not be read from the snapshot."))
			return
		}
	}
	k.touch()
	k.record(store.AuditViewChart, c.Patient.ID)
	k.chart.show(c)
}

// touch notes that the kiosk is in use, postponing the idle lock.
func (k *Kiosk) touch() { k.lastActive = k.opt.Now() }

// tick runs on the UI thread every few seconds while unlocked: it keeps
// the banner's age current and locks a kiosk left unused.
func (k *Kiosk) tick() {
	if k.snap == nil {
		return
	}
	if k.opt.IdleLock > 0 && k.opt.Now().Sub(k.lastActive) >= k.opt.IdleLock {
		k.Lock()
		k.unlock.Message.SetText(i18n.T(present.LockedWhileIdle))
		return
	}
	k.banner.update()
	k.checkNewer()
}

// unlocked is what a successful unlock opens.
type unlocked struct {
	keys         *store.Keys
	snap         *store.Snapshot
	audit        *store.Audit
	auditProblem string
	journal      *store.Journal
	// mine is the user's "my patients" (mine.go); mineErr why it could
	// not be read.
	mine    []string
	mineErr error
}

// openSession unlocks the vault and opens the newest good snapshot and the
// audit trail, recording the unlock, or the failed unlock when the
// passphrase was wrong.
func openSession(dir, passphrase, user string, now time.Time) (*unlocked, error) {
	keys, err := store.Unlock(dir, passphrase)
	if errors.Is(err, store.ErrWrongPassphrase) {
		store.AuditWhileLocked(dir, store.AuditRecord{Time: now, Actor: user, Action: store.AuditUnlockFailed})
	}
	if err != nil {
		return nil, err
	}
	snap, err := store.Open(context.Background(), dir, keys)
	if err != nil {
		return nil, err
	}
	u := &unlocked{snap: snap, keys: keys}
	if j, err := store.OpenJournal(context.Background(), dir, keys); err == nil {
		u.journal = j
	}
	u.mine, u.mineErr = store.MyPatients(dir, keys, user)
	u.audit, err = store.OpenAudit(dir, keys)
	if err == nil {
		err = u.audit.Append(store.AuditRecord{Time: now, Actor: user, Action: store.AuditUnlock})
	}
	if err != nil {
		u.audit, u.auditProblem = nil, i18n.T(present.AuditUnavailable)
	}
	return u, nil
}

// record appends to the session's audit trail; a failure is shown on the
// banner, and the records stay available.
func (k *Kiosk) record(action, subject string) { k.recordDetails(action, subject, "") }

// recordDetails is record with details (what kind of entry, for whom).
func (k *Kiosk) recordDetails(action, subject, details string) {
	if k.audit == nil {
		return
	}
	err := k.audit.Append(store.AuditRecord{Time: k.opt.Now(), Actor: k.user, Action: action, Subject: subject, Details: details})
	if err != nil && k.auditProblem == "" {
		k.auditProblem = i18n.T(present.AuditUnavailable)
		if k.banner != nil {
			k.banner.update()
		}
	}
}
