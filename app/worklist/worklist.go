// Package worklist is the window where IT and health-records staff decide
// what reconciliation left for a person: entries in conflict with the EHR,
// temporary patients to link, entries the EHR refused.
//
// It needs no network: it reads the newest sealed reconciliation report
// (written by lifeboat reconcile) and the downtime journal, and records each
// decision as a journal entry (who, when, why). The next lifeboat reconcile
// applies them. Nothing is decided automatically.
//
// At the hub (Options.Hub) it is the hospital's: the report of the last
// lifeboat reconcile --hub, every kiosk's journal handed in there read as
// one (hub.OpenHospital), each item with its kiosk and ward, and the
// decisions recorded in the hub's own journal, never in a kiosk's copy.
// The journals the hub kept apart, and those the key cannot open, are
// listed and never offered.
//
// It unlocks with the kiosk's IT recovery key (a key file or the key
// pasted) and the decider's name, in the unlock form it shares with the
// kiosk, with the same theme and language (app/ui). Disk work runs off
// the UI thread and comes back with ui.Do.
package worklist

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/hub"
	"lifeboat/sync/reconcile"
)

// Options configure a worklist.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hint is shown on the unlock screen.
	Hint string
	// Hub says the folder is a hub's: the worklist is then the hospital's,
	// over every kiosk's journal handed in there.
	Hub bool
}

// Worklist is the worklist's content and its unlocked session, if any.
type Worklist struct {
	dir  string
	opt  Options
	win  fyne.Window // nil when built without a window
	root *fyne.Container

	unlock *unlockView
	main   *mainView

	// The unlocked session; journal is nil while locked. At the hub,
	// hospital is every kiosk's journal handed in (journal is it too).
	keys     *store.Keys
	journal  reconcile.Journal
	closer   func() error
	hospital *hub.Hospital
	user     string
	report   *reconcile.Report
	rows     []*row
	// session counts locks: work that finishes in another session is dropped.
	session uint64

	work sync.WaitGroup // background work in flight (tests wait on it)
}

// row is one report item and what became of it since the report.
type row struct {
	it      reconcile.Item
	entry   store.JournalEntry // the entry as the journal holds it now
	patient string             // the patient in words (name when known, and id)
	decided *reconcile.Decided // a decision taken since the plan, or the one the plan applied
	after   bool               // decided after the plan (not yet applied)
	edited  bool               // decided by a correction pushed in its place

	// At the hub: the entry's kiosk and its ward; for a dose recorded
	// twice, the other kiosk's; for a registration that follows the same
	// person's on another kiosk, that one.
	kiosk, ward string
	twice       *store.JournalEntry
	twiceWard   string
	sameAs      *store.JournalEntry
	sameAsWard  string
}

// waits says whether the plan left the item for a person.
func (r *row) waits() bool {
	return slices.Contains([]reconcile.Outcome{reconcile.Conflict, reconcile.NeedsLink, reconcile.Failed}, r.it.Outcome)
}

// todo says whether the item still waits for a decision here.
func (r *row) todo() bool {
	return r.waits() && !r.after && r.entry.State == store.StatePending && !r.entry.Superseded()
}

// NewContent builds the worklist for the data folder dir without a window:
// the unlock screen first. Content is what to show.
func NewContent(dir string, opt Options) *Worklist {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	w := &Worklist{dir: dir, opt: opt, root: container.NewStack()}
	w.showUnlock("")
	return w
}

// Show makes the worklist's window in application a; the caller shows it
// (ShowAndRun).
func Show(a fyne.App, dir string, opt Options) *Worklist {
	ui.ApplyTheme(a)
	// The language last chosen on the kiosk's unlock screen: the worklist
	// runs under the same application ID, so it reads the same preference.
	i18n.Set(ui.RememberedLanguage(a))
	w := NewContent(dir, opt)
	w.win = a.NewWindow(i18n.T("Lifeboat – reconciliation worklist"))
	w.win.Resize(fyne.NewSize(1280, 800))
	w.win.SetContent(w.root)
	w.win.SetOnClosed(w.Lock)
	w.focus(w.unlock.keyFile)
	return w
}

