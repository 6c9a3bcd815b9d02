package iamapi

import (
	"context"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// action is one IAM action: how to find the resource it is authorized
// against, and what it does.
type action struct {
	readOnly bool
	// validate, when set, runs after authentication and before
	// authorization, for the few checks IAM makes first (a request that
	// names no resource to authorize). Member validation belongs to run.
	validate func(x *exchange) error
	// resource finds the entity the caller must be allowed the action on
	// (nil: "*"; resources.go).
	resource finder
	run      func(ctx context.Context, x *exchange) (*awsquery.Response, error)
}

// actionTable is every IAM action stsd serves, by resource: the action's
// name as the API spells it, whether it only reads (its audit event's
// readOnly), the check it makes before authorization, the finder of the
// resource it is authorized on, and its handler. Handlers shared by roles,
// users and groups take the holder they run with (policy_holders.go):
// PutRolePolicy runs putInlinePolicy(roles). A new action is one row here
// (and its documented parameters, audit_params.go).
func (s *Service) actionTable() map[string]action {
	return map[string]action{
		// OpenID Connect providers (providers.go, providers_update.go).
		"CreateOpenIDConnectProvider":             {resource: newProviderResource, run: s.createProvider},
		"GetOpenIDConnectProvider":                {readOnly: true, resource: providerResource, run: s.getProvider},
		"ListOpenIDConnectProviders":              {readOnly: true, resource: anyResource, run: s.listProviders},
		"DeleteOpenIDConnectProvider":             {resource: providerResource, run: s.deleteProvider},
		"AddClientIDToOpenIDConnectProvider":      {resource: providerResource, run: s.addProviderClientID},
		"RemoveClientIDFromOpenIDConnectProvider": {resource: providerResource, run: s.removeProviderClientID},
		"UpdateOpenIDConnectProviderThumbprint":   {resource: providerResource, run: s.updateProviderThumbprint},
		"TagOpenIDConnectProvider":                {resource: providerResource, run: s.tagProvider},
		"UntagOpenIDConnectProvider":              {resource: providerResource, run: s.untagProvider},
		"ListOpenIDConnectProviderTags":           {readOnly: true, resource: providerResource, run: s.listProviderTags},

		// Roles (roles.go, roles_tags.go, roles_instance_profiles.go).
		"CreateRole":                  {resource: newRoleResource, run: s.createRole},
		"GetRole":                     {readOnly: true, resource: roleResource, run: s.getRole},
		"ListRoles":                   {readOnly: true, resource: arnOf(roleListResource), run: s.listRoles},
		"UpdateRole":                  {resource: roleResource, run: s.updateRole},
		"UpdateRoleDescription":       {resource: roleResource, run: s.updateRoleDescription},
		"UpdateAssumeRolePolicy":      {resource: roleResource, run: s.updateAssumeRolePolicy},
		"DeleteRole":                  {resource: roleResource, run: s.deleteRole},
		"TagRole":                     {resource: roleResource, run: s.tagRole},
		"UntagRole":                   {resource: roleResource, run: s.untagRole},
		"ListRoleTags":                {readOnly: true, resource: roleResource, run: s.listRoleTags},
		"ListInstanceProfilesForRole": {readOnly: true, resource: roleResource, run: s.listInstanceProfilesForRole},

		// A role's policies (role_policies.go; handlers in
		// inline_policies.go and attached_policies.go).
		"PutRolePolicy":                 {resource: roleResource, run: s.putInlinePolicy(roles)},
		"GetRolePolicy":                 {readOnly: true, resource: roleResource, run: s.getInlinePolicy(roles)},
		"DeleteRolePolicy":              {resource: roleResource, run: s.deleteInlinePolicy(roles)},
		"ListRolePolicies":              {readOnly: true, resource: roleResource, run: s.listInlinePolicies(roles)},
		"AttachRolePolicy":              {resource: roleResource, run: s.attachPolicy(roles)},
		"DetachRolePolicy":              {resource: roleResource, run: s.detachPolicy(roles)},
		"ListAttachedRolePolicies":      {readOnly: true, resource: roleResource, run: s.listAttachedPolicies(roles)},
		"PutRolePermissionsBoundary":    {resource: roleResource, run: s.putBoundary(roles)},
		"DeleteRolePermissionsBoundary": {resource: roleResource, run: s.deleteBoundary(roles)},

		// IAM users (users.go, users_update.go).
		"CreateUser":   {resource: newUserResource, run: s.createUser},
		"GetUser":      {readOnly: true, resource: userResource, run: s.getUser},
		"ListUsers":    {readOnly: true, resource: arnOf(userListResource), run: s.listUsers},
		"UpdateUser":   {resource: userResource, run: s.updateUser},
		"DeleteUser":   {resource: userResource, run: s.deleteUser},
		"TagUser":      {resource: userResource, run: s.tagUser},
		"UntagUser":    {resource: userResource, run: s.untagUser},
		"ListUserTags": {readOnly: true, resource: userResource, run: s.listUserTags},

		// A user's policies (user_policies.go).
		"PutUserPolicy":                 {resource: userResource, run: s.putInlinePolicy(users)},
		"GetUserPolicy":                 {readOnly: true, resource: userResource, run: s.getInlinePolicy(users)},
		"DeleteUserPolicy":              {resource: userResource, run: s.deleteInlinePolicy(users)},
		"ListUserPolicies":              {readOnly: true, resource: userResource, run: s.listInlinePolicies(users)},
		"AttachUserPolicy":              {resource: userResource, run: s.attachPolicy(users)},
		"DetachUserPolicy":              {resource: userResource, run: s.detachPolicy(users)},
		"ListAttachedUserPolicies":      {readOnly: true, resource: userResource, run: s.listAttachedPolicies(users)},
		"PutUserPermissionsBoundary":    {resource: userResource, run: s.putBoundary(users)},
		"DeleteUserPermissionsBoundary": {resource: userResource, run: s.deleteBoundary(users)},

		// A user's access keys (accesskeys.go, accesskeys_last_used.go).
		"CreateAccessKey":      {validate: userNamedOrCaller, resource: userResource, run: s.createAccessKey},
		"ListAccessKeys":       {readOnly: true, validate: userNamedOrCaller, resource: userResource, run: s.listAccessKeys},
		"UpdateAccessKey":      {validate: userNamedOrCaller, resource: userResource, run: s.updateAccessKey},
		"DeleteAccessKey":      {validate: userNamedOrCaller, resource: userResource, run: s.deleteAccessKey},
		"GetAccessKeyLastUsed": {readOnly: true, resource: accessKeyOwnerResource, run: s.getAccessKeyLastUsed},

		// The credentials stsd does not have (users_credentials.go).
		"ListSSHPublicKeys": {readOnly: true, validate: userNamedOrCaller, resource: userResource,
			run: s.listNoCredentials("SSHPublicKeys", iam.ValidateUserName)},
		"ListMFADevices": {readOnly: true, validate: userNamedOrCaller, resource: userResource,
			run: s.listNoCredentials("MFADevices", iam.ValidateExistingUserName)},
		"ListSigningCertificates": {readOnly: true, validate: userNamedOrCaller, resource: userResource,
			run: s.listNoCredentials("Certificates", iam.ValidateExistingUserName)},
		"ListServiceSpecificCredentials": {readOnly: true, validate: allUsersOrUserNamed, resource: allUsersOrUserResource,
			run: s.listServiceSpecificCredentials},
		"DeleteLoginProfile":    {validate: userNamedOrCaller, resource: userResource, run: s.deleteLoginProfile},
		"ListVirtualMFADevices": {readOnly: true, resource: anyResource, run: s.listVirtualMFADevices},

		// Groups and their members (groups.go).
		"CreateGroup":         {resource: newGroupResource, run: s.createGroup},
		"GetGroup":            {readOnly: true, resource: groupResource, run: s.getGroup},
		"ListGroups":          {readOnly: true, resource: arnOf(groupListResource), run: s.listGroups},
		"UpdateGroup":         {resource: groupResource, run: s.updateGroup},
		"DeleteGroup":         {resource: groupResource, run: s.deleteGroup},
		"AddUserToGroup":      {resource: groupResource, run: s.addUserToGroup},
		"RemoveUserFromGroup": {resource: groupResource, run: s.removeUserFromGroup},
		"ListGroupsForUser":   {readOnly: true, resource: userResource, run: s.listGroupsForUser},

		// A group's policies (group_policies.go); a group has no
		// permissions boundary.
		"PutGroupPolicy":            {resource: groupResource, run: s.putInlinePolicy(groups)},
		"GetGroupPolicy":            {readOnly: true, resource: groupResource, run: s.getInlinePolicy(groups)},
		"DeleteGroupPolicy":         {resource: groupResource, run: s.deleteInlinePolicy(groups)},
		"ListGroupPolicies":         {readOnly: true, resource: groupResource, run: s.listInlinePolicies(groups)},
		"AttachGroupPolicy":         {resource: groupResource, run: s.attachPolicy(groups)},
		"DetachGroupPolicy":         {resource: groupResource, run: s.detachPolicy(groups)},
		"ListAttachedGroupPolicies": {readOnly: true, resource: groupResource, run: s.listAttachedPolicies(groups)},

		// Managed policies (policies.go), their versions
		// (policy_versions.go), tags (policy_tags.go) and the entities
		// that use them (policy_entities.go).
		"CreatePolicy":            {resource: newPolicyResource, run: s.createPolicy},
		"GetPolicy":               {readOnly: true, resource: policyResource, run: s.getPolicy},
		"DeletePolicy":            {resource: policyResource, run: s.deletePolicy},
		"ListPolicies":            {readOnly: true, resource: arnOf(listPoliciesResource), run: s.listPolicies},
		"CreatePolicyVersion":     {resource: policyResource, run: s.createPolicyVersion},
		"GetPolicyVersion":        {readOnly: true, resource: policyResource, run: s.getPolicyVersion},
		"ListPolicyVersions":      {readOnly: true, resource: policyResource, run: s.listPolicyVersions},
		"DeletePolicyVersion":     {resource: policyResource, run: s.deletePolicyVersion},
		"SetDefaultPolicyVersion": {resource: policyResource, run: s.setDefaultPolicyVersion},
		"TagPolicy":               {resource: policyResource, run: s.tagPolicy},
		"UntagPolicy":             {resource: policyResource, run: s.untagPolicy},
		"ListPolicyTags":          {readOnly: true, resource: policyResource, run: s.listPolicyTags},
		"ListEntitiesForPolicy":   {readOnly: true, resource: policyResource, run: s.listEntitiesForPolicy},

		// The policy simulator (simulate.go).
		"SimulateCustomPolicy":    {readOnly: true, resource: anyResource, run: s.simulateCustomPolicy},
		"SimulatePrincipalPolicy": {readOnly: true, resource: policySourceResource, run: s.simulatePrincipalPolicy},

		// The account's outbound identity federation
		// (outbound_federation.go), authorized on "*".
		"EnableOutboundWebIdentityFederation":  {run: s.enableOutboundFederation},
		"DisableOutboundWebIdentityFederation": {run: s.disableOutboundFederation},
		"GetOutboundWebIdentityFederationInfo": {readOnly: true, run: s.getOutboundFederationInfo},
	}
}
