package extauthz

import (
	"context"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"strings"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"

	"github.com/stsd/stsd/internal/downstream"
)

// Limits on what a CheckRequest may carry.
const (
	maxHeaders = 512
)

// Context-extension keys: the route's configuration says what to authorize.
const (
	extService = "service"
	extAPI     = "api"
	extStage   = "stage"
	extRegion  = "region"
)

// Headers with a meaning of their own in a CheckRequest.
const (
	// hdrPartialBody is set by Envoy when with_request_body is on: "false"
	// when the body in the CheckRequest is the whole body, "true" when it
	// was cut at max_request_bytes. Envoy drops a client's own.
	hdrPartialBody   = "x-envoy-auth-partial-body"
	hdrForwardedFor  = "x-forwarded-for"
	hdrContentSHA256 = "x-amz-content-sha256"
	hdrContentLength = "content-length"
	hdrTransferEnc   = "transfer-encoding"
)

// target is what the route's context extensions name.
type target struct {
	api, stage, region string
}

// refusal is a Check answered before authentication: the route's
// configuration or Envoy's request is unusable (kind config), or the
// client's request is one stsd refuses to authorize (kind client).
type refusal struct {
	kind   refusalKind
	status int
	reason string
	msg    string
}

type refusalKind int

const (
	refusedConfig refusalKind = iota
	refusedClient
)

func configError(reason, msg string) *refusal {
	return &refusal{kind: refusedConfig, status: http.StatusInternalServerError, reason: reason, msg: msg}
}

func clientError(reason, msg string) *refusal {
	return &refusal{kind: refusedClient, status: http.StatusForbidden, reason: reason, msg: msg}
}

// Messages. None echoes a value the client chose.
const (
	msgNoHTTP          = "The CheckRequest has no HTTP request attributes: use the envoy.filters.http.ext_authz filter."
	msgNoMethod        = "The CheckRequest has no HTTP method."
	msgNoPath          = "The CheckRequest has no HTTP path."
	msgBadHeaderName   = "The CheckRequest has a header name that is not a lower-case token."
	msgTooManyHeaders  = "The request has too many headers."
	msgNoService       = "The route's ext_authz context_extensions must include service: execute-api."
	msgWrongService    = "The route's ext_authz context_extensions service must be 'execute-api'."
	msgNoAPI           = "The route's ext_authz context_extensions must include api (the API id)."
	msgBadAPI          = "The route's ext_authz context_extensions api must be 1 to 128 letters, digits, '-', '_' or '.'."
	msgNoStage         = "The route's ext_authz context_extensions must include stage (the stage name)."
	msgBadStage        = "The route's ext_authz context_extensions stage must be 1 to 128 letters, digits, '-', '_', '.' or '$'."
	msgBadExtRegion    = "The route's ext_authz context_extensions region must be 1 to 32 lower-case letters, digits or '-'."
	msgUnknownExt      = "The route's ext_authz context_extensions contain an unknown key."
	msgBadMethod       = "The request method is not valid: it must be an upper-case HTTP method."
	msgBadHost         = "The request's host is not valid."
	msgUnsignedPayload = "UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256 in X-Amz-Content-Sha256."
	msgBodyUnclaimed   = "A request with a body must be signed with the body's SHA-256 in X-Amz-Content-Sha256."
	msgTooLong         = "Request Too Long"
)

// parseExtensions reads the route's context extensions strictly: service
// (execute-api), api and stage required, region optional, nothing else.
func parseExtensions(ext map[string]string) (target, *refusal) {
	var t target
	for k := range ext {
		switch k {
		case extService, extAPI, extStage, extRegion:
		default:
			return t, configError("ext_authz_unknown_extension", msgUnknownExt)
		}
	}
	service, ok := ext[extService]
	switch {
	case !ok || service == "":
		return t, configError("ext_authz_no_service", msgNoService)
	case service != downstream.ServiceExecuteAPI:
		return t, configError("ext_authz_wrong_service", msgWrongService)
	}
	t.api, t.stage = ext[extAPI], ext[extStage]
	region, pinned := ext[extRegion]
	switch {
	case t.api == "":
		return t, configError("ext_authz_no_api", msgNoAPI)
	case !downstream.ValidName(t.api, false):
		return t, configError("ext_authz_bad_api", msgBadAPI)
	case t.stage == "":
		return t, configError("ext_authz_no_stage", msgNoStage)
	case !downstream.ValidName(t.stage, true):
		return t, configError("ext_authz_bad_stage", msgBadStage)
	case pinned && !downstream.ValidRegion(region):
		return t, configError("ext_authz_bad_region", msgBadExtRegion)
	}
	t.region = region
	return t, nil
}

// checkHeaders returns the request's headers as Envoy sent them: the
// headers map (one entry per name, repeated headers joined with ','), or,
// with encode_raw_headers, header_map (one entry per line, values not
// joined). Names are lower-case; pseudo-headers (":authority", ":path", …)
// are included.
func checkHeaders(h *authv3.AttributeContext_HttpRequest) (map[string][]string, *refusal) {
	out := map[string][]string{}
	if raw := h.GetHeaderMap().GetHeaders(); len(raw) > 0 {
		if len(raw) > maxHeaders {
			return nil, clientError("ext_authz_too_many_headers", msgTooManyHeaders)
		}
		for _, hv := range raw {
			v := hv.GetValue()
			if len(hv.GetRawValue()) > 0 {
				v = string(hv.GetRawValue())
			}
			out[hv.GetKey()] = append(out[hv.GetKey()], v)
		}
	} else {
		if len(h.GetHeaders()) > maxHeaders {
			return nil, clientError("ext_authz_too_many_headers", msgTooManyHeaders)
		}
		for k, v := range h.GetHeaders() {
			out[k] = []string{v}
		}
	}
	for k := range out {
		if !isHeaderName(strings.TrimPrefix(k, ":")) {
			return nil, configError("ext_authz_bad_header_name", msgBadHeaderName)
		}
	}
	return out, nil
}

