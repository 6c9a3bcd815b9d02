package storetest

import (
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// NewBenchStore returns a fresh, empty store for a benchmark; the caller of
// RunBenchmarks's constructor closes it.
type NewBenchStore func(b *testing.B) store.Store

// RunBenchmarks measures Get, List, Put and CompareAndSwap on fresh stores,
// with the same workloads for every backend so their figures compare.
func RunBenchmarks(b *testing.B, newStore NewBenchStore) {
	value := make([]byte, 512) // about one role document
	fresh := func(b *testing.B) store.Store {
		s := newStore(b)
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	// One store holds 5,000 keys: 40 accounts of 100 roles and one of 1,000.
	read := fresh(b)
	for p := range 41 {
		n := 100
		if p == 40 {
			n = 1000
		}
		for k := range n {
			if _, err := read.Put(b.Context(), fmt.Sprintf("accounts/%04d/roles/r%04d", p, k), value); err != nil {
				b.Fatal(err)
			}
		}
	}

	b.Run("Get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := read.Get(b.Context(), "accounts/0005/roles/r0050"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetParallel", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := read.Get(b.Context(), "accounts/0005/roles/r0050"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	for _, tc := range []struct {
		prefix string
		want   int
	}{{"accounts/0000/", 100}, {"accounts/0040/", 1000}} {
		b.Run(fmt.Sprintf("List%dOf5000", tc.want), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				kvs, _, err := read.List(b.Context(), tc.prefix)
				if err != nil || len(kvs) != tc.want {
					b.Fatalf("List = %d keys, %v", len(kvs), err)
				}
			}
		})
	}
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
}
