package creds

import (
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stsd/stsd/internal/store/memstore"
)

// The background loop rotates every RotateEvery on its own and deletes a
// retired key once Retain has passed, on a fake clock.
func TestKeyringRotatesByItself(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := memstore.New()
		defer st.Close()
		master := newMaster(t)
		a, err := OpenKeyring(t.Context(), st, master, KeyringOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := OpenKeyring(t.Context(), st, master, KeyringOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		first := a.PrimaryKeyID()
		oldToken := mustSeal(t, a, typicalSession())

		time.Sleep(24*time.Hour - 2*time.Minute)
		synctest.Wait()
		if a.PrimaryKeyID() != first || b.PrimaryKeyID() != first {
			t.Fatal("rotated early")
		}
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		second := a.PrimaryKeyID()
		if second == first || b.PrimaryKeyID() != second {
			t.Fatalf("after 24h: a %s, b %s, first %s", second, b.PrimaryKeyID(), first)
		}
		if got := len(storedKeys(t, st)); got != 2 {
			t.Fatalf("%d keys stored after one rotation (both nodes rotating must agree)", got)
		}
		mustOpen(t, b, oldToken)

		time.Sleep(13*time.Hour - 2*time.Minute)
		synctest.Wait()
		mustOpen(t, a, oldToken)
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		if _, ok := storedKeys(t, st)[first]; ok {
			t.Fatal("retired key still stored after Retain")
		}
		if len(a.KeyIDs()) != 1 || len(b.KeyIDs()) != 1 {
			t.Fatalf("memory holds %d and %d keys", len(a.KeyIDs()), len(b.KeyIDs()))
		}
	})
}

// A key that never became primary (a node lost the race and crashed) is
// retired after a grace period and deleted after Retain; the primary is
// never deleted, whatever its record says.
func TestKeyringCollectsOrphans(t *testing.T) {
	st := memstore.New()
	c := newClock()
	k := openTestKeyring(t, st, newMaster(t), c, nil)
	rec, orphan := newKeyRecord(k.wrap, c.Now())
	if _, err := st.CompareAndSwap(t.Context(), keyPath(orphan), 0, encodeJSON(rec)); err != nil {
		t.Fatal(err)
	}
	// Mark the primary's record retired long ago: it must survive anyway.
	primary := k.PrimaryKeyID()
	kv, _ := st.Get(t.Context(), keyPath(primary))
	var prec keyRecord
	_ = json.Unmarshal(kv.Value, &prec)
	prec.OpenUntil = c.Now().Add(-time.Hour).Unix()
	if _, err := st.Put(t.Context(), kv.Key, encodeJSON(prec)); err != nil {
		t.Fatal(err)
	}

	c.Advance(5 * time.Minute)
	if err := k.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := storedKeys(t, st)[orphan].OpenUntil; got != 0 {
		t.Fatalf("fresh orphan retired within the grace period (open until %d)", got)
	}
	c.Advance(6 * time.Minute)
	if err := k.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, want := storedKeys(t, st)[orphan].OpenUntil, c.Now().Add(13*time.Hour).Unix(); got != want {
		t.Fatalf("orphan open until %d, want %d", got, want)
	}
	c.Advance(13 * time.Hour)
	if err := k.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	keys := storedKeys(t, st)
	if _, ok := keys[orphan]; ok {
		t.Error("orphan not deleted after Retain")
	}
	if _, ok := keys[primary]; !ok {
		t.Error("primary deleted")
	}
	// The primary always opens what it seals, whatever its record says.
	if k.PrimaryKeyID() != primary {
		t.Error("primary changed")
	}
	mustOpen(t, k, mustSeal(t, k, typicalSession()))
}
