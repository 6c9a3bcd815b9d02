package oidc

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Key-set refresh policy.
const (
	// forcedRefreshInterval: at most one on-demand refresh per provider
	// per interval for tokens issued before the cached key set was
	// fetched (see startOnDemand); other requests fail fast meanwhile.
	forcedRefreshInterval = 30 * time.Second
	// onDemandFloor: at most one on-demand refresh per provider per
	// interval of any kind, including those for tokens issued after the
	// cached key set was fetched.
	onDemandFloor = time.Second
	// initialRetryInterval: with no usable keys at all, a failed fetch is
	// retried by a request no sooner than this.
	initialRetryInterval = 5 * time.Second
	// backgroundRetryInterval spaces background refreshes after a failure.
	backgroundRetryInterval = 30 * time.Second
	// staleIfError is how long keys stay usable after they stop being
	// fresh, when refreshes fail.
	staleIfError = 24 * time.Hour
	// negativeTTL remembers kids a refresh did not find.
	negativeTTL     = time.Minute
	maxNegativeKIDs = 256
)

// keyState is an immutable snapshot of a provider's keys.
type keyState struct {
	keys        *keyMaterial
	freshUntil  time.Time
	usableUntil time.Time
	// fetchedAt is the verifier's clock when the fetch that produced keys
	// started (zero for a static JWKS). A key the IdP published later can
	// be missing from keys; one published earlier cannot.
	fetchedAt time.Time
}

// refreshCall is one fetch in flight; waiters share its result.
type refreshCall struct {
	done  chan struct{}
	state *keyState // set on success
	err   *Error    // set on failure
}

// keySet manages one provider's keys: an atomically swapped snapshot read
// without locks on the hot path, and a mutex-guarded refresh state.
type keySet struct {
	v       *Verifier
	issuer  string
	jwksURL string // explicit JWKS URL ("" = discovery)
	static  bool
	// The provider settings this key set serves (see serves).
	staticJWKS  []byte
	thumbprints []string // lower-case
	issuerErr   error    // the issuer URL is not acceptable (scheme, host)
	staticErr   *Error   // the static JWKS does not parse
	client      *http.Client
	current     atomic.Pointer[keyState]
	lastUsed    atomic.Int64

	mu             sync.Mutex
	inflight       *refreshCall
	nextForced     time.Time // no on-demand refresh for a token older than the key set before this
	nextOnDemand   time.Time // no on-demand refresh at all before this (onDemandFloor)
	nextInitial    time.Time // no fetch without usable keys before this (after a failure)
	nextBackground time.Time
	lastErr        *Error
	negative       map[string]time.Time
	timer          *time.Timer // the next scheduled refresh
}

// key returns the verification key for a token, fetching only when no
// usable key set is cached or the kid is unknown. iat is the token's
// issued-at time, read from the not yet verified payload after every
// token-only check passed (see startOnDemand for why that is safe).
func (ks *keySet) key(ctx context.Context, alg *algorithm, kid string, iat time.Time) (crypto.PublicKey, *Error) {
	if ks.staticErr != nil {
		return nil, &Error{Reason: ks.staticErr.Reason, Cause: ks.staticErr.Cause}
	}
	now := ks.v.now()
	if sec := now.Unix(); ks.lastUsed.Load() != sec {
		ks.lastUsed.Store(sec) // written once a second, not per request
	}
	st := ks.current.Load()
	if st == nil || !now.Before(st.usableUntil) {
		return ks.keyWithoutCache(ctx, st, alg, kid, now)
	}
	if now.After(st.freshUntil) {
		ks.refreshInBackground(now)
	}
	key, tooMany, found := st.keys.lookup(alg, kid)
	ks.v.observer.KeyLookup(ks.issuer, found)
	if found {
		return key, nil
	}
	if tooMany {
		return nil, fail(ReasonTooManyKeys, "JWKS holds more than 100 keys of the token's type")
	}
	if ks.static {
		return nil, fail(ReasonUnknownKID, "kid not in the static JWKS")
	}
	call := ks.startOnDemand(st, now, kid, iat)
	if call == nil {
		return nil, fail(ReasonUnknownKID, "kid not in the cached key set; refresh rate-limited")
	}
	return ks.await(ctx, call, alg, kid, now)
}

func (ks *keySet) keyWithoutCache(ctx context.Context, seen *keyState, alg *algorithm, kid string, now time.Time) (crypto.PublicKey, *Error) {
	ks.v.observer.KeyLookup(ks.issuer, false)
	call := ks.startOnDemand(seen, now, "", time.Time{})
	if call == nil {
		ks.mu.Lock()
		last := ks.lastErr
		ks.mu.Unlock()
		if last == nil {
			last = fail(ReasonKeysUnavailable, "key fetch rate-limited")
		}
		return nil, &Error{Reason: last.Reason, Cause: last.Cause}
	}
	return ks.await(ctx, call, alg, kid, now)
}

