package store

import (
	"bytes"
	"fmt"
	"io"

	"filippo.io/age"
)

// entrySealer encrypts journal entries one by one, each as its own age
// file to the kiosk and recovery recipients.
//
// Most of the cost of sealing a small entry is its age header: a new file
// key wrapped for two post-quantum hybrid recipients (an ML-KEM-768
// encapsulation and an X25519 exchange each, a few hundred microseconds in
// all). The header does not depend on the entry, so the next one is made
// ahead on another goroutine, while the nurse types and while the disk
// syncs the previous entry, and saving waits only for the disk. Every entry
// still has its own file key, used once.
type entrySealer struct {
	recipients []age.Recipient
	next       chan *openSeal // the header made ahead, when ready
}

// openSeal is an age file whose header is written and whose payload is
// still to come.
type openSeal struct {
	buf bytes.Buffer
	w   io.WriteCloser
	err error
}

func newEntrySealer(recipients []age.Recipient) *entrySealer {
	s := &entrySealer{recipients: recipients, next: make(chan *openSeal, 1)}
	go s.prepare()
	return s
}

// prepare makes a header ahead. At most one runs at a time (one is started
// only after the last one made was taken), so it never waits on the
// channel and never outlives its use.
func (s *entrySealer) prepare() { s.next <- s.begin() }

func (s *entrySealer) begin() *openSeal {
	o := &openSeal{}
	o.buf.Grow(4096)
	o.w, o.err = age.Encrypt(&o.buf, s.recipients...)
	return o
}

// seal encrypts plain with a header made ahead when one is ready, or made
// now.
func (s *entrySealer) seal(plain []byte) ([]byte, error) {
	var o *openSeal
	select {
	case o = <-s.next:
		go s.prepare()
	default:
		o = s.begin()
	}
	err := o.err
	if err == nil {
		_, err = o.w.Write(plain)
	}
	if err == nil {
		err = o.w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("sealing an entry: %w", err)
	}
	return o.buf.Bytes(), nil
}