// checked is the client's request rebuilt from a CheckRequest.
type checked struct {
	in *downstream.Incoming
	// path is the path as it goes in the execute-api ARN: decoded, without
	// its leading slash.
	path string
	// names are the request's header names, lower-case as Envoy sent them.
	names []string
}

// incoming rebuilds the client's request from the CheckRequest's
// attributes: method, path (request-target with its query, as sent), host
// (":authority"), headers and, when Envoy buffered it, the body. The
// client's address is the source peer, or, when that peer is a trusted
// proxy, the right-most untrusted X-Forwarded-For hop; the transport is
// secure when Envoy reports the scheme https.
func incoming(ctx context.Context, attrs *authv3.AttributeContext, trusted []netip.Prefix) (*checked, *refusal) {
	h := attrs.GetRequest().GetHttp()
	if h == nil {
		return nil, configError("ext_authz_no_http_request", msgNoHTTP)
	}
	headers, ref := checkHeaders(h)
	if ref != nil {
		return nil, ref
	}
	method := first(h.GetMethod(), headers[":method"])
	uri := first(h.GetPath(), headers[":path"])
	host := first(h.GetHost(), headers[":authority"])
	if host == "" {
		host = first("", headers["host"])
	}
	switch {
	case method == "":
		return nil, configError("ext_authz_no_method", msgNoMethod)
	case uri == "":
		return nil, configError("ext_authz_no_path", msgNoPath)
	case !downstream.ValidMethod(method):
		return nil, clientError("ext_authz_bad_method", msgBadMethod)
	}
	u, path, perr := downstream.ParseClientPath(uri)
	if perr != nil {
		return nil, clientError("ext_authz_"+perr.Kind, perr.Message)
	}
	if !downstream.ValidHost(host) {
		return nil, clientError("ext_authz_bad_host", msgBadHost)
	}
	header := http.Header{}
	names := make([]string, 0, len(headers))
	for k, vs := range headers {
		if strings.HasPrefix(k, ":") || k == hdrPartialBody || k == "host" {
			continue
		}
		names = append(names, k)
		header[textproto.CanonicalMIMEHeaderKey(k)] = vs
	}
	in := &downstream.Incoming{
		ClientIP: downstream.ClientIP(sourceAddr(attrs), headers[hdrForwardedFor], trusted),
		Secure:   strings.EqualFold(h.GetScheme(), "https"),
	}
	claims := payloadClaims(headers[hdrContentSHA256], u)
	for _, c := range claims {
		if c == "UNSIGNED-PAYLOAD" {
			return nil, clientError("ext_authz_unsigned_payload", msgUnsignedPayload)
		}
	}
	switch partial := headers[hdrPartialBody]; {
	case len(partial) == 1 && partial[0] == "false":
		// Envoy buffered the whole body: the signature is checked against it.
		in.HaveBody = true
		in.Body = h.GetRawBody()
		if len(in.Body) == 0 && h.GetBody() != "" {
			in.Body = []byte(h.GetBody())
		}
	case len(partial) > 0:
		// Cut at max_request_bytes (allow_partial_message): the signature
		// cannot be checked against a part of the body.
		return nil, &refusal{kind: refusedClient, status: http.StatusRequestEntityTooLarge, reason: "ext_authz_partial_body", msg: msgTooLong}
	default:
		// No body in the CheckRequest: the signature proves the claimed
		// hash, and without a claim it covers an empty body, so a body the
		// headers announce was not signed.
		if len(claims) == 0 && announcesBody(headers) {
			return nil, clientError("ext_authz_body_unclaimed", msgBodyUnclaimed)
		}
	}
	req := &http.Request{
		Method: method, URL: u, Host: host, Header: header, RequestURI: uri,
		RemoteAddr: sourceAddr(attrs), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	in.HTTP = req.WithContext(ctx)
	return &checked{in: in, path: path, names: names}, nil
}

// first returns v, or else the first of alt.
func first(v string, alt []string) string {
	if v != "" || len(alt) == 0 {
		return v
	}
	return alt[0]
}

// sourceAddr is the address of the peer Envoy received the request from.
func sourceAddr(attrs *authv3.AttributeContext) string {
	return attrs.GetSource().GetAddress().GetSocketAddress().GetAddress()
}

// announcesBody reports whether the headers say a body follows: a non-zero
// Content-Length, or any Transfer-Encoding.
func announcesBody(headers map[string][]string) bool {
	for _, v := range headers[hdrTransferEnc] {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	for _, v := range headers[hdrContentLength] {
		if strings.Trim(v, "0 ,") != "" {
			return true
		}
	}
	return false
}

// payloadClaims returns the body hashes the client claimed in
// X-Amz-Content-Sha256: the header's values (a list when repeated) and the
// presigned query's parameter in any case.
func payloadClaims(header []string, u *url.URL) []string {
	var claims []string
	for _, v := range header {
		for part := range strings.SplitSeq(v, ",") {
			claims = append(claims, strings.TrimSpace(part))
		}
	}
	for name, vs := range u.Query() {
		if strings.EqualFold(name, "X-Amz-Content-Sha256") {
			claims = append(claims, vs...)
		}
	}
	return claims
}

// isHeaderName reports whether s is a lower-case HTTP token (RFC 9110
// tchar without upper-case letters), as Envoy sends header names.
func isHeaderName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
