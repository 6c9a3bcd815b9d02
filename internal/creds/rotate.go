package creds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// orphanGrace is how old a key that was never marked retired must be before
// the cleanup treats it as retired (a node that lost a rotation race and
// could not delete its key, or crashed before marking the old primary). It
// leaves room for the window between writing a new key and making it
// primary.
const orphanGrace = 10 * time.Minute

// Rotate makes a new key primary now. When another node rotates at the same
// moment, the compare-and-swap on the primary record picks one key and
// both nodes adopt it. The old primary keeps opening tokens for Retain.
func (k *Keyring) Rotate(ctx context.Context) error { return k.rotate(ctx, true) }

// rotate rotates when forced or when the primary is older than RotateEvery.
func (k *Keyring) rotate(ctx context.Context, force bool) error {
	cur, err := k.st.Get(ctx, primaryPath)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("creds: rotating: %w", err)
	}
	var old *KeyID
	if err == nil {
		rec, id, derr := decodePrimary(cur.Value)
		if derr == nil {
			if !force && k.opts.Now().Sub(time.Unix(rec.Since, 0)) < k.opts.RotateEvery {
				return nil
			}
			old = &id
		}
	}
	key, err := k.createPrimary(ctx, cur.Revision)
	if errors.Is(err, store.ErrConflict) {
		// Another node rotated first; adopt its primary.
		if latest, gerr := k.st.Get(ctx, primaryPath); gerr == nil {
			k.adoptPrimary(ctx, latest)
		}
		return nil
	}
	if err != nil {
		return err
	}
	k.log.Info("keyring: rotated", "key_id", key.id.String())
	if old != nil && *old != key.id {
		if err := k.retire(ctx, *old, k.opts.Now().Add(k.opts.Retain)); err != nil {
			return err
		}
	}
	return nil
}

// createPrimary writes a new key and points the primary record (expected at
// revision primaryRev, 0 for none) at it. On ErrConflict the new key is
// deleted again and nothing changed.
func (k *Keyring) createPrimary(ctx context.Context, primaryRev int64) (*tokenKey, error) {
	now := k.opts.Now()
	rec, id := newKeyRecord(k.wrap, now)
	value := encodeJSON(rec)
	keyRev, err := k.st.CompareAndSwap(ctx, keyPath(id), 0, value)
	if err != nil {
		return nil, fmt.Errorf("creds: writing new key: %w", err)
	}
	key, _, err := decodeKeyRecord(k.wrap, keyPath(id), value, keyRev)
	if err != nil {
		return nil, err
	}
	primary := encodeJSON(primaryRecord{ID: id.String(), Since: now.Unix()})
	rev, err := k.st.CompareAndSwap(ctx, primaryPath, primaryRev, primary)
	if err != nil {
		if _, derr := k.st.CompareAndDelete(ctx, keyPath(id), keyRev); derr != nil {
			k.log.Warn("keyring: could not delete unused key", "key_id", id.String(), "err", derr)
		}
		if errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		return nil, fmt.Errorf("creds: switching primary key: %w", err)
	}
	k.update(func(s *keyset) { s.setPrimary(key, rev, time.Unix(now.Unix(), 0)) })
	return key, nil
}

// retire sets a key's open window to end at until (never later than an
// end it already has).
func (k *Keyring) retire(ctx context.Context, id KeyID, until time.Time) error {
	for attempt := 0; attempt < 5; attempt++ {
		kv, err := k.st.Get(ctx, keyPath(id))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("creds: retiring key %s: %w", id, err)
		}
		var rec keyRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			return fmt.Errorf("%w at %s", errKeyRecord, kv.Key)
		}
		if rec.OpenUntil != 0 && rec.OpenUntil <= until.Unix() {
			return nil
		}
		rec.OpenUntil = until.Unix()
		rev, err := k.st.CompareAndSwap(ctx, kv.Key, kv.Revision, encodeJSON(rec))
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				return fmt.Errorf("creds: retiring key %s: %w", id, err)
			}
			// This node honours the window at once; others via the watch.
			k.update(func(s *keyset) {
				if old := s.keys[id]; old != nil {
					retired := *old
					retired.openUntil, retired.revision = time.Unix(rec.OpenUntil, 0), rev
					s.putKey(&retired)
				}
			})
			return nil
		}
	}
	return fmt.Errorf("creds: retiring key %s: %w", id, store.ErrConflict)
}

// collect marks keys that are neither primary nor retired (orphans) as
// retired, and deletes retired keys whose open window has ended.
func (k *Keyring) collect(ctx context.Context) error {
	kvs, _, err := k.st.List(ctx, KeyringPrefix)
	if err != nil {
		return fmt.Errorf("creds: collecting retired keys: %w", err)
	}
	var primary KeyID
	havePrimary := false
	for _, kv := range kvs {
		if kv.Key == primaryPath {
			if _, id, err := decodePrimary(kv.Value); err == nil {
				primary, havePrimary = id, true
			}
		}
	}
	if !havePrimary {
		return nil // never delete keys while the primary is unknown
	}
	now := k.opts.Now()
	for _, kv := range kvs {
		id, ok := keyIDFromPath(kv.Key)
		if !ok || id == primary {
			continue
		}
		var rec keyRecord
		if err := json.Unmarshal(kv.Value, &rec); err != nil {
			continue
		}
		switch {
		case rec.OpenUntil == 0 && now.Sub(time.Unix(rec.Created, 0)) > orphanGrace:
			if err := k.retire(ctx, id, now.Add(k.opts.Retain)); err != nil {
				k.log.Warn("keyring: could not retire key", "key_id", id.String(), "err", err)
			}
		case rec.OpenUntil != 0 && !now.Before(time.Unix(rec.OpenUntil, 0)):
			_, err := k.st.CompareAndDelete(ctx, kv.Key, kv.Revision)
			if err == nil {
				k.log.Info("keyring: deleted retired key", "key_id", id.String())
			} else if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
				k.log.Warn("keyring: could not delete retired key", "key_id", id.String(), "err", err)
			}
		}
	}
	return nil
}

// Maintain runs one round of the background work now: rotate if due, then
// retire and delete old keys. The background loop calls it every CheckEvery.
func (k *Keyring) Maintain(ctx context.Context) error {
	return errors.Join(k.rotate(ctx, false), k.collect(ctx))
}
