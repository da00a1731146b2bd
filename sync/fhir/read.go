package fhir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lifeboat/store"
	"lifeboat/sync/fhirjson"
)

// Read reads FHIR R4 JSON from files and folders. A folder contributes
// every *.json and *.ndjson file directly inside it, in name order (names
// starting with "." are ignored). Each file may hold a Bundle of any type,
// Bulk Data NDJSON (one resource per line) or a single resource; the
// content decides, not the extension.
//
// Resources that cannot be used are skipped and counted (Skipped for
// unknown types, Malformed for broken ones) and reading goes on. A path
// that does not exist, or a file that is not FHIR JSON at all, stops
// reading with an error of one sentence; the latter wraps ErrNotFHIR.
//
// File names can be patient names (a Synthea export names each file after
// its patient), so no message, error or Malformed record names a file.
// They number the inputs instead. Files are numbered 1, 2, ... in reading
// order: the paths in the order given, each folder replaced by its files in
// name order ("input file 3"). A folder is numbered by its place among the
// paths given ("folder 2 of the inputs" is the second path). Every path is
// listed before any file is read, so a missing path or a folder without
// FHIR files is reported before a long read, not after it.
func Read(paths ...string) (*Import, error) {
	if len(paths) == 0 {
		return nil, errors.New("no FHIR files or folders were given")
	}
	var inputs []input
	for i, p := range paths {
		files, err := inputFiles(p, i+1, len(inputs)+1)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			inputs = append(inputs, input{label: fmt.Sprintf("input file %d", len(inputs)+1), path: f})
		}
	}
	return readInputs(inputs)
}

// ReadBytes reads one Bundle, Bulk Data NDJSON or single resource held in
// memory, exactly as Read reads a file. name stands for the data in
// messages and Malformed records (e.g. "demo ward"); it must not be
// patient data.
//
// The Import keeps data, without copying it, to fetch the raw JSON of the
// selected patients' resources when Census runs: data must not be changed
// afterwards (Census would notice, and fail with ErrInputChanged).
func ReadBytes(name string, data []byte) (*Import, error) {
	return ReadParts(Part{Name: name, Data: data})
}

// Part is data held in memory for ReadParts, named as ReadBytes names it.
type Part struct {
	Name string
	Data []byte
}

// ReadParts reads several pieces of data held in memory as one input, as
// Read reads several files; Import.UnusableIn tells how many resources of
// each piece could not be used.
func ReadParts(parts ...Part) (*Import, error) {
	inputs := make([]input, len(parts))
	for i, pt := range parts {
		name := strings.TrimSpace(pt.Name)
		if name == "" {
			name = "the in-memory input"
		}
		inputs[i] = input{label: name, data: pt.Data, inMemory: true}
	}
	return readInputs(inputs)
}

func readInputs(inputs []input) (*Import, error) {
	r := &reader{im: newImport(), strs: map[string]string{}}
	r.im.inputs = inputs
	for i := range inputs {
		if err := r.input(int32(i)); err != nil {
			return nil, err
		}
	}
	r.im.link()
	return r.im, nil
}

// input is one file or one piece of in-memory data read into an Import.
// Reading and, later, fetching raw JSON both go through open, so a file
// and data in memory are read by the same code.
type input struct {
	label    string // how messages name it: "input file 3", or ReadBytes' name
	path     string // the file; never shown
	data     []byte // the data, when inMemory
	inMemory bool
	unusable int // resources of it that could not be used: malformed or too large
}

