package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/stsd/stsd/internal/store"
)

// Get returns the key, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	if err := checkKey(ctx, key); err != nil {
		return store.KV{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.KV{}, store.ErrClosed
	}
	var kv store.KV
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketKV).Get([]byte(key))
		if raw == nil {
			return notFound(key)
		}
		rev, value, err := decode(raw)
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		kv = store.KV{Key: key, Value: bytes.Clone(value), Revision: rev}
		return nil
	})
	return kv, err
}

// List returns the keys with the prefix sorted by key and the store
// revision, from one read transaction (a cursor seek and a range scan).
func (s *Store) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, 0, store.ErrClosed
	}
	var (
		out []store.KV
		rev int64
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		if rev, err = readRevision(tx.Bucket(bucketMeta)); err != nil {
			return err
		}
		p := []byte(prefix)
		c := tx.Bucket(bucketKV).Cursor()
		for k, raw := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, raw = c.Next() {
			krev, value, err := decode(raw)
			if err != nil {
				return fmt.Errorf("%q: %w", k, err)
			}
			out = append(out, store.KV{Key: string(k), Value: bytes.Clone(value), Revision: krev})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, rev, nil
}

// Put writes the key and returns its new revision.
func (s *Store) Put(ctx context.Context, key string, value []byte) (int64, error) {
	return s.write(ctx, key, mutation{value: value})
}

// CompareAndSwap writes the key only if its revision equals expected (0: absent).
func (s *Store) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	return s.write(ctx, key, mutation{value: value, compare: true, expected: expected})
}

// Delete removes the key and returns the delete's revision, or
// store.ErrNotFound.
func (s *Store) Delete(ctx context.Context, key string) (int64, error) {
	return s.write(ctx, key, mutation{delete: true})
}

// CompareAndDelete removes the key only if its revision equals expected,
// and returns the delete's revision.
func (s *Store) CompareAndDelete(ctx context.Context, key string, expected int64) (int64, error) {
	return s.write(ctx, key, mutation{delete: true, compare: true, expected: expected})
}

// Watch streams changes under prefix after revision after; see store.Store.
func (s *Store) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	return s.log.Watch(ctx, prefix, after)
}

// Compact forgets the in-process event history up to and including rev:
// a later Watch from an older revision returns store.ErrCompacted. The file
// is unaffected.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	s.log.Compact(rev)
	return nil
}

// mutation is one write: a put or a delete, optionally compared.
type mutation struct {
	value    []byte
	delete   bool
	compare  bool
	expected int64
}

// write applies m to key in one transaction, then records the event.
func (s *Store) write(ctx context.Context, key string, m mutation) (int64, error) {
	if err := checkKey(ctx, key); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var ev store.Event
	err := s.db.Update(func(tx *bolt.Tx) error {
		kvb, meta := tx.Bucket(bucketKV), tx.Bucket(bucketMeta)
		k := []byte(key)
		var cur int64
		if raw := kvb.Get(k); raw != nil {
			var err error
			if cur, _, err = decode(raw); err != nil {
				return fmt.Errorf("%q: %w", key, err)
			}
		}
		if m.delete && cur == 0 {
			return notFound(key)
		}
		if m.compare && cur != m.expected {
			return fmt.Errorf("boltstore: %q at revision %d, expected %d: %w", key, cur, m.expected, store.ErrConflict)
		}
		prev, err := readRevision(meta)
		if err != nil {
			return err
		}
		rev := prev + 1
		if err := meta.Put(metaRevision, binary.BigEndian.AppendUint64(nil, uint64(rev))); err != nil {
			return err
		}
		if m.delete {
			ev = store.Event{Type: store.EventDelete, KV: store.KV{Key: key, Revision: rev}}
			return kvb.Delete(k)
		}
		raw := encode(rev, m.value)
		ev = store.Event{Type: store.EventPut, KV: store.KV{Key: key, Value: raw[8:], Revision: rev}}
		return kvb.Put(k, raw)
	})
	if err != nil {
		return 0, err
	}
	// bbolt copies raw into its pages at commit and never writes to it, so
	// the event may keep raw[8:].
	s.log.Append(ev)
	return ev.KV.Revision, nil
}

func checkKey(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" {
		return ErrEmptyKey
	}
	if len(key) > MaxKeySize {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrKeyTooLarge, len(key), MaxKeySize)
	}
	return nil
}

func notFound(key string) error {
	return fmt.Errorf("boltstore: %q: %w", key, store.ErrNotFound)
}

// encode lays out a stored value: the 8-byte big-endian revision of its
// last write, then the value.
func encode(rev int64, value []byte) []byte {
	raw := make([]byte, 8+len(value))
	binary.BigEndian.PutUint64(raw, uint64(rev))
	copy(raw[8:], value)
	return raw
}

func decode(raw []byte) (int64, []byte, error) {
	if len(raw) < 8 {
		return 0, nil, fmt.Errorf("%w: stored value of %d bytes has no revision", ErrFormat, len(raw))
	}
	rev := int64(binary.BigEndian.Uint64(raw))
	if rev <= 0 {
		return 0, nil, fmt.Errorf("%w: stored revision %d", ErrFormat, rev)
	}
	return rev, raw[8:], nil
}

func readRevision(meta *bolt.Bucket) (int64, error) {
	raw := meta.Get(metaRevision)
	if raw == nil {
		return 0, nil
	}
	if len(raw) != 8 {
		return 0, fmt.Errorf("%w: store revision of %d bytes", ErrFormat, len(raw))
	}
	return int64(binary.BigEndian.Uint64(raw)), nil
}
