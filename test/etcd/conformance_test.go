package etcd_test

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/internal/store/storetest"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// openStore opens a store on cluster c under prefix, closed when the test ends.
func openStore(t testing.TB, c *etcdtest.Cluster, prefix string, requestTimeout time.Duration) *etcdstore.Store {
	t.Helper()
	s, err := etcdstore.Open(t.Context(), etcdstore.Config{
		Endpoints:      c.Endpoints(),
		Prefix:         prefix,
		DialTimeout:    5 * time.Second,
		RequestTimeout: requestTimeout,
	})
	if err != nil {
		t.Fatalf("etcdstore.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConformance runs the store suite on one single-member etcd, each
// subtest under its own key prefix; the compaction subtest compacts the
// whole cluster before the others start.
func TestConformance(t *testing.T) {
	t.Parallel()
	c := etcdtest.Start(t, 1)
	storetest.Run(t,
		func(t *testing.T) store.Store { return openStore(t, c, "/conformance/"+t.Name()+"/", 5*time.Second) },
		storetest.WithCompaction(func(ctx context.Context, s store.Store, rev int64) error {
			return s.(*etcdstore.Store).Compact(ctx, rev)
		}),
	)
}
