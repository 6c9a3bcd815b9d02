package issuer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/store"
)

// load lists the issuer's records at start and installs them, returning
// the store revision to watch from. A key the master key cannot open is
// an error: a node with another master key must not run.
func (is *Issuer) load(ctx context.Context) (int64, error) {
	kvs, rev, err := is.st.List(ctx, Prefix)
	if err != nil {
		return 0, fmt.Errorf("issuer: loading keys: %w", err)
	}
	return rev, is.install(kvs, true)
}

// install replaces the state with a listing. With strict, a key the
// master key cannot open is an error (at start); otherwise (a resync) it
// is logged and skipped.
func (is *Issuer) install(kvs []store.KV, strict bool) error {
	next := &state{keys: map[string]*signingKey{}, accounts: map[string]int64{}}
	for _, kv := range kvs {
		switch {
		case strings.HasPrefix(kv.Key, keysPrefix):
			k, err := decodeKeyRecord(is.aead, kv.Key, kv.Value, kv.Revision)
			if err != nil {
				if strict && errors.Is(err, errKeyUnseal) {
					return err
				}
				is.log.Error("issuer: skipping unusable signing key", "path", kv.Key, "err", err)
				continue
			}
			next.keys[k.kid] = k
		case strings.HasPrefix(kv.Key, accountsPrefix):
			if account, ok := accountFromPath(kv.Key); ok && decodeAccountRecord(kv.Value) {
				next.accounts[account] = kv.Revision
			}
		}
	}
	is.update(func(cur *state) {
		// Keep what memory knows at a newer revision (a write of this
		// node that raced the listing).
		for kid, k := range cur.keys {
			if l := next.keys[kid]; l != nil && k.revision > l.revision {
				next.keys[kid] = k
			}
		}
		*cur = *next
	})
	return nil
}

// watchLoop applies the store's changes (store.Follow) until ctx ends or
// the store is closed; a resync installs the listing, skipping a key the
// master key cannot open.
func (is *Issuer) watchLoop(ctx context.Context, rev int64) {
	resync := func(kvs []store.KV, _ int64) { _ = is.install(kvs, false) }
	apply := func(evs []store.Event) {
		for _, ev := range evs {
			is.apply(ev)
		}
	}
	_ = store.Follow(ctx, is.st, Prefix, rev, resync, apply, store.FollowOptions{Logger: is.log})
}

// apply handles one watched change.
func (is *Issuer) apply(ev store.Event) {
	kv := ev.KV
	switch {
	case strings.HasPrefix(kv.Key, keysPrefix):
		kid := strings.TrimPrefix(kv.Key, keysPrefix)
		if ev.Type == store.EventDelete {
			is.update(func(s *state) {
				if old := s.keys[kid]; old != nil && old.revision < kv.Revision {
					delete(s.keys, kid)
				}
			})
			return
		}
		k, err := decodeKeyRecord(is.aead, kv.Key, kv.Value, kv.Revision)
		if err != nil {
			is.log.Error("issuer: skipping unusable signing key", "path", kv.Key, "err", err)
			return
		}
		is.update(func(s *state) { s.putKey(k) })
	case strings.HasPrefix(kv.Key, accountsPrefix):
		account, ok := accountFromPath(kv.Key)
		if !ok {
			return
		}
		enabled := ev.Type == store.EventPut && decodeAccountRecord(kv.Value)
		is.update(func(s *state) { s.setAccount(account, enabled, kv.Revision) })
	}
}