// open gives the input's bytes, their size, when a file was last
// modified (zero for data in memory), and what to close when done.
func (in *input) open() (ra io.ReaderAt, size int64, modified time.Time, c io.Closer, err error) {
	if in.inMemory {
		return bytes.NewReader(in.data), int64(len(in.data)), time.Time{}, io.NopCloser(nil), nil
	}
	// Never os.Open: a FIFO would block it until someone writes, and a
	// device would never end.
	f, err := store.OpenRegular(in.path, in.label, MaxInputFile)
	switch {
	case errors.Is(err, store.ErrNotRegular):
		return nil, 0, time.Time{}, nil, sentence(err, in.label+" is not a regular file (a FIFO, a device or a socket); nothing was imported.")
	case errors.Is(err, store.ErrTooLarge):
		return nil, 0, time.Time{}, nil, err // "input file 3 is too large (... bytes, at most ...)"
	case err != nil:
		var fe *store.FileError
		if errors.As(err, &fe) {
			err = fe.Err
		}
		return nil, 0, time.Time{}, nil, in.ioError(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, time.Time{}, nil, in.ioError(err)
	}
	return f, st.Size(), st.ModTime(), f, nil
}

func (in *input) ioError(err error) error { return ioError(in.label, in.path, err) }

func (in *input) notFHIR(why string) error {
	return sentence(ErrNotFHIR, in.label+" is not FHIR JSON: "+why+".")
}

func (in *input) truncated(where string) error {
	return sentence(ErrTruncated, in.label+" ends in the middle of a resource ("+where+" is cut short): the export or copy did not finish; nothing was imported.")
}

func (in *input) tooDeep() error {
	return sentence(ErrTooDeep, fmt.Sprintf("%s is nested deeper than %d levels; nothing was imported.", in.label, MaxDepth))
}

func (in *input) changed() error {
	return sentence(ErrInputChanged, in.label+" changed after it was read; read the FHIR input again.")
}

// ioError is the sentence for a failed file system operation on the input
// or folder called label. The error of a file system call names the path,
// so only the underlying reason ("permission denied") is kept and wrapped.
func ioError(label, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return sentence(err, label+" was not found.")
	}
	why := err.Error()
	if base := filepath.Base(path); path != "" && (strings.Contains(why, path) || strings.Contains(why, base)) {
		return sentence(nil, "Could not read "+label+".") // an error that names the file anyway
	}
	return sentence(err, "Could not read "+label+": "+why+".")
}

// inputFiles lists the files a path stands for. arg is the path's place
// among the paths given, file the number its first file would get.
func inputFiles(path string, arg, file int) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, ioError(fmt.Sprintf("input file %d", file), path, err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	folder := fmt.Sprintf("folder %d of the inputs", arg)
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, ioError(folder, path, err)
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if strings.HasPrefix(n, ".") || (ext != ".json" && ext != ".ndjson") || e.IsDir() {
			continue
		}
		files = append(files, filepath.Join(path, n))
	}
	if len(files) == 0 {
		return nil, sentence(ErrNotFHIR, folder+" holds no .json or .ndjson files.")
	}
	return files, nil
}

type reader struct {
	im      *Import
	strs    map[string]string // interned strings
	in      *input            // the input being read
	fileIdx int32             // its index in im.inputs
	line    []byte
}

// maxBuffer bounds the read buffer; longer lines are gathered in
// reader.line (files) or sliced from the data (memory).
const maxBuffer = 1 << 20

// input reads im.inputs[idx].
func (r *reader) input(idx int32) error {
	in := &r.im.inputs[idx]
	ra, size, modified, closer, err := in.open()
	if err != nil {
		return err
	}
	defer closer.Close()
	r.im.writtenBy(modified)
	r.in, r.fileIdx = in, idx
	br := bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), int(min(max(size, 4096), maxBuffer)))
	var off int64 // bytes consumed so far
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		off = 3
	}
	lineNo := 1
	for ; ; off++ {
		c, err := br.ReadByte()
		if err == io.EOF {
			return in.notFHIR("it is empty")
		}
		if err != nil {
			return in.ioError(err)
		}
		if c == '\n' {
			lineNo++
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c != '{' {
			return in.notFHIR("it does not hold a JSON object")
		}
		br.UnreadByte()
		break
	}
	first, n, long, err := r.readLine(br, off)
	if err != nil && err != io.EOF {
		return in.ioError(err)
	}
	eof := err == io.EOF
	if !in.inMemory {
		first = bytes.Clone(first) // peeking below may move the reader's buffer
	}
	// NDJSON: a first line that is a whole JSON value, and more after it.
	// A first line too long to hold is a compact document when nothing
	// follows it, else an NDJSON line too large to keep.
	if (long || json.Valid(bytes.TrimSpace(first))) && !eof && !onlySpaceLeft(br) {
		return r.ndjson(br, line{first, n, long}, off, lineNo, eof)
	}
	// One document, from its first byte to the end, read whole.
	var doc []byte
	if in.inMemory {
		doc = in.data[off:]
	} else {
		if size-off > MaxDocument {
			return &store.FileError{Label: in.label, Err: fmt.Errorf("%w (%d bytes): a Bundle or a single resource is read whole, "+
				"at most %d MiB; larger exports must come as Bulk Data NDJSON", store.ErrTooLarge, size-off, MaxDocument>>20)}
		}
		doc = make([]byte, size-off)
		if _, err := ra.ReadAt(doc, off); err == io.EOF {
			return in.changed()
		} else if err != nil {
			return in.ioError(err)
		}
	}
	return r.document(doc, off)
}

