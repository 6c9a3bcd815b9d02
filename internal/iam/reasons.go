package iam

import "strconv"

// Reason is the rule an *Error reports, one per distinct answer. Each
// reason is of one Kind (reasons below); its message is in
// internal/iamwire's table, which has one for every reason but the
// bucket-policy reasons: those are S3's rules, answered by the S3 gateway
// from its own table (internal/s3gw), never by IAM's API (BucketPolicy).
type Reason int

// The reasons, by kind. A comment names the values the error carries
// (Subject, Detail) when it carries any.
const (
	// KindValidation

	// ReasonMemberConstraints: values break the API model's member
	// constraints; Violations lists them.
	ReasonMemberConstraints Reason = iota + 1
	// ReasonInvalidProviderURL: an OIDC provider URL that is not an https
	// URL with a host and no query or fragment.
	ReasonInvalidProviderURL
	// ReasonUnparsableARN: an ARN member that is not an ARN at all.
	ReasonUnparsableARN

	// KindInvalidInput

	// ReasonInvalidARN: an ARN of the wrong shape (Subject: the ARN).
	ReasonInvalidARN
	// ReasonInvalidAccountID: not a 12-digit account ID (Subject).
	ReasonInvalidAccountID
	// ReasonThumbprintsPerProvider: more than MaxThumbprints thumbprints.
	ReasonThumbprintsPerProvider
	// ReasonInvalidThumbprint: a thumbprint that is not hex (Subject).
	ReasonInvalidThumbprint
	// ReasonAWSTagKey: a tag key starting with "aws:".
	ReasonAWSTagKey
	// ReasonDuplicateTagKeys: two tag keys equal ignoring case.
	ReasonDuplicateTagKeys
	// ReasonUnknownProviderSettingTag: a stsd: tag key stsd does not
	// define (Subject: the key).
	ReasonUnknownProviderSettingTag
	// ReasonProviderSettingTagStored: a stsd: tag among a provider's
	// stored tags (Subject: the key).
	ReasonProviderSettingTagStored
	// ReasonJWKSPartLength: a static JWKS part but the last that is not
	// ProviderJWKSPartLength long (Subject: its key; Detail: its length).
	ReasonJWKSPartLength
	// ReasonJWKSPartsEncoding: the parts together are not base64.
	ReasonJWKSPartsEncoding
	// ReasonJWKSPartsMismatch: the parts are not 1..N of one set
	// (Subject: the parts the provider would have, e.g. "1-of-2, 1-of-3").
	ReasonJWKSPartsMismatch
	// ReasonStaticJWKSSize: a static key set over MaxStaticJWKSBytes.
	ReasonStaticJWKSSize
	// ReasonStaticJWKSShape: a static key set that is not {"keys": [...]}.
	ReasonStaticJWKSShape
	// ReasonJWKSURLAndStatic: a provider with both a JWKS URL and a
	// static key set.
	ReasonJWKSURLAndStatic
	// ReasonInvalidJWKSURL: a JWKS URL breaking the provider URL's rules
	// (Subject: the URL).
	ReasonInvalidJWKSURL
	// ReasonNoDefaultVersion: a managed policy without its default
	// version (Subject: the policy ARN).
	ReasonNoDefaultVersion
	// ReasonOAuthProviderIDLength: an OAuth provider id outside
	// MinOAuthProviderIDLength..MaxOAuthProviderIDLength.
	ReasonOAuthProviderIDLength
	// ReasonOAuthProviderIDChars: an OAuth provider id that is not a host
	// name (Subject: the id).
	ReasonOAuthProviderIDChars
	// ReasonInvalidIntrospectionURL: an introspection URL that is not
	// https (or loopback http when allowed), or has user info or a
	// fragment.
	ReasonInvalidIntrospectionURL
	// ReasonInvalidOAuthClientID: a client id that is not 1 to
	// MaxOAuthClientIDLength printable ASCII characters.
	ReasonInvalidOAuthClientID
	// ReasonSecretSourceBoth: both client_secret_env and
	// client_secret_file.
	ReasonSecretSourceBoth
	// ReasonSecretSourceMissing: neither client_secret_env nor
	// client_secret_file.
	ReasonSecretSourceMissing
	// ReasonInvalidSecretEnv: not an environment variable name (Subject).
	ReasonInvalidSecretEnv
	// ReasonInvalidSecretFile: not an absolute path (Subject).
	ReasonInvalidSecretFile
	// ReasonRoleImmutable … ReasonOAuthProviderImmutable: an update
	// changed what identifies the entity (its name, ID, creation date …).
	ReasonRoleImmutable
	ReasonUserImmutable
	ReasonGroupImmutable
	ReasonAccessKeyImmutable
	ReasonPolicyImmutable
	ReasonProviderImmutable
	ReasonOAuthProviderImmutable

	// KindLimitExceeded: each is one of IAM's quotas (quotas.go).

	ReasonClientIDsPerProvider
	ReasonProvidersPerAccount
	ReasonOAuthProvidersPerAccount
	ReasonAccessKeysPerUser
	ReasonGroupsPerUser
	ReasonPoliciesPerRole
	ReasonPoliciesPerUser
	ReasonPoliciesPerGroup
	ReasonTrustPolicySize
	ReasonPolicySize
	// ReasonRolePolicySize, ReasonUserPolicySize, ReasonGroupPolicySize:
	// the entity's inline policies together are too large (Subject: its
	// name).
	ReasonRolePolicySize
	ReasonUserPolicySize
	ReasonGroupPolicySize
	ReasonVersionsPerPolicy
	ReasonTagsPerEntity

	// KindAlreadyExists (Subject: the name, id or URL taken)

	ReasonRoleExists
	ReasonUserExists
	ReasonGroupExists
	ReasonAccessKeyExists
	ReasonPolicyExists
	ReasonProviderExists
	ReasonOAuthProviderExists

	// KindNotFound (Subject: the name, id or ARN looked up)

	ReasonRoleNotFound
	ReasonUserNotFound
	ReasonGroupNotFound
	ReasonAccessKeyNotFound
	ReasonPolicyNotFound
	// ReasonPolicyVersionNotFound: Subject is the policy ARN, Detail the
	// version id.
	ReasonPolicyVersionNotFound
	// ReasonProviderNotFound: Subject is the provider ARN.
	ReasonProviderNotFound
	// ReasonProviderToDeleteNotFound: DeleteOpenIDConnectProvider's
	// not-found, which IAM words differently (Subject: the ARN).
	ReasonProviderToDeleteNotFound
	// ReasonOAuthProviderNotFound: Subject is the id, Detail the account.
	ReasonOAuthProviderNotFound

	// KindMalformedPolicy

	// ReasonPolicyNotJSON: the document is not JSON.
	ReasonPolicyNotJSON
	// ReasonPolicyGrammar: the policy grammar refuses the document
	// (Detail: its problem, policy.ParseError's text).
	ReasonPolicyGrammar
	// ReasonPolicySyntax: the document does not parse otherwise.
	ReasonPolicySyntax

	// KindDeleteConflict

	// ReasonHasAccessKeys: a user with access keys.
	ReasonHasAccessKeys
	// ReasonHasInlinePolicies: a role, user or group with inline policies.
	ReasonHasInlinePolicies
	// ReasonHasAttachedPolicies: a role, user or group with managed
	// policies attached.
	ReasonHasAttachedPolicies
	// ReasonGroupMembers: a group with members, or a user in a group.
	ReasonGroupMembers
	// ReasonDefaultVersion: deleting a policy's default version.
	ReasonDefaultVersion
	// ReasonHasVersions: a policy with versions besides the default.
	ReasonHasVersions
	// ReasonPolicyAttached: a policy attached to a role, user or group.
	ReasonPolicyAttached

	// ReasonConcurrentChange is KindConcurrentChange: another write
	// changed the entity first.
	ReasonConcurrentChange
	// ReasonStoreFailure is KindStoreFailure; Cause holds the store's
	// error.
	ReasonStoreFailure

	// The bucket-policy reasons, S3's rules (bucket_policy.go,
	// bucket_policy_validate.go), from ReasonInvalidBucketName to the end:
	// internal/s3gw answers them, with ReasonConcurrentChange and
	// ReasonStoreFailure, which the bucket-policy operations return too.

	// ReasonInvalidBucketName is KindValidation: a name that breaks S3's
	// bucket naming rules (Subject: the name).
	ReasonInvalidBucketName
	// ReasonBucketPolicyNotFound is KindNotFound: the bucket has no
	// policy (Subject: the bucket).
	ReasonBucketPolicyNotFound

	// KindMalformedPolicy: the rules of ParseBucketPolicy, in its order.

	// ReasonBucketPolicySize: over MaxBucketPolicyBytes once compacted
	// (or over policy.MaxDocumentBytes as sent).
	ReasonBucketPolicySize
	// ReasonBucketPolicyNotObject: the first byte after any leading
	// whitespace is not '{'.
	ReasonBucketPolicyNotObject
	// ReasonBucketPolicyNotJSON: not strict JSON (Cause: the scanner's
	// error).
	ReasonBucketPolicyNotJSON
	// ReasonBucketPolicyGrammar: the policy grammar refuses the document
	// (Detail: its first problem as the grammar words it; Cause: the
	// whole policy.ParseError).
	ReasonBucketPolicyGrammar
	// ReasonBucketPolicyAction: an action that is not an S3 action
	// (Subject: the action).
	ReasonBucketPolicyAction
	// ReasonBucketPolicyResource: a resource outside the bucket (Subject:
	// the resource).
	ReasonBucketPolicyResource
	// ReasonBucketPolicyPrincipal: an AWS principal of a form a bucket
	// policy does not take (Subject: the principal, "" if not a string).
	ReasonBucketPolicyPrincipal
	// ReasonBucketPolicyConditionKey: a condition key that is neither an
	// aws: nor an s3: key (Subject: the key).
	ReasonBucketPolicyConditionKey

	reasonEnd // after the last reason: the reasons test checks the table
)

