package issuer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// Maintain runs one round of key management now, from the store's
// listing (not memory, so nodes decide on the same data): for each
// algorithm, create the first key if there is none, or the next one when
// the newest key has signed for RotateEvery − PrePublish; then delete the
// keys that are no longer published. The background loop calls it every
// CheckEvery; tests call it after moving their clock.
func (is *Issuer) Maintain(ctx context.Context) error {
	kvs, _, err := is.st.List(ctx, Prefix)
	if err != nil {
		return fmt.Errorf("issuer: maintenance: %w", err)
	}
	keys := map[string]*signingKey{}
	latest := map[string]store.KV{}
	for _, kv := range kvs {
		switch {
		case strings.HasPrefix(kv.Key, keysPrefix):
			if mem := is.state.Load().keys[strings.TrimPrefix(kv.Key, keysPrefix)]; mem != nil && mem.revision == kv.Revision {
				keys[mem.kid] = mem // already opened
				continue
			}
			k, err := decodeKeyRecord(is.aead, kv.Key, kv.Value, kv.Revision)
			if err != nil {
				continue // logged by the watch; never deleted blindly
			}
			keys[k.kid] = k
		case strings.HasPrefix(kv.Key, latestPrefix):
			latest[strings.TrimPrefix(kv.Key, latestPrefix)] = kv
		}
	}
	now := is.opts.Now()
	cs := chains(keys)
	var errs []error
	for _, alg := range Algorithms {
		c := cs[alg]
		if activate, due := is.nextActivation(c, now); due {
			if err := is.rotate(ctx, alg, now, activate, latest[alg].Revision); err != nil {
				errs = append(errs, err)
			}
		}
		for i, k := range c {
			if publishedAt(c, i, now) {
				continue
			}
			_, err := is.st.CompareAndDelete(ctx, keyPath(k.kid), k.revision)
			switch {
			case err == nil:
				is.update(func(s *state) {
					if old := s.keys[k.kid]; old != nil && old.revision == k.revision {
						delete(s.keys, k.kid)
					}
				})
				is.log.Info("issuer: deleted unpublished signing key", "kid", k.kid)
			case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
			default:
				errs = append(errs, fmt.Errorf("issuer: deleting key %s: %w", k.kid, err))
			}
		}
	}
	return errors.Join(errs...)
}

// nextActivation decides whether chain needs a new key at now, and when
// it starts signing: at once for an empty chain; otherwise PrePublish
// ahead, once the newest key has signed for RotateEvery − PrePublish (and
// never before the newest key's RotateEvery is over).
func (is *Issuer) nextActivation(chain []*signingKey, now time.Time) (time.Time, bool) {
	if len(chain) == 0 || signerAt(chain, now) == nil {
		return now, true
	}
	newest := chain[len(chain)-1]
	if now.Before(newest.activate.Add(is.opts.RotateEvery - is.opts.PrePublish)) {
		return time.Time{}, false
	}
	activate := now.Add(is.opts.PrePublish)
	if due := newest.activate.Add(is.opts.RotateEvery); due.After(activate) {
		activate = due
	}
	return activate, true
}

// rotate writes a new key of alg and points issuer/latest/<alg> at it,
// expecting the pointer at latestRev (0: none). When another node rotated
// first the pointer has moved: the new key is deleted again and that
// node's key is the one everyone uses.
func (is *Issuer) rotate(ctx context.Context, alg string, now, activate time.Time, latestRev int64) error {
	rec, err := newKeyRecord(is.aead, alg, now, activate)
	if err != nil {
		return err
	}
	value := encodeJSON(rec)
	keyRev, err := is.st.CompareAndSwap(ctx, keyPath(rec.KID), 0, value)
	if err != nil {
		return fmt.Errorf("issuer: writing a new %s key: %w", alg, err)
	}
	_, err = is.st.CompareAndSwap(ctx, latestPath(alg), latestRev, encodeJSON(latestRecord{KID: rec.KID}))
	if err != nil {
		if _, derr := is.st.CompareAndDelete(ctx, keyPath(rec.KID), keyRev); derr != nil {
			is.log.Warn("issuer: could not delete an unused key", "kid", rec.KID, "err", derr)
		}
		if errors.Is(err, store.ErrConflict) {
			return nil // another node rotated
		}
		return fmt.Errorf("issuer: recording the new %s key: %w", alg, err)
	}
	k, err := decodeKeyRecord(is.aead, keyPath(rec.KID), value, keyRev)
	if err != nil {
		return err
	}
	is.update(func(s *state) { s.putKey(k) })
	is.log.Info("issuer: new signing key", "kid", k.kid, "alg", alg, "activate", activate.UTC().Format(time.RFC3339))
	return nil
}
