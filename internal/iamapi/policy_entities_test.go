package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// polEntities renders a ListEntitiesForPolicy answer as
// "role:NAME:ID user:NAME:ID" (IDs checked against want's entities).
func polEntities(out *iamsdk.ListEntitiesForPolicyOutput) string {
	var s []string
	for _, g := range out.PolicyGroups {
		s = append(s, "group:"+aws.ToString(g.GroupName))
	}
	for _, r := range out.PolicyRoles {
		s = append(s, "role:"+aws.ToString(r.RoleName)+":"+aws.ToString(r.RoleId))
	}
	for _, u := range out.PolicyUsers {
		s = append(s, "user:"+aws.ToString(u.UserName)+":"+aws.ToString(u.UserId))
	}
	return strings.Join(s, " ")
}

// ListEntitiesForPolicy lists the roles and users that use the policy,
// with their IDs, narrowed by EntityFilter, PathPrefix and
// PolicyUsageFilter.
func TestContractPolicyListEntities(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	arn := aws.ToString(n.polCreate(t, "", "shared", getObjectDoc).Arn)
	other := aws.ToString(n.polCreate(t, "", "other", getObjectDoc).Arn)
	app := n.repoRole(t, "/apps/", "app", nil)
	ci := n.repoRole(t, "/", "ci", nil)
	n.repoRole(t, "/", "unrelated", nil)
	alice := n.repoUser(t, "/people/", "alice", nil)
	bob := n.repoUser(t, "/", "bob", nil)
	n.polAttachRole(t, "app", []string{arn}, "")
	n.polAttachRole(t, "ci", []string{other}, arn) // boundary only
	n.polAttachRole(t, "unrelated", []string{other}, "")
	n.polAttachUser(t, "alice", []string{other, arn}, "")
	n.polAttachUser(t, "bob", nil, arn)

	list := func(in *iamsdk.ListEntitiesForPolicyInput) string {
		t.Helper()
		in.PolicyArn = aws.String(arn)
		out, err := n.root().ListEntitiesForPolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if out.IsTruncated {
			t.Errorf("truncated")
		}
		return polEntities(out)
	}
	roleApp := "role:app:" + app.RoleID
	roleCI := "role:ci:" + ci.RoleID
	userAlice := "user:alice:" + alice.UserID
	userBob := "user:bob:" + bob.UserID
	for _, tc := range []struct {
		name string
		in   iamsdk.ListEntitiesForPolicyInput
		want []string
	}{
		{"all", iamsdk.ListEntitiesForPolicyInput{}, []string{roleApp, roleCI, userAlice, userBob}},
		{"roles", iamsdk.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeRole}, []string{roleApp, roleCI}},
		{"users", iamsdk.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser}, []string{userAlice, userBob}},
		{"groups", iamsdk.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeGroup}, nil},
		{"local managed policies", iamsdk.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeLocalManagedPolicy}, nil},
		{"path prefix", iamsdk.ListEntitiesForPolicyInput{PathPrefix: aws.String("/apps/")}, []string{roleApp}},
		{"permissions policy", iamsdk.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, []string{roleApp, userAlice}},
		{"permissions boundary", iamsdk.ListEntitiesForPolicyInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{roleCI, userBob}},
		{"boundary users", iamsdk.ListEntitiesForPolicyInput{EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, []string{userBob}},
	} {
		if got, want := list(&tc.in), strings.Join(tc.want, " "); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, want)
		}
	}

	// One marker pages through roles and users together.
	var seen []string
	in := &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(3)}
	for range 3 {
		out, err := n.root().ListEntitiesForPolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, polEntities(out))
		if !out.IsTruncated {
			break
		}
		in.Marker = out.Marker
	}
	if want := []string{roleApp + " " + roleCI + " " + userAlice, userBob}; strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("pages %q, want %q", seen, want)
	}

	// The empty lists are on the wire.
	r := n.post(url.Values{"Action": {"ListEntitiesForPolicy"}, "PolicyArn": {other}, "EntityFilter": {"Group"}}, nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "<PolicyGroups/>\n    <PolicyUsers/>\n    <PolicyRoles/>\n    <IsTruncated>false</IsTruncated>") {
		t.Fatalf("empty answer:\n%s", r.Body)
	}
}

// ListEntitiesForPolicy of an unknown policy, and invalid members.
func TestContractPolicyListEntitiesErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	missing := polARN("/", "NonExistentPolicy")
	_, err := n.root().ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(missing)})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+missing+" does not exist or is not attachable.")
	_, err = n.root().ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{
		PolicyArn: aws.String(missing), EntityFilter: "Robot", PathPrefix: aws.String("apps"), MaxItems: aws.Int32(0),
	})
	wantAPIError(t, err, "ValidationError", 400, "3 validation errors detected: "+
		"Value 'Robot' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]; "+
		`Value 'apps' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); `+
		"Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = n.client(n.roleSession(t, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*"}]}`)).
		ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(missing)})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+sessionARN("reader")+" is not authorized to perform: iam:ListEntitiesForPolicy on resource: "+missing)
}
