package synthetic

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"lifeboat/internal/durable"
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
		f   *durable.File
		w   *bufio.Writer
	}
	var files []*out // in order of first appearance; a slice keeps it stable
	byType := map[string]*out{}
	sum := Summary{Patients: o.Patients, Wards: WardIDs(o), Resources: map[string]int{}}
	defer func() {
		for _, f := range files {
			f.f.Abort() // those not renamed into place
		}
	}()
	err = Ward(o, func(typ string, res []byte) error {
		f := byType[typ]
		if f == nil {
			df, err := durable.Create(filepath.Join(dir, typ+".ndjson"), 0o600)
			if err != nil {
				return err
			}
			f = &out{typ: typ, f: df, w: bufio.NewWriterSize(df, 256<<10)}
			byType[typ] = f
			files = append(files, f)
		}
		sum.Resources[typ]++
		f.w.Write(res)
		return f.w.WriteByte('\n')
	})
	for _, f := range files {
		if err != nil {
			break
		}
		err = f.w.Flush()
		if err == nil {
			err = os.Chtimes(f.f.Name(), o.AsOf, o.AsOf)
		}
	}
	for _, f := range files {
		if err != nil {
			break
		}
		err = f.f.Replace()
	}
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic: writing %s: %w", dir, err)
	}
	return sum, nil
}
