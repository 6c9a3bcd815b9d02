package awsquery

import (
	"context"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/audit"
)

// Call is one decoded API request as the server hands it to an API (STS,
// IAM): what the action needs and nothing of the HTTP response.
type Call struct {
	Action    string
	Version   string
	Params    Params
	RequestID string
	Received  time.Time

	// HTTP is the original request (headers, method, URL) for signature
	// verification; Body is its body, already read and size-capped.
	HTTP *http.Request
	Body []byte

	SourceIP        string
	UserAgent       string
	SecureTransport bool
}

// AuditEvent starts the call's audit event (CloudTrail's AwsApiCall, event
// version 1.08) for the service whose eventSource is source: what the
// request says of itself. The dispatcher fills in who called, what was
// asked and how it ended.
func (c *Call) AuditEvent(source string, readOnly bool) *audit.Event {
	return &audit.Event{
		EventVersion:    "1.08",
		EventTime:       c.Received.UTC(),
		EventSource:     source,
		EventName:       c.Action,
		EventType:       "AwsApiCall",
		SourceIPAddress: c.SourceIP,
		UserAgent:       c.UserAgent,
		RequestID:       c.RequestID,
		EventID:         NewUUID(),
		ReadOnly:        readOnly,
	}
}

// API is a Query-protocol service served on the shared endpoint.
type API interface {
	// Version is the API version this service answers, e.g. "2011-06-15".
	Version() string
	// Namespace is the XML namespace of its responses and errors.
	Namespace() string
	// Handle runs the action. Errors are *awserr.Error (anything else is an
	// InternalFailure); the server renders both.
	Handle(ctx context.Context, call *Call) (*Response, error)
}