// startOnDemand joins the fetch in flight or starts one if the rate limit
// allows; it returns nil when the caller must fail fast. seen is the key
// state the caller looked the kid up in; if a refresh has replaced it
// since, the caller gets the new keys without a fetch.
//
// With usable keys cached, the decision rests on the token's iat against
// the time the cached set was fetched:
//
//   - iat later than the fetch: the IdP may have published the key after
//     the fetch (it rotated and signs with the new key at once), so only a
//     refresh can verify the token. It refreshes at once, whatever the
//     negative cache says about the kid, at most once per onDemandFloor.
//   - iat no later than the fetch: the key, if genuine, was published
//     before the fetch and a refresh cannot help, so it stays behind the
//     negative cache and forcedRefreshInterval.
//
// Reading kid and iat before the signature is verified is safe: they only
// decide whether to fetch the provider's own key set from its registered
// URL; they never choose where keys come from nor whether a signature is
// accepted. A forger gains at most one fetch per onDemandFloor (a forged
// iat more than the 5 min clock skew in the future was already rejected,
// and only tokens for a registered issuer that passed every token-only
// check get here). The rule trusts the IdP's clock to within a second or
// so: a token whose iat is behind our fetch time falls back to the
// 30 s limit, as before.
func (ks *keySet) startOnDemand(seen *keyState, now time.Time, kid string, iat time.Time) *refreshCall {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	st := ks.current.Load()
	if st != seen && st != nil && now.Before(st.usableUntil) {
		return &refreshCall{done: closedDone, state: st}
	}
	if ks.inflight != nil {
		return ks.inflight
	}
	if st == nil || !now.Before(st.usableUntil) {
		// No usable keys: fetch, unless one failed very recently.
		if now.Before(ks.nextInitial) {
			return nil
		}
		return ks.startLocked()
	}
	if now.Before(ks.nextOnDemand) {
		return nil
	}
	if !iat.After(st.fetchedAt) {
		if until, ok := ks.negative[kid]; kid != "" && ok && now.Before(until) {
			return nil
		}
		if now.Before(ks.nextForced) {
			return nil
		}
		ks.nextForced = now.Add(forcedRefreshInterval)
	}
	ks.nextOnDemand = now.Add(onDemandFloor)
	return ks.startLocked()
}

// closedDone is the done channel of a refreshCall that is already over.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// refreshInBackground starts a refresh of stale keys unless one runs or a
// recent one failed; the caller keeps using the cached keys.
func (ks *keySet) refreshInBackground(now time.Time) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.inflight != nil || now.Before(ks.nextBackground) {
		return
	}
	ks.nextBackground = now.Add(backgroundRetryInterval)
	ks.startLocked()
}

// scheduleLocked arranges a refresh after d even if no request arrives, so
// keys the IdP removed stop verifying on time and keys stay warm. The lazy
// trigger in key covers clock jumps and missed timers. ks.mu must be held.
func (ks *keySet) scheduleLocked(d time.Duration) {
	if ks.timer != nil {
		ks.timer.Stop()
	}
	ks.timer = time.AfterFunc(ks.v.timerDelay(d), ks.refreshScheduled)
}

// refreshScheduled is the timer's refresh: it joins nothing and waits for
// nothing, and is skipped when a fetch is already in flight.
func (ks *keySet) refreshScheduled() {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.inflight == nil {
		ks.startLocked()
	}
}

// stopTimer cancels the scheduled refresh (Close, pruning).
func (ks *keySet) stopTimer() {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.timer != nil {
		ks.timer.Stop()
	}
}

// startLocked launches a detached fetch bounded by the fetch timeout and
// the verifier's lifetime. ks.mu must be held.
func (ks *keySet) startLocked() *refreshCall {
	call := &refreshCall{done: make(chan struct{})}
	ks.inflight = call
	if !ks.v.goBackground(func(ctx context.Context) { ks.refresh(ctx, call) }) {
		call.err = fail(ReasonKeysUnavailable, "verifier is closed")
		ks.inflight = nil
		close(call.done)
	}
	return call
}

func (ks *keySet) await(ctx context.Context, call *refreshCall, alg *algorithm, kid string, now time.Time) (crypto.PublicKey, *Error) {
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, fail(ReasonKeysUnavailable, "request ended while waiting for keys: %v", ctx.Err())
	}
	st := call.state
	if st == nil {
		if cur := ks.current.Load(); cur != nil && now.Before(cur.usableUntil) && kid != "" {
			return nil, &Error{Reason: ReasonUnknownKID, Cause: call.err}
		}
		return nil, &Error{Reason: call.err.Reason, Cause: call.err.Cause}
	}
	key, tooMany, found := st.keys.lookup(alg, kid)
	switch {
	case found:
		return key, nil
	case tooMany:
		return nil, fail(ReasonTooManyKeys, "JWKS holds more than 100 keys of the token's type")
	}
	ks.rememberUnknown(kid, now)
	return nil, fail(ReasonUnknownKID, "kid not in the refreshed key set")
}

