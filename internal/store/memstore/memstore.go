// Package memstore is the in-memory store.Store: a map and a sorted key
// index guarded by one read-write lock, a store-wide revision counter, and a
// bounded event history (package eventlog) that serves watches. Nothing
// survives Close. It is the backend of `stsd dev` and the real store used by
// other packages' tests.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore/eventlog"
)

// ErrEmptyKey: a write, read or delete named the empty key.
var ErrEmptyKey = errors.New("memstore: empty key")

// Option configures a Store.
type Option func(*config)

type config struct {
	history eventlog.Limits
}

// WithHistory bounds the event history that watches replay from: at most
// maxEvents events and about maxBytes bytes of keys and values (zero or
// negative: the defaults, eventlog.DefaultMaxEvents and
// eventlog.DefaultMaxBytes). A watch from a revision older than the history
// gets store.ErrCompacted; a watcher that falls further behind than the
// history has its channel closed.
func WithHistory(maxEvents int, maxBytes int64) Option {
	return func(c *config) {
		c.history = eventlog.Limits{MaxEvents: maxEvents, MaxBytes: maxBytes}
	}
}

// Store is an in-memory store.Store. Its zero value is not usable; call New.
type Store struct {
	mu     sync.RWMutex
	closed bool
	rev    int64
	data   map[string]entry
	keys   []string // the keys of data, sorted, for List
	log    *eventlog.Log
}

type entry struct {
	value []byte // private copy, never modified
	rev   int64
}

var _ store.Store = (*Store)(nil)

// New returns an empty store at revision 0.
func New(opts ...Option) *Store {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	return &Store{
		data: make(map[string]entry),
		log:  eventlog.New(0, cfg.history),
	}
}

// Get returns the key, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (store.KV, error) {
	if err := check(ctx, key); err != nil {
		return store.KV{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.KV{}, store.ErrClosed
	}
	e, ok := s.data[key]
	if !ok {
		return store.KV{}, notFound(key)
	}
	return store.KV{Key: key, Value: clone(e.value), Revision: e.rev}, nil
}

// Put writes the key and returns its new revision.
func (s *Store) Put(ctx context.Context, key string, value []byte) (int64, error) {
	if err := check(ctx, key); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	return s.putLocked(key, value), nil
}

// CompareAndSwap writes the key only if its revision equals expected (0: absent).
func (s *Store) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	if err := check(ctx, key); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	if cur := s.data[key].rev; cur != expected {
		return 0, conflict(key, expected, cur)
	}
	return s.putLocked(key, value), nil
}

// Delete removes the key and returns the delete's revision, or
// store.ErrNotFound.
func (s *Store) Delete(ctx context.Context, key string) (int64, error) {
	if err := check(ctx, key); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	if _, ok := s.data[key]; !ok {
		return 0, notFound(key)
	}
	return s.deleteLocked(key), nil
}

// CompareAndDelete removes the key only if its revision equals expected,
// and returns the delete's revision.
func (s *Store) CompareAndDelete(ctx context.Context, key string, expected int64) (int64, error) {
	if err := check(ctx, key); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	e, ok := s.data[key]
	if !ok {
		return 0, notFound(key)
	}
	if e.rev != expected {
		return 0, conflict(key, expected, e.rev)
	}
	return s.deleteLocked(key), nil
}

// List returns the keys with the prefix sorted by key, and the current
// store revision: a binary search, then one step per listed key.
func (s *Store) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, 0, store.ErrClosed
	}
	var out []store.KV
	i, _ := slices.BinarySearch(s.keys, prefix)
	for ; i < len(s.keys) && strings.HasPrefix(s.keys[i], prefix); i++ {
		e := s.data[s.keys[i]]
		out = append(out, store.KV{Key: s.keys[i], Value: clone(e.value), Revision: e.rev})
	}
	return out, s.rev, nil
}

// Watch streams changes under prefix after revision after; see store.Store.
// Events come from the bounded in-memory history (WithHistory).
func (s *Store) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	return s.log.Watch(ctx, prefix, after)
}

// Compact forgets the event history up to and including rev (at most the
// current revision): a later Watch from an older revision returns
// store.ErrCompacted. Stored keys are unaffected.
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

// Close drops the data and ends every watch. Further calls return store.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	s.closed = true
	s.data, s.keys = nil, nil
	s.log.Close()
	return nil
}

func (s *Store) putLocked(key string, value []byte) int64 {
	s.rev++
	v := clone(value)
	if v == nil {
		v = []byte{}
	}
	if _, exists := s.data[key]; !exists {
		i, _ := slices.BinarySearch(s.keys, key)
		s.keys = slices.Insert(s.keys, i, key)
	}
	s.data[key] = entry{value: v, rev: s.rev}
	s.log.Append(store.Event{Type: store.EventPut, KV: store.KV{Key: key, Value: v, Revision: s.rev}})
	return s.rev
}

func (s *Store) deleteLocked(key string) int64 {
	s.rev++
	delete(s.data, key)
	if i, found := slices.BinarySearch(s.keys, key); found {
		s.keys = slices.Delete(s.keys, i, i+1)
	}
	s.log.Append(store.Event{Type: store.EventDelete, KV: store.KV{Key: key, Revision: s.rev}})
	return s.rev
}

func check(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if key == "" {
		return ErrEmptyKey
	}
	return nil
}

func notFound(key string) error {
	return fmt.Errorf("memstore: %q: %w", key, store.ErrNotFound)
}

func conflict(key string, expected, current int64) error {
	return fmt.Errorf("memstore: %q at revision %d, expected %d: %w", key, current, expected, store.ErrConflict)
}

func clone(v []byte) []byte {
	if v == nil {
		return nil
	}
	return append(make([]byte, 0, len(v)), v...)
}
