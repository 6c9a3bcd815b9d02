package memstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
)

// TestSlowWatcherDoesNotBlockWriters: a watcher that never reads does not
// slow Put; once it falls behind the history its channel closes and a
// re-watch from where it stopped reports ErrCompacted.
func TestSlowWatcherDoesNotBlockWriters(t *testing.T) {
	s := memstore.New(memstore.WithHistory(16, 0))
	defer s.Close()
	ctx := t.Context()
	ch, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for range 1000 {
			if _, err := s.Put(ctx, "k", []byte("v")); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Put blocked behind a watcher that does not read")
	}
	var last int64
	for ev := range ch {
		if ev.KV.Revision != last+1 {
			t.Fatalf("event revision %d after %d: the stream skipped events instead of closing", ev.KV.Revision, last)
		}
		last = ev.KV.Revision
	}
	if last >= 1000 {
		t.Fatalf("watcher got every event; want its stream cut")
	}
	if _, err := s.Watch(ctx, "", last); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("re-Watch from %d: %v, want ErrCompacted", last, err)
	}
	kvs, rev, err := s.List(ctx, "")
	if err != nil || len(kvs) != 1 || rev != 1000 {
		t.Fatalf("List = %d keys at %d, %v", len(kvs), rev, err)
	}
	ch, err = s.Watch(ctx, "", rev)
	if err != nil {
		t.Fatalf("Watch from the listing's revision: %v", err)
	}
	if _, err := s.Put(ctx, "k", []byte("again")); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-ch:
		if ev.KV.Revision != 1001 || string(ev.KV.Value) != "again" {
			t.Fatalf("event %+v, want rev 1001 value again", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event after resync")
	}
}

func TestRevisionsAreDenseFromOne(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	ctx := t.Context()
	if _, rev, _ := s.List(ctx, ""); rev != 0 {
		t.Fatalf("new store at revision %d, want 0", rev)
	}
	for want := int64(1); want <= 3; want++ {
		if rev, err := s.Put(ctx, "k", nil); err != nil || rev != want {
			t.Fatalf("Put = %d, %v; want %d", rev, err, want)
		}
	}
	// Failed writes do not consume a revision.
	if _, err := s.CompareAndSwap(ctx, "k", 1, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale CompareAndSwap: %v", err)
	}
	if _, err := s.Delete(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete(missing): %v", err)
	}
	if _, err := s.CompareAndDelete(ctx, "k", 2); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale CompareAndDelete: %v", err)
	}
	if _, err := s.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, rev, _ := s.List(ctx, ""); rev != 4 {
		t.Fatalf("after Delete store at revision %d, want 4", rev)
	}
}

func TestErrorMessages(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	ctx := t.Context()
	rev, _ := s.Put(ctx, "k", []byte("v"))
	_, errGet := s.Get(ctx, "missing")
	_, errCAS := s.CompareAndSwap(ctx, "k", rev+5, nil)
	_, errEmpty := s.Put(ctx, "", nil)
	tests := []struct {
		err  error
		is   error
		want string
	}{
		{errGet, store.ErrNotFound, `memstore: "missing": store: key not found`},
		{errCAS, store.ErrConflict, `memstore: "k" at revision 1, expected 6: store: revision conflict`},
		{errEmpty, memstore.ErrEmptyKey, `memstore: empty key`},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.is) || tt.err.Error() != tt.want {
			t.Errorf("error %v, want %q wrapping %v", tt.err, tt.want, tt.is)
		}
	}
}
