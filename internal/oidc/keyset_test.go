package oidc

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

func TestIdPDownKeepsCachedKeysWorking(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	token := e.idp.Mint(e.claims())
	if _, err := e.verify(token); err != nil {
		t.Fatal(err)
	}
	e.idp.SetDown(true)
	e.idp.ResetRequests()
	// Stale (past the 1 h default max-age): still served, refreshed in the background.
	e.clock.Advance(2 * time.Hour)
	fresh := e.idp.Mint(e.claims())
	if _, err := e.verify(fresh); err != nil {
		t.Fatalf("stale keys while the IdP is down: %v", err)
	}
	e.waitBackground()
	if n := e.idp.TotalRequests(); n != 1 {
		t.Fatalf("background refresh attempts = %d, want 1", n)
	}
	if got := e.obs.fetchCount(FetchError); got != 1 {
		t.Fatalf("failed fetches observed = %d, want 1", got)
	}
	// Failed refreshes back off: more requests within 30 s start no fetch.
	for range 10 {
		if _, err := e.verify(fresh); err != nil {
			t.Fatal(err)
		}
	}
	e.waitBackground()
	if n := e.idp.TotalRequests(); n != 1 {
		t.Fatalf("refresh attempts during backoff = %d, want 1", n)
	}
	// 24 h of stale-if-error later the keys are unusable.
	e.clock.Advance(24 * time.Hour)
	late := e.idp.Mint(e.claims())
	_, err := e.verify(late)
	wantReason(t, err, ReasonKeysUnavailable)
	// The IdP comes back: after the retry interval the next request fetches.
	e.idp.SetDown(false)
	e.clock.Advance(initialRetryInterval)
	if _, err := e.verify(late); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestRotatedKeyPickedUpAndRemovedKeyStopsVerifying(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	old := e.idp.SigningKey("RS256")
	oldToken := e.idp.Mint(e.claims())
	if _, err := e.verify(oldToken); err != nil {
		t.Fatal(err)
	}
	e.idp.Rotate("RS256")
	newToken := e.idp.Mint(e.claims())
	if _, err := e.verify(newToken); err != nil {
		t.Fatalf("rotated key not picked up: %v", err)
	}
	if n := e.idp.Requests(e.idp.JWKSPath()); n != 2 {
		t.Fatalf("JWKS requests = %d, want 2 (initial + one on-demand)", n)
	}
	e.idp.Remove(old.KID)
	// Still cached until the key set goes stale and a refresh completes.
	if _, err := e.verify(oldToken); err != nil {
		t.Fatalf("removed key before refresh: %v", err)
	}
	e.clock.Advance(time.Hour + time.Second)
	oldToken = e.idp.Mint(e.claims(), fakeidp.WithKey(old))
	if _, err := e.verify(oldToken); err != nil {
		t.Fatalf("stale cache still serves the old key: %v", err)
	}
	e.waitBackground()
	_, err := e.verify(oldToken)
	wantReason(t, err, ReasonUnknownKID)
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatalf("current key after refresh: %v", err)
	}
}

func TestConcurrentRotationBurstSharesOneFetch(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatal(err)
	}
	e.idp.Rotate("RS256")
	e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{Delay: 100 * time.Millisecond})
	token := e.idp.Mint(e.claims())
	errs := make(chan error, 200)
	for range 200 {
		go func() { _, err := e.verify(token); errs <- err }()
	}
	for range 200 {
		if err := <-errs; err != nil {
			t.Fatalf("request during the shared refresh: %v", err)
		}
	}
	if n := e.idp.Requests(e.idp.JWKSPath()); n != 2 {
		t.Fatalf("JWKS requests = %d, want 2", n)
	}
}

func TestCacheControlDrivesRefresh(t *testing.T) {
	cases := []struct {
		header string
		fresh  time.Duration
	}{
		{"", time.Hour},
		{"public, max-age=120", 2 * time.Minute},
		{"no-cache", time.Minute},
		{"max-age=0", time.Minute},
		{"max-age=999999", 24 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{})
			e.idp.SetCacheControl(c.header)
			token := e.idp.Mint(e.claims())
			if _, err := e.verify(token); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(c.fresh - time.Second)
			token = e.idp.Mint(e.claims())
			if _, err := e.verify(token); err != nil {
				t.Fatal(err)
			}
			e.waitBackground()
			if n := e.idp.Requests(e.idp.JWKSPath()); n != 1 {
				t.Fatalf("fetches before max-age = %d, want 1", n)
			}
			e.clock.Advance(2 * time.Second)
			token = e.idp.Mint(e.claims())
			if _, err := e.verify(token); err != nil {
				t.Fatal(err)
			}
			e.waitBackground()
			if n := e.idp.Requests(e.idp.JWKSPath()); n != 2 {
				t.Fatalf("fetches after max-age = %d, want 2", n)
			}
		})
	}
}

