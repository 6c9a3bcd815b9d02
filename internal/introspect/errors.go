package introspect

import (
	"fmt"
	"net/http"
)

// Kind classifies a failed introspection.
type Kind string

// Failure kinds. Each is also the reason code stsd records in its audit
// event and log.
const (
	// KindUnreachable: the request could not be sent or the answer not
	// read (refused connection, DNS, TLS, a blocked address or redirect).
	KindUnreachable Kind = "idp_unreachable"
	// KindTimeout: no complete answer within the timeout.
	KindTimeout Kind = "idp_timeout"
	// KindStatus: the endpoint answered with an HTTP status other than 200.
	KindStatus Kind = "idp_http_status"
	// KindContentType: the answer is not application/json.
	KindContentType Kind = "idp_content_type"
	// KindTooLarge: the answer's body exceeds MaxBodyBytes.
	KindTooLarge Kind = "idp_response_too_large"
	// KindMalformed: the body is not an introspection response (Parse).
	KindMalformed Kind = "idp_response_malformed"
	// KindConfig: the endpoint is not usable as configured (URL refused,
	// no client secret).
	KindConfig Kind = "idp_config"
)

// Error is a failed introspection. Its text names the endpoint and what
// happened, never the token or the client secret.
type Error struct {
	Kind Kind
	// Status and Proto are the HTTP status code and protocol version
	// (e.g. "HTTP/1.1") of a KindStatus answer.
	Status int
	Proto  string
	Cause  error
}

func (e *Error) Error() string {
	switch {
	case e.Kind == KindStatus:
		return fmt.Sprintf("introspection: %s: %s", e.Kind, e.StatusLine())
	case e.Cause != nil:
		return fmt.Sprintf("introspection: %s: %v", e.Kind, e.Cause)
	}
	return "introspection: " + string(e.Kind)
}

func (e *Error) Unwrap() error { return e.Cause }

// StatusLine is the status line of a KindStatus answer with the standard
// reason phrase (never the one the server sent), e.g.
// "HTTP/1.1 503 Service Unavailable".
func (e *Error) StatusLine() string {
	line := e.Proto + " " + fmt.Sprint(e.Status)
	if text := http.StatusText(e.Status); text != "" {
		line += " " + text
	}
	return line
}
