package iamwire

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
)

// TestTable pins every kind's code and status, and that the table is a
// bijection: every kind iam names has one code, and no two share it.
func TestTable(t *testing.T) {
	want := map[iam.Kind]wire{
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
	for k, w := range want {
		if Code(k) != w.code || Status(k) != w.status {
			t.Errorf("%s = %s %d, want %s %d", k, Code(k), Status(k), w.code, w.status)
		}
	}
	if len(table) != len(want) {
		t.Errorf("table has %d kinds, want %d", len(table), len(want))
	}
	kindOf := map[string]iam.Kind{}
	for k, w := range table {
		if other, dup := kindOf[w.code]; dup {
			t.Errorf("%s and %s share the code %s", k, other, w.code)
		}
		kindOf[w.code] = k
	}
	for k := iam.Kind(1); k < 64; k++ {
		if _, ok := table[k]; !ok && !strings.HasPrefix(k.String(), "kind ") {
			t.Errorf("iam kind %s has no IAM code", k)
		}
	}
}

// TestMessages pins every reason's message with one example, byte for
// byte (the contract tests in iamapi check the same texts on the wire),
// and that every reason iam names but the bucket-policy ones has a message
// and a kind with a code.
func TestMessages(t *testing.T) {
	const (
		arn   = "arn:aws:iam::123456789012:policy/ReadS3"
		oidc  = "arn:aws:iam::123456789012:oidc-provider/idp.example.com"
		parts = "stsd:static-jwks/I-of-N"
	)
	tests := []struct {
		err  iam.Error
		want string
	}{
		{iam.Error{Reason: iam.ReasonMemberConstraints, Violations: []awserr.Violation{{Member: "roleName", Value: "a/b", Constraint: "Member must satisfy regular expression pattern: [\\w+=,.@-]+"}}},
			"1 validation error detected: Value 'a/b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
		{iam.Error{Reason: iam.ReasonInvalidProviderURL}, "Invalid Open ID Connect Provider URL"},
		{iam.Error{Reason: iam.ReasonUnparsableARN}, "Invalid ARN:  Could not be parsed!"},

		{iam.Error{Reason: iam.ReasonInvalidARN, Subject: "arn:aws:iam::123456789012:role/x"}, "ARN arn:aws:iam::123456789012:role/x is not valid."},
		{iam.Error{Reason: iam.ReasonInvalidAccountID, Subject: "12"}, `Account ID "12" is not a 12-digit account ID.`},
		{iam.Error{Reason: iam.ReasonThumbprintsPerProvider}, "Thumbprint list must contain fewer than 5 entries."},
		{iam.Error{Reason: iam.ReasonInvalidThumbprint, Subject: "zz"}, "Thumbprint zz is not a valid hex-encoded SHA-1 fingerprint."},
		{iam.Error{Reason: iam.ReasonAWSTagKey}, "Tag keys starting with 'aws:' are reserved for internal use."},
		{iam.Error{Reason: iam.ReasonDuplicateTagKeys}, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{iam.Error{Reason: iam.ReasonUnknownProviderSettingTag, Subject: "stsd:other"},
			"Tag key stsd:other is reserved: the stsd: tags of an OpenID Connect provider are stsd:jwks-url and " + parts + "."},
		{iam.Error{Reason: iam.ReasonProviderSettingTagStored, Subject: "Stsd:jwks-url"},
			"Tag key Stsd:jwks-url is reserved for the provider's JWKS settings (stsd:jwks-url, " + parts + "), which are not stored as tags."},
		{iam.Error{Reason: iam.ReasonJWKSPartLength, Subject: "stsd:static-jwks/1-of-2", Detail: "12"},
			"Every " + parts + " part but the last must be 256 characters long; stsd:static-jwks/1-of-2 has 12."},
		{iam.Error{Reason: iam.ReasonJWKSPartsEncoding},
			"The " + parts + " parts together must be the key set's JSON in base64 (standard alphabet, with padding)."},
		{iam.Error{Reason: iam.ReasonJWKSPartsMismatch, Subject: "1-of-2, 1-of-3"},
			"The " + parts + " tags must be the parts 1-of-N to N-of-N of one key set; the provider would have 1-of-2, 1-of-3."},
		{iam.Error{Reason: iam.ReasonStaticJWKSSize}, "The static JWKS exceeds 262144 bytes."},
		{iam.Error{Reason: iam.ReasonStaticJWKSShape}, `The static JWKS must be a JSON object with a "keys" array of JSON objects.`},
		{iam.Error{Reason: iam.ReasonJWKSURLAndStatic}, "A provider may have a JWKS URL or a static JWKS, not both."},
		{iam.Error{Reason: iam.ReasonInvalidJWKSURL, Subject: "ftp://k8s.example/keys"}, "Invalid JWKS URL ftp://k8s.example/keys."},
		{iam.Error{Reason: iam.ReasonNoDefaultVersion, Subject: arn}, "Policy " + arn + " has no default version."},
		{iam.Error{Reason: iam.ReasonOAuthProviderIDLength}, "The provider id must have 4 to 253 characters."},
		{iam.Error{Reason: iam.ReasonOAuthProviderIDChars, Subject: "https://x"},
			"The provider id https://x must be a host name: letters, digits, '.', '-' and '_', without scheme or port."},
		{iam.Error{Reason: iam.ReasonInvalidIntrospectionURL},
			"The introspection URL must be an https URL (http only on loopback with --allow-http-issuers) without user info or fragment."},
		{iam.Error{Reason: iam.ReasonInvalidOAuthClientID}, "The client id must have 1 to 1024 printable ASCII characters."},
		{iam.Error{Reason: iam.ReasonSecretSourceBoth}, "Set one of client_secret_env and client_secret_file, not both."},
		{iam.Error{Reason: iam.ReasonSecretSourceMissing}, "Set client_secret_env or client_secret_file: the introspection endpoint authenticates stsd."},
		{iam.Error{Reason: iam.ReasonInvalidSecretEnv, Subject: "1X"}, `The client secret variable "1X" is not an environment variable name.`},
		{iam.Error{Reason: iam.ReasonInvalidSecretFile, Subject: "rel/path"}, `The client secret file "rel/path" must be an absolute path: every node reads it.`},
		{iam.Error{Reason: iam.ReasonRoleImmutable}, "The role's name, path, ID and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonUserImmutable}, "The user's name, ID and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonGroupImmutable}, "The group's name, path, ID and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonAccessKeyImmutable}, "The access key's user, ID and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonPolicyImmutable}, "The policy's name, path, ID and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonProviderImmutable}, "The provider's URL and creation date cannot be changed."},
		{iam.Error{Reason: iam.ReasonOAuthProviderImmutable}, "The OAuth provider's id and creation date cannot be changed."},

		{iam.Error{Reason: iam.ReasonClientIDsPerProvider}, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"},
		{iam.Error{Reason: iam.ReasonProvidersPerAccount}, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100"},
		{iam.Error{Reason: iam.ReasonOAuthProvidersPerAccount}, "Cannot exceed quota for OAuth providers per account: 100"},
		{iam.Error{Reason: iam.ReasonAccessKeysPerUser}, "Cannot exceed quota for AccessKeysPerUser: 2"},
		{iam.Error{Reason: iam.ReasonGroupsPerUser}, "Cannot exceed quota for GroupsPerUser: 10"},
		{iam.Error{Reason: iam.ReasonPoliciesPerRole}, "Cannot exceed quota for PoliciesPerRole: 10"},
		{iam.Error{Reason: iam.ReasonPoliciesPerUser}, "Cannot exceed quota for PoliciesPerUser: 10"},
		{iam.Error{Reason: iam.ReasonPoliciesPerGroup}, "Cannot exceed quota for PoliciesPerGroup: 10"},
		{iam.Error{Reason: iam.ReasonTrustPolicySize}, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{iam.Error{Reason: iam.ReasonPolicySize}, "Cannot exceed quota for PolicySize: 6144"},
		{iam.Error{Reason: iam.ReasonRolePolicySize, Subject: "app"}, "Maximum policy size of 10240 bytes exceeded for role app"},
		{iam.Error{Reason: iam.ReasonUserPolicySize, Subject: "alice"}, "Maximum policy size of 2048 bytes exceeded for user alice"},
		{iam.Error{Reason: iam.ReasonGroupPolicySize, Subject: "ops"}, "Maximum policy size of 5120 bytes exceeded for group ops"},
		{iam.Error{Reason: iam.ReasonVersionsPerPolicy},
			"A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."},
		{iam.Error{Reason: iam.ReasonTagsPerEntity}, "The number of tags has reached the maximum limit."},

		{iam.Error{Reason: iam.ReasonRoleExists, Subject: "deploy"}, "Role with name deploy already exists."},
		{iam.Error{Reason: iam.ReasonUserExists, Subject: "OPS"}, "User with name OPS already exists."},
		{iam.Error{Reason: iam.ReasonGroupExists, Subject: "ops"}, "Group with name ops already exists."},
		{iam.Error{Reason: iam.ReasonAccessKeyExists, Subject: "AKIAEXAMPLE"}, "Access key AKIAEXAMPLE already exists."},
		{iam.Error{Reason: iam.ReasonPolicyExists, Subject: "reads3"}, "A policy called reads3 already exists. Duplicate names are not allowed."},
		{iam.Error{Reason: iam.ReasonProviderExists, Subject: "https://idp.example.com"}, "Provider with url https://idp.example.com already exists."},
		{iam.Error{Reason: iam.ReasonOAuthProviderExists, Subject: "auth.example.com"}, "OAuth provider auth.example.com already exists."},

		{iam.Error{Reason: iam.ReasonRoleNotFound, Subject: "nope"}, "The role with name nope cannot be found."},
		{iam.Error{Reason: iam.ReasonUserNotFound, Subject: "ghost"}, "The user with name ghost cannot be found."},
		{iam.Error{Reason: iam.ReasonGroupNotFound, Subject: "ops"}, "The group with name ops cannot be found."},
		{iam.Error{Reason: iam.ReasonAccessKeyNotFound, Subject: "AKIAEXAMPLE"}, "The Access Key with id AKIAEXAMPLE cannot be found."},
		{iam.Error{Reason: iam.ReasonPolicyNotFound, Subject: arn}, "Policy " + arn + " was not found."},
		{iam.Error{Reason: iam.ReasonPolicyVersionNotFound, Subject: arn, Detail: "v9"}, "Policy " + arn + " version v9 does not exist."},
		{iam.Error{Reason: iam.ReasonProviderNotFound, Subject: oidc}, "OpenIDConnect Provider not found for arn " + oidc},
		{iam.Error{Reason: iam.ReasonProviderToDeleteNotFound, Subject: oidc}, "OpenId connect Provider " + oidc + " cannot be found."},
		{iam.Error{Reason: iam.ReasonOAuthProviderNotFound, Subject: "auth.example.com", Detail: "123456789012"},
			"OAuth provider auth.example.com not found in account 123456789012."},

		{iam.Error{Reason: iam.ReasonPolicyNotJSON}, "This policy contains invalid Json"},
		{iam.Error{Reason: iam.ReasonPolicyGrammar, Detail: "Policy statement must contain actions."}, "Policy statement must contain actions."},
		{iam.Error{Reason: iam.ReasonPolicySyntax}, "Syntax errors in policy."},

		{iam.Error{Reason: iam.ReasonHasAccessKeys}, "Cannot delete entity, must delete access keys first."},
		{iam.Error{Reason: iam.ReasonHasInlinePolicies}, "Cannot delete entity, must delete policies first."},
		{iam.Error{Reason: iam.ReasonHasAttachedPolicies}, "Cannot delete entity, must detach all policies first."},
		{iam.Error{Reason: iam.ReasonGroupMembers}, "Cannot delete entity, must remove users from group first."},
		{iam.Error{Reason: iam.ReasonDefaultVersion}, "Cannot delete the default version of a policy."},
		{iam.Error{Reason: iam.ReasonHasVersions},
			"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."},
		{iam.Error{Reason: iam.ReasonPolicyAttached}, "Cannot delete a policy attached to entities."},

		{iam.Error{Reason: iam.ReasonConcurrentChange},
			"The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again."},
		{iam.Error{Reason: iam.ReasonStoreFailure}, "The request processing has failed because of an unknown error, exception or failure."},
	}
	pinned := map[iam.Reason]bool{}
	for _, tc := range tests {
		if got := Message(&tc.err); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.err.Reason, got, tc.want)
		}
		pinned[tc.err.Reason] = true
	}
	for r := iam.Reason(1); !strings.HasPrefix(r.String(), "reason "); r++ {
		if r.BucketPolicy() {
			// S3's rules: the S3 gateway answers them (internal/s3gw).
			if _, ok := messages[r]; ok {
				t.Errorf("iam reason %s is S3's, yet has an IAM message", r)
			}
			continue
		}
		if _, ok := table[r.Kind()]; !ok {
			t.Errorf("iam reason %s has kind %s, which has no IAM code", r, r.Kind())
		}
		if _, ok := messages[r]; !ok && r != iam.ReasonMemberConstraints {
			t.Errorf("iam reason %s has no IAM message", r)
		}
		if !pinned[r] {
			t.Errorf("iam reason %s has no example here", r)
		}
	}
	if len(pinned) != len(messages)+1 {
		t.Errorf("%d reasons pinned, %d messages (+ member constraints)", len(pinned), len(messages))
	}
}

// TestMessageValues: a value is put in as it is, never read as a
// placeholder.
func TestMessageValues(t *testing.T) {
	e := &iam.Error{Reason: iam.ReasonPolicyVersionNotFound, Subject: "{detail}", Detail: "{subject}"}
	if got, want := Message(e), "Policy {detail} version {subject} does not exist."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestDescribe: a command's error names an IAM error as IAM answers it,
// wherever it sits in the chain; any other error reads as before.
func TestDescribe(t *testing.T) {
	notFound := &iam.Error{Reason: iam.ReasonRoleNotFound, Subject: "app"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{notFound, "NoSuchEntity: The role with name app cannot be found."},
		{fmt.Errorf("bootstrap: apply: role app: %w", notFound),
			"bootstrap: apply: role app: NoSuchEntity: The role with name app cannot be found."},
		{fmt.Errorf("apply: %w", errors.New("store closed")), "apply: store closed"},
	} {
		if got := Describe(c.err); got != c.want {
			t.Errorf("Describe(%q) = %q, want %q", c.err, got, c.want)
		}
	}
}
