package hub

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"lifeboat/internal/durable"
	"lifeboat/store"
)

// Publisher writes the hub's publication folder.
type Publisher struct {
	Hub *Hub
	Dir string // the publication folder
	// Every is how often the hub publishes (0: once), said in the index.
	Every time.Duration
	// beforeIndex, when set, runs between the files and the index (tests
	// stop a publication there, as a kill would).
	beforeIndex func() error
	sums        map[string]File // whole-file hashes, by source path, size and time
	// published is the stamp (size and time) of each published file as
	// it was when last written or checked whole, by its path: a file
	// with the same stamp is not hashed again at every publication (a
	// hospital's wards are hundreds of megabytes every half minute). One
	// altered with its stamp kept is refused by the kiosks, which check
	// every file against the index's hash.
	published map[string]string
}

func stamp(fi fs.FileInfo) string { return fmt.Sprintf("%d|%d", fi.Size(), fi.ModTime().UnixNano()) }

func generationFile(ward string, g uint64) string {
	return path.Join("wards", ward, fmt.Sprintf("%012d.lbs", g))
}

// Publish puts every ward's newest generation and the files it is opened
// from into the publication, then replaces the index, signed, with one
// that names them and the EHR's state. Files are written, fsync'd and
// named before the index names them; files no index names any more go
// after. It returns the index published.
func (p *Publisher) Publish(ehr EHRState, now time.Time) (*Index, error) {
	h := p.Hub
	if p.sums == nil {
		p.sums = map[string]File{}
	}
	prev, _ := p.current()
	wards, _, err := h.Wards()
	if err != nil {
		return nil, err
	}
	ix := &Index{Format: 1, Hub: h.ID(), Signer: h.Keys.Config.Signer, Time: now.UTC(), EverySeconds: int(p.Every / time.Second),
		EHR: ehr, Wards: []WardEntry{}}
	for _, w := range wards {
		chain, err := store.NewestChain(h.wardDir(w.ID), h.Keys)
		if err != nil {
			return nil, fmt.Errorf("reading ward %s's generations: %w", w.ID, err)
		}
		if len(chain) == 0 {
			continue // nothing sealed yet
		}
		e := WardEntry{Ward: w.ID, Name: w.Name}
		for _, l := range chain {
			f, err := p.put(w.ID, l)
			if err != nil {
				return nil, err
			}
			e.Chain = append(e.Chain, f)
		}
		newest := chain[len(chain)-1]
		e.Generation, e.AsOf, e.SHA256 = newest.Generation, newest.Manifest.AsOf, e.Chain[len(e.Chain)-1].SHA256
		if err := durable.SyncFolder(filepath.Join(p.Dir, "wards", w.ID)); err != nil {
			return nil, err
		}
		ix.Wards = append(ix.Wards, e)
	}
	ix.Sequence = uint64(max(now.UnixMilli(), 1))
	if prev != nil && prev.Sequence >= ix.Sequence {
		ix.Sequence = prev.Sequence + 1
	}
	if p.beforeIndex != nil {
		if err := p.beforeIndex(); err != nil {
			return nil, err
		}
	}
	b, err := h.signIndex(ix)
	if err != nil {
		return nil, err
	}
	if err := durable.Replace(filepath.Join(p.Dir, indexFile), 0o644, b); err != nil {
		return nil, err
	}
	revoked, _, _ := h.Revocations() // unreadable: pruned as usual, and again next time
	p.prune(ix, prev, revoked)
	return ix, nil
}

// current is the index published now, if it is the hub's own.
func (p *Publisher) current() (*Index, error) {
	b, err := store.ReadRegular(filepath.Join(p.Dir, indexFile), "the publication's index", maxIndex)
	if err != nil {
		return nil, err
	}
	var s signedIndex
	var ix Index
	if json.Unmarshal(b, &s) != nil || json.Unmarshal(s.Index, &ix) != nil {
		return nil, errors.New("the publication's index is damaged")
	}
	if !ed25519.Verify(p.Hub.signerKey(), append([]byte(indexContext), s.Index...), s.Sig) {
		return nil, errors.New("the publication's index is not signed by this hub")
	}
	return &ix, nil
}

