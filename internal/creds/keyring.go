package creds

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/background"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
)

// KeyringOptions configure a Keyring. Zero fields take the defaults.
type KeyringOptions struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// RotateEvery is how long a key stays primary (default 24h).
	RotateEvery time.Duration
	// Retain is how long a retired key still opens tokens (default 13h:
	// the 12h maximum session lifetime plus a margin). It must cover the
	// longest session the STS layer issues.
	Retain time.Duration
	// CheckEvery is how often the background loop checks whether rotation
	// or deletion of retired keys is due (default 1m).
	CheckEvery time.Duration
	// LookupsPerSecond bounds the store lookups for token key ids that are
	// not in memory, so garbage tokens cannot hammer the store (default 5,
	// with an equal burst).
	LookupsPerSecond int
	// Logger receives keyring events (default: discard). It never sees
	// key material.
	Logger *slog.Logger
}

func (o *KeyringOptions) withDefaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RotateEvery <= 0 {
		o.RotateEvery = 24 * time.Hour
	}
	if o.Retain <= 0 {
		o.Retain = 13 * time.Hour
	}
	if o.CheckEvery <= 0 {
		o.CheckEvery = time.Minute
	}
	if o.LookupsPerSecond <= 0 {
		o.LookupsPerSecond = 5
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// keyset is an immutable snapshot of the keys in memory; updates replace it.
type keyset struct {
	primary    *tokenKey
	primaryRev int64 // store revision of keyring/primary
	since      time.Time
	keys       map[KeyID]*tokenKey
}

// Keyring seals and opens session tokens with keys kept in the store. It is
// safe for concurrent use.
type Keyring struct {
	st      store.Store
	wrap    cipher.AEAD
	opts    KeyringOptions
	log     *slog.Logger
	state   atomic.Pointer[keyset]
	mu      sync.Mutex // serialises replacements of state
	lookups *limiter
	opened  openedCache
	loops   *background.Loops
}

// OpenKeyring loads the keyring from st (creating the first key if there is
// none), then follows the store and rotates in the background until Close.
// A master key that does not unwrap the stored keys fails with
// ErrMasterKeyMismatch.
func OpenKeyring(ctx context.Context, st store.Store, master secret.Bytes, opts KeyringOptions) (*Keyring, error) {
	opts.withDefaults()
	wrap, err := newWrapAEAD(master)
	if err != nil {
		return nil, err
	}
	k := &Keyring{
		st:      st,
		wrap:    wrap,
		opts:    opts,
		log:     opts.Logger,
		lookups: newLimiter(opts.LookupsPerSecond, opts.Now),
	}
	rev, err := k.load(ctx)
	if errors.Is(err, ErrMasterKeyMismatch) {
		return nil, fmt.Errorf("%w: every node sharing a store needs the same master key (%s or the same master.key file)", err, MasterKeyEnv)
	}
	if err != nil {
		return nil, err
	}
	k.loops = background.Start(
		func(ctx context.Context) { k.watchLoop(ctx, rev) },
		background.Every(opts.CheckEvery, k.Maintain, k.log, "keyring: maintenance failed"),
	)
	return k, nil
}

// Close stops the background goroutines and waits for them.
func (k *Keyring) Close() error {
	k.loops.Stop()
	return nil
}

// Seal seals s into a session token with the primary key. It touches no
// store. It fails with *SessionError for an unusable session and
// *TokenTooLargeError when the token would exceed MaxSessionTokenSize.
func (k *Keyring) Seal(s *Session, opts SealOptions) (secret.String, error) {
	primary := k.state.Load().primary
	return sealToken(primary.id, primary.aead, s, opts)
}

// Open authenticates and decodes a session token. Every rejection of the
// token is a *TokenError (answer InvalidClientTokenId); any other error is
// a store failure while looking up a key not yet in memory. Open does not
// check expiry: see Session.Expired. The session returned is shared by
// every Open of the same token (see openedCache): never change it.
func (k *Keyring) Open(ctx context.Context, token string) (*Session, error) {
	set := k.state.Load()
	if e, ok := k.opened.get(token); ok {
		if key := set.keys[e.key]; key != nil && k.opens(set, key) {
			return e.s, nil
		}
	}
	s, id, err := k.open(ctx, set, token)
	if err != nil {
		return nil, err
	}
	k.opened.put(token, openedSession{key: id, s: s})
	return s, nil
}

// open is Open without the cache: decode the token, find its key, open it.
func (k *Keyring) open(ctx context.Context, set *keyset, token string) (*Session, KeyID, error) {
	raw, id, err := parseToken(token)
	if err != nil {
		return nil, id, err
	}
	key := set.keys[id]
	if key == nil {
		if key, err = k.lookup(ctx, id); err != nil {
			return nil, id, err
		}
	}
	if !k.opens(set, key) {
		return nil, id, ErrTokenUnknownKey
	}
	s, err := openRaw(key.aead, raw)
	return s, id, err
}

// opens reports whether key still opens tokens: a retired key opens
// until its window ends; the primary always opens.
func (k *Keyring) opens(set *keyset, key *tokenKey) bool {
	return key.openUntil.IsZero() || k.opts.Now().Before(key.openUntil) || set.primary.id == key.id
}

// PrimaryKeyID is the id of the key Seal uses now.
func (k *Keyring) PrimaryKeyID() KeyID { return k.state.Load().primary.id }

// KeyIDs lists the ids of the keys in memory, sorted.
func (k *Keyring) KeyIDs() []KeyID {
	ids := slices.Collect(maps.Keys(k.state.Load().keys))
	slices.SortFunc(ids, func(a, b KeyID) int { return slices.Compare(a[:], b[:]) })
	return ids
}

// lookup fetches a key that is not in memory (sealed by another node that
// rotated moments ago), within the lookup rate limit.
func (k *Keyring) lookup(ctx context.Context, id KeyID) (*tokenKey, error) {
	if !k.lookups.allow() {
		return nil, ErrTokenUnknownKey
	}
	kv, err := k.st.Get(ctx, keyPath(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrTokenUnknownKey
	}
	if err != nil {
		return nil, fmt.Errorf("creds: looking up token key %s: %w", id, err)
	}
	key, _, err := decodeKeyRecord(k.wrap, kv.Key, kv.Value, kv.Revision)
	if err != nil {
		k.log.Error("keyring: stored key unusable", "key_id", id.String(), "err", err)
		return nil, ErrTokenUnknownKey
	}
	k.update(func(s *keyset) { s.putKey(key) })
	return key, nil
}

// update replaces the state with a modified copy.
func (k *Keyring) update(change func(*keyset)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	next := k.state.Load().clone()
	change(next)
	k.state.Store(next)
}

func (s *keyset) clone() *keyset {
	if s == nil {
		return &keyset{keys: map[KeyID]*tokenKey{}}
	}
	c := *s
	c.keys = maps.Clone(s.keys)
	return &c
}

// putKey installs key unless memory already has a newer revision of it.
func (s *keyset) putKey(key *tokenKey) {
	if old := s.keys[key.id]; old != nil && old.revision >= key.revision {
		return
	}
	s.keys[key.id] = key
	if s.primary != nil && s.primary.id == key.id {
		s.primary = key
	}
}

// setPrimary makes the key primary unless memory has a newer primary.
func (s *keyset) setPrimary(key *tokenKey, rev int64, since time.Time) {
	if rev < s.primaryRev {
		return
	}
	s.putKey(key)
	s.primary = s.keys[key.id]
	s.primaryRev = rev
	s.since = since
}
