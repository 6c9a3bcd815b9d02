package iamapi

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/awsquery"
)

// modelInputs are aws-sdk-go-v2's input shapes of the actions, generated
// from IAM's service model: their exported fields are the members.
var modelInputs = map[string]reflect.Type{
	"AddClientIDToOpenIDConnectProvider":      reflect.TypeFor[iamsdk.AddClientIDToOpenIDConnectProviderInput](),
	"AttachRolePolicy":                        reflect.TypeFor[iamsdk.AttachRolePolicyInput](),
	"AttachUserPolicy":                        reflect.TypeFor[iamsdk.AttachUserPolicyInput](),
	"CreateAccessKey":                         reflect.TypeFor[iamsdk.CreateAccessKeyInput](),
	"CreateOpenIDConnectProvider":             reflect.TypeFor[iamsdk.CreateOpenIDConnectProviderInput](),
	"CreatePolicy":                            reflect.TypeFor[iamsdk.CreatePolicyInput](),
	"CreatePolicyVersion":                     reflect.TypeFor[iamsdk.CreatePolicyVersionInput](),
	"CreateRole":                              reflect.TypeFor[iamsdk.CreateRoleInput](),
	"CreateUser":                              reflect.TypeFor[iamsdk.CreateUserInput](),
	"DeleteAccessKey":                         reflect.TypeFor[iamsdk.DeleteAccessKeyInput](),
	"DeleteOpenIDConnectProvider":             reflect.TypeFor[iamsdk.DeleteOpenIDConnectProviderInput](),
	"DeletePolicy":                            reflect.TypeFor[iamsdk.DeletePolicyInput](),
	"DeletePolicyVersion":                     reflect.TypeFor[iamsdk.DeletePolicyVersionInput](),
	"DeleteRole":                              reflect.TypeFor[iamsdk.DeleteRoleInput](),
	"DeleteRolePermissionsBoundary":           reflect.TypeFor[iamsdk.DeleteRolePermissionsBoundaryInput](),
	"DeleteRolePolicy":                        reflect.TypeFor[iamsdk.DeleteRolePolicyInput](),
	"DeleteUser":                              reflect.TypeFor[iamsdk.DeleteUserInput](),
	"DeleteUserPermissionsBoundary":           reflect.TypeFor[iamsdk.DeleteUserPermissionsBoundaryInput](),
	"DeleteUserPolicy":                        reflect.TypeFor[iamsdk.DeleteUserPolicyInput](),
	"DetachRolePolicy":                        reflect.TypeFor[iamsdk.DetachRolePolicyInput](),
	"DetachUserPolicy":                        reflect.TypeFor[iamsdk.DetachUserPolicyInput](),
	"GetOpenIDConnectProvider":                reflect.TypeFor[iamsdk.GetOpenIDConnectProviderInput](),
	"GetPolicy":                               reflect.TypeFor[iamsdk.GetPolicyInput](),
	"GetPolicyVersion":                        reflect.TypeFor[iamsdk.GetPolicyVersionInput](),
	"GetRole":                                 reflect.TypeFor[iamsdk.GetRoleInput](),
	"GetRolePolicy":                           reflect.TypeFor[iamsdk.GetRolePolicyInput](),
	"GetUser":                                 reflect.TypeFor[iamsdk.GetUserInput](),
	"GetUserPolicy":                           reflect.TypeFor[iamsdk.GetUserPolicyInput](),
	"ListAccessKeys":                          reflect.TypeFor[iamsdk.ListAccessKeysInput](),
	"ListAttachedRolePolicies":                reflect.TypeFor[iamsdk.ListAttachedRolePoliciesInput](),
	"ListAttachedUserPolicies":                reflect.TypeFor[iamsdk.ListAttachedUserPoliciesInput](),
	"ListEntitiesForPolicy":                   reflect.TypeFor[iamsdk.ListEntitiesForPolicyInput](),
	"ListOpenIDConnectProviderTags":           reflect.TypeFor[iamsdk.ListOpenIDConnectProviderTagsInput](),
	"ListOpenIDConnectProviders":              reflect.TypeFor[iamsdk.ListOpenIDConnectProvidersInput](),
	"ListPolicies":                            reflect.TypeFor[iamsdk.ListPoliciesInput](),
	"ListPolicyVersions":                      reflect.TypeFor[iamsdk.ListPolicyVersionsInput](),
	"ListRolePolicies":                        reflect.TypeFor[iamsdk.ListRolePoliciesInput](),
	"ListRoleTags":                            reflect.TypeFor[iamsdk.ListRoleTagsInput](),
	"ListRoles":                               reflect.TypeFor[iamsdk.ListRolesInput](),
	"ListUserPolicies":                        reflect.TypeFor[iamsdk.ListUserPoliciesInput](),
	"ListUsers":                               reflect.TypeFor[iamsdk.ListUsersInput](),
	"PutRolePermissionsBoundary":              reflect.TypeFor[iamsdk.PutRolePermissionsBoundaryInput](),
	"PutRolePolicy":                           reflect.TypeFor[iamsdk.PutRolePolicyInput](),
	"PutUserPermissionsBoundary":              reflect.TypeFor[iamsdk.PutUserPermissionsBoundaryInput](),
	"PutUserPolicy":                           reflect.TypeFor[iamsdk.PutUserPolicyInput](),
	"RemoveClientIDFromOpenIDConnectProvider": reflect.TypeFor[iamsdk.RemoveClientIDFromOpenIDConnectProviderInput](),
	"SetDefaultPolicyVersion":                 reflect.TypeFor[iamsdk.SetDefaultPolicyVersionInput](),
	"SimulateCustomPolicy":                    reflect.TypeFor[iamsdk.SimulateCustomPolicyInput](),
	"SimulatePrincipalPolicy":                 reflect.TypeFor[iamsdk.SimulatePrincipalPolicyInput](),
	"TagOpenIDConnectProvider":                reflect.TypeFor[iamsdk.TagOpenIDConnectProviderInput](),
	"TagRole":                                 reflect.TypeFor[iamsdk.TagRoleInput](),
	"UntagOpenIDConnectProvider":              reflect.TypeFor[iamsdk.UntagOpenIDConnectProviderInput](),
	"UntagRole":                               reflect.TypeFor[iamsdk.UntagRoleInput](),
	"UpdateAccessKey":                         reflect.TypeFor[iamsdk.UpdateAccessKeyInput](),
	"UpdateAssumeRolePolicy":                  reflect.TypeFor[iamsdk.UpdateAssumeRolePolicyInput](),
	"UpdateOpenIDConnectProviderThumbprint":   reflect.TypeFor[iamsdk.UpdateOpenIDConnectProviderThumbprintInput](),
	"UpdateRole":                              reflect.TypeFor[iamsdk.UpdateRoleInput](),
	"UpdateRoleDescription":                   reflect.TypeFor[iamsdk.UpdateRoleDescriptionInput](),
	"CreateGroup":                             reflect.TypeFor[iamsdk.CreateGroupInput](),
	"GetGroup":                                reflect.TypeFor[iamsdk.GetGroupInput](),
	"ListGroups":                              reflect.TypeFor[iamsdk.ListGroupsInput](),
	"UpdateGroup":                             reflect.TypeFor[iamsdk.UpdateGroupInput](),
	"DeleteGroup":                             reflect.TypeFor[iamsdk.DeleteGroupInput](),
	"AddUserToGroup":                          reflect.TypeFor[iamsdk.AddUserToGroupInput](),
	"RemoveUserFromGroup":                     reflect.TypeFor[iamsdk.RemoveUserFromGroupInput](),
	"ListGroupsForUser":                       reflect.TypeFor[iamsdk.ListGroupsForUserInput](),
	"PutGroupPolicy":                          reflect.TypeFor[iamsdk.PutGroupPolicyInput](),
	"GetGroupPolicy":                          reflect.TypeFor[iamsdk.GetGroupPolicyInput](),
	"DeleteGroupPolicy":                       reflect.TypeFor[iamsdk.DeleteGroupPolicyInput](),
	"ListGroupPolicies":                       reflect.TypeFor[iamsdk.ListGroupPoliciesInput](),
	"AttachGroupPolicy":                       reflect.TypeFor[iamsdk.AttachGroupPolicyInput](),
	"DetachGroupPolicy":                       reflect.TypeFor[iamsdk.DetachGroupPolicyInput](),
	"ListAttachedGroupPolicies":               reflect.TypeFor[iamsdk.ListAttachedGroupPoliciesInput](),
	"ListInstanceProfilesForRole":             reflect.TypeFor[iamsdk.ListInstanceProfilesForRoleInput](),
	"TagPolicy":                               reflect.TypeFor[iamsdk.TagPolicyInput](),
	"UntagPolicy":                             reflect.TypeFor[iamsdk.UntagPolicyInput](),
	"ListPolicyTags":                          reflect.TypeFor[iamsdk.ListPolicyTagsInput](),
	"TagUser":                                 reflect.TypeFor[iamsdk.TagUserInput](),
	"UntagUser":                               reflect.TypeFor[iamsdk.UntagUserInput](),
	"ListUserTags":                            reflect.TypeFor[iamsdk.ListUserTagsInput](),
	"UpdateUser":                              reflect.TypeFor[iamsdk.UpdateUserInput](),
	"GetAccessKeyLastUsed":                    reflect.TypeFor[iamsdk.GetAccessKeyLastUsedInput](),
	"EnableOutboundWebIdentityFederation":     reflect.TypeFor[iamsdk.EnableOutboundWebIdentityFederationInput](),
	"DisableOutboundWebIdentityFederation":    reflect.TypeFor[iamsdk.DisableOutboundWebIdentityFederationInput](),
	"GetOutboundWebIdentityFederationInfo":    reflect.TypeFor[iamsdk.GetOutboundWebIdentityFederationInfoInput](),
	"ListSSHPublicKeys":                       reflect.TypeFor[iamsdk.ListSSHPublicKeysInput](),
	"ListVirtualMFADevices":                   reflect.TypeFor[iamsdk.ListVirtualMFADevicesInput](),
	"ListMFADevices":                          reflect.TypeFor[iamsdk.ListMFADevicesInput](),
	"DeleteLoginProfile":                      reflect.TypeFor[iamsdk.DeleteLoginProfileInput](),
	"ListSigningCertificates":                 reflect.TypeFor[iamsdk.ListSigningCertificatesInput](),
	"ListServiceSpecificCredentials":          reflect.TypeFor[iamsdk.ListServiceSpecificCredentialsInput](),
}

