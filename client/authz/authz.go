// Package authz is net/http middleware for services that accept requests
// signed with stsd credentials. For each incoming request it asks stsd's
// JSON decision API (POST /v1/authorize on the authz listener) whether the
// request's SigV4 signature is valid and whether its caller may do what
// the request does; an allowed request reaches the handler with the
// caller in its context (PrincipalFrom), any other is answered 403 with
// API Gateway's JSON body ({"message":…}) and, for a denial, the encoded
// authorization message in X-Stsd-Authorization-Message.
//
// The middleware signs its calls to stsd with the service's own stsd
// credentials (aws-sdk-go-v2's SigV4 signer, service "stsd"); they must be
// allowed stsd:AuthorizeRequest. It reads the request body (up to
// Config.MaxBodyBytes), sends stsd its SHA-256 so the signature covers it,
// and gives the handler the same bytes. What to authorize comes from
// Config.Checks; the default is API Gateway's model, execute-api:Invoke on
// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH.
//
// The package imports nothing from stsd's internals: its only contract
// with stsd is the HTTP API documented in docs/downstream.md.
package authz

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// DefaultMaxBodyBytes is the largest request body the middleware reads
// when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 10 << 20

// HeaderAuthorizationMessage carries a denial's encoded authorization
// message (decode it with sts:DecodeAuthorizationMessage).
const HeaderAuthorizationMessage = "X-Stsd-Authorization-Message"

// maxAnswerBytes bounds stsd's answer.
const maxAnswerBytes = 4 << 20

// Config configures the middleware.
type Config struct {
	// Endpoint is the base URL of stsd's authz listener, e.g.
	// "http://stsd.internal:8444". Required.
	Endpoint string
	// Credentials are the service's own stsd credentials (an IAM user's
	// access key, or a role session), allowed stsd:AuthorizeRequest.
	// Required; wrap a provider in aws.NewCredentialsCache.
	Credentials aws.CredentialsProvider
	// Region is the region calls to stsd are signed for; "" means
	// "us-east-1".
	Region string
	// Service, when set, is the SigV4 service clients must sign their
	// requests for ("execute-api", your service's name). Empty accepts any
	// service except stsd's own (sts, iam, stsd), which stsd refuses.
	Service string
	// Checks says what to authorize for a request. Nil means API.Checks.
	// An error answers the client 403 with the error's text.
	Checks func(*http.Request) ([]Check, error)
	// API is the default Checks' API (API Gateway's IAM model).
	API ExecuteAPI
	// Context supplies request and service condition keys for every check
	// (aws:RequestTag/…, aws:TagKeys, aws:ResourceTag/…, "myservice:…");
	// stsd ignores the keys it fills itself. Optional.
	Context func(*http.Request) map[string]Value
	// ResourcePolicy returns a resource-based policy document to evaluate
	// with the caller's policies, or nil. Optional.
	ResourcePolicy func(*http.Request) json.RawMessage
	// ClientIP returns the client's address for aws:SourceIp; nil means
	// the peer's address (set it when the service is behind a proxy).
	ClientIP func(*http.Request) string
	// MaxBodyBytes is the largest body read (and hashed); a larger one is
	// answered 413. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// HTTPClient calls stsd; nil means a client with a 10-second timeout.
	HTTPClient *http.Client
	// OnError answers a request when stsd could not be asked (unreachable,
	// or it refused the service's own call). Nil answers 503
	// {"message":"Authorization is unavailable."}.
	OnError func(w http.ResponseWriter, r *http.Request, err error)
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// ExecuteAPI is API Gateway's IAM model for the default checks:
// execute-api:Invoke on arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH.
type ExecuteAPI struct {
	// Account owns the API (the stsd account). Required for the default.
	Account string
	// Region is the ARN's region; "" means Config.Region.
	Region string
	// API is the API id. Required for the default.
	API string
	// Stage is the stage name; "" means "$default".
	Stage string
}

// Check is one (action, resource) pair to authorize, with condition keys
// that apply to it only (aws:ResourceTag/… of that resource).
type Check struct {
	Action   string           `json:"action"`
	Resource string           `json:"resource"`
	Context  map[string]Value `json:"context,omitempty"`
}

// Value is a condition key's value: one string, or a list of strings (a
// multivalued key such as aws:TagKeys, even with one element).
type Value struct {
	values []string
	multi  bool
}

// String is a single-valued condition key value.
func String(s string) Value { return Value{values: []string{s}} }

// Strings is a multivalued condition key value.
func Strings(s ...string) Value { return Value{values: append([]string{}, s...), multi: true} }

// MarshalJSON writes a string or a list of strings.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.multi {
		return json.Marshal(v.values)
	}
	if len(v.values) != 1 {
		return nil, errors.New("authz: a Value made without String or Strings")
	}
	return json.Marshal(v.values[0])
}

