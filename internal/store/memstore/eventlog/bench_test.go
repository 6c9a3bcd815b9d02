package eventlog_test

import (
	"fmt"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore/eventlog"
)

// BenchmarkAppend measures a writer's cost per event with watchers that
// read everything, and with watchers that never read: it must not grow
// with slow watchers.
func BenchmarkAppend(b *testing.B) {
	for _, tc := range []struct {
		watchers int
		reading  bool
	}{{0, false}, {10, true}, {10, false}} {
		b.Run(fmt.Sprintf("watchers=%d/reading=%v", tc.watchers, tc.reading), func(b *testing.B) {
			l := eventlog.New(0, eventlog.Limits{})
			defer l.Close()
			for range tc.watchers {
				ch, err := l.Watch(b.Context(), "", 0)
				if err != nil {
					b.Fatal(err)
				}
				if tc.reading {
					go func() {
						for range ch {
						}
					}()
				}
			}
			value := make([]byte, 512)
			b.ReportAllocs()
			rev := int64(0)
			for b.Loop() {
				rev++
				l.Append(store.Event{Type: store.EventPut, KV: store.KV{Key: "k", Value: value, Revision: rev}})
			}
		})
	}
}
