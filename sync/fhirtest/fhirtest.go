// Package fhirtest runs a real FHIR R4 server for integration tests: the
// engine of Medplum (@medplum/fhir-router 4.5.2, its FhirRouter over an
// in-memory repository) behind node:http, in server/server.mjs. Only tests
// use it.
//
//	srv := fhirtest.Start(t, fhirtest.Options{}, "testdata/Patient.ndjson")
//	resp, err := http.Get(srv.URL + "/Patient?_count=10")
//
// Start skips the test when node is not on PATH and fails it, saying what
// to run, when the server's npm packages are not installed (the Makefile
// installs them: make fhir-server-deps; a test installs nothing), loads
// the files (Bulk Data NDJSON, Bundles, single resources,
// or folders of them) keeping ids and meta as given, and stops the server
// when the test ends. The server also stops by itself when the test process
// dies, because it exits when its stdin closes.
//
// # What the engine does (measured with 4.5.2; see the tests)
//
//   - Search: GET [base]/Type?params and POST [base]/Type/_search. Every
//     search scans the resources of its type, evaluating each parameter's
//     FHIRPath expression. Supported: reference, token, string, uri and
//     date parameters, comma lists (OR) on all of them, the modifiers
//     :missing and :not (:contains on strings), and date prefixes (eq, ne,
//     gt, ge, lt, le, sa, eb). Strings match case-insensitively anywhere in
//     the value (not "starts with"). A reference matches only the exact
//     string of the reference: patient=Patient/123 works, patient=123 does
//     not. _elements and _summary=true are ignored (whole resources).
//   - The server answers 400 where the engine would silently give an empty
//     or incomplete Bundle: an unknown parameter, a chain (subject.name=),
//     _has, _include and _revinclude (the engine ignores them), number and
//     quantity parameters, other modifiers, a reference written as a bare
//     id, and _sort on an unknown parameter.
//   - Paging: _count and _offset; without _count every match comes back in
//     one Bundle. total is always set, whatever _total says; _summary=count
//     gives total and no entries. Bundles have no links (no next, no self)
//     and entries no fullUrl and no search mode; Options.NextLinks adds self
//     and next links. The order is the order of loading (a created resource
//     goes last, an updated one keeps its place), so offsets are stable
//     between writes. _sort compares the JSON text of the values, so dates
//     with different offsets do not sort as instants.
//   - _lastUpdated=gt|ge|lt|le compares instants (offsets normalized) at the
//     precision of the value given: gt2025-03-10T08:00:00Z means after
//     08:00:00.999Z. Resources written through the API get a lastUpdated
//     with milliseconds, in UTC; loaded ones keep their file's meta.
//   - Read, vread and instance history (newest first). Type and system
//     level _history are not supported (404), so a deletion cannot be
//     seen by any search. A deleted resource is 404 (not 410), on read and
//     on its history.
//   - Writes: POST (the server sets id, versionId and lastUpdated), PUT
//     (updates, or creates with the id given, answering 200 either way;
//     If-Match: W/"versionId" is checked, 412 when stale), PATCH (JSON
//     Patch), DELETE, conditional create (If-None-Exist), update and
//     delete, and batch and transaction Bundles POSTed to the base (a
//     transaction that fails is rolled back by the server, as the engine
//     does not, unless Options.NoRollback; urn:uuid references between
//     its entries are resolved). Entries run creates
//     first, then updates, whatever their order in the Bundle. A
//     transaction with a conditional create (ifNoneExist) or a conditional
//     update or delete and more than 8 entries is refused with 400
//     ("requires strict isolation but has too many entries"), as Medplum
//     does. New versionIds are UUIDs. Writes are
//     validated against the R4 definitions (400 with the issues) unless
//     Options.NoValidate; nothing cascades (a Group keeps listing a deleted
//     Patient).
//   - Answers carry Content-Type application/fhir+json, and a single
//     resource ETag W/"versionId", Last-Modified and, on 201, Location.
//   - Group members: read the Group, or find a patient's Groups with
//     Group?member=Patient/123.
//
// Speed, on the 131,000 resources of 1,000 synthetic patients (103,000
// Observations; 4 to 10 s to load, some 400 MiB): Observation?subject= or
// patient= with 50 patients about 1 s, later pages of the same search a few
// tens of ms (the matches are kept until the next write), _lastUpdated=gt
// alone over every Observation some 4 s, a token such as code= some 2 s.
//
// GET [base]/metadata answers without a token; it is a CapabilityStatement
// of every R4 resource type and its search parameters.
package fhirtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures the server.
type Options struct {
	// Bearer, when set, is a token the server accepts: every request but
	// GET [base]/metadata must carry "Authorization: Bearer <token>" with
	// it or a token from TokensFile, or gets 401 with an OperationOutcome.
	Bearer string
	// TokensFile, when set, names a file of further accepted tokens, one a
	// line, that the server reads again on every request, so a token
	// endpoint run by the test can mint tokens by appending to it. It need
	// not exist yet. Setting it alone also turns the token check on.
	TokensFile string
	// NextLinks adds "self" and "next" links to search Bundles, as most
	// servers give; the engine gives none. next carries _offset.
	NextLinks bool
	// NoValidate lets writes through that fail FHIR R4 validation.
	NoValidate bool
	// Log makes the server log every request to its stderr (see Stderr).
	Log bool
	// NoRollback makes a transaction Bundle that fails keep the writes it
	// made before the failure, as servers that do not roll back do. By
	// default the server rolls it back (the engine does not; the server
	// keeps an undo log).
	NoRollback bool
}

