package kiosk

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
)

func TestEveryUnlockFailedUnlockViewAndLockIsAudited(t *testing.T) {
	now := time.Now()
	dir := ward(t, now, 0)
	k := kioskOn(t, dir, now)
	unlockWith(k, "not the passphrase", "RN Wouters")
	k.unlock.user.SetText("") // the name stays after a failed unlock; another nurse takes over
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	k.Lock()

	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := store.ExportAudit(dir, keys, &out, "jsonl")
	if err != nil || !rep.Intact() {
		t.Fatalf("report %+v, %v", rep, err)
	}
	trail := out.String()
	for _, want := range []string{
		`"actor":"RN Wouters"`, `"action":"` + store.AuditUnlockFailed + `"`,
		`"actor":"RN Peeters"`, `"action":"` + store.AuditUnlock + `"`,
		`"action":"` + store.AuditViewChart + `"`, `"subject":"p1"`,
		`"action":"` + store.AuditLock + `"`,
	} {
		if !strings.Contains(trail, want) {
			t.Errorf("the trail lacks %s:\n%s", want, trail)
		}
	}
}
