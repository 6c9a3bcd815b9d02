package memstore_test

import (
	"context"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t,
		func(*testing.T) store.Store { return memstore.New() },
		storetest.WithCompaction(func(ctx context.Context, s store.Store, rev int64) error {
			return s.(*memstore.Store).Compact(ctx, rev)
		}),
	)
}

func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(*testing.B) store.Store { return memstore.New() })
}
