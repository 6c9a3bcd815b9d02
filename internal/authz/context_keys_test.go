package authz_test

// The condition keys the engine fills itself (issue 10's list), checked
// for an IAM user, a role session and the account root against the IAM
// User Guide's "AWS global condition context keys"
// (reference_policies_condition-keys): each key's value, and whether the
// key is present at all for that kind of principal:
//
//   - aws:PrincipalArn: the user ARN; for a role session the role ARN (not
//     the session ARN); for root arn:aws:iam::<account>:root.
//   - aws:PrincipalType: "User", "AssumedRole", "Account".
//   - aws:userid: the user's unique id; "<role id>:<session name>"; the
//     account ID for root.
//   - aws:username: IAM users only ("requests that are made using the AWS
//     account root user or IAM roles do not include this key").
//   - aws:PrincipalTag/*: a user's tags; a role session's role tags and
//     session tags, a session tag overriding a role tag of the same key.
//   - aws:SourceIdentity, aws:FederatedProvider: role sessions that have
//     them.
//   - aws:TokenIssueTime, aws:MultiFactorAuthPresent: temporary
//     credentials only; long-term access keys carry neither.
//   - aws:CurrentTime, aws:EpochTime, aws:SecureTransport,
//     aws:ViaAWSService, aws:PrincipalIsAWSService, aws:ResourceAccount,
//     aws:PrincipalAccount: every request.
//   - aws:SourceIp, aws:UserAgent, aws:RequestedRegion: when observed.

import (
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// stsdKeys is every key the engine fills itself (issue 10).
var stsdKeys = []string{
	"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:userid", "aws:username",
	"aws:PrincipalTag/team", "aws:SourceIdentity", "aws:FederatedProvider", "aws:TokenIssueTime",
	"aws:MultiFactorAuthPresent", "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport",
	"aws:SourceIp", "aws:RequestedRegion", "aws:ResourceAccount", "aws:UserAgent", "aws:ViaAWSService",
	"aws:PrincipalIsAWSService",
}

// absent marks a key that must not be in the context.
const absent = "<absent>"

// contextOf decides a check and returns its request context.
func contextOf(t *testing.T, w *world, c *authn.Caller, r req) *policy.Context {
	t.Helper()
	if r.action == "" {
		r.action, r.resource = "s3:GetObject", objectARN
	}
	return w.decide(c, r).Checks[0].Context
}

func checkKeys(t *testing.T, who string, ctx *policy.Context, want map[string]string) {
	t.Helper()
	for _, k := range stsdKeys {
		w, ok := want[k]
		if !ok {
			t.Fatalf("%s: the test does not say what %s should be", who, k)
		}
		vs, _, present := ctx.Get(k)
		got := absent
		if present {
			got = strings.Join(vs, ",")
		}
		if got != w {
			t.Errorf("%s: %s = %q, want %q", who, k, got, w)
		}
	}
}

func TestContextKeysPerPrincipal(t *testing.T) {
	w := newWorld(t)
	env := authz.Env{SourceIP: "203.0.113.7", SecureTransport: true, UserAgent: "aws-sdk-go-v2/1.41.0", RequestedRegion: "eu-west-1"}
	common := map[string]string{
		"aws:PrincipalAccount": acct, "aws:CurrentTime": "2026-12-03T09:30:00Z", "aws:EpochTime": "1796290200",
		"aws:SecureTransport": "true", "aws:SourceIp": "203.0.113.7", "aws:RequestedRegion": "eu-west-1",
		"aws:ResourceAccount": acct, "aws:UserAgent": "aws-sdk-go-v2/1.41.0",
		"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false",
	}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	u := w.user("alice", entity{tags: []iam.Tag{{Key: "team", Value: "red"}}})
	checkKeys(t, "IAM user", contextOf(t, w, u, req{env: env}), with(map[string]string{
		"aws:PrincipalArn": userARNPrefix + "alice", "aws:PrincipalType": "User", "aws:userid": u.UserID,
		"aws:username": "alice", "aws:PrincipalTag/team": "red", "aws:SourceIdentity": absent,
		"aws:FederatedProvider": absent, "aws:TokenIssueTime": absent, "aws:MultiFactorAuthPresent": absent,
	}))

	r := w.role("deploy", entity{tags: []iam.Tag{{Key: "team", Value: "blue"}, {Key: "cost-center", Value: "42"}}})
	provider := "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	s := w.session(r, "run-7", func(s *sessionT) {
		s.SourceIdentity = "octocat"
		s.FederatedProvider = provider
		s.IssuedAt = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		s.Tags = []sessionTag{{Key: "Team", Value: "green"}}
	})
	ctx := contextOf(t, w, s, req{env: env})
	checkKeys(t, "role session", ctx, with(map[string]string{
		"aws:PrincipalArn": roleARNPrefix + "deploy", "aws:PrincipalType": "AssumedRole",
		"aws:userid": r.RoleID + ":run-7", "aws:username": absent,
		// The session tag Team overrides the role tag team (keys compare
		// without case).
		"aws:PrincipalTag/team": "green", "aws:SourceIdentity": "octocat",
		"aws:FederatedProvider": provider, "aws:TokenIssueTime": "2026-12-03T09:00:00Z",
		"aws:MultiFactorAuthPresent": "false",
	}))
	if vs, _, _ := ctx.Get("aws:PrincipalTag/cost-center"); len(vs) != 1 || vs[0] != "42" {
		t.Errorf("role session: the role's own tag cost-center = %v, want 42", vs)
	}

	checkKeys(t, "root", contextOf(t, w, root(), req{env: authz.Env{}}), map[string]string{
		"aws:PrincipalArn": accountRootARN, "aws:PrincipalAccount": acct, "aws:PrincipalType": "Account",
		"aws:userid": acct, "aws:username": absent, "aws:PrincipalTag/team": absent, "aws:SourceIdentity": absent,
		"aws:FederatedProvider": absent, "aws:TokenIssueTime": absent, "aws:MultiFactorAuthPresent": absent,
		"aws:CurrentTime": "2026-12-03T09:30:00Z", "aws:EpochTime": "1796290200", "aws:SecureTransport": "false",
		"aws:SourceIp": absent, "aws:RequestedRegion": absent, "aws:ResourceAccount": acct, "aws:UserAgent": absent,
		"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false",
	})

	// aws:ResourceAccount is the account owning the resource when the
	// service says so; Env.Time overrides the engine's clock.
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	res := w.engine.Decide(authz.Request{Caller: u, ResourceAccount: "444455556666", Env: authz.Env{Time: at},
		Checks: []authz.Check{{Action: "s3:GetObject", Resource: "arn:aws:s3:::theirs/a"}}})
	if vs, _, _ := res.Checks[0].Context.Get("aws:ResourceAccount"); len(vs) != 1 || vs[0] != "444455556666" {
		t.Errorf("aws:ResourceAccount = %v", vs)
	}
	if vs, _, _ := res.Checks[0].Context.Get("aws:CurrentTime"); len(vs) != 1 || vs[0] != "2027-01-02T03:04:05Z" {
		t.Errorf("aws:CurrentTime with Env.Time = %v", vs)
	}
}

