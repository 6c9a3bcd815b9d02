package etcd_test

import (
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/etcdstore"
	"github.com/stsd/stsd/internal/store/storetest"
	"github.com/stsd/stsd/test/etcd/etcdtest"
)

// BenchmarkStore runs the shared store workloads against one local
// single-member etcd (connected directly, not through the test proxy),
// each store under its own prefix.
func BenchmarkStore(b *testing.B) {
	c := etcdtest.Start(b, 1)
	n := 0
	storetest.RunBenchmarks(b, func(b *testing.B) store.Store {
		n++
		s, err := etcdstore.Open(b.Context(), etcdstore.Config{
			Endpoints: c.DirectEndpoints(), Prefix: fmt.Sprintf("/bench/%d/", n),
		})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
