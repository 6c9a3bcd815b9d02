package sts

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/policy"
)

// The members that shape an issued session, shared by the actions that
// take them: Policy and PolicyArns (AssumeRoleWithWebIdentity, AssumeRole,
// GetFederationToken), Tags (AssumeRole, GetFederationToken) and
// TransitiveTagKeys (AssumeRole). Constraints from botocore's STS model
// (service-2.json): sessionPolicyDocumentType 1..2048 characters (AssumeRole
// has unrestrictedSessionPolicyDocumentType, min 1 and no max, since the
// 2023-10-02 model), policyDescriptorListType of arnType 20..2048 (at most
// 10, STS API Reference), tagListType and tagKeyListType at most 50,
// tagKeyType 1..128 and tagValueType 0..256 of [\p{L}\p{Z}\p{N}_.:/=+\-@].

// sessionPolicies are the session policies a request passes.
type sessionPolicies struct {
	Policy     string
	HasPolicy  bool
	PolicyArns []string
}

// unlimitedPolicy is AssumeRole's Policy maximum: none in the model; the
// 2,048-character plaintext limit of inline and managed policies together
// still applies (checkPlaintext).
const unlimitedPolicy = 0

// parseSessionPolicies reads Policy (at most maxPolicy characters; 0 is no
// maximum) and PolicyArns into sp, adding AWS's member violations to v.
func parseSessionPolicies(v *awserr.Violations, p awsquery.Params, maxPolicy int) sessionPolicies {
	var sp sessionPolicies
	if s, ok := p.Get("Policy"); ok {
		sp.Policy, sp.HasPolicy = s, true
		max := maxPolicy
		if max == unlimitedPolicy {
			max = int(^uint(0) >> 1)
		}
		checkLength(v, s, "policy", 1, max, false)
		if s != "" && !isPolicyText(s) {
			v.Add(&s, "policy", "Member must satisfy regular expression pattern: "+policyPatternText)
		}
	}
	if arns, _ := p.StructList("PolicyArns", "arn"); len(arns) > 0 {
		if len(arns) > maxPolicyArns {
			v.AddHidden("policyArns", "Member must have length less than or equal to 10")
		}
		for i, m := range arns {
			a := m["arn"]
			checkLength(v, a, "policyArns."+strconv.Itoa(i+1)+".member.arn", 20, 2048, false)
			sp.PolicyArns = append(sp.PolicyArns, a)
		}
	}
	return sp
}

// any reports whether session policies were passed.
func (sp *sessionPolicies) any() bool { return sp.HasPolicy || len(sp.PolicyArns) > 0 }

// checkPlaintext enforces the combined limit. AWS does not say how an ARN
// counts toward it; stsd counts what the caller sends as the managed
// policies' plaintext — each ARN's characters — plus the inline policy's
// characters, the way Policy alone is counted against its 2,048 maximum.
// It runs after the member constraints, so a Policy over 2,048 characters
// on its own is the model's ValidationError. ValidationError 400: a
// request that can never succeed, and one no SDK retries. For AssumeRole,
// whose Policy has no maximum in the model, the inline policy alone is
// held to the same 2,048 characters ("The plaintext that you use for both
// inline and managed session policies can't exceed 2,048 characters",
// AssumeRole's Policy documentation).
func (sp *sessionPolicies) checkPlaintext() *awserr.Error {
	n := utf8.RuneCountInString(sp.Policy)
	for _, a := range sp.PolicyArns {
		n += utf8.RuneCountInString(a)
	}
	if n <= maxSessionPolicyPlaintext {
		return nil
	}
	return awserr.ValidationError(msgSessionPolicyPlaintext+strconv.Itoa(n)+".").
		WithReason("session_policy_plaintext_too_long", nil)
}

