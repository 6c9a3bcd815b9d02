package iamapi

import (
	"strconv"

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
		return "", iam.NewValidationError(iam.Violation{Member: member, Form: iam.ValueNull, Constraint: mustNotBeNull})
	}
	return v, nil
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
		return 0, true, iam.NewValidationError(iam.Violation{Member: member, Value: raw, Constraint: "Member must be a valid integer"})
	}
	var vs []iam.Violation
	if n < lo {
		vs = append(vs, iam.Violation{Member: member, Value: raw, Constraint: "Member must have value greater than or equal to " + strconv.Itoa(lo)})
	}
	if n > hi {
		vs = append(vs, iam.Violation{Member: member, Value: raw, Constraint: "Member must have value less than or equal to " + strconv.Itoa(hi)})
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
		return false, true, iam.NewValidationError(iam.Violation{Member: member, Value: raw, Constraint: "Member must be a valid boolean"})
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

// list returns the Name.member.N strings and whether the list was sent.
func (x *exchange) list(param string) ([]string, bool) { return x.params.List(param) }

// caller-facing error helpers shared by every group.

// noSuchEntity is IAM's 404 with its exact message.
func noSuchEntity(msg string) error { return &iam.Error{Code: iam.CodeNoSuchEntity, Message: msg} }

// invalidInput is IAM's InvalidInput 400.
func invalidInput(msg string) error { return &iam.Error{Code: iam.CodeInvalidInput, Message: msg} }

// errorsJoin merges validation results as IAM reports them (all member
// violations in one ValidationError first).
func errorsJoin(errs ...error) error { return iam.Join(errs...) }

