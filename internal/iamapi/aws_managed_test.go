package iamapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The AWS managed policies stsd has built in answer GetPolicy,
// GetPolicyVersion, ListPolicyVersions and ListPolicies Scope=AWS as AWS
// does, attach by their ARNs to users, roles and groups, and grant what
// their documents say; they cannot be changed or deleted, and an AWS
// managed ARN stsd has not built in is refused.
func TestContractAWSManagedPolicies(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	const s3read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	got, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(admin)})
	if err != nil {
		t.Fatal(err)
	}
	p := got.Policy
	if aws.ToString(p.PolicyName) != "AdministratorAccess" || aws.ToString(p.PolicyId) != "ANPAIWMBCKSKIEE64ZLYK" ||
		aws.ToString(p.Arn) != admin || aws.ToString(p.Path) != "/" || aws.ToString(p.DefaultVersionId) != "v1" ||
		aws.ToString(p.Description) != "Provides full access to AWS services and resources." || !p.IsAttachable ||
		p.CreateDate.Format("2006-01-02T15:04:05Z") != "2015-02-06T18:39:46Z" {
		t.Fatalf("GetPolicy = %+v", p)
	}
	v, err := c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(s3read), VersionId: aws.String("v3")})
	if err != nil {
		t.Fatal(err)
	}
	if doc := decodeDoc(t, v.PolicyVersion.Document); !strings.Contains(doc, `"s3:Get*","s3:List*","s3:Describe*"`) || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion = %s %+v", doc, v.PolicyVersion)
	}
	versions, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
	if err != nil || len(versions.Versions) != 1 || aws.ToString(versions.Versions[0].VersionId) != "v12" {
		t.Fatalf("ListPolicyVersions = %+v, %v", versions, err)
	}
	list, err := c.ListPolicies(ctx, &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(4)})
	if err != nil || len(list.Policies) != 4 || !list.IsTruncated {
		t.Fatalf("ListPolicies AWS = %+v, %v", list, err)
	}

	n.apiUser(t, "ops")
	if _, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/iamreadonlyaccess")}); err != nil {
		t.Fatal(err)
	}
	att, err := c.ListAttachedUserPolicies(ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: aws.String("ops")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/IAMReadOnlyAccess" ||
		aws.ToString(att.AttachedPolicies[0].PolicyName) != "IAMReadOnlyAccess" {
		t.Fatalf("ListAttachedUserPolicies = %+v, %v", att, err)
	}
	ops := n.userClient(t, "ops")
	if _, err := ops.ListUsers(ctx, &iamsdk.ListUsersInput{}); err != nil {
		t.Fatalf("IAMReadOnlyAccess allows ListUsers: %v", err)
	}
	_, err = ops.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("x")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/ops is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::"+account+":user/x")
	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("admins")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(admin)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Fatalf("AdministratorAccess through the group: %v", err)
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: aws.String(admin)})
	if err != nil || len(ents.PolicyGroups) != 1 || len(ents.PolicyUsers) != 0 {
		t.Fatalf("ListEntitiesForPolicy = %+v, %v", ents, err)
	}
	got, err = c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(admin)})
	if err != nil || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount = %+v, %v", got, err)
	}

	// Not the account's to change.
	_, err = c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(s3read)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+s3read+" was not found.")
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(s3read), PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+s3read+" was not found.")
	_, err = c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(s3read), Tags: roleSDKTags("k", "v")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+s3read+" was not found.")
	// Not built in: refused everywhere.
	const ec2 = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
	_, err = c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(ec2)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+ec2+" does not exist or is not attachable.")
	_, err = c.PutUserPermissionsBoundary(ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: aws.String("ops"), PermissionsBoundary: aws.String(ec2)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Scope ARN: "+ec2+" does not exist or is not attachable.")
	_, err = c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(ec2)})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+ec2+" was not found.")
}

// TagPolicy, UntagPolicy and ListPolicyTags on the account's policies;
// GetPolicy shows the tags.
func TestContractPolicyTags(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	arn := n.repoPolicy(t, "/", "Reports", getObjectDoc)
	spelled := polARN("/", "REPORTS")
	if _, err := c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(spelled), Tags: roleSDKTags("team", "data", "env", "dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(arn), Tags: roleSDKTags("Env", "prod")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagPolicy(ctx, &iamsdk.UntagPolicyInput{PolicyArn: aws.String(arn), TagKeys: []string{"TEAM", "absent"}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListPolicyTags(ctx, &iamsdk.ListPolicyTagsInput{PolicyArn: aws.String(arn)})
	if err != nil || strings.Join(roleTags(list.Tags), " ") != "Env=prod" {
		t.Fatalf("ListPolicyTags = %v, %v", roleTags(list.Tags), err)
	}
	got, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || strings.Join(roleTags(got.Policy.Tags), " ") != "Env=prod" {
		t.Fatalf("GetPolicy tags = %+v, %v", got, err)
	}
	missing := polARN("/", "Missing")
	_, err = c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(missing), Tags: roleSDKTags("k", "v")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+missing+" was not found.")
	_, err = c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(arn), Tags: roleSDKTags("aws:x", "v")})
	wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "Tag keys starting with 'aws:' are reserved for internal use.")
}

// ListInstanceProfilesForRole answers an empty list for a role (stsd has
// no instance profiles) and NoSuchEntity for an unknown one;
// GetAccessKeyLastUsed names the key's user and "N/A" for its last use.
func TestContractInstanceProfilesAndAccessKeyLastUsed(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	n.repoRole(t, "/", "app", nil)
	out, err := c.ListInstanceProfilesForRole(ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("APP")})
	if err != nil || len(out.InstanceProfiles) != 0 || out.IsTruncated || out.InstanceProfiles == nil {
		t.Fatalf("ListInstanceProfilesForRole = %+v, %v", out, err)
	}
	_, err = c.ListInstanceProfilesForRole(ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("ghost")})
	wantNoSuchEntity(t, err, "role", "ghost")

	n.apiUser(t, "Alice")
	key := n.accessKey(t, "alice")
	creds, _ := key.Retrieve(ctx)
	lu, err := c.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(creds.AccessKeyID)})
	if err != nil || aws.ToString(lu.UserName) != "Alice" || lu.AccessKeyLastUsed == nil ||
		aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "N/A" || aws.ToString(lu.AccessKeyLastUsed.Region) != "N/A" || lu.AccessKeyLastUsed.LastUsedDate != nil {
		t.Fatalf("GetAccessKeyLastUsed = %+v, %v", lu, err)
	}
	// Authorized on the key's user, as stored.
	_, err = n.client(key).GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(creds.AccessKeyID)})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/Alice is not authorized to perform: iam:GetAccessKeyLastUsed on resource: arn:aws:iam::"+account+":user/Alice")
	_, err = c.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAUNKNOWNUNKNOWN00")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The Access Key with id AKIAUNKNOWNUNKNOWN00 cannot be found.")
	_, err = c.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIA-not-a-word-id")})
	wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value 'AKIA-not-a-word-id' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+")
}
