package oidc

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// Key rotation without a failure window: a token with an unknown kid whose
// iat is later than the cached key set's fetch time refreshes at once (at
// most once per second per provider); an older one stays behind the 30 s
// limit and the negative cache. All on the fake clock, against the fake
// IdP's real HTTP server, counting its JWKS fetches.

// junkSigned is a token with the given kid and claims and a signature no
// key made: it gets as far as the key lookup, which is all these tests need.
func junkSigned(t *testing.T, kid string, claims map[string]any) string {
	t.Helper()
	return seg(mustJSON(t, map[string]any{"alg": "RS256", "kid": kid})) + "." + seg(mustJSON(t, claims)) + "." + seg("junk signature")
}

// verifyAllUnknownKID verifies every token concurrently and requires
// unknown_kid for each.
func (e *env) verifyAllUnknownKID(tokens []string) {
	e.t.Helper()
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() { _, errs[i] = e.verify(tok) })
	}
	wg.Wait()
	for _, err := range errs {
		wantReason(e.t, err, ReasonUnknownKID)
	}
}

func (e *env) jwksFetches() int { return e.idp.Requests(e.idp.JWKSPath()) }

// The IdP rotates and signs with the new key at once, right after an
// on-demand fetch started the 30 s window: the new token is accepted on
// its first try.
func TestRotateThenSignAtOnceAcceptedFirstTry(t *testing.T) {
	t.Run("second rotation one second after the first", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatal(err)
		}
		e.idp.Rotate("RS256")
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("first rotation: %v", err)
		}
		if n := e.jwksFetches(); n != 2 {
			t.Fatalf("JWKS fetches = %d, want 2 (initial + on demand)", n)
		}
		e.clock.Advance(time.Second)
		e.idp.Rotate("RS256")
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("second rotation, within 30 s of the last fetch: %v", err)
		}
		if n := e.jwksFetches(); n != 3 {
			t.Fatalf("JWKS fetches = %d, want 3", n)
		}
	})
	t.Run("rotation just after a stray unknown kid forced a fetch", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatal(err)
		}
		_, err := e.verify(junkSigned(t, "stray", e.claims()))
		wantReason(t, err, ReasonUnknownKID)
		if n := e.jwksFetches(); n != 2 {
			t.Fatalf("JWKS fetches = %d, want 2", n)
		}
		e.clock.Advance(time.Second)
		e.idp.Rotate("RS256")
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("rotation right after a forced fetch: %v", err)
		}
	})
}

// 1,000 concurrent tokens with unknown kids and an iat older than the
// cached key set: a refresh cannot help them, so at most one fetch, and
// the 30 s limit still holds afterwards.
func TestUnknownKIDOldIATBurstFetchesAtMostOnce(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	fetchedAt := e.clock.Now()
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Second)
	e.idp.ResetRequests()
	old := e.claims()
	old["iat"] = fetchedAt.Add(-time.Minute).Unix()
	tokens := make([]string, 1000)
	for i := range tokens {
		tokens[i] = junkSigned(t, fmt.Sprintf("unknown-%d", i), old)
	}
	e.verifyAllUnknownKID(tokens)
	if n := e.jwksFetches(); n > 1 {
		t.Fatalf("JWKS fetched %d times, want at most 1", n)
	}
	// The IdP now publishes one of those kids: an old token signed with it
	// still waits for the 30 s limit.
	e.clock.Advance(5 * time.Second)
	k, err := fakeidp.GenerateKey("RS256", fakeidp.WithKID("unknown-7"))
	if err != nil {
		t.Fatal(err)
	}
	e.idp.Publish(k)
	_, err = e.verify(e.idp.Mint(old, fakeidp.WithKey(k)))
	wantReason(t, err, ReasonUnknownKID)
	if n := e.jwksFetches(); n > 1 {
		t.Fatalf("JWKS fetched %d times within 30 s for old tokens, want at most 1", n)
	}
}