// Content is the worklist's content.
func (w *Worklist) Content() fyne.CanvasObject { return w.root }

// Window is the worklist's window, nil when built with NewContent.
func (w *Worklist) Window() fyne.Window { return w.win }

// Unlocked says whether a session is open.
func (w *Worklist) Unlocked() bool { return w.journal != nil }

// atHub says whether the worklist is the hospital's, at the hub.
func (w *Worklist) atHub() bool { return w.opt.Hub }

// Wait waits for the background work in flight.
func (w *Worklist) Wait() { w.work.Wait() }

func (w *Worklist) show(o fyne.CanvasObject) {
	w.root.Objects = []fyne.CanvasObject{o}
	w.root.Refresh()
}

func (w *Worklist) focus(o fyne.Focusable) {
	if w.win != nil && o != nil {
		w.win.Canvas().Focus(o)
	}
}

func (w *Worklist) showUnlock(message string) {
	w.unlock = newUnlockView(w, message)
	w.show(w.unlock.Content)
	w.focus(w.unlock.keyFile)
}

// Lock closes the journal and forgets the report, back to the unlock
// screen.
func (w *Worklist) Lock() {
	w.session++
	if w.closer != nil {
		w.closer()
	}
	w.keys, w.journal, w.closer, w.hospital, w.user, w.report, w.rows, w.main = nil, nil, nil, nil, "", nil, nil, nil
	w.showUnlock("")
}

// opened is what an unlock reads off the UI thread.
type opened struct {
	keys     *store.Keys
	journal  reconcile.Journal
	closer   func() error
	hospital *hub.Hospital // at the hub
	report   *reconcile.Report
	rows     []*row
}

// readKey is the recovery key: the text pasted, or the key file's content.
// A key file other accounts can read is refused, as on the command line.
func readKey(file, text string) ([]byte, error) {
	if t := strings.TrimSpace(text); t != "" {
		return []byte(t), nil
	}
	b, err := store.ReadKeyFile(strings.TrimSpace(file), "the recovery key file")
	if errors.Is(err, store.ErrKeyFileOpen) || errors.Is(err, store.ErrNotRegular) {
		return nil, err
	}
	if err != nil {
		return nil, errKeyFile
	}
	return b, nil
}

var (
	errKeyFile       = errors.New("the key file could not be read")
	errReportDamaged = errors.New("the newest reconciliation report cannot be read")
)

// open unlocks with the recovery key and reads the newest report and the
// journal: the kiosk's, or at the hub (atHub) every kiosk's journal handed
// in there, read as one with the hub's journal of decisions. It runs off
// the UI thread.
func open(ctx context.Context, dir string, atHub bool, keyFile, keyText string) (*opened, error) {
	key, err := readKey(keyFile, keyText)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	if atHub {
		if cfg, err := store.LoadConfig(dir); err == nil && cfg.Recovery == "" {
			return nil, hub.ErrNoRecovery
		}
	}
	keys, err := store.UnlockRecovery(dir, string(key))
	if err != nil {
		return nil, err
	}
	plain, err := store.LatestReport(dir, reconcile.ReportKind, keys)
	if err != nil {
		return nil, err
	}
	var rep reconcile.Report
	err = json.Unmarshal(plain, &rep)
	clear(plain)
	if err != nil {
		return nil, errReportDamaged
	}
	o := &opened{keys: keys, report: &rep}
	var wardOf func(string) string
	if atHub {
		h, err := hub.OpenHospital(ctx, dir, string(key), "")
		if err != nil {
			return nil, err
		}
		o.journal, o.closer, o.hospital, wardOf = h, h.Close, h, h.WardOf
	} else {
		j, err := store.OpenJournal(ctx, dir, keys)
		if err != nil {
			return nil, err
		}
		o.journal, o.closer = j, j.Close
	}
	o.rows, err = buildRows(ctx, o.journal, &rep, patientNames(ctx, dir, keys, &rep), wardOf)
	if err != nil {
		o.closer()
		return nil, err
	}
	return o, nil
}

