package authz_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

// FuzzSuppliedKeys supplies one arbitrary key (name, value, single or
// multivalued, for the request or for the check) for a role session with
// web-identity keys and a registered provider whose host path looks like
// a service prefix, and checks the engine's key rules: no key stsd fills
// and no web-identity key changes or appears; a key is honoured exactly
// when Supplied allows it and it names no provider; Supplied never allows
// an aws: key other than the request and resource keys.
func FuzzSuppliedKeys(f *testing.F) {
	for _, seed := range []string{
		"aws:PrincipalArn", "AWS:USERID", "aws:PrincipalTag/team", "aws:RequestTag/env", "aws:TagKeys",
		"aws:ResourceTag/owner", "s3:prefix", "token.actions.githubusercontent.com:sub", "idp:8443:sub",
		"IDP:8443:groups", "keycloak:sub", "aws:", ":x", "kms:EncryptionContext:aws:pi", "aws:SourceIp",
		"aws:requesttag/", "aws:tokenissuetime", "execute-api:stage",
	} {
		f.Add(seed, "v", false, false)
	}
	w := newWorld(f)
	p, err := w.repo.CreateProvider(w.ctx, iam.OIDCProvider{Account: acct, URL: "https://keycloak", ClientIDs: []string{"stsd"},
		Thumbprints: []string{strings.Repeat("b", 40)}})
	if err != nil {
		f.Fatal(err)
	}
	w.wait(p.Revision)
	r := w.role("fuzz", entity{tags: []iam.Tag{{Key: "team", Value: "red"}}})
	s := w.session(r, "s", func(s *sessionT) {
		s.SourceIdentity = "octocat"
		s.FederatedProvider = "arn:aws:iam::111122223333:oidc-provider/idp:8443"
		s.WebIdentity = map[string][]string{"idp:8443:sub": {"user"}, "token.actions.githubusercontent.com:aud": {"sts"}}
	})
	env := authz.Env{SourceIP: "203.0.113.7", UserAgent: "ua", RequestedRegion: "us-east-1"}
	check := authz.Check{Action: "s3:GetObject", Resource: objectARN}
	clean := w.engine.Decide(authz.Request{Caller: s, Env: env, Checks: []authz.Check{check}}).Checks[0].Context
	providerPrefixes := []string{"idp:8443:", "token.actions.githubusercontent.com:", "keycloak:"}

	f.Fuzz(func(t *testing.T, name, value string, multi, perCheck bool) {
		key := authz.Key{Name: name, Values: []string{value}, Multi: multi}
		req := authz.Request{Caller: s, Env: env, Checks: []authz.Check{check}}
		if perCheck {
			req.Checks[0].Keys = []authz.Key{key}
		} else {
			req.Keys = []authz.Key{key}
		}
		ctx := w.engine.Decide(req).Checks[0].Context
		for _, k := range clean.Keys() {
			want, wantMulti, _ := clean.Get(k)
			got, gotMulti, ok := ctx.Get(k)
			if !ok || !slices.Equal(got, want) || gotMulti != wantMulti {
				t.Fatalf("supplying %q changed %s: %v (multi %v), want %v", name, k, got, gotMulti, want)
			}
		}
		lower := strings.ToLower(name)
		namesProvider := false
		for _, p := range providerPrefixes {
			namesProvider = namesProvider || strings.HasPrefix(lower, p)
		}
		_, _, present := ctx.Get(name)
		_, _, wasPresent := clean.Get(name)
		honoured := authz.Supplied(name) && !namesProvider
		if !wasPresent && present != honoured {
			t.Fatalf("%q: present %v, want %v (Supplied %v, names a provider %v)", name, present, honoured, authz.Supplied(name), namesProvider)
		}
		if authz.Supplied(name) && strings.HasPrefix(lower, "aws:") {
			rest := lower[len("aws:"):]
			if rest != "tagkeys" && !strings.HasPrefix(rest, "requesttag/") && !strings.HasPrefix(rest, "resourcetag/") {
				t.Fatalf("Supplied(%q) allows a global key", name)
			}
		}
	})
}
