package issuer

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/background"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/store"
)

// Token lifetimes: GetWebIdentityToken's DurationSeconds is at most 3,600
// (STS API Reference), and relying parties commonly allow five minutes of
// clock skew on exp (stsd's own verifier does).
const (
	MaxTokenLifetime = time.Hour
	ClockSkew        = 5 * time.Minute
	// Retain is how long a key stays published after its successor
	// started signing: until every token it signed has expired.
	Retain = MaxTokenLifetime + ClockSkew
)

// Options configure an Issuer. Zero fields take the defaults.
type Options struct {
	// URL is the issuer identifier (the iss claim): https://host[:port][/path],
	// or http:// for development. Required.
	URL string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// RotateEvery is how long a key signs before its successor takes over
	// (default 7 days; at least 2 minutes).
	RotateEvery time.Duration
	// PrePublish is how long a new key is published before it signs
	// (default 1 hour, at most half of RotateEvery).
	PrePublish time.Duration
	// CheckEvery is how often the background loop rotates and deletes
	// keys when due (default 1 minute).
	CheckEvery time.Duration
	// Logger receives key events (default: discard); never key material.
	Logger *slog.Logger
}

func (o *Options) withDefaults() error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RotateEvery <= 0 {
		o.RotateEvery = 7 * 24 * time.Hour
	}
	if o.RotateEvery < 2*time.Minute {
		return fmt.Errorf("issuer: rotation interval %v: must be at least 2m", o.RotateEvery)
	}
	if o.PrePublish <= 0 {
		o.PrePublish = time.Hour
	}
	o.PrePublish = min(o.PrePublish, o.RotateEvery/2)
	if o.CheckEvery <= 0 {
		o.CheckEvery = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return CheckURL(o.URL, true)
}

// CheckURL validates an issuer URL: an absolute http(s) URL with a host,
// no user information, query or fragment, and no trailing slash (the iss
// claim must equal it byte for byte, and discovery appends
// "/.well-known/…"). http:// is accepted only when allowHTTP is set.
func CheckURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("issuer URL %q: must be https://host[:port][/path] without user, query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP {
			return fmt.Errorf("issuer URL %q: must be https:// (http:// only with allow_http_issuers, for development)", raw)
		}
	default:
		return fmt.Errorf("issuer URL %q: must be https://host[:port][/path]", raw)
	}
	if strings.HasSuffix(raw, "/") {
		return fmt.Errorf("issuer URL %q: must not end with a slash", raw)
	}
	return nil
}

// state is an immutable snapshot of what the issuer knows; updates
// replace it.
type state struct {
	keys     map[string]*signingKey // by kid
	accounts map[string]int64       // enabled accounts → record revision
}

func (s *state) clone() *state {
	return &state{keys: maps.Clone(s.keys), accounts: maps.Clone(s.accounts)}
}

// Issuer signs tokens with keys kept in the store and publishes them. It
// is safe for concurrent use.
type Issuer struct {
	st    store.Store
	aead  cipher.AEAD
	opts  Options
	log   *slog.Logger
	state atomic.Pointer[state]
	mu    sync.Mutex // serialises replacements of state
	loops *background.Loops
}

// Open loads the issuer's keys and accounts from st, creates the first key
// of each algorithm if there is none, then follows the store and rotates
// in the background until Close.
func Open(ctx context.Context, st store.Store, master secret.Bytes, opts Options) (*Issuer, error) {
	if err := opts.withDefaults(); err != nil {
		return nil, err
	}
	aead, err := newSealAEAD(master)
	if err != nil {
		return nil, err
	}
	is := &Issuer{st: st, aead: aead, opts: opts, log: opts.Logger}
	is.state.Store(&state{keys: map[string]*signingKey{}, accounts: map[string]int64{}})
	rev, err := is.load(ctx)
	if err != nil {
		return nil, err
	}
	if err := is.Maintain(ctx); err != nil {
		return nil, err
	}
	is.loops = background.Start(
		func(ctx context.Context) { is.watchLoop(ctx, rev) },
		background.Every(opts.CheckEvery, is.Maintain, is.log, "issuer: maintenance failed"),
	)
	return is, nil
}

// Close stops the background goroutines and waits for them.
func (is *Issuer) Close() error {
	is.loops.Stop()
	return nil
}

// URL is the issuer identifier.
func (is *Issuer) URL() string { return is.opts.URL }

// update replaces the state with a modified copy.
func (is *Issuer) update(change func(*state)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	next := is.state.Load().clone()
	change(next)
	is.state.Store(next)
}

// putKey installs key unless memory has a newer revision of it.
func (s *state) putKey(k *signingKey) {
	if old := s.keys[k.kid]; old != nil && old.revision >= k.revision {
		return
	}
	s.keys[k.kid] = k
}

// chains returns each algorithm's keys, oldest activation first (ties by
// kid, so every node orders them alike).
func chains(keys map[string]*signingKey) map[string][]*signingKey {
	out := map[string][]*signingKey{}
	for _, k := range keys {
		out[k.alg] = append(out[k.alg], k)
	}
	for _, c := range out {
		slices.SortFunc(c, func(a, b *signingKey) int {
			if d := a.activate.Compare(b.activate); d != 0 {
				return d
			}
			return strings.Compare(a.kid, b.kid)
		})
	}
	return out
}

// signerAt is the key of chain that signs at now: the newest one already
// active, or nil.
func signerAt(chain []*signingKey, now time.Time) *signingKey {
	for i := len(chain) - 1; i >= 0; i-- {
		if !chain[i].activate.After(now) {
			return chain[i]
		}
	}
	return nil
}

// publishedAt reports whether chain[i] is published at now: unless its
// successor has been signing for Retain.
func publishedAt(chain []*signingKey, i int, now time.Time) bool {
	return i+1 >= len(chain) || now.Before(chain[i+1].activate.Add(Retain))
}

// ErrNoSigningKey: no key of the algorithm is active (the store lost them
// and no node has rotated since).
var ErrNoSigningKey = errors.New("issuer: no active signing key")

// current returns the key that signs alg now.
func (is *Issuer) current(alg string) (*signingKey, error) {
	k := signerAt(chains(is.state.Load().keys)[alg], is.opts.Now())
	if k == nil {
		return nil, fmt.Errorf("%w for %s", ErrNoSigningKey, alg)
	}
	return k, nil
}

// Published lists the kids of the keys in the JWKS now, by algorithm then
// activation.
func (is *Issuer) Published() []string {
	var kids []string
	for _, k := range is.published() {
		kids = append(kids, k.kid)
	}
	return kids
}

func (is *Issuer) published() []*signingKey {
	now := is.opts.Now()
	cs := chains(is.state.Load().keys)
	var out []*signingKey
	for _, alg := range Algorithms {
		c := cs[alg]
		for i, k := range c {
			if publishedAt(c, i, now) {
				out = append(out, k)
			}
		}
	}
	return out
}

// SigningKeyID is the kid that signs alg now ("" when none).
func (is *Issuer) SigningKeyID(alg string) string {
	k, err := is.current(alg)
	if err != nil {
		return ""
	}
	return k.kid
}
