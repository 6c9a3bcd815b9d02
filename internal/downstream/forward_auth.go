package downstream

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

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
const (
	maxForwardedURI = 8 << 10
	maxNameLen      = 128
	maxMethodLen    = 32
	maxHostLen      = 255
)

// Messages of the client-request rejections (403) and of the proxy
// configuration errors (400). They never echo a value the client chose.
const (
	msgMissingAuthToken = "Missing Authentication Token"
	msgInvalidToken     = "The security token included in the request is invalid."
	msgInternal         = "Internal server error"

	msgBadMethod       = "The request method is not valid: it must be an upper-case HTTP method."
	msgBadURI          = "The request URI is not valid."
	msgURITooLong      = "The request URI is too long."
	msgDotSegment      = "The request path must not contain '.' or '..' segments."
	msgEncodedSlash    = "The request path must not contain an encoded '/' or a '\\'."
	msgEmptySegment    = "The request path must not contain empty segments ('//')."
	msgBadRegion       = "Credential should be scoped to a valid region. "
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
		aerr = checkRegion(v.Scope.Region, target.region)
	}
	authorization := in.HTTP.Header.Get("Authorization")
	if aerr != nil {
		aerr = redactAuthorization(aerr, authorization)
		d.Record(ForwardAuthEvent, in, nil, aerr)
		status, key, msg, errType := gatewayAuthError(aerr)
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
		msg := strings.Replace(dec.Err.Message, resource, maskAccount(resource, account), 1)
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
	case !isName(t.api, false):
		return t, badConfig("forward_auth_bad_api", msgBadAPI)
	case !seen["stage"] || t.stage == "":
		return t, badConfig("forward_auth_no_stage", msgNoStage)
	case !isName(t.stage, true):
		return t, badConfig("forward_auth_bad_stage", msgBadStage)
	case seen["region"] && !isRegion(t.region):
		return t, badConfig("forward_auth_bad_region", msgBadQueryRegion)
	}
	return t, nil
}

// isName reports whether s is an API id or stage name: 1 to 128 of
// A-Z a-z 0-9 - _ . (and $ for stages: HTTP APIs' "$default"), and not a
// dot segment.
func isName(s string, dollar bool) bool {
	if s == "" || len(s) > maxNameLen || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		case c == '$' && dollar:
		default:
			return false
		}
	}
	return true
}

