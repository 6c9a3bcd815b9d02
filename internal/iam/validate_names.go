package iam

import (
	"strconv"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
)

// Patterns as botocore's IAM model spells them (shown in messages).
const (
	namePattern        = `[\w+=,.@-]+`
	pathPattern        = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	policyPathPattern  = `((/[A-Za-z0-9\.,\+@=_-]+)*)/`
	descriptionPattern = `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
)

// Limits from IAM's model and quotas.
const (
	MaxRoleNameLength      = 64
	MaxUserNameLength      = 64
	MaxPolicyNameLength    = 128
	MaxPathLength          = 512
	MaxDescriptionLength   = 1000
	MinMaxSessionDuration  = 3600
	MaxMaxSessionDuration  = 43200
	DefaultSessionDuration = 3600
)

func lengthAtMost(n int) string {
	return "Member must have length less than or equal to " + strconv.Itoa(n)
}

func lengthAtLeast(n int) string {
	return "Member must have length greater than or equal to " + strconv.Itoa(n)
}

func patternConstraint(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// lengthViolations checks min..max (in characters) and appends violations.
func lengthViolations(vs []awserr.Violation, member, value string, minLen, maxLen int) []awserr.Violation {
	n := utf8.RuneCountInString(value)
	if n < minLen {
		vs = append(vs, awserr.Violation{Member: member, Value: value, Constraint: lengthAtLeast(minLen)})
	}
	if maxLen > 0 && n > maxLen {
		vs = append(vs, awserr.Violation{Member: member, Value: value, Constraint: lengthAtMost(maxLen)})
	}
	return vs
}

func validationResult(vs []awserr.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return NewValidationError(vs...)
}

// isNameChar reports whether r matches [\w+=,.@-] (ASCII \w, as in Java).
func isNameChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	switch r {
	case '_', '+', '=', ',', '.', '@', '-':
		return true
	}
	return false
}

func allRunes(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func validateName(member, name string, maxLen int) error {
	vs := lengthViolations(nil, member, name, 1, maxLen)
	if name != "" && !allRunes(name, isNameChar) {
		vs = append(vs, awserr.Violation{Member: member, Value: name, Constraint: patternConstraint(namePattern)})
	}
	return validationResult(vs)
}

// ValidateRoleName checks a role name: 1..64 characters of [\w+=,.@-].
func ValidateRoleName(name string) error { return validateName("roleName", name, MaxRoleNameLength) }

// ValidateUserName checks a user name: 1..64 characters of [\w+=,.@-].
func ValidateUserName(name string) error { return validateName("userName", name, MaxUserNameLength) }

// ValidatePolicyName checks a managed or inline policy name: 1..128
// characters of [\w+=,.@-].
func ValidatePolicyName(name string) error {
	return validateName("policyName", name, MaxPolicyNameLength)
}

// ValidatePath checks a role or user path under the member name given
// ("path", "newPath"): "/" alone, or 1..512 characters that begin and end
// with "/" and contain only U+0021..U+007E.
func ValidatePath(member, path string) error {
	vs := lengthViolations(nil, member, path, 1, MaxPathLength)
	if path != "" && !isIAMPath(path) {
		vs = append(vs, awserr.Violation{Member: member, Value: path, Constraint: patternConstraint(pathPattern)})
	}
	return validationResult(vs)
}

func isIAMPath(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 3 || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x21 || p[i] > 0x7E {
			return false
		}
	}
	return true
}

// ValidatePolicyPath checks a managed policy's path: 1..512 characters
// matching ((/[A-Za-z0-9\.,\+@=_-]+)*)/ — segments of those characters
// between slashes, no empty segment.
func ValidatePolicyPath(path string) error { return validatePolicyPath("path", path) }

func validatePolicyPath(member, path string) error {
	vs := lengthViolations(nil, member, path, 1, MaxPathLength)
	if path != "" && !isPolicyPath(path) {
		vs = append(vs, awserr.Violation{Member: member, Value: path, Constraint: patternConstraint(policyPathPattern)})
	}
	return validationResult(vs)
}

func isPolicyPath(p string) bool {
	if p == "" || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	seg := 0
	for i := 1; i < len(p); i++ {
		c := p[i]
		if c == '/' {
			if seg == 0 {
				return false
			}
			seg = 0
			continue
		}
		if !isNameChar(rune(c)) {
			return false
		}
		seg++
	}
	return true
}

// ValidateRoleDescription checks a role description: at most 1,000
// characters from TAB, LF, CR, U+0020..U+007E and U+00A1..U+00FF.
func ValidateRoleDescription(desc string) error {
	const member = "description"
	vs := lengthViolations(nil, member, desc, 0, MaxDescriptionLength)
	if !allRunes(desc, isDescriptionChar) {
		vs = append(vs, awserr.Violation{Member: member, Value: desc, Constraint: patternConstraint(descriptionPattern)})
	}
	return validationResult(vs)
}

func isDescriptionChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7E) || (r >= 0xA1 && r <= 0xFF)
}

// ValidatePolicyDescription checks a managed policy description: at most
// 1,000 characters (the model sets no pattern).
func ValidatePolicyDescription(desc string) error {
	return validationResult(lengthViolations(nil, "description", desc, 0, MaxDescriptionLength))
}

// ValidateMaxSessionDuration checks a role's MaxSessionDuration: 3600..43200.
func ValidateMaxSessionDuration(seconds int) error {
	const member = "maxSessionDuration"
	v := strconv.Itoa(seconds)
	switch {
	case seconds < MinMaxSessionDuration:
		return NewValidationError(awserr.Violation{Member: member, Value: v,
			Constraint: "Member must have value greater than or equal to " + strconv.Itoa(MinMaxSessionDuration)})
	case seconds > MaxMaxSessionDuration:
		return NewValidationError(awserr.Violation{Member: member, Value: v,
			Constraint: "Member must have value less than or equal to " + strconv.Itoa(MaxMaxSessionDuration)})
	}
	return nil
}
