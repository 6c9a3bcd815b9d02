package iam

import "github.com/stsd/stsd/internal/awserr"

// Patterns of the list actions' PathPrefix members, as botocore's model
// spells them.
const pathPrefixPattern = `\u002F[\u0021-\u007F]*`

// ValidatePathPrefix checks the PathPrefix of ListRoles and ListUsers
// (pathPrefixType) under the member name given: 1..512 characters, "/"
// followed by U+0021..U+007F.
func ValidatePathPrefix(member, prefix string) error {
	vs := lengthViolations(nil, member, prefix, 1, MaxPathLength)
	if prefix != "" && !isPathPrefix(prefix) {
		vs = append(vs, awserr.Violation{Member: member, Value: prefix, Constraint: patternConstraint(pathPrefixPattern)})
	}
	return validationResult(vs)
}

func isPathPrefix(p string) bool {
	if p[0] != '/' {
		return false
	}
	for i := 1; i < len(p); i++ {
		if p[i] < 0x21 || p[i] > 0x7F {
			return false
		}
	}
	return true
}

// ValidatePolicyPathPrefix checks a PathPrefix of the model's
// policyPathType (ListPolicies, ListAttachedRolePolicies,
// ListAttachedUserPolicies) under the member name given: the rules of a
// managed policy's path.
func ValidatePolicyPathPrefix(member, prefix string) error { return validatePolicyPath(member, prefix) }
