package iamapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

const notAuthorizedToAssume = "Not authorized to perform sts:AssumeRoleWithWebIdentity"

// A role created through the IAM API is assumable on the same node as
// soon as CreateRole returns; after UpdateAssumeRolePolicy to a trust the
// token no longer matches, the next AssumeRoleWithWebIdentity is denied;
// after DeleteRole, too. No waiting between the calls: each write is
// visible on this node when it returns. Several rounds, so a missing wait
// shows.
func TestContractRoleWritesTakeEffectForSTSAtOnce(t *testing.T) {
	n := newNode(t)
	idp := n.roleIdP(t)
	const sub = "repo:example-org/app:ref:refs/heads/main"
	ctx := context.Background()
	for i := range 5 {
		name := fmt.Sprintf("deploy-%d", i)
		created := n.roleCreate(t, name, &iamsdk.CreateRoleInput{AssumeRolePolicyDocument: aws.String(roleTrustFor(idp, sub))})

		out, err := n.roleAssume(idp, name, "run", sub, "")
		if err != nil {
			t.Fatalf("round %d: AssumeRoleWithWebIdentity right after CreateRole: %v", i, err)
		}
		if got, want := aws.ToString(out.AssumedRoleUser.Arn), "arn:aws:sts::"+account+":assumed-role/"+name+"/run"; got != want {
			t.Errorf("AssumedRoleUser.Arn = %s, want %s", got, want)
		}
		if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); got != aws.ToString(created.RoleId)+":run" {
			t.Errorf("AssumedRoleId = %s, want the new role's id %s:run", got, aws.ToString(created.RoleId))
		}

		if _, err := n.root().UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(name), PolicyDocument: aws.String(roleTrustFor(idp, "repo:example-org/other:*")),
		}); err != nil {
			t.Fatal(err)
		}
		_, err = n.roleAssume(idp, name, "run", sub, "")
		wantAPIError(t, err, "AccessDenied", 403, notAuthorizedToAssume)

		if _, err := n.root().UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(name), PolicyDocument: aws.String(roleTrustFor(idp, sub)),
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := n.roleAssume(idp, name, "run", sub, ""); err != nil {
			t.Fatalf("round %d: AssumeRoleWithWebIdentity after restoring the trust: %v", i, err)
		}

		if _, err := n.root().DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		_, err = n.roleAssume(idp, name, "run", sub, "")
		wantAPIError(t, err, "AccessDenied", 403, notAuthorizedToAssume)
	}
}

