package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

// echoAPI is a small API for exercising the handler: it answers Echo, panics
// on Panic and fails on Fail.
type echoAPI struct{}

func (echoAPI) Version() string   { return "2011-06-15" }
func (echoAPI) Namespace() string { return "https://sts.amazonaws.com/doc/2011-06-15/" }
func (echoAPI) Handle(_ context.Context, c *awsquery.Call) (*awsquery.Response, error) {
	switch c.Action {
	case "Echo":
		return &awsquery.Response{Action: "Echo", Namespace: "ns", Result: []awsquery.Node{awsquery.Str("Value", c.Params.Value("Value"))}}, nil
	case "Panic":
		panic("boom")
	case "Fail":
		return nil, errors.New("internal detail: store path /var/lib/stsd")
	}
	return nil, awserr.InvalidAction(c.Action, c.Version)
}

func newTestHandler(logs *bytes.Buffer) *Handler {
	reg := prometheus.NewRegistry()
	return NewHandler(Config{
		APIs:    []awsquery.API{echoAPI{}},
		Logger:  slog.New(slog.NewJSONHandler(logs, nil)),
		Metrics: NewMetrics(reg, []string{"Echo"}),
		Now:     time.Now, Registry: reg, DefaultVersion: "2011-06-15",
	})
}

func serve(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func errorOf(t *testing.T, rec *httptest.ResponseRecorder) (status int, code, message string) {
	t.Helper()
	var e struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
		Type    string `xml:"Error>Type"`
		ReqID   string `xml:"RequestId"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("%v: %s", err, rec.Body.String())
	}
	if e.ReqID == "" || rec.Header().Get("x-amzn-RequestId") != e.ReqID {
		t.Errorf("request id missing or different in header and body")
	}
	return rec.Code, e.Code, e.Message
}

func TestHandlerErrors(t *testing.T) {
	var logs bytes.Buffer
	h := newTestHandler(&logs)
	cases := []struct {
		name, method, target, body string
		status                     int
		code, message              string
	}{
		{"body over the cap", http.MethodPost, "/", "Action=Echo&Value=" + strings.Repeat("a", MaxBodyBytes), 413, "RequestEntityTooLarge", "Request body must be no larger than 65536 bytes"},
		{"method not allowed", http.MethodPut, "/?Action=Echo", "", 405, "InvalidAction", "Only GET and POST requests are supported."},
		{"panic becomes InternalFailure", http.MethodPost, "/", "Action=Panic&Version=2011-06-15", 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."},
		{"plain errors hide their text", http.MethodPost, "/", "Action=Fail&Version=2011-06-15", 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."},
		{"missing version uses the default", http.MethodGet, "/?Action=Nope", "", 400, "InvalidAction", "Could not find operation Nope for version "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, code, message := errorOf(t, serve(h, c.method, c.target, c.body))
			if status != c.status || code != c.code || message != c.message {
				t.Errorf("got %d %s %q, want %d %s %q", status, code, message, c.status, c.code, c.message)
			}
		})
	}
	if !strings.Contains(logs.String(), "panic: boom") {
		t.Errorf("the panic's cause must reach the log:\n%s", logs.String())
	}
}

func TestHealthzMetricsAndEcho(t *testing.T) {
	h := newTestHandler(&bytes.Buffer{})
	if rec := serve(h, http.MethodGet, "/healthz", ""); rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body.String())
	}
	rec := serve(h, http.MethodPost, "/", "Action=Echo&Version=2011-06-15&Value=x%26y")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<Value>x&amp;y</Value>") || rec.Header().Get("Content-Type") != "text/xml" {
		t.Errorf("echo: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	serve(h, http.MethodPost, "/", "Action=SomethingLongAndUnknown&Version=2011-06-15")
	m := serve(h, http.MethodGet, "/metrics", "").Body.String()
	for _, want := range []string{`stsd_requests_total{action="Echo",code="OK"} 1`, `stsd_requests_total{action="other",code="InvalidAction"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
