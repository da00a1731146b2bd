//go:build unix

package hub_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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

// TestTheListenerServesNoLinkPlantedInThePublication: whoever can write
// the publication folder links a generation's name, or the index's, to
// a file the hub can read (its sealed keys, the EHR's credentials); the
// listener serves neither.
func TestTheListenerServesNoLinkPlantedInThePublication(t *testing.T) {
	f := newFleet(t)
	f.step()
	secret := filepath.Join(t.TempDir(), "client-key.pem")
	writeFile(t, secret, "the EHR's private key")
	ix := readIndex(t, f.pub)
	planted := []string{filepath.Join(f.pub, "wards", "ward-1", "000099999999.lbs"), filepath.Join(f.pub, "index.json")}
	if err := os.Remove(filepath.Join(f.pub, "index.json")); err != nil {
		t.Fatal(err)
	}
	for _, p := range planted {
		if err := os.Symlink(secret, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range []string{"wards/ward-1/000099999999.lbs", "index.json", ix["ward-1"]} {
		resp, err := http.Get(f.url + "/" + rel)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), "private key") {
			t.Fatalf("GET /%s served the linked file", rel)
		}
		if rel == ix["ward-1"] && resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /%s: %s", rel, resp.Status)
		}
	}
}
