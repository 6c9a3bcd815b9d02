package iam

// IAM's quotas, as the IAM User Guide's "IAM and AWS STS quotas" page lists
// their defaults, in one place. Going past one is a KindLimitExceeded
// reason named after the quota (ReasonAccessKeysPerUser, …), which
// internal/iamwire words as IAM does, mostly "Cannot exceed quota for
// <QuotaName>: <value>".
// The model's member constraints (name and document lengths) are not
// quotas; they live with their validators. Quotas AWS lets an account
// raise and that a self-hosted deployment outgrows — roles (1,000), users
// (5,000), groups (300) and customer managed policies (1,500) per account —
// are not enforced.
const (
	// MaxProvidersPerAccount is OpenIdConnectProvidersPerAccount.
	MaxProvidersPerAccount = 100
	// MaxClientIDs is ClientIdsPerOpenIdConnectProvider.
	MaxClientIDs = 100
	// MaxThumbprints is ThumbprintsPerOpenIdConnectProvider.
	MaxThumbprints = 5
	// MaxTags is the tags per role, user, policy or provider.
	MaxTags = 50
	// MaxAccessKeysPerUser is AccessKeysPerUser.
	MaxAccessKeysPerUser = 2
	// MaxManagedPoliciesPerRole is PoliciesPerRole (the managed policies
	// attached to a role; users' PoliciesPerUser and groups'
	// PoliciesPerGroup are the same figure).
	MaxManagedPoliciesPerRole = 10
	// MaxPolicyVersions is VersionsPerPolicy.
	MaxPolicyVersions = 5
	// MaxTrustPolicySize is ACLSizePerRole: a trust policy's characters,
	// white space not counted.
	MaxTrustPolicySize = 2048
	// MaxManagedPolicySize is PolicySize: a managed policy's characters,
	// white space not counted.
	MaxManagedPolicySize = 6144
	// MaxRoleInlinePolicySize is RolePolicySize: the sum of a role's
	// inline policies, white space not counted.
	MaxRoleInlinePolicySize = 10240
	// MaxGroupsPerUser is GroupsPerUser: the groups a user belongs to.
	MaxGroupsPerUser = 10
	// MaxGroupInlinePolicySize is GroupPolicySize: the sum of a group's
	// inline policies, white space not counted.
	MaxGroupInlinePolicySize = 5120
	// MaxUserInlinePolicySize is UserPolicySize: the sum of a user's
	// inline policies, white space not counted.
	MaxUserInlinePolicySize = 2048
)
