package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

var casTests = []subtest{
	{name: "CASCreateIfAbsent", run: testCASCreateIfAbsent},
	{name: "CASMatch", run: testCASMatch},
	{name: "CASConflictWritesNothing", run: testCASConflictWritesNothing},
	{name: "CASMissingKeyNonzeroExpected", run: testCASMissingNonzero},
	{name: "CompareAndDelete", run: testCompareAndDelete},
	{name: "ConcurrentCASCounter", run: testConcurrentCASCounter},
	{name: "ConcurrentPutsDistinctRevisions", run: testConcurrentPuts},
}

func testCASCreateIfAbsent(t *testing.T, _ *suite, s store.Store) {
	ctx := t.Context()
	rev, err := s.CompareAndSwap(ctx, "k", 0, []byte("first"))
	if err != nil || rev <= 0 {
		t.Fatalf("CompareAndSwap(k, 0) on a missing key = %d, %v; want a revision, nil", rev, err)
	}
	_, err = s.CompareAndSwap(ctx, "k", 0, []byte("second"))
	wantErr(t, "CompareAndSwap(k, 0) on an existing key", err, store.ErrConflict)
	wantKV(t, mustGet(t, s, "k"), "k", "first", rev)
}

func testCASMatch(t *testing.T, _ *suite, s store.Store) {
	r1 := mustPut(t, s, "k", "v1")
	r2, err := s.CompareAndSwap(t.Context(), "k", r1, []byte("v2"))
	if err != nil {
		t.Fatalf("CompareAndSwap(k, %d): %v", r1, err)
	}
	if r2 <= r1 {
		t.Fatalf("CompareAndSwap revision %d, want > %d", r2, r1)
	}
	wantKV(t, mustGet(t, s, "k"), "k", "v2", r2)
}

func testCASConflictWritesNothing(t *testing.T, su *suite, s store.Store) {
	ctx := t.Context()
	r1 := mustPut(t, s, "k", "v1")
	r2 := mustPut(t, s, "k", "v2")
	before := storeRevision(t, s)
	watch := mustWatch(t, ctx, s, "", before)
	for _, expected := range []int64{r1, r2 + 1000, -1} {
		_, err := s.CompareAndSwap(ctx, "k", expected, []byte("stale"))
		wantErr(t, "CompareAndSwap(k, "+itoa(expected)+")", err, store.ErrConflict)
	}
	wantKV(t, mustGet(t, s, "k"), "k", "v2", r2)
	marker := mustPut(t, s, "marker", "m")
	su.expect(t, watch, put("marker", "m", marker)) // no event for the failed swaps
}

func testCASMissingNonzero(t *testing.T, _ *suite, s store.Store) {
	r := mustPut(t, s, "other", "v")
	_, err := s.CompareAndSwap(t.Context(), "k", r, []byte("v"))
	wantErr(t, "CompareAndSwap(missing, nonzero)", err, store.ErrConflict)
	_, err = s.Get(t.Context(), "k")
	wantErr(t, "Get after failed CompareAndSwap", err, store.ErrNotFound)
}

func testCompareAndDelete(t *testing.T, _ *suite, s store.Store) {
	ctx := t.Context()
	wantErr(t, "CompareAndDelete(missing)", errOf(s.CompareAndDelete(ctx, "k", 1)), store.ErrNotFound)
	wantErr(t, "CompareAndDelete(missing, 0)", errOf(s.CompareAndDelete(ctx, "k", 0)), store.ErrNotFound)
	r1 := mustPut(t, s, "k", "v1")
	r2 := mustPut(t, s, "k", "v2")
	for _, expected := range []int64{r1, 0, r2 + 1000} {
		_, err := s.CompareAndDelete(ctx, "k", expected)
		wantErr(t, "CompareAndDelete(k, "+itoa(expected)+")", err, store.ErrConflict)
	}
	wantKV(t, mustGet(t, s, "k"), "k", "v2", r2)
	if _, err := s.CompareAndDelete(ctx, "k", r2); err != nil {
		t.Fatalf("CompareAndDelete(k, %d): %v", r2, err)
	}
	_, err := s.Get(ctx, "k")
	wantErr(t, "Get after CompareAndDelete", err, store.ErrNotFound)
	wantErr(t, "second CompareAndDelete", errOf(s.CompareAndDelete(ctx, "k", r2)), store.ErrNotFound)
}

// testConcurrentCASCounter increments one counter from many goroutines with
// read-modify-CAS loops: no update may be lost.
func testConcurrentCASCounter(t *testing.T, _ *suite, s store.Store) {
	const workers, perWorker = 8, 20
	mustPut(t, s, "counter", "0")
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	revs := make(chan int64, workers*perWorker)
	for range workers {
		wg.Go(func() {
			for range perWorker {
				for {
					kv, err := s.Get(ctx, "counter")
					if err != nil {
						errs <- err
						return
					}
					n, err := strconv.Atoi(string(kv.Value))
					if err != nil {
						errs <- err
						return
					}
					rev, err := s.CompareAndSwap(ctx, "counter", kv.Revision, []byte(strconv.Itoa(n+1)))
					if errors.Is(err, store.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					revs <- rev
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	close(revs)
	for err := range errs {
		t.Fatalf("worker: %v", err)
	}
	if got := string(mustGet(t, s, "counter").Value); got != strconv.Itoa(workers*perWorker) {
		t.Fatalf("counter = %s, want %d (lost updates)", got, workers*perWorker)
	}
	seen := map[int64]bool{}
	for r := range revs {
		if seen[r] {
			t.Fatalf("two successful swaps returned revision %d", r)
		}
		seen[r] = true
	}
}

func testConcurrentPuts(t *testing.T, _ *suite, s store.Store) {
	const workers, perWorker = 8, 20
	ctx := t.Context()
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				key := "w" + itoa(int64(w)) + "/" + itoa(int64(i))
				rev, err := s.Put(ctx, key, []byte(key))
				if err != nil {
					t.Errorf("Put(%s): %v", key, err)
					return
				}
				mu.Lock()
				if other, dup := seen[rev]; dup {
					t.Errorf("Put(%s) and Put(%s) both got revision %d", key, other, rev)
				}
				seen[rev] = key
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	kvs, _ := mustList(t, s, "w")
	if len(kvs) != workers*perWorker {
		t.Fatalf("List(w) = %d keys, want %d", len(kvs), workers*perWorker)
	}
	for _, kv := range kvs {
		if seen[kv.Revision] != kv.Key {
			t.Fatalf("key %s has revision %d, which Put returned for %q", kv.Key, kv.Revision, seen[kv.Revision])
		}
	}
}
