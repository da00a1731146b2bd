package synthetic

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteNDJSON writes the ward into dir as FHIR Bulk Data NDJSON: one file
// per resource type (Location.ndjson, Patient.ndjson, ...), one resource
// per line, in the order Ward emits them. dir is created when missing.
// Each file is written under a temporary name and renamed into place only
// when the whole ward has been written, so a failure while generating or
// writing leaves no partial file behind (a failed rename can still leave
// some types replaced and others not). Files of other types already in dir
// are left alone. Each file's modification time is the ward's as-of time,
// as an export taken then would have, so that readers that date the data
// by its files date it right.
func WriteNDJSON(dir string, opt Options) (Summary, error) {
	o, err := opt.normalize()
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synthetic: %w", err)
	}
	type out struct {
		typ string
		f   *os.File
		w   *bufio.Writer
	}
	var files []*out // in order of first appearance; a slice keeps it stable
	byType := map[string]*out{}
	sum := Summary{Patients: o.Patients, Wards: WardIDs(o), Resources: map[string]int{}}
	cleanup := func() {
		for _, f := range files {
			f.f.Close()
			os.Remove(f.f.Name())
		}
	}
	err = Ward(o, func(typ string, res []byte) error {
		f := byType[typ]
		if f == nil {
			tmp, err := os.CreateTemp(dir, "."+typ+".ndjson.*.tmp")
			if err != nil {
				return err
			}
			f = &out{typ: typ, f: tmp, w: bufio.NewWriterSize(tmp, 256<<10)}
			byType[typ] = f
			files = append(files, f)
		}
		sum.Resources[typ]++
		f.w.Write(res)
		return f.w.WriteByte('\n')
	})
	if err != nil {
		cleanup()
		return Summary{}, fmt.Errorf("synthetic: writing %s: %w", dir, err)
	}
	for _, f := range files {
		err = errors.Join(err, f.w.Flush(), f.f.Sync(), f.f.Close())
	}
	if err != nil {
		for _, f := range files {
			os.Remove(f.f.Name())
		}
		return Summary{}, fmt.Errorf("synthetic: writing %s: %w", dir, err)
	}
	for i, f := range files {
		if err := os.Chtimes(f.f.Name(), o.AsOf, o.AsOf); err != nil {
			return Summary{}, fmt.Errorf("synthetic: %w", err)
		}
		if err := os.Rename(f.f.Name(), filepath.Join(dir, f.typ+".ndjson")); err != nil {
			for _, rest := range files[i:] {
				os.Remove(rest.f.Name())
			}
			return Summary{}, fmt.Errorf("synthetic: %w", err)
		}
	}
	return sum, nil
}
