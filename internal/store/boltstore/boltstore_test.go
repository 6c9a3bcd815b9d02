package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
	"github.com/stsd/stsd/internal/store/storetest"
)

func openTemp(t *testing.T, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "stsd.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t,
		func(t *testing.T) store.Store { return openTemp(t) },
		storetest.WithCompaction(func(ctx context.Context, s store.Store, rev int64) error {
			return s.(*boltstore.Store).Compact(ctx, rev)
		}),
	)
}

func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) store.Store {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "stsd.db"))
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