// onlySpaceLeft reports whether the rest of the input is white space, so
// that a file of one compact line is read as one document.
func onlySpaceLeft(br *bufio.Reader) bool {
	for n := 1; n <= 4096; n *= 2 {
		b, err := br.Peek(n)
		if len(bytes.TrimSpace(b)) > 0 {
			return false
		}
		if err != nil {
			return true
		}
	}
	return false
}

// line is one line of an input: its bytes (only the first maxLine of a
// line too long to hold), its length n in the input, and whether it was
// too long to hold.
type line struct {
	b    []byte
	n    int64
	long bool
}

// maxLine is the most of one line a file's reader holds: a resource of
// MaxResource, with room for white space around it.
const maxLine = MaxResource + 4096

// readLine returns the next line with its newline, its length, and
// whether it was longer than maxLine (then only its first maxLine bytes
// are returned: the rest is read past, never held); start is its offset
// in the input. The bytes are valid until the next read from br.
// In-memory data is not copied: its lines are slices of it, never long.
func (r *reader) readLine(br *bufio.Reader, start int64) (b []byte, n int64, long bool, err error) {
	chunk, err := br.ReadSlice('\n')
	n = int64(len(chunk))
	if r.in.inMemory {
		for err == bufio.ErrBufferFull {
			chunk, err = br.ReadSlice('\n')
			n += int64(len(chunk))
		}
		return r.in.data[start : start+n], n, false, err
	}
	if err != bufio.ErrBufferFull {
		return chunk, n, false, err
	}
	r.line = append(r.line[:0], chunk...)
	for err == bufio.ErrBufferFull {
		chunk, err = br.ReadSlice('\n')
		n += int64(len(chunk))
		if len(r.line)+len(chunk) <= maxLine {
			r.line = append(r.line, chunk...)
		} else {
			long = true
		}
	}
	return r.line, n, long, err
}

// document handles an input that is one JSON document starting at byte off.
func (r *reader) document(doc []byte, off int64) error {
	if !json.Valid(doc) {
		switch depth, complete := fhirjson.Shape(doc, MaxDepth); {
		case depth > MaxDepth:
			return r.in.tooDeep()
		case !complete:
			return r.in.truncated("the JSON")
		}
		return r.in.notFHIR("it is not valid JSON")
	}
	rt, ok := resourceType(doc)
	if !ok || rt == "" {
		return r.in.notFHIR("it has no resourceType")
	}
	if rt == "Bundle" {
		r.bundle(doc, off, "")
	} else {
		r.resource(rt, bytes.TrimSpace(doc), off, "", "resource")
	}
	return nil
}

