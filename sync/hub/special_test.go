//go:build unix

package hub_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lifeboat/sync/hub"
)

// TestAFIFOPlantedInThePublicationDoesNotStopTheHub: whoever can write
// the publication folder (a share, a web server's root) puts a FIFO or a
// folder where a generation's file goes; the hub puts the sealed file
// there instead and goes on publishing every ward.
func TestAFIFOPlantedInThePublicationDoesNotStopTheHub(t *testing.T) {
	f := newFleet(t)
	f.step()
	ix := readIndex(t, f.pub)
	fifo := filepath.Join(f.pub, filepath.FromSlash(ix["ward-1"]))
	dir := filepath.Join(f.pub, filepath.FromSlash(ix["ward-2"]))
	for _, p := range []string{fifo, dir} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := f.runner.Publisher.Publish(hub.EHRState{}, time.Now()); err != nil {
		t.Fatalf("a FIFO in the publication stopped it: %v", err)
	}
	for _, p := range []string{fifo, dir} {
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			t.Fatalf("%s is not the sealed file: %v, %v", p, st, err)
		}
	}
}
