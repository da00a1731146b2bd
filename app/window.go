package app

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/kiosk"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

const (
	appID          = "org.lifeboat.kiosk"
	demoPassphrase = "lifeboat-demo"
	demoPatients   = 40
	// demoHint is shown on the demo's unlock screen, in the language
	// chosen there (the catalogue holds it).
	demoHint = "Demo ward of synthetic patients. The passphrase is “" + demoPassphrase + "”; any name will do."
)

// langFlag adds --lang to a window's flags: the language the window opens
// in, overriding the one remembered from the unlock screen.
func langFlag(f *flags) *string {
	return f.String("lang", "", "language of the window: en, nl or fr (default: the one last chosen)")
}

// parseLang reads --lang; "" means the remembered language.
func parseLang(s string) (i18n.Lang, error) {
	if s == "" {
		return "", nil
	}
	l, ok := i18n.Parse(s)
	if !ok {
		return "", usagef("--lang must be en, nl or fr, not %q", s)
	}
	return l, nil
}

func (c *cli) kioskCmd(args []string) error {
	f := c.vaultFlags("kiosk")
	amber := f.String("amber", "", "data age that turns the banner amber (default 15m)")
	red := f.String("red", "", "data age that turns the banner red (default 60m)")
	langText := langFlag(f)
	dir, err := f.parseVaultOptional(args)
	if err != nil {
		return err
	}
	lang, err := parseLang(*langText)
	if err != nil {
		return err
	}
	th, err := c.thresholds(*amber, *red)
	if err != nil {
		return err
	}
	// Say what is wrong in the terminal before any window opens.
	if _, err := store.LoadConfig(dir); err != nil {
		return inFolder(err, dir, *f.data == "" && c.getenv("LIFEBOAT_DATA") == "")
	}
	// What the start could not put right stays on the banner too.
	var folder []string
	for _, w := range store.SecureFolder(dir) {
		folder = append(folder, "Warning: "+sentence(errors.New(w)))
	}
	runWindow(kiosk.Options{Dir: dir, Thresholds: th, Lang: lang, FolderWarning: strings.Join(folder, " ")})
	return nil
}

// errNoKeys is store.ErrNotInitialised naming the folder looked in,
// and, when it was the default, how to name another.
type errNoKeys struct {
	dir       string
	defaulted bool
}

func (e errNoKeys) Error() string {
	s := fmt.Sprintf("the data folder %s has no Lifeboat keys", e.dir)
	if e.defaulted {
		return s + " (the default folder): give the kiosk's folder with --data DIR or LIFEBOAT_DATA, or run lifeboat init --data DIR first"
	}
	return s + ": run lifeboat init first"
}

func (e errNoKeys) Unwrap() error { return store.ErrNotInitialised }

// inFolder names the folder in an error saying it has no keys.
func inFolder(err error, dir string, defaulted bool) error {
	if errors.Is(err, store.ErrNotInitialised) {
		return errNoKeys{dir: dir, defaulted: defaulted}
	}
	return err
}

func (c *cli) demoCmd(args []string) error {
	f := c.newFlags("demo")
	langText := langFlag(f)
	if err := f.noPositional(args); err != nil {
		return err
	}
	lang, err := parseLang(*langText)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "lifeboat-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(c.stdout, "Preparing a synthetic ward of %d patients; the passphrase is %q.\n", demoPatients, demoPassphrase)
	if err := prepareDemo(dir, c.now()); err != nil {
		return err
	}
	runWindow(kiosk.Options{Dir: dir, Hint: demoHint, Lang: lang})

	return nil
}

// prepareDemo makes a vault in dir holding one sealed snapshot of a
// synthetic ward generated in memory.
func prepareDemo(dir string, now time.Time) error {
	if _, err := store.Init(dir, demoPassphrase, store.InitOptions{WorkFactor: 15}); err != nil {
		return err
	}
	keys, err := store.Unlock(dir, demoPassphrase)
	if err != nil {
		return err
	}
	bundle, err := synthetic.Bundle(synthetic.Options{Patients: demoPatients, Seed: 1, AsOf: now})
	if err != nil {
		return err
	}
	im, err := fhir.ReadBytes("demo ward", bundle)
	if err != nil {
		return err
	}
	_, err = seal(dir, keys, im, fhir.Selection{All: true}, false,
		store.SealRequest{AsOf: now, Source: "synthetic demo ward", Census: store.Census{Mode: "all"}})
	return err
}

func runWindow(opt kiosk.Options) {
	kiosk.New(newWindowApp(), opt).ShowAndRun()
}
