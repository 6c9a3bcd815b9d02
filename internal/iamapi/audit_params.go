package iamapi

import (
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
)

// documentedParams are the request parameters of each action: the members
// of its input shape in the IAM API reference (botocore's and
// aws-sdk-go-v2's service model, iam 2010-05-08). The audit event records
// these and nothing else: a presigned call carries its signature and
// session token (X-Amz-Signature, X-Amz-Security-Token, …) as query
// parameters, and a caller may add any parameter it likes; neither is the
// action's input, and neither may reach the audit log. None of these
// members has a sensitive type in the model (no password, private key or
// secret), so every documented value is recorded as sent.
// TestDocumentedParamsMatchTheModel keeps the table equal to the model.
var documentedParams = map[string][]string{
	"AddClientIDToOpenIDConnectProvider":      {"ClientID", "OpenIDConnectProviderArn"},
	"AttachRolePolicy":                        {"PolicyArn", "RoleName"},
	"AttachUserPolicy":                        {"PolicyArn", "UserName"},
	"CreateAccessKey":                         {"UserName"},
	"CreateOpenIDConnectProvider":             {"ClientIDList", "Tags", "ThumbprintList", "Url"},
	"CreatePolicy":                            {"Description", "Path", "PolicyDocument", "PolicyName", "Tags"},
	"CreatePolicyVersion":                     {"PolicyArn", "PolicyDocument", "SetAsDefault"},
	"CreateRole":                              {"AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "Path", "PermissionsBoundary", "RoleName", "Tags"},
	"CreateUser":                              {"Path", "PermissionsBoundary", "Tags", "UserName"},
	"DeleteAccessKey":                         {"AccessKeyId", "UserName"},
	"DeleteOpenIDConnectProvider":             {"OpenIDConnectProviderArn"},
	"DeletePolicy":                            {"PolicyArn"},
	"DeletePolicyVersion":                     {"PolicyArn", "VersionId"},
	"DeleteRole":                              {"RoleName"},
	"DeleteRolePermissionsBoundary":           {"RoleName"},
	"DeleteRolePolicy":                        {"PolicyName", "RoleName"},
	"DeleteUser":                              {"UserName"},
	"DeleteUserPermissionsBoundary":           {"UserName"},
	"DeleteUserPolicy":                        {"PolicyName", "UserName"},
	"DetachRolePolicy":                        {"PolicyArn", "RoleName"},
	"DetachUserPolicy":                        {"PolicyArn", "UserName"},
	"GetOpenIDConnectProvider":                {"OpenIDConnectProviderArn"},
	"GetPolicy":                               {"PolicyArn"},
	"GetPolicyVersion":                        {"PolicyArn", "VersionId"},
	"GetRole":                                 {"RoleName"},
	"GetRolePolicy":                           {"PolicyName", "RoleName"},
	"GetUser":                                 {"UserName"},
	"GetUserPolicy":                           {"PolicyName", "UserName"},
	"ListAccessKeys":                          {"Marker", "MaxItems", "UserName"},
	"ListAttachedRolePolicies":                {"Marker", "MaxItems", "PathPrefix", "RoleName"},
	"ListAttachedUserPolicies":                {"Marker", "MaxItems", "PathPrefix", "UserName"},
	"ListEntitiesForPolicy":                   {"EntityFilter", "Marker", "MaxItems", "PathPrefix", "PolicyArn", "PolicyUsageFilter"},
	"ListOpenIDConnectProviderTags":           {"Marker", "MaxItems", "OpenIDConnectProviderArn"},
	"ListOpenIDConnectProviders":              {},
	"ListPolicies":                            {"Marker", "MaxItems", "OnlyAttached", "PathPrefix", "PolicyUsageFilter", "Scope"},
	"ListPolicyVersions":                      {"Marker", "MaxItems", "PolicyArn"},
	"ListRolePolicies":                        {"Marker", "MaxItems", "RoleName"},
	"ListRoleTags":                            {"Marker", "MaxItems", "RoleName"},
	"ListRoles":                               {"Marker", "MaxItems", "PathPrefix"},
	"ListUserPolicies":                        {"Marker", "MaxItems", "UserName"},
	"ListUsers":                               {"Marker", "MaxItems", "PathPrefix"},
	"PutRolePermissionsBoundary":              {"PermissionsBoundary", "RoleName"},
	"PutRolePolicy":                           {"PolicyDocument", "PolicyName", "RoleName"},
	"PutUserPermissionsBoundary":              {"PermissionsBoundary", "UserName"},
	"PutUserPolicy":                           {"PolicyDocument", "PolicyName", "UserName"},
	"RemoveClientIDFromOpenIDConnectProvider": {"ClientID", "OpenIDConnectProviderArn"},
	"SetDefaultPolicyVersion":                 {"PolicyArn", "VersionId"},
	"SimulateCustomPolicy": {"ActionNames", "CallerArn", "ContextEntries", "Marker", "MaxItems", "OrderedOrganizationPolicyInputList",
		"PermissionsBoundaryPolicyInputList", "PolicyInputList", "ResourceArns", "ResourceHandlingOption", "ResourceOwner", "ResourcePolicy"},
	"SimulatePrincipalPolicy": {"ActionNames", "CallerArn", "ContextEntries", "Marker", "MaxItems", "PermissionsBoundaryPolicyInputList",
		"PolicyExclusionList", "PolicyInputList", "PolicySourceArn", "ResourceArns", "ResourceHandlingOption", "ResourceOwner", "ResourcePolicy"},
	"TagOpenIDConnectProvider":              {"OpenIDConnectProviderArn", "Tags"},
	"TagRole":                               {"RoleName", "Tags"},
	"UntagOpenIDConnectProvider":            {"OpenIDConnectProviderArn", "TagKeys"},
	"UntagRole":                             {"RoleName", "TagKeys"},
	"UpdateAccessKey":                       {"AccessKeyId", "Status", "UserName"},
	"UpdateAssumeRolePolicy":                {"PolicyDocument", "RoleName"},
	"UpdateOpenIDConnectProviderThumbprint": {"OpenIDConnectProviderArn", "ThumbprintList"},
	"UpdateRole":                            {"Description", "MaxSessionDuration", "RoleName"},
	"UpdateRoleDescription":                 {"Description", "RoleName"},
	"CreateGroup":                           {"GroupName", "Path"},
	"GetGroup":                              {"GroupName", "Marker", "MaxItems"},
	"ListGroups":                            {"Marker", "MaxItems", "PathPrefix"},
	"UpdateGroup":                           {"GroupName", "NewGroupName", "NewPath"},
	"DeleteGroup":                           {"GroupName"},
	"AddUserToGroup":                        {"GroupName", "UserName"},
	"RemoveUserFromGroup":                   {"GroupName", "UserName"},
	"ListGroupsForUser":                     {"Marker", "MaxItems", "UserName"},
	"PutGroupPolicy":                        {"GroupName", "PolicyDocument", "PolicyName"},
	"GetGroupPolicy":                        {"GroupName", "PolicyName"},
	"DeleteGroupPolicy":                     {"GroupName", "PolicyName"},
	"ListGroupPolicies":                     {"GroupName", "Marker", "MaxItems"},
	"AttachGroupPolicy":                     {"GroupName", "PolicyArn"},
	"DetachGroupPolicy":                     {"GroupName", "PolicyArn"},
	"ListAttachedGroupPolicies":             {"GroupName", "Marker", "MaxItems", "PathPrefix"},
	"ListInstanceProfilesForRole":           {"Marker", "MaxItems", "RoleName"},
	"TagPolicy":                             {"PolicyArn", "Tags"},
	"UntagPolicy":                           {"PolicyArn", "TagKeys"},
	"ListPolicyTags":                        {"Marker", "MaxItems", "PolicyArn"},
	"TagUser":                               {"Tags", "UserName"},
	"UntagUser":                             {"TagKeys", "UserName"},
	"ListUserTags":                          {"Marker", "MaxItems", "UserName"},
	"UpdateUser":                            {"NewPath", "NewUserName", "UserName"},
	"GetAccessKeyLastUsed":                  {"AccessKeyId"},
	"EnableOutboundWebIdentityFederation":   {},
	"DisableOutboundWebIdentityFederation":  {},
	"GetOutboundWebIdentityFederationInfo":  {},
	"ListSSHPublicKeys":                     {"Marker", "MaxItems", "UserName"},
	"ListVirtualMFADevices":                 {"AssignmentStatus", "Marker", "MaxItems"},
	"ListMFADevices":                        {"Marker", "MaxItems", "UserName"},
	"DeleteLoginProfile":                    {"UserName"},
	"ListSigningCertificates":               {"Marker", "MaxItems", "UserName"},
	"ListServiceSpecificCredentials":        {"AllUsers", "Marker", "MaxItems", "ServiceName", "UserName"},
}

// requestParameters is what the audit event records of the request: the
// action's documented parameters as sent, lists and structures in their
// flattened Query form (Tags.member.1.Key). Anything else is left out.
func requestParameters(action string, p awsquery.Params) map[string]string {
	members := documentedParams[action]
	out := map[string]string{}
	for _, name := range p.Names() {
		member, _, _ := strings.Cut(name, ".")
		for _, m := range members {
			if m == member {
				out[name] = p.Value(name)
				break
			}
		}
	}
	return out
}
