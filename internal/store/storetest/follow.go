package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// The store.Follow subtests run the shared follow loop on the backend: the
// loop is only as good as its use of the backend's List and Watch.
var followTests = []subtest{
	{name: "FollowEventsInOrder", run: testFollowEventsInOrder},
	{name: "FollowResyncAfterLostStream", run: testFollowResyncAfterLostStream},
	{name: "FollowStopsOnClosedStore", run: testFollowStopsOnClosedStore},
	{name: "FollowStopsOnCancel", run: testFollowStopsOnCancel},
}

// fastFollow retries at once, so that the subtests do not wait on backoff.
var fastFollow = store.FollowOptions{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// following is one store.Follow running in the background: the events it
// delivered, the listings it installed, and the model (key → value) they
// add up to.
type following struct {
	events chan store.Event
	done   chan error

	mu     sync.Mutex
	lists  [][]store.KV
	model  map[string]string
	modRev int64
}

func (su *suite) follow(t *testing.T, ctx context.Context, s store.Store, prefix string, opts store.FollowOptions) *following {
	t.Helper()
	kvs, rev := mustList(t, s, prefix)
	f := &following{events: make(chan store.Event, 1024), done: make(chan error, 1), model: map[string]string{}}
	f.install(kvs, rev)
	f.lists = nil // the start-up listing is the caller's, not a resync
	onList := func(kvs []store.KV, rev int64) {
		f.mu.Lock()
		f.lists = append(f.lists, kvs)
		f.mu.Unlock()
		f.install(kvs, rev)
	}
	onEvents := func(evs []store.Event) {
		if len(evs) == 0 {
			t.Error("onEvents called with no events")
		}
		f.mu.Lock()
		for _, ev := range evs {
			if ev.KV.Revision <= f.modRev {
				t.Errorf("event %s not after revision %d", describe(ev), f.modRev)
			}
			f.modRev = ev.KV.Revision
			if ev.Type == store.EventPut {
				f.model[ev.KV.Key] = string(ev.KV.Value)
			} else {
				delete(f.model, ev.KV.Key)
			}
		}
		f.mu.Unlock()
		for _, ev := range evs {
			f.events <- ev
		}
	}
	go func() { f.done <- store.Follow(ctx, s, prefix, rev, onList, onEvents, opts) }()
	return f
}

func (f *following) install(kvs []store.KV, rev int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.model = map[string]string{}
	for _, kv := range kvs {
		f.model[kv.Key] = string(kv.Value)
	}
	f.modRev = rev
}

func (f *following) resyncs() [][]store.KV {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.lists)
}

