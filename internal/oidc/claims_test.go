package oidc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

func TestTimeRulesWithSkew(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	now := e.clock.Now().Unix()
	cases := []struct {
		name   string
		edit   func(map[string]any)
		reason Reason // "" = accepted
	}{
		{"expired inside skew", func(c map[string]any) { c["iat"] = now - 7200; c["exp"] = now - 299 }, ""},
		{"expired at skew", func(c map[string]any) { c["iat"] = now - 7200; c["exp"] = now - 300 }, ReasonExpired},
		{"expired outside skew", func(c map[string]any) { c["iat"] = now - 7200; c["exp"] = now - 301 }, ReasonExpired},
		{"nbf in future inside skew", func(c map[string]any) { c["nbf"] = now + 300 }, ""},
		{"nbf in future outside skew", func(c map[string]any) { c["nbf"] = now + 301 }, ReasonNotYetValid},
		{"nbf past", func(c map[string]any) { c["nbf"] = now - 10 }, ""},
		{"iat in future inside skew", func(c map[string]any) { c["iat"] = now + 300 }, ""},
		{"iat in future outside skew", func(c map[string]any) { c["iat"] = now + 301 }, ReasonIssuedInFuture},
		{"integer-valued string exp", func(c map[string]any) { c["exp"] = "1800003600" }, ""},
		{"large integer exp", func(c map[string]any) { c["exp"] = int64(maxUnixSeconds) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := e.claims()
			c.edit(claims)
			token := e.idp.Mint(claims)
			id, err := e.verify(token)
			if c.reason == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			wantRejected(t, id, err, token, c.reason)
		})
	}
}

func TestExpiredCarriesAWSFacts(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	now := e.clock.Now().Unix()
	claims := e.claims()
	claims["iat"], claims["exp"] = now-7200, now-3600
	_, err := e.verify(e.idp.Mint(claims))
	oe := wantReason(t, err, ReasonExpired)
	if oe.Now != now || oe.ExpiresAt != now-3600 || oe.Issuer != e.idp.Issuer() {
		t.Fatalf("facts = now %d exp %d iss %q", oe.Now, oe.ExpiresAt, oe.Issuer)
	}
}

func TestMaxTokenAge(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	e.prov.MaxTokenAge = 24 * time.Hour
	now := e.clock.Now().Unix()
	claims := e.claims()
	claims["iat"], claims["exp"] = now-441398, now+3600
	_, err := e.verify(e.idp.Mint(claims))
	if oe := wantReason(t, err, ReasonTooOld); oe.Age != 441398 {
		t.Fatalf("age = %d", oe.Age)
	}
	claims["iat"] = now - 86400
	if _, err := e.verify(e.idp.Mint(claims)); err != nil {
		t.Fatalf("exactly the maximum age: %v", err)
	}
	e.prov.MaxTokenAge = 0
	claims["iat"] = now - 441398
	if _, err := e.verify(e.idp.Mint(claims)); err != nil {
		t.Fatalf("no maximum age: %v", err)
	}
}

func TestRequiredClaims(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	for _, name := range []string{"iss", "aud", "sub", "iat", "exp"} {
		t.Run(name, func(t *testing.T) {
			claims := e.claims()
			delete(claims, name)
			token := e.idp.Mint(claims)
			id, err := e.verify(token)
			if oe := wantRejected(t, id, err, token, ReasonMissingClaim); oe.Claim != name {
				t.Fatalf("claim = %q", oe.Claim)
			}
		})
	}
	t.Run("aud empty array", func(t *testing.T) {
		claims := e.claims()
		claims["aud"] = []string{}
		_, err := e.verify(e.idp.Mint(claims))
		if oe := wantReason(t, err, ReasonMissingClaim); oe.Claim != "aud" {
			t.Fatalf("claim = %q", oe.Claim)
		}
	})
}

