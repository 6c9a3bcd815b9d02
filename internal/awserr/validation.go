package awserr

import (
	"errors"
	"strconv"
	"strings"
)

// ValueForm says how a Violation shows the offending value.
type ValueForm int

const (
	// ValueQuoted renders "Value '<v>' at ...".
	ValueQuoted ValueForm = iota
	// ValueNull renders "Value null at ..." (a required member is missing).
	ValueNull
	// ValueOmitted renders "Value at ..." (list members, sensitive members
	// such as webIdentityToken).
	ValueOmitted
)

// Violation is one failed member constraint, rendered the AWS way:
// "Value '<value>' at '<member>' failed to satisfy constraint: <constraint>".
type Violation struct {
	Member     string
	Value      string
	Form       ValueForm
	Constraint string
}

func (v Violation) String() string {
	var b strings.Builder
	switch v.Form {
	case ValueNull:
		b.WriteString("Value null")
	case ValueOmitted:
		b.WriteString("Value")
	default:
		b.WriteString("Value '")
		b.WriteString(v.Value)
		b.WriteString("'")
	}
	b.WriteString(" at '")
	b.WriteString(v.Member)
	b.WriteString("' failed to satisfy constraint: ")
	b.WriteString(v.Constraint)
	return b.String()
}

// ValidationMessage renders violations as AWS's ValidationError message:
// "N validation error(s) detected: <v1>; <v2>".
func ValidationMessage(vs []Violation) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(vs)))
	if len(vs) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Violations collects the problems of one request in the two phases AWS
// reports them in. It is the one collector of every API (sts, iamapi) and
// of the domain's own validation (package iam).
//
// Phase 1: every member-constraint violation — a missing required member, a
// length, a pattern, an enum — reported together in one ValidationError, in
// the order recorded (Add, AddHidden, Check, Members).
//
// Phase 2: only when phase 1 found nothing, the first other problem — a
// rule that well-formed values break, an entity that does not exist — in
// the order recorded (Check, Rules).
//
// Most requests record each parameter's outcome once with Check. A request
// whose phase-2 order differs from its member order records the same
// outcomes twice: Members in the model's order, Rules in the order AWS
// applies its rules.
type Violations struct {
	items []Violation
	rule  error
}

// MemberViolations is implemented by the errors that carry member-constraint
// violations (package iam's Error of a malformed value): Check and Members
// move those violations into phase 1.
type MemberViolations interface {
	error
	MemberViolations() []Violation
}

// Add records one failed constraint for a member. value is the raw value the
// client sent, or nil when the member was absent ("Value null at …").
// constraint is the text after "failed to satisfy constraint: ", e.g.
// "Member must have length less than or equal to 64".
func (v *Violations) Add(value *string, member, constraint string) {
	if value == nil {
		v.items = append(v.items, Violation{Member: member, Form: ValueNull, Constraint: constraint})
		return
	}
	v.items = append(v.items, Violation{Member: member, Value: *value, Constraint: constraint})
}

// AddHidden records a failed constraint without echoing the value ("Value
// at 'member' …"), for sensitive members such as webIdentityToken.
func (v *Violations) AddHidden(member, constraint string) {
	v.items = append(v.items, Violation{Member: member, Form: ValueOmitted, Constraint: constraint})
}

// Check records the outcome of checks, in order: the violations an error
// carries join phase 1; any other error is a phase-2 problem, kept when it
// is the first. nil errors are skipped.
func (v *Violations) Check(errs ...error) {
	for _, err := range errs {
		if vs := carried(err); len(vs) > 0 {
			v.items = append(v.items, vs...)
		} else if err != nil && v.rule == nil {
			v.rule = err
		}
	}
}

// Members records only the phase-1 violations the errors carry, in order.
func (v *Violations) Members(errs ...error) {
	for _, err := range errs {
		v.items = append(v.items, carried(err)...)
	}
}

// Rules records only phase 2: the first of the errors that carries no
// violations, unless a phase-2 problem was recorded before.
func (v *Violations) Rules(errs ...error) {
	for _, err := range errs {
		if err != nil && len(carried(err)) == 0 && v.rule == nil {
			v.rule = err
		}
	}
}

// carried is the violations err carries (nil for any other error).
func carried(err error) []Violation {
	var mv MemberViolations
	if errors.As(err, &mv) {
		return mv.MemberViolations()
	}
	return nil
}

// Len is the number of phase-1 violations recorded.
func (v *Violations) Len() int { return len(v.items) }

// Items returns the phase-1 violations recorded, in order.
func (v *Violations) Items() []Violation { return v.items }

// Rule returns the first phase-2 problem recorded, or nil.
func (v *Violations) Rule() error { return v.rule }

// Err returns phase 1 as AWS's ValidationError, or nil when no member
// violated a constraint. Phase 2 is the caller's: Rule.
func (v *Violations) Err() *Error {
	if len(v.items) == 0 {
		return nil
	}
	return ValidationError(ValidationMessage(v.items))
}
