package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

// UpdateRole changes only what it is sent; an empty Description clears
// the description. The response has an empty result element.
func TestContractRoleUpdate(t *testing.T) {
	n := newNode(t)
	n.roleCreate(t, "app", &iamsdk.CreateRoleInput{Description: aws.String("first")})
	ctx := context.Background()

	if _, err := n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"),
		Description: aws.String("second"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	r := n.roleGet(t, "app")
	if aws.ToString(r.Description) != "second" || aws.ToInt32(r.MaxSessionDuration) != 43200 {
		t.Errorf("after UpdateRole: Description %v, MaxSessionDuration %v", r.Description, r.MaxSessionDuration)
	}

	if _, err := n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(3600)}); err != nil {
		t.Fatal(err)
	}
	r = n.roleGet(t, "app")
	if aws.ToString(r.Description) != "second" || aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("UpdateRole without Description: Description %v, MaxSessionDuration %v", r.Description, r.MaxSessionDuration)
	}

	if _, err := n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), Description: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	r = n.roleGet(t, "app")
	if r.Description != nil || aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("UpdateRole with an empty Description: Description %v, MaxSessionDuration %v", r.Description, r.MaxSessionDuration)
	}

	raw := n.post(url.Values{"Action": {"UpdateRole"}, "RoleName": {"app"}, "Description": {"third"}}, nil)
	if raw.Status != http.StatusOK || !strings.Contains(raw.Body, "<UpdateRoleResult/>") {
		t.Errorf("UpdateRole answer: %d\n%s", raw.Status, raw.Body)
	}
}

