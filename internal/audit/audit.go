// Package audit writes one CloudTrail-shaped JSON line per API call: who
// called (userIdentity), what was asked (requestParameters, never a token),
// what was answered (responseElements, never a secret key or session token),
// the AWS error if any, and stsd's own decision record — the internal reason
// code and the policy statement that matched or the condition that failed.
//
// # Writing
//
// Events are encoded and written by a background goroutine, so neither JSON
// encoding nor a slow disk is on the request path; Close flushes. An event
// must not be modified after Record. The writer hands the output whole lines
// only (one Write holds at most about 64 KiB of complete events), so a file
// rotated between two writes (OpenFile, lumberjack) never splits an event.
//
// # When a write fails
//
// A write that fails (a full disk, a revoked file) loses the events it
// held: they are counted (Stats.WriteFailures, Stats.EventsLost), the
// failure is logged at most once a minute, and the logger is unwritable
// until a later write succeeds. If a failed write left part of a line in
// the output, the next successful write starts with a newline, so every
// later event is again a line of its own. Record never reports write
// failures: it only queues.
//
// What a failure does to requests is the caller's choice (Options.FailClosed):
//
//   - Fail open (the default): nothing changes for callers; Check always
//     returns nil. The API keeps answering and the events it records while
//     the output fails are lost.
//   - Fail closed: while the logger is unwritable, Check returns a 503
//     ServiceUnavailable *awserr.Error (internal reason
//     "audit_write_failed"; the message the client sees names no cause).
//     The STS and IAM dispatchers call Check before they act, so no token
//     is verified, no credential minted and no IAM change made while the
//     audit log is known to be failing; the refusal is itself recorded,
//     and writing that event is the probe: the first write that succeeds
//     makes the logger writable again and the next request is served.
//
// Writes are asynchronous, so fail closed is not a synchronous guarantee:
// the logger learns that the output fails only when it writes, at most
// flushInterval (20 ms) plus the duration of one write after an event was
// queued. Requests accepted before that (their Check passed) are answered
// normally and their events are lost with the failing write; they are
// counted in Stats.EventsLost like any other.
package audit

import (
	"time"
	"unicode/utf8"
)

// Event is one audit record. Field names follow CloudTrail where it has one.
type Event struct {
	EventVersion       string        `json:"eventVersion"`
	EventTime          time.Time     `json:"eventTime"`
	EventSource        string        `json:"eventSource"`
	EventName          string        `json:"eventName"`
	EventType          string        `json:"eventType"`
	AWSRegion          string        `json:"awsRegion,omitempty"`
	SourceIPAddress    string        `json:"sourceIPAddress,omitempty"`
	UserAgent          string        `json:"userAgent,omitempty"`
	RequestID          string        `json:"requestID"`
	EventID            string        `json:"eventID"`
	ReadOnly           bool          `json:"readOnly"`
	RecipientAccountID string        `json:"recipientAccountId,omitempty"`
	UserIdentity       *UserIdentity `json:"userIdentity,omitempty"`
	RequestParameters  any           `json:"requestParameters,omitempty"` // a struct or map with JSON tags
	ResponseElements   any           `json:"responseElements,omitempty"`
	ErrorCode          string        `json:"errorCode,omitempty"`
	ErrorMessage       string        `json:"errorMessage,omitempty"`
	Decision           *Decision     `json:"decision,omitempty"`
}

// MaxUserAgentBytes bounds the userAgent an event records. The header is
// the caller's to choose, up to the server's whole header limit, on every
// request, authenticated or not; recorded in full it would let anyone
// write tens of kilobytes to the audit log per request. Real clients send
// well under 300 bytes.
const MaxUserAgentBytes = 1024

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// UserIdentity describes the caller as CloudTrail does.
type UserIdentity struct {
	Type             string `json:"type"` // WebIdentityUser, AssumedRole, IAMUser, Root, Unknown
	PrincipalID      string `json:"principalId,omitempty"`
	ARN              string `json:"arn,omitempty"`
	AccountID        string `json:"accountId,omitempty"`
	AccessKeyID      string `json:"accessKeyId,omitempty"`
	UserName         string `json:"userName,omitempty"`
	IdentityProvider string `json:"identityProvider,omitempty"`
}

// Decision is stsd's own record of why the call ended as it did.
type Decision struct {
	Reason           string   `json:"reason,omitempty"` // internal reason code
	Effect           string   `json:"effect,omitempty"` // allowed, explicitDeny, implicitDeny
	MatchedStatement string   `json:"matchedStatement,omitempty"`
	FailedCondition  string   `json:"failedCondition,omitempty"`
	MissingKeys      []string `json:"missingContextKeys,omitempty"`
	Detail           string   `json:"detail,omitempty"`
}
