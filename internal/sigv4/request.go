package sigv4

import (
	"fmt"
	"log/slog"
	"time"
)

// Algorithm is the only signing algorithm this package verifies.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator is the last element of every valid credential scope.
const Terminator = "aws4_request"

// UnsignedPayload is the x-amz-content-sha256 value that leaves the body unsigned.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// amzDateLayout is the ISO-8601 basic format of X-Amz-Date.
const amzDateLayout = "20060102T150405Z"

// Scope is the credential scope: <date>/<region>/<service>/<terminator>.
type Scope struct {
	Date       string // YYYYMMDD as the client wrote it
	Region     string // may be empty (a client configured with region "")
	Service    string // e.g. "sts" or "iam"
	Terminator string // "aws4_request" when valid
}

// String renders the scope as it appears in the credential.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// Request is the authentication of one HTTP request, parsed and canonicalized
// by ParseRequest. It holds everything Verify needs, so the *http.Request and
// body may be released. It never holds a secret access key; it holds the
// session token, which its String, GoString and LogValue methods redact
// (value receivers, so a copied Request is redacted too).
type Request struct {
	AccessKeyID   string
	SessionToken  string // from the X-Amz-Security-Token header or query parameter; "" when absent
	Date          time.Time
	Scope         Scope
	SignedHeaders []string
	Presigned     bool
	// Expires is X-Amz-Expires of a presigned request (0 when absent or not presigned).
	Expires time.Duration
	// Payload is the payload hash the canonical request was signed with:
	// a hex SHA-256, UNSIGNED-PAYLOAD, or an aws-chunked mode string.
	Payload string

	amzDate       string // the date exactly as signed (basic format)
	signature     string
	canonicalHash [32]byte
}

// String describes the request without its session token.
func (r Request) String() string {
	token := "none"
	if r.SessionToken != "" {
		token = "[REDACTED]"
	}
	return fmt.Sprintf("sigv4.Request{AccessKeyID: %q, Scope: %q, Date: %s, Presigned: %t, SignedHeaders: %q, SessionToken: %s}",
		r.AccessKeyID, r.Scope.String(), r.amzDate, r.Presigned, r.SignedHeaders, token)
}

// GoString is String, so %#v cannot print the session token either.
func (r Request) GoString() string { return r.String() }

// LogValue implements slog.LogValuer without the session token.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", r.AccessKeyID),
		slog.String("scope", r.Scope.String()),
		slog.String("date", r.amzDate),
		slog.Bool("presigned", r.Presigned),
		slog.Bool("session_token", r.SessionToken != ""),
	)
}
