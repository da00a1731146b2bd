package app

import (
	"lifeboat/app/worklist"
	"lifeboat/store"
)

// reconcileWorklistCmd opens the reconciliation worklist window: IT and
// health-records staff decide, with the kiosk's recovery key, what the
// last lifeboat reconcile left for a person. It needs no network.
func (c *cli) reconcileWorklistCmd(args []string) error {
	f := c.vaultFlags("reconcile worklist")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	// Say what is wrong in the terminal before any window opens.
	if _, err := store.LoadConfig(dir); err != nil {
		return inFolder(err, dir, false)
	}
	worklist.Show(newWindowApp(), dir, worklist.Options{Now: c.now}).Window().ShowAndRun()
	return nil
}
