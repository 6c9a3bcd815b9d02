package iamapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/iam"
)

// Helpers of the managed-policy and simulator tests: policies made through
// the API, attachments made through the Repo.

// polDocList is a second policy document, besides getObjectDoc.
const polDocList = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`

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
	n.waitRev(t, r.Revision)
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
	n.waitRev(t, u.Revision)
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
	n.waitRev(t, r.Revision)
}
