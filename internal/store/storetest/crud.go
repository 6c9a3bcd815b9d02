package storetest

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

var crudTests = []subtest{
	{name: "GetMissing", run: testGetMissing},
	{name: "PutGet", run: testPutGet},
	{name: "PutOverwrite", run: testPutOverwrite},
	{name: "EmptyValue", run: testEmptyValue},
	{name: "ValuesAreCopied", run: testValuesAreCopied},
	{name: "EmptyKeyRejected", run: testEmptyKeyRejected},
	{name: "Delete", run: testDelete},
	{name: "DeleteMissing", run: testDeleteMissing},
	{name: "RecreateAfterDelete", run: testRecreateAfterDelete},
	{name: "ListPrefixBoundaries", run: testListPrefixBoundaries},
	{name: "ListEmptyPrefix", run: testListEmptyPrefix},
	{name: "ListNoMatch", run: testListNoMatch},
	{name: "ListRevision", run: testListRevision},
	{name: "RevisionsIncrease", run: testRevisionsIncrease},
	{name: "UnusualKeys", run: testUnusualKeys},
	{name: "LargeValue", run: testLargeValue},
}

func testGetMissing(t *testing.T, _ *suite, s store.Store) {
	_, err := s.Get(t.Context(), "missing")
	wantErr(t, "Get(missing)", err, store.ErrNotFound)
	mustPut(t, s, "missing/child", "x")
	_, err = s.Get(t.Context(), "missing")
	wantErr(t, "Get(missing) with a child key present", err, store.ErrNotFound)
}

func testPutGet(t *testing.T, _ *suite, s store.Store) {
	rev := mustPut(t, s, "accounts/1/roles/app", "v1")
	wantKV(t, mustGet(t, s, "accounts/1/roles/app"), "accounts/1/roles/app", "v1", rev)
}

func testPutOverwrite(t *testing.T, _ *suite, s store.Store) {
	r1 := mustPut(t, s, "k", "one")
	r2 := mustPut(t, s, "k", "two")
	if r2 <= r1 {
		t.Fatalf("second Put revision %d, want > %d", r2, r1)
	}
	wantKV(t, mustGet(t, s, "k"), "k", "two", r2)
}

func testEmptyValue(t *testing.T, _ *suite, s store.Store) {
	for _, v := range [][]byte{nil, {}} {
		rev, err := s.Put(t.Context(), "empty", v)
		if err != nil {
			t.Fatalf("Put(empty, %#v): %v", v, err)
		}
		kv := mustGet(t, s, "empty")
		if len(kv.Value) != 0 || kv.Revision != rev {
			t.Fatalf("Get(empty) = %q rev %d, want empty value rev %d", kv.Value, kv.Revision, rev)
		}
	}
}

func testValuesAreCopied(t *testing.T, _ *suite, s store.Store) {
	v := []byte("original")
	mustPutBytes(t, s, "k", v)
	copy(v, "MUTATED!")
	got := mustGet(t, s, "k")
	if string(got.Value) != "original" {
		t.Fatalf("Get after caller mutated its slice = %q, want %q", got.Value, "original")
	}
	copy(got.Value, "MUTATED!")
	if again := mustGet(t, s, "k"); string(again.Value) != "original" {
		t.Fatalf("Get after mutating a returned value = %q, want %q", again.Value, "original")
	}
	kvs, _ := mustList(t, s, "")
	copy(kvs[0].Value, "MUTATED!")
	if again := mustGet(t, s, "k"); string(again.Value) != "original" {
		t.Fatalf("Get after mutating a listed value = %q, want %q", again.Value, "original")
	}
}

func mustPutBytes(t *testing.T, s store.Store, key string, v []byte) int64 {
	t.Helper()
	rev, err := s.Put(t.Context(), key, v)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return rev
}

func testEmptyKeyRejected(t *testing.T, _ *suite, s store.Store) {
	ctx := t.Context()
	if _, err := s.Put(ctx, "", []byte("v")); err == nil {
		t.Fatal(`Put("") succeeded, want an error`)
	}
	if _, err := s.CompareAndSwap(ctx, "", 0, []byte("v")); err == nil {
		t.Fatal(`CompareAndSwap("") succeeded, want an error`)
	}
	if kvs, _ := mustList(t, s, ""); len(kvs) != 0 {
		t.Fatalf("List after rejected writes = %d keys, want 0", len(kvs))
	}
}

