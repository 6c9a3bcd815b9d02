package iamapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// Helpers of the user and entity-policy tests. Roles and managed policies
// are made through the Repo (their API actions belong to other files), and
// the node's snapshot is awaited so that authorization sees them.

// epTrust is a trust policy for roles made by these tests.
const epTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`

// epAllow is an identity policy allowing the actions on every resource.
func epAllow(actions ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
}

// epWait waits until the node's snapshot shows revision rev.
func (n *node) epWait(t *testing.T, rev int64) {
	t.Helper()
	if err := n.app.Cache.WaitRevision(context.Background(), rev); err != nil {
		t.Fatal(err)
	}
}

// epRole creates a role at path "/" through the Repo.
func (n *node) epRole(t *testing.T, name string) *iam.Role {
	t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{Account: account, Name: name, AssumeRolePolicyDocument: epTrust})
	if err != nil {
		t.Fatal(err)
	}
	n.epWait(t, r.Revision)
	return r
}

// epPolicy creates a customer managed policy through the Repo and returns
// its ARN.
func (n *node) epPolicy(t *testing.T, path, name, doc string) string {
	t.Helper()
	p, err := n.app.Repo.CreatePolicy(context.Background(), iam.ManagedPolicy{Account: account, Name: name, Path: path}, doc)
	if err != nil {
		t.Fatal(err)
	}
	n.epWait(t, p.Revision)
	return p.ARN()
}

// epUser creates a user through the API with root.
func (n *node) epUser(t *testing.T, name string) {
	t.Helper()
	if _, err := n.root().CreateUser(context.Background(), &iamsdk.CreateUserInput{UserName: &name}); err != nil {
		t.Fatal(err)
	}
}

// userClient gives the user an access key (made as CreateAccessKey does:
// the secret wrapped under the node's master key) and returns an IAM
// client signing with it.
func (n *node) userClient(t *testing.T, userName string) *iamsdk.Client {
	t.Helper()
	master, _, _, err := creds.LoadOrCreateMasterKey(n.dataDir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	w, err := creds.NewSecretWrapper(master)
	if err != nil {
		t.Fatal(err)
	}
	id, secret := iam.NewAccessKeyID(), creds.NewSecretAccessKey()
	k, err := n.app.Repo.CreateAccessKey(context.Background(), iam.AccessKey{
		Account: account, UserName: userName, AccessKeyID: id, WrappedSecret: w.Wrap(id, secret),
	})
	if err != nil {
		t.Fatal(err)
	}
	n.epWait(t, k.Revision)
	return n.client(credentials.NewStaticCredentialsProvider(id, secret.Reveal(), ""))
}

// epSession makes a role with one inline policy and returns credentials of
// a session of it, sealed with the node's keyring: a role-session caller.
func (n *node) epSession(t *testing.T, roleName, inline string) aws.CredentialsProvider {
	t.Helper()
	role, err := n.app.Repo.CreateRole(context.Background(), iam.Role{Account: account, Name: roleName,
		AssumeRolePolicyDocument: epTrust, InlinePolicies: map[string]string{"p": inline}})
	if err != nil {
		t.Fatal(err)
	}
	n.epWait(t, role.Revision)
	now := time.Now().UTC().Truncate(time.Second)
	sess := &creds.Session{
		AccountID: account, RoleID: role.RoleID, RoleName: role.Name, RolePath: role.Path, SessionName: "s1",
		AccessKeyID: creds.NewTemporaryAccessKeyID(), SecretAccessKey: creds.NewSecretAccessKey(),
		IssuedAt: now, Expiry: now.Add(time.Hour),
	}
	token, err := n.app.Keyring.Seal(sess, creds.SealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return credentials.NewStaticCredentialsProvider(sess.AccessKeyID, sess.SecretAccessKey.Reveal(), token.Reveal())
}

// epDecode URL-decodes a policy document as the AWS CLI does (RFC 3986:
// a "+" stays a "+").
func epDecode(t *testing.T, encoded *string) string {
	t.Helper()
	if encoded == nil {
		t.Fatal("no policy document")
	}
	doc, err := url.PathUnescape(*encoded)
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", *encoded, err)
	}
	return doc
}