// Principal is the authenticated caller of a request.
type Principal struct {
	// ARN is the caller's ARN: an assumed-role session
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), an IAM user or the
	// account root.
	ARN     string `json:"arn"`
	Account string `json:"account"`
	UserID  string `json:"userId"`
	// Type is "AssumedRole", "IAMUser" or "Root".
	Type string `json:"type"`
	// SourceIdentity is a session's source identity ("" when none).
	SourceIdentity string `json:"sourceIdentity,omitempty"`
	// Tags are a session's tags.
	Tags map[string]string `json:"tags"`
}

// Decision is stsd's answer for one request.
type Decision struct {
	// Authenticated is false when the request's signature did not verify;
	// Error says why.
	Authenticated bool       `json:"authenticated"`
	Principal     *Principal `json:"principal,omitempty"`
	// Allowed is true when every check was allowed.
	Allowed   bool            `json:"allowed"`
	Decisions []CheckDecision `json:"decisions"`
	// EncodedMessage explains a denial (sts:DecodeAuthorizationMessage).
	EncodedMessage string `json:"encodedMessage,omitempty"`
	// Error is the authentication failure, or AccessDenied for the first
	// denied check.
	Error *Error `json:"error,omitempty"`
	// IgnoredContextKeys are the context keys stsd did not take (keys it
	// fills itself).
	IgnoredContextKeys []string `json:"ignoredContextKeys,omitempty"`
}

// CheckDecision is the decision for one check: "allowed",
// "explicitDeny" or "implicitDeny", with the statements that decided it
// and the conditions that failed, in stsd's explanation shape.
type CheckDecision struct {
	Action            string            `json:"action"`
	Resource          string            `json:"resource"`
	Decision          string            `json:"decision"`
	MatchedStatements []json.RawMessage `json:"matchedStatements"`
	FailedConditions  []json.RawMessage `json:"failedConditions"`
}

// Error is an error stsd answered: for a Decision, why the client's
// request was refused; for a call stsd refused (APIError), why.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error renders the code and the message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// APIError is stsd refusing the service's own call: its status and error.
type APIError struct {
	Status int
	Err    Error
}

// Error renders the status, code and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("stsd answered %d: %s", e.Status, e.Err.Error())
}

type principalKey struct{}

// PrincipalFrom returns the caller the middleware authenticated.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p, for tests of handlers.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Middleware asks stsd about each request.
type Middleware struct {
	cfg      Config
	endpoint string
	signer   *v4.Signer
}

