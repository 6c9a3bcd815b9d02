// Package storetest is the conformance suite every store.Store backend
// passes. A backend's tests call Run with a constructor for fresh, empty
// stores; the suite pins down the semantics documented in package store.
//
// The suite assumes only what package store promises: revisions are
// positive and increase with every write, but they need not start at 1 for a
// fresh store nor be dense, and a listing's revision may be newer than any
// key it returns. So a backend that shares one server between subtests
// (etcd with a key prefix per subtest) can run it unchanged.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// NewStore returns a fresh, empty store. Run closes it when the subtest
// ends; the constructor may register further cleanups with t.Cleanup.
type NewStore func(t *testing.T) store.Store

// Compactor makes s forget its event history up to and including revision
// rev, as if the backend had compacted it: afterwards a Watch from a
// revision < rev must return store.ErrCompacted and a Watch from rev must
// succeed. The suite only passes a rev older than the store's newest write.
// (etcd: compact at rev+1, since etcd keeps revision rev+1 onwards.)
type Compactor func(ctx context.Context, s store.Store, rev int64) error

// Option adjusts the suite.
type Option func(*suite)

// WithCompaction enables the compaction subtests.
func WithCompaction(compact Compactor) Option {
	return func(s *suite) { s.compact = compact }
}

// WithEventTimeout sets how long the suite waits for an expected watch
// event or channel close (default 5s).
func WithEventTimeout(d time.Duration) Option {
	return func(s *suite) { s.timeout = d }
}

type suite struct {
	newStore NewStore
	compact  Compactor
	timeout  time.Duration
}

type subtest struct {
	name string
	run  func(t *testing.T, su *suite, s store.Store)
	// alone: the subtest affects the whole backend (compaction), so it runs
	// before the parallel subtests start.
	alone bool
}

// Run runs every conformance subtest on its own store: the compaction
// subtests first and alone (an etcd compaction is server-wide), then all
// others in parallel. The suite also runs store.Follow on the backend.
func Run(t *testing.T, newStore NewStore, opts ...Option) {
	t.Helper()
	su := &suite{newStore: newStore, timeout: 5 * time.Second}
	for _, o := range opts {
		o(su)
	}
	all := []subtest{
		{name: "WatchCompacted", run: testWatchCompacted, alone: true},
		{name: "FollowResyncAfterCompaction", run: testFollowResyncAfterCompaction, alone: true},
	}
	all = append(all, crudTests...)
	all = append(all, casTests...)
	all = append(all, watchTests...)
	all = append(all, lifecycleTests...)
	all = append(all, followTests...)
	for _, st := range all {
		t.Run(st.name, func(t *testing.T) {
			if !st.alone {
				t.Parallel()
			}
			s := su.newStore(t)
			t.Cleanup(func() { _ = s.Close() })
			st.run(t, su, s)
		})
	}
}
