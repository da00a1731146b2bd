package hub

// StopBeforeIndex makes the next publications stop after the files are
// written and before the index is replaced, with err, as a kill there
// would; nil lets them through again.
func (p *Publisher) StopBeforeIndex(err error) {
	if err == nil {
		p.beforeIndex = nil
		return
	}
	p.beforeIndex = func() error { return err }
}

// BeforeIndex calls f in each publication after its files are written
// and before the index is replaced (a child killed there by a test says
// so first).
func (p *Publisher) BeforeIndex(f func()) {
	p.beforeIndex = func() error { f(); return nil }
}

// SetRoom sets, for one test, how much of a kiosk's journal the hub takes
// over the network and the room it keeps on its disk.
func SetRoom(t interface{ Cleanup(func()) }, quota int64, free uint64) {
	q, f := mirrorQuota, minHubFree
	mirrorQuota, minHubFree = quota, free
	t.Cleanup(func() { mirrorQuota, minHubFree = q, f })
}