// checkGrammar checks the inline session policy's grammar; the session
// carries the document itself, evaluated on later requests.
func (sp *sessionPolicies) checkGrammar() *awserr.Error {
	if !sp.HasPolicy {
		return nil
	}
	if _, err := policy.ParseAs([]byte(sp.Policy), policy.KindIdentity); err != nil {
		return awserr.New("MalformedPolicyDocument", http.StatusBadRequest, err.Error()).WithReason("session_policy_malformed", nil)
	}
	return nil
}

// tagKeyPatternText and tagValuePatternText are the model's patterns as
// AWS prints them in a ValidationError.
const (
	tagKeyPatternText   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePatternText = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
)

// parseTags reads Tags (Tags.member.N.Key/Value) and, when transitive is
// set, TransitiveTagKeys (TransitiveTagKeys.member.N), checking the model's
// constraints; the rules between them (duplicates, transitive keys that
// are not tags) are checkTagRules'.
func parseTags(v *awserr.Violations, p awsquery.Params, transitive bool) ([]creds.Tag, []string) {
	var tags []creds.Tag
	if items, _ := p.StructList("Tags", "Key", "Value"); len(items) > 0 {
		if len(items) > creds.MaxSessionTags {
			v.AddHidden("tags", "Member must have length less than or equal to 50")
		}
		for i, m := range items {
			path := "tags." + strconv.Itoa(i+1) + ".member."
			key, hasKey := m["Key"]
			value, hasValue := m["Value"]
			if !hasKey {
				v.Add(nil, path+"key", "Member must not be null")
			} else {
				checkTagText(v, key, path+"key", 1, maxTagKeyLength, tagKeyPatternText)
			}
			if !hasValue {
				v.Add(nil, path+"value", "Member must not be null")
			} else {
				checkTagText(v, value, path+"value", 0, maxTagValueLength, tagValuePatternText)
			}
			tags = append(tags, creds.Tag{Key: key, Value: value})
		}
	}
	var keys []string
	if transitive {
		if items, _ := p.List("TransitiveTagKeys"); len(items) > 0 {
			if len(items) > creds.MaxSessionTags {
				v.AddHidden("transitiveTagKeys", "Member must have length less than or equal to 50")
			}
			for i, k := range items {
				checkTagText(v, k, "transitiveTagKeys."+strconv.Itoa(i+1)+".member", 1, maxTagKeyLength, tagKeyPatternText)
				keys = append(keys, k)
			}
		}
	}
	return tags, keys
}

func checkTagText(v *awserr.Violations, s, member string, min, max int, pattern string) {
	checkLength(v, s, member, min, max, false)
	if !validTagText(s, 0, len(s)) {
		v.Add(&s, member, "Member must satisfy regular expression pattern: "+pattern)
	}
}

// msgReservedTagPrefix is stsd's text for a session tag key or value that
// starts with "aws:". IAM reserves the prefix ("You cannot use a prefix of
// aws: … for tag keys or values", IAM User Guide, "Tagging IAM
// resources", rules for tags); AWS's STS text for it was not found.
const msgReservedTagPrefix = "Tag keys and values cannot start with 'aws:'; the prefix is reserved for AWS use."

// checkTagRules applies the session-tag rules that are not member
// constraints (sts-contract §7.2): no key or value starting with "aws:";
// keys unique without regard to case ("Duplicate tag keys found…"); every
// transitive key one of the tags' ("The specified transitive tag key must
// be included in the requested tags."), compared without case.
func checkTagRules(tags []creds.Tag, transitive []string) *awserr.Error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if hasAWSPrefix(t.Key) || hasAWSPrefix(t.Value) {
			return invalidParameterValue(msgReservedTagPrefix).WithReason("reserved_tag_prefix", nil)
		}
		lk := strings.ToLower(t.Key)
		if seen[lk] {
			return invalidParameterValue(msgDuplicateTagKeys).WithReason("duplicate_session_tag", nil)
		}
		seen[lk] = true
	}
	for _, k := range transitive {
		if !seen[strings.ToLower(k)] {
			return invalidParameterValue(msgTransitiveTagKey).WithReason("transitive_key_not_tagged", nil)
		}
	}
	return nil
}
