package downstream

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
)

// Forward-auth (/forward-auth) answers a reverse proxy's authorization
// subrequest — nginx auth_request, Traefik ForwardAuth, Caddy forward_auth —
// with API Gateway's IAM model: the client's request, reconstructed from
// the forwarded method, host and URI and the client's headers as the proxy
// passed them, must carry a SigV4 signature (header or presigned query)
// scoped to service execute-api and made with stsd credentials, and the
// caller must be allowed execute-api:Invoke on
// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH. The forward-auth
// URL's own query names the API: ?service=execute-api&api=ID&stage=STAGE
// (and optionally region=REGION, which pins the signature's region).
//
// Answers: 200 with the identity headers (IdentityHeaderNames) when
// allowed; 403 with API Gateway's JSON error body when unauthenticated or
// denied, a denial also carrying the encoded authorization message in
// X-Stsd-Authorization-Message; 403 with {"message":…} when the client's
// request itself is unacceptable (a method or path stsd refuses to
// authorize); 400 with {"message":…} when the proxy's configuration is wrong
// (a bad forward-auth query, forwarded headers missing or repeated); 500
// only for stsd's own failures. docs/downstream.md is the contract.

// Forward-auth names.
const (
	// ForwardAuthPath is the forward-auth endpoint on the authz listener.
	ForwardAuthPath = "/forward-auth"
	// ForwardAuthEvent is the audit eventName of a forward-auth decision.
	ForwardAuthEvent = "ForwardAuth"
	// ServiceExecuteAPI is the only service forward-auth authorizes, and
	// the service the client's signature must be scoped to.
	ServiceExecuteAPI = "execute-api"
	// ActionInvoke is the action forward-auth checks.
	ActionInvoke = "execute-api:Invoke"

	// HeaderErrorBody repeats a 403's JSON body as a header, for proxies
	// that do not pass the auth response's body to the client (nginx:
	// auth_request_set plus an error_page location returning it).
	HeaderErrorBody = "X-Stsd-Error-Body"
	// HeaderErrorType is API Gateway's x-amzn-ErrorType header
	// ("AccessDeniedException", "InvalidSignatureException", …).
	HeaderErrorType = "X-Amzn-Errortype"
	// HeaderOriginalContentLength carries the client's Content-Length when
	// the proxy drops it from the body-less subrequest (nginx); the SDKs
	// sign content-length whenever a request has a body.
	HeaderOriginalContentLength = "X-Original-Content-Length"
	// HeaderOriginalTransferEncoding carries the client's Transfer-Encoding
	// (nginx: $http_transfer_encoding): a chunked body has no length to
	// forward, and a body must not pass unseen.
	HeaderOriginalTransferEncoding = "X-Original-Transfer-Encoding"
)

// The forwarded-request headers, as Traefik and Caddy (X-Forwarded-*) and
// nginx's documentation (X-Original-*) name them.
const (
	hdrForwardedMethod = "X-Forwarded-Method"
	hdrOriginalMethod  = "X-Original-Method"
	hdrForwardedURI    = "X-Forwarded-Uri"
	hdrOriginalURI     = "X-Original-Uri"
	hdrForwardedHost   = "X-Forwarded-Host"
	hdrForwardedProto  = "X-Forwarded-Proto"
	hdrForwardedFor    = "X-Forwarded-For"
)

// Limits on forwarded values.
const ()

// Messages of the client-request rejections (403) and of the proxy
// configuration errors (400). They never echo a value the client chose.
const (
	msgBadMethod       = "The request method is not valid: it must be an upper-case HTTP method."
	msgUnsignedPayload = "UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256 in X-Amz-Content-Sha256."
	msgBodyUnclaimed   = "A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."
	msgNoMethod        = "The proxy did not forward the request's method (X-Forwarded-Method or X-Original-Method)."
	msgNoURI           = "The proxy did not forward the request's URI (X-Forwarded-Uri or X-Original-URI)."
	msgBadQuery        = "The forward-auth URL's query string is not valid."
	msgBadProto        = "X-Forwarded-Proto must be 'http' or 'https'."
	msgBadHost         = "The forwarded host (X-Forwarded-Host or Host) is not valid."
	msgBadLength       = "X-Original-Content-Length must be a decimal number of bytes."
	msgNoService       = "The forward-auth URL must include service=execute-api."
	msgWrongService    = "The forward-auth URL's service must be 'execute-api'."
	msgNoAPI           = "The forward-auth URL must include api (the API id)."
	msgBadAPI          = "The forward-auth URL's api must be 1 to 128 letters, digits, '-', '_' or '.'."
	msgNoStage         = "The forward-auth URL must include stage (the stage name)."
	msgBadStage        = "The forward-auth URL's stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."
	msgBadQueryRegion  = "The forward-auth URL's region must be 1 to 32 lower-case letters, digits or '-'."
)