// 1,000 concurrent tokens with unknown kids, every half second for four
// seconds: at most one fetch per second, with iat = now and with iat forged
// as far ahead as the clock skew allows (such a token is always newer than
// the key set, so only the one-second floor bounds it). The flood does not
// lock out a real rotation: a token signed with a new key right after it is
// accepted once the floor has passed.
func TestUnknownKIDNewIATFloodFetchesAtMostOncePerSecond(t *testing.T) {
	for name, ahead := range map[string]time.Duration{"iat now": 0, "iat forged 5 min ahead": clockSkew} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{})
			if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
				t.Fatal(err)
			}
			e.idp.ResetRequests()
			var lastFetch time.Time
			fetches := 0
			for step := range 8 {
				e.clock.Advance(500 * time.Millisecond)
				now := e.clock.Now()
				claims := e.claims()
				claims["iat"] = now.Add(ahead).Unix()
				tokens := make([]string, 1000)
				for i := range tokens {
					tokens[i] = junkSigned(t, fmt.Sprintf("flood-%d-%d", step, i), claims)
				}
				e.verifyAllUnknownKID(tokens)
				switch n := e.jwksFetches(); {
				case n > fetches+1:
					t.Fatalf("step %d: %d JWKS fetches for one burst", step, n-fetches)
				case n == fetches+1:
					if !lastFetch.IsZero() && now.Sub(lastFetch) < time.Second {
						t.Fatalf("step %d: JWKS fetched again %v after the last fetch", step, now.Sub(lastFetch))
					}
					lastFetch, fetches = now, n
				}
			}
			if fetches == 0 {
				t.Fatal("no fetch at all during the flood")
			}
			e.clock.Advance(time.Second)
			e.idp.Rotate("RS256")
			if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
				t.Fatalf("rotation after the flood: %v", err)
			}
		})
	}
}

// A kid that a refresh did not find is remembered for a minute, but that
// does not block a token issued after the key set was fetched: the IdP
// signed with the key a moment before it published it.
func TestNegativeCacheDoesNotBlockTokenNewerThanKeySet(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	start := e.clock.Now()
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	k, err := fakeidp.GenerateKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.verify(e.idp.Mint(e.claims(), fakeidp.WithKey(k))) // not published yet
	wantReason(t, err, ReasonUnknownKID)
	if n := e.jwksFetches(); n != 2 {
		t.Fatalf("JWKS fetches = %d, want 2", n)
	}
	e.clock.Advance(time.Second)
	e.idp.Publish(k)
	// Older than the key set: the negative cache still holds it back.
	old := e.claims()
	old["iat"] = start.Unix()
	_, err = e.verify(e.idp.Mint(old, fakeidp.WithKey(k)))
	wantReason(t, err, ReasonUnknownKID)
	if n := e.jwksFetches(); n != 2 {
		t.Fatalf("JWKS fetches = %d after an old token, want 2", n)
	}
	// Newer than the key set: refreshed at once and accepted.
	if _, err := e.verify(e.idp.Mint(e.claims(), fakeidp.WithKey(k))); err != nil {
		t.Fatalf("newer token with a negatively cached kid: %v", err)
	}
	if n := e.jwksFetches(); n != 3 {
		t.Fatalf("JWKS fetches = %d, want 3", n)
	}
}

// The iat-based refresh decision comes after every token-only check: a
// token newer than the key set with an unknown kid but a bad claim, an
// expired exp or an iat beyond the clock skew fetches nothing.
func TestNewerTokenCheapChecksBeforeAnyFetch(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.idp.ResetRequests()
	now := e.clock.Now().Unix()
	cases := []struct {
		name   string
		edit   func(map[string]any)
		reason Reason
	}{
		{"sub null", func(c map[string]any) { c["sub"] = nil }, ReasonInvalidClaim},
		{"expired", func(c map[string]any) { c["exp"] = now - 301 }, ReasonExpired},
		{"iat beyond the skew", func(c map[string]any) { c["iat"] = now + 301 }, ReasonIssuedInFuture},
		{"unregistered issuer", func(c map[string]any) { c["iss"] = "https://elsewhere.example" }, ReasonIssuerUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := e.claims()
			c.edit(claims)
			token := junkSigned(t, "never-seen", claims)
			id, err := e.verify(token)
			wantRejected(t, id, err, token, c.reason)
			if n := e.idp.TotalRequests(); n != 0 {
				t.Fatalf("rejected token caused %d requests to the IdP", n)
			}
		})
	}
	// The same token with sound claims is the one that refreshes.
	_, err := e.verify(junkSigned(t, "never-seen", e.claims()))
	wantReason(t, err, ReasonUnknownKID)
	if n := e.jwksFetches(); n != 1 {
		t.Fatalf("JWKS fetches = %d, want 1", n)
	}
}
