package iamapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// sessionCreds assumes roleName with an optional session policy and
// returns the session's credentials.
func (n *node) sessionCreds(t *testing.T, idp *fakeidp.IdP, roleName, sub, sessionPolicy string) aws.CredentialsProvider {
	t.Helper()
	out, err := n.roleAssume(idp, roleName, "ops-session", sub, sessionPolicy)
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

// adminRole creates a role trusting the IdP for sub whose inline policy
// allows every IAM action.
func (n *node) adminRole(t *testing.T, idp *fakeidp.IdP, name, sub string) {
	t.Helper()
	ctx := context.Background()
	if _, err := n.root().CreateRole(ctx, &iamsdk.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(roleTrustFor(idp, sub)),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.root().PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{
		RoleName: aws.String(name), PolicyName: aws.String("admin"),
		PolicyDocument: aws.String(allowAllIAM),
	}); err != nil {
		t.Fatal(err)
	}
}

// A session policy passed to AssumeRoleWithWebIdentity narrows what the
// session may do: the role allows iam:*, the session only iam:Get*.
func TestContractSessionPolicyLimitsTheSession(t *testing.T) {
	n := newNode(t)
	idp := n.roleIdP(t)
	n.adminRole(t, idp, "admin", "ops")
	ctx := context.Background()

	narrow := n.client(n.sessionCreds(t, idp, "admin", "ops",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}`))
	if _, err := narrow.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("admin")}); err != nil {
		t.Fatalf("GetRole within the session policy: %v", err)
	}
	_, err := narrow.CreateRole(ctx, &iamsdk.CreateRoleInput{
		RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(roleTrustFor(idp, "x")),
	})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::111122223333:assumed-role/admin/ops-session is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::111122223333:role/x")

	full := n.client(n.sessionCreds(t, idp, "admin", "ops", ""))
	if _, err := full.CreateRole(ctx, &iamsdk.CreateRoleInput{
		RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(roleTrustFor(idp, "x")),
	}); err != nil {
		t.Fatalf("CreateRole without a session policy: %v", err)
	}
}

// "Revoke older sessions" (IAM's AWSRevokeOlderSessions inline policy: deny
// everything to sessions issued before a time) is honoured on the next
// call of every older session, while newer sessions keep working.
func TestContractRevokeOlderSessions(t *testing.T) {
	n := newNode(t)
	idp := n.roleIdP(t)
	n.adminRole(t, idp, "admin", "ops")
	ctx := context.Background()

	old := n.client(n.sessionCreds(t, idp, "admin", "ops", ""))
	if _, err := old.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	// Token issue times have one-second precision: revoke from the next
	// whole second on, then wait for it.
	cutoff := time.Now().UTC().Truncate(time.Second).Add(time.Second)
	if _, err := n.root().PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{
		RoleName: aws.String("admin"), PolicyName: aws.String("AWSRevokeOlderSessions"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],` +
			`"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + cutoff.Format(time.RFC3339) + `"}}}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := old.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("admin")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::111122223333:assumed-role/admin/ops-session is not authorized to perform: iam:GetRole on resource: arn:aws:iam::111122223333:role/admin with an explicit deny in an identity-based policy")

	time.Sleep(time.Until(cutoff) + 50*time.Millisecond)
	fresh := n.client(n.sessionCreds(t, idp, "admin", "ops", ""))
	if _, err := fresh.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("admin")}); err != nil {
		t.Fatalf("a session issued after the cutoff: %v", err)
	}
}

// Every admin call is one audit event from iam.amazonaws.com naming the
// caller and the decision, allowed or denied.
func TestContractEveryAdminCallIsAudited(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	if _, err := n.root().ListRoles(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err := n.root().GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("missing")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The role with name missing cannot be found.")
	events := n.auditEvents(2)
	if len(events) != 2 {
		t.Fatalf("got %d audit events, want 2", len(events))
	}
	for i, want := range []struct{ name, code string }{{"ListRoles", ""}, {"GetRole", "NoSuchEntity"}} {
		e := events[i]
		if e.EventSource != "iam.amazonaws.com" || e.EventName != want.name || e.ErrorCode != want.code ||
			e.UserIdentity.Type != "Root" || e.Decision.Effect != "allowed" {
			t.Errorf("event %d: %+v, want %s %q by Root, allowed", i, e, want.name, want.code)
		}
	}
	if got := events[1].RequestParam["RoleName"]; got != "missing" {
		t.Errorf("GetRole's request parameters: %v", events[1].RequestParam)
	}
}
