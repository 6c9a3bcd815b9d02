package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// CreateRole with every member returns IAM's Role shape (no
// MaxSessionDuration, no RoleLastUsed); GetRole returns every member.
func TestContractRoleCreateAndGetFull(t *testing.T) {
	n := newNode(t)
	boundary := n.repoPolicy(t, "/", "boundary", getObjectDoc)
	created := n.roleCreate(t, "app-deployer", &iamsdk.CreateRoleInput{
		Path:                aws.String("/ci/github/"),
		Description:         aws.String("Deploys the app from CI"),
		MaxSessionDuration:  aws.Int32(7200),
		PermissionsBoundary: aws.String(boundary),
		Tags:                roleSDKTags("team", "platform", "env", "prod"),
	})
	roleWantCommon(t, created, "/ci/github/", "app-deployer", roleTrust)
	if aws.ToString(created.Description) != "Deploys the app from CI" {
		t.Errorf("Description = %v", created.Description)
	}
	if created.MaxSessionDuration != nil || created.RoleLastUsed != nil {
		t.Errorf("CreateRole returned MaxSessionDuration %v / RoleLastUsed %v; IAM returns neither", created.MaxSessionDuration, created.RoleLastUsed)
	}
	pb := created.PermissionsBoundary
	if pb == nil || aws.ToString(pb.PermissionsBoundaryArn) != boundary || pb.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("PermissionsBoundary = %+v, want %s", pb, boundary)
	}
	if got := roleTags(created.Tags); !slices.Equal(got, []string{"team=platform", "env=prod"}) {
		t.Errorf("Tags = %v", got)
	}

	got := n.roleGet(t, "APP-DEPLOYER") // names are case-insensitive
	roleWantCommon(t, got, "/ci/github/", "app-deployer", roleTrust)
	if aws.ToString(got.RoleId) != aws.ToString(created.RoleId) || !got.CreateDate.Equal(*created.CreateDate) {
		t.Errorf("GetRole RoleId/CreateDate = %s/%v, want %s/%v", *got.RoleId, got.CreateDate, *created.RoleId, created.CreateDate)
	}
	if aws.ToInt32(got.MaxSessionDuration) != 7200 || aws.ToString(got.Description) != "Deploys the app from CI" {
		t.Errorf("MaxSessionDuration/Description = %v/%v", got.MaxSessionDuration, got.Description)
	}
	if got.PermissionsBoundary == nil || aws.ToString(got.PermissionsBoundary.PermissionsBoundaryArn) != boundary {
		t.Errorf("PermissionsBoundary = %+v", got.PermissionsBoundary)
	}
	if tags := roleTags(got.Tags); !slices.Equal(tags, []string{"team=platform", "env=prod"}) {
		t.Errorf("Tags = %v", tags)
	}
	if got.RoleLastUsed == nil || got.RoleLastUsed.LastUsedDate != nil || got.RoleLastUsed.Region != nil {
		t.Errorf("RoleLastUsed = %+v, want present and empty", got.RoleLastUsed)
	}
}

// A minimal role gets IAM's defaults, and the wire form is IAM's: the
// trust policy percent-encoded, an empty RoleLastUsed, no optional members.
func TestContractRoleCreateDefaultsAndWireForm(t *testing.T) {
	n := newNode(t)
	created := n.roleCreate(t, "minimal", nil)
	roleWantCommon(t, created, "/", "minimal", roleTrust)
	if created.Description != nil || created.PermissionsBoundary != nil || created.Tags != nil {
		t.Errorf("optional members present: %+v", created)
	}
	got := n.roleGet(t, "minimal")
	if aws.ToInt32(got.MaxSessionDuration) != 3600 {
		t.Errorf("MaxSessionDuration = %v, want the default 3600", got.MaxSessionDuration)
	}

	r := n.post(url.Values{"Action": {"GetRole"}, "RoleName": {"minimal"}}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GetRole: %d %s", r.Status, r.Body)
	}
	for _, want := range []string{
		"<AssumeRolePolicyDocument>" + roleTrustEncoded + "</AssumeRolePolicyDocument>",
		"<MaxSessionDuration>3600</MaxSessionDuration>",
		"<RoleLastUsed/>",
		"<Arn>arn:aws:iam::" + account + ":role/minimal</Arn>",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("GetRole body lacks %s:\n%s", want, r.Body)
		}
	}
	for _, absent := range []string{"<Description>", "<Tags", "<PermissionsBoundary>"} {
		if strings.Contains(r.Body, absent) {
			t.Errorf("GetRole body has %s:\n%s", absent, r.Body)
		}
	}

	// Spaces and line breaks are kept and encoded as %20 and %0A.
	spaced := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]\n}"
	n.roleCreate(t, "spaced", &iamsdk.CreateRoleInput{AssumeRolePolicyDocument: aws.String(spaced)})
	r = n.post(url.Values{"Action": {"CreateRole"}, "RoleName": {"spaced2"}, "AssumeRolePolicyDocument": {spaced}}, nil)
	if !strings.Contains(r.Body, "<AssumeRolePolicyDocument>%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C") {
		t.Errorf("CreateRole body does not encode spaces as %%20:\n%s", r.Body)
	}
	if got := decodeDoc(t, n.roleGet(t, "spaced").AssumeRolePolicyDocument); got != spaced {
		t.Errorf("document round trip:\n%s\nwant\n%s", got, spaced)
	}
}

