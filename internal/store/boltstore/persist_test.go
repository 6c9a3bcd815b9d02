package boltstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
)

func mustOpen(t *testing.T, path string, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return s
}

func TestSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := mustOpen(t, path)
	r1, err := s.Put(ctx, "roles/a", []byte("A"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Put(ctx, "roles/b", []byte("B"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, "roles/b"); err != nil {
		t.Fatal(err)
	}
	_, before, err := s.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, path)
	defer s.Close()
	kv, err := s.Get(ctx, "roles/a")
	if err != nil || string(kv.Value) != "A" || kv.Revision != r1 {
		t.Fatalf("Get after reopen = %q rev %d, %v; want A rev %d", kv.Value, kv.Revision, err, r1)
	}
	if _, err := s.Get(ctx, "roles/b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key after reopen: %v, want ErrNotFound", err)
	}
	kvs, rev, err := s.List(ctx, "")
	if err != nil || len(kvs) != 1 || rev != before || rev <= r2 {
		t.Fatalf("List after reopen = %d keys at revision %d, %v; want 1 key at %d", len(kvs), rev, err, before)
	}
	// Revisions continue, and CAS works against the persisted revision.
	r3, err := s.CompareAndSwap(ctx, "roles/a", r1, []byte("A2"))
	if err != nil || r3 != before+1 {
		t.Fatalf("CompareAndSwap after reopen = %d, %v; want revision %d", r3, err, before+1)
	}
	// History starts empty at the reopened revision.
	if _, err := s.Watch(ctx, "", r1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from before the reopen: %v, want ErrCompacted", err)
	}
	ch, err := s.Watch(ctx, "", before)
	if err != nil {
		t.Fatalf("Watch from the reopened revision: %v", err)
	}
	select {
	case ev := <-ch:
		if ev.Type != store.EventPut || ev.KV.Key != "roles/a" || ev.KV.Revision != r3 {
			t.Fatalf("event %+v, want put roles/a rev %d", ev, r3)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestFileMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	mustOpen(t, path).Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	loose := filepath.Join(dir, "loose.db")
	mustOpen(t, loose).Close()
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, loose).Close()
	if fi, err := os.Stat(loose); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("reopened 0644 file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stsd.db")
	s := mustOpen(t, path)
	defer s.Close()
	start := time.Now()
	_, err := boltstore.Open(path, boltstore.WithOpenTimeout(100*time.Millisecond))
	if !errors.Is(err, boltstore.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	want := "boltstore: open " + path + ": waited 100ms: boltstore: file is locked by another process (is another stsd using this data dir?)"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	if waited := time.Since(start); waited < 40*time.Millisecond || waited > 5*time.Second { // bbolt stops one 50ms retry early
		t.Fatalf("Open gave up after %v, want about 100ms", waited)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("format"), []byte("9"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	notBolt := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notBolt, []byte(strings.Repeat("not a bolt file\n", 512)), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		is         error
		contains   string
	}{
		{"future format", foreign, boltstore.ErrFormat, `boltstore: unsupported file format: version "9", want "1"`},
		{"missing directory", filepath.Join(dir, "nope", "stsd.db"), os.ErrNotExist, "no such file or directory"},
		{"not a bolt file", notBolt, nil, "boltstore: open " + notBolt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := boltstore.Open(tt.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestKeyLimits(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	if _, err := s.Put(ctx, "", []byte("v")); !errors.Is(err, boltstore.ErrEmptyKey) {
		t.Fatalf("Put(\"\"): %v, want ErrEmptyKey", err)
	}
	long := strings.Repeat("k", boltstore.MaxKeySize+1)
	_, err := s.Put(ctx, long, []byte("v"))
	if !errors.Is(err, boltstore.ErrKeyTooLarge) || err.Error() != "boltstore: key too large: 32769 bytes, at most 32768" {
		t.Fatalf("Put(32769-byte key): %v", err)
	}
	if _, err := s.Put(ctx, long[1:], []byte("v")); err != nil {
		t.Fatalf("Put(32768-byte key): %v", err)
	}
}
