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
	Violations []Violation
	Cause      error
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// ValueForm, Violation and the value forms are awserr's: one renderer of
// AWS's validation messages serves every API.
type (
	ValueForm = awserr.ValueForm
	Violation = awserr.Violation
)

// The value forms of a Violation.
const (
	ValueQuoted  = awserr.ValueQuoted
	ValueNull    = awserr.ValueNull
	ValueOmitted = awserr.ValueOmitted
)

// NewValidationError renders violations as one ValidationError:
// "N validation error(s) detected: <v1>; <v2>".
func NewValidationError(vs ...Violation) *Error {
	return &Error{Code: CodeValidationError, Message: awserr.ValidationMessage(vs), Violations: vs}
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
