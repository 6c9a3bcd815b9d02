package issuer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// load lists the issuer's records and installs them, returning the store
// revision to watch from. With strict, a key the master key cannot open
// is an error (at start: a node with another master key must not run);
// otherwise it is logged and skipped.
func (is *Issuer) load(ctx context.Context, strict bool) (int64, error) {
	kvs, rev, err := is.st.List(ctx, Prefix)
	if err != nil {
		return 0, fmt.Errorf("issuer: loading keys: %w", err)
	}
	next := &state{keys: map[string]*signingKey{}, accounts: map[string]int64{}}
	for _, kv := range kvs {
		switch {
		case strings.HasPrefix(kv.Key, keysPrefix):
			k, err := decodeKeyRecord(is.aead, kv.Key, kv.Value, kv.Revision)
			if err != nil {
				if strict && errors.Is(err, errKeyUnseal) {
					return 0, err
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
	return rev, nil
}

// watchLoop applies the store's changes until ctx ends, listing again
// whenever the watch is lost or compacted.
func (is *Issuer) watchLoop(ctx context.Context, rev int64) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		events, err := is.st.Watch(ctx, Prefix, rev)
		if err == nil {
			backoff = 100 * time.Millisecond
			for ev := range events {
				is.apply(ev)
				rev = ev.KV.Revision
			}
			if ctx.Err() != nil {
				return
			}
		} else if ctx.Err() != nil {
			return
		} else if !errors.Is(err, store.ErrCompacted) {
			is.log.Warn("issuer: watch failed", "err", err)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 30*time.Second)
		}
		listRev, err := is.load(ctx, false)
		if err != nil {
			is.log.Warn("issuer: resync failed", "err", err)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		rev = listRev
	}
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

// sleep waits d or until ctx ends; false means ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
