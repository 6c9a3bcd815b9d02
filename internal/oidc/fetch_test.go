package oidc

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

func TestFetchFaults(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(e *env)
		outcome FetchOutcome
		cause   string
	}{
		{"discovery 500", func(e *env) { e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{Status: 500}) }, FetchError, "HTTP 500"},
		{"jwks 404", func(e *env) { e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{Status: 404}) }, FetchError, "HTTP 404"},
		{"discovery slow", func(e *env) { e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{Delay: 10 * time.Second}) }, FetchTimeout, ""},
		{"jwks slow", func(e *env) { e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{Delay: 10 * time.Second}) }, FetchTimeout, ""},
		{"discovery garbage", func(e *env) { e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{Body: []byte("<html>")}) }, FetchInvalid, "discovery"},
		{"jwks garbage", func(e *env) { e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{Body: []byte("\x00\xff{")}) }, FetchInvalid, "JWKS"},
		{"jwks empty set", func(e *env) { e.idp.SetRawJWKS([]byte(`{"keys":[]}`)) }, FetchInvalid, "no usable"},
		{"jwks huge", func(e *env) { e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{BodySize: 2 << 20}) }, FetchInvalid, "larger than"},
		{"discovery huge", func(e *env) { e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{BodySize: 1<<20 + 1}) }, FetchInvalid, "larger than"},
		{"wrong discovery issuer", func(e *env) { e.idp.SetDiscoveryIssuer(e.idp.Issuer() + "/") }, FetchInvalid, "does not equal"},
		{"discovery duplicate issuer", func(e *env) {
			e.idp.SetFault(e.idp.DiscoveryPath(), fakeidp.Fault{Body: []byte(`{"issuer":"` + e.idp.Issuer() + `","issuer":"x","jwks_uri":"` + e.idp.JWKSURL() + `"}`)})
		}, FetchInvalid, "duplicate"},
		{"jwks_uri not http", func(e *env) { e.idp.SetJWKSURI("ftp://127.0.0.1/keys") }, FetchBlocked, "scheme"},
		{"jwks_uri on another host over http", func(e *env) { e.idp.SetJWKSURI("http://example.com/keys") }, FetchBlocked, "loopback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, fakeidp.Options{})
			// A short budget for the cases that test it; the others get
			// room for a loaded machine (a 2 MiB body under -race on two
			// busy cores once took longer than 300 ms to start).
			e.v.fetchTimeout = 300 * time.Millisecond
			if c.outcome != FetchTimeout {
				e.v.fetchTimeout = 2 * time.Second
			}
			c.setup(e)
			token := e.idp.Mint(e.claims())
			start := time.Now()
			id, err := e.verify(token)
			oe := wantRejected(t, id, err, token, ReasonKeysUnavailable)
			if !strings.Contains(oe.Cause.Error(), c.cause) {
				t.Fatalf("cause %q does not mention %q", oe.Cause, c.cause)
			}
			if got := e.obs.fetchCount(c.outcome); got != 1 {
				t.Fatalf("fetch outcome %s observed %d times (%v)", c.outcome, got, e.obs.fetches)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Fatalf("failure took %v, budget is %v", took, e.v.fetchTimeout)
			}
			// A second request within the retry interval fails fast without a fetch.
			before := e.idp.TotalRequests()
			_, err = e.verify(token)
			wantReason(t, err, ReasonKeysUnavailable)
			if e.idp.TotalRequests() != before {
				t.Fatal("a failed fetch was retried immediately")
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	t.Run("three redirects are followed", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.idp.SetJWKSURI(e.idp.URL() + "/r1")
		e.idp.SetFault("/r1", fakeidp.Fault{RedirectTo: "/r2"})
		e.idp.SetFault("/r2", fakeidp.Fault{RedirectTo: "/r3"})
		e.idp.SetFault("/r3", fakeidp.Fault{RedirectTo: e.idp.JWKSPath()})
		if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
			t.Fatalf("3 redirects: %v", err)
		}
	})
	t.Run("four redirects are refused", func(t *testing.T) {
		e := newEnv(t, fakeidp.Options{})
		e.idp.SetJWKSURI(e.idp.URL() + "/r1")
		for i, next := range []string{"/r2", "/r3", "/r4", e.idp.JWKSPath()} {
			e.idp.SetFault("/r"+string(rune('1'+i)), fakeidp.Fault{RedirectTo: next})
		}
		_, err := e.verify(e.idp.Mint(e.claims()))
		if oe := wantReason(t, err, ReasonKeysUnavailable); !strings.Contains(oe.Cause.Error(), "redirects") {
			t.Fatalf("cause = %v", oe.Cause)
		}
		if n := e.idp.Requests(e.idp.JWKSPath()); n != 0 {
			t.Fatalf("JWKS reached after 4 redirects")
		}
	})
	t.Run("https to http is refused", func(t *testing.T) {
		plain := fakeidp.New(t, fakeidp.Options{})
		e := newEnv(t, fakeidp.Options{TLS: true})
		e.idp.SetFault(e.idp.JWKSPath(), fakeidp.Fault{RedirectTo: plain.JWKSURL()})
		_, err := e.verify(e.idp.Mint(e.claims()))
		if oe := wantReason(t, err, ReasonKeysUnavailable); !strings.Contains(oe.Cause.Error(), "https to http") {
			t.Fatalf("cause = %v", oe.Cause)
		}
		if n := plain.TotalRequests(); n != 0 {
			t.Fatalf("http target received %d requests", n)
		}
	})
}

