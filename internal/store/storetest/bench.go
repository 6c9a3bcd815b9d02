package storetest

import (
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// NewBenchStore returns a fresh, empty store for a benchmark; the caller of
// RunBenchmarks's constructor closes it.
type NewBenchStore func(b *testing.B) store.Store

// RunBenchmarks measures Get, Put, CompareAndSwap and List on fresh stores,
// with the same workloads for every backend so their figures compare.
func RunBenchmarks(b *testing.B, newStore NewBenchStore) {
	value := make([]byte, 512) // about one role document
	fresh := func(b *testing.B) store.Store {
		s := newStore(b)
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	fill := func(b *testing.B, s store.Store, prefixes, perPrefix int) {
		for p := range prefixes {
			for k := range perPrefix {
				if _, err := s.Put(b.Context(), fmt.Sprintf("accounts/%04d/roles/r%04d", p, k), value); err != nil {
					b.Fatal(err)
				}
			}
		}
	}

	b.Run("Get", func(b *testing.B) {
		s := fresh(b)
		fill(b, s, 10, 100)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Get(b.Context(), "accounts/0005/roles/r0050"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetParallel", func(b *testing.B) {
		s := fresh(b)
		fill(b, s, 10, 100)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Get(b.Context(), "accounts/0005/roles/r0050"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Put", func(b *testing.B) {
		s := fresh(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := s.Put(b.Context(), fmt.Sprintf("k/%d", i%1000), value); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CompareAndSwap", func(b *testing.B) {
		s := fresh(b)
		rev, err := s.Put(b.Context(), "counter", value)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if rev, err = s.CompareAndSwap(b.Context(), "counter", rev, value); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct{ prefixes, perPrefix int }{{100, 100}, {1, 1000}} {
		b.Run(fmt.Sprintf("List%dOf%d", tc.perPrefix, tc.prefixes*tc.perPrefix), func(b *testing.B) {
			s := fresh(b)
			fill(b, s, tc.prefixes, tc.perPrefix)
			b.ReportAllocs()
			for b.Loop() {
				kvs, _, err := s.List(b.Context(), "accounts/0000/")
				if err != nil || len(kvs) != tc.perPrefix {
					b.Fatalf("List = %d keys, %v", len(kvs), err)
				}
			}
		})
	}
}