func testDelete(t *testing.T, _ *suite, s store.Store) {
	mustPut(t, s, "a", "1")
	mustPut(t, s, "b", "2")
	if _, err := s.Delete(t.Context(), "a"); err != nil {
		t.Fatalf("Delete(a): %v", err)
	}
	_, err := s.Get(t.Context(), "a")
	wantErr(t, "Get after Delete", err, store.ErrNotFound)
	if kvs, _ := mustList(t, s, ""); len(kvs) != 1 || kvs[0].Key != "b" {
		t.Fatalf("List after Delete = %v, want only b", keys(kvs))
	}
}

func testDeleteMissing(t *testing.T, su *suite, s store.Store) {
	mustPut(t, s, "present", "v")
	watch := mustWatch(t, t.Context(), s, "", storeRevision(t, s))
	wantErr(t, "Delete(missing)", errOf(s.Delete(t.Context(), "missing")), store.ErrNotFound)
	wantErr(t, "Delete(pres) (a prefix of a key)", errOf(s.Delete(t.Context(), "pres")), store.ErrNotFound)
	mustGet(t, s, "present")
	marker := mustPut(t, s, "marker", "m")
	su.expect(t, watch, put("marker", "m", marker)) // no event for the failed deletes
}

func testRecreateAfterDelete(t *testing.T, _ *suite, s store.Store) {
	r1 := mustPut(t, s, "k", "1")
	if _, err := s.Delete(t.Context(), "k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	afterDelete := storeRevision(t, s)
	if afterDelete <= r1 {
		t.Fatalf("store revision after Delete %d, want > %d", afterDelete, r1)
	}
	r2, err := s.CompareAndSwap(t.Context(), "k", 0, []byte("2"))
	if err != nil {
		t.Fatalf("CompareAndSwap(k, 0) after Delete: %v", err)
	}
	if r2 <= afterDelete {
		t.Fatalf("recreated revision %d, want > %d", r2, afterDelete)
	}
	wantKV(t, mustGet(t, s, "k"), "k", "2", r2)
}

func testListPrefixBoundaries(t *testing.T, _ *suite, s store.Store) {
	all := []string{"a", "a/", "a/b", "a/b/c", "a/c", "a0", "ab", "a.", "b/a", "A/b"}
	revs := map[string]int64{}
	for _, i := range rand.Perm(len(all)) {
		revs[all[i]] = mustPut(t, s, all[i], "v-"+all[i])
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"a/", []string{"a/", "a/b", "a/b/c", "a/c"}},
		{"a/b", []string{"a/b", "a/b/c"}},
		{"a/b/", []string{"a/b/c"}},
		{"a", []string{"a", "a.", "a/", "a/b", "a/b/c", "a/c", "a0", "ab"}},
		{"b", []string{"b/a"}},
		{"A", []string{"A/b"}},
		{"a/c", []string{"a/c"}},
		{"a/cc", nil},
	}
	for _, tt := range tests {
		kvs, _ := mustList(t, s, tt.prefix)
		if got := keys(kvs); !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
		for _, kv := range kvs {
			if string(kv.Value) != "v-"+kv.Key || kv.Revision != revs[kv.Key] {
				t.Errorf("List(%q): %q = %q rev %d, want %q rev %d",
					tt.prefix, kv.Key, kv.Value, kv.Revision, "v-"+kv.Key, revs[kv.Key])
			}
		}
	}
}

func testListEmptyPrefix(t *testing.T, _ *suite, s store.Store) {
	want := []string{"z", "m/1", "a", "m/0", "b/x/y"}
	for _, k := range want {
		mustPut(t, s, k, k)
	}
	slices.Sort(want)
	kvs, _ := mustList(t, s, "")
	if got := keys(kvs); !slices.Equal(got, want) {
		t.Fatalf("List(\"\") = %q, want %q", got, want)
	}
}