// put links (or copies) one generation file into the publication,
// unless it is there, and says what it is.
func (p *Publisher) put(ward string, l store.ChainLink) (File, error) {
	rel := generationFile(ward, l.Generation)
	dst := filepath.Join(p.Dir, filepath.FromSlash(rel))
	src, err := os.Stat(l.Path)
	if err != nil {
		return File{}, err
	}
	key := fmt.Sprintf("%s|%d|%d", l.Path, src.Size(), src.ModTime().UnixNano())
	f, ok := p.sums[key]
	if !ok {
		sum, err := fileSum(l.Path, 0)
		if err != nil {
			return File{}, err
		}
		f = File{Generation: l.Generation, Path: rel, Size: src.Size(), SHA256: sum}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return File{}, fmt.Errorf("creating the publication's folders: %w", err)
	}
	if fi, err := os.Lstat(dst); err == nil && fi.Mode().IsRegular() && p.published[dst] == f.SHA256+"|"+stamp(fi) {
		return f, nil
	}
	if have, err := fileSum(dst, f.Size); err == nil && have == f.SHA256 {
		p.sums[key] = f
		p.remember(dst, f)
		return f, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		// Not the file sealed (altered, left by another hub, or not a
		// file at all: a FIFO or a folder planted there): the sealed one
		// replaces it, and the index names its hash.
		if err := os.RemoveAll(dst); err != nil {
			return File{}, err
		}
	}
	// Copied, not linked: the hub's own folder is the hub's alone (0600,
	// put right by every command), the publication a web server's to read.
	in, err := store.OpenRegular(l.Path, fmt.Sprintf("ward %s's generation %d", ward, l.Generation), 0)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	h := sha256.New()
	err = durable.WriteNew(dst, 0o644, func(w io.Writer) error { _, err := io.Copy(io.MultiWriter(w, h), in); return err })
	if err != nil {
		return File{}, err
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		_ = os.Remove(dst)
		return File{}, fmt.Errorf("ward %s's generation %d changed while it was published", ward, l.Generation)
	}
	p.sums[key] = f
	p.remember(dst, f)
	return f, nil
}

// remember notes the stamp of a published file just written or checked.
func (p *Publisher) remember(dst string, f File) {
	if p.published == nil {
		p.published = map[string]string{}
	}
	if fi, err := os.Lstat(dst); err == nil {
		p.published[dst] = f.SHA256 + "|" + stamp(fi)
	}
}

// fileSum is the SHA-256 of the regular file at p, of at most max bytes
// (0: any size).
func fileSum(p string, max int64) (string, error) {
	f, err := store.OpenRegular(p, "a generation file", max)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// prune removes the generation files that neither the new index nor the
// one before names (a kiosk may still be fetching those), best effort.
// Of a ward with a kiosk revoked since the index before, only the new
// index's files stay: the files the revoked kiosk could read leave now.
func (p *Publisher) prune(ix, prev *Index, revoked Revocations) {
	keep := map[string]bool{}
	for _, x := range []*Index{ix, prev} {
		if x == nil {
			continue
		}
		for _, w := range x.Wards {
			if x == prev && revoked.since(w.Ward, prev.Time) {
				continue
			}
			for _, f := range w.Chain {
				keep[f.Path] = true
			}
		}
	}
	dirs := []string{p.Dir}
	for _, w := range ix.Wards {
		dirs = append(dirs, filepath.Join(p.Dir, "wards", w.Ward))
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			rel, _ := filepath.Rel(p.Dir, filepath.Join(dir, e.Name()))
			switch {
			case strings.HasSuffix(e.Name(), ".lbs") && !keep[filepath.ToSlash(rel)]:
				_ = os.Remove(filepath.Join(dir, e.Name()))
			case strings.HasPrefix(e.Name(), ".tmp-") && stale(e):
				// A file a publication killed mid-copy left: never named
				// by an index, never served.
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// stale says whether a temporary file is old enough to be one a killed
// publication left, not one being written.
func stale(e fs.DirEntry) bool {
	fi, err := e.Info()
	return err == nil && time.Since(fi.ModTime()) > 10*time.Minute
}