// The role's tags are read from the live snapshot: a tag added to the role
// reaches its sessions' next decision.
func TestContextRoleTagsAreLive(t *testing.T) {
	w := newWorld(t)
	r := w.role("tagged", entity{inline: map[string]string{"abac": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/env":"prod"}}}]}`}})
	s := w.session(r, "s", nil)
	w.expect("untagged role", s, req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
	w.updateRole("tagged", func(r *iam.Role) { r.Tags = []iam.Tag{{Key: "env", Value: "prod"}} })
	w.expect("role tagged env=prod", s, req{action: "s3:GetObject", resource: objectARN}, allowed)
	// A session tag overrides the role's.
	w.expect("session tag env=dev overrides", w.session(r, "dev", func(s *sessionT) { s.Tags = []sessionTag{{Key: "ENV", Value: "dev"}} }),
		req{action: "s3:GetObject", resource: objectARN}, implicitDeny)
}

// A service cannot supply any key stsd fills itself, in any letter case,
// for the request or for one check: its value is ignored and stsd's own
// (or none) stands.
func TestContextStsdKeysCannotBeSupplied(t *testing.T) {
	w := newWorld(t)
	u := w.user("alice", entity{})
	r := w.role("deploy", entity{})
	s := w.session(r, "s", nil)
	spellings := func(k string) []string { return []string{k, strings.ToLower(k), strings.ToUpper(k)} }
	for _, c := range []*authn.Caller{u, s, root()} {
		for _, k := range stsdKeys {
			for _, name := range spellings(k) {
				forged := authz.Key{Name: name, Values: []string{"forged"}}
				clean := contextOf(t, w, c, req{})
				want, _, wantOK := clean.Get(k)
				for where, r := range map[string]req{
					"request keys": {keys: []authz.Key{forged}},
				} {
					got, _, ok := contextOf(t, w, c, r).Get(k)
					if ok != wantOK || strings.Join(got, ",") != strings.Join(want, ",") {
						t.Errorf("%s, %s %s: %v (present %v), want %v (present %v)", c.ARN, where, name, got, ok, want, wantOK)
					}
				}
				res := w.engine.Decide(authz.Request{Caller: c, Checks: []authz.Check{{Action: "s3:GetObject", Resource: objectARN, Keys: []authz.Key{forged}}}})
				got, _, ok := res.Checks[0].Context.Get(k)
				if ok != wantOK || strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s, check keys %s: %v (present %v), want %v (present %v)", c.ARN, name, got, ok, want, wantOK)
				}
			}
		}
	}
	// And so a policy conditioned on one cannot be satisfied by a forger.
	guarded := w.user("guarded", entity{inline: map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/clearance":"top"}}}]}`}})
	w.expect("forged aws:PrincipalTag", guarded, req{action: "s3:GetObject", resource: objectARN,
		keys: []authz.Key{{Name: "aws:PrincipalTag/clearance", Values: []string{"top"}}}}, implicitDeny)
}

// Request and resource keys (aws:RequestTag/*, aws:TagKeys,
// aws:ResourceTag/*) and service keys (s3:prefix, …) are the service's to
// supply, for the whole request or for one check.
func TestContextSuppliedKeysHonoured(t *testing.T) {
	w := newWorld(t)
	doc := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}},
	  {"Sid":"Tag","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/env":"dev"},"ForAllValues:StringEquals":{"aws:TagKeys":["env","owner"]}}},
	  {"Sid":"Res","Effect":"Allow","Action":"ec2:StopInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}]}`
	u := w.user("alice", entity{inline: map[string]string{"p": doc}})
	list := func(prefix string) req {
		return req{action: "s3:ListBucket", resource: "arn:aws:s3:::home", keys: []authz.Key{{Name: "s3:prefix", Values: []string{prefix}}}}
	}
	w.expect("s3:prefix in her home", u, list("home/alice/docs"), allowed)
	w.expect("s3:prefix elsewhere", u, list("home/bob/docs"), implicitDeny)
	w.expect("s3:prefix absent", u, req{action: "s3:ListBucket", resource: "arn:aws:s3:::home"}, implicitDeny)
	tag := func(env string, keys ...string) req {
		return req{action: "ec2:CreateTags", resource: "*", keys: []authz.Key{
			{Name: "aws:RequestTag/env", Values: []string{env}}, {Name: "aws:TagKeys", Values: keys, Multi: true}}}
	}
	w.expect("aws:RequestTag and aws:TagKeys", u, tag("dev", "env"), allowed)
	w.expect("aws:RequestTag wrong", u, tag("prod", "env"), implicitDeny)
	w.expect("aws:TagKeys outside the set", u, tag("dev", "env", "secret"), implicitDeny)
	stop := func(owner string) authz.Request {
		return authz.Request{Caller: u, Checks: []authz.Check{
			{Action: "ec2:StopInstances", Resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1", Keys: []authz.Key{{Name: "aws:ResourceTag/owner", Values: []string{owner}}}},
		}}
	}
	if !w.engine.Decide(stop("alice")).Allowed {
		t.Error("aws:ResourceTag on the check: denied")
	}
	if w.engine.Decide(stop("bob")).Allowed {
		t.Error("aws:ResourceTag of someone else's instance: allowed")
	}
	// Mixed case names are the same keys.
	w.expect("AWS:REQUESTTAG/ENV", u, req{action: "ec2:CreateTags", resource: "*", keys: []authz.Key{
		{Name: "AWS:REQUESTTAG/ENV", Values: []string{"dev"}}, {Name: "Aws:TagKeys", Values: []string{"env"}, Multi: true}}}, allowed)
}

// A key named like a session's web-identity key cannot override or add to
// the session's: only the session (its sealed token) carries them. That
// holds for providers whose host path looks like a service prefix
// ("idp:8443", "keycloak") too.
func TestContextWebIdentityKeysCannotBeSupplied(t *testing.T) {
	w := newWorld(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{
	  "token.actions.githubusercontent.com:sub":"repo:octo/app:ref:refs/heads/main"}}},
	  {"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"token.actions.githubusercontent.com:environment":"prod"}}},
	  {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*","Condition":{"StringEquals":{"idp:8443:sub":"admin"}}},
	  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"keycloak:groups":"admins"}}}]}`
	r := w.role("gha", entity{inline: map[string]string{"p": doc}})
	gha := w.session(r, "gha", func(s *sessionT) {
		s.FederatedProvider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
		s.WebIdentity = map[string][]string{
			"token.actions.githubusercontent.com:sub": {"repo:octo/app:ref:refs/heads/feature"},
			"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
		}
	})
	port := w.session(r, "port", func(s *sessionT) {
		s.FederatedProvider = "arn:aws:iam::111122223333:oidc-provider/idp:8443"
		s.WebIdentity = map[string][]string{"idp:8443:sub": {"user"}, "idp:8443:aud": {"stsd"}}
	})
	bare := w.session(r, "bare", func(s *sessionT) {
		s.FederatedProvider = "arn:aws:iam::111122223333:oidc-provider/keycloak"
		s.WebIdentity = map[string][]string{"keycloak:sub": {"u1"}}
	})
	forge := func(action, name, value string) req {
		return req{action: action, resource: objectARN, keys: []authz.Key{{Name: name, Values: []string{value}}}}
	}
	w.expect("override the session's sub", gha, forge("s3:GetObject", "token.actions.githubusercontent.com:sub", "repo:octo/app:ref:refs/heads/main"), implicitDeny)
	w.expect("override it in upper case", gha, forge("s3:GetObject", "TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB", "repo:octo/app:ref:refs/heads/main"), implicitDeny)
	w.expect("add a claim the session lacks", gha, forge("s3:PutObject", "token.actions.githubusercontent.com:environment", "prod"), implicitDeny)
	w.expect("override a provider-with-port key", port, forge("s3:DeleteObject", "idp:8443:sub", "admin"), implicitDeny)
	w.expect("override it in upper case", port, forge("s3:DeleteObject", "IDP:8443:SUB", "admin"), implicitDeny)
	w.expect("add to a one-label provider's keys", bare, forge("s3:ListBucket", "keycloak:groups", "admins"), implicitDeny)
	if vs, _, _ := contextOf(t, w, port, forge("s3:DeleteObject", "idp:8443:sub", "admin")).Get("idp:8443:sub"); len(vs) != 1 || vs[0] != "user" {
		t.Errorf("idp:8443:sub = %v, want the session's [user]", vs)
	}
	// A check's own keys are filtered the same way.
	res := w.engine.Decide(authz.Request{Caller: port, Checks: []authz.Check{{Action: "s3:DeleteObject", Resource: objectARN,
		Keys: []authz.Key{{Name: "idp:8443:sub", Values: []string{"admin"}}}}}})
	if res.Allowed {
		t.Error("a check's key overrode the session's web-identity key")
	}
}

// A key of a provider registered in the account cannot be supplied for
// any caller, even one whose session came from another provider (or a
// user, who has no web identity at all).
func TestContextRegisteredProviderKeysCannotBeSupplied(t *testing.T) {
	w := newWorld(t)
	p, err := w.repo.CreateProvider(w.ctx, iam.OIDCProvider{Account: acct, URL: "https://sso", ClientIDs: []string{"stsd"},
		Thumbprints: []string{strings.Repeat("a", 40)}})
	if err != nil {
		t.Fatal(err)
	}
	w.wait(p.Revision)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"sso:sub":"admin"}}}]}`
	u := w.user("alice", entity{inline: map[string]string{"p": doc}})
	w.expect("a user supplies sso:sub", u, req{action: "s3:GetObject", resource: objectARN,
		keys: []authz.Key{{Name: "sso:sub", Values: []string{"admin"}}}}, implicitDeny)
	w.expect("a user supplies SSO:SUB", u, req{action: "s3:GetObject", resource: objectARN,
		keys: []authz.Key{{Name: "SSO:SUB", Values: []string{"admin"}}}}, implicitDeny)
	// A service key of a prefix no provider uses is still honoured.
	svc := w.user("bob", entity{inline: map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"ssox:thing":"1"}}}]}`}})
	w.expect("an unrelated service key", svc, req{action: "s3:GetObject", resource: objectARN,
		keys: []authz.Key{{Name: "ssox:thing", Values: []string{"1"}}}}, allowed)
}
