package iam

import (
	"errors"
	"strconv"

	"github.com/stsd/stsd/internal/awserr"
)

// Kind is what went wrong, in the IAM model's terms. The API packages
// answer each kind with one IAM error code and HTTP status, from the one
// table in internal/iamwire; this package knows neither.
type Kind int

// The kinds of Error. Each is one IAM error code on the wire (iamwire).
const (
	// KindValidation: a value breaks the API model — a member constraint
	// (length, pattern, enum; Violations is set) or a value that cannot be
	// parsed at all.
	KindValidation Kind = iota + 1
	// KindInvalidInput: a well-formed value breaks one of IAM's rules.
	KindInvalidInput
	// KindLimitExceeded: a quota would be exceeded.
	KindLimitExceeded
	// KindAlreadyExists: an entity of that name or key exists.
	KindAlreadyExists
	// KindNotFound: the entity named does not exist.
	KindNotFound
	// KindMalformedPolicy: a policy document is not a valid policy of its
	// kind.
	KindMalformedPolicy
	// KindDeleteConflict: the entity cannot be deleted while something
	// still depends on it.
	KindDeleteConflict
	// KindConcurrentChange: another write changed the entity first.
	KindConcurrentChange
	// KindStoreFailure: the store failed (unavailable, closed, corrupt
	// value). The message is generic; Cause holds the detail for logs.
	KindStoreFailure
)

var kindNames = [...]string{
	KindValidation:       "validation",
	KindInvalidInput:     "invalid input",
	KindLimitExceeded:    "limit exceeded",
	KindAlreadyExists:    "already exists",
	KindNotFound:         "not found",
	KindMalformedPolicy:  "malformed policy",
	KindDeleteConflict:   "delete conflict",
	KindConcurrentChange: "concurrent change",
	KindStoreFailure:     "store failure",
}

// String names the kind for logs, e.g. "not found".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

// Error is an IAM error: its kind and the exact message a client sees.
// Violations is set for model-validation errors (KindValidation produced
// from member constraints); Message is then rendered from them. Cause is an
// internal cause (for logs), never shown to clients.
type Error struct {
	Kind       Kind
	Message    string
	Violations []awserr.Violation
	Cause      error
}

func (e *Error) Error() string { return e.Kind.String() + ": " + e.Message }

// MemberViolations implements awserr.MemberViolations: the collector
// (awserr.Violations) reports these in its first phase.
func (e *Error) MemberViolations() []awserr.Violation { return e.Violations }

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// NewValidationError renders violations as one ValidationError:
// "N validation error(s) detected: <v1>; <v2>".
func NewValidationError(vs ...awserr.Violation) *Error {
	return &Error{Kind: KindValidation, Message: awserr.ValidationMessage(vs), Violations: vs}
}

func newError(kind Kind, msg string) *Error { return &Error{Kind: kind, Message: msg} }

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

// KindOf returns the kind of err, or 0 when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
