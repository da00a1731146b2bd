package store

import (
	"context"
	"errors"
	"fmt"
)

// serializer and deserializer are what modernc.org/sqlite's connection
// offers for moving a whole database image in and out of memory.
type serializer interface{ Serialize() ([]byte, error) }
type deserializer interface{ Deserialize([]byte) error }

// image returns the database as one byte slice: the SQLite file format,
// held in memory only.
func (w *Ward) image() ([]byte, error) {
	var img []byte
	err := w.conn.Raw(func(dc any) error {
		s, ok := dc.(serializer)
		if !ok {
			return errors.New("the sqlite driver cannot serialize")
		}
		var err error
		img, err = s.Serialize()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("serializing database: %w", err)
	}
	return img, nil
}

// loadWard loads a database image into a new in-memory Ward. SQLite copies
// the image, so the caller may (and should) clear img afterwards.
func loadWard(ctx context.Context, img []byte) (*Ward, error) {
	w, err := openMemory(ctx)
	if err != nil {
		return nil, err
	}
	err = w.conn.Raw(func(dc any) error {
		d, ok := dc.(deserializer)
		if !ok {
			return errors.New("the sqlite driver cannot deserialize")
		}
		return d.Deserialize(img)
	})
	if err == nil {
		var v string
		err = w.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&v)
		if err == nil && v != schemaVersion {
			err = fmt.Errorf("database layout %q, this program reads %q", v, schemaVersion)
		}
	}
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("loading database image: %w", err)
	}
	return w, nil
}
