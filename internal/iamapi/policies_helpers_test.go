package iamapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// Helpers of the managed-policy and simulator tests. Roles and users are
// made, and policies attached, through the Repo: their API actions belong
// to other files.

// Policy documents of these tests.
const (
	polDocGet  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	polDocList = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`
	polTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/idp.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
)

// polARN is the ARN of a policy of the test account.
func polARN(path, name string) string { return "arn:aws:iam::" + account + ":policy" + path + name }

// polCreate creates a policy through the API as root.
func (n *node) polCreate(t testing.TB, path, name, doc string) *types.Policy {
	t.Helper()
	in := &iamsdk.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := n.root().CreatePolicy(context.Background(), in)
	if err != nil {
		t.Fatalf("create policy %s: %v", name, err)
	}
	return out.Policy
}

// polWait waits until the node's snapshot shows revision rev.
func (n *node) polWait(t testing.TB, rev int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
}

// polRole creates a role through the Repo.
func (n *node) polRole(t testing.TB, path, name string, inline map[string]string) *iam.Role {
	t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: path, AssumeRolePolicyDocument: polTrust, InlinePolicies: inline,
	})
	if err != nil {
		t.Fatalf("create role %s: %v", name, err)
	}
	n.polWait(t, r.Revision)
	return r
}

// polUser creates a user through the Repo.
func (n *node) polUser(t testing.TB, path, name string, inline map[string]string) *iam.User {
	t.Helper()
	u, err := n.app.Repo.CreateUser(context.Background(), iam.User{Account: account, Name: name, Path: path, InlinePolicies: inline})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	n.polWait(t, u.Revision)
	return u
}

// polAttachRole attaches policies to a role and sets its boundary (when
// not empty) through the Repo.
func (n *node) polAttachRole(t testing.TB, name string, arns []string, boundary string) {
	t.Helper()
	r, err := n.app.Repo.UpdateRole(context.Background(), account, name, func(r *iam.Role) error {
		r.ManagedPolicyARNs = append(r.ManagedPolicyARNs, arns...)
		if boundary != "" {
			r.PermissionsBoundaryARN = boundary
		}
		return nil
	})
	if err != nil {
		t.Fatalf("attach to role %s: %v", name, err)
	}
	n.polWait(t, r.Revision)
}

// polAttachUser attaches policies to a user and sets its boundary (when
// not empty) through the Repo.
func (n *node) polAttachUser(t testing.TB, name string, arns []string, boundary string) {
	t.Helper()
	u, err := n.app.Repo.UpdateUser(context.Background(), account, name, func(u *iam.User) error {
		u.ManagedPolicyARNs = append(u.ManagedPolicyARNs, arns...)
		if boundary != "" {
			u.PermissionsBoundaryARN = boundary
		}
		return nil
	})
	if err != nil {
		t.Fatalf("attach to user %s: %v", name, err)
	}
	n.polWait(t, u.Revision)
}

// polDetachRole removes every attachment and boundary of a role.
func (n *node) polDetachRole(t testing.TB, name string) {
	t.Helper()
	r, err := n.app.Repo.UpdateRole(context.Background(), account, name, func(r *iam.Role) error {
		r.ManagedPolicyARNs, r.PermissionsBoundaryARN = nil, ""
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n.polWait(t, r.Revision)
}

// polSession creates a role with one inline policy and returns credentials
// of a session of it, minted with the node's keyring (no identity provider
// needed): a non-root caller bound by that policy.
func (n *node) polSession(t testing.TB, roleName, inline string) aws.CredentialsProvider {
	t.Helper()
	role := n.polRole(t, "/", roleName, map[string]string{"p": inline})
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

// polSessionARN is the ARN of the session polSession mints.
func polSessionARN(roleName string) string {
	return "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/s1"
}
