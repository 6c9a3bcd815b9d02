package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

var watchTests = []subtest{
	{name: "WatchLive", run: testWatchLive},
	{name: "WatchReplay", run: testWatchReplay},
	{name: "WatchReplayThenLive", run: testWatchReplayThenLive},
	{name: "WatchPrefixFilter", run: testWatchPrefixFilter},
	{name: "WatchEmptyPrefix", run: testWatchEmptyPrefix},
	{name: "WatchFromListRevision", run: testWatchFromListRevision},
	{name: "WatchManyWatchers", run: testWatchManyWatchers},
	{name: "WatchCASAndCompareAndDelete", run: testWatchCAS},
	{name: "WatchDeleteAtItsRevision", run: testWatchDeleteRevision},
	{name: "WatchLargeValue", run: testWatchLargeValue},
	{name: "WatchCancelClosesChannel", run: testWatchCancel},
	{name: "WatchCancelledContext", run: testWatchCancelledContext},
	{name: "UnreadWatchDoesNotBlockWriters", run: testUnreadWatch},
}

func testWatchLive(t *testing.T, su *suite, s store.Store) {
	start := mustPut(t, s, "w/seed", "s")
	ch := mustWatch(t, t.Context(), s, "w/", start)
	r1 := mustPut(t, s, "w/a", "1")
	r2 := mustPut(t, s, "w/a", "2")
	if _, err := s.Delete(t.Context(), "w/a"); err != nil {
		t.Fatal(err)
	}
	r4 := mustPut(t, s, "w/b", "3")
	evs := su.expect(t, ch, put("w/a", "1", r1), put("w/a", "2", r2), del("w/a", 0), put("w/b", "3", r4))
	if d := evs[2].KV.Revision; d <= r2 || d >= r4 {
		t.Fatalf("delete event revision %d, want between %d and %d", d, r2, r4)
	}
	su.quiet(t, ch)
}

func testWatchReplay(t *testing.T, su *suite, s store.Store) {
	r1 := mustPut(t, s, "k/1", "a")
	r2 := mustPut(t, s, "k/2", "b")
	r3 := mustPut(t, s, "k/1", "c")
	if _, err := s.Delete(t.Context(), "k/2"); err != nil {
		t.Fatal(err)
	}
	ch := mustWatch(t, t.Context(), s, "k/", r1)
	su.expect(t, ch, put("k/2", "b", r2), put("k/1", "c", r3), del("k/2", 0))
	su.quiet(t, ch)
	ch2 := mustWatch(t, t.Context(), s, "k/", r3)
	su.expect(t, ch2, del("k/2", 0))
}

func testWatchReplayThenLive(t *testing.T, su *suite, s store.Store) {
	r1 := mustPut(t, s, "k", "1")
	r2 := mustPut(t, s, "k", "2")
	ch := mustWatch(t, t.Context(), s, "k", r1)
	r3 := mustPut(t, s, "k", "3")
	su.expect(t, ch, put("k", "2", r2), put("k", "3", r3))
}

func testWatchPrefixFilter(t *testing.T, su *suite, s store.Store) {
	start := storeRevision(t, s)
	ch := mustWatch(t, t.Context(), s, "p/", start)
	mustPut(t, s, "p", "no")
	mustPut(t, s, "px", "no")
	mustPut(t, s, "q/p/x", "no")
	mustPut(t, s, "P/x", "no")
	r := mustPut(t, s, "p/x", "yes")
	mustPut(t, s, "p0", "no")
	if _, err := s.Delete(t.Context(), "px"); err != nil {
		t.Fatal(err)
	}
	r2 := mustPut(t, s, "p/y/z", "yes")
	su.expect(t, ch, put("p/x", "yes", r), put("p/y/z", "yes", r2))
	su.quiet(t, ch)
}

func testWatchEmptyPrefix(t *testing.T, su *suite, s store.Store) {
	ch := mustWatch(t, t.Context(), s, "", storeRevision(t, s))
	r1 := mustPut(t, s, "a", "1")
	r2 := mustPut(t, s, "z/z", "2")
	su.expect(t, ch, put("a", "1", r1), put("z/z", "2", r2))
}

// testWatchFromListRevision is how a snapshot cache uses the store: list,
// then watch from the listing's revision, and see exactly what came after.
func testWatchFromListRevision(t *testing.T, su *suite, s store.Store) {
	mustPut(t, s, "roles/a", "1")
	mustPut(t, s, "roles/b", "1")
	kvs, rev := mustList(t, s, "roles/")
	if len(kvs) != 2 {
		t.Fatalf("List = %v", keys(kvs))
	}
	r := mustPut(t, s, "roles/a", "2")
	ch := mustWatch(t, t.Context(), s, "roles/", rev)
	su.expect(t, ch, put("roles/a", "2", r))
	su.quiet(t, ch)
}

func testWatchManyWatchers(t *testing.T, su *suite, s store.Store) {
	start := storeRevision(t, s)
	chs := make([]<-chan store.Event, 5)
	for i := range chs {
		chs[i] = mustWatch(t, t.Context(), s, "m/", start)
	}
	var want []store.Event
	for i := range 10 {
		v := itoa(int64(i))
		want = append(want, put("m/"+v, v, mustPut(t, s, "m/"+v, v)))
	}
	for _, ch := range chs {
		su.expect(t, ch, want...)
	}
}

