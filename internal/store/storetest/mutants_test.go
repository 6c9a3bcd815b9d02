package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/store/storetest"
)

// Each mutant is the memory store with one deliberate bug; the suite must
// fail on it, in the named subtest.
type mutant struct {
	*memstore.Store
	bug string
}

func (m mutant) List(ctx context.Context, prefix string) ([]store.KV, int64, error) {
	if m.bug == "loose-prefix" {
		prefix = strings.TrimSuffix(prefix, "/")
	}
	kvs, rev, err := m.Store.List(ctx, prefix)
	if m.bug == "unsorted-list" {
		slices.Reverse(kvs)
	}
	return kvs, rev, err
}

func (m mutant) CompareAndSwap(ctx context.Context, key string, expected int64, value []byte) (int64, error) {
	switch m.bug {
	case "cas-ignores-revision":
		return m.Store.Put(ctx, key, value)
	case "cas-not-atomic":
		var cur int64
		if kv, err := m.Store.Get(ctx, key); err == nil {
			cur = kv.Revision
		}
		if cur != expected {
			return 0, store.ErrConflict
		}
		runtime.Gosched()
		return m.Store.Put(ctx, key, value)
	}
	return m.Store.CompareAndSwap(ctx, key, expected, value)
}

func (m mutant) Delete(ctx context.Context, key string) (int64, error) {
	rev, err := m.Store.Delete(ctx, key)
	switch {
	case m.bug == "delete-missing-ok" && errors.Is(err, store.ErrNotFound):
		return 0, nil
	case m.bug == "delete-revision-stale" && err == nil:
		return rev - 1, nil
	}
	return rev, err
}

func (m mutant) Watch(ctx context.Context, prefix string, after int64) (<-chan store.Event, error) {
	switch m.bug {
	case "watch-ignores-ctx":
		ctx = context.Background()
	case "watch-off-by-one":
		after++
	case "watch-drops-deletes":
		in, err := m.Store.Watch(ctx, prefix, after)
		if err != nil {
			return nil, err
		}
		out := make(chan store.Event)
		go func() {
			defer close(out)
			for ev := range in {
				if ev.Type != store.EventDelete {
					out <- ev
				}
			}
		}()
		return out, nil
	}
	return m.Store.Watch(ctx, prefix, after)
}

func (m mutant) Compact(ctx context.Context, rev int64) error {
	if m.bug == "compact-noop" {
		return nil
	}
	return m.Store.Compact(ctx, rev)
}

func (m mutant) Close() error {
	err := m.Store.Close()
	if m.bug == "close-twice-ok" && errors.Is(err, store.ErrClosed) {
		return nil
	}
	return err
}

const mutantEnv = "STORETEST_MUTANT"

// TestMutantHelper runs the suite against one mutant when the parent test
// asks for it; otherwise it does nothing.
func TestMutantHelper(t *testing.T) {
	bug := os.Getenv(mutantEnv)
	if bug == "" {
		t.Skip("run by TestSuiteCatchesMutants")
	}
	storetest.Run(t, func(*testing.T) store.Store { return mutant{memstore.New(), bug} },
		storetest.WithCompaction(func(ctx context.Context, s store.Store, rev int64) error {
			return s.(mutant).Compact(ctx, rev)
		}),
		storetest.WithEventTimeout(time.Second))
}

func TestSuiteCatchesMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns the test binary")
	}
	tests := []struct{ bug, failingSubtest string }{
		{"unsorted-list", "ListEmptyPrefix"},
		{"loose-prefix", "ListPrefixBoundaries"},
		{"cas-ignores-revision", "CASCreateIfAbsent"},
		{"cas-not-atomic", "ConcurrentCASCounter"},
		{"delete-missing-ok", "DeleteMissing"},
		{"delete-revision-stale", "WatchDeleteAtItsRevision"},
		{"watch-ignores-ctx", "WatchCancelClosesChannel"},
		{"watch-off-by-one", "WatchReplay"},
		{"watch-drops-deletes", "WatchLive"},
		{"close-twice-ok", "ClosedStoreReturnsErrClosed"},
		{"compact-noop", "WatchCompacted"},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestMutantHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), mutantEnv+"="+tt.bug)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("suite passed on mutant %s (err %v); output:\n%s", tt.bug, err, out)
			}
			if want := "--- FAIL: TestMutantHelper/" + tt.failingSubtest + " "; !strings.Contains(string(out), want) {
				t.Fatalf("mutant %s: output lacks %q:\n%s", tt.bug, want, out)
			}
		})
	}
}
