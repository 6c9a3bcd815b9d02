package iamapi

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// Model limits of the provider actions' members (botocore's IAM model).
const (
	arnMinLength   = 20
	arnMaxLength   = 2048
	maxTagKeys     = 50
	providerARNKey = "openIDConnectProviderArn"
)

// providerARNParam reads the OpenIDConnectProviderArn parameter and
// reports its model violations (absent, or not 20..2048 characters), to be
// joined with the other members' violations.
func (x *exchange) providerARNParam() (string, error) {
	arn, err := x.required("OpenIDConnectProviderArn", providerARNKey)
	if err != nil {
		return "", err
	}
	if vs := providerLengthViolations(providerARNKey, arn, arnMinLength, arnMaxLength); len(vs) > 0 {
		return arn, iam.NewValidationError(vs...)
	}
	return arn, nil
}

// checkProviderARN runs after the model checks: a string that is not an
// ARN at all is IAM's "Invalid ARN:  Could not be parsed!"; an ARN that is
// not an IAM OIDC provider ARN is InvalidInput; a provider of another
// account is not found (missing is the action's NoSuchEntity).
func (x *exchange) checkProviderARN(arn string, missing func(string) error) error {
	if parts := strings.SplitN(arn, ":", 6); len(parts) < 6 || parts[0] != "arn" {
		return &iam.Error{Code: iam.CodeValidationError, Message: "Invalid ARN:  Could not be parsed!"}
	}
	account, _, ok := iam.ParseProviderARN(arn)
	if !ok {
		return invalidInput("ARN " + arn + " is not valid.")
	}
	if account != x.account {
		return missing(arn)
	}
	return nil
}

// providerNotFound is IAM's NoSuchEntity for every provider action but
// DeleteOpenIDConnectProvider.
func providerNotFound(arn string) error {
	return noSuchEntity("OpenIDConnect Provider not found for arn " + arn)
}

// providerNotFoundOnDelete is DeleteOpenIDConnectProvider's NoSuchEntity
// (IAM words it differently).
func providerNotFoundOnDelete(arn string) error {
	return noSuchEntity("OpenId connect Provider " + arn + " cannot be found.")
}

// providerLengthViolations checks that value has min..max characters, the
// way IAM reports a scalar member ("Value '<v>' at '<member>' …").
func providerLengthViolations(member, value string, minLen, maxLen int) []iam.Violation {
	var vs []iam.Violation
	n := utf8.RuneCountInString(value)
	if n < minLen {
		vs = append(vs, iam.Violation{Member: member, Value: value,
			Constraint: "Member must have length greater than or equal to " + strconv.Itoa(minLen)})
	}
	if n > maxLen {
		vs = append(vs, iam.Violation{Member: member, Value: value,
			Constraint: "Member must have length less than or equal to " + strconv.Itoa(maxLen)})
	}
	return vs
}

// providerTagKeysParam reads the required TagKeys list of an Untag action
// and checks it as IAM's model does: at most 50 keys, each 1..128
// characters of [\p{L}\p{Z}\p{N}_.:/=+\-@].
func (x *exchange) providerTagKeysParam() ([]string, error) {
	keys, ok := x.list("TagKeys")
	if !ok {
		return nil, iam.NewValidationError(iam.Violation{Member: "tagKeys", Form: iam.ValueNull, Constraint: mustNotBeNull})
	}
	var vs []iam.Violation
	if len(keys) > maxTagKeys {
		vs = append(vs, iam.Violation{Member: "tagKeys", Form: iam.ValueOmitted,
			Constraint: "Member must have length less than or equal to " + strconv.Itoa(maxTagKeys)})
	}
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > iam.MaxTagKeyLength || !isTagKeyText(k) {
			vs = append(vs, iam.Violation{Member: "tagKeys", Form: iam.ValueOmitted,
				Constraint: "Member must satisfy constraint: [Member must have length less than or equal to 128, " +
					"Member must have length greater than or equal to 1, " +
					`Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]`})
			break
		}
	}
	if len(vs) > 0 {
		return keys, iam.NewValidationError(vs...)
	}
	return keys, nil
}

// isTagKeyText reports whether s matches [\p{L}\p{Z}\p{N}_.:/=+\-@]*.
func isTagKeyText(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Z) || strings.ContainsRune("_.:/=+-@", r) {
			continue
		}
		return false
	}
	return true
}

// hasViolations reports whether err is a ValidationError made of member
// violations (model validation, reported before any other check).
func hasViolations(err error) bool {
	var e *iam.Error
	return errors.As(err, &e) && len(e.Violations) > 0
}

// sortedTags returns the tags sorted by key, as IAM lists them.
func sortedTags(tags []iam.Tag) []iam.Tag {
	out := append([]iam.Tag(nil), tags...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// stringMembers renders a string list as IAM's <member> items.
func stringMembers(name string, values []string) awsquery.Node {
	items := make([]awsquery.Node, len(values))
	for i, v := range values {
		items[i] = awsquery.Str("member", v)
	}
	return awsquery.List(name, items...)
}

// waitSnapshotUntil waits (bounded, like the dispatcher's read-your-writes
// wait) until cond holds for the node's snapshot. Deletes use it: a delete
// has no revision for the dispatcher to wait for, yet a deleted provider
// must stop validating tokens, and a deleted access key stop
// authenticating, on this node as soon as the call returns.
func (s *Service) waitSnapshotUntil(ctx context.Context, cond func(*iam.Snapshot) bool) {
	ctx, cancel := context.WithTimeout(ctx, visibleWait)
	defer cancel()
	if err := s.deps.Cache.WaitFor(ctx, cond); err != nil && s.deps.Logger != nil {
		s.deps.Logger.WarnContext(ctx, "delete not yet visible in the snapshot", "error", err)
	}
}
