package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

var lifecycleTests = []subtest{
	{name: "CancelledContextWritesNothing", run: testCancelledContext},
	{name: "CloseEndsWatches", run: testCloseEndsWatches},
	{name: "ClosedStoreReturnsErrClosed", run: testClosed},
}

func testCancelledContext(t *testing.T, _ *suite, s store.Store) {
	r := mustPut(t, s, "k", "v")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]error{}
	_, calls["Get"] = s.Get(ctx, "k")
	_, calls["Put"] = s.Put(ctx, "k", []byte("x"))
	_, calls["CompareAndSwap"] = s.CompareAndSwap(ctx, "k", r, []byte("x"))
	_, calls["Delete"] = s.Delete(ctx, "k")
	_, calls["CompareAndDelete"] = s.CompareAndDelete(ctx, "k", r)
	_, _, calls["List"] = s.List(ctx, "")
	for name, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error %v, want context.Canceled", name, err)
		}
	}
	wantKV(t, mustGet(t, s, "k"), "k", "v", r)
}

func testCloseEndsWatches(t *testing.T, su *suite, s store.Store) {
	chs := []<-chan store.Event{
		mustWatch(t, t.Context(), s, "", storeRevision(t, s)),
		mustWatch(t, t.Context(), s, "a/", storeRevision(t, s)),
	}
	mustPut(t, s, "x", "unread") // the first watcher has an undelivered event
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, ch := range chs {
		su.closed(t, ch)
	}
}

func testClosed(t *testing.T, _ *suite, s store.Store) {
	r := mustPut(t, s, "k", "v")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := t.Context()
	calls := map[string]error{}
	_, calls["Get"] = s.Get(ctx, "k")
	_, calls["Put"] = s.Put(ctx, "k", []byte("x"))
	_, calls["CompareAndSwap"] = s.CompareAndSwap(ctx, "k", r, []byte("x"))
	_, calls["Delete"] = s.Delete(ctx, "k")
	_, calls["CompareAndDelete"] = s.CompareAndDelete(ctx, "k", r)
	_, _, calls["List"] = s.List(ctx, "")
	_, calls["Watch"] = s.Watch(ctx, "", r)
	calls["second Close"] = s.Close()
	for name, err := range calls {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: error %v, want store.ErrClosed", name, err)
		}
	}
}