// ndjson handles an input of one resource per line; first is line lineNo,
// already read, starting at byte off. A line too long to hold is counted
// in TooLarge. A last line cut short (no newline, and its JSON stops
// before it closes) stops reading: the file did not arrive whole.
func (r *reader) ndjson(br *bufio.Reader, first line, off int64, lineNo int, eof bool) error {
	if rt, ok := resourceType(first.b); !first.long && (!ok || rt == "") {
		return r.in.notFHIR("its first line has no resourceType")
	}
	ln := first
	for {
		if text := bytes.TrimLeft(ln.b, " \t\r\n"); len(text) > 0 {
			start := off + int64(len(ln.b)-len(text))
			text = bytes.TrimRight(text, " \t\r\n")
			pos := fmt.Sprintf("line %d", lineNo)
			if ln.long {
				r.tooLarge(pos, "", text)
				goto next
			}
			if eof && !json.Valid(text) {
				if depth, complete := fhirjson.Shape(text, MaxDepth); depth <= MaxDepth && !complete {
					return r.in.truncated(fmt.Sprintf("its last line, line %d,", lineNo))
				}
			}
			rt, ok := resourceType(text)
			switch {
			case !ok:
				r.malformedAny(pos, "line is not a JSON object")
			case rt == "":
				r.malformedAny(pos, "missing resourceType")
			case rt == "Bundle" && !json.Valid(text):
				if depth, _ := fhirjson.Shape(text, MaxDepth); depth > MaxDepth {
					r.malformedAny(pos, fmt.Sprintf("Bundle: nested deeper than %d levels", MaxDepth))
				} else {
					r.malformedAny(pos, "Bundle: invalid JSON")
				}
			case rt == "Bundle":
				r.bundle(text, start, pos+" ")
			default:
				r.resource(rt, text, start, "", pos)
			}
		}
	next:
		if eof {
			return nil
		}
		off += ln.n
		var err error
		ln.b, ln.n, ln.long, err = r.readLine(br, off)
		if err != nil && err != io.EOF {
			return r.in.ioError(err)
		}
		eof = err == io.EOF
		lineNo++
	}
}

// bundle handles every entry of a Bundle of any type; data starts at byte
// off of the input. Nested Bundles are skipped (counted in Skipped). The
// Bundle's timestamp, when it has one, bounds Import.Written.
// Entries without a resource are counted in EmptyEntries. data must be
// valid JSON (the callers check), so that a walk that fails does so
// before any entry is handled.
func (r *reader) bundle(data []byte, off int64, prefix string) {
	i := -1
	timestamp, ok := bundleEntries(data, func(e entrySpan) {
		i++
		pos := fmt.Sprintf("%sentry[%d]", prefix, i)
		if e.start < 0 {
			r.malformedAny(pos, "entry is not a JSON object")
			return
		}
		raw := data[e.start:e.end]
		if len(raw) == 0 || string(raw) == "null" {
			r.im.EmptyEntries++ // a delete, a response without a resource, or padding
			return
		}
		rt, ok := resourceType(raw)
		switch {
		case !ok:
			r.malformedAny(pos, "entry resource is not a JSON object")
		case rt == "":
			r.malformedAny(pos, "missing resourceType")
		case rt == "Bundle":
			r.im.Skipped["Bundle"]++
		default:
			r.resource(rt, raw, off+int64(e.start), strings.TrimSpace(e.fullURL), pos)
		}
	})
	if t, valid := parseTime(timestamp); valid {
		r.im.writtenBy(t)
	}
	if !ok {
		r.malformedAny(strings.TrimSpace(prefix), "Bundle: field entry is not an array of objects")
	}
}

