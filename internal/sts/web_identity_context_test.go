package sts

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/policy"
)

// ctxValue is one key of a trust context: its values and whether it is
// multivalued.
type ctxValue struct {
	values []string
	multi  bool
}

func one(v string) ctxValue             { return ctxValue{values: []string{v}} }
func list(v ...string) ctxValue         { return ctxValue{values: v, multi: true} }
func keysOf(c *policy.Context) []string { k := c.Keys(); slices.Sort(k); return k }

// TestTrustContext: the request context of an AssumeRoleWithWebIdentity
// trust evaluation has exactly the keys of sts-contract §6.1 and §6.2, with
// the provider's own claims only for the providers that define them.
func TestTrustContext(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const gh = "token.actions.githubusercontent.com"
	const provARN = "arn:aws:iam::111122223333:oidc-provider/" + gh
	id := &oidc.Identity{
		Subject: "repo:org/app:ref:refs/heads/main", Audience: "sts.amazonaws.com",
		OriginalAudience: []string{"sts.amazonaws.com"}, AMR: []string{"pwd", "mfa"}, AZP: "sts.amazonaws.com",
		Claims: map[string]any{"repository": "org/app", "ref": "refs/heads/main", "actor_id": float64(42),
			"ref_protected": true, "environment": []any{"not", "scalar"}, "custom": "not a key"},
	}
	base := func() *trustInput {
		return &trustInput{
			call:     &awsquery.Call{SourceIP: "192.0.2.10", SecureTransport: true, UserAgent: "aws-cli/2"},
			role:     &iam.Role{Account: "111122223333", Name: "ci", Tags: []iam.Tag{{Key: "Team", Value: "blue"}}},
			provider: &oidc.Provider{ARN: provARN}, hostPath: gh, id: id,
			in:  &webIdentityInput{RoleSessionName: "job-1", DurationSeconds: 900},
			now: now,
		}
	}
	common := map[string]ctxValue{
		"aws:FederatedProvider":   one(provARN),
		"aws:userid":              one(provARN),
		"aws:PrincipalAccount":    one("111122223333"),
		"aws:PrincipalType":       one("User"),
		"sts:RoleSessionName":     one("job-1"),
		"sts:DurationSeconds":     one("900"),
		"sts:RoleAuthorizedByIdp": one("false"),
		"aws:SourceIp":            one("192.0.2.10"),
		"aws:CurrentTime":         one("2026-11-22T10:00:00Z"),
		"aws:EpochTime":           one("1795341600"),
		"aws:SecureTransport":     one("true"),
		"aws:UserAgent":           one("aws-cli/2"),
		"iam:ResourceTag/Team":    one("blue"),
		"aws:ResourceTag/Team":    one("blue"),
		gh + ":aud":               one("sts.amazonaws.com"),
		gh + ":oaud":              list("sts.amazonaws.com"),
		gh + ":sub":               one("repo:org/app:ref:refs/heads/main"),
		gh + ":amr":               list("pwd", "mfa"),
		gh + ":azp":               one("sts.amazonaws.com"),
	}
	with := func(extra map[string]ctxValue, drop ...string) map[string]ctxValue {
		m := mergeKeys(common, extra)
		for _, k := range drop {
			delete(m, k)
		}
		return m
	}
	githubClaims := map[string]ctxValue{gh + ":repository": one("org/app"), gh + ":ref": one("refs/heads/main"), gh + ":actor_id": one("42")}
	for _, c := range []struct {
		name   string
		change func(*trustInput)
		want   map[string]ctxValue
	}{
		{name: "GitHub: its claims become keys", want: with(githubClaims)},
		{name: "another provider: no provider claims", change: func(t *trustInput) {
			t.hostPath = "idp.example.com"
		}, want: func() map[string]ctxValue {
			m := map[string]ctxValue{}
			for k, v := range common {
				if len(k) > len(gh) && k[:len(gh)] == gh {
					k = "idp.example.com" + k[len(gh):]
				}
				m[k] = v
			}
			return m
		}()},
		{name: "no amr, azp, user agent or role tags", change: func(t *trustInput) {
			i := *t.id
			i.AMR, i.AZP = nil, ""
			t.id = &i
			t.call.UserAgent = ""
			t.role.Tags = nil
		}, want: with(githubClaims, gh+":amr", gh+":azp", "aws:UserAgent", "iam:ResourceTag/Team", "aws:ResourceTag/Team")},
		{name: "authorized by the IdP, plain HTTP", change: func(t *trustInput) {
			t.authorizedByIdp = true
			t.call.SecureTransport = false
		}, want: with(mergeKeys(githubClaims, map[string]ctxValue{"sts:RoleAuthorizedByIdp": one("true"), "aws:SecureTransport": one("false")}))},
		{name: "session tags, transitive keys and source identity", change: func(t *trustInput) {
			t.session = &sessionClaims{Tags: []creds.Tag{{Key: "Project", Value: "x"}, {Key: "Cost", Value: "7"}},
				TransitiveTagKeys: []string{"Project"}, SourceIdentity: "alice"}
		}, want: with(mergeKeys(githubClaims, map[string]ctxValue{
			"aws:RequestTag/Project": one("x"), "aws:RequestTag/Cost": one("7"), "aws:TagKeys": list("Project", "Cost"),
			"sts:TransitiveTagKeys": list("Project"), "sts:SourceIdentity": one("alice"),
		}))},
		{name: "one transitive key is still a list", change: func(t *trustInput) {
			t.session = &sessionClaims{Tags: []creds.Tag{{Key: "Project", Value: "x"}}, TransitiveTagKeys: []string{"Project"}}
		}, want: with(mergeKeys(githubClaims, map[string]ctxValue{
			"aws:RequestTag/Project": one("x"), "aws:TagKeys": list("Project"), "sts:TransitiveTagKeys": list("Project"),
		}))},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			if c.change != nil {
				c.change(in)
			}
			got := trustContext(in)
			var wantKeys []string
			for k, v := range c.want {
				wantKeys = append(wantKeys, k)
				values, multi, ok := got.Get(k)
				if !ok || multi != v.multi || !reflect.DeepEqual(values, v.values) {
					t.Errorf("%s = %q (multi %v, present %v), want %q (multi %v)", k, values, multi, ok, v.values, v.multi)
				}
			}
			slices.Sort(wantKeys)
			if gotKeys := keysOf(got); !reflect.DeepEqual(gotKeys, wantKeys) {
				t.Errorf("keys %q,\nwant %q", gotKeys, wantKeys)
			}
		})
	}
}