// FailEntryHeader, on a batch or transaction Bundle POSTed to the base,
// makes the server fail that Bundle at its Nth write (the header's value,
// from 1), as FailEntry does: a proxy in a test can fail one chosen
// request part-way without a race with other requests.
const FailEntryHeader = "X-Fhirtest-Fail-Entry"

// Server is a running FHIR server.
type Server struct {
	// URL is the FHIR base, http://127.0.0.1:PORT/fhir/R4, with no
	// trailing slash.
	URL string

	t      testing.TB
	origin string // http://127.0.0.1:PORT
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	done   chan struct{} // closed when the process has exited
	err    error         // its exit status, set before done closes
	stderr *syncBuffer
	client *http.Client
}

const (
	startTimeout = 120 * time.Second
	stopGrace    = 5 * time.Second
)

// Start starts a server loaded with files (NDJSON, JSON Bundles or single
// resources, or folders of *.ndjson and *.json files) and stops it when the
// test ends. It skips the test when node is not on PATH and fails it when
// the server's packages are not installed or it cannot be started.
func Start(t testing.TB, opts Options, files ...string) *Server {
	t.Helper()
	cmd := nodeScript(t, "the FHIR server tests", "server.mjs", files)
	cmd.Env = serverEnv(opts)
	s := &Server{t: t, cmd: cmd, done: make(chan struct{}), stderr: &syncBuffer{},
		client: &http.Client{Timeout: 60 * time.Second}}
	cmd.Stderr = s.stderr
	var err error
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatalf("fhirtest: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("fhirtest: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("fhirtest: starting node: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("fhirtest: the server's stderr:\n%s", s.Stderr())
		}
	})

	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				select {
				case listening <- strings.TrimSpace(url):
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		s.err = cmd.Wait() // only once stdout is drained, as exec requires
		close(s.done)
	}()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case s.URL = <-listening:
	case <-s.done:
		t.Fatalf("fhirtest: the server stopped before it was ready (%v):\n%s", s.err, s.Stderr())
	case <-timer.C:
		s.Kill()
		t.Fatalf("fhirtest: the server was not ready after %v:\n%s", startTimeout, s.Stderr())
	}
	s.origin = strings.TrimSuffix(s.URL, "/fhir/R4")
	return s
}

// serverEnv is this process's environment without FHIRTEST_ variables, so
// that only opts decide, plus opts.
func serverEnv(opts Options) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FHIRTEST_") {
			env = append(env, kv)
		}
	}
	env = append(env, "npm_config_update_notifier=false")
	if opts.Bearer != "" {
		env = append(env, "FHIRTEST_BEARER="+opts.Bearer)
	}
	if opts.TokensFile != "" {
		abs, err := filepath.Abs(opts.TokensFile)
		if err != nil {
			abs = opts.TokensFile
		}
		env = append(env, "FHIRTEST_TOKENS_FILE="+abs)
	}
	if opts.NextLinks {
		env = append(env, "FHIRTEST_NEXT_LINKS=1")
	}
	if opts.NoValidate {
		env = append(env, "FHIRTEST_NO_VALIDATE=1")
	}
	if opts.Log {
		env = append(env, "FHIRTEST_LOG=1")
	}
	if opts.NoRollback {
		env = append(env, "FHIRTEST_NO_ROLLBACK=1")
	}
	return env
}

// Stop closes the server's stdin, which makes it exit, and kills it when it
// has not exited after a grace period. It reports whether the server exited
// by itself, with status 0. Stopping a stopped server does nothing. The
// test's cleanup calls it.
func (s *Server) Stop() (graceful bool) {
	s.stdin.Close()
	select {
	case <-s.done:
		return s.err == nil
	case <-time.After(stopGrace):
		s.cmd.Process.Kill()
		<-s.done
		return false
	}
}

// Kill kills the server at once (SIGKILL), as a crash would: requests in
// flight get a broken connection and new ones are refused.
func (s *Server) Kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// Stderr returns what the server has written to its stderr so far: the load
// summary, errors, and the request log with Options.Log.
func (s *Server) Stderr() string { return s.stderr.String() }

