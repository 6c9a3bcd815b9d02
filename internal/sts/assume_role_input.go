package sts

import (
	"strconv"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
)

// Model constraints of AssumeRole beyond the shared ones (botocore's STS
// model, AssumeRoleRequest): ExternalId externalIdType 2..1224
// [\w+=,.@:\/-]*; SerialNumber serialNumberType 9..256 [\w+=/:,.@-]*;
// TokenCode tokenCodeType exactly 6 of [\d]*; SourceIdentity
// sourceIdentityType 2..64 [\w+=,.@-]*; ProvidedContexts 1..5 entries of
// ProvidedContext{ProviderArn arnType, ContextAssertion 4..2048}.
const (
	externalIDPatternText   = `[\w+=,.@:\/-]*`
	serialNumberPatternText = `[\w+=/:,.@-]*`
	tokenCodePatternText    = `[\d]*`
)

// assumeRoleInput is the validated input of AssumeRole.
type assumeRoleInput struct {
	RoleArn         string
	RoleSessionName string
	sessionPolicies
	DurationSeconds         int
	DurationGiven           bool
	Tags                    []creds.Tag
	TransitiveTagKeys       []string
	ExternalID              string
	HasExternalID           bool
	SerialNumber            string
	TokenCode               string
	SourceIdentity          string
	ProvidedContexts        int
	MinimumSessionTokenSize int
}

// parseAssumeRoleInput checks every model constraint and reports them all
// in one ValidationError, as AWS does; then the combined session-policy
// plaintext limit and the tag rules.
func parseAssumeRoleInput(p awsquery.Params) (*assumeRoleInput, *awserr.Error) {
	in := &assumeRoleInput{}
	var v awserr.Violations
	in.RoleArn = requiredARN(&v, p, "RoleArn", "roleArn")
	in.RoleSessionName = requiredSessionName(&v, p, "RoleSessionName", "roleSessionName", 64)
	in.sessionPolicies = parseSessionPolicies(&v, p, unlimitedPolicy)
	_, in.DurationGiven = p.Get("DurationSeconds")
	in.DurationSeconds = intMember(&v, p, "DurationSeconds", "durationSeconds", minDuration, maxDuration, defaultDuration)
	in.Tags, in.TransitiveTagKeys = parseTags(&v, p, true)
	if s, ok := p.Get("ExternalId"); ok {
		in.ExternalID, in.HasExternalID = s, true
		checkLength(&v, s, "externalId", 2, 1224, false)
		if !matchesClass(s, "_+=,.@:/-") {
			v.Add(&s, "externalId", "Member must satisfy regular expression pattern: "+externalIDPatternText)
		}
	}
	in.SerialNumber, in.TokenCode = parseMFA(&v, p)
	if s, ok := p.Get("SourceIdentity"); ok {
		in.SourceIdentity = s
		checkLength(&v, s, "sourceIdentity", minSourceIdentityLen, maxSourceIdentityLen, false)
		if !isSessionName(s) {
			v.Add(&s, "sourceIdentity", "Member must satisfy regular expression pattern: "+sessionNamePatternText)
		}
	}
	if items, present := p.StructList("ProvidedContexts", "ProviderArn", "ContextAssertion"); present {
		in.ProvidedContexts = len(items)
		switch {
		case len(items) == 0:
			v.AddHidden("providedContexts", "Member must have length greater than or equal to 1")
		case len(items) > 5:
			v.AddHidden("providedContexts", "Member must have length less than or equal to 5")
		}
		for i, m := range items {
			path := "providedContexts." + strconv.Itoa(i+1) + ".member."
			if a, ok := m["ProviderArn"]; ok {
				checkLength(&v, a, path+"providerArn", 20, 2048, false)
			}
			if c, ok := m["ContextAssertion"]; ok {
				checkLength(&v, c, path+"contextAssertion", 4, 2048, true)
			}
		}
	}
	in.MinimumSessionTokenSize = intMember(&v, p, "MinimumSessionTokenSize", "minimumSessionTokenSize", 0, maxTokenSize, 0)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := in.checkPlaintext(); err != nil {
		return nil, err
	}
	if err := checkTagRules(in.Tags, in.TransitiveTagKeys); err != nil {
		return nil, err
	}
	if hasAWSPrefix(in.SourceIdentity) {
		return nil, invalidParameterValue(msgReservedSourceIdentity).WithReason("reserved_source_identity_prefix", nil)
	}
	return in, nil
}

// msgReservedSourceIdentity is stsd's text for a SourceIdentity starting
// with "aws:", which IAM reserves ("You cannot use a value that begins
// with the text aws:", IAM User Guide, "Monitor and control actions taken
// with assumed roles"); AWS's text was not found.
const msgReservedSourceIdentity = "The source identity cannot start with 'aws:'; the prefix is reserved for AWS use."

// requiredARN reads a required arnType member (20..2048, the model's
// pattern).
func requiredARN(v *awserr.Violations, p awsquery.Params, name, member string) string {
	s, ok := p.Get(name)
	if !ok {
		v.Add(nil, member, "Member must not be null")
		return ""
	}
	checkLength(v, s, member, 20, 2048, false)
	if s != "" && !matchesARNPattern(s) {
		v.Add(&s, member, "Member must satisfy regular expression pattern: "+arnPatternText)
	}
	return s
}

// requiredSessionName reads a required name of 2..max characters of
// [\w+=,.@-]* (roleSessionNameType, userNameType).
func requiredSessionName(v *awserr.Violations, p awsquery.Params, name, member string, max int) string {
	s, ok := p.Get(name)
	if !ok {
		v.Add(nil, member, "Member must not be null")
		return ""
	}
	checkLength(v, s, member, 2, max, false)
	if !isSessionName(s) {
		v.Add(&s, member, "Member must satisfy regular expression pattern: "+sessionNamePatternText)
	}
	return s
}

// parseMFA reads SerialNumber and TokenCode (AssumeRole, GetSessionToken).
func parseMFA(v *awserr.Violations, p awsquery.Params) (serial, code string) {
	if s, ok := p.Get("SerialNumber"); ok {
		serial = s
		checkLength(v, s, "serialNumber", 9, 256, false)
		if !matchesClass(s, "_+=/:,.@-") {
			v.Add(&s, "serialNumber", "Member must satisfy regular expression pattern: "+serialNumberPatternText)
		}
	}
	if s, ok := p.Get("TokenCode"); ok {
		code = s
		checkLength(v, s, "tokenCode", 6, 6, false)
		if !onlyDigits(s) {
			v.Add(&s, "tokenCode", "Member must satisfy regular expression pattern: "+tokenCodePatternText)
		}
	}
	return serial, code
}

// matchesClass reports whether s has only ASCII letters, digits and the
// given punctuation (a pattern [\w<extra>]*; \w is [A-Za-z0-9_]).
func matchesClass(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			continue
		}
		found := false
		for j := 0; j < len(extra); j++ {
			if extra[j] == c {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