// converges waits until the follower's model equals the store's content
// under prefix.
func (su *suite) converges(t *testing.T, f *following, s store.Store, prefix string) {
	t.Helper()
	deadline := time.Now().Add(su.timeout)
	for {
		kvs, _ := mustList(t, s, prefix)
		want := map[string]string{}
		for _, kv := range kvs {
			want[kv.Key] = string(kv.Value)
		}
		f.mu.Lock()
		got := maps.Clone(f.model)
		f.mu.Unlock()
		if maps.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("follower holds %v, store holds %v", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stopped waits for Follow to return and checks its error.
func (su *suite) stopped(t *testing.T, f *following, target error) {
	t.Helper()
	select {
	case err := <-f.done:
		if !errors.Is(err, target) {
			t.Fatalf("Follow returned %v, want %v", err, target)
		}
	case <-time.After(su.timeout):
		t.Fatalf("Follow did not return within %v", su.timeout)
	}
}

// testFollowEventsInOrder: every change after the listing arrives once, in
// order, and nothing the listing held is delivered again.
func testFollowEventsInOrder(t *testing.T, su *suite, s store.Store) {
	mustPut(t, s, "f/a", "listed")
	mustPut(t, s, "g/a", "other prefix")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := su.follow(t, ctx, s, "f/", fastFollow)
	r1 := mustPut(t, s, "f/a", "1")
	r2 := mustPut(t, s, "f/b", "2")
	mustPut(t, s, "g/b", "other prefix")
	if _, err := s.Delete(t.Context(), "f/a"); err != nil {
		t.Fatal(err)
	}
	var want []store.Event
	want = append(want, put("f/a", "1", r1), put("f/b", "2", r2), del("f/a", 0))
	for i := range 50 { // a burst, delivered in batches
		v := itoa(int64(i))
		want = append(want, put("f/c", v, mustPut(t, s, "f/c", v)))
	}
	su.expect(t, f.events, want...)
	su.quiet(t, f.events)
	if n := len(f.resyncs()); n != 0 {
		t.Fatalf("%d resyncs, want none", n)
	}
	su.converges(t, f, s, "f/")
	cancel()
	su.stopped(t, f, context.Canceled)
}

// testFollowResyncAfterCompaction: a watch from a compacted revision makes
// Follow list again and hand over the whole listing, then keep watching.
func testFollowResyncAfterCompaction(t *testing.T, su *suite, s store.Store) {
	if su.compact == nil {
		t.Skip("backend has no compaction hook (storetest.WithCompaction)")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r1 := mustPut(t, s, "f/a", "1")
	mustPut(t, s, "f/b", "2")
	r3 := mustPut(t, s, "f/a", "3")
	if err := su.compact(ctx, s, r3-1); err != nil {
		t.Fatalf("compact(%d): %v", r3-1, err)
	}
	_, err := s.Watch(ctx, "f/", r1)
	wantErr(t, "Watch from before the compaction", err, store.ErrCompacted)
	lists := make(chan []store.KV, 8)
	events := make(chan store.Event, 8)
	done := make(chan error, 1)
	go func() {
		done <- store.Follow(ctx, s, "f/", r1,
			func(kvs []store.KV, _ int64) { lists <- kvs },
			func(evs []store.Event) {
				for _, ev := range evs {
					events <- ev
				}
			}, fastFollow)
	}()
	select {
	case kvs := <-lists:
		if got := keys(kvs); !slices.Equal(got, []string{"f/a", "f/b"}) || string(kvs[0].Value) != "3" {
			t.Fatalf("resync listing %v (f/a=%q), want f/a=3 and f/b", got, kvs[0].Value)
		}
	case <-time.After(su.timeout):
		t.Fatalf("no resync within %v of a compacted watch", su.timeout)
	}
	r4 := mustPut(t, s, "f/c", "4")
	su.expect(t, events, put("f/c", "4", r4))
	cancel()
	select {
	case err := <-done:
		wantErr(t, "Follow after cancel", err, context.Canceled)
	case <-time.After(su.timeout):
		t.Fatalf("Follow did not return within %v", su.timeout)
	}
}

// flaky is a backend whose watch streams can be cut (by ending the
// context each Watch was given, which closes its channel), and whose next
// Watch calls can be made to fail, as a backend that loses its connection
// does.
type flaky struct {
	store.Store
	lists, watches atomic.Int64
	streams        atomic.Int64 // Watch calls that opened a stream
	failWatches    atomic.Int64 // the next this many Watch calls fail
	mu             sync.Mutex
	cuts           []context.CancelFunc
}

func (fl *flaky) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	fl.lists.Add(1)
	return fl.Store.List(ctx, prefix)
}

func (fl *flaky) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	fl.watches.Add(1)
	for n := fl.failWatches.Load(); n > 0; n = fl.failWatches.Load() {
		if fl.failWatches.CompareAndSwap(n, n-1) {
			return nil, store.ErrUnavailable
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	events, err := fl.Store.Watch(ctx, prefix, after)
	if err != nil {
		cancel()
		return nil, err
	}
	fl.streams.Add(1)
	fl.mu.Lock()
	fl.cuts = append(fl.cuts, cancel)
	fl.mu.Unlock()
	return events, nil
}

// cut ends every open stream.
func (fl *flaky) cut() {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	for _, cancel := range fl.cuts {
		cancel()
	}
	fl.cuts = nil
}

// testFollowResyncAfterLostStream: a stream that ends, and then a Watch
// that fails, both make Follow list again; changes made while no stream
// was open (deletes included) reach the follower through the listing, and
// Follow keeps watching afterwards.
func testFollowResyncAfterLostStream(t *testing.T, su *suite, s store.Store) {
	fl := &flaky{Store: s}
	mustPut(t, s, "f/a", "1")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f := su.follow(t, ctx, fl, "f/", fastFollow)
	r := mustPut(t, s, "f/b", "2")
	su.expect(t, f.events, put("f/b", "2", r))

	for i, phase := range []struct {
		failWatches      int64 // Watch calls that fail after the stream is lost
		deleted, created string
		resyncs          int // resyncs since Follow started: one per List
	}{
		{failWatches: 0, deleted: "f/a", created: "f/c", resyncs: 1},
		{failWatches: 3, deleted: "f/b", created: "f/d", resyncs: 5},
	} {
		fl.failWatches.Store(phase.failWatches)
		fl.cut()
		if _, err := s.Delete(t.Context(), phase.deleted); err != nil {
			t.Fatal(err)
		}
		mustPut(t, s, phase.created, "new")
		su.waitStreams(t, fl, int64(i+2))
		if n := len(f.resyncs()); n != phase.resyncs {
			t.Fatalf("lost stream %d, %d failed watches: %d resyncs, want %d", i+1, phase.failWatches, n, phase.resyncs)
		}
		su.converges(t, f, s, "f/")
	}

	// A put made once the new stream is open arrives as an event.
	for len(f.events) > 0 {
		<-f.events
	}
	r = mustPut(t, s, "f/e", "5")
	su.expect(t, f.events, put("f/e", "5", r))
	su.converges(t, f, s, "f/")
	cancel()
	su.stopped(t, f, context.Canceled)
}

// waitStreams waits until fl has opened n watch streams.
func (su *suite) waitStreams(t *testing.T, fl *flaky, n int64) {
	t.Helper()
	deadline := time.Now().Add(su.timeout)
	for fl.streams.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d watch streams within %v, want %d (%d Watch calls)", fl.streams.Load(), su.timeout, n, fl.watches.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// testFollowStopsOnClosedStore: closing the store ends Follow with
// ErrClosed, after at most a call or two, not a retry loop.
func testFollowStopsOnClosedStore(t *testing.T, su *suite, s store.Store) {
	fl := &flaky{Store: s}
	f := su.follow(t, t.Context(), fl, "f/", fastFollow)
	r := mustPut(t, s, "f/a", "1")
	su.expect(t, f.events, put("f/a", "1", r))
	calls := fl.lists.Load() + fl.watches.Load()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	su.stopped(t, f, store.ErrClosed)
	if n := fl.lists.Load() + fl.watches.Load() - calls; n > 2 {
		t.Fatalf("%d List/Watch calls after Close, want at most 2", n)
	}
}

// testFollowStopsOnCancel: cancelling ctx ends Follow with ctx's error,
// whether it is watching or waiting out a backoff.
func testFollowStopsOnCancel(t *testing.T, su *suite, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	f := su.follow(t, ctx, s, "f/", fastFollow)
	r := mustPut(t, s, "f/a", "1")
	su.expect(t, f.events, put("f/a", "1", r))
	cancel()
	su.stopped(t, f, context.Canceled)

	fl := &flaky{Store: s}
	fl.failWatches.Store(1 << 30)
	ctx, cancel = context.WithCancel(t.Context())
	f = su.follow(t, ctx, fl, "f/", store.FollowOptions{MinBackoff: time.Hour})
	for fl.watches.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	su.stopped(t, f, context.Canceled)
	if n := fl.watches.Load(); n != 1 {
		t.Fatalf("%d Watch calls, want 1 (then the backoff)", n)
	}
}