func testWatchCAS(t *testing.T, su *suite, s store.Store) {
	ctx := t.Context()
	ch := mustWatch(t, ctx, s, "c", storeRevision(t, s))
	r1, err := s.CompareAndSwap(ctx, "c", 0, []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.CompareAndSwap(ctx, "c", r1, []byte("2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompareAndDelete(ctx, "c", r2); err != nil {
		t.Fatal(err)
	}
	su.expect(t, ch, put("c", "1", r1), put("c", "2", r2), del("c", 0))
}

// testWatchDeleteRevision: Delete and CompareAndDelete return the revision
// of the delete, newer than every earlier write, and the watch delivers the
// delete at exactly that revision — so a caller waiting for its watch to
// reach the revision a delete returned sees the key gone. A failed delete
// returns no revision.
func testWatchDeleteRevision(t *testing.T, su *suite, s store.Store) {
	ctx := t.Context()
	ch := mustWatch(t, ctx, s, "d/", storeRevision(t, s))
	r1 := mustPut(t, s, "d/a", "1")
	r2 := mustPut(t, s, "d/b", "2")
	d1, err := s.Delete(ctx, "d/a")
	if err != nil || d1 <= r2 {
		t.Fatalf("Delete(d/a) = %d, %v; want a revision after %d", d1, err, r2)
	}
	d2, err := s.CompareAndDelete(ctx, "d/b", r2)
	if err != nil || d2 <= d1 {
		t.Fatalf("CompareAndDelete(d/b, %d) = %d, %v; want a revision after %d", r2, d2, err, d1)
	}
	su.expect(t, ch, put("d/a", "1", r1), put("d/b", "2", r2), del("d/a", d1), del("d/b", d2))
	if rev := storeRevision(t, s); rev < d2 {
		t.Fatalf("store revision %d after a delete at %d", rev, d2)
	}
	if rev, err := s.Delete(ctx, "d/a"); rev != 0 || err == nil {
		t.Fatalf("Delete of a missing key = %d, %v; want 0 and an error", rev, err)
	}
	if rev, err := s.CompareAndDelete(ctx, "d/b", d2); rev != 0 || err == nil {
		t.Fatalf("CompareAndDelete of a missing key = %d, %v; want 0 and an error", rev, err)
	}
	su.quiet(t, ch)
}

func testWatchLargeValue(t *testing.T, su *suite, s store.Store) {
	ch := mustWatch(t, t.Context(), s, "big", storeRevision(t, s))
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	rev := mustPutBytes(t, s, "big", big)
	su.expect(t, ch, store.Event{Type: store.EventPut, KV: store.KV{Key: "big", Value: big, Revision: rev}})
}

func testWatchCancel(t *testing.T, su *suite, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	ch := mustWatch(t, ctx, s, "", storeRevision(t, s))
	r := mustPut(t, s, "k", "v")
	su.expect(t, ch, put("k", "v", r))
	cancel()
	su.closed(t, ch)
	mustPut(t, s, "k", "after cancel") // the store keeps working
}

func testWatchCancelledContext(t *testing.T, su *suite, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ch, err := s.Watch(ctx, "", storeRevision(t, s))
	if err != nil {
		return // refusing a dead context is fine
	}
	su.closed(t, ch) // so is returning a channel that closes
}

func testWatchCompacted(t *testing.T, su *suite, s store.Store) {
	if su.compact == nil {
		t.Skip("backend has no compaction hook (storetest.WithCompaction)")
	}
	ctx := t.Context()
	r1 := mustPut(t, s, "k", "1")
	r2 := mustPut(t, s, "k", "2")
	r3 := mustPut(t, s, "k", "3")
	live := mustWatch(t, ctx, s, "k", r3)
	if err := su.compact(ctx, s, r2); err != nil {
		t.Fatalf("compact(%d): %v", r2, err)
	}
	_, err := s.Watch(ctx, "k", r1)
	wantErr(t, "Watch from before the compaction", err, store.ErrCompacted)
	ch := mustWatch(t, ctx, s, "k", r2)
	su.expect(t, ch, put("k", "3", r3))
	// Data is untouched, and a caught-up watcher keeps streaming.
	wantKV(t, mustGet(t, s, "k"), "k", "3", r3)
	r4 := mustPut(t, s, "k", "4")
	su.expect(t, live, put("k", "4", r4))
	su.expect(t, ch, put("k", "4", r4))
}

// testUnreadWatch: writers never wait for a watcher. A watcher that did not
// read meanwhile then gets the writes in order, without gaps, either all of
// them or a prefix followed by a closed channel (it fell behind the
// backend's history and must resync).
func testUnreadWatch(t *testing.T, su *suite, s store.Store) {
	const writes = 100
	ch := mustWatch(t, t.Context(), s, "u/", storeRevision(t, s))
	done := make(chan []int64, 1)
	go func() {
		var revs []int64
		for i := range writes {
			rev, err := s.Put(t.Context(), "u/"+itoa(int64(i%7)), []byte(itoa(int64(i))))
			if err != nil {
				t.Errorf("Put %d: %v", i, err)
				break
			}
			revs = append(revs, rev)
		}
		done <- revs
	}()
	var revs []int64
	select {
	case revs = <-done:
	case <-time.After(su.timeout):
		t.Fatalf("%d Puts did not finish within %v while a watcher was not reading", writes, su.timeout)
	}
	for i, rev := range revs {
		select {
		case ev, ok := <-ch:
			if !ok {
				return // cut off: allowed
			}
			if ev.Type != store.EventPut || ev.KV.Revision != rev || string(ev.KV.Value) != itoa(int64(i)) {
				t.Fatalf("event %d: %s, want put %q rev %d", i, describe(ev), itoa(int64(i)), rev)
			}
		case <-time.After(su.timeout):
			t.Fatalf("event %d did not arrive within %v", i, su.timeout)
		}
	}
}
