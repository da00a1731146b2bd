package i18n

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lifeboat/store"
)

// shotsSum is where make screenshots records what the pictures in docs/
// were taken with: a hash of the window's words (the catalogue) and one of
// the scenes (docs/screenshots.sh and docs/scenes/).
const shotsSum = "../../docs/screenshots.sum"

// maxSceneFile bounds what the tests read of docs/: a scene, the script or
// the hashes' file is a few kilobytes; a FIFO, a device or a huge file
// planted there fails the test instead of hanging it or filling memory.
const maxSceneFile = 1 << 20

// readDocs reads a file of docs/ for the tests, as Lifeboat reads any
// file (store.ReadRegular): a regular file of at most maxSceneFile bytes.
func readDocs(name string) ([]byte, error) {
	return store.ReadRegular(name, filepath.Base(name), maxSceneFile)
}

// catalogueHash is a hash of every message in the three languages, in the
// catalogue's order: any word changed, added or removed changes it.
func catalogueHash() string {
	h := sha256.New()
	for _, m := range catalogue {
		fmt.Fprintf(h, "%q %q %q\n", m.en, m.nl, m.fr)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// scenesHash is a hash of the script that drives the windows for the
// pictures and of the scenes' files, by name and content.
func scenesHash(t *testing.T) string {
	t.Helper()
	names, err := filepath.Glob("../../docs/scenes/*")
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, "../../docs/screenshots.sh")
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		b, err := readDocs(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(strings.TrimPrefix(name, "../../")), len(b))
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// TestScreenshotsCurrent fails when the window's words or the scenes
// changed since the screenshots in docs/ were taken. make screenshots
// records the hashes afresh (UPDATE_SCREENSHOTS=1 runs this test to write
// them), after the pictures are taken.
func TestScreenshotsCurrent(t *testing.T) {
	want := map[string]string{"catalogue": catalogueHash(), "scenes": scenesHash(t)}
	if os.Getenv("UPDATE_SCREENSHOTS") != "" {
		text := "# Written by make screenshots (docs/screenshots.sh) after the pictures in docs/ were taken:\n" +
			"# the window's words (app/i18n's catalogue) and the scenes (docs/screenshots.sh, docs/scenes/).\n" +
			"# TestScreenshotsCurrent (app/i18n) fails when either changes and the pictures were not taken again.\n" +
			"catalogue " + want["catalogue"] + "\nscenes " + want["scenes"] + "\n"
		if err := os.WriteFile(shotsSum, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := readDocs(shotsSum)
	if err != nil {
		t.Fatalf("the screenshots' hashes cannot be read (%v): run make screenshots", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && !strings.HasPrefix(k, "#") {
			got[k] = v
		}
	}
	if got["catalogue"] != want["catalogue"] {
		t.Errorf("the window's words changed since the screenshots were taken: run make screenshots")
	}
	if got["scenes"] != want["scenes"] {
		t.Errorf("the screenshot scenes (docs/screenshots.sh, docs/scenes/) changed since the screenshots were taken: run make screenshots")
	}
}

// TestScreenshotsMade fails when a picture in docs/ is not one that
// docs/screenshots.sh takes (a line "shot NAME", "scene NAME", "page NAME
// PDF" or "web NAME"): make screenshots would leave it behind, stale.
func TestScreenshotsMade(t *testing.T) {
	script, err := readDocs("../../docs/screenshots.sh")
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{}
	for _, line := range strings.Split(string(script), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "shot" || f[0] == "scene" || f[0] == "page" || f[0] == "web") {
			made[f[1]+".png"] = true
		}
	}
	pictures, err := filepath.Glob("../../docs/*.png")
	if err != nil {
		t.Fatal(err)
	}
	if len(pictures) == 0 {
		t.Fatal("no pictures in docs/")
	}
	for _, p := range pictures {
		if !made[filepath.Base(p)] {
			t.Errorf("docs/%s is not taken by docs/screenshots.sh: remove it, or add its scene", filepath.Base(p))
		}
	}
}

// A huge file where a scene was is refused, not read whole.
func TestScreenshotTestsReadBoundedFiles(t *testing.T) {
	big := filepath.Join(t.TempDir(), "scene.json")
	if err := os.WriteFile(big, make([]byte, maxSceneFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readDocs(big); !errors.Is(err, store.ErrTooLarge) {
		t.Errorf("a file of %d bytes: %v", maxSceneFile+1, err)
	}
}
