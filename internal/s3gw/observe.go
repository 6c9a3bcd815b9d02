package s3gw

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/audit"
)

// AuditMode says which S3 data events the gateway writes to the audit
// log: none, only denied requests (the default), or all.
type AuditMode string

// Audit modes (config key s3.audit).
const (
	AuditOff    AuditMode = "off"
	AuditDenied AuditMode = "denied"
	AuditAll    AuditMode = "all"
)

// ParseAuditMode reads the configuration value ("" is AuditDenied).
func ParseAuditMode(s string) (AuditMode, error) {
	switch AuditMode(s) {
	case "":
		return AuditDenied, nil
	case AuditOff, AuditDenied, AuditAll:
		return AuditMode(s), nil
	}
	return "", fmt.Errorf("s3.audit must be off, denied or all, not %q", s)
}

// EventSource is the audit eventSource of S3 data events, as CloudTrail
// names S3's.
const EventSource = "s3.amazonaws.com"

// objectParams is what a data event records of the request: never a
// header, never the query's authentication.
type objectParams struct {
	BucketName string        `json:"bucketName,omitempty"`
	Key        string        `json:"key,omitempty"`
	VersionID  string        `json:"versionId,omitempty"`
	Host       string        `json:"Host,omitempty"`
	Checks     []checkRecord `json:"checks,omitempty"`
	BytesIn    int64         `json:"bytesTransferredIn"`
	BytesOut   int64         `json:"bytesTransferredOut"`
	HTTPState  int           `json:"httpStatus"`
}

// checkRecord is one authorization check of a data event.
type checkRecord struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Decision string `json:"decision"`
}

// record writes the request's data event when the audit mode asks for it.
func (g *Gateway) record(x *exchange, name, decision string) {
	switch g.deps.AuditMode {
	case AuditAll:
	case AuditOff:
		return
	default: // AuditDenied
		if decision != "denied" && decision != "unauthenticated" {
			return
		}
	}
	ev := &audit.Event{
		EventVersion: "1.08", EventTime: g.deps.Now().UTC(), EventSource: EventSource,
		EventName: name, EventType: "AwsApiCall", UserAgent: x.r.Header.Get("User-Agent"),
		RequestID: x.id, EventID: newRequestID(), ReadOnly: x.r.Method == http.MethodGet || x.r.Method == http.MethodHead,
	}
	params := objectParams{Host: x.r.Host, BytesIn: x.bytesIn.Load(), BytesOut: x.bytesOut, HTTPState: x.status}
	if x.op != nil {
		params.BucketName, params.Key, params.VersionID = x.op.Bucket, x.op.Key, x.op.VersionID
	}
	var d audit.Decision
	if x.in != nil {
		ev.SourceIPAddress = x.in.clientIP
		ev.UserIdentity = x.in.caller.AuditIdentity()
		ev.AWSRegion = x.in.sig.Scope.Region
		ev.RecipientAccountID = g.deps.Account
		for _, c := range x.res.Checks {
			params.Checks = append(params.Checks, checkRecord{c.Check.Action, c.Check.Resource, c.Decision.Effect.String()})
		}
		if first := x.res.FirstDenied(); first != nil {
			d = audit.PolicyDecision(first.Check.Action, &first.Decision)
		} else if len(x.res.Checks) > 0 {
			d = audit.PolicyDecision(x.res.Checks[0].Check.Action, &x.res.Checks[0].Decision)
		}
	}
	ev.RequestParameters = params
	var err error
	if x.answered != nil {
		err = x.answered
	}
	g.deps.Audit.Finish(ev, d, err)
}

// Metrics are the gateway's Prometheus series.
type Metrics struct {
	requests *prometheus.CounterVec
	bytes    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the gateway's series with reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_s3_requests_total",
			Help: "S3 gateway requests by operation, authorization decision and HTTP status.",
		}, []string{"operation", "decision", "status"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stsd_s3_bytes_total",
			Help: "S3 gateway body bytes by operation and direction (in: from clients, out: to clients).",
		}, []string{"operation", "direction"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stsd_s3_request_duration_seconds",
			Help:    "S3 gateway request duration by operation.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}, []string{"operation"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.bytes, m.duration)
	}
	return m
}

func (m *Metrics) observe(op, decision string, status int, in, out int64, took time.Duration) {
	m.requests.WithLabelValues(op, decision, strconv.Itoa(status)).Inc()
	if in > 0 {
		m.bytes.WithLabelValues(op, "in").Add(float64(in))
	}
	if out > 0 {
		m.bytes.WithLabelValues(op, "out").Add(float64(out))
	}
	m.duration.WithLabelValues(op).Observe(took.Seconds())
}

// countingBody counts the bytes read from the client's body, and notes
// when reading it failed (the body ended before its length, or the
// connection broke): the backend request may then fail for another reason
// first, and the client is still owed IncompleteBody (bodyError).
type countingBody struct {
	io.ReadCloser
	n      *atomic.Int64
	failed *atomic.Bool
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	if err != nil && !errors.Is(err, io.EOF) {
		c.failed.Store(true)
	}
	return n, err
}
