package iam

import "strconv"

// ValidateTagKeys checks the TagKeys list of an Untag* call as IAM's model
// does: at most 50 keys, each 1..128 characters of
// [\p{L}\p{Z}\p{N}_.:/=+\-@]; every violation is reported.
func ValidateTagKeys(keys []string) error {
	var vs []Violation
	if len(keys) > MaxTags {
		vs = append(vs, Violation{Member: "tagKeys", Form: ValueOmitted, Constraint: lengthAtMost(MaxTags)})
	}
	for i, k := range keys {
		at := "tagKeys." + strconv.Itoa(i+1) + ".member"
		vs = lengthViolations(vs, at, k, 1, MaxTagKeyLength)
		if k != "" && !allRunes(k, isTagChar) {
			vs = append(vs, Violation{Member: at, Value: k, Constraint: patternConstraint(tagPattern + "+")})
		}
	}
	return validationResult(vs)
}
