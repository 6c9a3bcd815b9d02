package iam

import "github.com/stsd/stsd/internal/awserr"

// ValidateTagKeys checks the TagKeys list of an Untag* call (tagKeyListType)
// as IAM reports it: at most 50 keys; a key that is not 1..128 characters
// of [\p{L}\p{Z}\p{N}_.:/=+\-@] is reported once for the whole list, with
// the member's constraints, and without echoing the keys.
func ValidateTagKeys(keys []string) error {
	var vs []awserr.Violation
	if len(keys) > MaxTags {
		vs = append(vs, awserr.Violation{Member: "tagKeys", Form: awserr.ValueOmitted, Constraint: lengthAtMost(MaxTags)})
	}
	for _, k := range keys {
		if len(lengthViolations(nil, "", k, 1, MaxTagKeyLength)) > 0 || !allRunes(k, isTagChar) {
			vs = append(vs, awserr.Violation{Member: "tagKeys", Form: awserr.ValueOmitted, Constraint: "Member must satisfy constraint: [" +
				lengthAtMost(MaxTagKeyLength) + ", " + lengthAtLeast(1) + ", " + patternConstraint(tagPattern+"+") + "]"})
			break
		}
	}
	return validationResult(vs)
}
