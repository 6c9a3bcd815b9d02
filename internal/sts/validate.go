package sts

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

// Model constraints of AssumeRoleWithWebIdentity (sts-contract §2.1) and the
// exact constraint texts AWS prints for them (§2.2).
const (
	arnPatternText         = `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`
	sessionNamePatternText = `[\w+=,.@-]*`
	policyPatternText      = `[\u0009\u000A\u000D\u0020-\u00FF]+`

	minDuration     = 900
	maxDuration     = 43200
	defaultDuration = 3600
	maxPolicyArns   = 10
	maxTokenSize    = 4096
)

// webIdentityInput is the validated input of AssumeRoleWithWebIdentity.
type webIdentityInput struct {
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	ProviderID       string
	sessionPolicies
	DurationSeconds         int
	MinimumSessionTokenSize int
}

// parseWebIdentityInput checks every model constraint and reports them all
// in one ValidationError, as AWS does.
func parseWebIdentityInput(p awsquery.Params) (*webIdentityInput, *awserr.Error) {
	in := &webIdentityInput{DurationSeconds: defaultDuration}
	var v awserr.Violations

	if s, ok := p.Get("RoleArn"); !ok {
		v.Add(nil, "roleArn", "Member must not be null")
	} else {
		in.RoleArn = s
		checkLength(&v, s, "roleArn", 20, 2048, false)
		if s != "" && !matchesARNPattern(s) {
			v.Add(&s, "roleArn", "Member must satisfy regular expression pattern: "+arnPatternText)
		}
	}
	if s, ok := p.Get("RoleSessionName"); !ok {
		v.Add(nil, "roleSessionName", "Member must not be null")
	} else {
		in.RoleSessionName = s
		checkLength(&v, s, "roleSessionName", 2, 64, false)
		if !isSessionName(s) {
			v.Add(&s, "roleSessionName", "Member must satisfy regular expression pattern: "+sessionNamePatternText)
		}
	}
	if s, ok := p.Get("WebIdentityToken"); !ok {
		v.Add(nil, "webIdentityToken", "Member must not be null")
	} else {
		in.WebIdentityToken = s
		checkLength(&v, s, "webIdentityToken", 4, 20000, true)
	}
	if s, ok := p.Get("ProviderId"); ok {
		in.ProviderID = s
		checkLength(&v, s, "providerId", 4, 2048, false)
	}
	in.sessionPolicies = parseSessionPolicies(&v, p, maxSessionPolicyPlaintext)
	in.DurationSeconds = intMember(&v, p, "DurationSeconds", "durationSeconds", minDuration, maxDuration, defaultDuration)
	in.MinimumSessionTokenSize = intMember(&v, p, "MinimumSessionTokenSize", "minimumSessionTokenSize", 0, maxTokenSize, 0)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := in.checkPlaintext(); err != nil {
		return nil, err
	}
	return in, nil
}

// maxSessionPolicyPlaintext is the limit on the plaintext of the inline
// and managed session policies together: "the plaintext that you use for
// both inline and managed session policies can't exceed 2,048 characters"
// (botocore's STS model, the Policy and PolicyArns members of
// AssumeRoleWithWebIdentity; IAM User Guide, "Session policies").
const maxSessionPolicyPlaintext = 2048

// msgSessionPolicyPlaintext is stsd's text for that limit: AWS's own
// message for an inline policy and ARNs that are each within their
// member limits but together over 2,048 characters was not found.
const msgSessionPolicyPlaintext = "The plaintext of the inline session policy and the managed session policy ARNs must not exceed 2048 characters; this request has "

// checkLength adds AWS's length messages; hidden members are not echoed.
func checkLength(v *awserr.Violations, s, member string, min, max int, hidden bool) {
	n := utf8.RuneCountInString(s)
	add := func(constraint string) {
		if hidden {
			v.AddHidden(member, constraint)
		} else {
			v.Add(&s, member, constraint)
		}
	}
	if n < min {
		add("Member must have length greater than or equal to " + strconv.Itoa(min))
	}
	if n > max {
		add("Member must have length less than or equal to " + strconv.Itoa(max))
	}
}

// intMember parses an optional integer member and checks its range. A value
// that is not an integer is reported the same way (inferred wording: AWS's
// text for this case was not captured).
func intMember(v *awserr.Violations, p awsquery.Params, name, member string, min, max, def int) int {
	s, ok := p.Get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		v.Add(&s, member, "Member must be a valid integer")
		return def
	}
	if n < min {
		v.Add(&s, member, "Member must have value greater than or equal to "+strconv.Itoa(min))
	}
	if n > max {
		v.Add(&s, member, "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return n
}

// isSessionName matches [\w+=,.@-]* (\w is ASCII letters, digits, _).
func isSessionName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0) {
			return false
		}
	}
	return true
}

// matchesARNPattern: tab, LF, CR, printable ASCII and the listed ranges.
func matchesARNPattern(s string) bool {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85:
		case r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return utf8.ValidString(s)
}

// isPolicyText: tab, LF, CR and U+0020–U+00FF.
func isPolicyText(s string) bool {
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xFF) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// parseRoleARN parses a RoleArn parameter. A string that is not an ARN, or
// whose partition is not one AWS documents or whose service or resource is
// empty, is a ValidationError "<arn> is invalid" (package arn,
// "Partitions"); any other ARN is looked up as it is, and one that names no
// role is reported by the caller as AccessDenied (there is no such role).
func parseRoleARN(s string) (arn.ARN, *awserr.Error) {
	a, ok := arn.Parse(s)
	if !ok || !arn.IsPartition(a.Partition) || a.Service == "" || a.Resource == "" {
		return arn.ARN{}, awserr.ValidationError(s + " is invalid")
	}
	return a, nil
}
