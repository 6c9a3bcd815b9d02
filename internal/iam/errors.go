package iam

import (
	"errors"

	"github.com/stsd/stsd/internal/awserr"
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
	Violations []awserr.Violation
	Cause      error
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// MemberViolations implements awserr.MemberViolations: the collector
// (awserr.Violations) reports these in its first phase.
func (e *Error) MemberViolations() []awserr.Violation { return e.Violations }

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// NewValidationError renders violations as one ValidationError:
// "N validation error(s) detected: <v1>; <v2>".
func NewValidationError(vs ...awserr.Violation) *Error {
	return &Error{Code: CodeValidationError, Message: awserr.ValidationMessage(vs), Violations: vs}
}

func newError(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Join combines the results of several validations the way IAM reports them,
// recorded in order in the one collector, awserr.Violations: every
// member-constraint violation merged into one ValidationError (phase 1),
// else the first other error (phase 2); nil if all are nil.
func Join(errs ...error) error {
	var v awserr.Violations
	v.Check(errs...)
	return Checked(&v)
}

// Checked is what the collector v found, as IAM reports it: its phase-1
// violations as one ValidationError, else its first phase-2 problem, else
// nil.
func Checked(v *awserr.Violations) error {
	if v.Len() > 0 {
		return NewValidationError(v.Items()...)
	}
	return v.Rule()
}

// CodeOf returns the IAM code of err, or "" when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
