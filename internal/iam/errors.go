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
	// value). Cause holds the detail for logs.
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

// Error is an IAM error in the domain's terms: which rule broke (Reason,
// whose Kind says what sort of failure it is) and the values a message
// needs — never the message itself. The API packages answer it on the
// wire: internal/iamwire holds the one table from Reason to IAM's exact
// message (and from Kind to code and status), so a new rule adds its
// Reason here and its text there. The bucket-policy reasons are S3's
// rules, which the S3 gateway answers from its own table (internal/s3gw).
//
// The values are the entity or value the rule is about (Subject: a name,
// ARN, id, URL or tag key, as the client gave it) and, when the message
// names a second one, Detail (a policy version, an account, the policy
// grammar's problem). Fixed bounds — quotas, lengths — are this package's
// exported constants, which the message table names. Violations is set
// only for ReasonMemberConstraints (the model's member constraints, which
// awserr renders). Cause is an internal cause (for logs), never shown to
// clients.
type Error struct {
	Reason     Reason
	Subject    string
	Detail     string
	Violations []awserr.Violation
	Cause      error
}

// Kind is the sort of failure the error's reason is.
func (e *Error) Kind() Kind { return e.Reason.Kind() }

// Error names the kind, the reason and its values, e.g.
// `not found: RoleNotFound "app"`, for logs; a member-constraint error
// reads as IAM's ValidationError message. The message a client sees is
// iamwire's.
func (e *Error) Error() string {
	if e.Reason == ReasonMemberConstraints {
		return e.Kind().String() + ": " + awserr.ValidationMessage(e.Violations)
	}
	s := e.Kind().String() + ": " + e.Reason.String()
	if e.Subject != "" {
		s += " " + strconv.Quote(e.Subject)
	}
	if e.Detail != "" {
		s += " " + strconv.Quote(e.Detail)
	}
	return s
}

// MemberViolations implements awserr.MemberViolations: the collector
// (awserr.Violations) reports these in its first phase.
func (e *Error) MemberViolations() []awserr.Violation { return e.Violations }

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Cause }

// NewValidationError is the ValidationError of member-constraint
// violations (ReasonMemberConstraints), which reads
// "N validation error(s) detected: <v1>; <v2>" (awserr.ValidationMessage).
func NewValidationError(vs ...awserr.Violation) *Error {
	return &Error{Reason: ReasonMemberConstraints, Violations: vs}
}

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
		return e.Kind()
	}
	return 0
}
