package iamapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// mustNotBeNull is IAM's constraint text for a missing required member.
const mustNotBeNull = "Member must not be null"

// required returns a required parameter, or a "Value null at '<member>'"
// violation when it was not sent. member is the model's camelCase name as
// IAM prints it (RoleName → roleName).
func (x *exchange) required(param, member string) (string, error) {
	v, ok := x.params.Get(param)
	if !ok {
		return "", nullViolation(member)
	}
	return v, nil
}

// nullViolation is IAM's "Value null at '<member>'" for a required member
// that was not sent.
func nullViolation(member string) error {
	return iam.NewValidationError(awserr.Violation{Member: member, Form: awserr.ValueNull, Constraint: mustNotBeNull})
}

// validParam is a required parameter checked by check when it was sent
// (a missing one is only "Value null").
func (x *exchange) validParam(param, member string, check func(string) error) (string, error) {
	v, err := x.required(param, member)
	if err != nil {
		return "", err
	}
	return v, check(v)
}

// policyDocumentParam reads a required policy document (param as sent,
// member as IAM names it) and checks the model's policyDocumentType; the
// quotas and the grammar are the action's to check after every member.
func (x *exchange) policyDocumentParam(param, member string) (string, error) {
	return x.validParam(param, member, func(d string) error { return iam.ValidatePolicyDocument(member, d) })
}

// enum reads an optional enum member; a value outside the set is a
// violation "Member must satisfy enum value set: [A, B]".
func (x *exchange) enum(param, member string, values ...string) (string, error) {
	v, ok := x.optional(param)
	if !ok {
		return "", nil
	}
	return v, enumViolation(member, v, values)
}

// enumViolation is the violation of a value outside the enum values (nil
// for a value in it).
func enumViolation(member, v string, values []string) error {
	if slices.Contains(values, v) {
		return nil
	}
	return iam.NewValidationError(awserr.Violation{Member: member, Value: v,
		Constraint: "Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]"})
}

// optional returns a parameter and whether it was sent.
func (x *exchange) optional(param string) (string, bool) { return x.params.Get(param) }

// integer parses an optional integer parameter within [lo, hi]. It returns
// (0, false, nil) when the parameter was not sent.
func (x *exchange) integer(param, member string, lo, hi int) (int, bool, error) {
	raw, ok := x.params.Get(param)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, true, iam.NewValidationError(awserr.Violation{Member: member, Value: raw, Constraint: "Member must be a valid integer"})
	}
	var vs []awserr.Violation
	if n < lo {
		vs = append(vs, awserr.Violation{Member: member, Value: raw, Constraint: "Member must have value greater than or equal to " + strconv.Itoa(lo)})
	}
	if n > hi {
		vs = append(vs, awserr.Violation{Member: member, Value: raw, Constraint: "Member must have value less than or equal to " + strconv.Itoa(hi)})
	}
	if len(vs) > 0 {
		return n, true, iam.NewValidationError(vs...)
	}
	return n, true, nil
}

// boolean parses an optional boolean parameter ("true"/"false").
func (x *exchange) boolean(param, member string) (bool, bool, error) {
	raw, ok := x.params.Get(param)
	if !ok {
		return false, false, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, true, iam.NewValidationError(awserr.Violation{Member: member, Value: raw, Constraint: "Member must be a valid boolean"})
	}
	return b, true, nil
}

// tags returns the Tags.member.N.{Key,Value} list and whether it was sent.
func (x *exchange) tags(param string) ([]iam.Tag, bool) {
	items, ok := x.params.StructList(param, "Key", "Value")
	out := make([]iam.Tag, len(items))
	for i, it := range items {
		out[i] = iam.Tag{Key: it["Key"], Value: it["Value"]}
	}
	return out, ok
}

// tagsParam reads the required Tags of a Tag* action, checked with
// iam.ValidateTags.
func (x *exchange) tagsParam() ([]iam.Tag, error) {
	tags, sent := x.tags("Tags")
	if !sent {
		return nil, nullViolation("tags")
	}
	return tags, iam.ValidateTags(tags)
}

// tagKeysParam reads the required TagKeys of an Untag* action, checked
// with iam.ValidateTagKeys.
func (x *exchange) tagKeysParam() ([]string, error) {
	keys, sent := x.list("TagKeys")
	if !sent {
		return nil, nullViolation("tagKeys")
	}
	return keys, iam.ValidateTagKeys(keys)
}

// list returns the Name.member.N strings and whether the list was sent.
func (x *exchange) list(param string) ([]string, bool) { return x.params.List(param) }

// listMember names the N-th (0-based i) member of a list as IAM's messages
// do: "actionNames.1.member".
func listMember(list string, i int) string { return list + "." + strconv.Itoa(i+1) + ".member" }

// stringMembers renders a string list as IAM's <member> items.
func stringMembers(name string, values []string) awsquery.Node {
	items := make([]awsquery.Node, len(values))
	for i, v := range values {
		items[i] = awsquery.Str("member", v)
	}
	return awsquery.List(name, items...)
}

// arnParam reads a required ARN member (the model's arnType: 20..2048
// characters). Its violations join the action's other member violations.
func (x *exchange) arnParam(param, member string) (string, error) {
	return x.validParam(param, member, func(arn string) error { return iam.ValidateLength(member, arn, 20, 2048) })
}

// isARN reports whether s has the shape of an ARN at all
// (arn:partition:service:region:account:resource, any field empty:
// arn.Parse); IAM answers errInvalidARN when it has not.
func isARN(s string) bool {
	_, ok := arn.Parse(s)
	return ok
}

// errInvalidARN is IAM's answer to an ARN member that is not an ARN.
func errInvalidARN() error {
	return &iam.Error{Reason: iam.ReasonUnparsableARN}
}

// caller-facing error helpers shared by every group.

// noSuchEntity is IAM's 404 with its exact message.
func noSuchEntity(msg string) error { return iamError(iam.KindNotFound, msg, nil) }

// invalidInput is IAM's InvalidInput 400.
func invalidInput(msg string) error { return iamError(iam.KindInvalidInput, msg, nil) }
