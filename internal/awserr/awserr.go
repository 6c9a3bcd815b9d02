// Package awserr is the error value every stsd API layer returns: the AWS
// wire code, the HTTP status, the exact message the client sees, and — kept
// apart — an internal reason code and cause that go only to logs, metrics and
// audit events. One renderer (package server) turns these into AWS error
// responses; nothing else writes error bodies.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS API error. Code, Status and Message are public; Reason and
// Cause are internal and never sent to the client.
type Error struct {
	Code    string // AWS wire code, e.g. "InvalidIdentityToken"
	Status  int    // HTTP status
	Message string // exact AWS message
	Reason  string // internal reason code, e.g. "jwks_fetch_timeout"
	Cause   error  // internal cause, for the log only
}

// Error renders code and message (never the cause: it may be internal).
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap exposes the internal cause to errors.Is/As.
func (e *Error) Unwrap() error { return e.Cause }

// Type is "Sender" for 4xx and "Receiver" for 5xx, as the Query protocol says.
func (e *Error) Type() string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// New builds an error with a message.
func New(code string, status int, message string) *Error {
	return &Error{Code: code, Status: status, Message: message}
}

// Newf builds an error with a formatted message.
func Newf(code string, status int, format string, args ...any) *Error {
	return New(code, status, fmt.Sprintf(format, args...))
}

// WithReason returns a copy carrying an internal reason code and cause.
func (e *Error) WithReason(reason string, cause error) *Error {
	c := *e
	c.Reason = reason
	c.Cause = cause
	return &c
}

// As returns err as an *Error; any other error becomes InternalFailure with
// the original kept as the internal cause.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return InternalFailure(err)
}

// Common errors shared by every API.

// InternalFailure hides an unexpected error behind AWS's generic 500.
func InternalFailure(cause error) *Error {
	return &Error{Code: "InternalFailure", Status: http.StatusInternalServerError,
		Message: "The request processing has failed because of an unknown error, exception or failure.",
		Reason:  "internal", Cause: cause}
}

// ServiceUnavailable is returned when the store cannot be written.
func ServiceUnavailable(cause error) *Error {
	return &Error{Code: "ServiceUnavailable", Status: http.StatusServiceUnavailable,
		Message: "The request has failed due to a temporary failure of the server.",
		Reason:  "store_unavailable", Cause: cause}
}

// InvalidAction: the Action is unknown for the Version.
func InvalidAction(action, version string) *Error {
	return Newf("InvalidAction", http.StatusBadRequest, "Could not find operation %s for version %s", action, version)
}

// MissingAction: the request has no Action parameter.
func MissingAction() *Error {
	return New("MissingAction", http.StatusBadRequest, "Missing Action")
}

// InvalidQueryParameter: the query string or form body is malformed, e.g. a
// parameter is repeated.
func InvalidQueryParameter(message string) *Error {
	return New("InvalidQueryParameter", http.StatusBadRequest, message)
}

// ValidationError is the 400 every model-constraint violation uses.
func ValidationError(message string) *Error {
	return New("ValidationError", http.StatusBadRequest, message)
}

// AccessDenied is the 403 for authorization failures.
func AccessDenied(message string) *Error {
	return New("AccessDenied", http.StatusForbidden, message)
}

// RequestEntityTooLarge: the body is over the server's cap.
func RequestEntityTooLarge(limit int64) *Error {
	return Newf("RequestEntityTooLarge", http.StatusRequestEntityTooLarge,
		"Request body must be no larger than %d bytes", limit)
}
