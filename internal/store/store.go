// Package store defines the small key-value interface every stsd backend
// implements (memory, bbolt, etcd): get, put, delete, list by prefix,
// compare-and-swap on a per-key revision, and a revisioned watch that lets a
// node keep an in-memory snapshot current.
//
// Keys are slash-separated strings ("accounts/000000000000/roles/app").
// Values are opaque bytes. Every successful write, a delete included,
// advances one store-wide revision counter and returns the revision it
// wrote, which a watch delivers its event at: a caller that waits until its
// watch has passed that revision sees its own write. Each key remembers the
// revision of its last write (KV.Revision), which is what CompareAndSwap and
// CompareAndDelete compare.
//
// Keys are compared byte-wise (Go string order) and may hold any bytes.
// Backends reject the empty key, and may reject keys longer than they
// support (bbolt: 32 KiB), with an error of their own. Values returned by
// Get, List and Watch belong to the caller; the store keeps its own copy of
// every value written.
//
// A failed write (ErrConflict, ErrNotFound, a cancelled ctx, ErrClosed)
// changes nothing and does not advance the revision. Revisions are positive
// and increase with every write, but callers must not assume they are dense
// or that a fresh store starts at 1 (etcd shares one counter between every
// key prefix); the revision a List returns may be newer than every key it
// returns.
//
// Watch history is bounded. A watcher that reads too slowly for the
// backend's retained history has its channel closed (it never skips events);
// a Watch from the last revision it saw then returns ErrCompacted, and the
// caller lists again and watches from the listing's revision. Follow is
// that loop, written once for every caller.
//
// The conformance suite in package storetest pins down the exact semantics;
// every backend must pass it.
package store

import (
	"context"
	"errors"
)

// Sentinel errors. Backends wrap them; callers test with errors.Is.
var (
	// ErrNotFound: the key does not exist.
	ErrNotFound = errors.New("store: key not found")
	// ErrConflict: a compare-and-swap or compare-and-delete saw another revision.
	ErrConflict = errors.New("store: revision conflict")
	// ErrCompacted: a watch asked to start at a revision the backend no longer
	// remembers; the caller must List again and watch from the new revision.
	ErrCompacted = errors.New("store: revision compacted")
	// ErrUnavailable: the backend cannot be reached (etcd down) or did not
	// answer in time. A write that fails so may still have been applied (a
	// request that reached etcd before the timeout can commit); a write that
	// succeeded is durable.
	ErrUnavailable = errors.New("store: unavailable")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// KV is one key with its value and the store revision of its last write.
type KV struct {
	Key      string
	Value    []byte
	Revision int64
}

// EventType says what happened to a key.
type EventType int

const (
	// EventPut: the key was created or updated; Event.KV holds the new value.
	EventPut EventType = iota + 1
	// EventDelete: the key was deleted; Event.KV.Value is nil and
	// Event.KV.Revision is the revision of the delete.
	EventDelete
)

// Event is one change seen by a watch.
type Event struct {
	Type EventType
	KV   KV
}

// Store is the interface every backend implements. All methods are safe for
// concurrent use. Revisions start at 1; 0 means "no revision" (the key does
// not exist).
type Store interface {
	// Get returns the key, or ErrNotFound.
	Get(ctx context.Context, key string) (KV, error)

	// Put writes the key unconditionally and returns the new revision.
	Put(ctx context.Context, key string, value []byte) (int64, error)

	// CompareAndSwap writes the key only if its current revision equals
	// expected (0: the key must not exist). It returns the new revision, or
	// ErrConflict with nothing written.
	CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error)

	// Delete removes the key and returns the revision of the delete (the
	// revision of its EventDelete); ErrNotFound if it does not exist.
	Delete(ctx context.Context, key string) (int64, error)

	// CompareAndDelete removes the key only if its current revision equals
	// expected, and returns the revision of the delete; ErrNotFound if
	// absent, ErrConflict on another revision.
	CompareAndDelete(ctx context.Context, key string, expected int64) (int64, error)

	// List returns every key with the prefix, sorted by key, and the store
	// revision the listing reflects (to start a Watch from).
	List(ctx context.Context, prefix string) ([]KV, int64, error)

	// Watch streams, in revision order, every change to keys with the prefix
	// made after revision after. The channel is closed when ctx ends, when the
	// store is closed, or when the backend loses the stream (the caller then
	// lists again and re-watches). If after is older than the backend
	// remembers, Watch returns ErrCompacted.
	Watch(ctx context.Context, prefix string, after int64) (<-chan Event, error)

	// Close releases the backend. Further calls return ErrClosed.
	Close() error
}
