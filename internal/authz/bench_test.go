package authz_test

import (
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

// BenchmarkEngineDecide is the engine's share of a front door's decision:
// one execute-api:Invoke check for a role session whose role has an inline
// policy (with conditions on a session tag and aws:SecureTransport) and a
// permissions boundary, and whose session carries an inline session
// policy, tags, a source identity and web-identity keys — the policies
// gathered from a real snapshot, every identity key filled.
func BenchmarkEngineDecide(b *testing.B) {
	w := newWorld(b)
	bound := w.policy("api-boundary", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","execute-api:ManageConnections"],"Resource":"*"},
	  {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/DELETE/*"}]}`)
	r := w.role("api-client", entity{boundary: bound, tags: []iam.Tag{{Key: "env", Value: "prod"}}, inline: map[string]string{"invoke": `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Invoke","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/*",
	   "Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"},"Bool":{"aws:SecureTransport":"true"}}},
	  {"Sid":"NoAdmin","Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/*/admin/*"}]}`}})
	s := w.session(r, "deploy-42", func(s *sessionT) {
		s.SourceIdentity = "octocat"
		s.FederatedProvider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
		s.Tags = []sessionTag{{Key: "team", Value: "payments"}}
		s.WebIdentity = map[string][]string{
			"token.actions.githubusercontent.com:sub": {"repo:octo/app:ref:refs/heads/main"},
			"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"},
		}
		s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3d4e5/prod/GET/*"}]}`
	})
	request := authz.Request{
		Caller: s,
		Checks: []authz.Check{{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/orders/17"}},
		Env: authz.Env{Time: testNow.Add(time.Second), SourceIP: "203.0.113.7", SecureTransport: true,
			UserAgent: "aws-sdk-go-v2/1.41.0 os/linux lang/go#1.26", RequestedRegion: "us-east-1"},
	}
	if !w.engine.Decide(request).Allowed {
		b.Fatal("denied")
	}
	b.ReportAllocs()
	for b.Loop() {
		if !w.engine.Decide(request).Allowed {
			b.Fatal("denied")
		}
	}
}