// Fault makes the next count requests to the FHIR base (every one, when
// count is 0) wait ms milliseconds and then fail as mode says: "500" (500
// with an OperationOutcome), "slow" (answer normally), "truncate" (send
// half the body, then drop the connection), "html" (200 with an HTML page).
// "none" clears a fault. The test controls themselves are never faulted.
func (s *Server) Fault(mode string, ms, count int) {
	s.t.Helper()
	s.control("fault", map[string]any{"mode": mode, "ms": ms, "count": count})
}

// FailEntry makes the next count batch or transaction Bundles POSTed to
// the base (every one, when count is 0; other requests are not counted)
// fail at their nth write, n from 1: a create, an update or a delete (a
// conditional create that finds its match writes nothing). The n-1 writes
// before it are made; then a transaction answers 500 and is rolled back,
// unless Options.NoRollback, when those writes stay (a batch gives the
// failed entry a 500 and goes on). Fault("none", 0, 0) clears it.
func (s *Server) FailEntry(n, count int) {
	s.t.Helper()
	s.control("fault", map[string]any{"mode": "fail-entry", "entry": n, "count": count})
}

// Put stores resource (which must have an id) as a new version, as an EHR
// would: a new versionId, lastUpdated now. No token is needed and faults do
// not apply. It returns the stored resource.
func (s *Server) Put(resource json.RawMessage) json.RawMessage {
	s.t.Helper()
	return s.control("put", resource)
}

// Delete deletes a resource, as an EHR would. No token is needed and
// faults do not apply.
func (s *Server) Delete(resourceType, id string) {
	s.t.Helper()
	s.control("delete", map[string]string{"resourceType": resourceType, "id": id})
}

// Stats is what the server reports about itself.
type Stats struct {
	Resources map[string]int `json:"resources"` // by type, as stored now
	Loaded    int            `json:"loaded"`    // resources loaded from the files
	LoadMs    int            `json:"loadMs"`    // time to load the files
	IndexMs   int            `json:"indexMs"`   // time to index the FHIR definitions
	Memory    struct {
		RSS      int64 `json:"rss"`
		HeapUsed int64 `json:"heapUsed"`
	} `json:"memory"`
}

// Stats returns the server's resource counts, load time and memory use.
func (s *Server) Stats() Stats {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.origin+"/_test/stats", nil)
	if err != nil {
		s.t.Fatalf("fhirtest: %v", err)
	}
	var st Stats
	if err := json.Unmarshal(s.do(req, "stats"), &st); err != nil {
		s.t.Fatalf("fhirtest: stats: %v", err)
	}
	return st
}

// control POSTs to one of the server's test controls. Like the other
// methods that fail the test, it must run on the test's goroutine.
func (s *Server) control(op string, body any) json.RawMessage {
	s.t.Helper()
	data, ok := body.(json.RawMessage)
	if !ok {
		var err error
		if data, err = json.Marshal(body); err != nil {
			s.t.Fatalf("fhirtest: %s: %v", op, err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, s.origin+"/_test/"+op, bytes.NewReader(data))
	if err != nil {
		s.t.Fatalf("fhirtest: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return s.do(req, op)
}

func (s *Server) do(req *http.Request, op string) []byte {
	s.t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("fhirtest: %s: %v", op, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("fhirtest: %s: %v", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("fhirtest: %s: %s: %s", op, resp.Status, out)
	}
	return out
}

// serverDir finds server/ next to this source file, or, when the build
// trimmed paths, under the module root above the working directory (go
// test runs in the package's folder).
func serverDir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Join(filepath.Dir(file), "server")
		if _, err := os.Stat(filepath.Join(dir, "server.mjs")); err == nil {
			return dir, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "sync", "fhirtest", "server")
			if _, err := os.Stat(filepath.Join(dir, "server.mjs")); err != nil {
				return "", fmt.Errorf("no FHIR server at %s: %w", dir, err)
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("cannot find the FHIR server: no go.mod above " + wd)
		}
	}
}

// installed says whether the server's npm packages are all there.
// nodeScript is the command that runs script of server/ on files (made
// absolute). It skips the test, saying that what cannot run, when node is
// not on PATH, and fails it when the npm packages are not installed.
func nodeScript(t testing.TB, what, script string, files []string) *exec.Cmd {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("fhirtest: node is not on PATH, so %s cannot run; install Node.js 20.19 or later (make fhir-server-deps)", what)
	}
	dir, err := serverDir()
	if err != nil {
		t.Fatalf("fhirtest: %v", err)
	}
	if !installed(dir) {
		t.Fatalf("fhirtest: the npm packages of %s are not installed in %s: run make fhir-server-deps (npm ci there)", what, dir)
	}
	args := []string{script}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatalf("fhirtest: %v", err)
		}
		args = append(args, abs)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	return cmd
}

func installed(dir string) bool {
	for _, f := range []string{
		filepath.Join(dir, "node_modules", ".package-lock.json"), // npm writes it last
		filepath.Join(dir, "node_modules", "@medplum", "fhir-router", "package.json"),
	} {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	return true
}

// syncBuffer is a bytes.Buffer safe for one writer and other readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
