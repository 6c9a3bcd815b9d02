package iam

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// ErrCacheStopped: the cache's watch loop has ended (its context ended or
// the store was closed), so the awaited change will never become visible.
var ErrCacheStopped = errors.New("iam: cache stopped")

// CacheOptions configures a Cache.
type CacheOptions struct {
	// Logger receives resyncs and undecodable values (default: discard).
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between failed attempts to
	// list or watch (see store.FollowOptions: defaults 50ms and 5s); the
	// wait doubles per failure, with jitter.
	MinBackoff, MaxBackoff time.Duration
}

// Cache keeps an immutable Snapshot of every IAM entity current: it lists
// the store, then follows it (store.Follow), folding each batch of changes
// into a new Snapshot that it publishes atomically, and each listing of a
// resync into a fresh one. Readers call Current and never touch the store.
type Cache struct {
	st     store.Store
	log    *slog.Logger
	follow store.FollowOptions
	cur    atomic.Pointer[Snapshot]
	done   chan struct{}
}

// NewCache returns a cache over st; Current returns an empty snapshot
// (revision 0) until Start has loaded the store.
func NewCache(st store.Store, opts CacheOptions) *Cache {
	c := &Cache{st: st, log: opts.Logger, done: make(chan struct{})}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.follow = store.FollowOptions{Logger: c.log, MinBackoff: opts.MinBackoff, MaxBackoff: opts.MaxBackoff}
	c.cur.Store(emptySnapshot())
	return c
}

// Current returns the latest snapshot. It never blocks and never returns nil.
func (c *Cache) Current() *Snapshot { return c.cur.Load() }

// Done is closed when the watch loop has ended.
func (c *Cache) Done() <-chan struct{} { return c.done }

// Start lists the store and publishes the first snapshot (returning the
// store's error if that fails), then keeps the snapshot current in a
// goroutine until ctx ends or the store is closed. Call it once.
func (c *Cache) Start(ctx context.Context) error {
	kvs, rev, err := c.st.List(ctx, KeyPrefix)
	if err != nil {
		close(c.done)
		return err
	}
	c.install(kvs, rev)
	go c.run(ctx, rev)
	return nil
}

// WaitRevision blocks until the published snapshot reflects revision rev,
// ctx ends, or the cache stops. rev must come from a write of a key under
// KeyPrefix (Repo methods report it as the entity's Revision, and a
// recording Repo every write's, deletes included: Writes): the cache
// watches only that prefix, so the revision of a write elsewhere (a
// keyring key) becomes visible only with the next IAM write.
func (c *Cache) WaitRevision(ctx context.Context, rev int64) error {
	return c.WaitFor(ctx, func(s *Snapshot) bool { return s.revision >= rev })
}

// WaitFor blocks until cond holds for the published snapshot (checked on
// each new snapshot), ctx ends, or the cache stops.
func (c *Cache) WaitFor(ctx context.Context, cond func(*Snapshot) bool) error {
	for {
		s := c.cur.Load()
		if cond(s) {
			return nil
		}
		select {
		case <-s.replaced:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			if cond(c.cur.Load()) {
				return nil
			}
			return ErrCacheStopped
		}
	}
}

func (c *Cache) publish(s *Snapshot) {
	old := c.cur.Swap(s)
	close(old.replaced)
}

// install publishes a fresh snapshot of a full listing.
func (c *Cache) install(kvs []store.KV, rev int64) {
	s, problems := buildSnapshot(kvs, rev)
	c.logProblems(problems)
	c.publish(s)
}

func (c *Cache) logProblems(problems []error) {
	for _, p := range problems {
		c.log.Error("undecodable IAM entity left out of the snapshot", "error", p)
	}
}

func (c *Cache) run(ctx context.Context, rev int64) {
	defer close(c.done)
	_ = store.Follow(ctx, c.st, KeyPrefix, rev, c.install, c.apply, c.follow)
}

// apply folds a batch of changes into one new snapshot.
func (c *Cache) apply(evs []store.Event) {
	b := newBuilder(c.cur.Load())
	for _, ev := range evs {
		b.apply(ev)
	}
	c.logProblems(b.problems)
	c.publish(b.next)
}
