package oidc

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxKeySets bounds the provider cache; beyond it, key sets unused for a day
// are dropped when a new one is created.
const maxKeySets = 1024

// Verifier verifies web identity tokens against registered providers. It is
// safe for concurrent use; one Verifier serves every account.
type Verifier struct {
	cfg      Config
	now      func() time.Time
	logger   *slog.Logger
	observer Observer
	// fetchTimeout bounds one refresh (discovery and JWKS); tests shorten it.
	fetchTimeout time.Duration
	// timerDelay maps a refresh interval to a real timer delay; tests
	// shrink it.
	timerDelay func(time.Duration) time.Duration

	rootsOnce sync.Once
	roots     *x509.CertPool

	// sets is an immutable index replaced on every change (copy on write),
	// so the hot path reads it without a lock; mu serializes writers.
	sets  atomic.Pointer[keySetIndex]
	mu    sync.Mutex
	count int // key sets in the index

	// bgMu guards closed and bg.Add. Lock order: mu, then a keySet's mu,
	// then bgMu.
	bgMu    sync.Mutex
	closed  bool
	bg      sync.WaitGroup
	stopCtx context.Context
	stop    context.CancelFunc
}

// NewVerifier returns a Verifier. It starts no goroutine until a key set
// needs refreshing; Close stops background refreshes.
func NewVerifier(cfg Config) *Verifier {
	v := &Verifier{
		cfg:          cfg,
		now:          cfg.Now,
		logger:       cfg.Logger,
		observer:     cfg.Observer,
		fetchTimeout: fetchTimeout,
		timerDelay:   func(d time.Duration) time.Duration { return d },
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.logger == nil {
		v.logger = slog.Default()
	}
	if v.observer == nil {
		v.observer = nopObserver{}
	}
	v.sets.Store(&keySetIndex{})
	v.stopCtx, v.stop = context.WithCancel(context.Background())
	return v
}

// LoadRootCAs returns the system roots plus the PEM certificates in caFile,
// for Config.RootCAs.
func LoadRootCAs(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("oidc: reading CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("oidc: CA file %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// Close stops background refreshes, waits for them and releases idle
// connections. Verify keeps working with cached keys but fetches nothing.
func (v *Verifier) Close() {
	v.bgMu.Lock()
	v.closed = true
	v.bgMu.Unlock()
	v.stop()
	v.bg.Wait()
	var all []*keySet
	for _, list := range *v.sets.Load() {
		all = append(all, list...)
	}
	for _, ks := range all {
		ks.stopTimer()
		if ks.client != nil {
			ks.client.CloseIdleConnections()
		}
	}
}

// Verify checks a web identity token. lookup receives the token's raw iss
// and returns the provider registered with exactly that URL in the role's
// account. Structure, header and claims are checked before any I/O; with
// cached keys no I/O happens at all. Failures are *Error.
func (v *Verifier) Verify(ctx context.Context, token string, lookup func(iss string) (*Provider, bool)) (*Identity, error) {
	id, err := v.verify(ctx, token, lookup)
	if err != nil {
		return nil, err
	}
	return id, nil
}

func (v *Verifier) verify(ctx context.Context, token string, lookup func(iss string) (*Provider, bool)) (*Identity, *Error) {
	tok, err := parseCompact(token)
	if err != nil {
		return nil, err
	}
	iss, err := issuerClaim(tok.claims)
	if err != nil {
		return nil, err
	}
	var p *Provider
	var ok bool
	if lookup != nil {
		p, ok = lookup(iss)
	}
	if !ok || p == nil {
		return nil, &Error{Reason: ReasonIssuerUnknown, Issuer: iss, Cause: errNoProvider}
	}
	if p.URL != iss {
		return nil, &Error{Reason: ReasonIssuerUnknown, Issuer: iss, Cause: errIssuerMismatch}
	}
	ks := v.keySet(p)
	if ks.issuerErr != nil {
		return nil, &Error{Reason: ReasonIssuerUnknown, Issuer: iss, Cause: ks.issuerErr}
	}
	now := v.now()
	id, err := checkClaims(tok.claims, iss, p, now)
	if err != nil {
		err.Issuer = iss
		return nil, err
	}
	key, err := ks.key(ctx, tok.alg, tok.kid, id.IssuedAt)
	if err != nil {
		err.Issuer = iss
		return nil, err
	}
	if cause := verifySignature(tok.alg, key, tok.signingInput, tok.signature); cause != nil {
		return nil, &Error{Reason: ReasonBadSignature, Issuer: iss, Cause: cause}
	}
	if err := checkProviderRules(id, p, now); err != nil {
		err.Issuer = iss
		return nil, err
	}
	id.Algorithm, id.KeyID = tok.alg.name, tok.kid
	return id, nil
}

var (
	errNoProvider     = errorString("no provider registered for this issuer")
	errIssuerMismatch = errorString("lookup returned a provider with a different URL")
)

// checkIssuerURL requires https, or http to a loopback host when allowed.
func (v *Verifier) checkIssuerURL(iss string) error {
	if !strings.HasPrefix(iss, "https://") && !strings.HasPrefix(iss, "http://") {
		return errorString("issuer is not an https URL")
	}
	u, err := url.Parse(iss)
	if err != nil {
		return errorString("issuer is not a valid URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errorString("issuer has a query or fragment")
	}
	return checkFetchURL(u, v.cfg.AllowHTTPIssuers)
}

// keySet returns the provider's key set, creating it on first use (which
// does no I/O). Providers with the same URL, key source and thumbprints
// share one key set, whichever account registered them.
func (v *Verifier) keySet(p *Provider) *keySet {
	if ks := findKeySet((*v.sets.Load())[p.URL], p); ks != nil {
		return ks
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if ks := findKeySet((*v.sets.Load())[p.URL], p); ks != nil {
		return ks
	}
	if v.count >= maxKeySets {
		v.pruneLocked()
	}
	ks := v.newKeySet(p)
	old := *v.sets.Load()
	next := make(keySetIndex, len(old)+1)
	for url, list := range old {
		next[url] = list
	}
	next[p.URL] = append(slices.Clip(old[p.URL]), ks) // never writes into the published slice
	v.sets.Store(&next)
	v.count++
	return ks
}

// keySetIndex maps an issuer URL to its key sets (one per distinct key
// source). A published index is never modified.
type keySetIndex map[string][]*keySet

func findKeySet(list []*keySet, p *Provider) *keySet {
	for _, ks := range list {
		if ks.serves(p) {
			return ks
		}
	}
	return nil
}

// serves reports whether ks fetches keys exactly as p prescribes.
func (ks *keySet) serves(p *Provider) bool {
	if ks.jwksURL != p.JWKSURL || !bytes.Equal(ks.staticJWKS, p.StaticJWKS) || len(ks.thumbprints) != len(p.Thumbprints) {
		return false
	}
	for i, t := range p.Thumbprints {
		if !strings.EqualFold(ks.thumbprints[i], t) {
			return false
		}
	}
	return true
}

func (v *Verifier) newKeySet(p *Provider) *keySet {
	ks := &keySet{
		v:           v,
		issuer:      p.URL,
		jwksURL:     p.JWKSURL,
		staticJWKS:  bytes.Clone(p.StaticJWKS),
		thumbprints: make([]string, len(p.Thumbprints)),
		issuerErr:   v.checkIssuerURL(p.URL),
	}
	for i, t := range p.Thumbprints {
		ks.thumbprints[i] = strings.ToLower(t)
	}
	if len(p.StaticJWKS) > 0 {
		ks.static = true
		keys, err := parseJWKS(p.StaticJWKS)
		if err != nil {
			ks.staticErr = fail(ReasonKeysUnavailable, "static JWKS: %v", err)
			return ks
		}
		forever := time.Unix(maxUnixSeconds, 0)
		ks.current.Store(&keyState{keys: keys, freshUntil: forever, usableUntil: forever})
		return ks
	}
	ks.client = newHTTPClient(fetchPolicy{
		allowHTTP:      v.cfg.AllowHTTPIssuers,
		allowLinkLocal: v.cfg.InsecureAllowLinkLocal,
		roots:          v.rootCAs,
		thumbprints:    ks.thumbprints,
		timeout:        v.fetchTimeout,
		// Redirects to another host (checkRedirect in fetch.go).
		allowCrossHostRedirects: v.cfg.AllowCrossHostRedirects,
	})
	return ks
}

// pruneLocked publishes an index without the key sets unused for a day.
// v.mu must be held.
func (v *Verifier) pruneLocked() {
	cutoff := v.now().Add(-24 * time.Hour).Unix()
	next := keySetIndex{}
	for url, list := range *v.sets.Load() {
		var kept []*keySet
		for _, ks := range list {
			if ks.lastUsed.Load() >= cutoff {
				kept = append(kept, ks)
				continue
			}
			ks.stopTimer()
			if ks.client != nil {
				ks.client.CloseIdleConnections()
			}
			v.count--
		}
		if len(kept) > 0 {
			next[url] = kept
		}
	}
	v.sets.Store(&next)
}

// rootCAs returns Config.RootCAs or, loaded once, the system roots.
func (v *Verifier) rootCAs() *x509.CertPool {
	if v.cfg.RootCAs != nil {
		return v.cfg.RootCAs
	}
	v.rootsOnce.Do(func() {
		pool, err := x509.SystemCertPool()
		if err != nil {
			v.logger.Warn("oidc: system roots unavailable", slog.Any("error", err))
			pool = x509.NewCertPool()
		}
		v.roots = pool
	})
	return v.roots
}

// goBackground runs f in a tracked goroutine with a context bounded by the
// fetch timeout and canceled by Close. It reports false after Close.
func (v *Verifier) goBackground(f func(ctx context.Context)) bool {
	v.bgMu.Lock()
	defer v.bgMu.Unlock()
	if v.closed {
		return false
	}
	v.bg.Add(1)
	go func() {
		defer v.bg.Done()
		ctx, cancel := context.WithTimeout(v.stopCtx, v.fetchTimeout)
		defer cancel()
		f(ctx)
	}()
	return true
}

type nopObserver struct{}

func (nopObserver) JWKSFetch(string, FetchOutcome, time.Duration) {}
func (nopObserver) KeyLookup(string, bool)                        {}
