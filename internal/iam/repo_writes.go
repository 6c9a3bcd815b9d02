package iam

import (
	"context"
	"sync/atomic"

	"github.com/stsd/stsd/internal/store"
)

// Writes holds the store revision of the newest write made through a
// recording repository (Repo.Recording), a delete's included. Every write
// of a Repo is under KeyPrefix, so Cache.WaitRevision(ctx, w.Last())
// returns once the node's snapshot shows all of them: the IAM API waits so
// before every call returns, and no action has to remember it.
type Writes struct {
	last atomic.Int64
}

// Last is the revision of the newest write recorded (0: none).
func (w *Writes) Last() int64 { return w.last.Load() }

func (w *Writes) record(rev int64) {
	for {
		cur := w.last.Load()
		if rev <= cur || w.last.CompareAndSwap(cur, rev) {
			return
		}
	}
}

// Recording returns a repository over the same store and options that
// records in w the revision of every write it makes: creates, updates,
// renames (each key written and deleted) and deletes.
func (r *Repo) Recording(w *Writes) *Repo {
	rec := *r
	rec.st = recordingStore{Store: r.st, writes: w}
	return &rec
}

// recordingStore is a store.Store that records the revision each
// successful write returns.
type recordingStore struct {
	store.Store
	writes *Writes
}

func (s recordingStore) seen(rev int64, err error) (int64, error) {
	if err == nil {
		s.writes.record(rev)
	}
	return rev, err
}

func (s recordingStore) Put(ctx context.Context, key string, value []byte) (int64, error) {
	return s.seen(s.Store.Put(ctx, key, value))
}

func (s recordingStore) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	return s.seen(s.Store.CompareAndSwap(ctx, key, expected, value))
}

func (s recordingStore) Delete(ctx context.Context, key string) (int64, error) {
	return s.seen(s.Store.Delete(ctx, key))
}

func (s recordingStore) CompareAndDelete(ctx context.Context, key string, expected int64) (int64, error) {
	return s.seen(s.Store.CompareAndDelete(ctx, key, expected))
}
