package iamapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// Helpers every group's tests share. Entities a test needs but does not
// test are made through the Repo, and the node's snapshot is awaited so
// that authorization sees them; role sessions are minted with the node's
// keyring, so no identity provider is needed.

// Policy documents of the tests.
const (
	// testTrust is a trust policy naming a (not registered) OIDC provider.
	testTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	// allowAllIAM is an identity policy allowing every IAM action.
	allowAllIAM = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
	// getObjectDoc is an identity policy allowing s3:GetObject.
	getObjectDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

// allow is an identity policy allowing the actions on every resource.
func allow(actions ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
}

// waitRev waits until the node's snapshot shows revision rev.
func (n *node) waitRev(t testing.TB, rev int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
}

// repoRole creates a role trusting testTrust, with the inline policies,
// through the Repo.
func (n *node) repoRole(t testing.TB, path, name string, inline map[string]string) *iam.Role {
	t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: path, AssumeRolePolicyDocument: testTrust, InlinePolicies: inline,
	})
	if err != nil {
		t.Fatalf("create role %s: %v", name, err)
	}
	n.waitRev(t, r.Revision)
	return r
}

// repoUser creates a user with the inline policies through the Repo.
func (n *node) repoUser(t testing.TB, path, name string, inline map[string]string) *iam.User {
	t.Helper()
	u, err := n.app.Repo.CreateUser(context.Background(), iam.User{Account: account, Name: name, Path: path, InlinePolicies: inline})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	n.waitRev(t, u.Revision)
	return u
}

// apiUser creates a user through the API as root.
func (n *node) apiUser(t testing.TB, name string) {
	t.Helper()
	if _, err := n.root().CreateUser(context.Background(), &iamsdk.CreateUserInput{UserName: &name}); err != nil {
		t.Fatal(err)
	}
}

// repoPolicy creates a customer managed policy through the Repo and
// returns its ARN.
func (n *node) repoPolicy(t testing.TB, path, name, doc string) string {
	t.Helper()
	p, err := n.app.Repo.CreatePolicy(context.Background(), iam.ManagedPolicy{Account: account, Name: name, Path: path}, doc)
	if err != nil {
		t.Fatalf("create policy %s: %v", name, err)
	}
	n.waitRev(t, p.Revision)
	return p.ARN()
}

// roleSession creates a role with one inline policy and returns
// credentials of a session of it ("s1"), sealed with the node's keyring: a
// role-session caller bound by that policy.
func (n *node) roleSession(t testing.TB, roleName, inline string) aws.CredentialsProvider {
	t.Helper()
	role := n.repoRole(t, "/", roleName, map[string]string{"p": inline})
	now := time.Now().UTC().Truncate(time.Second)
	sess := &creds.Session{
		AccountID: account, RoleID: role.RoleID, RoleName: role.Name, RolePath: role.Path, SessionName: "s1",
		AccessKeyID: creds.NewTemporaryAccessKeyID(), SecretAccessKey: creds.NewSecretAccessKey(),
		IssuedAt: now, Expiry: now.Add(time.Hour),
	}
	token, err := n.app.Keyring.Seal(sess, creds.SealOptions{})
	if err != nil {
		t.Fatalf("seal session: %v", err)
	}
	return credentials.NewStaticCredentialsProvider(sess.AccessKeyID, sess.SecretAccessKey.Reveal(), token.Reveal())
}

// sessionARN is the ARN of the session roleSession mints.
func sessionARN(roleName string) string {
	return "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/s1"
}

// accessKey creates an access key for the user through the API as root
// and returns credentials for it.
func (n *node) accessKey(t testing.TB, userName string) aws.CredentialsProvider {
	t.Helper()
	out, err := n.root().CreateAccessKey(context.Background(), &iamsdk.CreateAccessKeyInput{UserName: aws.String(userName)})
	if err != nil {
		t.Fatalf("create access key for %s: %v", userName, err)
	}
	return credentials.NewStaticCredentialsProvider(aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), "")
}

// userClient is an IAM client signing with a new access key of the user.
func (n *node) userClient(t testing.TB, userName string) *iamsdk.Client {
	t.Helper()
	return n.client(n.accessKey(t, userName))
}

// newUserClient creates a user with the inline policies and returns an
// IAM client signing with a new access key of it.
func (n *node) newUserClient(t testing.TB, name string, inline map[string]string) *iamsdk.Client {
	t.Helper()
	n.repoUser(t, "/", name, inline)
	return n.userClient(t, name)
}

// stsClient is an aws-sdk-go-v2 STS client for the node (retries off).
func (n *node) stsClient(p aws.CredentialsProvider) *sts.Client {
	return sts.New(sts.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(n.app.URL), Credentials: p,
		HTTPClient: n.http, RetryMaxAttempts: 1,
	})
}

// roleAudience is the aud of the fake IdP's tokens.
const roleAudience = "sts.amazonaws.com"

// roleIdP starts a fake IdP and registers it as an OIDC provider in the
// store, waiting until the node sees it.
func (n *node) roleIdP(t *testing.T) *fakeidp.IdP {
	t.Helper()
	idp := fakeidp.New(t, fakeidp.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := n.app.Repo.CreateProvider(ctx, iam.OIDCProvider{Account: account, URL: idp.Issuer(), ClientIDs: []string{roleAudience}}); err != nil {
		t.Fatal(err)
	}
	if err := n.app.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool {
		_, ok := s.ProviderByURL(account, idp.Issuer())
		return ok
	}); err != nil {
		t.Fatal(err)
	}
	return idp
}

// roleTrustFor is a trust policy for the IdP's tokens with aud
// sts.amazonaws.com and the given sub.
func roleTrustFor(idp *fakeidp.IdP, sub string) string {
	host := strings.TrimPrefix(idp.Issuer(), "http://")
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q,%q:%q}}}]}`,
		idp.ARN(account), host+":aud", roleAudience, host+":sub", sub)
}

// roleAssume calls AssumeRoleWithWebIdentity on the node with a fresh
// token for sub and, unless empty, a session policy.
func (n *node) roleAssume(idp *fakeidp.IdP, roleName, session, sub, sessionPolicy string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(iam.RoleARN(account, "/", roleName)),
		RoleSessionName:  aws.String(session),
		WebIdentityToken: aws.String(idp.Mint(idp.Claims(sub, roleAudience))),
	}
	if sessionPolicy != "" {
		in.Policy = aws.String(sessionPolicy)
	}
	return n.stsClient(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), in)
}

// decodeDoc URL-decodes a returned policy document as the AWS CLI does
// (RFC 3986: a "+" stays a "+").
func decodeDoc(t testing.TB, encoded *string) string {
	t.Helper()
	if encoded == nil {
		t.Fatal("no policy document")
		return ""
	}
	doc, err := url.PathUnescape(*encoded)
	if err != nil {
		t.Fatalf("document %q is not percent-encoded: %v", *encoded, err)
	}
	return doc
}
