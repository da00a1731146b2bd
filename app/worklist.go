package app

import (
	"errors"
	"os"
	"path/filepath"

	"lifeboat/app/worklist"
	"lifeboat/store"
	"lifeboat/sync/hub"
)

// reconcileWorklistCmd opens the reconciliation worklist window: IT and
// health-records staff decide, with the recovery key, what the last
// lifeboat reconcile left for a person: of one kiosk (--data), or of the
// whole hospital at the hub (--hub), over every kiosk's journal handed in
// there, the decisions then kept in the hub's own journal. It needs no
// network.
func (c *cli) reconcileWorklistCmd(args []string) error {
	f := c.vaultFlags("reconcile worklist")
	hubDir := f.String("hub", "", "the hub's folder: the hospital's worklist over the journals handed in")
	dir, err := c.reconcileFolder(f, args, hubDir)
	if err != nil {
		return err
	}
	// Say what is wrong in the terminal before any window opens.
	if _, err := store.LoadConfig(dir); err != nil {
		if *hubDir != "" && errors.Is(err, store.ErrNotInitialised) {
			return badInput{hub.ErrNotHubFolder}
		}
		return inFolder(err, dir, false)
	}
	if *hubDir != "" {
		if fi, err := os.Stat(filepath.Join(dir, "kiosks")); err != nil || !fi.IsDir() {
			return badInput{hub.ErrNotHubFolder}
		}
	}
	worklist.Show(newWindowApp(), dir, worklist.Options{Now: c.now, Hub: *hubDir != ""}).Window().ShowAndRun()
	return nil
}
