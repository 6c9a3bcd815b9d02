package iam

import (
	"errors"
	"strconv"
	"strings"
)

// Code is an IAM error code as it appears on the wire.
type Code string

// The IAM error codes this package produces.
const (
	CodeValidationError         Code = "ValidationError"
	CodeInvalidInput            Code = "InvalidInput"
	CodeLimitExceeded           Code = "LimitExceeded"
	CodeEntityAlreadyExists     Code = "EntityAlreadyExists"
	CodeNoSuchEntity            Code = "NoSuchEntity"
	CodeMalformedPolicyDocument Code = "MalformedPolicyDocument"
	CodeDeleteConflict          Code = "DeleteConflict"
	CodeConcurrentModification  Code = "ConcurrentModification"
	// CodeServiceFailure: the store failed (unavailable, closed, corrupt
	// value). The message is generic; Cause holds the detail for logs.
	CodeServiceFailure Code = "ServiceFailure"
)

// Error is an IAM error: a code and the exact message a client sees.
// Violations is set for model-validation errors (CodeValidationError produced
// from member constraints); Message is then rendered from them. Cause is an
// internal cause (for logs), never shown to clients.
type Error struct {
	Code       Code
	Message    string
	Violations []Violation
	Cause      error
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// ValueForm says how a Violation shows the offending value.
type ValueForm int

const (
	// ValueQuoted renders "Value '<v>' at ...".
	ValueQuoted ValueForm = iota
	// ValueNull renders "Value null at ..." (a required member is missing).
	ValueNull
	// ValueOmitted renders "Value at ..." (IAM does so for list members).
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

// NewValidationError renders violations as one ValidationError:
// "N validation error(s) detected: <v1>; <v2>".
func NewValidationError(vs ...Violation) *Error {
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
	return &Error{Code: CodeValidationError, Message: b.String(), Violations: vs}
}

func newError(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Join combines the results of several validations the way IAM reports them:
// every member-constraint violation is merged into one ValidationError
// (model validation comes first); if there is none, the first other error is
// returned; nil if all are nil.
func Join(errs ...error) error {
	var vs []Violation
	var other error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *Error
		if errors.As(err, &e) && len(e.Violations) > 0 {
			vs = append(vs, e.Violations...)
			continue
		}
		if other == nil {
			other = err
		}
	}
	if len(vs) > 0 {
		return NewValidationError(vs...)
	}
	return other
}

// CodeOf returns the IAM code of err, or "" when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