// resource converts and files one resource whose JSON starts at byte off.
func (r *reader) resource(rtype string, raw []byte, off int64, fullURL, pos string) {
	// Size and depth first, whatever the type: a resource too large or
	// too deep is refused before any of it is walked or counted.
	conv := converters[rtype]
	if len(raw) > MaxResource {
		r.tooLarge(pos, rtype, raw)
		return
	}
	if tooDeep(raw) {
		if conv == nil {
			r.im.Skipped[rtype]++
			return
		}
		r.malformed(pos, fmt.Sprintf("%s: nested deeper than %d levels", typeName[rtype], MaxDepth))
		r.unreadable(rtype, raw)
		return
	}
	if conv == nil {
		r.im.Skipped[rtype]++
		r.notRead(rtype, raw, fullURL)
		return
	}
	rtype = typeName[rtype] // shared copy
	e := &entry{strs: r.strs, rtype: rtype, raw: raw, fullURL: fullURL, at: rawAt{file: r.fileIdx, off: off, n: int32(len(raw)), sum: maphash.Bytes(r.im.seed, raw)}}
	item := conv(e)
	r.im.inputKey(fullURL)
	if e.id != "" {
		r.im.inputKey(rtype + "/" + e.id)
	}
	if e.bad != "" {
		r.malformed(pos, e.bad)
		r.unreadable(rtype, raw)
		return
	}
	r.im.Counts[rtype]++
	if len(e.ignored) > 0 {
		r.im.Ignored++
		if len(r.im.IgnoredAt) < MaxMalformed {
			r.im.IgnoredAt = append(r.im.IgnoredAt, Malformed{File: r.in.label, Position: pos,
				Reason: rtype + ": wrong type, left out: " + strings.Join(e.ignored, ", ")})
		}
	}
	if fullURL != "" && referenced[rtype] {
		r.im.refs[fullURL] = rtype + "/" + e.id
	}
	switch {
	case item != nil:
		r.im.store(e, item)
		if e.unreadable != 0 && e.subject != "" {
			r.im.bucket(e.subject).unreadable |= e.unreadable // see partial
		}
	case e.dropped != "" && e.subject != "":
		r.im.bucket(e.subject).drop(e.source(), e.at, e.dropped)
	}
}

// inputKey remembers that the input holds a resource with this "Type/id"
// or fullUrl (see Import.inputKeys).
func (im *Import) inputKey(k string) {
	if k != "" {
		im.inputKeys = append(im.inputKeys, maphash.String(im.seed, k))
	}
}

// inInput says whether the input holds the resource a reference leads
// to: by its fullUrl, else by its "Type/id". It is only known when a
// Composition was read.
func (im *Import) inInput(ref string) bool {
	ref = strings.TrimSpace(ref)
	for _, k := range []string{ref, im.resolve(ref)} {
		if k == "" {
			continue
		}
		if _, ok := slices.BinarySearch(im.inputKeys, maphash.String(im.seed, k)); ok {
			return true
		}
	}
	return false
}

// notClinical are the types this package does not read that are not
// clinical (billing and cover): they are only skipped, never counted as
// a patient's resources not shown.
var notClinical = map[string]bool{
	"Account": true, "ChargeItem": true, "Claim": true, "ClaimResponse": true, "Coverage": true,
	"CoverageEligibilityRequest": true, "CoverageEligibilityResponse": true, "EnrollmentRequest": true,
	"EnrollmentResponse": true, "ExplanationOfBenefit": true, "Invoice": true, "PaymentNotice": true,
	"PaymentReconciliation": true,
}

// notRead counts a resource of a type this package does not read
// (DiagnosticReport, Goal, ImagingStudy...) under the patient its subject
// or patient refers to, so that a chart's resources left unread are
// counted, and remembers it as part of the input. Only its top-level
// members are walked.
func (r *reader) notRead(rtype string, raw []byte, fullURL string) {
	var id, subject, patient string
	fhirjson.Fields(raw, 0, func(k []byte, start, end int) bool {
		switch string(k) {
		case "id":
			_ = json.Unmarshal(raw[start:end], &id)
		case "subject", "patient":
			var ref struct {
				Reference string `json:"reference"`
			}
			if json.Unmarshal(raw[start:end], &ref) == nil {
				if string(k) == "subject" {
					subject = ref.Reference
				} else {
					patient = ref.Reference
				}
			}
		}
		return true
	})
	r.im.inputKey(fullURL)
	if id = strings.TrimSpace(id); id != "" {
		r.im.inputKey(rtype + "/" + id)
	}
	ref := strings.TrimSpace(subject)
	if ref == "" {
		ref = strings.TrimSpace(patient)
	}
	if ref == "" || notClinical[rtype] {
		return
	}
	b := r.im.bucket(refKey(ref))
	if b.notRead == nil {
		b.notRead = map[string]int{}
	}
	b.notRead[typeOf(rtype)]++
}

// typeOf is a resource type name as a count may say it: a word of
// letters, else "resource of an unknown type".
func typeOf(rtype string) string {
	if rtype == "" || len(rtype) > 64 {
		return "resource of an unknown type"
	}
	for _, c := range rtype {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return "resource of an unknown type"
		}
	}
	return strings.Clone(rtype)
}