// CreateRole's rejections, each with IAM's code, status and message; a
// rejected role is not stored.
func TestContractRoleCreateErrors(t *testing.T) {
	n := newNode(t)
	n.roleCreate(t, "taken", nil)
	noPrincipal := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity"}]}`
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("s", 2048) + `","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	tests := []struct {
		name   string
		in     iamsdk.CreateRoleInput
		code   string
		status int
		msg    string
	}{
		{"name taken", iamsdk.CreateRoleInput{RoleName: aws.String("taken")},
			"EntityAlreadyExists", 409, "Role with name taken already exists."},
		{"name taken ignoring case", iamsdk.CreateRoleInput{RoleName: aws.String("TAKEN")},
			"EntityAlreadyExists", 409, "Role with name TAKEN already exists."},
		{"trust not JSON", iamsdk.CreateRoleInput{AssumeRolePolicyDocument: aws.String(`{"Version":`)},
			"MalformedPolicyDocument", 400, "This policy contains invalid Json"},
		{"trust names no principal", iamsdk.CreateRoleInput{AssumeRolePolicyDocument: aws.String(noPrincipal)},
			"MalformedPolicyDocument", 400, "Missing required field Principal"},
		{"trust over the quota", iamsdk.CreateRoleInput{AssumeRolePolicyDocument: aws.String(big)},
			"LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"session duration too short", iamsdk.CreateRoleInput{MaxSessionDuration: aws.Int32(3599)},
			"ValidationError", 400, "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"session duration too long", iamsdk.CreateRoleInput{MaxSessionDuration: aws.Int32(43201)},
			"ValidationError", 400, "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"boundary does not exist", iamsdk.CreateRoleInput{PermissionsBoundary: aws.String("arn:aws:iam::" + account + ":policy/nope")},
			"NoSuchEntity", 404, "Scope ARN: arn:aws:iam::" + account + ":policy/nope does not exist or is not attachable."},
		{"boundary is an AWS managed policy stsd has not built in", iamsdk.CreateRoleInput{PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")},
			"NoSuchEntity", 404, "Scope ARN: arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess does not exist or is not attachable."},
		{"boundary not a policy ARN", iamsdk.CreateRoleInput{PermissionsBoundary: aws.String("arn:aws:iam::" + account + ":role/boundary")},
			"InvalidInput", 400, "ARN arn:aws:iam::" + account + ":role/boundary is not valid."},
		{"boundary too short", iamsdk.CreateRoleInput{PermissionsBoundary: aws.String("arn:aws:iam")},
			"ValidationError", 400, "1 validation error detected: Value 'arn:aws:iam' at 'permissionsBoundary' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"reserved tag key", iamsdk.CreateRoleInput{Tags: roleSDKTags("aws:owner", "me")},
			"InvalidInput", 400, "Tag keys starting with 'aws:' are reserved for internal use."},
		{"duplicate tag keys", iamsdk.CreateRoleInput{Tags: roleSDKTags("Team", "a", "team", "b")},
			"InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"every member violation at once", iamsdk.CreateRoleInput{RoleName: aws.String("bad name"), Path: aws.String("nopath"), MaxSessionDuration: aws.Int32(60)},
			"ValidationError", 400, "3 validation errors detected: " +
				`Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); ` +
				`Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
				`Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600`},
		{"name too long", iamsdk.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65))},
			"ValidationError", 400, "1 validation error detected: Value '" + strings.Repeat("r", 65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.RoleName == nil {
				in.RoleName = aws.String("new-role")
			}
			if in.AssumeRolePolicyDocument == nil {
				in.AssumeRolePolicyDocument = aws.String(roleTrust)
			}
			_, err := n.root().CreateRole(context.Background(), &in)
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
			_, err = n.root().GetRole(context.Background(), &iamsdk.GetRoleInput{RoleName: aws.String("new-role")})
			wantAPIError(t, err, "NoSuchEntity", 404, "The role with name new-role cannot be found.")
		})
	}

	// Required members the SDK would not let us omit.
	wantRawError(t, n.post(url.Values{"Action": {"CreateRole"}, "AssumeRolePolicyDocument": {roleTrust}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	wantRawError(t, n.post(url.Values{"Action": {"CreateRole"}}, nil),
		"ValidationError", 400, "2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; "+
			"Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
}

func TestContractRoleGetErrors(t *testing.T) {
	n := newNode(t)
	_, err := n.root().GetRole(context.Background(), &iamsdk.GetRoleInput{RoleName: aws.String("nope")})
	wantAPIError(t, err, "NoSuchEntity", 404, "The role with name nope cannot be found.")
	_, err = n.root().GetRole(context.Background(), &iamsdk.GetRoleInput{RoleName: aws.String("")})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1")
	wantRawError(t, n.post(url.Values{"Action": {"GetRole"}}, nil),
		"ValidationError", 400, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
}

// ListRoles: sorted by name ignoring case, filtered by path prefix, paged
// with Marker/MaxItems; items leave out Tags, PermissionsBoundary and
// RoleLastUsed as IAM's do.
func TestContractRoleList(t *testing.T) {
	n := newNode(t)
	boundary := n.repoPolicy(t, "/", "boundary", getObjectDoc)
	n.roleCreate(t, "b-role", &iamsdk.CreateRoleInput{Path: aws.String("/app/"), Description: aws.String("B"),
		Tags: roleSDKTags("k", "v"), PermissionsBoundary: aws.String(boundary), MaxSessionDuration: aws.Int32(7200)})
	n.roleCreate(t, "A-role", &iamsdk.CreateRoleInput{Path: aws.String("/app/team/")})
	n.roleCreate(t, "c-role", nil)
	n.roleCreate(t, "d-role", &iamsdk.CreateRoleInput{Path: aws.String("/other/")})
	ctx := context.Background()

	out, err := n.root().ListRoles(ctx, &iamsdk.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleNames(out.Roles); !slices.Equal(got, []string{"A-role", "b-role", "c-role", "d-role"}) || out.IsTruncated || out.Marker != nil {
		t.Fatalf("ListRoles = %v truncated=%v marker=%v", got, out.IsTruncated, out.Marker)
	}
	b := out.Roles[1]
	roleWantCommon(t, &b, "/app/", "b-role", roleTrust)
	if aws.ToString(b.Description) != "B" || aws.ToInt32(b.MaxSessionDuration) != 7200 {
		t.Errorf("item Description/MaxSessionDuration = %v/%v", b.Description, b.MaxSessionDuration)
	}
	if b.Tags != nil || b.PermissionsBoundary != nil || b.RoleLastUsed != nil {
		t.Errorf("list item carries Tags/PermissionsBoundary/RoleLastUsed: %+v", b)
	}

	out, err = n.root().ListRoles(ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("/app/")})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleNames(out.Roles); !slices.Equal(got, []string{"A-role", "b-role"}) {
		t.Errorf("PathPrefix /app/ = %v", got)
	}
	out, err = n.root().ListRoles(ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("/nothing/")})
	if err != nil || len(out.Roles) != 0 {
		t.Errorf("PathPrefix /nothing/ = %v, %v; want an empty list", out, err)
	}

	var pages [][]string
	var marker *string
	for {
		out, err := n.root().ListRoles(ctx, &iamsdk.ListRolesInput{MaxItems: aws.Int32(3), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, roleNames(out.Roles))
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(pages) != 2 || !slices.Equal(pages[0], []string{"A-role", "b-role", "c-role"}) || !slices.Equal(pages[1], []string{"d-role"}) {
		t.Errorf("pages = %v", pages)
	}

	_, err = n.root().ListRoles(ctx, &iamsdk.ListRolesInput{PathPrefix: aws.String("app")})
	wantAPIError(t, err, "ValidationError", 400, `1 validation error detected: Value 'app' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	_, err = n.root().ListRoles(ctx, &iamsdk.ListRolesInput{MaxItems: aws.Int32(0)})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

func roleNames(roles []types.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = aws.ToString(r.RoleName)
	}
	return out
}
