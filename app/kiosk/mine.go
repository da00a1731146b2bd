package kiosk

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/store"
)

// myPatients is the signed-in user's selection of patients: read at
// unlock, changed from the chart's "My patient" check, kept sealed in the
// data folder (store.SetMyPatients) so that it is there again after a lock
// or a restart, for this user only. The census filter "My patients"
// shows them.
type myPatients struct {
	ids map[string]bool
	// problem says why the selection could not be read or kept; "".
	problem string
	// version is the number of the last change (mineVersion).
	version uint64
}

// mineVersion numbers the changes of every session; mineWrites orders
// the writes of each user's selection: a write of an older change of the
// same user that comes late is dropped (writeMine). written is, by
// folder and user, the newest change on disk.
var (
	mineVersion atomic.Uint64
	mineWrites  struct {
		sync.Mutex
		written map[mineKey]uint64
	}
)

// mineKey is whose selection a write is: the kiosk's folder and the user.
type mineKey struct{ dir, user string }

func (k *Kiosk) takeMine(ids []string, err error) {
	k.mine = myPatients{ids: map[string]bool{}}
	for _, id := range ids {
		k.mine.ids[id] = true
	}
	if err != nil {
		k.mine.problem = i18n.T(present.MyPatientsUnreadable)
	}
}

// isMine says whether the patient is among the user's.
func (k *Kiosk) isMine(id string) bool { return k.mine.ids[id] }

// setMine adds the patient to the user's selection, or takes them out, and
// keeps it in the background; the census filter follows at once.
func (k *Kiosk) setMine(id string, on bool) {
	if k.mine.ids == nil {
		k.mine.ids = map[string]bool{}
	}
	if k.mine.ids[id] == on {
		return
	}
	if on {
		k.mine.ids[id] = true
	} else {
		delete(k.mine.ids, id)
	}
	k.mine.version = mineVersion.Add(1)
	k.touch()
	if k.census != nil && k.census.show == present.ShowMine {
		k.census.rearrange()
	}
	if k.keys == nil {
		return
	}
	dir, keys, user, session := k.opt.Dir, k.keys, k.user, k.session
	version, ids := k.mine.version, slices.Sorted(maps.Keys(k.mine.ids))
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		err := writeMine(dir, keys, user, ids, version)
		ui.Do(func() {
			if k.session != session || k.mine.version != version {
				return
			}
			k.mine.problem = ""
			if err != nil {
				k.mine.problem = i18n.T(present.MyPatientsNotKept)
			}
			if k.chart != nil && k.chart.mineNote != nil {
				k.chart.showMineProblem()
			}
		})
	}()
}

func writeMine(dir string, keys *store.Keys, user string, ids []string, version uint64) error {
	mineWrites.Lock()
	defer mineWrites.Unlock()
	key := mineKey{dir, user}
	if version < mineWrites.written[key] {
		return nil
	}
	if mineWrites.written == nil {
		mineWrites.written = map[mineKey]uint64{}
	}
	mineWrites.written[key] = version
	return store.SetMyPatients(dir, keys, user, ids)
}

// mineCheck is the chart's "My patient" check for the patient.
func (v *chartView) mineCheck(id string) fyne.CanvasObject {
	check := widget.NewCheck(i18n.T(present.MyPatientCheck), nil)
	check.SetChecked(v.k.isMine(id))
	check.OnChanged = func(on bool) { v.k.setMine(id, on) }
	v.mine = check
	v.mineNote = widget.NewLabel("")
	v.mineNote.Importance = widget.WarningImportance
	v.mineNote.Wrapping = fyne.TextWrapWord
	v.showMineProblem()
	return check
}

func (v *chartView) showMineProblem() {
	v.mineNote.SetText(v.k.mine.problem)
	if v.k.mine.problem == "" {
		v.mineNote.Hide()
	} else {
		v.mineNote.Show()
	}
}
