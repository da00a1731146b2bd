package hub

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"lifeboat/store"
)

// Limits of the hub's listener: a slow or hostile client cannot hold it.
const (
	maxEnrolRequest   = 64 << 10
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 10 * time.Minute // a large generation to a slow kiosk
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 16 << 10
)

// NewServer is the hub's HTTP listener on addr with handler (Handler's,
// and what the caller adds to it).
func NewServer(addr string, handler http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
}

var publishedFile = regexp.MustCompile(`^[0-9]{12}\.lbs$`)

// Handler serves the publication and enrolment. Only the index and
// generation files are served (no listing, no temporary files), each
// opened as store.OpenRegular opens a file: a FIFO planted in the
// folder is refused, never waited on, and so is a link, which could
// lead to any file the hub can read (its keys, the EHR's credentials).
func Handler(h *Hub, pub string, now func() time.Time) *http.ServeMux {
	mux := http.NewServeMux()
	e := &enroller{hub: h, now: now}
	mux.HandleFunc("GET /enrol", e.identity)
	mux.HandleFunc("POST /enrol", e.enrol)
	mux.Handle("POST "+HandInPath, handInHandler(h, now))
	mux.HandleFunc("GET /index.json", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, filepath.Join(pub, indexFile), "no-cache")
	})
	mux.HandleFunc("GET /wards/{ward}/{file}", func(w http.ResponseWriter, r *http.Request) {
		ward, file := r.PathValue("ward"), r.PathValue("file")
		if CheckWardID(ward) != nil || !publishedFile.MatchString(file) {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, filepath.Join(pub, "wards", ward, file), "max-age=31536000, immutable")
	})
	return mux
}

func serveFile(w http.ResponseWriter, r *http.Request, path, cache string) {
	named, err := os.Lstat(path)
	if err != nil || !named.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	f, err := store.OpenRegular(path, "a published file", maxFile)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}
	if !os.SameFile(named, st) { // a link put in its place meanwhile
		http.NotFound(w, r)
		return
	}
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, st.Size(), st.ModTime().UnixNano()))
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