// patientNames names the snapshot patients of the report from the newest
// snapshot the recovery key opens; without one (at the hub) the name the
// EHR gave when the entry was planned stands beside the id, or the id
// alone.
func patientNames(ctx context.Context, dir string, keys *store.Keys, rep *reconcile.Report) map[string]string {
	names := map[string]string{}
	need := false
	for _, it := range rep.Items {
		if !clinical.IsTemporaryID(it.Patient) {
			need = true
		}
	}
	if !need {
		return names
	}
	snap, err := store.Open(ctx, dir, keys)
	if err != nil {
		return names
	}
	defer snap.Close()
	rows, err := snap.Census(ctx)
	if err != nil {
		return names
	}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	return names
}

// buildRows puts each report item beside its entry and decisions as the
// journal holds them now; wardOf, at the hub, names each kiosk's ward.
func buildRows(ctx context.Context, j reconcile.Journal, rep *reconcile.Report, names map[string]string, wardOf func(string) string) ([]*row, error) {
	entries, err := j.List(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]store.JournalEntry{}
	decisions := map[string]store.JournalEntry{} // the latest decision on each entry
	for _, e := range entries {
		byID[e.ID] = e
		if e.Kind == clinical.KindDecision && e.Decision != nil {
			decisions[e.Decision.Entry] = e
		}
		if e.Kind == clinical.KindRegistration && e.Registration != nil && !e.Cancelled {
			names[e.Patient] = present.RegistrationName(*e.Registration)
		}
	}
	var rows []*row
	for _, it := range rep.Items {
		e, ok := byID[it.Entry]
		if !ok {
			continue // not in this journal: nothing can be decided here
		}
		r := &row{it: it, entry: e, decided: it.Decision}
		if it.Downtime == "" {
			r.it.Downtime = present.EntrySummary(e.Entry)
		}
		r.patient = it.Patient
		if n := cmp.Or(names[it.Patient], it.PatientName); n != "" {
			r.patient = n + " (" + it.Patient + ")"
		}
		if d, ok := decisions[it.Entry]; ok && (it.Decision == nil || it.Decision.Entry != d.ID) {
			r.decided, r.after = decidedOf(d.Entry), true
		}
		if e.Superseded() && !e.Cancelled {
			if d, ok := decisions[e.SupersededBy]; ok {
				r.decided, r.after, r.edited = decidedOf(d.Entry), true, true
			}
		}
		if wardOf != nil {
			r.kiosk, r.ward = e.KioskID, wardOf(e.KioskID)
			if s := it.Server; s != nil && (it.Conflict == reconcile.ConflictRecordedTwice || it.Conflict == reconcile.ConflictCorrectedTwice) {
				if o, ok := byID[strings.TrimPrefix(s.Reference, "entry ")]; ok {
					r.twice, r.twiceWard = &o, wardOf(o.KioskID)
				}
			}
			if o, ok := byID[it.SameAs]; ok && it.SameAs != "" {
				r.sameAs, r.sameAsWard = &o, wardOf(o.KioskID)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func decidedOf(d clinical.Entry) *reconcile.Decided {
	return &reconcile.Decided{Entry: d.ID, Action: d.Decision.Action, Reason: d.Decision.Reason,
		LinkTo: d.Decision.LinkTo, By: d.Author, At: d.ClinicalTime}
}

// tryUnlock opens the session off the UI thread; done gets the error, if
// any, on the UI thread.
func (w *Worklist) tryUnlock(keyFile, keyText, user string, done func(error)) {
	session := w.session
	w.work.Add(1)
	go func() {
		defer w.work.Done()
		o, err := open(context.Background(), w.dir, w.atHub(), keyFile, keyText)
		ui.Do(func() {
			if w.session != session || w.journal != nil {
				if o != nil {
					o.closer()
				}
				return
			}
			if err != nil {
				done(err)
				return
			}
			w.keys, w.journal, w.closer, w.hospital, w.report, w.rows, w.user = o.keys, o.journal, o.closer, o.hospital, o.report, o.rows, user
			w.main = newMainView(w)
			w.show(w.main.content)
			w.main.focusList()
			done(nil)
		})
	}()
}

// unlockMessage is the one sentence shown after an unlock that failed.
func (w *Worklist) unlockMessage(err error) string {
	if w.atHub() {
		switch {
		case errors.Is(err, store.ErrNotRecoveryKey):
			return i18n.T("That is not the IT recovery key this hub was set up with.")
		case errors.Is(err, hub.ErrNoRecovery):
			return i18n.T("This hub was set up without IT's recovery recipient: it keeps no journal the recovery key opens.")
		case errors.Is(err, store.ErrNotInitialised) || errors.Is(err, os.ErrNotExist):
			return i18n.T("This folder has no Lifeboat keys: it is not a hub's data folder.")
		case errors.Is(err, store.ErrNoReport):
			return i18n.T("No reconciliation plan at this hub yet: run lifeboat reconcile --hub HUBDIR --recovery-key FILE --fhir URL first, then open the worklist again.")
		}
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrNotRecoveryKey):
		return i18n.T("That is not this kiosk's IT recovery key.")
	case errors.Is(err, errKeyFile):
		return i18n.T("The key file could not be read: check the path.")
	case errors.Is(err, store.ErrNotInitialised) || errors.Is(err, os.ErrNotExist):
		return i18n.T("This data folder has no Lifeboat keys: it is not a kiosk's data folder.")
	case errors.Is(err, store.ErrNoReport):
		return i18n.T("No reconciliation plan on this kiosk yet: run lifeboat reconcile --data DIR --fhir URL first, then open the worklist again.")
	case errors.Is(err, errReportDamaged):
		return i18n.T("The newest reconciliation report cannot be read: it was altered or is damaged.")
	}
	return i18n.F("The worklist could not be opened: %s", present.Sentence(err.Error()))
}

// decide records a decision on r off the UI thread, then shows it.
func (w *Worklist) decide(r *row, action, linkTo, reason string, done func(error)) {
	session, j, user, now := w.session, w.journal, w.user, w.opt.Now()
	w.work.Add(1)
	go func() {
		defer w.work.Done()
		d, err := reconcile.Decide(context.Background(), j, r.it.Entry, action, linkTo, reason, user, now)
		ui.Do(func() {
			if w.session != session {
				return
			}
			if err == nil {
				r.decided, r.after = decidedOf(d), true
			}
			done(err)
		})
	}()
}

// correct records a correction of r's entry (made by edit from the
// original) and a decision to push it, in one transaction, off the UI
// thread: the original is then superseded and not pushed.
func (w *Worklist) correct(r *row, edit func(*clinical.Entry) error, careBy, reason string, done func(error)) {
	session, j, user, now := w.session, w.journal, w.user, w.opt.Now()
	w.work.Add(1)
	go func() {
		defer w.work.Done()
		d, err := reconcile.EditThenPush(context.Background(), j, r.it.Entry, edit, careBy, reason, user, now)
		ui.Do(func() {
			if w.session != session {
				return
			}
			if err == nil {
				r.decided, r.after, r.edited = decidedOf(d), true, true
				r.entry.SupersededBy = d.Decision.Entry
			}
			done(err)
		})
	}()
}

// refusal is the one sentence of a decision or correction refused.
func refusal(err error) string {
	var inv *clinical.InvalidEntryError
	switch {
	case errors.As(err, &inv):
		return i18n.F("Not recorded: %s", inv.Reason)
	case errors.Is(err, reconcile.ErrCannotDecide):
		return i18n.F("Not recorded: %s", strings.TrimPrefix(err.Error(), reconcile.ErrCannotDecide.Error()+": "))
	}
	return i18n.F("Not recorded: %s", err.Error())
}
