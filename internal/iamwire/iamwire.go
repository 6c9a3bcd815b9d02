// Package iamwire is how IAM answers the iam package's errors: the table
// from each error kind to the error code and HTTP status IAM answers it
// with (IAM API Reference, "Common Errors" and each action's "Errors"),
// and the table from each reason to IAM's exact message. iam returns
// kinds and reasons and knows no wire code or text; iamapi answers with
// these tables, and iam/bootstrap renders the same code and message in its
// problem lines, which is why the tables are their own package below both
// (docs/architecture.md, "Errors").
package iamwire

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
)

type wire struct {
	code   string
	status int
}

// table maps every iam.Kind to its code and status; no two kinds share a
// code, so every code on the wire names one kind.
var table = map[iam.Kind]wire{
	iam.KindValidation:       {"ValidationError", http.StatusBadRequest},
	iam.KindInvalidInput:     {"InvalidInput", http.StatusBadRequest},
	iam.KindMalformedPolicy:  {"MalformedPolicyDocument", http.StatusBadRequest},
	iam.KindNotFound:         {"NoSuchEntity", http.StatusNotFound},
	iam.KindAlreadyExists:    {"EntityAlreadyExists", http.StatusConflict},
	iam.KindLimitExceeded:    {"LimitExceeded", http.StatusConflict},
	iam.KindDeleteConflict:   {"DeleteConflict", http.StatusConflict},
	iam.KindConcurrentChange: {"ConcurrentModification", http.StatusConflict},
	iam.KindStoreFailure:     {"ServiceFailure", http.StatusInternalServerError},
}

// Code is the IAM error code of kind k.
func Code(k iam.Kind) string { return of(k).code }

// Status is the HTTP status IAM answers kind k with.
func Status(k iam.Kind) int { return of(k).status }

// of looks k up; a kind missing from the table is a programming error
// that the table's test catches.
func of(k iam.Kind) wire {
	w, ok := table[k]
	if !ok {
		panic("iamwire: no IAM code for iam kind " + k.String())
	}
	return w
}

// Message is the exact message IAM answers e with: its reason's template
// from messages with e's values in place, or, for member constraints,
// awserr's rendering of the violations ("N validation error(s)
// detected: …").
func Message(e *iam.Error) string {
	if e.Reason == iam.ReasonMemberConstraints {
		return awserr.ValidationMessage(e.Violations)
	}
	t, ok := messages[e.Reason]
	if !ok {
		panic("iamwire: no IAM message for iam reason " + e.Reason.String())
	}
	// One pass: a value that happens to contain "{detail}" stays as it is.
	return strings.NewReplacer("{subject}", e.Subject, "{subject:q}", strconv.Quote(e.Subject), "{detail}", e.Detail).Replace(t)
}

// Describe is err's text with the IAM error in its chain, if any, written
// as IAM answers it — "NoSuchEntity: The role with name app cannot be
// found." — instead of in the domain's terms (iam.Error.Error, for logs).
// It is for people reading a command's error (stsd apply, stsd serve
// --bootstrap); the text around the IAM error stays as it is.
func Describe(err error) string {
	s := err.Error()
	var e *iam.Error
	if errors.As(err, &e) {
		s = strings.Replace(s, e.Error(), Code(e.Kind())+": "+Message(e), 1)
	}
	return s
}

// n spells a number in a message.
func n(i int) string { return strconv.Itoa(i) }

// staticJWKSParts names the static key set's part tags in messages.
const staticJWKSParts = iam.ProviderTagStaticJWKS + "I-of-N"