// isRegion reports whether s looks like a region name (us-east-1).
func isRegion(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
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

// checkRegion rejects a signature scoped to a region that cannot be part of
// an ARN, or to another region than the one the forward-auth URL pins, with
// AWS's SignatureDoesNotMatch wording.
func checkRegion(region, pinned string) *awserr.Error {
	if !isRegion(region) {
		return awserr.New("SignatureDoesNotMatch", http.StatusForbidden, msgBadRegion).WithReason("sigv4_bad_region", nil)
	}
	if pinned != "" && region != pinned {
		return awserr.New("SignatureDoesNotMatch", http.StatusForbidden,
			"Credential should be scoped to a valid region, not '"+region+"'. ").WithReason("sigv4_wrong_region", nil)
	}
	return nil
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
	if !isHost(host) {
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
	if !isMethod(method) {
		return nil, "", badRequest("forward_auth_bad_method", msgBadMethod)
	}
	u, path, ferr := parseForwardedURI(uri)
	if ferr != nil {
		return nil, "", ferr
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
	if !isMethod(method) {
		method = ""
	}
	host, _ := single(r.Header, hdrForwardedHost)
	if !isHost(host) {
		host = ""
	}
	req := &http.Request{Method: method, Host: host, URL: &url.URL{}, Header: http.Header{}}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		req.Header.Set("User-Agent", ua)
	}
	return &Incoming{HTTP: req, ClientIP: ClientIP(r.RemoteAddr, r.Header.Values(hdrForwardedFor), trusted)}
}

// parseForwardedURI checks the client's request-target and returns it
// parsed, with the ARN path. Refused: anything but origin-form, bytes
// outside printable ASCII, a fragment, a '.' or '..' segment (also
// percent-encoded, also with a ";param" suffix), an encoded '/' or any '\',
// an empty segment, a path that decodes to a control character or to
// invalid UTF-8. The upstream and the ARN then see the same path: no
// normalization by either can turn an allowed path into another one.
func parseForwardedURI(uri string) (*url.URL, string, *faError) {
	if len(uri) > maxForwardedURI {
		return nil, "", badRequest("forward_auth_uri_too_long", msgURITooLong)
	}
	if uri[0] != '/' {
		return nil, "", badRequest("forward_auth_bad_uri", msgBadURI)
	}
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return nil, "", badRequest("forward_auth_bad_uri", msgBadURI)
		}
	}
	rawPath, _, _ := strings.Cut(uri, "?")
	segs := strings.Split(rawPath[1:], "/")
	decoded := make([]string, len(segs))
	for i, seg := range segs {
		if seg == "" && i < len(segs)-1 {
			return nil, "", badRequest("forward_auth_empty_segment", msgEmptySegment)
		}
		s, err := url.PathUnescape(seg)
		if err != nil || !utf8.ValidString(s) || hasControl(s) {
			return nil, "", badRequest("forward_auth_bad_uri", msgBadURI)
		}
		if strings.ContainsAny(s, "/\\") {
			return nil, "", badRequest("forward_auth_encoded_slash", msgEncodedSlash)
		}
		if base, _, _ := strings.Cut(s, ";"); base == "." || base == ".." {
			return nil, "", badRequest("forward_auth_dot_segment", msgDotSegment)
		}
		decoded[i] = s
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, "", badRequest("forward_auth_bad_uri", msgBadURI)
	}
	return u, strings.Join(decoded, "/"), nil
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

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// isMethod accepts upper-case HTTP methods: A-Z first, then A-Z 0-9 - _.
// Lower-case is refused so that "delete" cannot slip past a Deny on DELETE
// to an upstream that compares methods without case.
func isMethod(m string) bool {
	if m == "" || len(m) > maxMethodLen || m[0] < 'A' || m[0] > 'Z' {
		return false
	}
	for i := 1; i < len(m); i++ {
		c := m[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isHost accepts a host[:port] of printable ASCII without '/', '\', '@',
// spaces or quotes.
func isHost(h string) bool {
	if h == "" || len(h) > maxHostLen {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("/\\@\"'<>#?,", c) >= 0 {
			return false
		}
	}
	return true
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

// maskAccount writes the account in an ARN as API Gateway does in its
// denial messages: all but the last four digits as '*'.
func maskAccount(arn, account string) string {
	if len(account) <= 4 {
		return arn
	}
	return strings.Replace(arn, ":"+account+":", ":"+strings.Repeat("*", len(account)-4)+account[len(account)-4:]+":", 1)
}

// gatewayAuthError maps an authentication failure to API Gateway's answer:
// 403 for every client error (API Gateway's INVALID_SIGNATURE,
// EXPIRED_TOKEN, MISSING_AUTHENTICATION_TOKEN gateway responses are all
// 403), {"message": …}, and its x-amzn-ErrorType.
func gatewayAuthError(e *awserr.Error) (status int, key, msg, errType string) {
	if e.Status >= 500 {
		return http.StatusInternalServerError, "message", msgInternal, "InternalServerErrorException"
	}
	msg = e.Message
	switch e.Code {
	case "MissingAuthenticationToken":
		msg, errType = msgMissingAuthToken, "MissingAuthenticationTokenException"
	case "InvalidClientTokenId":
		msg, errType = msgInvalidToken, "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		errType = "InvalidSignatureException"
	case "AccessDenied":
		errType = "AccessDeniedException"
	default: // IncompleteSignature, ExpiredToken, XAmzContentSHA256Mismatch, …
		errType = e.Code + "Exception"
	}
	return http.StatusForbidden, "message", msg, errType
}

// redactAuthorization removes the client's Authorization header from an
// error message (SigV4's IncompleteSignature texts echo it, as AWS does),
// so that it reaches neither the audit log nor the proxy's logs.
func redactAuthorization(e *awserr.Error, header string) *awserr.Error {
	if header == "" {
		return e
	}
	msg := e.Message
	for _, h := range []string{header, strings.TrimSpace(header)} {
		if h != "" {
			msg = strings.ReplaceAll(msg, h, "<redacted>")
		}
	}
	if msg == e.Message {
		return e
	}
	c := *e
	c.Message = msg
	return &c
}

// writeGatewayError writes API Gateway's error answer: a one-field JSON
// object (ASCII only), x-amzn-ErrorType, and the body repeated in
// X-Stsd-Error-Body.
func writeGatewayError(w http.ResponseWriter, status int, key, msg, errType string, extra http.Header) {
	body := `{"` + key + `":` + asciiJSONString(msg) + `}`
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

// asciiJSONString quotes s as a JSON string of printable ASCII only, so the
// same text is a valid header value.
func asciiJSONString(s string) string {
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	writeU := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
	}
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			writeU(0xd800 + (r>>10)&0x3ff)
			writeU(0xdc00 + r&0x3ff)
		default:
			writeU(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
