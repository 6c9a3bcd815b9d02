package storetest

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

func mustPut(t *testing.T, s store.Store, key, value string) int64 {
	t.Helper()
	rev, err := s.Put(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	if rev <= 0 {
		t.Fatalf("Put(%q) returned revision %d, want > 0", key, rev)
	}
	return rev
}

func mustGet(t *testing.T, s store.Store, key string) store.KV {
	t.Helper()
	kv, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return kv
}

func mustList(t *testing.T, s store.Store, prefix string) ([]store.KV, int64) {
	t.Helper()
	kvs, rev, err := s.List(t.Context(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return kvs, rev
}

func storeRevision(t *testing.T, s store.Store) int64 {
	t.Helper()
	_, rev := mustList(t, s, "")
	return rev
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

func wantKV(t *testing.T, got store.KV, key, value string, rev int64) {
	t.Helper()
	if got.Key != key || !bytes.Equal(got.Value, []byte(value)) || got.Revision != rev {
		t.Fatalf("got {%q %q rev %d}, want {%q %q rev %d}", got.Key, got.Value, got.Revision, key, value, rev)
	}
}

func mustWatch(t *testing.T, ctx context.Context, s store.Store, prefix string, after int64) <-chan store.Event {
	t.Helper()
	ch, err := s.Watch(ctx, prefix, after)
	if err != nil {
		t.Fatalf("Watch(%q, %d): %v", prefix, after, err)
	}
	return ch
}

// next waits for one event.
func (su *suite) next(t *testing.T, ch <-chan store.Event) store.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed, want an event")
		}
		return ev
	case <-time.After(su.timeout):
		t.Fatalf("no watch event within %v", su.timeout)
	}
	return store.Event{}
}

// expect waits for exactly the events want, in order, and returns them. A
// wanted revision of 0 (for deletes, whose revision the caller cannot know)
// accepts any revision newer than the previous event's; every event's
// revision must be newer than the previous one.
func (su *suite) expect(t *testing.T, ch <-chan store.Event, want ...store.Event) []store.Event {
	t.Helper()
	var got []store.Event
	prev := int64(0)
	for i, w := range want {
		ev := su.next(t, ch)
		got = append(got, ev)
		if ev.KV.Revision <= prev {
			t.Fatalf("event %d: %s, revision not after the previous event's %d", i, describe(ev), prev)
		}
		prev = ev.KV.Revision
		if w.KV.Revision == 0 {
			w.KV.Revision = ev.KV.Revision
		}
		if ev.Type != w.Type || ev.KV.Key != w.KV.Key || !bytes.Equal(ev.KV.Value, w.KV.Value) ||
			ev.KV.Revision != w.KV.Revision {
			t.Fatalf("event %d: got %s, want %s", i, describe(ev), describe(w))
		}
		if w.Type == store.EventDelete && ev.KV.Value != nil {
			t.Fatalf("event %d: delete event carries value %q, want nil", i, ev.KV.Value)
		}
	}
	return got
}

// quiet asserts that no event arrives for a short while.
func (su *suite) quiet(t *testing.T, ch <-chan store.Event) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("unexpected event %s", describe(ev))
		}
		t.Fatal("watch channel closed unexpectedly")
	case <-time.After(50 * time.Millisecond):
	}
}

// closed waits for the channel to be closed, discarding events before it.
func (su *suite) closed(t *testing.T, ch <-chan store.Event) {
	t.Helper()
	deadline := time.After(su.timeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("watch channel not closed within %v", su.timeout)
		}
	}
}

func put(key, value string, rev int64) store.Event {
	return store.Event{Type: store.EventPut, KV: store.KV{Key: key, Value: []byte(value), Revision: rev}}
}

func del(key string, rev int64) store.Event {
	return store.Event{Type: store.EventDelete, KV: store.KV{Key: key, Revision: rev}}
}

func describe(ev store.Event) string {
	kind := map[store.EventType]string{store.EventPut: "put", store.EventDelete: "delete"}[ev.Type]
	if kind == "" {
		kind = "unknown"
	}
	return kind + " " + quote(ev.KV.Key) + "=" + quote(string(ev.KV.Value)) + " rev " + itoa(ev.KV.Revision)
}

func quote(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + "..."
	}
	return strconv.Quote(s)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// errOf is the error of a write that also returns a revision.
func errOf(_ int64, err error) error { return err }