// New checks cfg and returns the middleware.
func New(cfg Config) (*Middleware, error) {
	if cfg.Endpoint == "" || cfg.Credentials == nil {
		return nil, errors.New("authz: Config.Endpoint and Config.Credentials are required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Checks == nil {
		if cfg.API.Account == "" || cfg.API.API == "" {
			return nil, errors.New("authz: set Config.Checks, or Config.API's Account and API for execute-api checks")
		}
		if cfg.API.Region == "" {
			cfg.API.Region = cfg.Region
		}
		cfg.Checks = cfg.API.Checks
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Middleware{cfg: cfg, endpoint: strings.TrimRight(cfg.Endpoint, "/") + "/v1/authorize", signer: v4.NewSigner()}, nil
}

// Handler wraps next: only requests stsd allows reach it, with the
// principal in their context and the body intact. Headers named X-Stsd-…
// are removed from the request before next sees it, so a handler reading
// them cannot be fooled by a client.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := m.readBody(w, r)
		if !ok {
			return
		}
		checks, err := m.cfg.Checks(r)
		if err != nil {
			writeMessage(w, http.StatusForbidden, err.Error(), nil)
			return
		}
		dec, err := m.Authorize(r.Context(), r, body, checks)
		if err != nil {
			if m.cfg.OnError != nil {
				m.cfg.OnError(w, r, err)
				return
			}
			writeMessage(w, http.StatusServiceUnavailable, "Authorization is unavailable.", nil)
			return
		}
		if !dec.Authenticated || !dec.Allowed {
			msg := "Forbidden"
			if dec.Error != nil {
				msg = dec.Error.Message
			}
			var extra http.Header
			if dec.EncodedMessage != "" {
				extra = http.Header{HeaderAuthorizationMessage: {dec.EncodedMessage}}
			}
			writeMessage(w, http.StatusForbidden, msg, extra)
			return
		}
		for name := range r.Header {
			if strings.HasPrefix(name, "X-Stsd-") {
				delete(r.Header, name)
			}
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), dec.Principal)))
	})
}

// readBody reads the body within the limit and puts the bytes back.
func (m *Middleware) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true
	}
	if r.ContentLength > m.cfg.MaxBodyBytes {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request body is too large.", nil)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, m.cfg.MaxBodyBytes+1))
	_ = r.Body.Close()
	if err != nil {
		writeMessage(w, http.StatusBadRequest, "The request body could not be read.", nil)
		return nil, false
	}
	if int64(len(body)) > m.cfg.MaxBodyBytes {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request body is too large.", nil)
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// Authorize asks stsd about r, whose body the caller has read into body,
// for checks. A Decision is stsd's answer (allowed, denied or not
// authenticated); an error means stsd could not be asked or refused the
// call (*APIError).
func (m *Middleware) Authorize(ctx context.Context, r *http.Request, body []byte, checks []Check) (*Decision, error) {
	payload, err := json.Marshal(m.requestFor(r, body, checks))
	if err != nil {
		return nil, err
	}
	call, err := http.NewRequestWithContext(ctx, http.MethodPost, m.endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	call.Header.Set("Content-Type", "application/json")
	creds, err := m.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("authz: the service's credentials: %w", err)
	}
	sum := sha256.Sum256(payload)
	if err := m.signer.SignHTTP(ctx, creds, call, hex.EncodeToString(sum[:]), "stsd", m.cfg.Region, m.cfg.Now()); err != nil {
		return nil, err
	}
	resp, err := m.cfg.HTTPClient.Do(call)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error Error `json:"error"`
		}
		if json.Unmarshal(answer, &e) != nil || e.Error.Code == "" {
			e.Error = Error{Code: "Unknown", Message: http.StatusText(resp.StatusCode)}
		}
		return nil, &APIError{Status: resp.StatusCode, Err: e.Error}
	}
	var dec Decision
	if err := json.Unmarshal(answer, &dec); err != nil {
		return nil, fmt.Errorf("authz: stsd's answer: %w", err)
	}
	if dec.Allowed && (!dec.Authenticated || dec.Principal == nil) {
		return nil, errors.New("authz: stsd's answer allows an unauthenticated request")
	}
	return &dec, nil
}