// documentedParams lists every action served, with exactly the members of
// its input shape in the service model.
func TestDocumentedParamsMatchTheModel(t *testing.T) {
	served := New(Deps{}).Actions()
	sort.Strings(served)
	for _, action := range served {
		members, ok := documentedParams[action]
		if !ok {
			t.Errorf("%s: no documented parameters", action)
			continue
		}
		typ, ok := modelInputs[action]
		if !ok {
			t.Errorf("%s: no model input", action)
			continue
		}
		var want []string
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				want = append(want, f.Name)
			}
		}
		sort.Strings(want)
		got := slices.Sorted(slices.Values(members))
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented %v, the model has %v", action, got, want)
		}
	}
	if len(documentedParams) != len(served) {
		t.Errorf("documentedParams has %d actions, the API serves %d", len(documentedParams), len(served))
	}
}

// The audit view keeps the documented members (flattened lists and
// structures included) and drops everything else: signature parameters,
// Action and Version, unknown parameters, and a member of another action.
func TestRequestParametersOnlyDocumented(t *testing.T) {
	p := awsquery.NewParams(map[string]string{
		"Action": "CreateRole", "Version": "2010-05-08",
		"RoleName": "app", "Tags.member.1.Key": "team", "Tags.member.1.Value": "x",
		"X-Amz-Security-Token": "token", "X-Amz-Signature": "sig", "X-Amz-Credential": "AKIA/…",
		"UserName": "someone", "Tagsx": "y", "roleName": "lower",
	})
	got := requestParameters("CreateRole", p)
	want := map[string]string{"RoleName": "app", "Tags.member.1.Key": "team", "Tags.member.1.Value": "x"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := requestParameters("ListOpenIDConnectProviders", p); len(got) != 0 {
		t.Fatalf("an action without members recorded %v", got)
	}
}
