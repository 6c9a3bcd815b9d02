// Package server is stsd's HTTP front: it decodes AWS Query requests (POST
// form bodies, GET query strings), dispatches them by Version to an API
// (STS, IAM), and renders every response and every error — this is the one
// place where errors become AWS error bodies. It also owns the middleware
// every request passes through: request ids, body caps, timeouts, panic
// recovery, metrics, and the /healthz and /metrics endpoints.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
)

// MaxBodyBytes caps a request body. The largest legitimate STS request (a
// 20,000-character token plus a 2,048-character policy, URL-encoded) fits.
const MaxBodyBytes = 64 << 10

// defaultNamespace is used for errors before an API is known.
const defaultNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Config holds what the handler needs.
type Config struct {
	APIs     []awsquery.API
	Logger   *slog.Logger
	Metrics  *Metrics
	Now      func() time.Time
	Registry *prometheus.Registry // served on /metrics; nil: no endpoint
	// DefaultVersion is used when a request has no Version parameter.
	DefaultVersion string
}

// Handler serves the Query endpoint, /healthz and /metrics.
type Handler struct {
	apis    map[string]awsquery.API
	cfg     Config
	metrics http.Handler
}

// NewHandler builds the HTTP handler.
func NewHandler(cfg Config) *Handler {
	h := &Handler{apis: map[string]awsquery.API{}, cfg: cfg}
	for _, a := range cfg.APIs {
		h.apis[a.Version()] = a
	}
	if cfg.Registry != nil {
		h.metrics = promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{})
	}
	return h
}

// ServeHTTP routes /healthz and /metrics and answers everything else as a
// Query-protocol request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
		return
	case "/metrics":
		if h.metrics != nil {
			h.metrics.ServeHTTP(w, r)
			return
		}
	}
	h.serveQuery(w, r)
}

func (h *Handler) serveQuery(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	requestID := awsquery.NewUUID()
	jsonMode := wantsJSON(r)
	namespace := defaultNamespace
	action := ""
	var resp *awsquery.Response
	var err error

	func() {
		defer func() {
			if p := recover(); p != nil {
				err = awserr.InternalFailure(fmt.Errorf("panic: %v", p))
			}
		}()
		var call *awsquery.Call
		var api awsquery.API
		call, api, err = h.decode(w, r, requestID, start)
		if call != nil {
			action = call.Action
		}
		if err != nil {
			return
		}
		namespace = api.Namespace()
		resp, err = api.Handle(r.Context(), call)
	}()

	code := "OK"
	if err != nil {
		e := awserr.As(err)
		code = e.Code
		h.writeError(w, e, namespace, requestID, jsonMode)
		h.logError(r, action, requestID, e)
	} else {
		h.writeResponse(w, resp, requestID, jsonMode)
	}
	if h.cfg.Metrics != nil {
		h.cfg.Metrics.observe(action, code, h.cfg.Now().Sub(start))
	}
}

// decode reads the body and parameters and picks the API.
func (h *Handler) decode(w http.ResponseWriter, r *http.Request, requestID string, received time.Time) (*awsquery.Call, awsquery.API, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, nil, awserr.New("InvalidAction", http.StatusMethodNotAllowed, "Only GET and POST requests are supported.")
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, MaxBodyBytes), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, awserr.RequestEntityTooLarge(MaxBodyBytes)
		}
		return nil, nil, awserr.InvalidQueryParameter("The request body could not be read.")
	}
	params, err := awsquery.Parse(r.URL.RawQuery, body, isForm(r))
	if err != nil {
		return nil, nil, err
	}
	call := &awsquery.Call{
		Action:          params.Value("Action"),
		Version:         params.Value("Version"),
		Params:          params,
		RequestID:       requestID,
		Received:        received,
		HTTP:            r,
		Body:            body,
		SourceIP:        sourceIP(r),
		UserAgent:       r.UserAgent(),
		SecureTransport: r.TLS != nil,
	}
	if call.Action == "" {
		return call, nil, awserr.MissingAction()
	}
	version := call.Version
	if version == "" {
		version = h.cfg.DefaultVersion
	}
	api, ok := h.apis[version]
	if !ok {
		return call, nil, awserr.InvalidAction(call.Action, call.Version)
	}
	return call, api, nil
}

// readBody reads body to the end like io.ReadAll, into one buffer sized
// from the Content-Length the client declared (with a byte to spare, so
// the end of the body needs no growth) instead of ReadAll's growing
// 512-byte start; an unknown or oversized length reads as ReadAll does.
func readBody(body io.Reader, contentLength int64) ([]byte, error) {
	if contentLength < 0 || contentLength > MaxBodyBytes {
		return io.ReadAll(body)
	}
	b := make([]byte, 0, contentLength+1)
	for {
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) { // a body longer than declared
			b = append(b, 0)[:len(b)]
		}
	}
}

// isForm: POST bodies are parameters when form-encoded (with or without a
// charset) or when the client sent no Content-Type at all.
func isForm(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	ct := r.Header.Get("Content-Type")
	switch ct {
	case "", formType, formType + "; charset=utf-8": // what SDKs send
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == formType
}

const formType = "application/x-www-form-urlencoded"

// requestIDHeader is x-amzn-RequestId in the canonical form Header.Set
// would give it (set directly: canonicalizing allocated a key per answer).
const requestIDHeader = "X-Amzn-Requestid"

func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return false
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Handler) writeResponse(w http.ResponseWriter, resp *awsquery.Response, requestID string, jsonMode bool) {
	var body []byte
	if jsonMode {
		w.Header().Set("Content-Type", "application/json")
		body = resp.RenderJSON(requestID)
	} else {
		w.Header().Set("Content-Type", "text/xml")
		body = resp.RenderXML(requestID)
	}
	w.Header()[requestIDHeader] = []string{requestID}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeError is the single place an error becomes a response body.
func (h *Handler) writeError(w http.ResponseWriter, e *awserr.Error, namespace, requestID string, jsonMode bool) {
	var body []byte
	if jsonMode {
		w.Header().Set("Content-Type", "application/json")
		body = awsquery.ErrorJSON(e.Type(), e.Code, e.Message, requestID)
	} else {
		w.Header().Set("Content-Type", "text/xml")
		body = awsquery.ErrorXML(namespace, e.Type(), e.Code, e.Message, requestID)
	}
	w.Header()[requestIDHeader] = []string{requestID}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

func (h *Handler) logError(r *http.Request, action, requestID string, e *awserr.Error) {
	if h.cfg.Logger == nil {
		return
	}
	level := slog.LevelInfo
	if e.Status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID),
		slog.String("action", action),
		slog.String("code", e.Code),
		slog.Int("status", e.Status),
		slog.String("reason", e.Reason),
	}
	if e.Cause != nil {
		attrs = append(attrs, slog.String("cause", e.Cause.Error()))
	}
	h.cfg.Logger.LogAttrs(r.Context(), level, "request failed", attrs...)
}

// HTTPServer wraps the handler in a net/http server with AWS-like limits.
func HTTPServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// Shutdown stops srv gracefully within the timeout.
func Shutdown(srv *http.Server, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return srv.Shutdown(ctx)
}