// authorizeRequest is the /v1/authorize body.
type authorizeRequest struct {
	Request        embedded         `json:"request"`
	Checks         []Check          `json:"checks"`
	Context        map[string]Value `json:"context,omitempty"`
	ResourcePolicy json.RawMessage  `json:"resourcePolicy,omitempty"`
	Service        string           `json:"service,omitempty"`
}

type embedded struct {
	Method      string              `json:"method"`
	URL         string              `json:"url"`
	Headers     map[string][]string `json:"headers"`
	PayloadHash string              `json:"payloadHash"`
	SourceIP    string              `json:"sourceIp,omitempty"`
}

// requestFor describes r to stsd: the URL as the client sent it, the
// headers its signature covers (and the ones that carry the signature;
// no cookie or other credential goes to stsd) and the body's SHA-256.
func (m *Middleware) requestFor(r *http.Request, body []byte, checks []Check) authorizeRequest {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	sum := sha256.Sum256(body)
	e := embedded{
		Method: r.Method, URL: scheme + "://" + r.Host + target, Headers: map[string][]string{},
		PayloadHash: hex.EncodeToString(sum[:]),
	}
	names := []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "User-Agent"}
	for _, n := range signedHeaders(r) {
		if n != "host" {
			names = append(names, n)
		}
	}
	for _, n := range names {
		key := http.CanonicalHeaderKey(n)
		if vs := r.Header.Values(key); len(vs) > 0 {
			e.Headers[key] = vs
		} else if key == "Content-Length" && r.ContentLength >= 0 {
			e.Headers[key] = []string{fmt.Sprint(r.ContentLength)}
		}
	}
	if m.cfg.ClientIP != nil {
		e.SourceIP = m.cfg.ClientIP(r)
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		e.SourceIP = host
	}
	out := authorizeRequest{Request: e, Checks: checks, Service: m.cfg.Service}
	if m.cfg.Context != nil {
		out.Context = m.cfg.Context(r)
	}
	if m.cfg.ResourcePolicy != nil {
		out.ResourcePolicy = m.cfg.ResourcePolicy(r)
	}
	return out
}

// signedHeaders lists the header names the request's signature covers,
// from the Authorization header or the presigned query.
func signedHeaders(r *http.Request) []string {
	list := r.URL.Query().Get("X-Amz-SignedHeaders")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, rest, ok := strings.Cut(auth, "SignedHeaders=")
		if !ok {
			return nil
		}
		list, _, _ = strings.Cut(rest, ",")
	}
	if list == "" {
		return nil
	}
	return strings.Split(strings.TrimSpace(list), ";")
}

// Checks is the default: execute-api:Invoke on
// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH, PATH being the
// decoded path without its leading '/'. A path the ARN could not state
// without ambiguity (an encoded '/', a '\', a '.' or '..' segment, an
// empty segment) is refused.
func (e ExecuteAPI) Checks(r *http.Request) ([]Check, error) {
	raw := r.URL.EscapedPath()
	lower := strings.ToLower(raw)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(raw, "\\") {
		return nil, errBadPath
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "." || s == ".." || (s == "" && i < len(segs)-1) {
			return nil, errBadPath
		}
	}
	stage := e.Stage
	if stage == "" {
		stage = "$default"
	}
	return []Check{{
		Action:   "execute-api:Invoke",
		Resource: "arn:aws:execute-api:" + e.Region + ":" + e.Account + ":" + e.API + "/" + stage + "/" + r.Method + "/" + path,
	}}, nil
}

// errBadPath is the default checks' refusal of a path (its text is the
// 403's message).
var errBadPath error = rejection("The request path is not valid.")

// rejection is an error whose text is a message for the client.
type rejection string

func (r rejection) Error() string { return string(r) }

// writeMessage writes API Gateway's error body {"message":…}.
func writeMessage(w http.ResponseWriter, status int, msg string, extra http.Header) {
	b, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{msg})
	h := w.Header()
	for k, vs := range extra {
		h[k] = vs
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