// The acceptance item: a role session whose role policy allows
// iam:CreateRole on arn:aws:iam::<acct>:role/app-* can create app-x and
// nothing else; every other role action is denied with IAM's message
// naming the session and the resource.
func TestContractRoleSessionMayCreateOnlyWhatItsPolicyAllows(t *testing.T) {
	n := newNode(t)
	idp := n.roleIdP(t)
	const sub = "system:serviceaccount:ci:deployer"
	ctx := context.Background()
	// The role and its inline policy are written through the store: the
	// inline-policy actions are another group's.
	if _, err := n.app.Repo.CreateRole(ctx, iam.Role{
		Account: account, Name: "deployer", AssumeRolePolicyDocument: roleTrustFor(idp, sub),
		InlinePolicies: map[string]string{"create-app-roles": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateRole","Resource":"arn:aws:iam::` + account + `:role/app-*"}]}`},
	}); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(waitCtx, func(s *iam.Snapshot) bool { _, ok := s.RoleByName(account, "deployer"); return ok }); err != nil {
		t.Fatal(err)
	}
	out, err := n.roleAssume(idp, "deployer", "ci-run", sub, "")
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	session := n.client(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
	caller := "arn:aws:sts::" + account + ":assumed-role/deployer/ci-run"
	denied := func(action, resource string) string {
		return "User: " + caller + " is not authorized to perform: iam:" + action + " on resource: " + resource
	}

	created, err := session.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app-x"), AssumeRolePolicyDocument: aws.String(roleTrust)})
	if err != nil {
		t.Fatalf("the session may create app-x: %v", err)
	}
	if got := aws.ToString(created.Role.Arn); got != "arn:aws:iam::"+account+":role/app-x" {
		t.Errorf("Arn = %s", got)
	}
	n.roleGet(t, "app-x")

	_, err = session.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("other"), AssumeRolePolicyDocument: aws.String(roleTrust)})
	wantAPIError(t, err, "AccessDenied", 403, denied("CreateRole", "arn:aws:iam::"+account+":role/other"))
	// The path is part of the resource: /team/app-y is not role/app-*.
	_, err = session.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("app-y"), Path: aws.String("/team/"), AssumeRolePolicyDocument: aws.String(roleTrust)})
	wantAPIError(t, err, "AccessDenied", 403, denied("CreateRole", "arn:aws:iam::"+account+":role/team/app-y"))
	for _, name := range []string{"other", "app-y"} {
		_, err = n.root().GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String(name)})
		wantAPIError(t, err, "NoSuchEntity", 404, "The role with name "+name+" cannot be found.")
	}

	appX := "arn:aws:iam::" + account + ":role/app-x"
	calls := []struct {
		action, resource string
		call             func() error
	}{
		{"GetRole", appX, func() error {
			_, err := session.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("app-x")})
			return err
		}},
		{"ListRoles", "arn:aws:iam::" + account + ":role/", func() error {
			_, err := session.ListRoles(ctx, &iamsdk.ListRolesInput{})
			return err
		}},
		{"ListRoles", "arn:aws:iam::" + account + ":role/ci/", func() error {
			_, err := session.ListRoles(ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("/ci/")})
			return err
		}},
		{"UpdateRole", appX, func() error {
			_, err := session.UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app-x"), Description: aws.String("d")})
			return err
		}},
		{"UpdateRoleDescription", appX, func() error {
			_, err := session.UpdateRoleDescription(ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: aws.String("app-x"), Description: aws.String("d")})
			return err
		}},
		{"UpdateAssumeRolePolicy", appX, func() error {
			_, err := session.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app-x"), PolicyDocument: aws.String(roleTrust)})
			return err
		}},
		{"TagRole", appX, func() error {
			_, err := session.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("app-x"), Tags: roleSDKTags("k", "v")})
			return err
		}},
		{"UntagRole", appX, func() error {
			_, err := session.UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("app-x"), TagKeys: []string{"k"}})
			return err
		}},
		{"ListRoleTags", appX, func() error {
			_, err := session.ListRoleTags(ctx, &iamsdk.ListRoleTagsInput{RoleName: aws.String("app-x")})
			return err
		}},
		{"DeleteRole", appX, func() error {
			_, err := session.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("app-x")})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.action, func(t *testing.T) { wantAPIError(t, c.call(), "AccessDenied", 403, denied(c.action, c.resource)) })
	}
	if r := n.roleGet(t, "app-x"); r.Description != nil || r.Tags != nil {
		t.Errorf("a denied call changed app-x: %+v", r)
	}

	// The denied call is audited with the session as the caller. (The
	// harness's auditEvents cannot read STS events, whose
	// requestParameters are not all strings.)
	if !n.roleAudited(t, func(e roleAuditEvent) bool {
		return e.EventSource == "iam.amazonaws.com" && e.EventName == "CreateRole" && e.ErrorCode == "AccessDenied" &&
			e.UserIdentity.ARN == caller && e.RequestParameters["RoleName"] == "other"
	}) {
		t.Errorf("no audit event for the denied CreateRole of other by %s", caller)
	}
}

// roleAuditEvent is the part of any audit line (IAM or STS) these tests
// read.
type roleAuditEvent struct {
	EventSource       string         `json:"eventSource"`
	EventName         string         `json:"eventName"`
	ErrorCode         string         `json:"errorCode"`
	RequestParameters map[string]any `json:"requestParameters"`
	UserIdentity      struct {
		ARN string `json:"arn"`
	} `json:"userIdentity"`
}

// roleAudited waits (bounded) until the audit log holds an event for
// which match is true.
func (n *node) roleAudited(t *testing.T, match func(roleAuditEvent) bool) bool {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		lines := strings.Split(n.audit.String(), "\n")
		for _, line := range lines[:len(lines)-1] { // the last is "" or still being written
			var e roleAuditEvent
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("audit line is not JSON: %v", err)
			}
			if match(e) {
				return true
			}
		}
	}
	return false
}
