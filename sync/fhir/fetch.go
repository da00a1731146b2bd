package fhir

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"io"

	"lifeboat/clinical"
	"lifeboat/sync/fhirjson"
)

// fetcher reads the raw JSON of resources back from the inputs they were
// read from, checks it is still the same resource, and compacts it.
// Keeping only where each resource is, instead of its JSON, is what lets
// an Import of a whole hospital stay small: only the selected patients'
// JSON is ever held.
type fetcher struct {
	im      *Import
	readers map[int32]io.ReaderAt // the inputs opened so far
	closers []io.Closer
	buf     []byte
	out     bytes.Buffer
	err     error
}

func (f *fetcher) fill(s *clinical.Source, at rawAt) {
	if f.err != nil {
		return
	}
	in := &f.im.inputs[at.file]
	ra := f.readers[at.file]
	if ra == nil {
		var c io.Closer
		var err error
		if ra, _, _, c, err = in.open(); err != nil {
			f.err = err
			return
		}
		if f.readers == nil {
			f.readers = map[int32]io.ReaderAt{}
		}
		f.readers[at.file] = ra
		f.closers = append(f.closers, c)
	}
	if cap(f.buf) < int(at.n) {
		f.buf = make([]byte, at.n)
	}
	raw := f.buf[:at.n]
	if _, err := ra.ReadAt(raw, at.off); err != nil {
		if err == io.EOF {
			f.err = in.changed()
		} else {
			f.err = in.ioError(err)
		}
		return
	}
	if maphash.Bytes(f.im.seed, raw) != at.sum {
		f.err = in.changed()
		return
	}
	if fhirjson.Compacted(raw) { // the bytes decoded when read: well formed
		s.JSON = bytes.Clone(raw)
		return
	}
	f.out.Reset()
	if err := json.Compact(&f.out, raw); err != nil {
		f.err = in.changed()
		return
	}
	s.JSON = bytes.Clone(f.out.Bytes())
}

func (f *fetcher) close() {
	for _, c := range f.closers {
		c.Close()
	}
}
