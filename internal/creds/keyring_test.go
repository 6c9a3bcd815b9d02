package creds

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

// newClock is a keyring's clock, starting at t0.
func newClock() *testclock.Clock { return testclock.New(t0) }

func newMaster(t testing.TB) secret.Bytes {
	t.Helper()
	b := make([]byte, MasterKeySize)
	rand.Read(b)
	return secret.NewBytes(b)
}

func openTestKeyring(t testing.TB, st store.Store, master secret.Bytes, c *testclock.Clock, logs *syncio.Buffer) *Keyring {
	t.Helper()
	opts := KeyringOptions{Now: c.Now}
	if logs != nil {
		opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	k, err := OpenKeyring(t.Context(), st, master, opts)
	if err != nil {
		t.Fatalf("OpenKeyring: %v", err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func mustSeal(t testing.TB, k *Keyring, s *Session) string {
	t.Helper()
	tok, err := k.Seal(s, SealOptions{})
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return tok.Reveal()
}

func mustOpen(t *testing.T, k *Keyring, token string) *Session {
	t.Helper()
	s, err := k.Open(t.Context(), token)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func storedPrimary(t *testing.T, st store.Store) KeyID {
	t.Helper()
	kv, err := st.Get(t.Context(), primaryPath)
	if err != nil {
		t.Fatal(err)
	}
	_, id, err := decodePrimary(kv.Value)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func storedKeys(t *testing.T, st store.Store) map[KeyID]keyRecord {
	t.Helper()
	kvs, _, err := st.List(t.Context(), keysPrefix)
	if err != nil {
		t.Fatal(err)
	}
	out := map[KeyID]keyRecord{}
	for _, kv := range kvs {
		var rec keyRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			t.Fatal(err)
		}
		id, _ := parseKeyID(rec.ID)
		out[id] = rec
	}
	return out
}

func TestKeyringRoundTrip(t *testing.T) {
	st := memstore.New()
	c := newClock()
	master := newMaster(t)
	k := openTestKeyring(t, st, master, c, nil)
	s := fullSession()
	got := mustOpen(t, k, mustSeal(t, k, s))
	assertSameSession(t, got, s)

	if id := storedPrimary(t, st); id != k.PrimaryKeyID() {
		t.Errorf("store primary %s, keyring primary %s", id, k.PrimaryKeyID())
	}
	keys := storedKeys(t, st)
	if len(keys) != 1 || len(k.KeyIDs()) != 1 {
		t.Fatalf("stored keys %v, memory %v", keys, k.KeyIDs())
	}
	// The stored record holds only wrapped material: 32 bytes + 28 of seal.
	for _, rec := range keys {
		if len(rec.Wrapped) != keyMaterialSize+28 || rec.Created != t0.Unix() || rec.OpenUntil != 0 {
			t.Errorf("record %+v", rec)
		}
	}
}

func TestKeyringReopenKeepsKeys(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	a := openTestKeyring(t, st, master, newClock(), nil)
	tok := mustSeal(t, a, typicalSession())
	a.Close()
	b := openTestKeyring(t, st, master, newClock(), nil)
	if b.PrimaryKeyID() != a.PrimaryKeyID() {
		t.Errorf("reopened keyring made a new primary")
	}
	mustOpen(t, b, tok)
}

func TestKeyringRejectsWrongMasterKey(t *testing.T) {
	st := memstore.New()
	good := newMaster(t)
	openTestKeyring(t, st, good, newClock(), nil)
	wrong := newMaster(t)
	_, err := OpenKeyring(t.Context(), st, wrong, KeyringOptions{})
	if !errors.Is(err, ErrMasterKeyMismatch) {
		t.Fatalf("error = %v, want ErrMasterKeyMismatch", err)
	}
	for _, m := range []secret.Bytes{good, wrong} {
		if strings.Contains(err.Error(), base64.StdEncoding.EncodeToString(m.Reveal())) {
			t.Error("error shows a master key")
		}
	}
	for _, n := range []int{0, 16, 31, 33} {
		_, err := OpenKeyring(t.Context(), st, secret.NewBytes(make([]byte, n)), KeyringOptions{})
		want := "creds: master key is " + itoa(n) + " bytes, want 32"
		if err == nil || err.Error() != want {
			t.Errorf("master of %d bytes: error %v, want %q", n, err, want)
		}
	}
}

func TestKeyringOtherNodeOpens(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	if a.PrimaryKeyID() != b.PrimaryKeyID() {
		t.Fatal("two nodes on one store have different primaries")
	}
	s := typicalSession()
	assertSameSession(t, mustOpen(t, b, mustSeal(t, a, s)), s)
	assertSameSession(t, mustOpen(t, a, mustSeal(t, b, s)), s)
}

func TestKeyringRotationRetiresOldKey(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	var logs syncio.Buffer
	a := openTestKeyring(t, st, master, c, &logs)
	b := openTestKeyring(t, st, master, c, nil)
	old := a.PrimaryKeyID()
	oldToken := mustSeal(t, a, typicalSession())

	c.Advance(time.Hour)
	if err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a.PrimaryKeyID() == old {
		t.Fatal("Rotate kept the primary")
	}
	newToken := mustSeal(t, a, typicalSession())
	waitFor(t, "node b to adopt the new primary", func() bool { return b.PrimaryKeyID() == a.PrimaryKeyID() })
	retiredAt := c.Now()
	if a.state.Load().keys[old].openUntil.IsZero() {
		t.Fatal("the rotating node does not know at once that the old key is retired")
	}
	waitFor(t, "node b to learn the old key's retirement", func() bool {
		key := b.state.Load().keys[old]
		return key != nil && !key.openUntil.IsZero()
	})
	rec := storedKeys(t, st)[old]
	if rec.OpenUntil != retiredAt.Add(13*time.Hour).Unix() {
		t.Errorf("old key open until %d, want rotation + 13h", rec.OpenUntil)
	}

	// Within Retain both tokens open on both nodes, and the background
	// maintenance keeps the old key.
	c.Advance(12 * time.Hour)
	for _, k := range []*Keyring{a, b} {
		mustOpen(t, k, oldToken)
		mustOpen(t, k, newToken)
	}
	if err := a.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := storedKeys(t, st)[old]; !ok {
		t.Fatal("old key deleted before Retain")
	}

	// After Retain the old key no longer opens and maintenance deletes it.
	c.Advance(time.Hour)
	for _, k := range []*Keyring{a, b} {
		if _, err := k.Open(t.Context(), oldToken); !errors.Is(err, ErrTokenUnknownKey) {
			t.Errorf("old token after Retain: %v, want ErrTokenUnknownKey", err)
		}
		mustOpen(t, k, newToken)
	}
	if err := b.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := storedKeys(t, st)[old]; ok {
		t.Fatal("old key not deleted after Retain")
	}
	waitFor(t, "both nodes to drop the old key", func() bool { return len(a.KeyIDs()) == 1 && len(b.KeyIDs()) == 1 })
	for _, k := range []*Keyring{a, b} { // opened before, and its key now gone
		if _, err := k.Open(t.Context(), oldToken); !errors.Is(err, ErrTokenUnknownKey) {
			t.Errorf("old token after its key was deleted: %v, want ErrTokenUnknownKey", err)
		}
	}
	if strings.Contains(logs.String(), base64.StdEncoding.EncodeToString(master.Reveal())) {
		t.Error("logs show the master key")
	}
	if !strings.Contains(logs.String(), "keyring: rotated") {
		t.Errorf("no rotation logged: %s", logs.String())
	}
}

func TestKeyringMaintainRotatesWhenDue(t *testing.T) {
	st := memstore.New()
	c := newClock()
	k := openTestKeyring(t, st, newMaster(t), c, nil)
	first := k.PrimaryKeyID()
	c.Advance(24*time.Hour - time.Second)
	if err := k.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if k.PrimaryKeyID() != first {
		t.Fatal("rotated before RotateEvery")
	}
	c.Advance(time.Second)
	if err := k.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if k.PrimaryKeyID() == first {
		t.Fatal("did not rotate after RotateEvery")
	}
}

func TestKeyringLooksUpKeysFromOtherNodes(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	b.Close() // b no longer follows the store: only the direct lookup helps
	if err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := typicalSession()
	assertSameSession(t, mustOpen(t, b, mustSeal(t, a, s)), s)
	if len(b.KeyIDs()) != 2 {
		t.Errorf("b holds %d keys after the lookup, want 2", len(b.KeyIDs()))
	}
}

func TestKeyringBoundsUnknownKeyLookups(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	b.Close()
	// Garbage tokens with random key ids spend the lookup budget (5).
	for range 5 {
		var id KeyID
		rand.Read(id[:])
		tok, _ := sealToken(id, testAEAD(t, id), typicalSession(), SealOptions{})
		if _, err := b.Open(t.Context(), tok.Reveal()); !errors.Is(err, ErrTokenUnknownKey) {
			t.Fatalf("garbage key id: %v", err)
		}
	}
	if err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	tok := mustSeal(t, a, typicalSession())
	if _, err := b.Open(t.Context(), tok); !errors.Is(err, ErrTokenUnknownKey) {
		t.Fatalf("lookup beyond the budget: %v, want ErrTokenUnknownKey", err)
	}
	c.Advance(time.Second / 5) // one lookup's worth
	mustOpen(t, b, tok)
}

func TestKeyringConcurrentRotation(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	nodes := []*Keyring{
		openTestKeyring(t, st, master, c, nil),
		openTestKeyring(t, st, master, c, nil),
		openTestKeyring(t, st, master, c, nil),
	}
	for round := range 5 {
		var wg sync.WaitGroup
		for _, n := range nodes {
			wg.Go(func() {
				if err := n.Rotate(t.Context()); err != nil {
					t.Errorf("round %d: %v", round, err)
				}
			})
		}
		wg.Wait()
		primary := storedPrimary(t, st)
		waitFor(t, "all nodes to agree on the primary", func() bool {
			for _, n := range nodes {
				if n.PrimaryKeyID() != primary {
					return false
				}
			}
			return true
		})
	}
	// No orphan: every stored key is the primary or retired.
	primary := storedPrimary(t, st)
	for id, rec := range storedKeys(t, st) {
		if id != primary && rec.OpenUntil == 0 {
			t.Errorf("key %s is neither primary nor retired", id)
		}
	}
}

func TestKeyringSealDuringRotation(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	tokens := make(chan string, 10000)
	for _, k := range []*Keyring{a, b} {
		wg.Go(func() {
			for ctx.Err() == nil {
				tok, err := k.Seal(typicalSession(), SealOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				select {
				case tokens <- tok.Reveal():
				default:
				}
				if _, err := k.Open(ctx, tok.Reveal()); err != nil && ctx.Err() == nil {
					t.Errorf("open during rotation: %v", err)
					return
				}
			}
		})
	}
	for range 10 {
		if err := a.Rotate(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := b.Rotate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	close(tokens)
	stored := len(storedKeys(t, st))
	waitFor(t, "both nodes to hold every stored key", func() bool {
		return len(a.KeyIDs()) == stored && len(b.KeyIDs()) == stored
	})
	for tok := range tokens {
		mustOpen(t, a, tok)
		mustOpen(t, b, tok)
	}
}

func TestKeyringResyncsAfterCompaction(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	c := newClock()
	a := openTestKeyring(t, st, master, c, nil)
	b := openTestKeyring(t, st, master, c, nil)
	_, rev, err := st.List(t.Context(), KeyringPrefix)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	for range 3 {
		if err := a.Rotate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	_, latest, _ := st.List(t.Context(), KeyringPrefix)
	if err := st.Compact(t.Context(), latest); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Watch(t.Context(), KeyringPrefix, rev); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("watch from a compacted revision: %v", err)
	}
	// b's watch restarted from the old revision must list again.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); b.watchLoop(ctx, rev) }()
	waitFor(t, "b to resync", func() bool { return b.PrimaryKeyID() == a.PrimaryKeyID() })
	if len(b.KeyIDs()) != 4 {
		t.Errorf("b holds %d keys, want 4", len(b.KeyIDs()))
	}
	cancel()
	<-done
}

func TestKeyringStoreFailureIsNotATokenError(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	a := openTestKeyring(t, st, master, newClock(), nil)
	b := openTestKeyring(t, memstore.New(), master, newClock(), nil) // another store
	tok := mustSeal(t, b, typicalSession())
	if _, err := a.Open(t.Context(), tok); !errors.Is(err, ErrTokenUnknownKey) {
		t.Fatalf("key of another store: %v, want ErrTokenUnknownKey", err)
	}
	st.Close()
	_, err := a.Open(t.Context(), tok)
	if !errors.Is(err, store.ErrClosed) || errors.As(err, new(*TokenError)) {
		t.Fatalf("store down: %v, want a store error that is not a *TokenError", err)
	}
	// The keys in memory still work without the store.
	mustOpen(t, a, mustSeal(t, a, typicalSession()))
}

func TestKeyringSkipsKeysItCannotUnwrap(t *testing.T) {
	st := memstore.New()
	master := newMaster(t)
	var logs syncio.Buffer
	k := openTestKeyring(t, st, master, newClock(), &logs)
	// A node with another master key writes a key into the same store.
	other, err := newWrapAEAD(newMaster(t))
	if err != nil {
		t.Fatal(err)
	}
	rec, id := newKeyRecord(other, t0)
	if _, err := st.Put(t.Context(), keyPath(id), encodeJSON(rec)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the keyring to log the unusable key", func() bool {
		return strings.Contains(logs.String(), "keyring: skipping unusable key")
	})
	if len(k.KeyIDs()) != 1 {
		t.Errorf("keyring holds %d keys, want 1", len(k.KeyIDs()))
	}
	tok, _ := sealToken(id, testAEAD(t, id), typicalSession(), SealOptions{})
	if _, err := k.Open(t.Context(), tok.Reveal()); !errors.Is(err, ErrTokenUnknownKey) {
		t.Errorf("token of the foreign key: %v, want ErrTokenUnknownKey", err)
	}
}
