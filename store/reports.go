package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lifeboat/internal/durable"
)

// Reconciliation reports are kept on the kiosk, encrypted like everything
// else (to the kiosk and the IT recovery recipients), in DIR/reports, until
// someone with the keys exports one. Their names say when, never whom.

const (
	reportDir    = "reports"
	reportSuffix = ".json.age"
	maxReport    = 256 << 20
)

// ErrNoReport is a data folder without reconciliation reports.
var ErrNoReport = errors.New("no reconciliation report on this kiosk yet")

// SealReport writes a report, encrypted, as DIR/reports/<kind>-<UTC time>-<n>.json.age
// and returns its path. A report is never overwritten.
func SealReport(dir string, keys *Keys, kind string, at time.Time, plain []byte) (string, error) {
	rs, err := keys.Config.recipients()
	if err != nil {
		return "", err
	}
	sealed, err := sealTo(rs, plain)
	if err != nil {
		return "", fmt.Errorf("sealing the report: %w", err)
	}
	folder := filepath.Join(dir, reportDir)
	if err := os.MkdirAll(folder, 0o700); err != nil {
		return "", fmt.Errorf("writing the report: %w", err)
	}
	base := kind + "-" + at.UTC().Format("20060102T150405.000Z")
	var path string
	for n := 1; ; n++ {
		path = filepath.Join(folder, fmt.Sprintf("%s-%03d%s", base, n, reportSuffix))
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	err = durable.WriteNew(path, 0o600, func(f io.Writer) error {
		_, err := f.Write(sealed)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("writing the report: %w", err)
	}
	return path, durable.SyncFolder(folder)
}

// Reports lists the sealed reports of a kind, newest first.
func Reports(dir, kind string) ([]string, error) {
	des, err := readDir(filepath.Join(dir, reportDir), vaultLabel(reportDir+"/"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if errors.Is(err, ErrNotRegular) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("reading the reports folder: %w", err)
	}
	var out []string
	for _, de := range des {
		if n := de.Name(); de.Type().IsRegular() && strings.HasPrefix(n, kind+"-") && strings.HasSuffix(n, reportSuffix) {
			out = append(out, filepath.Join(dir, reportDir, n))
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}

// OpenReport decrypts a sealed report.
func OpenReport(path string, keys *Keys) ([]byte, error) {
	f, err := OpenRegular(path, "the sealed report", maxReportFile)
	if err != nil {
		return nil, readErr("the report", err)
	}
	defer f.Close()
	b, err := decryptSealed(keys.identity, f, maxReport)
	if err != nil {
		return nil, fmt.Errorf("the report %w", err)
	}
	return b, nil
}

// LatestReport decrypts the newest report of a kind.
func LatestReport(dir, kind string, keys *Keys) ([]byte, error) {
	all, err := Reports(dir, kind)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, ErrNoReport
	}
	return OpenReport(all[0], keys)
}
