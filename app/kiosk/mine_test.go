package kiosk

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/store"
)

func shownIDs(v *censusView) []string {
	var ids []string
	for _, r := range v.shown {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

// "My patients" are chosen on the chart, kept for the user over a lock
// and a restart, and shown by the census filter; another user has their
// own, empty at first.
func TestMyPatientsSurviveLockAndUnlockForTheSameUser(t *testing.T) {
	now := time.Now()
	dir := ward(t, now, 0)
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	for _, id := range []string{"p2", "p4"} {
		k.openPatient(id)
		if k.chart.mine == nil || k.chart.mine.Checked {
			t.Fatalf("%s: no unchecked My patient check", id)
		}
		test.Tap(k.chart.mine)
	}
	uitest.Settle(k.work.Wait)
	k.census.setShow(present.ShowMine)
	if got := shownIDs(k.census); !slices.Equal(got, []string{"p2", "p4"}) {
		t.Fatalf("before the lock: %v", got)
	}
	k.openPatient("p2")
	if !k.chart.mine.Checked {
		t.Error("p2's chart does not say My patient")
	}

	k.Lock()
	unlockWith(k, passphrase, "RN Peeters")
	k.census.setShow(present.ShowMine)
	if got := shownIDs(k.census); !slices.Equal(got, []string{"p2", "p4"}) {
		t.Errorf("after unlocking again: %v", got)
	}

	k.Lock()
	unlockWith(k, passphrase, "RN Dubois")
	k.census.setShow(present.ShowMine)
	if got := shownIDs(k.census); len(got) != 0 {
		t.Errorf("another user sees %v", got)
	}
	k.openPatient("p3")
	test.Tap(k.chart.mine)
	uitest.Settle(k.work.Wait)
	k.Lock()

	// A restart: a new kiosk on the same folder.
	k2 := kioskOn(t, dir, now)
	unlockWith(k2, passphrase, "RN Peeters")
	k2.census.setShow(present.ShowMine)
	if got := shownIDs(k2.census); !slices.Equal(got, []string{"p2", "p4"}) {
		t.Errorf("after a restart: %v", got)
	}
	k2.openPatient("p4")
	test.Tap(k2.chart.mine) // taken out
	uitest.Settle(k2.work.Wait)
	if got := shownIDs(k2.census); !slices.Equal(got, []string{"p2"}) {
		t.Errorf("after taking p4 out: %v", got)
	}
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := store.MyPatients(dir, keys, "RN Dubois"); !slices.Equal(ids, []string{"p3"}) {
		t.Errorf("RN Dubois kept %v", ids)
	}
}

// The writes of one user's selection are ordered among themselves only: a
// write of user A that comes after user B's newer change is kept.
func TestALateWriteOfOneUserIsKeptAfterAnotherUsersNewerOne(t *testing.T) {
	dir := ward(t, time.Now(), 0)
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mineVersion.Add(1), mineVersion.Add(1)
	if err := writeMine(dir, keys, "RN Dubois", []string{"p3"}, b); err != nil {
		t.Fatal(err)
	}
	if err := writeMine(dir, keys, "RN Peeters", []string{"p1"}, a); err != nil {
		t.Fatal(err)
	}
	if ids, _ := store.MyPatients(dir, keys, "RN Peeters"); !slices.Equal(ids, []string{"p1"}) {
		t.Errorf("RN Peeters kept %v", ids)
	}
	// The same user's older change, late, is still dropped.
	if err := writeMine(dir, keys, "RN Dubois", []string{"p4"}, a); err != nil {
		t.Fatal(err)
	}
	if ids, _ := store.MyPatients(dir, keys, "RN Dubois"); !slices.Equal(ids, []string{"p3"}) {
		t.Errorf("RN Dubois kept %v", ids)
	}
}
