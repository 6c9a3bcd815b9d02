package iamapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// akCreateUser stores a user directly through the repository (the user
// actions belong to another group) with the given inline policies, and
// waits until the node's snapshot shows it.
func (n *node) akCreateUser(t testing.TB, name string, inline map[string]string) *iam.User {
	t.Helper()
	u, err := n.app.Repo.CreateUser(context.Background(), iam.User{Account: account, Name: name, InlinePolicies: inline})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	n.akWait(t, u.Revision)
	return u
}

// akWait waits until the node's snapshot reflects revision rev.
func (n *node) akWait(t testing.TB, rev int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
}

// akNewKey creates an access key for the user through the API as root and
// returns credentials for it.
func (n *node) akNewKey(t testing.TB, userName string) aws.CredentialsProvider {
	t.Helper()
	out, err := n.root().CreateAccessKey(context.Background(), &iamsdk.CreateAccessKeyInput{UserName: aws.String(userName)})
	if err != nil {
		t.Fatalf("create access key for %s: %v", userName, err)
	}
	return credentials.NewStaticCredentialsProvider(aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), "")
}

// akUserClient creates a user with the inline policies and one access key,
// and returns an IAM client signing with that key.
func (n *node) akUserClient(t testing.TB, name string, inline map[string]string) *iamsdk.Client {
	t.Helper()
	n.akCreateUser(t, name, inline)
	return n.client(n.akNewKey(t, name))
}

// akSTS is an aws-sdk-go-v2 STS client for the node (retries off).
func (n *node) akSTS(p aws.CredentialsProvider) *sts.Client {
	return sts.New(sts.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(n.app.URL),
		Credentials:      p,
		RetryMaxAttempts: 1,
	})
}

// akRoleSession creates a role allowed everything in IAM and mints a
// session of it directly with the node's keyring (no identity provider
// needed), returning its temporary credentials.
func (n *node) akRoleSession(t testing.TB, roleName string) aws.CredentialsProvider {
	t.Helper()
	ctx := context.Background()
	role, err := n.app.Repo.CreateRole(ctx, iam.Role{
		Account: account, Name: roleName, Path: "/",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		MaxSessionDuration:       3600,
		InlinePolicies:           map[string]string{"all": akAllowAll},
	})
	if err != nil {
		t.Fatalf("create role: %v", err)
	}
	n.akWait(t, role.Revision)
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

// akAllowAll is an identity policy allowing every IAM action.
const akAllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