// faTarget is what the forward-auth URL's query names.
type faTarget struct {
	api, stage, region string
}

// faError is a rejection before authentication: a 400 (the proxy's
// configuration) or a 403 (the client's request).
type faError struct {
	status int
	reason string
	msg    string
}

func badConfig(reason, msg string) *faError {
	return &faError{status: http.StatusBadRequest, reason: reason, msg: msg}
}

func badRequest(reason, msg string) *faError {
	return &faError{status: http.StatusForbidden, reason: reason, msg: msg}
}

// serveForwardAuth is /forward-auth.
func (d *Door) serveForwardAuth(w http.ResponseWriter, r *http.Request) {
	target, ferr := parseForwardAuthQuery(r.URL.RawQuery)
	if ferr == nil {
		var in *Incoming
		var path string
		in, path, ferr = d.forwardedRequest(r)
		if ferr == nil {
			d.forwardAuth(w, r, in, target, path)
			return
		}
		if ferr.status == http.StatusForbidden {
			d.Record(ForwardAuthEvent, rejectedIncoming(r, d.deps.TrustedProxies), nil,
				awserr.New("ForbiddenException", ferr.status, ferr.msg).WithReason(ferr.reason, nil))
		}
	}
	if ferr.status == http.StatusBadRequest {
		d.deps.Logger.Warn("forward-auth request refused: check the proxy's configuration", "reason", ferr.reason, "peer", r.RemoteAddr)
	}
	errType := "BadRequestException"
	if ferr.status == http.StatusForbidden {
		errType = "ForbiddenException"
	}
	writeGatewayError(w, ferr.status, "message", ferr.msg, errType, nil)
}

// forwardAuth authenticates and decides a well-formed forwarded request.
func (d *Door) forwardAuth(w http.ResponseWriter, r *http.Request, in *Incoming, target faTarget, path string) {
	v, aerr := d.Authenticate(r.Context(), in, ServiceExecuteAPI)
	if aerr == nil {
		aerr = CheckRegion(v.Scope.Region, target.region)
	}
	authorization := in.HTTP.Header.Get("Authorization")
	if aerr != nil {
		aerr = RedactAuthorization(aerr, authorization)
		d.Record(ForwardAuthEvent, in, nil, aerr)
		status, key, msg, errType := GatewayAuthError(aerr)
		writeGatewayError(w, status, key, msg, errType, nil)
		return
	}
	account := d.deps.Account
	if account == "" {
		account = v.Caller.Account
	}
	resource := "arn:aws:execute-api:" + v.Scope.Region + ":" + account + ":" +
		target.api + "/" + target.stage + "/" + in.HTTP.Method + "/" + path
	dec := d.Decide(r.Context(), in, v, []authz.Check{{Action: ActionInvoke, Resource: resource}}, nil, nil)
	d.Record(ForwardAuthEvent, in, &dec, nil)
	if dec.Err != nil {
		// API Gateway answers an IAM denial with "Message" (capital M) and
		// the API's account masked to its last four digits.
		msg := strings.Replace(dec.Err.Message, resource, MaskAccount(resource, account), 1)
		extra := http.Header{}
		if dec.EncodedMessage != "" {
			extra.Set(HeaderAuthorizationMessage, dec.EncodedMessage)
		}
		writeGatewayError(w, http.StatusForbidden, "Message", msg, "AccessDeniedException", extra)
		return
	}
	h := w.Header()
	for name, values := range IdentityHeaders(v.Caller) {
		h[name] = values
	}
	// Every identity header is sent, empty when it has no value (a session
	// without a source identity): a proxy copying them then overwrites the
	// client's own, and Caddy 2.6, which copies a missing header as its
	// literal placeholder, copies an empty value instead.
	for _, name := range IdentityHeaderNames {
		if _, ok := h[name]; !ok {
			h[name] = []string{""}
		}
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// parseForwardAuthQuery reads service, api, stage and region strictly:
// every parameter once, no other parameter.
func parseForwardAuthQuery(raw string) (faTarget, *faError) {
	var t faTarget
	seen := map[string]bool{}
	var service string
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		name, value, _ := strings.Cut(piece, "=")
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			return t, badConfig("forward_auth_query_malformed", msgBadQuery)
		}
		var dst *string
		switch n {
		case "service":
			dst = &service
		case "api":
			dst = &t.api
		case "stage":
			dst = &t.stage
		case "region":
			dst = &t.region
		default:
			if isParamName(n) {
				return t, badConfig("forward_auth_query_unknown", "The forward-auth URL contains the unknown parameter '"+n+"'.")
			}
			return t, badConfig("forward_auth_query_unknown", "The forward-auth URL contains an unknown parameter.")
		}
		if seen[n] {
			return t, badConfig("forward_auth_query_duplicate", "The forward-auth URL contains the parameter '"+n+"' more than once.")
		}
		seen[n] = true
		*dst = v
	}
	switch {
	case !seen["service"]:
		return t, badConfig("forward_auth_no_service", msgNoService)
	case service != ServiceExecuteAPI:
		return t, badConfig("forward_auth_wrong_service", msgWrongService)
	case !seen["api"] || t.api == "":
		return t, badConfig("forward_auth_no_api", msgNoAPI)
	case !ValidName(t.api, false):
		return t, badConfig("forward_auth_bad_api", msgBadAPI)
	case !seen["stage"] || t.stage == "":
		return t, badConfig("forward_auth_no_stage", msgNoStage)
	case !ValidName(t.stage, true):
		return t, badConfig("forward_auth_bad_stage", msgBadStage)
	case seen["region"] && !ValidRegion(t.region):
		return t, badConfig("forward_auth_bad_region", msgBadQueryRegion)
	}
	return t, nil
}

