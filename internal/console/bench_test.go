package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/iam"
)

// BenchmarkPages renders every page on the test data set — 200 roles, 100
// policies of 3 versions, 100 users, 2,000 audit events in the feed — through
// the node's handler. Each page must take under 50 ms (ns/op < 5e7); see
// docs/console.md for the figures.
func BenchmarkPages(b *testing.B) {
	n := start(b)
	ctx := context.Background()
	trust := n.AudienceTrust("sts.amazonaws.com")
	for i := range 200 {
		if _, err := n.App.Repo.CreateRole(ctx, iam.Role{Account: n.Account, Name: fmt.Sprintf("role-%03d", i), Path: "/",
			AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600,
			InlinePolicies: map[string]string{"p": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		name := fmt.Sprintf("policy-%03d", i)
		if _, err := n.App.Repo.CreatePolicy(ctx, iam.ManagedPolicy{Account: n.Account, Name: name, Path: "/"},
			fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b%d/*"}]}`, i)); err != nil {
			b.Fatal(err)
		}
		if _, err := n.App.Repo.CreateUser(ctx, iam.User{Account: n.Account, Name: fmt.Sprintf("user-%03d", i), Path: "/"}); err != nil {
			b.Fatal(err)
		}
	}
	role := n.Role("ci", trustSub, nil)
	bad := n.IdP.Mint(n.IdP.Claims("repo:fork", "sts.amazonaws.com"))
	for range 2000 {
		n.assume(role, bad)
	}
	n.WaitCount("AssumeRoleWithWebIdentity", 2000)
	br := n.root()
	cookies := br.c.Jar.Cookies(mustURL(b, n.URL+"/console/"))
	pages := []string{"/console/", "/console/providers", "/console/provider?arn=" + url.QueryEscape(n.ProviderARN),
		"/console/roles", "/console/role?name=role-100", "/console/policies",
		"/console/policy?arn=" + url.QueryEscape(policyARN(n, "policy-050")) + "&from=v1&to=v1",
		"/console/users", "/console/user?name=user-050", "/console/activity", "/console/activity?decision=denied&role=ci",
		"/console/playground", "/console/simulator"}
	for _, path := range pages {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, n.URL+path, nil)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				n.App.Handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				if d := time.Since(start); d > 50*time.Millisecond {
					b.Logf("%s took %v", path, d)
				}
			}
		})
	}
}

func mustURL(b *testing.B, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
