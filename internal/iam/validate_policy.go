package iam

import (
	"unicode"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
)

// Policy size limits. The model bounds every document to 131,072
// characters; IAM's quotas are lower and count characters other than white
// space.
const (
	MaxPolicyDocumentLength = 131072
	policyDocumentPattern   = `[\u0009\u000A\u000D\u0020-\u00FF]+`
)

func isPolicyChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)
}

// ValidatePolicyDocument checks the model constraints of a policy document
// under the member name given ("policyDocument", "assumeRolePolicyDocument"):
// 1..131072 characters from TAB, LF, CR and U+0020..U+00FF. Grammar is
// checked by the policy package.
func ValidatePolicyDocument(member, doc string) error {
	vs := lengthViolations(nil, member, doc, 1, MaxPolicyDocumentLength)
	if !utf8.ValidString(doc) || (doc != "" && !allRunes(doc, isPolicyChar)) {
		vs = append(vs, awserr.Violation{Member: member, Value: doc, Constraint: patternConstraint(policyDocumentPattern)})
	}
	return validationResult(vs)
}

// PolicySize is the size IAM counts against its quotas: characters other
// than white space.
func PolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// ValidateTrustPolicySize enforces the 2,048-character trust policy quota.
func ValidateTrustPolicySize(doc string) error {
	if PolicySize(doc) > MaxTrustPolicySize {
		return &Error{Reason: ReasonTrustPolicySize}
	}
	return nil
}

// ValidateManagedPolicySize enforces the 6,144-character managed policy quota.
func ValidateManagedPolicySize(doc string) error {
	if PolicySize(doc) > MaxManagedPolicySize {
		return &Error{Reason: ReasonPolicySize}
	}
	return nil
}

// ValidateRoleInlinePoliciesSize enforces the 10,240-character quota on the
// sum of a role's inline policies.
func ValidateRoleInlinePoliciesSize(roleName string, docs map[string]string) error {
	return validateInlinePoliciesSize(ReasonRolePolicySize, roleName, docs, MaxRoleInlinePolicySize)
}

// validateInlinePoliciesSize enforces a quota on the sum of an entity's
// inline policies (white space not counted): reason, for the entity name,
// beyond quota.
func validateInlinePoliciesSize(reason Reason, name string, docs map[string]string, quota int) error {
	total := 0
	for _, d := range docs {
		total += PolicySize(d)
	}
	if total > quota {
		return &Error{Reason: reason, Subject: name}
	}
	return nil
}
