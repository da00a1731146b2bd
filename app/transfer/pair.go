package transfer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"lifeboat/internal/durable"
)

// Pair is where a summary's two files go: the Bundle (FHIR R4 JSON) and
// its PDF.
type Pair struct{ Bundle, PDF string }

var (
	// ErrInsideDataFolder is a file of the pair that is, or would be once
	// links are followed, inside the data folder.
	ErrInsideDataFolder = errors.New("the summary must be written outside the data folder: it is patient data")
	// ErrSameFile is a pair whose two files are one.
	ErrSameFile = errors.New("the Bundle and the PDF must be two files")
)

// ExistsError is a file of the pair that is already there: nothing was
// written, nothing replaced.
type ExistsError struct {
	PDF bool // the PDF's name is taken (else the Bundle's)
}

func (e *ExistsError) Error() string {
	if e.PDF {
		return "the PDF file already exists; nothing was overwritten"
	}
	return "the Bundle file already exists; nothing was overwritten"
}

func (e *ExistsError) Unwrap() error { return durable.ErrExists }

// InFolder is the pair a summary made at made gets in a folder (a USB
// stick): names that say what the files are and when, never whom.
func InFolder(dir string, made time.Time, e Encryption) Pair {
	base := filepath.Join(dir, "lifeboat-summary-"+made.Local().Format("20060102-150405"))
	return Pair{Bundle: base + ".json" + e.suffix(), PDF: base + ".pdf" + e.suffix()}
}

// PDFBeside is the PDF's name beside a Bundle's: "transfer.json" (or
// "transfer.json.age") gives "transfer.pdf" ("transfer.pdf.age"
// encrypted).
func PDFBeside(bundle string, e Encryption) string {
	return strings.TrimSuffix(strings.TrimSuffix(bundle, ".age"), ".json") + ".pdf" + e.suffix()
}

// Check says whether the pair may be written: each file outside the data
// folder dataDir and not there yet (ErrInsideDataFolder, *ExistsError,
// in that order for the Bundle, then the PDF), and two files
// (ErrSameFile).
func (p Pair) Check(dataDir string) error {
	for _, f := range []struct {
		path string
		pdf  bool
	}{{p.Bundle, false}, {p.PDF, true}} {
		if durable.Inside(dataDir, f.path) {
			return ErrInsideDataFolder
		}
		if _, err := os.Lstat(f.path); err == nil {
			return &ExistsError{PDF: f.pdf}
		}
	}
	if p.Bundle == p.PDF {
		return ErrSameFile
	}
	return nil
}

// Write checks the pair (Check) and writes the summary as e says, each
// file whole and new (durable.WriteNew), the Bundle first; when the PDF
// cannot be written, the Bundle is removed again.
func (p Pair) Write(dataDir string, e Encryption, s *Summary) error {
	if err := p.Check(dataDir); err != nil {
		return err
	}
	if err := writeNew(p.Bundle, false, e.seal(s.Bundle)); err != nil {
		return err
	}
	if err := writeNew(p.PDF, true, e.seal(s.PDF)); err != nil {
		os.Remove(p.Bundle) // the pair is written whole or not at all
		return err
	}
	return nil
}

func writeNew(path string, pdf bool, write func(w io.Writer) error) error {
	err := durable.WriteNew(path, 0o600, write)
	if errors.Is(err, durable.ErrExists) {
		return &ExistsError{PDF: pdf}
	}
	return err
}