// mergeKeys is a's keys and b's, b's winning.
func mergeKeys(a, b map[string]ctxValue) map[string]ctxValue {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}

// TestProviderClaimKeysHosts: which provider hosts get their own claim
// keys (sts-contract §6.2).
func TestProviderClaimKeysHosts(t *testing.T) {
	for host, want := range map[string]string{
		"token.actions.githubusercontent.com":           "repository",
		"token.actions.githubusercontent.com/my-ent":    "repository",
		"token.actions.example.ghe.com":                 "repository",
		"github.com/enterprises/acme":                   "repository",
		"gitlab.com":                                    "project_id",
		"agent.buildkite.com":                           "pipeline_slug",
		"agent.acme.buildkite.dev":                      "pipeline_slug",
		"agent.acme.buildkite.site":                     "pipeline_slug",
		"gitlab.example.com":                            "",
		"token.actions.githubusercontent.com.evil.test": "",
		"evil.test/token.actions.githubusercontent.com": "",
		"buildkite.com":                                 "",
	} {
		var got []string
		for _, pk := range providerClaimKeys {
			if pk.matches(host) {
				got = append(got, pk.claims...)
			}
		}
		if has := slices.Contains(got, want); want == "" && len(got) > 0 || want != "" && !has {
			t.Errorf("%s: claim keys %v, want %q among them", host, got, want)
		}
	}
}

// TestPersistentWebIdentityKeys: aud, sub and amr stay with the session
// (sts-contract §6.3); nothing else does.
func TestPersistentWebIdentityKeys(t *testing.T) {
	got := persistentWebIdentityKeys("idp.example.com", &oidc.Identity{Subject: "s", Audience: "a", AZP: "z",
		OriginalAudience: []string{"a", "b"}, AMR: []string{"pwd"}})
	want := map[string][]string{"idp.example.com:aud": {"a"}, "idp.example.com:sub": {"s"}, "idp.example.com:amr": {"pwd"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	got = persistentWebIdentityKeys("idp.example.com", &oidc.Identity{Subject: "s", Audience: "a"})
	if _, ok := got["idp.example.com:amr"]; ok || len(got) != 2 {
		t.Errorf("without amr: %v", got)
	}
}