func TestContractRoleUpdateErrors(t *testing.T) {
	n := newNode(t)
	n.roleCreate(t, "app", nil)
	ctx := context.Background()
	_, err := n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("nope"), Description: aws.String("d")})
	wantAPIError(t, err, "NoSuchEntity", 404, "The role with name nope cannot be found.")
	_, err = n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), MaxSessionDuration: aws.Int32(50000)})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")
	_, err = n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), Description: aws.String(strings.Repeat("d", 1001)), MaxSessionDuration: aws.Int32(1)})
	wantAPIError(t, err, "ValidationError", 400, "2 validation errors detected: "+
		"Value '"+strings.Repeat("d", 1001)+"' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000; "+
		"Value '1' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")
	_, err = n.root().UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("app"), Description: aws.String("tab\tok, emoji 🙂 not")})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value 'tab\tok, emoji 🙂 not' at 'description' failed to satisfy constraint: "+
		`Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
	wantRawError(t, n.post(url.Values{"Action": {"UpdateRole"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	if r := n.roleGet(t, "app"); r.Description != nil || aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("a rejected UpdateRole changed the role: %+v", r)
	}
}

// UpdateRoleDescription sets the description and returns the role.
func TestContractRoleUpdateDescription(t *testing.T) {
	n := newNode(t)
	created := n.roleCreate(t, "app", &iamsdk.CreateRoleInput{Path: aws.String("/svc/"), Tags: roleSDKTags("k", "v")})
	ctx := context.Background()
	out, err := n.root().UpdateRoleDescription(ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: aws.String("app"), Description: aws.String("Main production role")})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	roleWantCommon(t, r, "/svc/", "app", roleTrust)
	if aws.ToString(r.RoleId) != aws.ToString(created.RoleId) || aws.ToString(r.Description) != "Main production role" {
		t.Errorf("UpdateRoleDescription returned RoleId %v, Description %v", r.RoleId, r.Description)
	}
	if r.MaxSessionDuration != nil || r.RoleLastUsed != nil {
		t.Errorf("UpdateRoleDescription returned MaxSessionDuration/RoleLastUsed: %+v", r)
	}
	if got := aws.ToString(n.roleGet(t, "app").Description); got != "Main production role" {
		t.Errorf("GetRole Description = %q", got)
	}

	_, err = n.root().UpdateRoleDescription(ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: aws.String("nope"), Description: aws.String("d")})
	wantAPIError(t, err, "NoSuchEntity", 404, "The role with name nope cannot be found.")
	wantRawError(t, n.post(url.Values{"Action": {"UpdateRoleDescription"}, "RoleName": {"app"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null")
}

// UpdateAssumeRolePolicy replaces the trust policy; a document that is
// not a trust policy is refused and leaves the old one.
func TestContractRoleUpdateAssumeRolePolicy(t *testing.T) {
	n := newNode(t)
	n.roleCreate(t, "app", nil)
	ctx := context.Background()
	next := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := n.root().UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(next)}); err != nil {
		t.Fatal(err)
	}
	if got := decodeDoc(t, n.roleGet(t, "app").AssumeRolePolicyDocument); got != next {
		t.Errorf("trust after update = %s", got)
	}
	raw := n.post(url.Values{"Action": {"UpdateAssumeRolePolicy"}, "RoleName": {"app"}, "PolicyDocument": {next}}, nil)
	if raw.Status != http.StatusOK || strings.Contains(raw.Body, "UpdateAssumeRolePolicyResult") {
		t.Errorf("UpdateAssumeRolePolicy has no result element in IAM:\n%s", raw.Body)
	}

	withResource := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`
	tests := []struct {
		name, role, doc, code string
		status                int
		msg                   string
	}{
		{"no such role", "nope", next, "NoSuchEntity", 404, "The role with name nope cannot be found."},
		{"not JSON", "app", "{", "MalformedPolicyDocument", 400, "This policy contains invalid Json"},
		{"no principal", "app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, "MalformedPolicyDocument", 400, "Missing required field Principal"},
		{"identity policy", "app", withResource, "MalformedPolicyDocument", 400, "Has prohibited field Resource"},
		{"empty", "app", "", "ValidationError", 400, "1 validation error detected: Value '' at 'policyDocument' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, tc := range tests {
		_, err := n.root().UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String(tc.role), PolicyDocument: aws.String(tc.doc)})
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, err, tc.code, tc.status, tc.msg) })
	}
	wantRawError(t, n.post(url.Values{"Action": {"UpdateAssumeRolePolicy"}, "RoleName": {"app"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
	if got := decodeDoc(t, n.roleGet(t, "app").AssumeRolePolicyDocument); got != next {
		t.Errorf("a rejected update changed the trust policy to %s", got)
	}
}

// DeleteRole deletes; IAM's DeleteConflict while inline or managed
// policies remain; a permissions boundary does not block it.
func TestContractRoleDelete(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	boundary := n.repoPolicy(t, "/", "boundary", getObjectDoc)
	n.roleCreate(t, "bounded", &iamsdk.CreateRoleInput{PermissionsBoundary: aws.String(boundary)})
	raw := n.post(url.Values{"Action": {"DeleteRole"}, "RoleName": {"BOUNDED"}}, nil)
	if raw.Status != http.StatusOK || strings.Contains(raw.Body, "DeleteRoleResult") {
		t.Fatalf("DeleteRole: %d\n%s", raw.Status, raw.Body)
	}
	_, err := n.root().GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("bounded")})
	wantAPIError(t, err, "NoSuchEntity", 404, "The role with name bounded cannot be found.")
	_, err = n.root().DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("bounded")})
	wantAPIError(t, err, "NoSuchEntity", 404, "The role with name bounded cannot be found.")

	// Policies are attached through the store: the attach actions are not
	// this group's.
	n.roleCreate(t, "inline", nil)
	n.roleCreate(t, "managed", nil)
	if _, err := n.app.Repo.UpdateRole(ctx, account, "inline", func(r *iam.Role) error {
		r.InlinePolicies = map[string]string{"read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	readPolicy := n.repoPolicy(t, "/", "read", getObjectDoc)
	if _, err := n.app.Repo.UpdateRole(ctx, account, "managed", func(r *iam.Role) error {
		r.ManagedPolicyARNs = []string{readPolicy}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err = n.root().DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("inline")})
	wantAPIError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
	_, err = n.root().DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("managed")})
	wantAPIError(t, err, "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
	n.roleGet(t, "inline")
	n.roleGet(t, "managed")

	if _, err := n.app.Repo.UpdateRole(ctx, account, "managed", func(r *iam.Role) error {
		r.ManagedPolicyARNs = nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.root().DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("managed")}); err != nil {
		t.Fatalf("DeleteRole after detaching: %v", err)
	}
	wantRawError(t, n.post(url.Values{"Action": {"DeleteRole"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
}
