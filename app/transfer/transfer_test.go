package transfer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/app/ips"
)

func TestAPairIsRefusedInTheDataFolderOverAFileOrAsOneFile(t *testing.T) {
	root := t.TempDir()
	data, usb := filepath.Join(root, "data"), filepath.Join(root, "usb")
	for _, d := range []string{data, usb} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(data, filepath.Join(root, "stick")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	taken := filepath.Join(usb, "taken.pdf")
	if err := os.WriteFile(taken, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var exists *ExistsError
	for _, c := range []struct {
		pair Pair
		is   func(error) bool
	}{
		{Pair{filepath.Join(data, "s.json"), filepath.Join(usb, "s.pdf")}, func(err error) bool { return errors.Is(err, ErrInsideDataFolder) }},
		{Pair{filepath.Join(usb, "s.json"), filepath.Join(root, "stick", "s.pdf")}, func(err error) bool { return errors.Is(err, ErrInsideDataFolder) }},
		{Pair{filepath.Join(usb, "s.json"), taken}, func(err error) bool { return errors.As(err, &exists) && exists.PDF }},
		{Pair{taken, filepath.Join(usb, "s.pdf")}, func(err error) bool { return errors.As(err, &exists) && !exists.PDF }},
		{Pair{filepath.Join(usb, "s.json"), filepath.Join(usb, "s.json")}, func(err error) bool { return errors.Is(err, ErrSameFile) }},
	} {
		if err := c.pair.Write(data, Plaintext, &Summary{Summary: &ips.Summary{Bundle: []byte("{}")}}); !c.is(err) {
			t.Errorf("%v: %v", c.pair, err)
		}
	}
	if names, _ := os.ReadDir(usb); len(names) != 1 {
		t.Fatalf("written although refused: %v", names)
	}
}

// A PDF that cannot be written takes the Bundle written before it away.
func TestAPairIsWrittenWholeOrNotAtAll(t *testing.T) {
	dir := t.TempDir()
	p := Pair{Bundle: filepath.Join(dir, "s.json"), PDF: filepath.Join(dir, "gone", "s.pdf")}
	err := p.Write(t.TempDir(), Plaintext, &Summary{Summary: &ips.Summary{Bundle: []byte("{}")}, PDF: []byte("%PDF-")})
	if err == nil {
		t.Fatal("a PDF in a folder that is not there was written")
	}
	if _, serr := os.Lstat(p.Bundle); !errors.Is(serr, os.ErrNotExist) {
		t.Fatalf("the Bundle stayed without its PDF (%v)", err)
	}
}

func TestNamesSayWhatAndWhenAndWhetherEncrypted(t *testing.T) {
	made := time.Date(2026, 11, 26, 9, 5, 7, 0, time.Local)
	pass, err := ToPassphrase("harbour violet ladder seventeen")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		e           Encryption
		bundle, pdf string
	}{
		{Plaintext, "lifeboat-summary-20261126-090507.json", "lifeboat-summary-20261126-090507.pdf"},
		{pass, "lifeboat-summary-20261126-090507.json.age", "lifeboat-summary-20261126-090507.pdf.age"},
	} {
		p := InFolder("usb", made, c.e)
		if p.Bundle != filepath.Join("usb", c.bundle) || p.PDF != filepath.Join("usb", c.pdf) {
			t.Errorf("%s: %v", c.e.How(), p)
		}
		if got := PDFBeside(strings.TrimPrefix(c.bundle, "lifeboat-"), c.e); got != strings.TrimPrefix(c.pdf, "lifeboat-") {
			t.Errorf("beside %s: %s", c.bundle, got)
		}
	}
	if _, err := ToPassphrase("short"); !errors.Is(err, ErrShortPassphrase) {
		t.Errorf("a short passphrase: %v", err)
	}
	if _, err := ToRecipient("age1 and more"); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("not a recipient: %v", err)
	}
}