// reasons names each reason (for logs) and gives its kind.
var reasons = [...]struct {
	name string
	kind Kind
}{
	ReasonMemberConstraints:  {"MemberConstraints", KindValidation},
	ReasonInvalidProviderURL: {"InvalidProviderURL", KindValidation},
	ReasonUnparsableARN:      {"UnparsableARN", KindValidation},

	ReasonInvalidARN:                {"InvalidARN", KindInvalidInput},
	ReasonInvalidAccountID:          {"InvalidAccountID", KindInvalidInput},
	ReasonThumbprintsPerProvider:    {"ThumbprintsPerProvider", KindInvalidInput},
	ReasonInvalidThumbprint:         {"InvalidThumbprint", KindInvalidInput},
	ReasonAWSTagKey:                 {"AWSTagKey", KindInvalidInput},
	ReasonDuplicateTagKeys:          {"DuplicateTagKeys", KindInvalidInput},
	ReasonUnknownProviderSettingTag: {"UnknownProviderSettingTag", KindInvalidInput},
	ReasonProviderSettingTagStored:  {"ProviderSettingTagStored", KindInvalidInput},
	ReasonJWKSPartLength:            {"JWKSPartLength", KindInvalidInput},
	ReasonJWKSPartsEncoding:         {"JWKSPartsEncoding", KindInvalidInput},
	ReasonJWKSPartsMismatch:         {"JWKSPartsMismatch", KindInvalidInput},
	ReasonStaticJWKSSize:            {"StaticJWKSSize", KindInvalidInput},
	ReasonStaticJWKSShape:           {"StaticJWKSShape", KindInvalidInput},
	ReasonJWKSURLAndStatic:          {"JWKSURLAndStatic", KindInvalidInput},
	ReasonInvalidJWKSURL:            {"InvalidJWKSURL", KindInvalidInput},
	ReasonNoDefaultVersion:          {"NoDefaultVersion", KindInvalidInput},
	ReasonOAuthProviderIDLength:     {"OAuthProviderIDLength", KindInvalidInput},
	ReasonOAuthProviderIDChars:      {"OAuthProviderIDChars", KindInvalidInput},
	ReasonInvalidIntrospectionURL:   {"InvalidIntrospectionURL", KindInvalidInput},
	ReasonInvalidOAuthClientID:      {"InvalidOAuthClientID", KindInvalidInput},
	ReasonSecretSourceBoth:          {"SecretSourceBoth", KindInvalidInput},
	ReasonSecretSourceMissing:       {"SecretSourceMissing", KindInvalidInput},
	ReasonInvalidSecretEnv:          {"InvalidSecretEnv", KindInvalidInput},
	ReasonInvalidSecretFile:         {"InvalidSecretFile", KindInvalidInput},
	ReasonRoleImmutable:             {"RoleImmutable", KindInvalidInput},
	ReasonUserImmutable:             {"UserImmutable", KindInvalidInput},
	ReasonGroupImmutable:            {"GroupImmutable", KindInvalidInput},
	ReasonAccessKeyImmutable:        {"AccessKeyImmutable", KindInvalidInput},
	ReasonPolicyImmutable:           {"PolicyImmutable", KindInvalidInput},
	ReasonProviderImmutable:         {"ProviderImmutable", KindInvalidInput},
	ReasonOAuthProviderImmutable:    {"OAuthProviderImmutable", KindInvalidInput},

	ReasonClientIDsPerProvider:     {"ClientIDsPerProvider", KindLimitExceeded},
	ReasonProvidersPerAccount:      {"ProvidersPerAccount", KindLimitExceeded},
	ReasonOAuthProvidersPerAccount: {"OAuthProvidersPerAccount", KindLimitExceeded},
	ReasonAccessKeysPerUser:        {"AccessKeysPerUser", KindLimitExceeded},
	ReasonGroupsPerUser:            {"GroupsPerUser", KindLimitExceeded},
	ReasonPoliciesPerRole:          {"PoliciesPerRole", KindLimitExceeded},
	ReasonPoliciesPerUser:          {"PoliciesPerUser", KindLimitExceeded},
	ReasonPoliciesPerGroup:         {"PoliciesPerGroup", KindLimitExceeded},
	ReasonTrustPolicySize:          {"TrustPolicySize", KindLimitExceeded},
	ReasonPolicySize:               {"PolicySize", KindLimitExceeded},
	ReasonRolePolicySize:           {"RolePolicySize", KindLimitExceeded},
	ReasonUserPolicySize:           {"UserPolicySize", KindLimitExceeded},
	ReasonGroupPolicySize:          {"GroupPolicySize", KindLimitExceeded},
	ReasonVersionsPerPolicy:        {"VersionsPerPolicy", KindLimitExceeded},
	ReasonTagsPerEntity:            {"TagsPerEntity", KindLimitExceeded},

	ReasonRoleExists:          {"RoleExists", KindAlreadyExists},
	ReasonUserExists:          {"UserExists", KindAlreadyExists},
	ReasonGroupExists:         {"GroupExists", KindAlreadyExists},
	ReasonAccessKeyExists:     {"AccessKeyExists", KindAlreadyExists},
	ReasonPolicyExists:        {"PolicyExists", KindAlreadyExists},
	ReasonProviderExists:      {"ProviderExists", KindAlreadyExists},
	ReasonOAuthProviderExists: {"OAuthProviderExists", KindAlreadyExists},

	ReasonRoleNotFound:             {"RoleNotFound", KindNotFound},
	ReasonUserNotFound:             {"UserNotFound", KindNotFound},
	ReasonGroupNotFound:            {"GroupNotFound", KindNotFound},
	ReasonAccessKeyNotFound:        {"AccessKeyNotFound", KindNotFound},
	ReasonPolicyNotFound:           {"PolicyNotFound", KindNotFound},
	ReasonPolicyVersionNotFound:    {"PolicyVersionNotFound", KindNotFound},
	ReasonProviderNotFound:         {"ProviderNotFound", KindNotFound},
	ReasonProviderToDeleteNotFound: {"ProviderToDeleteNotFound", KindNotFound},
	ReasonOAuthProviderNotFound:    {"OAuthProviderNotFound", KindNotFound},

	ReasonPolicyNotJSON: {"PolicyNotJSON", KindMalformedPolicy},
	ReasonPolicyGrammar: {"PolicyGrammar", KindMalformedPolicy},
	ReasonPolicySyntax:  {"PolicySyntax", KindMalformedPolicy},

	ReasonHasAccessKeys:       {"HasAccessKeys", KindDeleteConflict},
	ReasonHasInlinePolicies:   {"HasInlinePolicies", KindDeleteConflict},
	ReasonHasAttachedPolicies: {"HasAttachedPolicies", KindDeleteConflict},
	ReasonGroupMembers:        {"GroupMembers", KindDeleteConflict},
	ReasonDefaultVersion:      {"DefaultVersion", KindDeleteConflict},
	ReasonHasVersions:         {"HasVersions", KindDeleteConflict},
	ReasonPolicyAttached:      {"PolicyAttached", KindDeleteConflict},

	ReasonConcurrentChange: {"ConcurrentChange", KindConcurrentChange},
	ReasonStoreFailure:     {"StoreFailure", KindStoreFailure},

	ReasonInvalidBucketName:        {"InvalidBucketName", KindValidation},
	ReasonBucketPolicyNotFound:     {"BucketPolicyNotFound", KindNotFound},
	ReasonBucketPolicySize:         {"BucketPolicySize", KindMalformedPolicy},
	ReasonBucketPolicyNotObject:    {"BucketPolicyNotObject", KindMalformedPolicy},
	ReasonBucketPolicyNotJSON:      {"BucketPolicyNotJSON", KindMalformedPolicy},
	ReasonBucketPolicyGrammar:      {"BucketPolicyGrammar", KindMalformedPolicy},
	ReasonBucketPolicyAction:       {"BucketPolicyAction", KindMalformedPolicy},
	ReasonBucketPolicyResource:     {"BucketPolicyResource", KindMalformedPolicy},
	ReasonBucketPolicyPrincipal:    {"BucketPolicyPrincipal", KindMalformedPolicy},
	ReasonBucketPolicyConditionKey: {"BucketPolicyConditionKey", KindMalformedPolicy},
}

// BucketPolicy reports whether r is one of the bucket-policy reasons, S3's
// rules: only the bucket-policy operations return them, and the S3 gateway
// answers them (internal/s3gw's table); IAM's API never sees one, so
// internal/iamwire has no message for them.
func (r Reason) BucketPolicy() bool { return r >= ReasonInvalidBucketName && r < reasonEnd }

// Kind is the sort of failure r is; 0 for a value that names no reason.
func (r Reason) Kind() Kind {
	if r > 0 && int(r) < len(reasons) {
		return reasons[r].kind
	}
	return 0
}

// String names the reason for logs, e.g. "RoleNotFound".
func (r Reason) String() string {
	if r > 0 && int(r) < len(reasons) && reasons[r].name != "" {
		return reasons[r].name
	}
	return "reason " + strconv.Itoa(int(r))
}
