package creds

import (
	"crypto/cipher"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/secret"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// typicalSession is what AssumeRoleWithWebIdentity issues for a GitHub
// Actions job: provider ARN, aud and sub, no tags or policies.
func typicalSession() *Session {
	provider := "token.actions.githubusercontent.com"
	return &Session{
		AccountID:         "123456789012",
		RoleID:            "AROASBWKLLBJFBLYSYIDR",
		RoleName:          "deploy",
		RolePath:          "/ci/",
		SessionName:       "github-actions-run-1234567890",
		AccessKeyID:       "ASIAJ2SOZ7Q4IT5Z3XYM",
		SecretAccessKey:   secret.NewString("Kj8vN0s2hQ9mJ3xZ7pL1cR5tY8uB4eW6aD0fG2iH"),
		IssuedAt:          t0,
		Expiry:            t0.Add(time.Hour),
		FederatedProvider: "arn:aws:iam::123456789012:oidc-provider/" + provider,
		WebIdentity: map[string][]string{
			provider + ":aud": {"sts.amazonaws.com"},
			provider + ":sub": {"repo:example-org/example-repo:ref:refs/heads/main"},
		},
	}
}

// fullSession sets every field.
func fullSession() *Session {
	s := typicalSession()
	s.Partition = "aws-cn"
	s.SourceIdentity = "alice@example.com"
	s.Tags = []Tag{{"Project", "Automation"}, {"CostCenter", "987654"}, {"Empty", ""}}
	s.TransitiveTagKeys = []string{"Project"}
	s.WebIdentity["token.actions.githubusercontent.com:amr"] = []string{"a", "b"}
	s.WebIdentity["empty:oaud"] = nil
	s.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	s.PolicyARNs = []string{"arn:aws:iam::123456789012:policy/ReadOnly", "arn:aws:iam::aws:policy/Other"}
	return s
}

// testAEAD is a token key derived from fixed material.
func testAEAD(t testing.TB, id KeyID) cipher.AEAD {
	t.Helper()
	aead, err := deriveTokenAEAD(id, make([]byte, keyMaterialSize))
	if err != nil {
		t.Fatal(err)
	}
	return aead
}

// assertSameSession compares sessions field by field, the secret included.
func assertSameSession(t *testing.T, got, want *Session) {
	t.Helper()
	if got.SecretAccessKey.Reveal() != want.SecretAccessKey.Reveal() {
		t.Errorf("secret access key differs")
	}
	norm := func(s *Session) Session {
		c := *s
		c.SecretAccessKey = secret.String{}
		c.IssuedAt = c.IssuedAt.Truncate(time.Second).UTC()
		c.Expiry = c.Expiry.Truncate(time.Second).UTC()
		if c.WebIdentity != nil {
			m := map[string][]string{}
			for k, v := range c.WebIdentity {
				m[k] = append([]string{}, v...)
			}
			c.WebIdentity = m
		}
		return c
	}
	g, w := norm(got), norm(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("session differs:\n got %+v\nwant %+v", g, w)
	}
}

func zeroSecret() secret.String { return secret.String{} }

func itoa(n int) string { return strconv.Itoa(n) }