func TestCachedKeysNeedNoRequests(t *testing.T) {
	e := newEnv(t, fakeidp.Options{Algs: []string{"ES256"}})
	token := e.idp.Mint(e.claims())
	if _, err := e.verify(token); err != nil {
		t.Fatal(err)
	}
	e.idp.ResetRequests()
	for range 100 {
		if _, err := e.verify(token); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.idp.TotalRequests(); n != 0 {
		t.Fatalf("cached verifies made %d requests", n)
	}
	e.obs.mu.Lock()
	defer e.obs.mu.Unlock()
	if e.obs.hits != 100 || e.obs.misses != 1 {
		t.Fatalf("cache hits/misses = %d/%d, want 100/1", e.obs.hits, e.obs.misses)
	}
}

func TestStaticJWKSAndExplicitJWKSURL(t *testing.T) {
	idp := fakeidp.New(t, fakeidp.Options{Algs: []string{"ES384"}})
	v := NewVerifier(Config{AllowHTTPIssuers: true, Logger: quietLogger()})
	t.Cleanup(v.Close)
	token := idp.Mint(idp.Claims("system:serviceaccount:ns:sa", testAud))

	static := providerFor(idp)
	static.StaticJWKS = fakeidp.JWKS(idp.PublishedKeys()...)
	if _, err := v.Verify(context.Background(), token, lookupOf(static)); err != nil {
		t.Fatalf("static JWKS: %v", err)
	}
	if n := idp.TotalRequests(); n != 0 {
		t.Fatalf("static JWKS made %d requests", n)
	}
	other, _ := fakeidp.GenerateKey("ES384")
	_, err := v.Verify(context.Background(), idp.Mint(idp.Claims("s", testAud), fakeidp.WithKey(other)), lookupOf(static))
	wantReason(t, err, ReasonUnknownKID)
	if n := idp.TotalRequests(); n != 0 {
		t.Fatalf("static JWKS with unknown kid made %d requests", n)
	}

	bad := providerFor(idp)
	bad.StaticJWKS = []byte(`{"keys":[]}`)
	_, err = v.Verify(context.Background(), token, lookupOf(bad))
	wantReason(t, err, ReasonKeysUnavailable)

	explicit := providerFor(idp)
	explicit.JWKSURL = idp.JWKSURL()
	idp.SetDiscoveryIssuer("https://wrong.example") // discovery must not be consulted
	if _, err := v.Verify(context.Background(), token, lookupOf(explicit)); err != nil {
		t.Fatalf("explicit JWKS URL: %v", err)
	}
	if n := idp.Requests(idp.DiscoveryPath()); n != 0 {
		t.Fatalf("discovery requests with an explicit JWKS URL = %d", n)
	}
}

func TestTokensWithoutKID(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	token := e.idp.Mint(e.claims(), fakeidp.WithoutHeader("kid"))
	if _, err := e.verify(token); err != nil {
		t.Fatalf("no kid, one key: %v", err)
	}
	e.idp.AddKey("RS256")
	e.clock.Advance(2 * time.Hour) // let the refresh see two keys
	token = e.idp.Mint(e.claims(), fakeidp.WithoutHeader("kid"))
	if _, err := e.verify(token); err != nil {
		t.Fatalf("stale single key: %v", err)
	}
	e.waitBackground()
	_, err := e.verify(token)
	wantReason(t, err, ReasonUnknownKID)
	for name, kid := range map[string]any{"number": 7, "null": nil, "object": map[string]any{}} {
		t.Run(name, func(t *testing.T) {
			_, err := e.verify(e.idp.Mint(e.claims(), fakeidp.WithHeader("kid", kid)))
			wantReason(t, err, ReasonMalformed)
		})
	}
}

func TestJWKFiltering(t *testing.T) {
	cases := []struct {
		name   string
		opts   []fakeidp.KeyOption
		usable bool
	}{
		{"plain", nil, true},
		{"use sig", []fakeidp.KeyOption{fakeidp.WithUse("sig")}, true},
		{"use enc", []fakeidp.KeyOption{fakeidp.WithUse("enc")}, false},
		{"key_ops verify", []fakeidp.KeyOption{fakeidp.WithKeyOps("verify")}, false},
		{"matching x5c", []fakeidp.KeyOption{fakeidp.WithX5C()}, true},
		{"mismatched x5c", []fakeidp.KeyOption{fakeidp.WithMismatchedX5C()}, false},
		{"JWK alg differs", []fakeidp.KeyOption{fakeidp.WithJWKAlg("RS512")}, true},
	}
	for _, alg := range []string{"RS256", "ES256"} {
		for _, c := range cases {
			t.Run(alg+"/"+c.name, func(t *testing.T) {
				e := newEnv(t, fakeidp.Options{Algs: []string{"ES384"}})
				k := e.idp.Rotate(alg, c.opts...)
				_, err := e.verify(e.idp.Mint(e.claims(), fakeidp.WithKey(k)))
				if c.usable && err != nil {
					t.Fatalf("usable key rejected: %v", err)
				}
				if !c.usable {
					wantReason(t, err, ReasonUnknownKID)
				}
			})
		}
	}
}

func TestAlgorithmMustFitKey(t *testing.T) {
	e := newEnv(t, fakeidp.Options{Algs: []string{"RS256", "ES256", "ES384"}})
	rsaKey, p256, p384 := e.idp.SigningKey("RS256"), e.idp.SigningKey("ES256"), e.idp.SigningKey("ES384")
	cases := []struct {
		name   string
		header map[string]any
		key    *fakeidp.Key
	}{
		{"ES256 header on RSA key", map[string]any{"alg": "ES256", "kid": rsaKey.KID}, p256},
		{"RS256 header on EC key", map[string]any{"alg": "RS256", "kid": p256.KID}, rsaKey},
		{"ES256 header on P-384 key", map[string]any{"alg": "ES256", "kid": p384.KID}, p256},
		{"ES384 signature under ES256 kid", map[string]any{"alg": "ES384", "kid": p256.KID}, p384},
		{"RS512 header, RS256 signature", map[string]any{"alg": "RS512", "kid": rsaKey.KID}, rsaKey},
	}
	payload := []byte(mustJSON(t, e.claims()))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			signAs := map[string]any{"alg": c.key.Alg, "kid": c.header["kid"]}
			signed, err := fakeidp.Sign(signAs, payload, c.key)
			if err != nil {
				t.Fatal(err)
			}
			// Re-head the token with the attack header but keep the signature.
			hdr, _ := fakeidp.Sign(c.header, payload, c.key)
			token := hdr[:indexDot(hdr)] + signed[indexDot(signed):]
			id, err := e.verify(token)
			wantRejected(t, id, err, token, ReasonBadSignature)
		})
	}
}

