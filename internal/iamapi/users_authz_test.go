package iamapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// The acceptance test: a user whose policy allows only iam:Get*
// cannot create a role, and can read users.
func TestContractUsersAuthzGetOnlyUser(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.apiUser(t, "reader")
	if _, err := n.root().PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("reader"),
		PolicyName: aws.String("get-only"), PolicyDocument: aws.String(allow("iam:Get*"))}); err != nil {
		t.Fatal(err)
	}
	reader := n.userClient(t, "reader")

	_, err := reader.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(testTrust)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/reader is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::"+account+":role/deployer")
	if _, err := n.app.Repo.GetRole(ctx, account, "deployer"); err == nil {
		t.Fatal("the denied CreateRole made the role")
	}

	self, err := reader.GetUser(ctx, &iamsdk.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, self.User, "/", "reader")
	n.apiUser(t, "other")
	if _, err := reader.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("reader"), PolicyName: aws.String("get-only")}); err != nil {
		t.Fatal(err)
	}
	// Nor may it change its own policies, or list (List* is not Get*).
	_, err = reader.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("reader"),
		PolicyName: aws.String("escalate"), PolicyDocument: aws.String(allow("iam:*"))})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/reader is not authorized to perform: iam:PutUserPolicy on resource: arn:aws:iam::"+account+":user/reader")
	_, err = reader.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/reader is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::"+account+":user/")
	n.repoRole(t, "/", "app", nil)
	_, err = reader.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("app"),
		PolicyArn: aws.String("arn:aws:iam::" + account + ":policy/Any")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/reader is not authorized to perform: iam:AttachRolePolicy on resource: arn:aws:iam::"+account+":role/app")
}

// A user's attached managed policies grant, its permissions boundary caps,
// and a change to either applies to the very next call.
func TestContractUsersAuthzManagedAndBoundary(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	root := n.root()
	n.apiUser(t, "ops")
	ops := n.userClient(t, "ops")
	user := aws.String("ops")
	denied := func(action, resource string) string {
		return "User: arn:aws:iam::" + account + ":user/ops is not authorized to perform: iam:" + action + " on resource: " + resource
	}
	_, err := ops.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("ListUsers", "arn:aws:iam::"+account+":user/"))

	admin := n.repoPolicy(t, "/", "IAMAdmin", allow("iam:*"))
	if _, err := root.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: user, PolicyArn: &admin}); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
		t.Fatalf("attached iam:* does not allow ListUsers: %v", err)
	}

	readOnly := n.repoPolicy(t, "/", "GetOnly", allow("iam:Get*"))
	if _, err := root.PutUserPermissionsBoundary(ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: user, PermissionsBoundary: &readOnly}); err != nil {
		t.Fatal(err)
	}
	_, err = ops.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("ListUsers", "arn:aws:iam::"+account+":user/"))
	_, err = ops.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("new")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("CreateUser", "arn:aws:iam::"+account+":user/new"))
	if _, err := ops.GetUser(ctx, &iamsdk.GetUserInput{}); err != nil {
		t.Fatalf("boundary iam:Get* and policy iam:* should allow GetUser: %v", err)
	}

	if _, err := root.DeleteUserPermissionsBoundary(ctx, &iamsdk.DeleteUserPermissionsBoundaryInput{UserName: user}); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
		t.Fatalf("without the boundary: %v", err)
	}
	if _, err := root.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: user, PolicyArn: &admin}); err != nil {
		t.Fatal(err)
	}
	_, err = ops.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("ListUsers", "arn:aws:iam::"+account+":user/"))
}

// Replacing or deleting a user's inline policy applies to the next call,
// and an explicit deny says so.
func TestContractUsersAuthzInlineChangeApplies(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	root := n.root()
	n.apiUser(t, "dev")
	dev := n.userClient(t, "dev")
	put := func(doc string) {
		t.Helper()
		if _, err := root.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("dev"),
			PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	prefix := "User: arn:aws:iam::" + account + ":user/dev is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::" + account + ":user/"

	put(allow("iam:ListUsers"))
	if _, err := dev.ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:List*","Resource":"*"}]}`)
	_, err := dev.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, prefix+" with an explicit deny in an identity-based policy")
	put(allow("iam:ListUsers"))
	if _, err := dev.ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// ListUsers is authorized on the path listed, as in IAM.
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"arn:aws:iam::` + account + `:user/ops/*"}]}`)
	if _, err := dev.ListUsers(ctx, &iamsdk.ListUsersInput{PathPrefix: aws.String("/ops/")}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, prefix)
	if _, err := root.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
	_, err = dev.ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden, prefix)
}
