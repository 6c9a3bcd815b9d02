package iam

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
)

// hookStore is the real memory store with hooks around List and Watch, to
// reproduce compaction races, lost streams and outages deterministically.
type hookStore struct {
	*memstore.Store
	lists, watches atomic.Int64
	afterList      func(n int64)       // called after each List
	watchErr       func(n int64) error // non-nil: Watch fails
	mu             sync.Mutex
	streams        []chan struct{} // closed to drop a stream
}

func (h *hookStore) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	kvs, rev, err := h.Store.List(ctx, prefix)
	n := h.lists.Add(1)
	if err == nil && h.afterList != nil {
		h.afterList(n)
	}
	return kvs, rev, err
}

func (h *hookStore) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	n := h.watches.Add(1)
	if h.watchErr != nil {
		if err := h.watchErr(n); err != nil {
			return nil, err
		}
	}
	in, err := h.Store.Watch(ctx, prefix, after)
	if err != nil {
		return nil, err
	}
	drop := make(chan struct{})
	h.mu.Lock()
	h.streams = append(h.streams, drop)
	h.mu.Unlock()
	out := make(chan store.Event)
	go func() {
		defer close(out)
		for {
			select {
			case ev, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-drop:
					return
				}
			case <-drop:
				return
			}
		}
	}()
	return out, nil
}

// dropStreams closes every open watch stream, as a backend that lost its
// connection does.
func (h *hookStore) dropStreams() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, d := range h.streams {
		close(d)
	}
	h.streams = nil
}

// A revision compacted between the listing and the watch makes the cache
// list again; the write made in that gap becomes visible.
func TestCacheResyncAfterCompaction(t *testing.T) {
	ctx := testCtx(t)
	h := &hookStore{Store: memstore.New()}
	defer h.Close()
	repo := NewRepo(h, RepoOptions{})
	h.afterList = func(n int64) {
		if n != 1 {
			return
		}
		role := testRole("gap")
		role.Path, role.MaxSessionDuration = "/", 3600
		rev, err := h.Store.Put(ctx, RoleKey(acct, "gap"), mustJSON(t, &role))
		if err != nil {
			t.Error(err)
			return
		}
		if err := h.Store.Compact(ctx, rev); err != nil {
			t.Error(err)
		}
	}
	c := startCache(t, h)
	if err := c.WaitFor(ctx, func(s *Snapshot) bool { _, ok := s.RoleByName(acct, "gap"); return ok }); err != nil {
		t.Fatal(err)
	}
	if h.lists.Load() < 2 {
		t.Fatalf("lists = %d, want a resync", h.lists.Load())
	}
	// And the cache keeps watching afterwards.
	r, err := repo.CreateRole(ctx, testRole("after"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitRevision(ctx, r.Revision); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Current().RoleByName(acct, "after"); !ok {
		t.Fatal("role created after the resync not visible")
	}
}

// A watch stream that closes makes the cache list again and re-watch;
// changes made while no stream was open are not lost.
func TestCacheResyncAfterClosedWatch(t *testing.T) {
	ctx := testCtx(t)
	h := &hookStore{Store: memstore.New()}
	defer h.Close()
	repo := NewRepo(h, RepoOptions{})
	c := startCache(t, h)
	for i, name := range []string{"one", "two", "three"} {
		h.dropStreams()
		r, err := repo.CreateRole(ctx, testRole(name))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WaitRevision(ctx, r.Revision); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Current().RoleByName(acct, name); !ok {
			t.Fatalf("role %s not visible after stream drop %d", name, i+1)
		}
	}
	if h.lists.Load() < 2 || h.watches.Load() < 2 {
		t.Fatalf("lists=%d watches=%d: no resync", h.lists.Load(), h.watches.Load())
	}
	// Deletes made while the stream is down are seen too (via the listing).
	h.dropStreams()
	if err := repo.DeleteRole(ctx, acct, "one"); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, func(s *Snapshot) bool { _, ok := s.RoleByName(acct, "one"); return !ok }); err != nil {
		t.Fatal(err)
	}
}

// Watch failures are retried with exponential backoff (fake time).
func TestCacheBackoffOnWatchFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h := &hookStore{Store: memstore.New()}
		defer h.Close()
		var fifth atomic.Int64 // fake-clock time of the fifth Watch
		start := time.Now()
		h.watchErr = func(n int64) error {
			if n <= 4 {
				return store.ErrUnavailable
			}
			if n == 5 {
				fifth.Store(int64(time.Since(start)))
			}
			return nil
		}
		repo := NewRepo(h, RepoOptions{})
		c := NewCache(h, CacheOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for h.watches.Load() < 5 {
			time.Sleep(10 * time.Millisecond)
		}
		// Four failures wait at least 50+100+200+400 ms (half of each
		// doubled step, the jitter's floor) and at most 100+200+400+800.
		if d := time.Duration(fifth.Load()); d < 750*time.Millisecond || d > 1500*time.Millisecond {
			t.Fatalf("fifth watch after %v, want 750ms..1.5s of backoff", d)
		}
		// Once the watch works, changes stream in.
		r, err := repo.CreateRole(ctx, testRole("app"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WaitRevision(ctx, r.Revision); err != nil {
			t.Fatal(err)
		}
		if h.watches.Load() != 5 {
			t.Fatalf("watches = %d, want 5", h.watches.Load())
		}
		cancel()
		<-c.Done()
	})
}

// Closing the store stops the cache; waiters are released with
// ErrCacheStopped.
func TestCacheStopsWhenStoreCloses(t *testing.T) {
	ctx := testCtx(t)
	st := memstore.New()
	c := NewCache(st, CacheOptions{})
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- c.WaitRevision(ctx, 1<<40) }()
	_ = st.Close()
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("cache did not stop")
	}
	if err := <-errc; !errors.Is(err, ErrCacheStopped) {
		t.Fatalf("WaitRevision = %v", err)
	}
	// Start on a closed store fails.
	c2 := NewCache(st, CacheOptions{})
	if err := c2.Start(ctx); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Start = %v", err)
	}
	if c2.Current() == nil || c2.Current().Revision() != 0 {
		t.Fatal("Current before a successful Start must be the empty snapshot")
	}
	// A waiter whose context ends gets the context's error.
	c3 := NewCache(memstore.New(), CacheOptions{})
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := c3.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c3.WaitRevision(short, 5); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitRevision = %v", err)
	}
}
