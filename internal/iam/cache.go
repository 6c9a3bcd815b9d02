package iam

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// ErrCacheStopped: the cache's watch loop has ended (its context ended or
// the store was closed), so the awaited change will never become visible.
var ErrCacheStopped = errors.New("iam: cache stopped")

// maxBatch bounds the events folded into one new snapshot.
const maxBatch = 1024

// CacheOptions configures a Cache.
type CacheOptions struct {
	// Logger receives resyncs and undecodable values (default: discard).
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between failed attempts to
	// list or watch (defaults 50ms and 5s); the wait doubles per failure,
	// with jitter.
	MinBackoff, MaxBackoff time.Duration
}

// Cache keeps an immutable Snapshot of every IAM entity current: it lists
// the store, then watches from the listing's revision, folding each batch
// of changes into a new Snapshot that it publishes atomically. When the
// watch's channel closes or the store has compacted the revision it needs,
// it lists again (with backoff on failures). Readers call Current and never
// touch the store.
type Cache struct {
	st   store.Store
	log  *slog.Logger
	min  time.Duration
	max  time.Duration
	cur  atomic.Pointer[Snapshot]
	done chan struct{}
}

// NewCache returns a cache over st; Current returns an empty snapshot
// (revision 0) until Start has loaded the store.
func NewCache(st store.Store, opts CacheOptions) *Cache {
	c := &Cache{st: st, log: opts.Logger, min: opts.MinBackoff, max: opts.MaxBackoff, done: make(chan struct{})}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.min <= 0 {
		c.min = 50 * time.Millisecond
	}
	if c.max < c.min {
		c.max = max(5*time.Second, c.min)
	}
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
	rev, err := c.resync(ctx)
	if err != nil {
		close(c.done)
		return err
	}
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

// resync lists everything and publishes a fresh snapshot.
func (c *Cache) resync(ctx context.Context) (int64, error) {
	kvs, rev, err := c.st.List(ctx, KeyPrefix)
	if err != nil {
		return 0, err
	}
	s, problems := buildSnapshot(kvs, rev)
	c.logProblems(problems)
	c.publish(s)
	return rev, nil
}

func (c *Cache) logProblems(problems []error) {
	for _, p := range problems {
		c.log.Error("undecodable IAM entity left out of the snapshot", "error", p)
	}
}

func (c *Cache) run(ctx context.Context, rev int64) {
	defer close(c.done)
	failures := 0
	needList := false
	for ctx.Err() == nil {
		if needList {
			r, err := c.resync(ctx)
			if err != nil {
				if c.stopped(ctx, err) {
					return
				}
				c.log.Warn("iam cache: listing the store failed", "error", err)
				failures++
				c.sleep(ctx, failures)
				continue
			}
			rev, needList = r, false
		}
		ch, err := c.st.Watch(ctx, KeyPrefix, rev)
		if err != nil {
			if c.stopped(ctx, err) {
				return
			}
			if errors.Is(err, store.ErrCompacted) {
				c.log.Info("iam cache: revision compacted, listing again", "revision", rev)
			} else {
				c.log.Warn("iam cache: watch failed", "error", err)
				failures++
				c.sleep(ctx, failures)
			}
			needList = true
			continue
		}
		var got bool
		rev, got = c.consume(ctx, ch, rev)
		if ctx.Err() != nil {
			return
		}
		// The stream ended: list again, as the store contract asks.
		c.log.Info("iam cache: watch closed, listing again", "revision", rev)
		if got {
			failures = 0
		} else {
			failures++
			c.sleep(ctx, failures)
		}
		needList = true
	}
}

// stopped reports whether the loop must end: ctx is done or the store closed.
func (c *Cache) stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, store.ErrClosed)
}

// consume applies events until the channel closes or ctx ends, publishing
// one snapshot per batch of events already waiting. It returns the last
// revision applied and whether any event arrived.
func (c *Cache) consume(ctx context.Context, ch <-chan store.Event, rev int64) (int64, bool) {
	got := false
	for {
		var ev store.Event
		var ok bool
		select {
		case ev, ok = <-ch:
		case <-ctx.Done():
			return rev, got
		}
		if !ok {
			return rev, got
		}
		got = true
		b := newBuilder(c.cur.Load())
		b.apply(ev)
		closed := false
	drain:
		for n := 1; n < maxBatch; n++ {
			select {
			case ev, ok = <-ch:
				if !ok {
					closed = true
					break drain
				}
				b.apply(ev)
			default:
				break drain
			}
		}
		c.logProblems(b.problems)
		c.publish(b.next)
		rev = b.next.revision
		if closed {
			return rev, got
		}
	}
}

func (c *Cache) sleep(ctx context.Context, failures int) {
	d := c.min
	for i := 1; i < failures && d < c.max; i++ {
		d *= 2
	}
	d = min(d, c.max)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