// messages is IAM's message for each iam.Reason but
// ReasonMemberConstraints, as a template: {subject} and {detail} stand for
// the error's Subject and Detail, {subject:q} for the Subject quoted (Go
// syntax). Fixed figures are iam's constants. A new reason's text goes
// here; the messages are IAM's own words where IAM has the rule (spacing
// and punctuation included), stsd's for its extensions.
var messages = map[iam.Reason]string{
	iam.ReasonInvalidProviderURL: "Invalid Open ID Connect Provider URL",
	iam.ReasonUnparsableARN:      "Invalid ARN:  Could not be parsed!",

	iam.ReasonInvalidARN:             "ARN {subject} is not valid.",
	iam.ReasonInvalidAccountID:       "Account ID {subject:q} is not a 12-digit account ID.",
	iam.ReasonThumbprintsPerProvider: "Thumbprint list must contain fewer than " + n(iam.MaxThumbprints) + " entries.",
	iam.ReasonInvalidThumbprint:      "Thumbprint {subject} is not a valid hex-encoded SHA-1 fingerprint.",
	iam.ReasonAWSTagKey:              "Tag keys starting with 'aws:' are reserved for internal use.",
	iam.ReasonDuplicateTagKeys:       "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
	iam.ReasonUnknownProviderSettingTag: "Tag key {subject} is reserved: the stsd: tags of an OpenID Connect provider are " +
		iam.ProviderTagJWKSURL + " and " + staticJWKSParts + ".",
	iam.ReasonProviderSettingTagStored: "Tag key {subject} is reserved for the provider's JWKS settings (" +
		iam.ProviderTagJWKSURL + ", " + staticJWKSParts + "), which are not stored as tags.",
	iam.ReasonJWKSPartLength: "Every " + staticJWKSParts + " part but the last must be " + n(iam.ProviderJWKSPartLength) +
		" characters long; {subject} has {detail}.",
	iam.ReasonJWKSPartsEncoding: "The " + staticJWKSParts + " parts together must be the key set's JSON in base64 (standard alphabet, with padding).",
	iam.ReasonJWKSPartsMismatch: "The " + staticJWKSParts + " tags must be the parts 1-of-N to N-of-N of one key set; the provider would have {subject}.",
	iam.ReasonStaticJWKSSize:    "The static JWKS exceeds " + n(iam.MaxStaticJWKSBytes) + " bytes.",
	iam.ReasonStaticJWKSShape:   `The static JWKS must be a JSON object with a "keys" array of JSON objects.`,
	iam.ReasonJWKSURLAndStatic:  "A provider may have a JWKS URL or a static JWKS, not both.",
	iam.ReasonInvalidJWKSURL:    "Invalid JWKS URL {subject}.",
	iam.ReasonNoDefaultVersion:  "Policy {subject} has no default version.",
	iam.ReasonOAuthProviderIDLength: "The provider id must have " + n(iam.MinOAuthProviderIDLength) + " to " +
		n(iam.MaxOAuthProviderIDLength) + " characters.",
	iam.ReasonOAuthProviderIDChars:    "The provider id {subject} must be a host name: letters, digits, '.', '-' and '_', without scheme or port.",
	iam.ReasonInvalidIntrospectionURL: "The introspection URL must be an https URL (http only on loopback with --allow-http-issuers) without user info or fragment.",
	iam.ReasonInvalidOAuthClientID:    "The client id must have 1 to " + n(iam.MaxOAuthClientIDLength) + " printable ASCII characters.",
	iam.ReasonSecretSourceBoth:        "Set one of client_secret_env and client_secret_file, not both.",
	iam.ReasonSecretSourceMissing:     "Set client_secret_env or client_secret_file: the introspection endpoint authenticates stsd.",
	iam.ReasonInvalidSecretEnv:        "The client secret variable {subject:q} is not an environment variable name.",
	iam.ReasonInvalidSecretFile:       "The client secret file {subject:q} must be an absolute path: every node reads it.",
	iam.ReasonRoleImmutable:           "The role's name, path, ID and creation date cannot be changed.",
	iam.ReasonUserImmutable:           "The user's name, ID and creation date cannot be changed.",
	iam.ReasonGroupImmutable:          "The group's name, path, ID and creation date cannot be changed.",
	iam.ReasonAccessKeyImmutable:      "The access key's user, ID and creation date cannot be changed.",
	iam.ReasonPolicyImmutable:         "The policy's name, path, ID and creation date cannot be changed.",
	iam.ReasonProviderImmutable:       "The provider's URL and creation date cannot be changed.",
	iam.ReasonOAuthProviderImmutable:  "The OAuth provider's id and creation date cannot be changed.",

	iam.ReasonClientIDsPerProvider:     "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: " + n(iam.MaxClientIDs),
	iam.ReasonProvidersPerAccount:      "Cannot exceed quota for OpenIdConnectProvidersPerAccount: " + n(iam.MaxProvidersPerAccount),
	iam.ReasonOAuthProvidersPerAccount: "Cannot exceed quota for OAuth providers per account: " + n(iam.MaxOAuthProvidersPerAccount),
	iam.ReasonAccessKeysPerUser:        "Cannot exceed quota for AccessKeysPerUser: " + n(iam.MaxAccessKeysPerUser),
	iam.ReasonGroupsPerUser:            "Cannot exceed quota for GroupsPerUser: " + n(iam.MaxGroupsPerUser),
	iam.ReasonPoliciesPerRole:          "Cannot exceed quota for PoliciesPerRole: " + n(iam.MaxManagedPoliciesPerRole),
	iam.ReasonPoliciesPerUser:          "Cannot exceed quota for PoliciesPerUser: " + n(iam.MaxManagedPoliciesPerRole),
	iam.ReasonPoliciesPerGroup:         "Cannot exceed quota for PoliciesPerGroup: " + n(iam.MaxManagedPoliciesPerRole),
	iam.ReasonTrustPolicySize:          "Cannot exceed quota for ACLSizePerRole: " + n(iam.MaxTrustPolicySize),
	iam.ReasonPolicySize:               "Cannot exceed quota for PolicySize: " + n(iam.MaxManagedPolicySize),
	iam.ReasonRolePolicySize:           "Maximum policy size of " + n(iam.MaxRoleInlinePolicySize) + " bytes exceeded for role {subject}",
	iam.ReasonUserPolicySize:           "Maximum policy size of " + n(iam.MaxUserInlinePolicySize) + " bytes exceeded for user {subject}",
	iam.ReasonGroupPolicySize:          "Maximum policy size of " + n(iam.MaxGroupInlinePolicySize) + " bytes exceeded for group {subject}",
	iam.ReasonVersionsPerPolicy: "A managed policy can have up to " + n(iam.MaxPolicyVersions) +
		" versions. Before you create a new version, you must delete an existing version.",
	iam.ReasonTagsPerEntity: "The number of tags has reached the maximum limit.",

	iam.ReasonRoleExists:          "Role with name {subject} already exists.",
	iam.ReasonUserExists:          "User with name {subject} already exists.",
	iam.ReasonGroupExists:         "Group with name {subject} already exists.",
	iam.ReasonAccessKeyExists:     "Access key {subject} already exists.",
	iam.ReasonPolicyExists:        "A policy called {subject} already exists. Duplicate names are not allowed.",
	iam.ReasonProviderExists:      "Provider with url {subject} already exists.",
	iam.ReasonOAuthProviderExists: "OAuth provider {subject} already exists.",

	iam.ReasonRoleNotFound:             "The role with name {subject} cannot be found.",
	iam.ReasonUserNotFound:             "The user with name {subject} cannot be found.",
	iam.ReasonGroupNotFound:            "The group with name {subject} cannot be found.",
	iam.ReasonAccessKeyNotFound:        "The Access Key with id {subject} cannot be found.",
	iam.ReasonPolicyNotFound:           "Policy {subject} was not found.",
	iam.ReasonPolicyVersionNotFound:    "Policy {subject} version {detail} does not exist.",
	iam.ReasonProviderNotFound:         "OpenIDConnect Provider not found for arn {subject}",
	iam.ReasonProviderToDeleteNotFound: "OpenId connect Provider {subject} cannot be found.",
	iam.ReasonOAuthProviderNotFound:    "OAuth provider {subject} not found in account {detail}.",

	iam.ReasonPolicyNotJSON: "This policy contains invalid Json",
	iam.ReasonPolicyGrammar: "{detail}",
	iam.ReasonPolicySyntax:  "Syntax errors in policy.",

	iam.ReasonHasAccessKeys:       "Cannot delete entity, must delete access keys first.",
	iam.ReasonHasInlinePolicies:   "Cannot delete entity, must delete policies first.",
	iam.ReasonHasAttachedPolicies: "Cannot delete entity, must detach all policies first.",
	iam.ReasonGroupMembers:        "Cannot delete entity, must remove users from group first.",
	iam.ReasonDefaultVersion:      "Cannot delete the default version of a policy.",
	iam.ReasonHasVersions: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. " +
		"The default version is deleted with the policy.",
	iam.ReasonPolicyAttached: "Cannot delete a policy attached to entities.",

	iam.ReasonConcurrentChange: "The request was rejected because multiple requests to change this object were submitted simultaneously. " +
		"Wait a few minutes and submit your request again.",
	iam.ReasonStoreFailure: "The request processing has failed because of an unknown error, exception or failure.",
}