func TestClaimTypes(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	cases := []struct {
		name, claim string
		value       any
	}{
		{"iss number", "iss", 42},
		{"aud number", "aud", 42},
		{"aud array with number", "aud", []any{testAud, 42}},
		{"azp array", "azp", []string{testAud}},
		{"amr number", "amr", 7},
		{"amr mixed", "amr", []any{"pwd", 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			claims := e.claims()
			claims[c.claim] = c.value
			token := e.idp.Mint(claims)
			id, err := e.verify(token)
			if oe := wantRejected(t, id, err, token, ReasonInvalidClaim); oe.Claim != c.claim {
				t.Fatalf("claim = %q", oe.Claim)
			}
		})
	}
}

func TestSubjectAndAudienceForms(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	claims := e.claims()
	claims["sub"] = json.Number("12345678901234567890")
	claims["aud"] = []string{testAud}
	claims["amr"] = "pwd"
	id, err := e.verify(e.idp.Mint(claims))
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "12345678901234567890" || id.Audience != testAud || id.AMR[0] != "pwd" {
		t.Fatalf("identity = %+v", id)
	}
	// An empty sub names no one: it is treated as missing (AWS was seen
	// accepting it, sts-contract §5.5 [P]; stsd's choice is stricter).
	claims["sub"] = ""
	token := e.idp.Mint(claims)
	id, err = e.verify(token)
	if oe := wantRejected(t, id, err, token, ReasonMissingClaim); oe.Claim != "sub" {
		t.Fatalf("empty sub: claim = %q", oe.Claim)
	}
}

func TestIssuerMatchingIsExact(t *testing.T) {
	e := newEnv(t, fakeidp.Options{IssuerPath: "/realms/Dev/"})
	if _, err := e.verify(e.idp.Mint(e.claims())); err != nil {
		t.Fatalf("exact issuer with trailing slash: %v", err)
	}
	for _, iss := range []string{
		strings.TrimSuffix(e.idp.Issuer(), "/"),
		strings.Replace(e.idp.Issuer(), "Dev", "dev", 1),
		e.idp.Issuer() + "/",
		strings.Replace(e.idp.Issuer(), "http://", "HTTP://", 1),
	} {
		claims := e.claims()
		claims["iss"] = iss
		token := e.idp.Mint(claims)
		id, err := e.verify(token)
		if oe := wantRejected(t, id, err, token, ReasonIssuerUnknown); oe.Issuer != iss {
			t.Fatalf("issuer fact = %q, want %q", oe.Issuer, iss)
		}
	}
	if n := e.idp.Requests(e.idp.DiscoveryPath()); n != 1 {
		t.Fatalf("discovery requests = %d, want 1", n)
	}
}

func TestIssuerSchemeRules(t *testing.T) {
	idp := fakeidp.New(t, fakeidp.Options{})
	prov := providerFor(idp)
	token := idp.Mint(idp.Claims("s", testAud))
	strict := NewVerifier(Config{Logger: quietLogger()})
	t.Cleanup(strict.Close)
	_, err := strict.Verify(context.Background(), token, lookupOf(prov))
	wantReason(t, err, ReasonIssuerUnknown)

	lax := NewVerifier(Config{AllowHTTPIssuers: true, Logger: quietLogger()})
	t.Cleanup(lax.Close)
	for _, iss := range []string{"http://example.com", "ftp://127.0.0.1/", "127.0.0.1", "https://user@example.com", "https://example.com/?q=1"} {
		claims := idp.Claims("s", testAud)
		claims["iss"] = iss
		p := &Provider{URL: iss, ClientIDs: []string{testAud}}
		_, err := lax.Verify(context.Background(), idp.Mint(claims), lookupOf(p))
		if oe := wantReason(t, err, ReasonIssuerUnknown); oe.Issuer != iss {
			t.Fatalf("issuer fact = %q", oe.Issuer)
		}
	}
	if n := idp.TotalRequests(); n != 0 {
		t.Fatalf("rejected issuers caused %d requests", n)
	}
}

func TestLookupReturningAnotherProviderIsRejected(t *testing.T) {
	e := newEnv(t, fakeidp.Options{})
	other := &Provider{URL: "https://elsewhere.example", ClientIDs: []string{testAud}}
	_, err := e.v.Verify(context.Background(), e.idp.Mint(e.claims()), func(string) (*Provider, bool) { return other, true })
	wantReason(t, err, ReasonIssuerUnknown)
}
