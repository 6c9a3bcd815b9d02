// Package audit writes one CloudTrail-shaped JSON line per API call: who
// called (userIdentity), what was asked (requestParameters, never a token),
// what was answered (responseElements, never a secret key or session token),
// the AWS error if any, and stsd's own decision record — the internal reason
// code and the policy statement that matched or the condition that failed.
//
// Events are encoded and written by a background goroutine, so neither JSON
// encoding nor a slow disk is on the request path; Close flushes. An event
// must not be modified after Record.
package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"
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

// Logger writes events as JSON lines. Record appends to an in-memory batch
// under a mutex (no syscall, no goroutine wake-up per event); a writer
// goroutine drains the batch every flushInterval, or as soon as it holds
// flushBatch events, and encodes it. When queueLength events wait, Record
// blocks until the writer catches up: an audit event is never dropped.
type Logger struct {
	mu      sync.Mutex
	space   *sync.Cond // signalled when the writer takes a batch
	pending []*Event
	closed  bool
	wake    chan struct{} // capacity 1: a full batch or Close
	done    chan struct{}
	logger  *slog.Logger
}

const (
	queueLength   = 4096
	flushBatch    = 256
	flushInterval = 20 * time.Millisecond
)

// NewLogger starts the writer goroutine on w. logger receives write errors.
func NewLogger(w io.Writer, logger *slog.Logger) *Logger {
	l := &Logger{wake: make(chan struct{}, 1), done: make(chan struct{}), logger: logger}
	l.space = sync.NewCond(&l.mu)
	go l.run(w)
	return l
}

// Discard returns a Logger that throws events away (tools and benchmarks).
func Discard() *Logger { return NewLogger(io.Discard, nil) }

func (l *Logger) run(w io.Writer) {
	defer close(l.done)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw) // one event per line
	ticker := time.NewTicker(flushInterval)
	defer ticker.Stop()
	var batch []*Event
	for {
		select {
		case <-ticker.C:
		case <-l.wake:
		}
		l.mu.Lock()
		batch, l.pending = l.pending, batch[:0]
		closed := l.closed
		l.space.Broadcast()
		l.mu.Unlock()
		for _, e := range batch {
			if err := enc.Encode(e); err != nil {
				l.fail(err)
			}
		}
		clear(batch) // let the events be collected
		if len(batch) > 0 {
			if err := bw.Flush(); err != nil {
				l.fail(err)
			}
		}
		if closed {
			return
		}
	}
}

func (l *Logger) fail(err error) {
	if l.logger != nil {
		l.logger.Error("audit write failed", "error", err)
	}
}

func (l *Logger) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: logger closed")

// Record queues one event for the writer.
func (l *Logger) Record(e *Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.pending) >= queueLength && !l.closed {
		l.space.Wait()
	}
	if l.closed {
		return ErrClosed
	}
	l.pending = append(l.pending, e)
	if len(l.pending) == flushBatch {
		l.signal()
	}
	return nil
}

// Close writes every queued event, flushes, and stops the writer.
func (l *Logger) Close() error {
	l.mu.Lock()
	l.closed = true
	l.space.Broadcast()
	l.mu.Unlock()
	l.signal()
	<-l.done
	return nil
}
