package bootstrap

import (
	"context"
	"strings"
	"testing"
)

const oauthFile = `version: 1
oauth_providers:
  - provider_id: auth.example.com
    introspection_url: https://auth.example.com/oauth2/introspect
    client_id: stsd
    client_secret_env: AUTH_CLIENT_SECRET
    tags:
      team: platform
  - provider_id: hydra.internal
    introspection_url: https://hydra.internal:4445/admin/oauth2/introspect
    client_id: "stsd client"
    client_secret_file: /run/secrets/hydra
roles:
  - name: api
    trust_policy:
      Version: 2012-10-17
      Statement:
        - Effect: Allow
          Principal: {Federated: auth.example.com}
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringEquals: {"auth.example.com:app_id": web-app}
`

// OAuth providers are applied, exported with their secret's source (never
// a secret), read back to no change, and planned field by field, deleted
// last but before OIDC providers.
func TestOAuthProvidersRoundTrip(t *testing.T) {
	repo, st := newRepo(t)
	ctx := context.Background()
	changes, err := Apply(ctx, repo, account, parse(t, oauthFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 3 || changes[0].Kind != KindOAuthProvider || changes[0].Action != Created ||
		changes[0].ARN != "stsd:oauth-provider:"+account+":auth.example.com" {
		t.Fatalf("changes: %+v", changes)
	}
	got, err := repo.GetOAuthProvider(ctx, account, "hydra.internal")
	if err != nil || got.ClientID != "stsd client" || got.ClientSecretFile != "/run/secrets/hydra" || got.ClientSecretEnv != "" {
		t.Fatalf("stored %+v, %v", got, err)
	}
	// Applying again changes nothing.
	rev := storeRevision(t, st)
	if _, err := Apply(ctx, repo, account, parse(t, oauthFile)); err != nil || storeRevision(t, st) != rev {
		t.Fatalf("second apply wrote (%v)", err)
	}

	text := exportText(t, repo)
	want := "\noauth_providers:\n  - provider_id: auth.example.com\n    introspection_url: https://auth.example.com/oauth2/introspect\n" +
		"    client_id: stsd\n    client_secret_env: AUTH_CLIENT_SECRET\n    tags:\n      team: platform\n\n" +
		"  - provider_id: hydra.internal\n    introspection_url: https://hydra.internal:4445/admin/oauth2/introspect\n" +
		"    client_id: stsd client\n    client_secret_file: /run/secrets/hydra\n"
	if !strings.Contains(text, want) {
		t.Fatalf("export:\n%s\nwant it to contain:\n%s", text, want)
	}
	if p := makePlan(t, repo, parse(t, text)); !p.Empty() {
		t.Fatalf("the export plans changes:\n%s", p)
	}

	// Every managed field is planned and applied.
	edited := strings.NewReplacer(
		"https://auth.example.com/oauth2/introspect", "https://auth.example.com/v2/introspect",
		"client_secret_env: AUTH_CLIENT_SECRET", "client_secret_file: /etc/stsd/auth-secret",
		"      team: platform\n", "      team: identity\n",
	).Replace(oauthFile)
	edited = edited[:strings.Index(edited, "  - provider_id: hydra.internal")] + edited[strings.Index(edited, "roles:"):]
	plan := makePlan(t, repo, parse(t, edited))
	wantPlan := "~ oauth-provider auth.example.com: introspection_url: https://auth.example.com/oauth2/introspect → https://auth.example.com/v2/introspect\n" +
		"~ oauth-provider auth.example.com: client_secret_env: AUTH_CLIENT_SECRET → (none)\n" +
		"~ oauth-provider auth.example.com: client_secret_file: (none) → /etc/stsd/auth-secret\n" +
		"~ oauth-provider auth.example.com: tags: {team: platform} → {team: identity}\n" +
		"- oauth-provider hydra.internal (stsd:oauth-provider:" + account + ":hydra.internal)\n" +
		"\nPlan: 0 to create, 1 to update, 1 to delete.\n"
	if plan.String() != wantPlan {
		t.Fatalf("plan:\n%s\nwant:\n%s", plan, wantPlan)
	}
	if _, err := plan.Apply(ctx, repo); err != nil {
		t.Fatal(err)
	}
	got, err = repo.GetOAuthProvider(ctx, account, "auth.example.com")
	if err != nil || got.IntrospectionURL != "https://auth.example.com/v2/introspect" || got.ClientSecretEnv != "" ||
		got.ClientSecretFile != "/etc/stsd/auth-secret" || got.Tags[0].Value != "identity" {
		t.Fatalf("after apply: %+v, %v", got, err)
	}
	if _, err := repo.GetOAuthProvider(ctx, account, "hydra.internal"); err == nil {
		t.Fatal("hydra.internal was not deleted")
	}
	if p := makePlan(t, repo, parse(t, edited)); !p.Empty() {
		t.Fatalf("re-plan:\n%s", p)
	}
}

func TestOAuthProviderProblems(t *testing.T) {
	src := `oauth_providers:
  - provider_id: https://auth.example.com
    introspection_url: http://auth.example.com/introspect
    client_id: stsd
  - provider_id: auth.example.com
    introspection_url: https://auth.example.com/introspect
    client_id: stsd
    client_secret_env: A
    client_secret_file: relative/path
  - provider_id: auth.example.com
    client_secret_file: relative/path
`
	wantProblems(t, problems(t, src, Options{}), []string{
		"boot.yaml:2:18: oauth_providers[0].provider_id: InvalidInput: The provider id https://auth.example.com must be a host name: letters, digits, '.', '-' and '_', without scheme or port.",
		"boot.yaml:3:24: oauth_providers[0].introspection_url: InvalidInput: The introspection URL must be an https URL (http only on loopback with --allow-http-issuers) without user info or fragment.",
		"boot.yaml:2:5: oauth_providers[0]: InvalidInput: Set client_secret_env or client_secret_file: the introspection endpoint authenticates stsd.",
		"boot.yaml:5:5: oauth_providers[1]: InvalidInput: Set one of client_secret_env and client_secret_file, not both.",
		"boot.yaml:10:18: oauth_providers[2].provider_id: duplicate provider id auth.example.com (also oauth_providers[1])",
		"boot.yaml:10:5: oauth_providers[2]: introspection_url is required",
		"boot.yaml:10:5: oauth_providers[2]: client_id is required",
		`boot.yaml:10:5: oauth_providers[2]: InvalidInput: The client secret file "relative/path" must be an absolute path: every node reads it.`,
	})
	// The secret itself has no place in the file.
	_, err := Parse([]byte("oauth_providers:\n  - provider_id: auth.example.com\n    client_secret: hunter2\n"), "boot.yaml", t.TempDir(), Options{})
	if err == nil || !strings.Contains(err.Error(), "field client_secret not found") {
		t.Fatalf("client_secret: %v", err)
	}
}
