package iam

import (
	"strings"
	"testing"
)

func testOAuthProvider() OAuthProvider {
	return OAuthProvider{Account: acct, ProviderID: "auth.example.com", IntrospectionURL: "https://auth.example.com/oauth2/introspect",
		ClientID: "stsd", ClientSecretEnv: "AUTH_CLIENT_SECRET", Tags: []Tag{{Key: "team", Value: "platform"}}}
}

// An OAuth provider is stored, read back, updated, listed, seen by the
// snapshot by its exact id, and deleted.
func TestOAuthProviderLifecycle(t *testing.T) {
	repo, st := newTestRepo(t)
	ctx := testCtx(t)
	c := startCache(t, st)
	p, err := repo.CreateOAuthProvider(ctx, testOAuthProvider())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateOAuthProvider(ctx, testOAuthProvider()); KindOf(err) != KindAlreadyExists {
		t.Fatalf("duplicate: %v", err)
	}
	if err := c.WaitRevision(ctx, p.Revision); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Current().OAuthProvider(acct, "auth.example.com"); !ok || got.ClientID != "stsd" || got.ClientSecretEnv != "AUTH_CLIENT_SECRET" {
		t.Fatalf("snapshot: %+v %v", got, ok)
	}
	for _, id := range []string{"AUTH.example.com", "auth.example.com.", "arn:aws:iam::" + acct + ":oidc-provider/auth.example.com"} {
		if _, ok := c.Current().OAuthProvider(acct, id); ok {
			t.Fatalf("%s found: ids match exactly", id)
		}
	}
	if _, ok := c.Current().OAuthProvider(otherAcct, "auth.example.com"); ok {
		t.Fatal("found in another account")
	}
	up, err := repo.UpdateOAuthProvider(ctx, acct, "auth.example.com", func(x *OAuthProvider) error {
		x.ClientSecretEnv, x.ClientSecretFile = "", "/run/secrets/auth"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.UpdateOAuthProvider(ctx, acct, "auth.example.com", func(x *OAuthProvider) error {
		x.ProviderID = "other.example.com"
		return nil
	}); err == nil {
		t.Fatal("the id changed")
	}
	if err := c.WaitRevision(ctx, up.Revision); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Current().OAuthProvider(acct, "auth.example.com"); got.ClientSecretFile != "/run/secrets/auth" || got.ClientSecretEnv != "" {
		t.Fatalf("after update: %+v", got)
	}
	list, err := repo.ListOAuthProviders(ctx, acct)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := repo.DeleteOAuthProvider(ctx, acct, "auth.example.com"); err != nil {
		t.Fatal(err)
	}
	kv, _, _ := st.List(ctx, KeyPrefix)
	for _, e := range kv {
		if strings.Contains(e.Key, "oauth") {
			t.Fatalf("left %s", e.Key)
		}
	}
	if _, err := repo.GetOAuthProvider(ctx, acct, "auth.example.com"); KindOf(err) != KindNotFound {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestOAuthProviderValidation(t *testing.T) {
	bad := map[string]func(p *OAuthProvider){
		"short id":            func(p *OAuthProvider) { p.ProviderID = "a.b" },
		"id with scheme":      func(p *OAuthProvider) { p.ProviderID = "https://auth.example.com" },
		"id with port":        func(p *OAuthProvider) { p.ProviderID = "auth.example.com:443" },
		"http URL":            func(p *OAuthProvider) { p.IntrospectionURL = "http://auth.example.com/introspect" },
		"URL with user info":  func(p *OAuthProvider) { p.IntrospectionURL = "https://u:p@auth.example.com/introspect" },
		"URL with fragment":   func(p *OAuthProvider) { p.IntrospectionURL = "https://auth.example.com/introspect#x" },
		"no client id":        func(p *OAuthProvider) { p.ClientID = "" },
		"client id with tab":  func(p *OAuthProvider) { p.ClientID = "a\tb" },
		"no secret":           func(p *OAuthProvider) { p.ClientSecretEnv = "" },
		"two secrets":         func(p *OAuthProvider) { p.ClientSecretFile = "/run/secret" },
		"bad variable":        func(p *OAuthProvider) { p.ClientSecretEnv = "1SECRET" },
		"relative file":       func(p *OAuthProvider) { p.ClientSecretEnv, p.ClientSecretFile = "", "secret.txt" },
		"reserved tag prefix": func(p *OAuthProvider) { p.Tags = []Tag{{Key: "aws:x", Value: "y"}} },
	}
	for name, mutate := range bad {
		p := testOAuthProvider()
		mutate(&p)
		if err := p.Validate(URLOptions{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	p := testOAuthProvider()
	p.IntrospectionURL = "http://127.0.0.1:9000/introspect?realm=x"
	if err := p.Validate(URLOptions{AllowHTTPLoopback: true}); err != nil {
		t.Errorf("loopback http with --allow-http-issuers: %v", err)
	}
	if err := p.Validate(URLOptions{}); err == nil {
		t.Error("loopback http without --allow-http-issuers: accepted")
	}
}