// isParamName reports whether an unknown parameter name is safe to echo.
func isParamName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// single returns the one value of a header sent at most once; ok is false
// when it was sent more than once or its value is a list.
func single(h http.Header, name string) (string, bool) {
	vs := h.Values(name)
	switch {
	case len(vs) == 0:
		return "", true
	case len(vs) > 1 || strings.Contains(vs[0], ","):
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// forwardedValue reads a value the proxy forwards under two names
// (X-Forwarded-X, X-Original-X): each at most once, equal when both are
// present.
func forwardedValue(h http.Header, primary, alternate string) (string, *faError) {
	a, ok := single(h, primary)
	if !ok {
		return "", badConfig("forward_auth_duplicate_header", "The proxy forwarded more than one "+primary+" header.")
	}
	b, ok := single(h, alternate)
	if !ok {
		return "", badConfig("forward_auth_duplicate_header", "The proxy forwarded more than one "+alternate+" header.")
	}
	if a != "" && b != "" && a != b {
		return "", badConfig("forward_auth_conflicting_headers", "The proxy forwarded different "+primary+" and "+alternate+" headers.")
	}
	if a == "" {
		a = b
	}
	return a, nil
}

// forwardedRequest reconstructs the client's request from the proxy's
// subrequest, and returns it with the path as it goes in the execute-api
// ARN (decoded, without its leading slash).
func (d *Door) forwardedRequest(r *http.Request) (*Incoming, string, *faError) {
	h := r.Header
	method, ferr := forwardedValue(h, hdrForwardedMethod, hdrOriginalMethod)
	if ferr != nil {
		return nil, "", ferr
	}
	if method == "" {
		return nil, "", badConfig("forward_auth_no_method", msgNoMethod)
	}
	// X-Forwarded-Uri is a request-target and may hold commas: only its
	// repetition is refused.
	uris := h.Values(hdrForwardedURI)
	origs := h.Values(hdrOriginalURI)
	if len(uris) > 1 || len(origs) > 1 {
		return nil, "", badConfig("forward_auth_duplicate_header", "The proxy forwarded more than one request URI header.")
	}
	var uri string
	switch {
	case len(uris) == 1 && len(origs) == 1 && uris[0] != origs[0]:
		return nil, "", badConfig("forward_auth_conflicting_headers", "The proxy forwarded different X-Forwarded-Uri and X-Original-URI headers.")
	case len(uris) == 1:
		uri = uris[0]
	case len(origs) == 1:
		uri = origs[0]
	}
	if uri == "" {
		return nil, "", badConfig("forward_auth_no_uri", msgNoURI)
	}
	host, ok := single(h, hdrForwardedHost)
	if !ok {
		return nil, "", badConfig("forward_auth_duplicate_header", "The proxy forwarded more than one X-Forwarded-Host header.")
	}
	if host == "" {
		host = r.Host
	}
	if !ValidHost(host) {
		return nil, "", badConfig("forward_auth_bad_host", msgBadHost)
	}
	proto, ok := single(h, hdrForwardedProto)
	if !ok {
		return nil, "", badConfig("forward_auth_duplicate_header", "The proxy forwarded more than one X-Forwarded-Proto header.")
	}
	proto = strings.ToLower(proto)
	if proto != "" && proto != "http" && proto != "https" {
		return nil, "", badConfig("forward_auth_bad_proto", msgBadProto)
	}
	length, ok := single(h, HeaderOriginalContentLength)
	if !ok || (length != "" && (len(length) > 18 || !allDigits(length))) {
		return nil, "", badConfig("forward_auth_bad_content_length", msgBadLength)
	}
	if !ValidMethod(method) {
		return nil, "", badRequest("forward_auth_bad_method", msgBadMethod)
	}
	u, path, perr := ParseClientPath(uri)
	if perr != nil {
		return nil, "", badRequest("forward_auth_"+perr.Kind, perr.Message)
	}
	claims := payloadClaims(h, u)
	if slices.Contains(claims, "UNSIGNED-PAYLOAD") {
		return nil, "", badRequest("forward_auth_unsigned_payload", msgUnsignedPayload)
	}
	header := h.Clone()
	if length != "" {
		header.Set("Content-Length", length)
	}
	// Without a claim the signature covers an empty body: a body the proxy
	// says is there (a length, or any transfer coding) was not signed (an
	// empty POST replayed with a body). The coding is the client's own
	// value: only its presence counts, so a list cannot be a 400.
	chunked := strings.TrimSpace(strings.Join(h.Values(HeaderOriginalTransferEncoding), "")) != ""
	if len(claims) == 0 && (chunked || strings.TrimLeft(header.Get("Content-Length"), "0 ") != "") {
		return nil, "", badRequest("forward_auth_body_unclaimed", msgBodyUnclaimed)
	}
	req := &http.Request{
		Method: method, URL: u, Host: host, Header: header, RequestURI: uri,
		RemoteAddr: r.RemoteAddr, Proto: r.Proto, ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor,
	}
	req = req.WithContext(r.Context())
	return &Incoming{
		HTTP:     req,
		ClientIP: ClientIP(r.RemoteAddr, h.Values(hdrForwardedFor), d.deps.TrustedProxies),
		Secure:   proto == "https" && peerTrusted(r.RemoteAddr, d.deps.TrustedProxies),
	}, path, nil
}

// rejectedIncoming describes, for the audit event, a forwarded request that
// was refused before it could be reconstructed: the forwarded method and
// host when they are well-formed, never the URI.
func rejectedIncoming(r *http.Request, trusted []netip.Prefix) *Incoming {
	method, _ := single(r.Header, hdrForwardedMethod)
	if method == "" {
		method, _ = single(r.Header, hdrOriginalMethod)
	}
	if !ValidMethod(method) {
		method = ""
	}
	host, _ := single(r.Header, hdrForwardedHost)
	if !ValidHost(host) {
		host = ""
	}
	req := &http.Request{Method: method, Host: host, URL: &url.URL{}, Header: http.Header{}}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	return &Incoming{HTTP: req, ClientIP: ClientIP(r.RemoteAddr, r.Header.Values(hdrForwardedFor), trusted)}
}

// payloadClaims returns the body hashes the client claimed in
// X-Amz-Content-Sha256 (headers, and the presigned query's parameter in
// any case), trimmed. UNSIGNED-PAYLOAD among them is refused: the body
// would be bound to nothing, and API Gateway signatures always cover the
// body.
func payloadClaims(h http.Header, u *url.URL) []string {
	var claims []string
	for _, v := range h.Values("X-Amz-Content-Sha256") {
		claims = append(claims, strings.TrimSpace(v))
	}
	for name, vs := range u.Query() {
		if strings.EqualFold(name, "X-Amz-Content-Sha256") {
			claims = append(claims, vs...)
		}
	}
	return claims
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// peerTrusted reports whether the direct peer is a trusted proxy.
func peerTrusted(peer string, trusted []netip.Prefix) bool {
	ap, err := netip.ParseAddrPort(peer)
	if err != nil {
		return false
	}
	return isTrusted(ap.Addr().Unmap(), trusted)
}

// writeGatewayError writes API Gateway's error answer: a one-field JSON
// object (ASCII only), x-amzn-ErrorType, and the body repeated in
// X-Stsd-Error-Body.
func writeGatewayError(w http.ResponseWriter, status int, key, msg, errType string, extra http.Header) {
	body := `{"` + key + `":` + ASCIIJSONString(msg) + `}`
	h := w.Header()
	for name, values := range extra {
		h[name] = values
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set(HeaderErrorType, errType)
	h.Set(HeaderErrorBody, body)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