func testListNoMatch(t *testing.T, _ *suite, s store.Store) {
	kvs, rev, err := s.List(t.Context(), "nothing/")
	if err != nil || len(kvs) != 0 || rev < 0 {
		t.Fatalf("List on an empty store = %v, %d, %v; want no keys, revision >= 0, nil", keys(kvs), rev, err)
	}
	last := mustPut(t, s, "other/x", "v")
	kvs, rev = mustList(t, s, "nothing/")
	if len(kvs) != 0 || rev < last {
		t.Fatalf("List(nothing/) = %v at revision %d; want no keys at revision >= %d", keys(kvs), rev, last)
	}
}

func testListRevision(t *testing.T, _ *suite, s store.Store) {
	var last int64
	for i := range 5 {
		last = mustPut(t, s, "p/"+itoa(int64(i)), "v")
	}
	kvs, rev := mustList(t, s, "p/")
	if rev < last {
		t.Fatalf("List revision %d, want >= last write %d", rev, last)
	}
	for _, kv := range kvs {
		if kv.Revision > rev {
			t.Fatalf("key %q revision %d newer than the listing's %d", kv.Key, kv.Revision, rev)
		}
	}
	next := mustPut(t, s, "q", "v")
	if next <= rev {
		t.Fatalf("write after List got revision %d, want > %d", next, rev)
	}
}

func testRevisionsIncrease(t *testing.T, _ *suite, s store.Store) {
	var prev int64
	perKey := map[string]int64{}
	for i := range 30 {
		key := "k" + itoa(int64(i%4))
		rev := mustPut(t, s, key, itoa(int64(i)))
		if rev <= prev {
			t.Fatalf("write %d: revision %d, want > %d (store-wide)", i, rev, prev)
		}
		if rev <= perKey[key] {
			t.Fatalf("write %d: revision %d, want > %d (key %s)", i, rev, perKey[key], key)
		}
		prev, perKey[key] = rev, rev
	}
	for key, rev := range perKey {
		if got := mustGet(t, s, key); got.Revision != rev {
			t.Fatalf("Get(%s) revision %d, want %d", key, got.Revision, rev)
		}
	}
}

// unusualKeys are keys a backend must store, list and sort byte-wise.
var unusualKeys = []string{
	"with space", "tab\tkey", "new\nline", "nul\x00byte", "high\xffbyte", "\x01low",
	"ünïcödé/ключ/鍵", "emoji/🔑", "percent%2Fslash", "/leading", "trailing/", "double//slash",
	"dot/./dot", "dotdot/../x", `back\slash`, "quote\"'`", "very/" + strings.Repeat("long", 256),
}

func testUnusualKeys(t *testing.T, _ *suite, s store.Store) {
	revs := map[string]int64{}
	for _, k := range unusualKeys {
		revs[k] = mustPut(t, s, k, "v:"+k)
	}
	for _, k := range unusualKeys {
		wantKV(t, mustGet(t, s, k), k, "v:"+k, revs[k])
	}
	want := slices.Clone(unusualKeys)
	slices.Sort(want) // byte-wise, as Go compares strings
	kvs, _ := mustList(t, s, "")
	if got := keys(kvs); !slices.Equal(got, want) {
		t.Fatalf("List(\"\") = %q, want byte-wise order %q", got, want)
	}
	kvs, _ = mustList(t, s, "nul\x00")
	if got := keys(kvs); !slices.Equal(got, []string{"nul\x00byte"}) {
		t.Fatalf("List(nul\\x00) = %q", got)
	}
}

func testLargeValue(t *testing.T, _ *suite, s store.Store) {
	big := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	rev := mustPutBytes(t, s, "big", big)
	got := mustGet(t, s, "big")
	if !bytes.Equal(got.Value, big) || got.Revision != rev {
		t.Fatalf("Get(big) returned %d bytes rev %d, want the 1 MiB value at rev %d", len(got.Value), got.Revision, rev)
	}
	kvs, _ := mustList(t, s, "b")
	if len(kvs) != 1 || !bytes.Equal(kvs[0].Value, big) {
		t.Fatal("List(b) did not return the 1 MiB value intact")
	}
}

func keys(kvs []store.KV) []string {
	var out []string
	for _, kv := range kvs {
		out = append(out, kv.Key)
	}
	return out
}
