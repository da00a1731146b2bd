package store

import (
	"encoding/binary"
	"errors"
	"time"

	"lifeboat/clinical"
)

// The census's next-dose and overdue columns need, per patient, the doses
// that nothing documents around the kiosk's clock. Decoding every chart
// for them takes seconds at 5,000 patients; so when a ward is built (for a
// full snapshot or a delta), each patient's dose facts
// (clinical.DoseFactsOf) are kept in the census table (the patient's
// doses column), encoded here.
//
// The doses documented are kept from Since on: doseFactsKept before the
// newest record of the order. A clock so far behind that the window it
// needs starts before Since reads the chart instead.

// doseFactsKept is how far before an order's newest record the doses it
// documents are kept in the census table.
const doseFactsKept = 4 * 24 * time.Hour

// doseFactsFormat is the first byte of the doses column; a column of
// another format is read as missing (the kiosk reads the chart).
const doseFactsFormat = 1

// encodeDoseFacts packs f for the doses column.
func encodeDoseFacts(f clinical.DoseFacts) []byte {
	b := []byte{doseFactsFormat}
	b = binary.AppendUvarint(b, uint64(len(f.Orders)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	tm := func(t time.Time) {
		if t.IsZero() {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	for _, o := range f.Orders {
		str(o.ID)
		str(o.Name)
		b = binary.AppendUvarint(b, uint64(len(o.Daily)))
		for _, c := range o.Daily {
			b = binary.AppendUvarint(b, uint64(c))
		}
		tm(o.Start)
		tm(o.End)
		tm(o.Since)
		b = binary.AppendUvarint(b, uint64(len(o.Documented)))
		var last int64
		for _, t := range o.Documented { // whole seconds, in time order
			b = binary.AppendVarint(b, t.Unix()-last)
			last = t.Unix()
		}
	}
	return b
}

var errDoseFacts = errors.New("unreadable dose facts")

// decodeDoseFacts reads a doses column.
func decodeDoseFacts(b []byte) (clinical.DoseFacts, error) {
	var f clinical.DoseFacts
	if len(b) == 0 || b[0] != doseFactsFormat {
		return f, errDoseFacts
	}
	b = b[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	tm := func() time.Time {
		if len(b) == 0 {
			bad = true
			return time.Time{}
		}
		set := b[0]
		b = b[1:]
		if set == 0 {
			return time.Time{}
		}
		sec := sv()
		ns := uv()
		if ns >= 1e9 {
			bad = true
		}
		return time.Unix(sec, int64(ns))
	}
	n := uv()
	if n > uint64(len(b)) {
		return clinical.DoseFacts{}, errDoseFacts
	}
	f.Orders = make([]clinical.OrderDoses, 0, n)
	for i := uint64(0); i < n && !bad; i++ {
		var o clinical.OrderDoses
		o.ID, o.Name = str(), str()
		nd := uv()
		if nd > 24*60 || nd > uint64(len(b)) {
			return clinical.DoseFacts{}, errDoseFacts
		}
		for range nd {
			if c := uv(); c < 24*60 {
				o.Daily = append(o.Daily, int(c))
			} else {
				bad = true
			}
		}
		o.Start, o.End, o.Since = tm(), tm(), tm()
		nt := uv()
		if nt > uint64(len(b)) {
			return clinical.DoseFacts{}, errDoseFacts
		}
		var last int64
		for range nt {
			last += sv()
			o.Documented = append(o.Documented, time.Unix(last, 0))
		}
		f.Orders = append(f.Orders, o)
	}
	if bad || len(b) != 0 {
		return clinical.DoseFacts{}, errDoseFacts
	}
	return f, nil
}
