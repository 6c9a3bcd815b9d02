package eventlog_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore/eventlog"
)

func ev(key string, rev int64) store.Event {
	return store.Event{Type: store.EventPut, KV: store.KV{Key: key, Value: []byte("v" + strconv.FormatInt(rev, 10)), Revision: rev}}
}

func recv(t *testing.T, ch <-chan store.Event) (store.Event, bool) {
	t.Helper()
	select {
	case e, ok := <-ch:
		return e, ok
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting on the watch channel")
	}
	return store.Event{}, false
}

func wantRevs(t *testing.T, ch <-chan store.Event, revs ...int64) {
	t.Helper()
	for _, r := range revs {
		e, ok := recv(t, ch)
		if !ok {
			t.Fatalf("channel closed, want revision %d", r)
		}
		if e.KV.Revision != r || string(e.KV.Value) != "v"+strconv.FormatInt(r, 10) {
			t.Fatalf("got revision %d value %q, want revision %d", e.KV.Revision, e.KV.Value, r)
		}
	}
}

func wantClosed(t *testing.T, ch <-chan store.Event) []store.Event {
	t.Helper()
	var got []store.Event
	for {
		e, ok := recv(t, ch)
		if !ok {
			return got
		}
		got = append(got, e)
	}
}

func TestRingWrapsLive(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{MaxEvents: 3})
	defer l.Close()
	ch, err := l.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for r := int64(1); r <= 50; r++ {
		l.Append(ev("k", r))
		wantRevs(t, ch, r)
	}
	replay, err := l.Watch(t.Context(), "", 47)
	if err != nil {
		t.Fatal(err)
	}
	wantRevs(t, replay, 48, 49, 50)
	if _, err := l.Watch(t.Context(), "", 46); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(46) with revisions 48..50 retained: %v, want ErrCompacted", err)
	}
}

// TestSlowWatcherLosesStream: appends never wait for a watcher; one that
// falls behind the retained history gets a prefix of the events, in order,
// then a closed channel.
func TestSlowWatcherLosesStream(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{MaxEvents: 4})
	defer l.Close()
	ch, err := l.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for r := int64(1); r <= 100; r++ {
			l.Append(ev("k", r))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Append blocked on a watcher that does not read")
	}
	got := wantClosed(t, ch)
	if len(got) >= 100 {
		t.Fatalf("slow watcher received all %d events, want its stream cut", len(got))
	}
	for i, e := range got {
		if e.KV.Revision != int64(i+1) {
			t.Fatalf("event %d has revision %d, want %d", i, e.KV.Revision, i+1)
		}
	}
	if _, err := l.Watch(t.Context(), "", int64(len(got))); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("re-Watch from the last delivered revision: %v, want ErrCompacted", err)
	}
}

func TestByteLimit(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{MaxEvents: 100, MaxBytes: 1000})
	defer l.Close()
	big := make([]byte, 400)
	for r := int64(1); r <= 5; r++ {
		l.Append(store.Event{Type: store.EventPut, KV: store.KV{Key: "k", Value: big, Revision: r}})
	}
	// 400 bytes + overhead each: two fit in 1000 bytes.
	if got := l.Oldest(); got != 3 {
		t.Fatalf("Oldest() = %d, want 3", got)
	}
	huge := make([]byte, 5000)
	l.Append(store.Event{Type: store.EventPut, KV: store.KV{Key: "k", Value: huge, Revision: 6}})
	if got := l.Oldest(); got != 5 {
		t.Fatalf("Oldest() after an event larger than the limit = %d, want 5 (the newest event is kept)", got)
	}
}

func TestSparseRevisionsAndCompact(t *testing.T) {
	l := eventlog.New(5, eventlog.Limits{})
	defer l.Close()
	if _, err := l.Watch(t.Context(), "", 4); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(4) on a log based at 5: %v, want ErrCompacted", err)
	}
	for _, r := range []int64{10, 20, 30} {
		l.Append(ev("k", r))
	}
	l.Append(ev("k", 30)) // not newer: ignored
	l.Append(ev("k", 25)) // not newer: ignored
	ch, err := l.Watch(t.Context(), "", 15)
	if err != nil {
		t.Fatal(err)
	}
	wantRevs(t, ch, 20, 30)
	l.Compact(25)
	if _, err := l.Watch(t.Context(), "", 20); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch(20) after Compact(25): %v, want ErrCompacted", err)
	}
	ch2, err := l.Watch(t.Context(), "", 25)
	if err != nil {
		t.Fatal(err)
	}
	wantRevs(t, ch2, 30)
	l.Compact(1000) // clamps to the newest revision
	if got := l.Oldest(); got != 30 {
		t.Fatalf("Oldest() after Compact beyond the newest = %d, want 30", got)
	}
	l.Append(ev("k", 31))
	wantRevs(t, ch, 31) // caught-up watchers survive compaction
	wantRevs(t, ch2, 31)
}

func TestFutureRevisionAndPrefix(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{})
	defer l.Close()
	ch, err := l.Watch(t.Context(), "a/", 3)
	if err != nil {
		t.Fatal(err)
	}
	for r, key := range []string{"a/1", "a/2", "a/3", "b/4", "a", "a/6"} {
		l.Append(ev(key, int64(r+1)))
	}
	wantRevs(t, ch, 6)
}

func TestCloseAndCancel(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{})
	ctx, cancel := context.WithCancel(t.Context())
	cancelled, err := l.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	open, err := l.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	wantClosed(t, cancelled)
	l.Append(ev("k", 1)) // the open watcher now blocks sending
	l.Close()
	l.Close() // idempotent
	wantClosed(t, open)
	if _, err := l.Watch(t.Context(), "", 0); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Watch after Close: %v, want ErrClosed", err)
	}
	if _, err := l.Watch(ctx, "", 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch with a cancelled context: %v, want context.Canceled", err)
	}
	l.Append(ev("k", 2)) // ignored, no panic
	l.Compact(2)
}

func TestDeliveredValuesAreCopies(t *testing.T) {
	l := eventlog.New(0, eventlog.Limits{})
	defer l.Close()
	a, _ := l.Watch(t.Context(), "", 0)
	b, _ := l.Watch(t.Context(), "", 0)
	l.Append(ev("k", 1))
	ea, _ := recv(t, a)
	copy(ea.KV.Value, "XX")
	wantRevs(t, b, 1)
}