func (ks *keySet) rememberUnknown(kid string, now time.Time) {
	if kid == "" {
		return
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.negative == nil || len(ks.negative) >= maxNegativeKIDs {
		ks.negative = make(map[string]time.Time)
	}
	ks.negative[kid] = now.Add(negativeTTL)
}

// refresh fetches and installs a new key set, keeping the old one on error.
func (ks *keySet) refresh(ctx context.Context, call *refreshCall) {
	start := time.Now()
	fetchedAt := ks.v.now()
	keys, maxAge, err := ks.fetch(ctx)
	took := time.Since(start)
	now := ks.v.now()

	ks.mu.Lock()
	if err == nil {
		fresh := now.Add(maxAge)
		call.state = &keyState{keys: keys, freshUntil: fresh, usableUntil: fresh.Add(staleIfError), fetchedAt: fetchedAt}
		ks.current.Store(call.state)
		ks.negative = nil
		ks.lastErr = nil
		ks.nextBackground = time.Time{}
		ks.nextInitial = time.Time{}
		ks.scheduleLocked(maxAge)
	} else {
		call.err = err
		ks.lastErr = err
		ks.nextInitial = now.Add(initialRetryInterval)
		if st := ks.current.Load(); st != nil && now.Before(st.usableUntil) {
			ks.scheduleLocked(backgroundRetryInterval)
		}
	}
	ks.inflight = nil
	ks.mu.Unlock()

	// Report before waking waiters, so metrics are in place when they return.
	outcome := FetchOK
	if err != nil {
		outcome = fetchOutcome(err)
		ks.v.logger.Warn("oidc key fetch failed", slog.String("issuer", ks.issuer),
			slog.String("reason", string(err.Reason)), slog.String("outcome", string(outcome)),
			slog.Any("cause", err.Cause))
	} else {
		ks.v.logger.Debug("oidc keys fetched", slog.String("issuer", ks.issuer),
			slog.Int("keys", keys.usable), slog.Duration("max_age", maxAge))
		if len(keys.skipped) > 0 {
			ks.v.logger.Info("oidc keys skipped", slog.String("issuer", ks.issuer), slog.Any("skipped", keys.skipped))
		}
	}
	ks.v.observer.JWKSFetch(ks.issuer, outcome, took)
	close(call.done)
}

// fetch runs discovery (unless a JWKS URL is configured) and the JWKS GET.
func (ks *keySet) fetch(ctx context.Context) (*keyMaterial, time.Duration, *Error) {
	jwksURL := ks.jwksURL
	if jwksURL == "" {
		doc, err := getDocument(ctx, ks.client, discoveryURL(ks.issuer), ks.v.cfg.AllowHTTPIssuers)
		if err != nil {
			return nil, 0, fetchErr(err)
		}
		if jwksURL, err = parseDiscovery(doc.body, ks.issuer); err != nil {
			return nil, 0, &Error{Reason: ReasonKeysUnavailable, Cause: fmt.Errorf("%w: %w", errInvalidDocument, err)}
		}
	}
	doc, err := getDocument(ctx, ks.client, jwksURL, ks.v.cfg.AllowHTTPIssuers)
	if err != nil {
		return nil, 0, fetchErr(err)
	}
	keys, err := parseJWKS(doc.body)
	if err != nil {
		return nil, 0, &Error{Reason: ReasonKeysUnavailable, Cause: fmt.Errorf("%w: %w", errInvalidDocument, err)}
	}
	return keys, doc.maxAge, nil
}

var errInvalidDocument = errorString("invalid discovery or JWKS document")

func fetchErr(err error) *Error {
	if errors.Is(err, errThumbprintMismatch) {
		return &Error{Reason: ReasonThumbprintMismatch, Cause: err}
	}
	return &Error{Reason: ReasonKeysUnavailable, Cause: err}
}

func fetchOutcome(e *Error) FetchOutcome {
	var netErr net.Error
	switch {
	case e.Reason == ReasonThumbprintMismatch:
		return FetchThumbprintMismatch
	case errors.Is(e.Cause, errBlockedAddress), errors.Is(e.Cause, errBlockedURL):
		return FetchBlocked
	case errors.Is(e.Cause, context.DeadlineExceeded), errors.As(e.Cause, &netErr) && netErr.Timeout():
		return FetchTimeout
	case errors.Is(e.Cause, errInvalidDocument), errors.Is(e.Cause, errBodyTooLarge):
		return FetchInvalid
	}
	return FetchError
}
