package fhir

import "errors"

// Sentinel errors. Every error this package returns for bad input or a bad
// selection is one plain sentence that wraps one of these, so callers can
// tell them apart with errors.Is and show the sentence as it is.
var (
	// ErrNotFHIR: an input is not FHIR JSON at all (empty, not JSON,
	// JSON without resourceType) or a folder holds no FHIR files.
	ErrNotFHIR = errors.New("not FHIR JSON")
	// ErrBadSelection: a Selection does not set exactly one of its fields.
	ErrBadSelection = errors.New("bad census selection")
	// ErrUnknownWard: the selected ward is not a Location in the input.
	ErrUnknownWard = errors.New("unknown ward")
	// ErrPatientsNotFound: some requested patients match no Patient.
	ErrPatientsNotFound = errors.New("patients not found")
	// ErrEmptyCensus: the selection found nobody.
	ErrEmptyCensus = errors.New("empty census")
	// ErrInputChanged: an input (a file, or the data given to ReadBytes)
	// changed between reading and Census, so the raw JSON of its resources
	// can no longer be trusted.
	ErrInputChanged = errors.New("input changed")
	// ErrTruncated: an input ends in the middle of a resource (a JSON
	// file cut short, an NDJSON file whose last line is incomplete): an
	// export or copy that did not finish.
	ErrTruncated = errors.New("input cut short")
	// ErrTooDeep: an input that is one JSON document nests deeper than
	// MaxDepth levels.
	ErrTooDeep = errors.New("input nested too deeply")
)

// sentenceError is a user-facing sentence that wraps a sentinel or a
// lower-level error without repeating its text.
type sentenceError struct {
	msg string
	err error
}

func (e *sentenceError) Error() string { return e.msg }
func (e *sentenceError) Unwrap() error { return e.err }

func sentence(err error, msg string) error { return &sentenceError{msg: msg, err: err} }
