package authz_test

import (
	"testing"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// userSession is a GetSessionToken session of the user u (or of the root
// when u is nil), as authn builds it.
func userSession(u *authn.Caller) *authn.Caller {
	s := &creds.Session{Kind: creds.KindUserSession, AccountID: acct, AccessKeyID: "ASIAEXAMPLEEXAMPLE02",
		IssuedAt: testNow.Add(-time.Minute), Expiry: testNow.Add(time.Hour)}
	if u == nil {
		return &authn.Caller{Kind: authn.KindRoot, Account: acct, ARN: s.UserARN(), UserID: acct, AccessKeyID: s.AccessKeyID, Session: s}
	}
	s.UserName, s.UserID, s.UserPath = u.User.User.Name, u.User.User.UserID, u.User.User.Path
	return &authn.Caller{Kind: authn.KindUser, Account: acct, ARN: u.ARN, UserID: u.UserID, AccessKeyID: s.AccessKeyID, Session: s, User: u.User}
}

// federated is a GetFederationToken session named name of the user u (the
// root when u is nil) with the session policy doc ("" for none).
func federated(u *authn.Caller, name, doc string, tags ...creds.Tag) *authn.Caller {
	s := &creds.Session{Kind: creds.KindFederatedUser, AccountID: acct, SessionName: name, AccessKeyID: "ASIAEXAMPLEEXAMPLE03",
		IssuedAt: testNow.Add(-time.Minute), Expiry: testNow.Add(time.Hour), Policy: doc, Tags: tags}
	c := &authn.Caller{Kind: authn.KindFederatedUser, Account: acct, ARN: s.FederatedUserARN(), UserID: s.FederatedUserID(),
		AccessKeyID: s.AccessKeyID, Session: s}
	if u != nil {
		s.UserName, s.UserID, s.UserPath = u.User.User.Name, u.User.User.UserID, u.User.User.Path
		c.User = u.User
	}
	return c
}

const (
	allowGet  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	allowStar = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// A GetSessionToken session has the user's permissions, minus IAM and
// every STS action but AssumeRole (with TagSession, SetSourceIdentity) and
// GetCallerIdentity (STS API Reference, GetSessionToken).
func TestUserSessionRestrictions(t *testing.T) {
	w := newWorld(t)
	u := w.user("alice", entity{inline: map[string]string{"all": allowStar}})
	gst := userSession(u)
	w.expect("the user's own permissions", gst, req{action: "s3:PutObject", resource: "arn:aws:s3:::b/k"}, allowed)
	w.expect("AssumeRole", gst, req{action: "sts:AssumeRole", resource: "arn:aws:iam::" + acct + ":role/r"}, allowed)
	w.expect("TagSession", gst, req{action: "sts:TagSession", resource: "arn:aws:iam::" + acct + ":role/r"}, allowed)
	for _, action := range []string{"iam:ListUsers", "IAM:CreateUser", "sts:GetSessionToken", "sts:GetFederationToken", "sts:DecodeAuthorizationMessage", "STS:GetAccessKeyInfo"} {
		res := w.decide(gst, req{action: action, resource: "*"})
		if got := res.Checks[0].Decision.Effect; got != explicitDeny {
			t.Errorf("%s: %v, want explicitDeny", action, got)
			continue
		}
		if m := res.Checks[0].Decision.Matched; len(m) != 1 || m[0].Policy != "GetSessionToken credentials" {
			t.Errorf("%s: matched %v", action, m)
		}
	}
	w.expect("the user's long-term key may call IAM", u, req{action: "iam:ListUsers", resource: "*"}, allowed)
	rootGST := userSession(nil)
	w.expect("a root session: everything else", rootGST, req{action: "s3:PutObject", resource: "arn:aws:s3:::b/k"}, allowed)
	w.expect("a root session: no IAM", rootGST, req{action: "iam:CreateUser", resource: "*"}, explicitDeny)
	ctx := w.decide(gst, req{action: "s3:GetObject", resource: "*"}).Checks[0].Context
	for key, want := range map[string]string{"aws:PrincipalType": "User", "aws:MultiFactorAuthPresent": "false",
		"aws:TokenIssueTime": testNow.Add(-time.Minute).Format(time.RFC3339), "aws:username": "alice"} {
		if v, _, ok := ctx.Get(key); !ok || len(v) != 1 || v[0] != want {
			t.Errorf("%s = %v, want %s", key, v, want)
		}
	}
}

// A federated user's permissions are the intersection of the user's
// policies and the session policies; none without a session policy,
// unless a resource policy names the federated user; no IAM, no STS but
// GetCallerIdentity.
func TestFederatedUserPermissions(t *testing.T) {
	w := newWorld(t)
	u := w.user("broker", entity{inline: map[string]string{"s3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","iam:*","sts:*"],"Resource":"*"}]}`},
		tags: []iam.Tag{{Key: "team", Value: "blue"}, {Key: "cost", Value: "1"}}})
	fed := federated(u, "bob", allowGet, creds.Tag{Key: "Team", Value: "red"})
	w.expect("in both", fed, req{action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}, allowed)
	w.expect("the user's only", fed, req{action: "s3:PutObject", resource: "arn:aws:s3:::b/k"}, implicitDeny)
	w.expect("the session policy's only", federated(u, "bob", allowStar), req{action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k"}, implicitDeny)
	w.expect("no session policy", federated(u, "bob", ""), req{action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}, implicitDeny)
	w.expect("no session policy, a bucket policy naming the federated user", federated(u, "bob", ""), req{action: "s3:GetObject", resource: "arn:aws:s3:::b/k",
		resourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::` + acct + `:federated-user/bob"},"Action":"s3:GetObject","Resource":"*"}]}`}, allowed)
	w.expect("IAM", federated(u, "bob", allowStar), req{action: "iam:ListUsers", resource: "*"}, explicitDeny)
	w.expect("STS AssumeRole", federated(u, "bob", allowStar), req{action: "sts:AssumeRole", resource: "*"}, explicitDeny)
	w.expect("root-federated, narrowed by the session policy", federated(nil, "ops", allowGet), req{action: "s3:GetObject", resource: "*"}, allowed)
	w.expect("root-federated, outside the session policy", federated(nil, "ops", allowGet), req{action: "s3:PutObject", resource: "*"}, implicitDeny)

	ctx := w.decide(fed, req{action: "s3:GetObject", resource: "*"}).Checks[0].Context
	for key, want := range map[string]string{"aws:PrincipalType": "FederatedUser", "aws:PrincipalArn": "arn:aws:sts::" + acct + ":federated-user/bob",
		"aws:userid": acct + ":bob", "aws:PrincipalTag/team": "red", "aws:PrincipalTag/cost": "1", "aws:MultiFactorAuthPresent": "false"} {
		if v, _, ok := ctx.Get(key); !ok || len(v) != 1 || v[0] != want {
			t.Errorf("%s = %v, want %s", key, v, want)
		}
	}
	if _, _, ok := ctx.Get("aws:username"); ok {
		t.Error("a federated user has no aws:username")
	}

}
