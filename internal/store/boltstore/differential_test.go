package boltstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
)

// diffKeys overlap as prefixes of one another, to exercise List boundaries.
var diffKeys = []string{"a", "a/b", "a/c", "ab", "b", "a/b/c", "\x00", "\xff"}

var diffPrefixes = []string{"", "a", "a/", "a/b", "b", "c", "\xff"}

const maxDiffOps = 200

// runDiff applies the operations encoded in program (3 bytes each) to a
// memory store and a bbolt store and fails on the first difference in
// results, listings, or the watch streams.
func runDiff(t *testing.T, program []byte) {
	ctx := t.Context()
	mem := memstore.New()
	defer mem.Close()
	bolt := openTemp(t)
	defer bolt.Close()
	stores := []store.Store{mem, bolt}
	for i := 0; i+3 <= len(program) && i/3 < maxDiffOps; i += 3 {
		op, key, arg := program[i]%8, diffKeys[int(program[i+1])%len(diffKeys)], program[i+2]
		value := []byte{arg, byte(i)}
		var results [2]string
		for j, s := range stores {
			var cur int64
			if kv, err := s.Get(ctx, key); err == nil {
				cur = kv.Revision
			}
			expected := int64(arg % 4) // 0..3: absent or early revisions
			switch op {
			case 0:
				rev, err := s.Put(ctx, key, value)
				results[j] = outcome(rev, err)
			case 1:
				rev, err := s.CompareAndSwap(ctx, key, cur, value)
				results[j] = outcome(rev, err)
			case 2:
				rev, err := s.CompareAndSwap(ctx, key, expected, value)
				results[j] = outcome(rev, err)
			case 3:
				rev, err := s.Delete(ctx, key)
				results[j] = outcome(rev, err)
			case 4:
				rev, err := s.CompareAndDelete(ctx, key, cur)
				results[j] = outcome(rev, err)
			case 5:
				rev, err := s.CompareAndDelete(ctx, key, expected)
				results[j] = outcome(rev, err)
			case 6:
				kv, err := s.Get(ctx, key)
				results[j] = outcome(kv.Revision, err) + fmt.Sprintf(" %q", kv.Value)
			case 7:
				kvs, rev, err := s.List(ctx, diffPrefixes[int(arg)%len(diffPrefixes)])
				results[j] = outcome(rev, err) + fmt.Sprintf(" %+v", kvs)
			}
		}
		if results[0] != results[1] {
			t.Fatalf("op %d (%d on %q): memstore %s, boltstore %s", i/3, op, key, results[0], results[1])
		}
	}
	memAll, memRev, _ := mem.List(ctx, "")
	boltAll, boltRev, _ := bolt.List(ctx, "")
	if memRev != boltRev || !slices.EqualFunc(memAll, boltAll, equalKV) {
		t.Fatalf("final state: memstore %+v at %d, boltstore %+v at %d", memAll, memRev, boltAll, boltRev)
	}
	memEvents, boltEvents := drain(t, mem, memRev), drain(t, bolt, boltRev)
	if !slices.EqualFunc(memEvents, boltEvents, func(a, b store.Event) bool { return a.Type == b.Type && equalKV(a.KV, b.KV) }) {
		t.Fatalf("watch streams differ:\nmemstore  %v\nboltstore %v", memEvents, boltEvents)
	}
}

func equalKV(a, b store.KV) bool {
	return a.Key == b.Key && a.Revision == b.Revision && bytes.Equal(a.Value, b.Value)
}

func outcome(rev int64, err error) string {
	switch {
	case err == nil:
		return fmt.Sprintf("ok rev %d", rev)
	case errors.Is(err, store.ErrNotFound):
		return "not found"
	case errors.Is(err, store.ErrConflict):
		return "conflict"
	default:
		return "error " + err.Error()
	}
}

// drain returns every event from revision 0 up to last.
func drain(t *testing.T, s store.Store, last int64) []store.Event {
	t.Helper()
	var out []store.Event
	if last == 0 {
		return nil
	}
	ch, err := s.Watch(t.Context(), "", 0)
	if err != nil {
		t.Fatalf("Watch(0): %v", err)
	}
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("watch closed early")
			}
			out = append(out, ev)
			if ev.KV.Revision >= last {
				return out
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("watch stalled at %d events, want up to revision %d", len(out), last)
		}
	}
}

func TestRandomOperationsMatchMemstore(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(seed, 7))
			program := make([]byte, 3*maxDiffOps)
			for i := range program {
				program[i] = byte(r.Uint32())
			}
			runDiff(t, program)
		})
	}
}

func FuzzMatchesMemstore(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 1, 3, 0, 0, 7, 0, 0})
	f.Add([]byte{2, 1, 0, 2, 1, 0, 5, 1, 1, 4, 1, 0, 6, 1, 0})
	f.Add(bytes.Repeat([]byte{0, 3, 9, 1, 3, 9, 7, 2, 2}, 10))
	f.Fuzz(func(t *testing.T, program []byte) {
		runDiff(t, program)
	})
}