func TestCanceledRequestStopsWaiting(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{Delay: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.v.Verify(ctx, e.idp.Mint(e.claims()), lookupOf(e.prov))
	wantReason(t, err, ReasonKeysUnavailable)
	if time.Since(start) > 3*time.Second {
		t.Fatalf("waited %v after the request ended", time.Since(start))
	}
}

func TestCloseStopsFetchingButKeepsCache(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	token := e.idp.Mint(e.claims())
	if _, err := e.verify(token); err != nil {
		t.Fatal(err)
	}
	e.v.Close()
	if _, err := e.verify(token); err != nil {
		t.Fatalf("cached keys after Close: %v", err)
	}
	other := fakeidp.New(t, fakeidp.Options{Now: e.clock.Now})
	_, err := e.v.Verify(context.Background(), other.Mint(other.Claims("s", testAud)), lookupOf(providerFor(other)))
	wantReason(t, err, ReasonKeysUnavailable)
	if n := other.TotalRequests(); n != 0 {
		t.Fatalf("closed verifier made %d requests", n)
	}
}

func TestScheduledRefreshWithoutTraffic(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.v.timerDelay = func(d time.Duration) time.Duration { return d / 1000 } // max-age=60 → 60 ms
	e.idp.SetCacheControl("max-age=60")
	old := e.idp.SigningKey("RS256")
	oldToken := e.idp.Mint(e.claims())
	if _, err := e.verify(oldToken); err != nil {
		t.Fatal(err)
	}
	e.idp.Rotate("RS256")
	e.idp.Remove(old.KID)
	deadline := time.Now().Add(5 * time.Second)
	for e.idp.Requests(e.idp.JWKSPath()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled refresh happened")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for {
		_, err := e.verify(oldToken)
		if err != nil {
			wantReason(t, err, ReasonUnknownKID)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("removed key still verifies")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatalf("new key: %v", err)
	}
}

func TestColdStartThousandConcurrentRequestsFetchOnce(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{Delay: 50 * time.Millisecond})
	token := e.idp.Mint(e.claims())
	errs := make(chan error, 1000)
	for range 1000 {
		go func() { _, err := e.verify(token); errs <- err }()
	}
	for range 1000 {
		if err := <-errs; err != nil {
			t.Fatalf("cold-start request: %v", err)
		}
	}
	if d, j := e.idp.Requests(e.idp.DiscoveryPath()), e.idp.Requests(e.idp.JWKSPath()); d != 1 || j != 1 {
		t.Fatalf("discovery/JWKS requests = %d/%d, want 1/1", d, j)
	}
}
