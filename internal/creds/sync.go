package creds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// load lists the keyring, makes sure a primary exists, installs the
// snapshot and returns the store revision to watch from.
func (k *Keyring) load(ctx context.Context) (int64, error) {
	for attempt := 0; attempt < 5; attempt++ {
		kvs, rev, err := k.st.List(ctx, KeyringPrefix)
		if err != nil {
			return 0, fmt.Errorf("creds: loading keyring: %w", err)
		}
		set, primaryKV, err := k.buildSet(kvs, true)
		if err != nil {
			return 0, err
		}
		if set.primary != nil {
			k.install(set)
			return rev, nil
		}
		// No usable primary: create a key and point the primary at it. On a
		// conflict another node did it first; list again.
		if _, err := k.createPrimary(ctx, primaryKV.Revision); err != nil && !errors.Is(err, store.ErrConflict) {
			return 0, err
		}
	}
	return 0, errors.New("creds: loading keyring: primary key kept changing")
}

// buildSet turns a listing into a keyset. With strict, a key the master key
// cannot unwrap is an error (at open time); otherwise it is logged and
// skipped. The primary is unset when its record or key is missing.
func (k *Keyring) buildSet(kvs []store.KV, strict bool) (*keyset, store.KV, error) {
	set := &keyset{keys: map[KeyID]*tokenKey{}}
	var primaryKV store.KV
	for _, kv := range kvs {
		if kv.Key == primaryPath {
			primaryKV = kv
			continue
		}
		if _, ok := keyIDFromPath(kv.Key); !ok {
			continue
		}
		key, _, err := decodeKeyRecord(k.wrap, kv.Key, kv.Value, kv.Revision)
		if err != nil {
			if strict && errors.Is(err, ErrMasterKeyMismatch) {
				return nil, primaryKV, err
			}
			k.log.Error("keyring: skipping unusable key", "path", kv.Key, "err", err)
			continue
		}
		set.keys[key.id] = key
	}
	if primaryKV.Revision != 0 {
		rec, id, err := decodePrimary(primaryKV.Value)
		if err != nil {
			k.log.Error("keyring: unusable primary record", "err", err)
		} else if key := set.keys[id]; key != nil {
			set.primary, set.primaryRev, set.since = key, primaryKV.Revision, time.Unix(rec.Since, 0)
		}
	}
	return set, primaryKV, nil
}

// install replaces memory with a listed set, keeping anything memory knows
// at a newer revision (a rotation or lookup that raced the listing).
func (k *Keyring) install(listed *keyset) {
	k.update(func(cur *keyset) {
		keys := listed.keys
		for id, key := range cur.keys {
			if l := keys[id]; l == nil && cur.primary != nil && id == cur.primary.id {
				keys[id] = key // never drop the key we seal with
			} else if l != nil && key.revision > l.revision {
				keys[id] = key
			}
		}
		cur.keys = keys
		if listed.primary != nil && listed.primaryRev >= cur.primaryRev {
			cur.primary, cur.primaryRev, cur.since = keys[listed.primary.id], listed.primaryRev, listed.since
		} else if cur.primary != nil {
			cur.primary = keys[cur.primary.id]
		}
	})
}

// watchLoop applies the store's changes to memory (store.Follow) until ctx
// ends or the store is closed; a resync installs the listing as the
// start-up listing does, but skips a key it cannot unwrap.
func (k *Keyring) watchLoop(ctx context.Context, rev int64) {
	resync := func(kvs []store.KV, _ int64) {
		set, _, _ := k.buildSet(kvs, false)
		k.install(set)
	}
	apply := func(evs []store.Event) {
		for _, ev := range evs {
			k.apply(ctx, ev)
		}
	}
	_ = store.Follow(ctx, k.st, KeyringPrefix, rev, resync, apply, store.FollowOptions{Logger: k.log})
}

// apply handles one watched change.
func (k *Keyring) apply(ctx context.Context, ev store.Event) {
	if ev.KV.Key == primaryPath {
		if ev.Type != store.EventPut {
			k.log.Warn("keyring: primary record deleted; keeping the current primary")
			return
		}
		k.adoptPrimary(ctx, ev.KV)
		return
	}
	id, ok := keyIDFromPath(ev.KV.Key)
	if !ok {
		return
	}
	switch ev.Type {
	case store.EventPut:
		key, _, err := decodeKeyRecord(k.wrap, ev.KV.Key, ev.KV.Value, ev.KV.Revision)
		if err != nil {
			k.log.Error("keyring: skipping unusable key", "path", ev.KV.Key, "err", err)
			return
		}
		k.update(func(s *keyset) { s.putKey(key) })
	case store.EventDelete:
		k.update(func(s *keyset) {
			if old := s.keys[id]; old != nil && old.revision < ev.KV.Revision &&
				(s.primary == nil || s.primary.id != id) {
				delete(s.keys, id)
			}
		})
	}
}

// adoptPrimary makes the key named by a primary record this node's primary,
// fetching the key from the store if memory does not have it yet.
func (k *Keyring) adoptPrimary(ctx context.Context, kv store.KV) {
	rec, id, err := decodePrimary(kv.Value)
	if err != nil {
		k.log.Error("keyring: unusable primary record", "err", err)
		return
	}
	key := k.state.Load().keys[id]
	if key == nil {
		got, err := k.st.Get(ctx, keyPath(id))
		if err != nil {
			k.log.Error("keyring: primary key not readable", "key_id", id.String(), "err", err)
			return
		}
		if key, _, err = decodeKeyRecord(k.wrap, got.Key, got.Value, got.Revision); err != nil {
			k.log.Error("keyring: primary key unusable", "key_id", id.String(), "err", err)
			return
		}
	}
	k.update(func(s *keyset) { s.setPrimary(key, kv.Revision, time.Unix(rec.Since, 0)) })
	k.log.Info("keyring: primary key changed", "key_id", id.String())
}