func TestThumbprintFallback(t *testing.T) {
	cases := []struct {
		name        string
		roots       bool
		thumbprints func(*fakeidp.IdP) []string
		reason      Reason // "" = accepted
	}{
		{"trusted chain, no thumbprint", true, func(*fakeidp.IdP) []string { return nil }, ""},
		{"trusted chain, wrong thumbprint ignored", true, func(*fakeidp.IdP) []string { return []string{strings.Repeat("ab", 20)} }, ""},
		{"untrusted chain, no thumbprint", false, func(*fakeidp.IdP) []string { return nil }, ReasonKeysUnavailable},
		{"untrusted chain, wrong thumbprint", false, func(*fakeidp.IdP) []string { return []string{strings.Repeat("ab", 20)} }, ReasonThumbprintMismatch},
		{"untrusted chain, matching thumbprint", false, func(p *fakeidp.IdP) []string { return []string{p.Thumbprint()} }, ""},
		{"untrusted chain, upper-case thumbprint", false, func(p *fakeidp.IdP) []string {
			return []string{strings.Repeat("00", 20), strings.ToUpper(p.Thumbprint())}
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := newClock()
			idp := fakeidp.New(t, fakeidp.Options{TLS: true, Now: clock.Now})
			cfg := Config{Now: clock.Now, Logger: quietLogger(), AllowHTTPIssuers: true}
			if c.roots {
				cfg.RootCAs = idp.CAPool()
			} else {
				cfg.RootCAs = x509EmptyPool()
			}
			v := NewVerifier(cfg)
			t.Cleanup(v.Close)
			prov := providerFor(idp)
			prov.Thumbprints = c.thumbprints(idp)
			_, err := v.Verify(context.Background(), idp.Mint(idp.Claims("s", testAud)), lookupOf(prov))
			if c.reason == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			wantReason(t, err, c.reason)
		})
	}
}

func TestCheckDialAddress(t *testing.T) {
	cases := []struct {
		addr           string
		allowLinkLocal bool
		blocked        bool
	}{
		{"127.0.0.1:443", false, false},
		{"[::1]:443", false, false},
		{"10.0.0.5:443", false, false},
		{"93.184.216.34:443", false, false},
		{"169.254.169.254:80", false, true},
		{"169.254.0.1:443", false, true},
		{"[::ffff:169.254.169.254]:80", false, true},
		{"[fe80::1]:443", false, true},
		{"[fe80::1%eth0]:443", false, true},
		{"[fd00:ec2::254]:80", false, true},
		{"[fd00:ec2::253]:80", false, false},
		{"0.0.0.0:443", false, true},
		{"[::]:443", true, true},
		{"224.0.0.1:443", true, true},
		{"169.254.169.254:80", true, false},
		{"[fd00:ec2::254]:80", true, false},
		{"metadata.google.internal:80", false, true},
		{"[64:ff9b::a9fe:a9fe]:80", false, true},
		{"[64:ff9b::808:808]:443", false, false},
	}
	for _, c := range cases {
		err := checkDialAddress(c.addr, c.allowLinkLocal)
		if (err != nil) != c.blocked {
			t.Errorf("checkDialAddress(%q, %v) = %v, want blocked=%v", c.addr, c.allowLinkLocal, err, c.blocked)
		}
	}
}

func TestInsecureAllowLinkLocalStillNeedsHTTPS(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.v.cfg.InsecureAllowLinkLocal = true
	e.v.fetchTimeout = 200 * time.Millisecond
	e.idp.SetJWKSURI("http://169.254.169.254/latest/meta-data/")
	_, err := e.verify(e.idp.Mint(e.claims()))
	if oe := wantReason(t, err, ReasonKeysUnavailable); !strings.Contains(oe.Cause.Error(), "loopback") {
		t.Fatalf("cause = %v", oe.Cause)
	}
}

func TestCacheMaxAge(t *testing.T) {
	cases := []struct {
		header []string
		want   time.Duration
	}{
		{nil, time.Hour},
		{[]string{"max-age=600"}, 10 * time.Minute},
		{[]string{"public, max-age=86400, must-revalidate"}, 24 * time.Hour},
		{[]string{"max-age=31536000"}, 24 * time.Hour},
		{[]string{"max-age=5"}, time.Minute},
		{[]string{"max-age=0"}, time.Minute},
		{[]string{"no-cache"}, time.Minute},
		{[]string{"private", "no-store"}, time.Minute},
		{[]string{"max-age=abc"}, time.Hour},
		{[]string{"max-age=-5"}, time.Hour},
		{[]string{`max-age="120"`}, 2 * time.Minute},
		{[]string{"MAX-AGE=300"}, 5 * time.Minute},
		{[]string{"max-age=99999999999999999999999"}, time.Hour},
	}
	for _, c := range cases {
		h := http.Header{}
		for _, v := range c.header {
			h.Add("Cache-Control", v)
		}
		if got := cacheMaxAge(h); got != c.want {
			t.Errorf("cacheMaxAge(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func TestJWKSWithDuplicateMembersIsRejected(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	jwk := e.idp.SigningKey("RS256").JWK()
	raw := fmt.Sprintf(`{"keys":[{"kty":"RSA","kid":%q,"n":%q,"e":%q,"use":"sig","use":"enc"}]}`, jwk["kid"], jwk["n"], jwk["e"])
	e.idp.SetRawJWKS([]byte(raw))
	_, err := e.verify(e.idp.Mint(e.claims()))
	if oe := wantReason(t, err, ReasonKeysUnavailable); !strings.Contains(oe.Cause.Error(), "duplicate") {
		t.Fatalf("cause = %v", oe.Cause)
	}
}
