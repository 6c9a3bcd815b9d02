package oidc

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

const testAud = "sts.amazonaws.com"

// newClock is the clock shared by the verifier and the IdP.
func newClock() *testclock.Clock { return testclock.New(time.Unix(1_800_000_000, 0)) }

// countingObserver records observer calls.
type countingObserver struct {
	mu      sync.Mutex
	fetches map[FetchOutcome]int
	hits    int
	misses  int
}

func (o *countingObserver) JWKSFetch(_ string, outcome FetchOutcome, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fetches == nil {
		o.fetches = map[FetchOutcome]int{}
	}
	o.fetches[outcome]++
}

func (o *countingObserver) KeyLookup(_ string, hit bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if hit {
		o.hits++
	} else {
		o.misses++
	}
}

func (o *countingObserver) fetchCount(outcome FetchOutcome) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.fetches[outcome]
}

// env is a verifier wired to one fake IdP on a fake clock.
type env struct {
	t     *testing.T
	clock *testclock.Clock
	idp   *fakeidp.IdP
	v     *Verifier
	prov  *Provider
	obs   *countingObserver
}

func newEnv(t *testing.T, opts fakeidp.Options) *env {
	t.Helper()
	clock := newClock()
	opts.Now = clock.Now
	idp := fakeidp.New(t, opts)
	obs := &countingObserver{}
	cfg := Config{Now: clock.Now, AllowHTTPIssuers: true, Observer: obs, Logger: quietLogger()}
	if opts.TLS {
		cfg.RootCAs = idp.CAPool()
	}
	v := NewVerifier(cfg)
	t.Cleanup(v.Close)
	return &env{t: t, clock: clock, idp: idp, v: v, obs: obs, prov: providerFor(idp)}
}

func providerFor(idp *fakeidp.IdP) *Provider {
	return &Provider{
		ARN:       "arn:aws:iam::123456789012:oidc-provider/" + idp.Issuer(),
		URL:       idp.Issuer(),
		ClientIDs: []string{testAud},
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// lookupOf returns a lookup that knows exactly the given providers.
func lookupOf(providers ...*Provider) func(string) (*Provider, bool) {
	return func(iss string) (*Provider, bool) {
		for _, p := range providers {
			if p.URL == iss {
				return p, true
			}
		}
		return nil, false
	}
}

func (e *env) verify(token string) (*Identity, error) {
	return e.v.Verify(context.Background(), token, lookupOf(e.prov))
}

// claims returns valid claims for the env's IdP.
func (e *env) claims() map[string]any {
	return e.idp.Claims("repo:org/app:ref:refs/heads/main", testAud)
}

// wantReason asserts err is an *Error with reason.
func wantReason(t *testing.T, err error, reason Reason) *Error {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error = %v (%T), want *oidc.Error with reason %s", err, err, reason)
	}
	if oe.Reason != reason {
		t.Fatalf("reason = %s (%v), want %s", oe.Reason, oe, reason)
	}
	return oe
}

// waitBackground waits for background refreshes started so far.
func (e *env) waitBackground() { e.v.bg.Wait() }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func indexDot(s string) int { return strings.IndexByte(s, '.') }

func x509EmptyPool() *x509.CertPool { return x509.NewCertPool() }

func jsonNumber(s string) json.Number { return json.Number(s) }
