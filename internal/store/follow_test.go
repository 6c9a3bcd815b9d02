package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
)

// The backends' conformance suites (package storetest) run Follow against
// each real store; these tests pin the backoff on a fake clock.

// failing is the memory store whose Watch answers with watch.
type failing struct {
	*memstore.Store
	mu    sync.Mutex
	calls []time.Duration // fake time of each Watch call since start
	start time.Time
	watch func(n int) (<-chan store.Event, error)
}

func (f *failing) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	f.mu.Lock()
	f.calls = append(f.calls, time.Since(f.start))
	n := len(f.calls)
	f.mu.Unlock()
	return f.watch(n)
}

func (f *failing) gaps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(f.calls); i++ {
		out = append(out, f.calls[i]-f.calls[i-1])
	}
	return out
}

// follow runs Follow on st for d of fake time, then cancels it.
func follow(t *testing.T, st store.Store, d time.Duration, opts store.FollowOptions) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- store.Follow(ctx, st, "k/", 0, func([]store.KV, int64) {}, func([]store.Event) {}, opts)
	}()
	time.Sleep(d)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow = %v, want context.Canceled", err)
	}
}

// Failed watches wait MinBackoff doubled per failure up to MaxBackoff,
// each wait jittered within its upper half.
func TestFollowBackoffDoublesToCeiling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &failing{Store: memstore.New(), start: time.Now()}
		defer f.Close()
		f.watch = func(int) (<-chan store.Event, error) { return nil, store.ErrUnavailable }
		follow(t, f, 3*time.Second, store.FollowOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond})
		gaps := f.gaps()
		if len(gaps) < 6 {
			t.Fatalf("%d retries in 3s, want at least 6", len(gaps))
		}
		for i, g := range gaps {
			step := min(100*time.Millisecond<<i, 400*time.Millisecond)
			if g < step/2 || g > step {
				t.Fatalf("wait %d = %v, want %v..%v", i+1, g, step/2, step)
			}
		}
	})
}

// A backend that closes every stream at once, without an event, is not
// hammered: each empty stream counts as a failure.
func TestFollowBacksOffOnEmptyStreams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &failing{Store: memstore.New(), start: time.Now()}
		defer f.Close()
		f.watch = func(int) (<-chan store.Event, error) {
			ch := make(chan store.Event)
			close(ch)
			return ch, nil
		}
		follow(t, f, 10*time.Second, store.FollowOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
		// 50+100+200+400+500 ms at the least before the ceiling, then at
		// least 500ms each: at most about 23 streams in 10s.
		if n := len(f.gaps()) + 1; n > 25 {
			t.Fatalf("%d watch streams in 10s, want at most 25", n)
		}
	})
}

// A stream that delivered an event resets the backoff; a compaction is
// retried at once.
func TestFollowBackoffResets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &failing{Store: memstore.New(), start: time.Now()}
		defer f.Close()
		f.watch = func(n int) (<-chan store.Event, error) {
			switch {
			case n <= 3:
				return nil, store.ErrUnavailable
			case n == 4:
				ch := make(chan store.Event, 1)
				ch <- store.Event{Type: store.EventPut, KV: store.KV{Key: "k/a", Value: []byte("1"), Revision: 1}}
				close(ch)
				return ch, nil
			case n == 5:
				return nil, store.ErrCompacted
			default:
				return nil, store.ErrUnavailable
			}
		}
		follow(t, f, 2*time.Second, store.FollowOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
		gaps := f.gaps()
		if len(gaps) < 6 {
			t.Fatalf("%d retries, want at least 6", len(gaps))
		}
		// After the stream with an event (call 4), call 5 comes at once,
		// and so does call 6 after the compaction; call 7 waits the first
		// step again.
		if gaps[3] != 0 || gaps[4] != 0 {
			t.Fatalf("waits after an event and after a compaction: %v, %v; want none", gaps[3], gaps[4])
		}
		if gaps[5] < 50*time.Millisecond || gaps[5] > 100*time.Millisecond {
			t.Fatalf("wait after the backoff reset = %v, want 50ms..100ms", gaps[5])
		}
	})
}
