package iam

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/stsd/stsd/internal/awserr"
)

// Tag limits (IAM model).
const (
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
	tagPattern        = `[\p{L}\p{Z}\p{N}_.:/=+\-@]`
)

// Tag is a key/value pair attached to an entity. Keys are case-insensitive
// but case-preserving.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func isTagChar(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Z) {
		return true
	}
	switch r {
	case '_', '.', ':', '/', '=', '+', '-', '@':
		return true
	}
	return false
}

// ValidateTags checks a tag list as IAM does on create: at most 50 tags; key
// 1..128 and value 0..256 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]; member
// violations first, then no key starting with "aws:" and no two keys equal
// ignoring case.
func ValidateTags(tags []Tag) error {
	var vs []awserr.Violation
	if len(tags) > MaxTags {
		vs = append(vs, awserr.Violation{Member: "tags", Form: awserr.ValueOmitted, Constraint: lengthAtMost(MaxTags)})
	}
	for i, t := range tags {
		at := "tags." + strconv.Itoa(i+1) + ".member."
		vs = lengthViolations(vs, at+"key", t.Key, 1, MaxTagKeyLength)
		if t.Key != "" && !allRunes(t.Key, isTagChar) {
			vs = append(vs, awserr.Violation{Member: at + "key", Value: t.Key, Constraint: patternConstraint(tagPattern + "+")})
		}
		vs = lengthViolations(vs, at+"value", t.Value, 0, MaxTagValueLength)
		if !allRunes(t.Value, isTagChar) {
			vs = append(vs, awserr.Violation{Member: at + "value", Value: t.Value, Constraint: patternConstraint(tagPattern + "*")})
		}
	}
	if len(vs) > 0 {
		return NewValidationError(vs...)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if hasAWSPrefix(t.Key) {
			return &Error{Reason: ReasonAWSTagKey}
		}
		k := strings.ToLower(t.Key)
		if seen[k] {
			return &Error{Reason: ReasonDuplicateTagKeys}
		}
		seen[k] = true
	}
	return nil
}

func hasAWSPrefix(s string) bool {
	return len(s) >= 4 && strings.EqualFold(s[:4], "aws:")
}

// MergeTags adds tags to existing as TagRole does: a new tag replaces an
// existing one whose key is equal ignoring case (the new spelling wins);
// the result may hold at most 50 tags (KindLimitExceeded otherwise). The added
// tags must already have passed ValidateTags.
func MergeTags(existing, add []Tag) ([]Tag, error) {
	out := append([]Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, &Error{Reason: ReasonTagsPerEntity}
	}
	return out, nil
}

// RemoveTags drops the tags whose keys equal one of keys ignoring case.
func RemoveTags(existing []Tag, keys []string) []Tag {
	out := make([]Tag, 0, len(existing))
	for _, t := range existing {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}
