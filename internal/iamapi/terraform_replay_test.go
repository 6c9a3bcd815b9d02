package iamapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The Terraform AWS provider's IAM resources, replayed call by call with
// aws-sdk-go-v2 in the order the provider makes its calls (read from
// internal/service/iam/*.go of hashicorp/terraform-provider-aws: each
// resource's create, read, update, import and delete functions), since the
// provider itself is too large to build here. A configuration is applied,
// read again (a plan with no changes reads every resource), updated,
// imported (a read from the import ID alone) and destroyed in reverse
// dependency order. Every call the provider makes on these paths is here;
// a NoSuchEntity after a delete is what the provider takes for "gone".
func TestContractTerraformLifecycle(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	gone := func(what string, err error) {
		t.Helper()
		var nse *types.NoSuchEntityException
		if !errors.As(err, &nse) {
			t.Fatalf("%s after delete: %v, want NoSuchEntity", what, err)
		}
	}
	tags := func(kv ...string) []types.Tag { return roleSDKTags(kv...) }
	const providerURL = "https://token.actions.githubusercontent.com"
	providerARN := "arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com"

	// data.aws_caller_identity: GetCallerIdentity.
	id, err := n.stsClient(rootCreds()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must("GetCallerIdentity", err)
	if aws.ToString(id.Account) != account {
		t.Fatalf("Account = %q", aws.ToString(id.Account))
	}

	// aws_iam_openid_connect_provider: create, read.
	_, err = c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(providerURL),
		ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}, Tags: tags("team", "platform")})
	must("CreateOpenIDConnectProvider", err)
	readProvider := func() *iamsdk.GetOpenIDConnectProviderOutput {
		t.Helper()
		out, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
		must("GetOpenIDConnectProvider", err)
		return out
	}
	readProvider()

	// aws_iam_policy (tags): CreatePolicy, then read: GetPolicy, GetPolicyVersion.
	pol, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("deploy"), Path: aws.String("/"),
		Description: aws.String(""), PolicyDocument: aws.String(allow("s3:GetObject")), Tags: tags("team", "platform")})
	must("CreatePolicy", err)
	policyARN := aws.ToString(pol.Policy.Arn)
	readPolicy := func() *types.Policy {
		t.Helper()
		p, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(policyARN)})
		must("GetPolicy", err)
		_, err = c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: p.Policy.DefaultVersionId})
		must("GetPolicyVersion", err)
		return p.Policy
	}
	readPolicy()

	// aws_iam_role (inline and managed policies, tags, max_session_duration):
	// CreateRole, PutRolePolicy, AttachRolePolicy, then read: GetRole,
	// ListRolePolicies + GetRolePolicy, ListAttachedRolePolicies.
	_, err = c.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("deployer"), Path: aws.String("/"),
		AssumeRolePolicyDocument: aws.String(testTrust), Description: aws.String(""), MaxSessionDuration: aws.Int32(7200), Tags: tags("team", "platform")})
	must("CreateRole", err)
	_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(allow("s3:ListBucket"))})
	must("PutRolePolicy", err)
	_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must("AttachRolePolicy (managed_policy_arns)", err)
	readRole := func() *types.Role {
		t.Helper()
		r, err := c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("deployer")})
		must("GetRole", err)
		names, err := c.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("deployer")})
		must("ListRolePolicies", err)
		for _, name := range names.PolicyNames {
			_, err := c.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String(name)})
			must("GetRolePolicy", err)
		}
		_, err = c.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("deployer")})
		must("ListAttachedRolePolicies", err)
		return r.Role
	}
	if r := readRole(); aws.ToInt32(r.MaxSessionDuration) != 7200 || len(r.Tags) != 1 {
		t.Fatalf("role = %+v", r)
	}

	// aws_iam_role_policy: PutRolePolicy, read GetRolePolicy.
	_, err = c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("extra"), PolicyDocument: aws.String(allow("s3:PutObject"))})
	must("PutRolePolicy (aws_iam_role_policy)", err)
	_, err = c.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("extra")})
	must("GetRolePolicy", err)

	// aws_iam_role_policy_attachment: AttachRolePolicy, read ListAttachedRolePolicies.
	_, err = c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String(policyARN)})
	must("AttachRolePolicy", err)
	findAttached := func(list func() ([]types.AttachedPolicy, error), arn string) bool {
		t.Helper()
		att, err := list()
		must("ListAttached…Policies", err)
		for _, a := range att {
			if aws.ToString(a.PolicyArn) == arn {
				return true
			}
		}
		return false
	}
	roleAttached := func() ([]types.AttachedPolicy, error) {
		out, err := c.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: aws.String("deployer")})
		if err != nil {
			return nil, err
		}
		return out.AttachedPolicies, nil
	}
	if !findAttached(roleAttached, policyARN) {
		t.Fatal("the role policy attachment is not found")
	}

	// aws_iam_user: CreateUser, read GetUser.
	_, err = c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("ci"), Path: aws.String("/"), Tags: tags("team", "platform")})
	must("CreateUser", err)
	_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("ci")})
	must("GetUser", err)

	// aws_iam_access_key: CreateAccessKey, read ListAccessKeys for the user.
	key, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("ci")})
	must("CreateAccessKey", err)
	keyID := aws.ToString(key.AccessKey.AccessKeyId)
	readKey := func(user string) types.AccessKeyMetadata {
		t.Helper()
		out, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: aws.String(user)})
		must("ListAccessKeys", err)
		for _, k := range out.AccessKeyMetadata {
			if aws.ToString(k.AccessKeyId) == keyID {
				return k
			}
		}
		t.Fatalf("access key %s not listed for %s", keyID, user)
		return types.AccessKeyMetadata{}
	}
	readKey("ci")

	// aws_iam_user_policy: PutUserPolicy, read GetUserPolicy.
	_, err = c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("ci"), PolicyName: aws.String("self"), PolicyDocument: aws.String(allow("iam:GetUser"))})
	must("PutUserPolicy", err)
	_, err = c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("ci"), PolicyName: aws.String("self")})
	must("GetUserPolicy", err)

	// aws_iam_group: CreateGroup, read GetGroup.
	_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("deployers"), Path: aws.String("/")})
	must("CreateGroup", err)
	_, err = c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("deployers")})
	must("GetGroup", err)

	// aws_iam_group_membership: AddUserToGroup per user, read GetGroup pages.
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("deployers"), UserName: aws.String("ci")})
	must("AddUserToGroup", err)
	members := func(group string) []string {
		t.Helper()
		var names []string
		pages := iamsdk.NewGetGroupPaginator(c, &iamsdk.GetGroupInput{GroupName: aws.String(group)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			must("GetGroup page", err)
			for _, u := range page.Users {
				names = append(names, aws.ToString(u.UserName))
			}
		}
		return names
	}
	if m := members("deployers"); len(m) != 1 || m[0] != "ci" {
		t.Fatalf("members = %v", m)
	}

	// aws_iam_group_policy: PutGroupPolicy, read GetGroupPolicy.
	_, err = c.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("deployers"), PolicyName: aws.String("read"), PolicyDocument: aws.String(allow("iam:Get*"))})
	must("PutGroupPolicy", err)
	_, err = c.GetGroupPolicy(ctx, &iamsdk.GetGroupPolicyInput{GroupName: aws.String("deployers"), PolicyName: aws.String("read")})
	must("GetGroupPolicy", err)

	// aws_iam_group_policy_attachment: AttachGroupPolicy, read ListAttachedGroupPolicies.
	_, err = c.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("deployers"), PolicyArn: aws.String(policyARN)})
	must("AttachGroupPolicy", err)
	if !findAttached(groupAttachments(ctx, c, "deployers"), policyARN) {
		t.Fatal("the group policy attachment is not found")
	}

	// Update: a tag on the policy and on the user (TagPolicy/UntagPolicy,
	// TagUser/UntagUser), the policy document (ListPolicyVersions to
	// prune, CreatePolicyVersion, SetDefaultPolicyVersion), the role
	// (UpdateAssumeRolePolicy, UpdateRoleDescription, UpdateRole,
	// TagRole/UntagRole), the provider (thumbprints, client IDs, tags),
	// the user's name (UpdateUser), the group's name (UpdateGroup), the
	// key's status (UpdateAccessKey) and the membership.
	_, err = c.TagPolicy(ctx, &iamsdk.TagPolicyInput{PolicyArn: aws.String(policyARN), Tags: tags("env", "prod")})
	must("TagPolicy", err)
	_, err = c.UntagPolicy(ctx, &iamsdk.UntagPolicyInput{PolicyArn: aws.String(policyARN), TagKeys: []string{"team"}})
	must("UntagPolicy", err)
	if p := readPolicy(); len(p.Tags) != 1 || aws.ToString(p.Tags[0].Key) != "env" {
		t.Fatalf("policy tags = %+v", p.Tags)
	}
	_, err = c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(policyARN)})
	must("ListPolicyVersions", err)
	v2, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN), PolicyDocument: aws.String(allow("s3:GetObject", "s3:ListBucket"))})
	must("CreatePolicyVersion", err)
	_, err = c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: v2.PolicyVersion.VersionId})
	must("SetDefaultPolicyVersion", err)
	readPolicy()
	_, err = c.TagUser(ctx, &iamsdk.TagUserInput{UserName: aws.String("ci"), Tags: tags("env", "prod")})
	must("TagUser", err)
	_, err = c.UntagUser(ctx, &iamsdk.UntagUserInput{UserName: aws.String("ci"), TagKeys: []string{"team"}})
	must("UntagUser", err)
	_, err = c.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("deployer"), PolicyDocument: aws.String(testTrust)})
	must("UpdateAssumeRolePolicy", err)
	_, err = c.UpdateRoleDescription(ctx, &iamsdk.UpdateRoleDescriptionInput{RoleName: aws.String("deployer"), Description: aws.String("deploys")})
	must("UpdateRoleDescription", err)
	_, err = c.UpdateRole(ctx, &iamsdk.UpdateRoleInput{RoleName: aws.String("deployer"), MaxSessionDuration: aws.Int32(3600)})
	must("UpdateRole", err)
	_, err = c.TagRole(ctx, &iamsdk.TagRoleInput{RoleName: aws.String("deployer"), Tags: tags("env", "prod")})
	must("TagRole", err)
	_, err = c.UntagRole(ctx, &iamsdk.UntagRoleInput{RoleName: aws.String("deployer"), TagKeys: []string{"team"}})
	must("UntagRole", err)
	readRole()
	_, err = c.UpdateOpenIDConnectProviderThumbprint(ctx, &iamsdk.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(providerARN),
		ThumbprintList: []string{"1b511abead59c6ce207077c0bf0e0043b1382612"}})
	must("UpdateOpenIDConnectProviderThumbprint", err)
	_, err = c.AddClientIDToOpenIDConnectProvider(ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN), ClientID: aws.String("app")})
	must("AddClientIDToOpenIDConnectProvider", err)
	_, err = c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN), Tags: tags("env", "prod")})
	must("TagOpenIDConnectProvider", err)
	_, err = c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN), TagKeys: []string{"team"}})
	must("UntagOpenIDConnectProvider", err)
	readProvider()
	_, err = c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("ci"), NewUserName: aws.String("ci-bot"), NewPath: aws.String("/bots/")})
	must("UpdateUser", err)
	u, err := c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("ci-bot")})
	must("GetUser", err)
	if len(u.User.Tags) != 1 || aws.ToString(u.User.Path) != "/bots/" {
		t.Fatalf("user = %+v", u.User)
	}
	_, err = c.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("ci-bot"), AccessKeyId: aws.String(keyID), Status: types.StatusTypeInactive})
	must("UpdateAccessKey", err)
	if k := readKey("ci-bot"); k.Status != types.StatusTypeInactive {
		t.Fatalf("key = %+v", k)
	}
	_, err = c.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("deployers"), NewGroupName: aws.String("releasers"), NewPath: aws.String("/")})
	must("UpdateGroup", err)
	_, err = c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("releasers")})
	must("GetGroup", err)
	_, err = c.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("ops"), Path: aws.String("/")})
	must("CreateUser", err)
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("releasers"), UserName: aws.String("ops")})
	must("AddUserToGroup", err)
	if m := members("releasers"); len(m) != 2 {
		t.Fatalf("members = %v", m)
	}

	// Import: each resource read from its import ID alone. The access
	// key's import asks GetAccessKeyLastUsed for the key's user.
	readProvider()
	readPolicy()
	readRole()
	lu, err := c.GetAccessKeyLastUsed(ctx, &iamsdk.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(keyID)})
	must("GetAccessKeyLastUsed", err)
	readKey(aws.ToString(lu.UserName))
	_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String("ci-bot")})
	must("GetUser", err)
	_, err = c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: aws.String("ci-bot"), PolicyName: aws.String("self")})
	must("GetUserPolicy", err)
	_, err = c.GetGroupPolicy(ctx, &iamsdk.GetGroupPolicyInput{GroupName: aws.String("releasers"), PolicyName: aws.String("read")})
	must("GetGroupPolicy", err)
	if !findAttached(groupAttachments(ctx, c, "releasers"), policyARN) {
		t.Fatal("the group policy attachment is not found after the rename")
	}

	// Destroy, dependents first.
	// aws_iam_group_policy_attachment: DetachGroupPolicy.
	_, err = c.DetachGroupPolicy(ctx, &iamsdk.DetachGroupPolicyInput{GroupName: aws.String("releasers"), PolicyArn: aws.String(policyARN)})
	must("DetachGroupPolicy", err)
	// aws_iam_group_policy: DeleteGroupPolicy.
	_, err = c.DeleteGroupPolicy(ctx, &iamsdk.DeleteGroupPolicyInput{GroupName: aws.String("releasers"), PolicyName: aws.String("read")})
	must("DeleteGroupPolicy", err)
	// aws_iam_group_membership: RemoveUserFromGroup per user.
	for _, name := range []string{"ci-bot", "ops"} {
		_, err = c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: aws.String("releasers"), UserName: aws.String(name)})
		must("RemoveUserFromGroup", err)
	}
	// aws_iam_group: DeleteGroup.
	_, err = c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("releasers")})
	must("DeleteGroup", err)
	_, err = c.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: aws.String("releasers")})
	gone("GetGroup", err)
	// aws_iam_user_policy: DeleteUserPolicy.
	_, err = c.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: aws.String("ci-bot"), PolicyName: aws.String("self")})
	must("DeleteUserPolicy", err)
	// aws_iam_access_key: DeleteAccessKey.
	_, err = c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("ci-bot"), AccessKeyId: aws.String(keyID)})
	must("DeleteAccessKey", err)
	// aws_iam_user: ListGroupsForUser (RemoveUserFromGroup each); with
	// force_destroy = true (here "ops") the user's policies, keys and other
	// credentials (forceDestroyUser); then DeleteUser.
	// "ops" is still in a group made outside Terraform, as the provider
	// finds it, and has an inline policy, an attached policy and an access
	// key made outside Terraform, which force_destroy removes.
	_, err = c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("outside")})
	must("CreateGroup", err)
	_, err = c.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("outside"), UserName: aws.String("ops")})
	must("AddUserToGroup", err)
	_, err = c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("ops"), PolicyName: aws.String("by-hand"), PolicyDocument: aws.String(allow("iam:GetUser"))})
	must("PutUserPolicy", err)
	_, err = c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
	must("AttachUserPolicy", err)
	_, err = c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("ops")})
	must("CreateAccessKey", err)
	for _, name := range []string{"ci-bot", "ops"} {
		pages := iamsdk.NewListGroupsForUserPaginator(c, &iamsdk.ListGroupsForUserInput{UserName: aws.String(name)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			must("ListGroupsForUser", err)
			for _, g := range page.Groups {
				_, err := c.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: g.GroupName, UserName: aws.String(name)})
				must("RemoveUserFromGroup", err)
			}
		}
		if name == "ops" {
			forceDestroyUser(ctx, t, c, name)
		}
		_, err = c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String(name)})
		must("DeleteUser "+name, err)
		_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String(name)})
		gone("GetUser", err)
	}
	// aws_iam_role_policy_attachment: DetachRolePolicy.
	_, err = c.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String(policyARN)})
	must("DetachRolePolicy", err)
	// aws_iam_role_policy: DeleteRolePolicy.
	_, err = c.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("extra")})
	must("DeleteRolePolicy", err)
	// aws_iam_role: ListInstanceProfilesForRole (RemoveRoleFromInstanceProfile
	// each), then with managed_policy_arns and inline_policy set:
	// ListAttachedRolePolicies + DetachRolePolicy, ListRolePolicies +
	// DeleteRolePolicy; then DeleteRole.
	profiles, err := c.ListInstanceProfilesForRole(ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("deployer")})
	must("ListInstanceProfilesForRole", err)
	if len(profiles.InstanceProfiles) != 0 {
		t.Fatalf("instance profiles = %+v", profiles.InstanceProfiles)
	}
	att, err := roleAttached()
	must("ListAttachedRolePolicies", err)
	for _, a := range att {
		_, err := c.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: a.PolicyArn})
		must("DetachRolePolicy", err)
	}
	names, err := c.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: aws.String("deployer")})
	must("ListRolePolicies", err)
	for _, name := range names.PolicyNames {
		_, err := c.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String(name)})
		must("DeleteRolePolicy", err)
	}
	_, err = c.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("deployer")})
	must("DeleteRole", err)
	_, err = c.GetRole(ctx, &iamsdk.GetRoleInput{RoleName: aws.String("deployer")})
	gone("GetRole", err)
	// aws_iam_policy: ListPolicyVersions, DeletePolicyVersion of each
	// non-default version, DeletePolicy.
	versions, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(policyARN)})
	must("ListPolicyVersions", err)
	for _, v := range versions.Versions {
		if !v.IsDefaultVersion {
			_, err := c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: v.VersionId})
			must("DeletePolicyVersion", err)
		}
	}
	_, err = c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(policyARN)})
	must("DeletePolicy", err)
	_, err = c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	gone("GetPolicy", err)
	// aws_iam_openid_connect_provider: DeleteOpenIDConnectProvider.
	_, err = c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	must("DeleteOpenIDConnectProvider", err)
	_, err = c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	gone("GetOpenIDConnectProvider", err)

	// A second destroy finds nothing, as the provider's delete paths expect.
	_, err = c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("releasers")})
	wantNoSuchEntity(t, err, "group", "releasers")
	_, err = c.ListInstanceProfilesForRole(ctx, &iamsdk.ListInstanceProfilesForRoleInput{RoleName: aws.String("deployer")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The role with name deployer cannot be found.")
	_, err = c.ListSSHPublicKeys(ctx, &iamsdk.ListSSHPublicKeysInput{UserName: aws.String("ops")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name ops cannot be found.")
	_, err = c.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: aws.String("ops")})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The user with name ops cannot be found.")
}

// forceDestroyUser replays aws_iam_user's delete with force_destroy = true
// after the group memberships, in the provider's order (resourceUserDelete
// in internal/service/iam/user.go): deleteUserPolicies,
// detachUserPolicies, deleteUserAccessKeys, deleteUserSSHKeys,
// deleteUserVirtualMFADevices (the account's assigned devices, filtered by
// user), deactivateUserMFADevices, deleteUserLoginProfile,
// deleteUserSigningCertificates, deleteServiceSpecificCredentials. Each
// step takes NoSuchEntity for "nothing to remove", as the provider does,
// and anything else for a failed destroy; stsd answers every list empty
// and DeleteLoginProfile NoSuchEntity.
func forceDestroyUser(ctx context.Context, t *testing.T, c *iamsdk.Client, user string) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("force_destroy %s: %s: %v", user, what, err)
		}
	}
	name := aws.String(user)
	policies := iamsdk.NewListUserPoliciesPaginator(c, &iamsdk.ListUserPoliciesInput{UserName: name})
	for policies.HasMorePages() {
		page, err := policies.NextPage(ctx)
		must("ListUserPolicies", err)
		for _, p := range page.PolicyNames {
			_, err := c.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String(p)})
			must("DeleteUserPolicy", err)
		}
	}
	attached := iamsdk.NewListAttachedUserPoliciesPaginator(c, &iamsdk.ListAttachedUserPoliciesInput{UserName: name})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		must("ListAttachedUserPolicies", err)
		for _, p := range page.AttachedPolicies {
			_, err := c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: name, PolicyArn: p.PolicyArn})
			must("DetachUserPolicy", err)
		}
	}
	keys, err := c.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: name})
	must("ListAccessKeys", err)
	for _, k := range keys.AccessKeyMetadata {
		_, err := c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: name, AccessKeyId: k.AccessKeyId})
		must("DeleteAccessKey", err)
	}
	ssh := iamsdk.NewListSSHPublicKeysPaginator(c, &iamsdk.ListSSHPublicKeysInput{UserName: name})
	for ssh.HasMorePages() {
		page, err := ssh.NextPage(ctx)
		must("ListSSHPublicKeys", err)
		if len(page.SSHPublicKeys) != 0 {
			t.Fatalf("SSH public keys = %+v", page.SSHPublicKeys)
		}
	}
	virtual := iamsdk.NewListVirtualMFADevicesPaginator(c, &iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned})
	for virtual.HasMorePages() {
		page, err := virtual.NextPage(ctx)
		must("ListVirtualMFADevices", err)
		if len(page.VirtualMFADevices) != 0 {
			t.Fatalf("virtual MFA devices = %+v", page.VirtualMFADevices)
		}
	}
	mfa := iamsdk.NewListMFADevicesPaginator(c, &iamsdk.ListMFADevicesInput{UserName: name})
	for mfa.HasMorePages() {
		page, err := mfa.NextPage(ctx)
		must("ListMFADevices", err)
		if len(page.MFADevices) != 0 {
			t.Fatalf("MFA devices = %+v", page.MFADevices)
		}
	}
	_, err = c.DeleteLoginProfile(ctx, &iamsdk.DeleteLoginProfileInput{UserName: name})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Login Profile for User "+user+" cannot be found.")
	certs := iamsdk.NewListSigningCertificatesPaginator(c, &iamsdk.ListSigningCertificatesInput{UserName: name})
	for certs.HasMorePages() {
		page, err := certs.NextPage(ctx)
		must("ListSigningCertificates", err)
		if len(page.Certificates) != 0 {
			t.Fatalf("signing certificates = %+v", page.Certificates)
		}
	}
	creds, err := c.ListServiceSpecificCredentials(ctx, &iamsdk.ListServiceSpecificCredentialsInput{UserName: name})
	must("ListServiceSpecificCredentials", err)
	if len(creds.ServiceSpecificCredentials) != 0 || creds.IsTruncated {
		t.Fatalf("service-specific credentials = %+v", creds)
	}
}

// groupAttachments lists a group's attached policies (the attachment's
// read).
func groupAttachments(ctx context.Context, c *iamsdk.Client, group string) func() ([]types.AttachedPolicy, error) {
	return func() ([]types.AttachedPolicy, error) {
		out, err := c.ListAttachedGroupPolicies(ctx, &iamsdk.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)})
		if err != nil {
			return nil, err
		}
		return out.AttachedPolicies, nil
	}
}