// tooDeep reports whether raw nests deeper than MaxDepth; counting the
// brackets first spares the walk for nearly every resource.
func tooDeep(raw []byte) bool {
	if bytes.Count(raw, []byte("{"))+bytes.Count(raw, []byte("[")) <= MaxDepth {
		return false
	}
	depth, _ := fhirjson.Shape(raw, MaxDepth)
	return depth > MaxDepth
}

// tooLarge counts a resource larger than MaxResource, which is never
// kept: raw is the resource, or only its first part when it was a line
// too long to hold. Its type and patient are read from the members that
// raw holds whole, so that only its sections of only its patient's chart
// are marked incomplete; when they cannot be read, every chart's are. A
// resource of a type this package does not use is only skipped.
func (r *reader) tooLarge(pos, rtype string, raw []byte) {
	var ref struct {
		Reference string `json:"reference"`
	}
	refs := map[string]string{}
	fhirjson.Fields(raw, 0, func(k []byte, start, end int) bool {
		switch string(k) {
		case "resourceType":
			if rtype == "" {
				_ = json.Unmarshal(raw[start:end], &rtype)
			}
		case "subject", "patient":
			if ref.Reference = ""; json.Unmarshal(raw[start:end], &ref) == nil {
				refs[string(k)] = strings.TrimSpace(ref.Reference)
			}
		}
		return true
	})
	if rtype != "" && converters[rtype] == nil {
		r.im.Skipped[rtype]++
		return
	}
	r.im.TooLarge++
	r.in.unusable++
	if len(r.im.tooLargeAt) < summaryExamples {
		r.im.tooLargeAt = append(r.im.tooLargeAt, Malformed{File: r.in.label, Position: pos})
	}
	f, ok := feeds[rtype]
	switch {
	case rtype == "":
		r.im.unreadableAll |= allSections
	case !ok:
	case refs[f.field] != "":
		r.im.bucket(refKey(refs[f.field])).unreadable |= f.secs
	default:
		r.im.unreadableAll |= f.secs
	}
}

func (r *reader) malformed(pos, reason string) {
	r.im.MalformedTotal++
	r.in.unusable++
	if len(r.im.Malformed) < MaxMalformed {
		r.im.Malformed = append(r.im.Malformed, Malformed{File: r.in.label, Position: pos, Reason: reason})
	}
}

// malformedAny records a malformed resource whose type cannot be read (or
// a Bundle whose entries cannot be): it may have held any section's data
// for any patient, so no section of any chart can be "none known".
func (r *reader) malformedAny(pos, reason string) {
	r.malformed(pos, reason)
	r.im.unreadableAll |= allSections
}

// unreadable records that a resource of type rtype could not be used, so
// that the sections it feeds are never "none known" for its patient: a
// malformed active allergy must not leave a "no known allergy" assertion
// standing. Only its patient reference is decoded, so that a broken field
// elsewhere does not hide whose data it was. When even that cannot be read
// (or is missing), or it leads nowhere that can be resolved (see
// Import.link), the sections are incomplete for every patient.
func (r *reader) unreadable(rtype string, raw []byte) {
	f, ok := feeds[rtype]
	if !ok {
		return
	}
	if ref := patientRef(raw, f.field); ref != "" {
		r.im.bucket(refKey(ref)).unreadable |= f.secs
	} else {
		r.im.unreadableAll |= f.secs
	}
}

// patientRef is the reference in the member field ("patient" or
// "subject") of a resource that could not be decoded whole, or "" when it
// cannot be read either.
func patientRef(raw []byte, field string) string {
	var top struct {
		Patient json.RawMessage `json:"patient"`
		Subject json.RawMessage `json:"subject"`
	}
	if json.Unmarshal(raw, &top) != nil {
		return ""
	}
	member := top.Subject
	if field == "patient" {
		member = top.Patient
	}
	var ref struct {
		Reference string `json:"reference"`
	}
	if len(member) == 0 || json.Unmarshal(member, &ref) != nil {
		return ""
	}
	return strings.TrimSpace(ref.Reference)
}
