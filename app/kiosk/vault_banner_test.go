package kiosk

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lifeboat/store"
)

func TestTheBannerSaysGenerationsSealedBeforeAreGone(t *testing.T) {
	now := time.Now()
	dir := ward(t, now.Add(-10*time.Minute), 0)
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Seal(context.Background(), dir, keys, s.Ward, store.SealRequest{AsOf: now, Source: "files", Census: store.Census{Mode: "all"}})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "snapshots", "000000000002.lbs")); err != nil {
		t.Fatal(err)
	}
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	if w := k.banner.warning.Text; !strings.HasPrefix(w, "Generation 2, sealed here before, is gone (rolled back): this may not be the newest data.") {
		t.Fatalf("warning = %q", w)
	}
}

func TestTheBannerShowsWhatTheDataFolderCouldNotPutRight(t *testing.T) {
	now := time.Now()
	a := test.NewTempApp(t)
	k := New(a, Options{Dir: ward(t, now, 0), Now: func() time.Time { return now },
		FolderWarning: "Warning: The data folder is mode 0755 and could not be made 0700."})
	t.Cleanup(k.Lock)
	unlockWith(k, passphrase, "RN Peeters")
	if w := k.banner.warning.Text; w != "Warning: The data folder is mode 0755 and could not be made 0700." {
		t.Fatalf("warning = %q", w)
	}
}
